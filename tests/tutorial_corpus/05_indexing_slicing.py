# group: tensors
# Integer and slice indexing, negative indices, ellipsis, and assignment.
import torch

m = torch.arange(1, 21).reshape(4, 5)
print(m)
print(m[0])
print(m[-1])
print(m[:, 1])
print(m[1:3, ::2])
print(m[..., -1])
print(m[2, 3], m[2, 3].item())
print(m[:2, 3:])
m[0, 0] = 100
m[3] = 0
m[:, 4] = -1
print(m)
v = torch.linspace(0, 1, 6)
print(v[1:-1])
print(v[::3])
