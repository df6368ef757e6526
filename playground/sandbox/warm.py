"""PyTorch's lazy imports, paid once per process, by importing this module.

A run must read no file and must not spend its time budget importing; yet the first
meta-sized shape check (`tensors.shapes`) and the first optimizer step (`nn.optim_api`)
each import `torch._dynamo` (1.4 s, dozens of files). Importing the rest of the
sandbox does not warm: the server imports it for the editor's names and the results'
classes, and its cold start must not wait for `torch._dynamo` beside the fork
server's. This module is imported where programs run: by the workers' fork server
(its preload, `isolation/pool.py`), by `runner.run` (for the command line, notebooks
and AppTest; Python imports a module once), and by the server once its workers are
ready (the studio trains with torch's optimizers). A tensor is formatted once too:
PyTorch formats under `_disable_current_modes()`, whose first use imports a module.
"""

from __future__ import annotations

import torch

from .nn import optim_api
from .tensors import shapes

shapes.warm_up()
optim_api.warm_up()
repr(torch.zeros(1))  # a worker's first `print(tensor)` imports nothing
