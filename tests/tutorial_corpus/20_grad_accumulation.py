# group: autograd
# Calling backward twice adds up gradients until they are zeroed.
import torch

w = torch.tensor([1.0, -2.0], requires_grad=True)
for step in range(3):
    loss = (w * torch.tensor([3.0, 0.5])).sum()
    loss.backward()
    print(step, w.grad)
w.grad.zero_()
print("after zero_:", w.grad)
loss = (w**2).sum()
loss.backward()
print(w.grad)
w.grad.data.zero_()
print("older spelling:", w.grad)
w.grad = None
print(w.grad is None)
