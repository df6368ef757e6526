# group: training
# Linear regression by hand on crop-yield-like data: model(), mse(), and no_grad updates.
import numpy as np
import torch

# temperature, rainfall, humidity  ->  wheat, barley
features = np.array(
    [[70, 60, 45], [88, 92, 61], [81, 128, 55], [99, 40, 33], [66, 101, 72]], dtype="float32"
)
yields = np.array([[52, 66], [79, 98], [115, 128], [25, 40], [99, 115]], dtype="float32")
inputs = torch.from_numpy(features)
targets = torch.from_numpy(yields)

torch.manual_seed(50)
w = torch.randn(2, 3, requires_grad=True)
b = torch.randn(2, requires_grad=True)


def model(x):
    return x @ w.t() + b


def mse(t1, t2):
    diff = t1 - t2
    return torch.sum(diff * diff) / diff.numel()


preds = model(inputs)
print(preds)
loss = mse(preds, targets)
print(loss)
for epoch in range(100):
    preds = model(inputs)
    loss = mse(preds, targets)
    loss.backward()
    with torch.no_grad():
        w -= w.grad * 1e-5
        b -= b.grad * 1e-5
        w.grad.zero_()
        b.grad.zero_()
    if epoch % 25 == 24:
        print(f"epoch {epoch + 1}: loss {loss.item():.4f}")
print(model(inputs))
print(targets)
