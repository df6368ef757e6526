"""The sandbox: runs untrusted PyTorch source and records what autograd did.

Owns everything between the source text and live, traced tensors: parsing and the
allow-list check (`parsing`, `source_check`, `placement`), the tree-walking
interpreter and the operations it may perform (`interpreter`, `operators`, the
catalogue of torch functions and tensor methods `catalogue` with its callers
`torch_api` and `tensor_api`, `torch_values`, `values`, `text`), the Python a
program may use (`python_api`, `modules`, `stdlib`, `classes`, `pymethods`,
`formatting`, `pyexceptions`, `pyiter`), `torch.nn`, `torch.optim` and
`torch.utils.data` as real PyTorch objects behind facades (`nn_values`, `nn_api`,
`module_classes` for user `nn.Module` / `autograd.Function` classes, `optim_api`,
`data_api`, `private_rng`), the budgets and their checks (`budgets`, `limits`,
`shapes` for result sizes, `context`), the trace of operations (`trace`), the
engine's backward steps recorded with hooks while the program runs
(`backward_steps`), and the errors a learner sees (`errors`, `explain`).

May import: torch, numpy and the standard library. Nothing from `playground.graph`,
`playground.training`, the top-level modules or the pages.
"""
