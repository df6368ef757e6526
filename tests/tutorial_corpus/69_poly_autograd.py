# group: training
# The cubic fit with autograd computing the gradients.
import math

import torch

x = torch.linspace(-math.pi, math.pi, 400)
y = torch.sin(x)
torch.manual_seed(61)
coeffs = [torch.randn((), requires_grad=True) for _ in range(4)]
learning_rate = 1e-6
for t in range(300):
    a, b, c, d = coeffs
    y_pred = a + b * x + c * x**2 + d * x**3
    loss = (y_pred - y).pow(2).sum()
    if t % 100 == 99:
        print(t, loss.item())
    loss.backward()
    with torch.no_grad():
        for p in coeffs:
            p -= learning_rate * p.grad
            p.grad = None
print("Result:", [round(p.item(), 5) for p in coeffs])
