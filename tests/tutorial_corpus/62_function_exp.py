# group: custom_function
# A custom exp that saves its output (not its input) for the backward pass.
import torch


class SavedExp(torch.autograd.Function):
    @staticmethod
    def forward(ctx, i):
        result = i.exp()
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        (result,) = ctx.saved_tensors
        return grad_output * result


z = torch.tensor([0.0, 1.0, -2.0], requires_grad=True)
e = SavedExp.apply(z)
e.sum().backward()
print(e)
print(z.grad)
print(torch.allclose(z.grad, torch.exp(z.detach())))
