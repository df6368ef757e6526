# group: python
# A dict of hyperparameters, a history list, zip, enumerate and assert.
import torch

config = {"lr": 0.1, "epochs": 30, "batch_size": 4}
config["momentum"] = 0.5
config.update({"seed": 79})
for key, value in sorted(config.items()):
    print(key, value)
print(config.get("dropout", 0.0), "lr" in config, len(config))
torch.manual_seed(config["seed"])
w = torch.zeros(2, requires_grad=True)
opt = torch.optim.SGD([w], lr=config["lr"], momentum=config["momentum"])
history = []
target = torch.tensor([1.0, -1.0])
for epoch in range(config["epochs"]):
    loss = ((w - target) ** 2).sum()
    opt.zero_grad()
    loss.backward()
    opt.step()
    history.append(loss.item())
assert len(history) == config["epochs"]
assert history[-1] < history[0], "loss should go down"
for i, (a, b) in enumerate(zip(history[:3], history[1:4])):
    print(i, round(a - b, 6))
best = min(range(len(history)), key=lambda i: history[i])
print("best epoch", best, round(history[best], 8))
print(list(config.keys()), list(config.values())[:2])
