# group: python
# Tuple unpacking, shapes as tuples, isinstance, type() and len().
import torch

n, d = torch.zeros(5, 3).shape
print(n, d)
first, *rest = [4, 5, 6, 7]
print(first, rest)
(a, b), c = (1, 2), 3
print(a, b, c)
x = torch.tensor([1.0, 2.0])
print(type(x), type(3), type(x.tolist()))
print(isinstance(x, torch.Tensor), isinstance(3.0, (int, float)))
print(len(x), len(torch.zeros(4, 2)), len("abc"))
shape = tuple(torch.ones(2, 3, 4).shape)
print(shape, shape[1:], list(shape))
a, b = b, a
print(a, b)
print(divmod(17, 5), 2**10, 7 // 2, -7 % 3)
print(bool(0), bool([]), bool(x.sum()), None is None)
