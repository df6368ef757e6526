# group: tensors
# Joining and splitting tensors.
import torch

a = torch.arange(6.0).reshape(2, 3)
b = torch.full((2, 3), -1.0)
print(torch.cat((a, b), dim=0))
print(torch.cat([a, b], dim=1))
print(torch.stack([a, b]).shape)
print(torch.stack((a[0], b[0]), dim=1))
print(torch.vstack([a, b]).shape, torch.hstack([a, b]).shape)
parts = torch.arange(10).split(4)
print([p.tolist() for p in parts])
halves = torch.arange(8).chunk(2)
print(halves[0], halves[1])
left, right = a.split([1, 2], dim=1)
print(left.shape, right.shape)
print(torch.cat([torch.ones(1), torch.zeros(2)]))
