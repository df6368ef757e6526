# group: custom_module
# Layers kept in nn.ModuleList, built with a comprehension.
import torch
import torch.nn as nn


class MLP(nn.Module):
    def __init__(self, sizes):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:])])

    def forward(self, x):
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < len(self.layers) - 1:
                x = torch.relu(x)
        return x


torch.manual_seed(43)
mlp = MLP([3, 5, 4, 1])
print(mlp)
print(mlp(torch.tensor([[0.5, -1.0, 2.0]])))
print(len(mlp.layers), mlp.layers[1].weight.shape)
