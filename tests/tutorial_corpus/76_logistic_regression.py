# group: training
# Logistic regression on one feature: sigmoid output, BCELoss, decision threshold.
import torch
import torch.nn as nn

torch.manual_seed(76)
hours = torch.linspace(0, 10, 30).unsqueeze(1)
passed = (hours > 4.5).float()


class Logistic(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(1, 1)

    def forward(self, x):
        return torch.sigmoid(self.linear(x))


model = Logistic()
criterion = nn.BCELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
history = []
for epoch in range(200):
    prob = model(hours)
    loss = criterion(prob, passed)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    history.append(loss.item())
print([round(h, 4) for h in history[::50]])
with torch.no_grad():
    guess = (model(hours) >= 0.5).float()
print("accuracy", (guess == passed).float().mean().item())
print(model(torch.tensor([[2.0], [7.0]])).detach())
