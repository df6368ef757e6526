# group: autograd
# Turning gradient tracking off for updates and evaluation.
import torch

w = torch.tensor([0.5, -0.5], requires_grad=True)
x = torch.tensor([2.0, 4.0])
z = (w * x).sum()
print(z.requires_grad)
with torch.no_grad():
    z2 = (w * x).sum()
print(z2.requires_grad)
z.backward()
with torch.no_grad():
    w -= 0.1 * w.grad
print(w, w.requires_grad, w.is_leaf)
print(torch.is_grad_enabled())
with torch.set_grad_enabled(False):
    print((w * 2).requires_grad)
with torch.enable_grad():
    print((w * 2).requires_grad)
