"""`torch.utils.data`: `TensorDataset` and `DataLoader` (batches, shuffling).

The real classes do the work, so batches, their order and their types are
PyTorch's. A `DataLoader` draws a seed from the global generator each time a loop
starts (and its shuffling sampler another): those draws happen on the run's
private generator (see `private_rng`), so `torch.manual_seed(s)` gives plain
PyTorch's batches and the numbers drawn afterwards match too.
"""

from __future__ import annotations

from collections.abc import Iterator

import torch
from torch.utils import data

from ..core.errors import NotAllowed, ProgramError
from ..core.values import SandboxObject
from .nn_values import bind, check_flag
from .private_rng import private_rng

Args = list[object]
Kwargs = dict[str, object]


class DatasetClass(SandboxObject):
    """`TensorDataset(x, y)`: tensors sharing their first dimension."""

    kind = "class"

    def __repr__(self) -> str:
        return "<class 'torch.utils.data.dataset.TensorDataset'>"

    def call(self, interp, args: Args, kwargs: Kwargs) -> DatasetValue:
        if kwargs or not args or not all(isinstance(a, torch.Tensor) for a in args):
            raise ProgramError("TensorDataset takes tensors, e.g. TensorDataset(x, y).")
        if any(a.dim() == 0 for a in args):
            raise ProgramError("TensorDataset: the tensors need a first dimension to index.")
        if any(a.size(0) != args[0].size(0) for a in args):
            raise ProgramError("TensorDataset: the tensors' first dimensions differ.")
        return DatasetValue(data.TensorDataset(*args))

    def subclass(self, interp, name: str, members: dict[str, object]) -> SandboxObject:
        raise NotAllowed("Classes cannot inherit from TensorDataset in the playground.")


class DatasetValue(SandboxObject):
    """A `TensorDataset`: `len(ds)`, `ds[i]`, `ds.tensors`, looping over its items."""

    kind = "TensorDataset"

    def __init__(self, dataset: data.TensorDataset) -> None:
        self.dataset = dataset

    def __repr__(self) -> str:
        return "<torch.utils.data.dataset.TensorDataset object>"

    def get_attribute(self, interp, name: str) -> object:
        if name == "tensors":
            return tuple(self.dataset.tensors)
        raise NotAllowed(f"`.{name}` of TensorDataset is not available in the playground.")

    def length(self, interp=None) -> int:
        return len(self.dataset)

    def get_item(self, interp, index: object) -> tuple:
        if isinstance(index, bool) or not isinstance(index, int | slice):
            raise ProgramError("TensorDataset indices must be whole numbers or slices.")
        item = self.dataset[index]
        for tensor in item:
            interp.ctx.count_op(tensor)
        return item

    def iterate(self, interp) -> Iterator[tuple]:
        for index in range(len(self.dataset)):
            yield self.get_item(interp, index)


class LoaderClass(SandboxObject):
    """`DataLoader(dataset, batch_size=..., shuffle=..., drop_last=...)`."""

    kind = "class"

    def __repr__(self) -> str:
        return "<class 'torch.utils.data.dataloader.DataLoader'>"

    def call(self, interp, args: Args, kwargs: Kwargs) -> LoaderValue:
        positional = {k: v for k, v in kwargs.items() if k not in ("drop_last", "generator")}
        bound = bind("DataLoader", ("dataset", "batch_size", "shuffle"), args, positional)
        dataset = bound.get("dataset")
        if not isinstance(dataset, DatasetValue):
            raise ProgramError(
                "DataLoader takes a TensorDataset, e.g. DataLoader(ds, batch_size=4)."
            )
        size = bound.get("batch_size", 1)
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ProgramError("DataLoader: batch_size must be a whole number of at least 1.")
        generator = kwargs.get("generator")
        if generator is not None and not isinstance(generator, torch.Generator):
            raise ProgramError("DataLoader: generator must be a torch.Generator.")
        loader = data.DataLoader(
            dataset.dataset,
            batch_size=size,
            shuffle=check_flag(bound.get("shuffle", False), "shuffle"),
            drop_last=check_flag(kwargs.get("drop_last", False), "drop_last"),
            generator=generator,
        )
        return LoaderValue(loader, dataset)

    def subclass(self, interp, name: str, members: dict[str, object]) -> SandboxObject:
        raise NotAllowed("Classes cannot inherit from DataLoader in the playground.")


class LoaderValue(SandboxObject):
    """A `DataLoader`: `len(loader)`, `loader.dataset`, `loader.batch_size`, and loops."""

    kind = "DataLoader"

    def __init__(self, loader: data.DataLoader, dataset: DatasetValue) -> None:
        self.loader = loader
        self.dataset = dataset

    def __repr__(self) -> str:
        return "<torch.utils.data.dataloader.DataLoader object>"

    def get_attribute(self, interp, name: str) -> object:
        if name == "dataset":
            return self.dataset
        if name == "batch_size":
            return self.loader.batch_size
        raise NotAllowed(f"`.{name}` of DataLoader is not available in the playground.")

    def length(self, interp=None) -> int:
        return len(self.loader)

    def iterate(self, interp) -> Iterator[object]:
        """The batches, each drawn with the run's generator standing in for the global one."""
        ctx = interp.ctx
        with private_rng(ctx):
            batches = iter(self.loader)
        while True:
            with private_rng(ctx):
                batch = next(batches, None)
            if batch is None:
                return
            for tensor in batch:
                ctx.count_op(tensor)
            yield batch


def data_members() -> dict[str, object]:
    """The members of `torch.utils.data`."""
    return {"TensorDataset": DatasetClass(), "DataLoader": LoaderClass()}


def utils_members() -> dict[str, object]:
    """`torch.utils` itself has nothing of its own here; `data` links in as a submodule."""
    return {}
