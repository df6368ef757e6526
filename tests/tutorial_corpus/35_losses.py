# group: nn
# The common loss functions on small hand-made predictions.
import torch
import torch.nn as nn
import torch.nn.functional as F

pred = torch.tensor([[2.5, 0.0], [1.0, -1.0], [0.5, 3.0]])
target = torch.tensor([[3.0, -0.5], [1.0, 0.0], [0.0, 2.0]])
print(nn.MSELoss()(pred, target))
print(nn.MSELoss(reduction="sum")(pred, target))
print(F.mse_loss(pred, target))
print(nn.L1Loss()(pred, target))
logits = torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]])
classes = torch.tensor([0, 2])
ce = nn.CrossEntropyLoss()
print(ce(logits, classes))
print(F.cross_entropy(logits, classes))
print(nn.NLLLoss()(F.log_softmax(logits, dim=1), classes))
probs = torch.tensor([0.9, 0.2, 0.6])
labels = torch.tensor([1.0, 0.0, 1.0])
print(nn.BCELoss()(probs, labels))
print(nn.BCEWithLogitsLoss()(torch.tensor([2.0, -1.0, 0.3]), labels))
print(F.binary_cross_entropy(probs, labels))
