# group: nn
# Dropout depends on train/eval mode.
import torch
import torch.nn as nn

torch.manual_seed(4)
drop = nn.Dropout(p=0.5)
x = torch.ones(2, 6)
print(drop.training)
print(drop(x))
drop.eval()
print(drop.training)
print(drop(x))
net = nn.Sequential(nn.Linear(6, 2), nn.Dropout(0.3))
net.train()
print(net.training, net[1].training)
net.eval()
print(net.training, net[1].training)
with torch.no_grad():
    print(net(x))
