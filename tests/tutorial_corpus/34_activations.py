# group: nn
# Activation functions as modules and as functions.
import torch
import torch.nn as nn
import torch.nn.functional as F

z = torch.tensor([[-2.0, -0.5, 0.0, 0.5, 2.0]])
print(nn.ReLU()(z))
print(F.relu(z))
print(nn.Sigmoid()(z))
print(torch.sigmoid(z))
print(nn.Tanh()(z))
print(torch.tanh(z))
print(nn.LeakyReLU(0.1)(z))
print(nn.Softmax(dim=1)(z))
print(F.softmax(z, dim=1).sum())
print(F.log_softmax(z, dim=-1))
print(z.softmax(dim=1).argmax(1))
print(nn.GELU()(z))
print(F.elu(z))
