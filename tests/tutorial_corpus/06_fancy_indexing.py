# group: tensors
# Indexing with lists and index tensors (gather rows, pick elements).
import torch

data = torch.tensor([[10, 11, 12], [20, 21, 22], [30, 31, 32], [40, 41, 42]])
print(data[[0, 2]])
rows = torch.tensor([3, 1, 1])
print(data[rows])
print(data[[0, 1, 2], [2, 1, 0]])
print(data[:, [0, 2]])
print(torch.index_select(data, 0, torch.tensor([1, 3])))
labels = torch.tensor([2, 0, 1, 2])
print(data[torch.arange(4), labels])
picked = data.gather(1, labels.unsqueeze(1))
print(picked.squeeze(1))
data[[0, 3], [0, 0]] = 0
print(data)
