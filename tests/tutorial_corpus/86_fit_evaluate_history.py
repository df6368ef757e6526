# group: training
# A classifier with training_step/validation_step methods, an @torch.no_grad() evaluate(),
# and a history of result dicts, in the style of a course notebook on logistic regression.
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(86)
pixels = torch.rand(90, 2, 3)
teacher = torch.randn(6, 3)
digits = (pixels.reshape(-1, 6) - 0.5).matmul(teacher).argmax(dim=1)
train_loader = DataLoader(TensorDataset(pixels[:60], digits[:60]), batch_size=15, shuffle=True)
val_loader = DataLoader(TensorDataset(pixels[60:], digits[60:]), batch_size=15)
input_size, num_classes = 6, 3


def accuracy(outputs, labels):
    _, preds = torch.max(outputs, dim=1)
    return torch.tensor(torch.sum(preds == labels).item() / len(preds))


class TinyImageModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(input_size, num_classes)

    def forward(self, xb):
        xb = xb.reshape(-1, input_size)
        return self.linear(xb)

    def training_step(self, batch):
        images, labels = batch
        out = self(images)
        return F.cross_entropy(out, labels)

    def validation_step(self, batch):
        images, labels = batch
        out = self(images)
        loss = F.cross_entropy(out, labels)
        acc = accuracy(out, labels)
        return {"val_loss": loss, "val_acc": acc}

    def validation_epoch_end(self, outputs):
        batch_losses = [x["val_loss"] for x in outputs]
        epoch_loss = torch.stack(batch_losses).mean()
        batch_accs = [x["val_acc"] for x in outputs]
        epoch_acc = torch.stack(batch_accs).mean()
        return {"val_loss": epoch_loss.item(), "val_acc": epoch_acc.item()}

    def epoch_end(self, epoch, result):
        print(
            "Epoch [{}], val_loss: {:.4f}, val_acc: {:.4f}".format(
                epoch, result["val_loss"], result["val_acc"]
            )
        )


@torch.no_grad()
def evaluate(model, val_loader):
    outputs = [model.validation_step(batch) for batch in val_loader]
    return model.validation_epoch_end(outputs)


def fit(epochs, lr, model, train_loader, val_loader, opt_func=torch.optim.SGD):
    history = []
    optimizer = opt_func(model.parameters(), lr)
    for epoch in range(epochs):
        for batch in train_loader:
            loss = model.training_step(batch)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
        result = evaluate(model, val_loader)
        model.epoch_end(epoch, result)
        history.append(result)
    return history


model = TinyImageModel()
history = [evaluate(model, val_loader)]
print(history[0])
history += fit(8, 1.0, model, train_loader, val_loader)
accuracies = [result["val_acc"] for result in history]
print([round(a, 3) for a in accuracies])
