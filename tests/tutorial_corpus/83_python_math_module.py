# group: python
# The math module next to torch.
import math

import torch

print(math.pi, math.e)
print(math.sqrt(2), math.exp(1.5), math.log(10), math.log(8, 2))
print(math.floor(2.7), math.ceil(2.1), math.fabs(-3.5))
print(math.isclose(0.1 + 0.2, 0.3), math.inf > 1e308)
angles = torch.linspace(0, math.pi, 5)
print(torch.cos(angles))
print([round(math.sin(a), 4) for a in angles.tolist()])
print(math.cos(math.pi / 3), math.tanh(0.5), math.pow(2, 10))
print(math.factorial(5), math.gcd(12, 18))
std = math.sqrt(2.0 / 5)
print(std)
