# group: autograd
# Intermediate results keep their gradient only when asked with retain_grad().
import torch

a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
h = a * 2
h.retain_grad()
out = (h**2).mean()
out.backward()
print(h.is_leaf, h.retains_grad)
print("dout/dh:", h.grad)
print("dout/da:", a.grad)
print(out)
