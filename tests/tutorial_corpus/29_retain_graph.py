# group: autograd
# Backward twice through the same graph needs retain_graph=True.
import torch

k = torch.tensor([0.5, 1.5], requires_grad=True)
e = torch.exp(k).sum()
e.backward(retain_graph=True)
first = k.grad.clone()
e.backward()
print(first)
print(k.grad)
print(torch.allclose(k.grad, 2 * first))
