# group: tensors
# Reductions along an axis, keeping dimensions to normalise rows.
import torch

A = torch.arange(20, dtype=torch.float32).reshape(5, 4)
print(A.sum(axis=0))
print(A.sum(dim=1))
row_sums = A.sum(axis=1, keepdims=True)
print(row_sums.shape)
print(A / row_sums)
print(A.mean(dim=0, keepdim=True))
print(A.cumsum(axis=0)[-1])
print(A.sum() / A.numel(), A.mean())
u = torch.tensor([3.0, -4.0])
print(torch.norm(u), u.abs().sum(), torch.linalg.norm(u))
print(torch.norm(torch.ones((4, 9))))
print(A.max(dim=1, keepdim=True).values.shape)
