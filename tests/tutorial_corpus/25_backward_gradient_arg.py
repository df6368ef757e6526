# group: autograd
# Backward from a non-scalar needs a gradient argument (or a sum first).
import torch

a = torch.tensor([2.0, 3.0], requires_grad=True)
b = torch.tensor([6.0, 4.0], requires_grad=True)
Q = 3 * a**3 - b**2
Q.backward(gradient=torch.tensor([1.0, 1.0]))
print(a.grad, b.grad)
print(9 * a**2 == a.grad, -2 * b == b.grad)
x = torch.linspace(0, 1, 4, requires_grad=True)
y = x * 2
y.sum().backward()
print(x.grad)
x.grad = None
y = x * 2
y.backward(torch.ones_like(y))
print(x.grad)
