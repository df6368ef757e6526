# group: autograd
# Looking at the graph: grad_fn, is_leaf, requires_grad propagation.
import torch

p = torch.ones(2, 2, requires_grad=True)
print(p)
print(p.grad_fn)
q = p + 2
print(q)
r = q * q * 3
out = r.mean()
print(r, out)
print(q.grad_fn is not None, p.grad_fn is None)
print(q.grad_fn.name(), out.grad_fn.name())
out.backward()
print(p.grad)
torch.manual_seed(2)
s = torch.randn(2, 2)
s = (s * 3) / (s - 1)
print(s.requires_grad)
s.requires_grad_(True)
print(s.requires_grad, (s * s).sum().requires_grad)
