# group: nn
# nn.Linear holds a weight and a bias and computes x @ W.T + b.
import torch
import torch.nn as nn

torch.manual_seed(42)
layer = nn.Linear(3, 2)
print(layer)
print(layer.weight)
print(layer.bias)
print(layer.weight.shape, layer.bias.shape)
x = torch.tensor([[1.0, 2.0, 3.0], [-1.0, 0.0, 0.5]])
out = layer(x)
print(out)
print(torch.allclose(out, x @ layer.weight.t() + layer.bias))
no_bias = nn.Linear(3, 1, bias=False)
print(no_bias.bias, no_bias(x).shape)
print(layer.in_features, layer.out_features)
