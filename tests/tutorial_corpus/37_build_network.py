# group: nn
# A batch of small images through Flatten, Linear and Softmax ("Build the neural network").
import torch
from torch import nn

torch.manual_seed(11)
images = torch.rand(3, 4, 4)
flatten = nn.Flatten()
flat = flatten(images)
print(flat.size())
layer1 = nn.Linear(in_features=16, out_features=6)
hidden = layer1(flat)
print(hidden.size())
print(f"Before ReLU: {hidden[0]}")
hidden = nn.ReLU()(hidden)
print(f"After ReLU: {hidden[0]}")
seq = nn.Sequential(flatten, layer1, nn.ReLU(), nn.Linear(6, 3))
logits = seq(images)
probs = nn.Softmax(dim=1)(logits)
print(probs)
y_pred = probs.argmax(1)
print(f"Predicted class: {y_pred}")
