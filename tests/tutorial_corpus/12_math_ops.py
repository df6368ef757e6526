# group: tensors
# Element-wise maths and reductions with a dim.
import torch

x = torch.tensor([[1.0, -4.0, 9.0], [0.25, 2.0, -1.0]])
print(x + 1, x - x, x * 2, x / 4)
print(x**2)
print(x.pow(3))
print(torch.exp(torch.tensor([0.0, 1.0])))
print(torch.log(torch.tensor([1.0, 100.0])))
print(x.abs().sqrt())
print(torch.sign(x))
print(x.clamp(min=0))
print(torch.clamp(x, -1.0, 1.0))
print(x.sum(), x.mean(), x.prod())
print(x.max(), x.min())
values, indices = x.max(dim=1)
print(values, indices)
print(torch.min(x, dim=0))
print(x.argmax(), x.argmax(dim=1), x.argmin(dim=0))
print(torch.sin(torch.tensor([0.0, 1.5708])).round(decimals=4))
print(x.std(), x.var(dim=1))
print(torch.cumsum(torch.arange(5), dim=0))
print(torch.maximum(x, torch.zeros_like(x)))
