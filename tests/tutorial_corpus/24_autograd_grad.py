# group: autograd
# torch.autograd.grad returns gradients instead of storing them; higher derivatives.
import torch

x = torch.tensor(1.5, requires_grad=True)
y = x**3 - 2 * x
(dy,) = torch.autograd.grad(y, x, create_graph=True)
print("first:", dy)
(d2y,) = torch.autograd.grad(dy, x)
print("second:", d2y)
print(x.grad)
a = torch.tensor([1.0, 2.0], requires_grad=True)
b = torch.tensor([3.0, 4.0], requires_grad=True)
f = (a * b).sum() + (b**2).sum()
ga, gb = torch.autograd.grad(f, [a, b])
print(ga, gb)
