# group: custom_function
# A Function of two tensors and a plain number; backward returns None for the number.
import torch


class ScaledProduct(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a, b, scale):
        ctx.save_for_backward(a, b)
        ctx.scale = scale
        return a * b * scale

    @staticmethod
    def backward(ctx, grad_out):
        a, b = ctx.saved_tensors
        return grad_out * b * ctx.scale, grad_out * a * ctx.scale, None


a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
b = torch.tensor([0.5, -1.0, 4.0], requires_grad=True)
out = ScaledProduct.apply(a, b, 2.0)
print(out)
out.sum().backward()
print(a.grad, b.grad)
a2 = a.detach().clone().requires_grad_()
b2 = b.detach().clone().requires_grad_()
(a2 * b2 * 2.0).sum().backward()
print(torch.equal(a.grad, a2.grad), torch.equal(b.grad, b2.grad))
