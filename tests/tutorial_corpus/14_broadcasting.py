# group: tensors
# Broadcasting: shapes are stretched to match.
import torch

col = torch.arange(3).reshape((3, 1))
row = torch.arange(2).reshape((1, 2))
print(col + row)
print((col * 10 + row).shape)
m = torch.ones(3, 4)
bias = torch.tensor([1.0, 2.0, 3.0, 4.0])
print(m + bias)
print(m * torch.tensor([[0.5], [1.0], [2.0]]))
print(col.expand(3, 5))
print(torch.tensor(2.0) * torch.ones(2, 2))
centered = m * bias - (m * bias).mean(dim=0, keepdim=True)
print(centered)
print(torch.broadcast_shapes((3, 1), (1, 4)))
