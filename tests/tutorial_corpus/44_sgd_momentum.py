# group: optim
# SGD with momentum on a stretched bowl, compared with plain SGD.
import torch
import torch.optim as optim


def bowl(p):
    return 5 * p[0] ** 2 + 0.5 * p[1] ** 2


for momentum in [0.0, 0.9]:
    p = torch.tensor([1.0, 2.0], requires_grad=True)
    optimizer = optim.SGD([p], lr=0.05, momentum=momentum)
    for i in range(40):
        optimizer.zero_grad()
        loss = bowl(p)
        loss.backward()
        optimizer.step()
    print(f"momentum={momentum}: p={p.detach()}, loss={bowl(p).item():.6f}")
