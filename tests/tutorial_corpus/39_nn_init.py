# group: nn
# Re-initialising weights with nn.init functions.
import torch
import torch.nn as nn

torch.manual_seed(21)
lin = nn.Linear(3, 3)
nn.init.zeros_(lin.bias)
nn.init.ones_(lin.weight)
print(lin.weight, lin.bias)
nn.init.constant_(lin.bias, 0.25)
print(lin.bias)
nn.init.normal_(lin.weight, mean=0.0, std=0.01)
print(lin.weight)
nn.init.uniform_(lin.weight, -0.1, 0.1)
print(lin.weight)
nn.init.xavier_uniform_(lin.weight)
print(lin.weight)
nn.init.kaiming_normal_(lin.weight)
print(lin.weight.shape)
lin.weight.data.normal_(0, 0.5)
lin.bias.data.fill_(1.0)
print(lin.bias)
