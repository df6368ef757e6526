# group: tensors
# Tensors of every rank from Python numbers and nested lists.
import torch

scalar = torch.tensor(7.5)
vector = torch.tensor([2, 4, 6.0, 8])
matrix = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
cube = torch.tensor([[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12.0]]])

for name, t in [("scalar", scalar), ("vector", vector), ("matrix", matrix), ("cube", cube)]:
    print(name, t.shape, t.dim(), t.numel(), t.dtype)
print(scalar)
print(vector)
print(matrix)
print(cube)
print(scalar.item() * 2)
print(torch.tensor([1, 2, 3]).dtype)
print(torch.tensor([True, False]).dtype)
print(matrix.size(), matrix.size(0), matrix.ndim)
legacy = torch.Tensor([[1, 2], [3, 4]])
print(legacy, legacy.dtype)
