# group: nn
# nn.Parameter wraps a tensor so that it requires grad and is registered by modules.
import torch
import torch.nn as nn

torch.manual_seed(8)
p = nn.Parameter(torch.randn(3))
print(p)
print(p.requires_grad, p.is_leaf)
loss = (p**2).sum()
loss.backward()
print(p.grad)
frozen = nn.Parameter(torch.zeros(2), requires_grad=False)
print(frozen.requires_grad)
print(isinstance(p, torch.Tensor))
