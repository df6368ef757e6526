# group: tensors
# Tensors filled with constants, ranges and identity matrices.
import torch

print(torch.zeros(2, 3))
print(torch.ones((3, 2), dtype=torch.int64))
print(torch.full((2, 2), 3.25))
print(torch.eye(3))
print(torch.arange(6))
print(torch.arange(1, 10, 2))
print(torch.arange(0.0, 1.0, 0.25))
print(torch.linspace(-1, 1, steps=5))
base = torch.tensor([[1.5, -2.0], [0.5, 4.0]])
print(torch.zeros_like(base))
print(torch.ones_like(base))
print(torch.full_like(base, 9))
print(torch.empty(0).shape)
