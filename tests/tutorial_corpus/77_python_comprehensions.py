# group: python
# Comprehensions and generator expressions over numbers and tensors.
import torch

squares = [n * n for n in range(6)]
print(squares)
evens = [n for n in squares if n % 2 == 0]
print(evens)
table = {name: len(name) for name in ["weight", "bias", "lr"]}
print(table)
print({n % 3 for n in range(10)})
print(sum(v for v in squares if v > 4))
tensors = [torch.full((2,), float(i)) for i in range(3)]
print(torch.stack(tensors))
print([t.sum().item() for t in tensors])
pairs = [(i, j) for i in range(3) for j in range(i)]
print(pairs)
nested = [[r * 3 + c for c in range(3)] for r in range(2)]
print(torch.tensor(nested))
print(any(x > 20 for x in squares), all(x >= 0 for x in squares))
print(max(squares), min(squares), sorted(squares, reverse=True))
