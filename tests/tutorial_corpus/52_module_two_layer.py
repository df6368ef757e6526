# group: custom_module
# A two-layer network with a helper method next to forward.
import torch
import torch.nn as nn
import torch.nn.functional as F


class TwoLayerNet(nn.Module):
    def __init__(self, d_in, hidden, d_out):
        super().__init__()
        self.fc1 = nn.Linear(d_in, hidden)
        self.fc2 = nn.Linear(hidden, d_out)

    def forward(self, x):
        h = F.relu(self.fc1(x))
        return self.fc2(h)

    def predict(self, x):
        with torch.no_grad():
            return self(x).argmax(dim=1)

    def count_parameters(self):
        return sum(p.numel() for p in self.parameters())


torch.manual_seed(19)
net = TwoLayerNet(4, 5, 3)
print(net)
x = torch.randn(6, 4)
print(net(x).shape)
print(net.predict(x))
print(net.count_parameters())
for name, p in net.named_parameters():
    print(name, tuple(p.shape))
