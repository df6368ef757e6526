# group: training
# What a DataLoader hands out: batches, their sizes, the last short batch, shuffling.
import torch
from torch.utils.data import DataLoader, TensorDataset

xs = torch.arange(10.0).unsqueeze(1)
ys = xs * 2 + 1
ds = TensorDataset(xs, ys)
print(len(ds))
print(ds[3])
loader = DataLoader(ds, batch_size=4)
print(len(loader))
for i, (xb, yb) in enumerate(loader):
    print(i, xb.squeeze(1).tolist(), yb.shape)
torch.manual_seed(72)
shuffled = DataLoader(ds, batch_size=3, shuffle=True)
for xb, yb in shuffled:
    print(xb.flatten().tolist())
dropping = DataLoader(ds, batch_size=4, drop_last=True)
print(sum(1 for _ in dropping))
print(len(loader.dataset))
