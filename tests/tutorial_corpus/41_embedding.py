# group: nn
# An embedding table looked up by integer ids.
import torch
import torch.nn as nn

torch.manual_seed(17)
emb = nn.Embedding(10, 3)
print(emb)
ids = torch.tensor([[1, 2, 4], [4, 3, 9]])
vectors = emb(ids)
print(vectors.shape)
print(vectors[1, 0])
print(torch.equal(vectors[0, 2], vectors[1, 0]))
print(emb.weight.shape)
