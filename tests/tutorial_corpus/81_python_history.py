# group: python
# Tracking results in lists of tuples and dicts, then summarising them.
import torch

torch.manual_seed(81)
records = []
for trial, lr in enumerate([0.01, 0.1, 0.5]):
    w = torch.tensor(5.0, requires_grad=True)
    for _ in range(20):
        loss = w**2
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
        w.grad.zero_()
    records.append({"trial": trial, "lr": lr, "final": w.item()})
for r in records:
    print(r["trial"], r["lr"], f"{r['final']:.6f}")
ranked = sorted(records, key=lambda r: abs(r["final"]))
print([r["lr"] for r in ranked])
lrs, finals = zip(*[(r["lr"], r["final"]) for r in records])
print(lrs, [round(f, 3) for f in finals])
stack = list(reversed(lrs))
stack.append(1.0)
stack.extend([2.0, 3.0])
print(stack.pop(), stack, stack.index(0.1))
print(tuple(range(3)), list(map(abs, [-1, 2, -3])), list(filter(None, [0, 1, 2])))
