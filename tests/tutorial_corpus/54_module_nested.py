# group: custom_module
# Modules inside modules: parameter names follow the attribute path.
import torch
from torch import nn


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(6, 4), nn.ReLU(), nn.Linear(4, 2))

    def forward(self, x):
        return self.layers(x)


class AutoEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = Encoder()
        self.decoder = nn.Linear(2, 6)

    def forward(self, x):
        code = self.encoder(x)
        return self.decoder(code), code


torch.manual_seed(23)
ae = AutoEncoder()
print(ae)
for name, p in ae.named_parameters():
    print(name, list(p.shape))
recon, code = ae(torch.ones(3, 6))
print(recon.shape, code.shape)
print(code)
print(len(list(ae.children())), len(list(ae.modules())))
