# group: custom_module
# A module with dropout behaves differently after model.eval().
import torch
import torch.nn as nn


class Regularised(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.drop = nn.Dropout(0.5)

    def forward(self, x):
        return self.drop(torch.relu(self.fc(x)))


torch.manual_seed(41)
model = Regularised()
x = torch.ones(1, 4)
model.train()
print(model.training, model(x))
model.eval()
print(model.training, model(x))
with torch.no_grad():
    print(model(x).requires_grad)
