# group: tensors
# In-place methods end with an underscore and change the tensor itself.
import torch

t = torch.ones(2, 3)
t.add_(5)
print(t)
t.mul_(torch.tensor([1.0, 2.0, 3.0]))
print(t)
t.sub_(1).div_(2)
print(t)
t[0].zero_()
print(t)
t.fill_(0.5)
print(t)
u = torch.tensor([-3.0, 0.5, 7.0])
u.clamp_(min=0, max=1)
print(u)
w = torch.zeros(4)
w[1:3] += 2
w += 1
print(w)
s = torch.arange(5.0)
s.copy_(torch.linspace(0, 1, 5))
print(s)
