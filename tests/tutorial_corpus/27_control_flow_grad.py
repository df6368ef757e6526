# group: autograd
# Autograd follows Python control flow: loops and branches that depend on values.
import torch


def f(a):
    b = a * 3
    while b.norm() < 500:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 50 * b
    return c


torch.manual_seed(1)
for trial in range(3):
    a = torch.randn(size=(), requires_grad=True)
    d = f(a)
    d.backward()
    print(trial, round(a.item(), 4), a.grad == d / a)
