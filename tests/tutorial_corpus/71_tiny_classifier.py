# group: training
# Three clusters of points, a small MLP, CrossEntropyLoss and Adam; accuracy at the end.
import torch
import torch.nn as nn

torch.manual_seed(70)
centres = torch.tensor([[0.0, 0.0], [3.0, 3.0], [0.0, 4.0]])
points = torch.cat([c + 0.6 * torch.randn(20, 2) for c in centres])
labels = torch.arange(3).repeat_interleave(20)
print(points.shape, labels.shape, labels[:5], labels[-5:])
model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 3))
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
for epoch in range(80):
    logits = model(points)
    loss = loss_fn(logits, labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if epoch % 20 == 0:
        print(f"epoch {epoch:2d} loss {loss.item():.4f}")
with torch.no_grad():
    predicted = model(points).argmax(dim=1)
accuracy = (predicted == labels).float().mean().item()
print(f"accuracy: {accuracy:.3f}")
print(model(torch.tensor([[3.1, 2.9]])).softmax(dim=1))
