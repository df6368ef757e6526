# group: training
# The cubic fit as a Linear layer over the features (x, x^2, x^3), with an optimizer.
import math

import torch

x = torch.linspace(-math.pi, math.pi, 400)
y = torch.sin(x)
powers = torch.tensor([1, 2, 3])
xx = x.unsqueeze(-1).pow(powers)
print(xx.shape)
torch.manual_seed(62)
model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
loss_fn = torch.nn.MSELoss(reduction="sum")
optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3)
for t in range(300):
    y_pred = model(xx)
    loss = loss_fn(y_pred, y)
    if t % 100 == 99:
        print(t, loss.item())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
linear_layer = model[0]
print(
    f"Result: y = {linear_layer.bias.item()} + {linear_layer.weight[:, 0].item()} x"
    f" + {linear_layer.weight[:, 1].item()} x^2 + {linear_layer.weight[:, 2].item()} x^3"
)
