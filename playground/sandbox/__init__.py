"""The sandbox: runs untrusted PyTorch source and records what autograd did.

The entry and the vetting live here: parsing (`parsing`), the allow-list check in
source order (`source_check`, `placement`), the tree-walking interpreter
(`interpreter`), the built-in names a program starts with (`python_api`) and the
modules it may import (`modules`). What they run is in four wings, each importing only
the ones listed before it:

- `core`: one run's context, budgets, errors and the protocol of sandbox objects;
- `tensors`: torch functions, tensor methods and operators, sizes checked first;
- `python`: built-ins, methods of Python types, classes, `math` and `random`;
- `nn`: `torch.nn`, `torch.optim` and `torch.utils.data` behind facades.

May import: torch, numpy and the standard library. Nothing from `playground.graph`,
`playground.training`, the top-level modules or the pages.
"""
