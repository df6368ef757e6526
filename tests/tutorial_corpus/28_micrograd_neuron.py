# group: autograd
# A single tanh neuron in double precision, compared with the hand-derived gradient.
import torch

x1 = torch.tensor([1.5]).double()
x1.requires_grad = True
x2 = torch.tensor([-0.5]).double()
x2.requires_grad = True
w1 = torch.tensor([-2.0]).double()
w1.requires_grad = True
w2 = torch.tensor([0.75]).double()
w2.requires_grad = True
b = torch.tensor([3.1]).double()
b.requires_grad = True
n = x1 * w1 + x2 * w2 + b
o = torch.tanh(n)
print(o.data.item())
o.backward()
print("x1", x1.grad.item())
print("w1", w1.grad.item())
print("x2", x2.grad.item())
print("w2", w2.grad.item())
local = 1 - o.item() ** 2
print(abs(w1.grad.item() - local * x1.item()) < 1e-12)
