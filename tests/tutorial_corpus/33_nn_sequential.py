# group: nn
# Stacking layers with nn.Sequential; indexing into it.
import torch
from torch import nn

torch.manual_seed(0)
net = nn.Sequential(
    nn.Linear(4, 8),
    nn.ReLU(),
    nn.Linear(8, 3),
)
print(net)
batch = torch.rand(5, 4)
logits = net(batch)
print(logits.shape)
print(logits)
print(net[0])
print(net[2].weight.shape)
print(len(net))
first = net[0](batch)
print(first.shape)
