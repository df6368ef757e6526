# group: nn
# Walking over a model's parameters by name.
import torch
from torch import nn

torch.manual_seed(3)
model = nn.Sequential(nn.Linear(5, 4), nn.Tanh(), nn.Linear(4, 1))
for name, param in model.named_parameters():
    print(f"Layer: {name} | Size: {param.size()} | Values : {param[:1]}")
total = sum(p.numel() for p in model.parameters())
print("parameters:", total)
print(len(list(model.parameters())))
print([name for name, _ in model.named_parameters()])
print(all(p.requires_grad for p in model.parameters()))
print(model[2].bias)
