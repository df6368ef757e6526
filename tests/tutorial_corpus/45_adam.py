# group: optim
# Adam on the Rosenbrock valley.
import torch

xy = torch.tensor([-1.0, 1.5], requires_grad=True)
adam = torch.optim.Adam([xy], lr=0.05)
for it in range(200):
    adam.zero_grad()
    a, b = xy[0], xy[1]
    loss = (1 - a) ** 2 + 10 * (b - a**2) ** 2
    loss.backward()
    adam.step()
    if it % 50 == 49:
        print(it + 1, loss.item())
print(xy.detach())
print(adam.defaults["lr"], adam.defaults["betas"])
