# group: optim
# Weight decay pulls weights towards zero.
import torch

for wd in [0.0, 0.1]:
    torch.manual_seed(10)
    w = torch.randn(4, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1, weight_decay=wd)
    x = torch.tensor([1.0, 0.0, 0.0, 0.0])
    for _ in range(30):
        opt.zero_grad()
        loss = ((w * x).sum() - 1.0) ** 2
        loss.backward()
        opt.step()
    print(wd, w.detach(), w.norm().item())
