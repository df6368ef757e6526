# group: optim
# The same small problem under AdamW, RMSprop and SGD with Nesterov momentum.
import torch

target = torch.tensor([1.0, -2.0, 0.5])
makers = {
    "AdamW": lambda ps: torch.optim.AdamW(ps, lr=0.1, weight_decay=0.01),
    "RMSprop": lambda ps: torch.optim.RMSprop(ps, lr=0.05),
    "Nesterov": lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
}
for name, make in makers.items():
    w = torch.zeros(3, requires_grad=True)
    opt = make([w])
    for _ in range(50):
        opt.zero_grad()
        loss = ((w - target) ** 2).sum()
        loss.backward()
        opt.step()
    print(f"{name:8s} loss={loss.item():.5f} w={w.detach().numpy().round(3)}")
