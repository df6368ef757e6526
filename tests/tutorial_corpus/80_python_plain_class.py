# group: python
# Plain Python classes: an averaging helper and a subclass, as training scripts often define.
import torch


class AverageMeter:
    def __init__(self, name):
        self.name = name
        self.reset()

    def reset(self):
        self.total = 0.0
        self.count = 0

    def update(self, value, n=1):
        self.total += value * n
        self.count += n

    def average(self):
        return self.total / max(self.count, 1)

    def summary(self):
        return f"{self.name}: {self.average():.4f} over {self.count}"


class BestMeter(AverageMeter):
    def __init__(self, name):
        super().__init__(name)
        self.best = None

    def update(self, value, n=1):
        super().update(value, n)
        if self.best is None or value < self.best:
            self.best = value


meter = BestMeter("loss")
for v in torch.tensor([0.9, 0.5, 0.7, 0.2]).tolist():
    meter.update(v, n=2)
print(meter.summary())
print(meter.best, meter.count, round(meter.average(), 6))
meter.reset()
print(meter.average(), isinstance(meter, AverageMeter))
