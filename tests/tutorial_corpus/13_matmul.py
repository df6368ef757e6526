# group: tensors
# Matrix products in all their spellings.
import torch

A = torch.arange(6.0).reshape(2, 3)
B = torch.arange(12.0).reshape(3, 4)
v = torch.tensor([1.0, 0.0, -1.0])
print(A @ B)
print(torch.mm(A, B))
print(torch.matmul(A, B).shape)
print(A.mm(B)[1])
print(torch.mv(A, v), A @ v)
print(torch.dot(v, v), v.dot(torch.ones(3)))
print(torch.outer(v, torch.tensor([2.0, 3.0])))
batch1 = torch.ones(5, 2, 3)
batch2 = torch.ones(5, 3, 4)
print(torch.bmm(batch1, batch2).shape)
print(torch.matmul(batch1, B).shape)
print((A @ A.T).diag())
print(torch.allclose(A @ B, torch.mm(A, B)))
