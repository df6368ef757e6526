# group: tensors
# The device idioms tutorials start with; on this machine everything is on the CPU.
import torch

device = "cuda" if torch.cuda.is_available() else "cpu"
print(f"Using {device} device")
x = torch.ones(2, 2).to(device)
print(x.device)
y = torch.zeros(3, device=device)
print(y, y.device)
cpu = torch.device("cpu")
z = torch.arange(3, device=cpu, dtype=torch.float32)
print(z.to(cpu), z.device.type)
print(z.cpu().numpy())
w = torch.randn(2, 2, device=device, dtype=torch.float)
print(w.shape, w.is_cuda)
print(z.to("cpu", torch.float64).dtype)
