# group: training
# The concise version: nn.Sequential, in-place initialisation through .data, MSELoss, SGD.
import torch
from torch import nn
from torch.utils import data

torch.manual_seed(74)
true_w = torch.tensor([-1.0, 2.0, 0.5])
true_b = 0.7
X = torch.normal(0, 1, (120, 3))
y = (X @ true_w + true_b + torch.normal(0, 0.01, (120,))).reshape(-1, 1)
dataset = data.TensorDataset(X, y)
loader = data.DataLoader(dataset, batch_size=20, shuffle=True)
net = nn.Sequential(nn.Linear(3, 1))
net[0].weight.data.normal_(0, 0.01)
net[0].bias.data.fill_(0)
loss = nn.MSELoss()
trainer = torch.optim.SGD(net.parameters(), lr=0.03)
for epoch in range(4):
    for Xb, yb in loader:
        l = loss(net(Xb), yb)
        trainer.zero_grad()
        l.backward()
        trainer.step()
    l = loss(net(X), y)
    print(f"epoch {epoch + 1}, loss {l:f}")
w = net[0].weight.data
print("error in w:", true_w - w.reshape(true_w.shape))
print("error in b:", true_b - net[0].bias.data)
