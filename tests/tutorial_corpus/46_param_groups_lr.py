# group: optim
# Changing the learning rate during training through param_groups.
import torch
import torch.nn as nn

torch.manual_seed(2)
model = nn.Linear(2, 1)
opt = torch.optim.SGD(model.parameters(), lr=0.2)
X = torch.tensor([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [2.0, 1.0]])
Y = torch.tensor([[1.0], [2.0], [3.0], [5.0]])
for epoch in range(60):
    if epoch in (20, 40):
        for group in opt.param_groups:
            group["lr"] = group["lr"] * 0.5
    opt.zero_grad()
    loss = nn.functional.mse_loss(model(X), Y)
    loss.backward()
    opt.step()
    if epoch % 10 == 9:
        print(epoch, opt.param_groups[0]["lr"], round(loss.item(), 6))
print(len(opt.param_groups), opt.param_groups[0]["momentum"])
