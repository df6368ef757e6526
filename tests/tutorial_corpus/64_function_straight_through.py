# group: custom_function
# Rounding in the forward pass, identity gradient in the backward pass (straight-through).
import torch


class RoundThrough(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return torch.round(x)

    @staticmethod
    def backward(ctx, g):
        return g


torch.manual_seed(47)
w = torch.randn(5, requires_grad=True)
target = torch.tensor([1.0, -2.0, 0.0, 3.0, 1.0])
opt = torch.optim.SGD([w], lr=0.2)
for step in range(20):
    q = RoundThrough.apply(w * 2)
    loss = ((q - target) ** 2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 5 == 0:
        print(step, q.tolist(), round(loss.item(), 4))
print(w.detach())
