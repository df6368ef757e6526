"""torch.nn, torch.optim and torch.utils.data: real PyTorch objects behind facades.

Owns the facades of layers, losses and containers with sizes checked before they are
built (`nn_values`, `nn_api`), user `nn.Module` and `autograd.Function` subclasses
(`module_classes`), optimizers and schedulers (`optim_api`), datasets and loaders
(`data_api`) and the run's private random generator for them (`private_rng`).

May import: torch, numpy, the standard library and `playground.sandbox.core`.
"""
