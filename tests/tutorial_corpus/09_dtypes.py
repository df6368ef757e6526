# group: tensors
# dtypes and conversions between them.
import torch

i = torch.tensor([1, 2, 3])
f = torch.tensor([1.0, 2.0, 3.0])
print(i.dtype, f.dtype)
print(i.float(), i.float().dtype)
print(f.long(), f.int().dtype)
print(f.double().dtype)
print(f.to(torch.float64).dtype)
print(i.type(torch.float32))
print(f.type())
print((i / 2).dtype, (i // 2))
print(torch.tensor([0.1, 0.7, 1.9]).to(torch.int32))
print(torch.zeros(2, dtype=torch.float16).dtype)
print((i > 1).dtype, (i > 1).int())
print(f.is_floating_point(), i.is_floating_point())
print(torch.tensor(3).item() + 0.5)
