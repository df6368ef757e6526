# group: custom_module
# A module holding its own weight matrix and bias as nn.Parameter objects.
import torch
import torch.nn as nn


class MyLinear(nn.Module):
    def __init__(self, in_units, units):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(in_units, units))
        self.bias = nn.Parameter(torch.randn(units))

    def forward(self, X):
        return torch.matmul(X, self.weight) + self.bias


torch.manual_seed(31)
layer = MyLinear(5, 3)
print(layer.weight)
X = torch.rand(2, 5)
print(layer(X))
print([n for n, _ in layer.named_parameters()])
net = nn.Sequential(MyLinear(4, 8), nn.ReLU(), MyLinear(8, 1))
print(net(torch.rand(2, 4)))
