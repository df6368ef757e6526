# group: custom_module
# A network whose depth is chosen at random on every forward pass, reusing one layer.
import random

import torch


class DynamicNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.inp = torch.nn.Linear(1, 8)
        self.middle = torch.nn.Linear(8, 8)
        self.out = torch.nn.Linear(8, 1)

    def forward(self, x):
        h = torch.tanh(self.inp(x))
        repeats = random.randint(0, 3)
        for _ in range(repeats):
            h = torch.tanh(self.middle(h))
        return self.out(h), repeats


random.seed(4)
torch.manual_seed(4)
net = DynamicNet()
x = torch.linspace(-1, 1, 8).unsqueeze(1)
y = x**2
opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.5)
for step in range(60):
    pred, depth = net(x)
    loss = torch.nn.functional.mse_loss(pred, y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 15 == 0:
        print(step, depth, round(loss.item(), 5))
