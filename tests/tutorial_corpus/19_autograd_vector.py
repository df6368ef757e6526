# group: autograd
# Gradient of a scalar function of a vector; zero the gradient between uses.
import torch

x = torch.arange(4.0)
x.requires_grad_(True)
print(x.grad)
y = 3 * torch.dot(x, x)
print(y)
y.backward()
print(x.grad)
print(x.grad == 6 * x)
x.grad.zero_()
y = x.sum()
y.backward()
print(x.grad)
x.grad.zero_()
y = (x * x).sum()
y.backward()
print(x.grad)
