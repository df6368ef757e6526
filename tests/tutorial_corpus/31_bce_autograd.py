# group: autograd
# One layer, a logistic loss, and the gradients of its weights.
import torch

torch.manual_seed(5)
inp = torch.ones(4)
expected = torch.zeros(2)
w = torch.randn(4, 2, requires_grad=True)
b = torch.randn(2, requires_grad=True)
z = torch.matmul(inp, w) + b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, expected)
print(z)
print(loss)
loss.backward()
print(w.grad)
print(b.grad)
with torch.no_grad():
    z = torch.matmul(inp, w) + b
print(z.requires_grad)
z_det = (torch.matmul(inp, w) + b).detach()
print(z_det.requires_grad)
