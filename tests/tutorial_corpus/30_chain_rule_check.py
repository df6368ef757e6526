# group: autograd
# Check autograd against derivatives worked out by hand.
import math

import torch

xs = torch.linspace(-2, 2, 5, requires_grad=True)
ys = torch.sigmoid(xs) * torch.sin(xs)
ys.sum().backward()
s = torch.sigmoid(xs.detach())
manual = s * (1 - s) * torch.sin(xs.detach()) + s * torch.cos(xs.detach())
print(xs.grad)
print(manual)
assert torch.allclose(xs.grad, manual)
t = torch.tensor(0.3, requires_grad=True)
g = torch.log(1 + t**2)
g.backward()
print(t.grad.item(), 2 * 0.3 / (1 + 0.3**2))
print(math.isclose(t.grad.item(), 0.6 / 1.09, rel_tol=1e-6))
