# group: tensors
# Changing shapes: view, reshape, flatten, squeeze, unsqueeze, transpose, permute.
import torch

x = torch.arange(12)
grid = x.reshape(3, 4)
print(grid)
print(x.view(2, -1))
print(x.view(-1, 3).shape)
print(grid.flatten())
print(grid.t())
print(grid.T.shape)
print(grid.transpose(0, 1).shape)
col = torch.tensor([1.0, 2.0, 3.0]).unsqueeze(1)
print(col, col.shape)
row = col.squeeze()
print(row, row.shape)
block = torch.arange(24).reshape(2, 3, 4)
print(block.permute(2, 0, 1).shape)
print(block.size(), block.size(-1))
print(block.unsqueeze(0).shape)
print(torch.ones(1, 3, 1).squeeze(0).shape)
print(torch.flatten(block, start_dim=1).shape)
