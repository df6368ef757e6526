# group: optim
# One parameter rolling down (x - 2)^2 with plain SGD.
import torch

x = torch.tensor([3.5], requires_grad=True)
opt = torch.optim.SGD([x], lr=0.1)
for step in range(25):
    opt.zero_grad()
    f = (x - 2.0) ** 2
    f.backward()
    opt.step()
    if step % 5 == 0:
        print(step, x.item(), f.item())
print("final", x)
