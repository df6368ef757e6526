# group: autograd
# detach() cuts a value out of the graph: it is treated as a constant.
import torch

x = torch.arange(3.0, requires_grad=True)
y = x * x
u = y.detach()
z = u * x
z.sum().backward()
print(x.grad)
print(x.grad == u)
print(u.requires_grad, y.requires_grad)
x.grad.zero_()
y.sum().backward()
print(x.grad == 2 * x)
frozen = x.detach().clone()
frozen[0] = 10.0
print(frozen, x)
print(x.detach().numpy())
print(x.data)
