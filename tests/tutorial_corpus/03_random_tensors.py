# group: tensors
# Seeded random tensors: the same seed always gives the same numbers.
import torch

torch.manual_seed(123)
print(torch.rand(2, 3))
print(torch.randn(4))
print(torch.randint(0, 10, (3, 3)))
print(torch.normal(mean=2.0, std=0.5, size=(2, 2)))
print(torch.rand_like(torch.zeros(2)))
print(torch.randn_like(torch.ones(1, 3)))

torch.manual_seed(123)
again = torch.rand(2, 3)
print("repeatable:", again)

gen = torch.Generator().manual_seed(7)
print(torch.randn(3, generator=gen))
print(torch.randperm(6))
