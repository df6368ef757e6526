# group: optim
# Fitting y = 3x - 1 with two scalar parameters and an optimizer.
import torch

xs = torch.linspace(-1, 1, 21)
ys = 3 * xs - 1
slope = torch.zeros((), requires_grad=True)
intercept = torch.zeros((), requires_grad=True)
optimizer = torch.optim.SGD([slope, intercept], lr=0.3)
loss_fn = torch.nn.MSELoss()
for epoch in range(1, 101):
    optimizer.zero_grad()
    loss = loss_fn(slope * xs + intercept, ys)
    loss.backward()
    optimizer.step()
    if epoch == 1 or epoch % 25 == 0:
        print("epoch %3d loss %.6f" % (epoch, loss.item()))
print("slope=%.4f intercept=%.4f" % (slope.item(), intercept.item()))
