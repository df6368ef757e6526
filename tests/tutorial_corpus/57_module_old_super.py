# group: custom_module
# The older super(Class, self).__init__() spelling, and inheritance between models.
import torch
import torch.nn as nn


class Base(nn.Module):
    def __init__(self, width):
        super(Base, self).__init__()
        self.width = width
        self.body = nn.Linear(width, width)

    def forward(self, x):
        return torch.relu(self.body(x))


class WithHead(Base):
    def __init__(self, width, classes):
        super(WithHead, self).__init__(width)
        self.head = nn.Linear(width, classes)

    def forward(self, x):
        return self.head(super().forward(x))


torch.manual_seed(37)
m = WithHead(3, 2)
print(m)
print(m.width)
print(m(torch.ones(2, 3)))
print(isinstance(m, Base), isinstance(m, nn.Module))
