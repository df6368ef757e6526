# group: optim
# What zero_grad does to .grad, and gradients of two parameter groups.
import torch
import torch.nn as nn

torch.manual_seed(6)
lin = nn.Linear(2, 2)
opt = torch.optim.SGD(lin.parameters(), lr=0.1)
out = lin(torch.ones(1, 2)).sum()
out.backward()
print(lin.weight.grad)
opt.zero_grad()
print(lin.weight.grad)
out = lin(torch.ones(1, 2)).sum()
out.backward()
opt.zero_grad(set_to_none=False)
print(lin.weight.grad)
lin.zero_grad()
print(lin.bias.grad)
w = torch.zeros(2, requires_grad=True)
v = torch.zeros(2, requires_grad=True)
two = torch.optim.SGD([{"params": [w]}, {"params": [v], "lr": 1.0}], lr=0.1)
(w.sum() + v.sum()).backward()
two.step()
print(w, v)
print([g["lr"] for g in two.param_groups])
