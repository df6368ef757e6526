# group: nn
# The functional forms in torch.nn.functional.
import torch
import torch.nn.functional as F

torch.manual_seed(9)
x = torch.randn(4, 3)
W = torch.randn(2, 3)
b = torch.zeros(2)
y = F.linear(x, W, b)
print(y)
print(torch.allclose(y, x @ W.T + b))
print(F.relu(y))
print(torch.sigmoid(y).shape)
print(F.softmax(y, dim=1))
print(F.one_hot(torch.tensor([0, 2, 1]), num_classes=3))
print(F.mse_loss(y, torch.zeros_like(y)))
print(F.normalize(torch.tensor([[3.0, 4.0]]), dim=1))
print(F.dropout(x, p=0.5, training=False).equal(x))
