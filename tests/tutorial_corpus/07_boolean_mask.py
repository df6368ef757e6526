# group: tensors
# Boolean masks: select, count, overwrite, where, masked_fill, nonzero.
import torch

vals = torch.tensor([[-1.5, 2.0, 0.0], [3.5, -0.5, 1.0]])
mask = vals > 0
print(mask)
print(vals[mask])
print(mask.sum().item(), mask.float().mean().item())
print(torch.where(vals > 0, vals, torch.zeros_like(vals)))
print(vals.masked_fill(vals < 0, -9.0))
print(torch.nonzero(mask))
clipped = vals.clone()
clipped[clipped < 0] = 0
print(clipped)
evens = torch.arange(10)
print(evens[evens % 2 == 0])
print(((evens > 2) & (evens < 7)).sum())
print(evens[(evens < 2) | (evens > 8)])
print(torch.any(vals > 3), torch.all(vals > -2))
