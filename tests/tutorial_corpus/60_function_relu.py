# group: custom_function
# A ReLU written as a custom autograd Function with its own backward.
import torch


class ClampedLinearUnit(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[x < 0] = 0
        return grad_input


v = torch.tensor([-1.0, 0.5, 2.0, -3.0], requires_grad=True)
relu = ClampedLinearUnit.apply
out = relu(v)
print(out)
(out * torch.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
print(v.grad)
w = v.detach().clone().requires_grad_(True)
(torch.relu(w) * torch.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
print(torch.equal(v.grad, w.grad))
