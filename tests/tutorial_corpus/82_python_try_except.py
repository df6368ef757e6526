# group: python
# Catching the errors a beginner meets: shape mismatches and backward on non-scalars.
import torch

a = torch.ones(2, 3)
b = torch.ones(4, 5)
try:
    a @ b
except RuntimeError:
    print("shapes do not match for @")
x = torch.ones(3, requires_grad=True)
y = x * 2
try:
    y.backward()
except RuntimeError:
    print("backward needs a scalar")
try:
    value = {"lr": 0.1}["momentum"]
except KeyError:
    value = 0.0
print(value)
try:
    assert a.shape == (3, 2), "wrong shape"
except AssertionError as err:
    print("assertion:", err)
finally:
    print("checked")
try:
    raise ValueError("custom problem")
except (TypeError, ValueError) as err:
    print("caught", err)
