# group: training
# The same regression with TensorDataset, DataLoader, nn.Linear, F.mse_loss and a fit() function.
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

inputs = torch.tensor(
    [
        [70, 60, 45],
        [88, 92, 61],
        [81, 128, 55],
        [99, 40, 33],
        [66, 101, 72],
        [71, 61, 44],
        [87, 93, 60],
        [82, 127, 56],
        [98, 41, 34],
        [67, 100, 71],
    ],
    dtype=torch.float32,
)
targets = torch.tensor(
    [
        [52, 66],
        [79, 98],
        [115, 128],
        [25, 40],
        [99, 115],
        [53, 65],
        [78, 99],
        [116, 127],
        [26, 39],
        [98, 116],
    ],
    dtype=torch.float32,
)
train_ds = TensorDataset(inputs, targets)
print(train_ds[0:2])
torch.manual_seed(52)
train_dl = DataLoader(train_ds, batch_size=4, shuffle=True)
model = nn.Linear(3, 2)
opt = torch.optim.SGD(model.parameters(), lr=1e-5)
loss_fn = F.mse_loss
print(loss_fn(model(inputs), targets))


def fit(num_epochs, model, loss_fn, opt, train_dl):
    for epoch in range(num_epochs):
        for xb, yb in train_dl:
            pred = model(xb)
            loss = loss_fn(pred, yb)
            loss.backward()
            opt.step()
            opt.zero_grad()
        if (epoch + 1) % 20 == 0:
            print("Epoch [{}/{}], Loss: {:.4f}".format(epoch + 1, num_epochs, loss.item()))


fit(60, model, loss_fn, opt, train_dl)
print(model(inputs[:3]))
