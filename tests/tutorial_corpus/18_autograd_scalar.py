# group: autograd
# Gradients of a tiny expression; a tensor without requires_grad gets no .grad.
import torch

x = torch.tensor(2.5)
w = torch.tensor(-1.5, requires_grad=True)
b = torch.tensor(0.75, requires_grad=True)
y = w * x + b
print(y)
y.backward()
print("dy/dx:", x.grad)
print("dy/dw:", w.grad)
print("dy/db:", b.grad)
print(x.requires_grad, w.requires_grad, y.requires_grad)
print(w.is_leaf, y.is_leaf)
