# group: tensors
# Comparisons, sorting and top-k.
import torch

p = torch.tensor([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0])
q = torch.tensor([3.0, 2.0, 4.0, 0.0, 5.0, 8.0, 2.0])
print(p == q)
print(torch.eq(p, q).sum())
print(p.gt(q), torch.ge(p, 4))
print(torch.equal(p, p.clone()), torch.allclose(p, q + 0.0))
print(torch.allclose(torch.tensor([1.0]), torch.tensor([1.0 + 1e-9])))
values, order = torch.sort(p)
print(values, order)
print(p.sort(descending=True).values)
top = torch.topk(p, 3)
print(top.values, top.indices)
print(torch.unique(p))
print(torch.isclose(p, q, atol=1.0))
