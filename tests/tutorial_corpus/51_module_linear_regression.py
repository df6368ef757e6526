# group: custom_module
# A linear-regression model written as an nn.Module subclass.
import torch
import torch.nn as nn


class LinearRegression(nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.linear = nn.Linear(n_in, n_out)

    def forward(self, xb):
        return self.linear(xb)


torch.manual_seed(13)
model = LinearRegression(3, 2)
print(model)
print(list(model.parameters()))
xb = torch.tensor([[60.0, 70.0, 40.0], [85.0, 90.0, 60.0]])
print(model(xb))
print(model.linear.weight.shape)
