# group: tensors
# Moving data between numpy arrays and tensors.
import numpy as np
import torch

arr = np.array([[1.0, 2.0], [3.0, 4.0]], dtype="float32")
t = torch.from_numpy(arr)
print(t, t.dtype)
copy = torch.tensor(arr)
arr[0, 0] = 50.0
print(t[0, 0].item(), copy[0, 0].item())
back = copy.numpy()
print(back.shape, back.dtype)
print(back)
print(copy.tolist())
ints = torch.arange(4).numpy()
print(ints, ints.sum())
print(torch.tensor(np.linspace(0, 1, 3)))
print(torch.as_tensor([1, 2, 3]))
