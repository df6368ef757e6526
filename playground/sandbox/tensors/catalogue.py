"""The catalogue: every torch function and tensor method a program may call, as data.

One row per name: where it lives (`torch.name`, `tensor.name`, or
`torch.nn.functional.name`), the keyword arguments it accepts, and how its result's
size is bounded (`Size`). `dispatch` calls the real PyTorch function named here
after `shapes` has predicted the result's size; the "What can I type?" help is
written from this table (`help_markdown`), so the two cannot disagree.
Names are looked up only as keys of this table, never with a user's string.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Size(Enum):
    """How a result's size is predicted before PyTorch allocates it."""

    SAME = "as large as its input"  # unary math, in-place ops, conversions
    REDUCE = "at most its input"  # sums, max with dim, sort, topk, losses
    VIEW = "a view of its input"  # reshape, transpose: no new memory
    BROADCAST = "the broadcast of its inputs"  # add, where, maximum, eq
    MATMUL = "rows x columns of the product"  # mm, bmm, matmul
    OUTER = "the product of its inputs' sizes"  # outer
    META = "worked out on shape-only (meta) tensors"  # cat, repeat, expand, pad
    NONZERO = "the input's nonzero count x its dimensions"  # nonzero, 1-argument where
    PIECES = "views of its input, one per piece"  # split, chunk, unbind
    SCALAR = "not a tensor"  # size, dim, item, allclose
    CUSTOM = "checked by its own code"  # creation, to, one_hot, dropout


# Kinds whose result needs no prediction: never larger than an input, or not a tensor.
FREE_SIZES = frozenset((Size.SAME, Size.REDUCE, Size.SCALAR, Size.CUSTOM))

DIM = ("dim", "keepdim", "axis", "keepdims")
CREATE = ("dtype", "requires_grad", "device")


@dataclass(frozen=True)
class Entry:
    """One allowed callable: `torch.name` and/or `tensor.name` (or `F.name`)."""

    name: str
    size: Size
    keywords: frozenset[str]
    group: str
    function: bool  # torch.name / F.name
    method: bool  # tensor.name
    random: bool = False  # takes the run's generator


def _rows(
    group: str,
    names: str,
    size: Size,
    where: str = "fm",
    keywords: tuple[str, ...] = (),
    random: bool = False,
) -> list[Entry]:
    return [
        Entry(name, size, frozenset(keywords), group, "f" in where, "m" in where, random)
        for name in names.split()
    ]


_MATH = "math"
_COMPARE = "comparison"
_REDUCE = "reductions"
_SHAPE = "shape"
_LINALG = "matrix products"
_INPLACE = "in place"
_CONVERT = "conversion and information"
_CREATE = "creation"
_RANDOM = "randomness"
_AUTOGRAD = "autograd"

TENSOR_ENTRIES: list[Entry] = [
    # -- math, element-wise ------------------------------------------------------
    *_rows(_MATH, "add sub", Size.BROADCAST, keywords=("alpha", "other")),
    *_rows(_MATH, "mul div true_divide", Size.BROADCAST, keywords=("rounding_mode", "other")),
    *_rows(_MATH, "pow maximum minimum remainder fmod atan2", Size.BROADCAST),
    *_rows(_MATH, "floor_divide logical_and logical_or logical_xor", Size.BROADCAST),
    *_rows(_MATH, "where", Size.BROADCAST),
    *_rows(_MATH, "clamp clip", Size.BROADCAST, keywords=("min", "max")),
    *_rows(
        _MATH,
        "neg negative exp log log1p log2 log10 expm1 sqrt rsqrt abs sign sin cos tan "
        "asin acos atan sinh cosh tanh sigmoid relu square floor ceil trunc frac "
        "reciprocal erf logical_not isnan isinf isfinite",
        Size.SAME,
    ),
    *_rows(_MATH, "round", Size.SAME, keywords=("decimals",)),
    *_rows(_MATH, "nan_to_num", Size.SAME, keywords=("nan", "posinf", "neginf")),
    *_rows(_MATH, "softmax log_softmax", Size.SAME, keywords=("dim", "dtype")),
    *_rows(_MATH, "cumsum cumprod", Size.SAME, keywords=("dim", "dtype", "axis")),
    # -- comparison ------------------------------------------------------------
    *_rows(_COMPARE, "eq ne gt ge lt le greater less greater_equal less_equal", Size.BROADCAST),
    *_rows(_COMPARE, "isclose", Size.BROADCAST, keywords=("rtol", "atol", "equal_nan")),
    *_rows(_COMPARE, "allclose", Size.BROADCAST, keywords=("rtol", "atol", "equal_nan")),
    *_rows(_COMPARE, "equal", Size.SCALAR),
    # -- reductions ----------------------------------------------------------------
    *_rows(_REDUCE, "sum mean nansum nanmean prod", Size.REDUCE, keywords=(*DIM, "dtype")),
    *_rows(_REDUCE, "std var", Size.REDUCE, keywords=(*DIM, "unbiased", "correction")),
    *_rows(_REDUCE, "max min median", Size.REDUCE, keywords=DIM),
    *_rows(_REDUCE, "argmax argmin amax amin all any logsumexp", Size.REDUCE, keywords=DIM),
    *_rows(_REDUCE, "norm", Size.REDUCE, keywords=("p", *DIM, "dtype")),
    *_rows(_REDUCE, "count_nonzero", Size.REDUCE, keywords=("dim",)),
    *_rows(_REDUCE, "sort", Size.SAME, keywords=("dim", "descending", "stable")),
    *_rows(_REDUCE, "argsort", Size.SAME, keywords=("dim", "descending", "stable")),
    *_rows(_REDUCE, "topk", Size.REDUCE, keywords=("k", "dim", "largest", "sorted")),
    *_rows(
        _REDUCE,
        "unique",
        Size.REDUCE,
        keywords=("sorted", "return_inverse", "return_counts", "dim"),
    ),
    *_rows(_REDUCE, "trace", Size.REDUCE),
    # -- matrix products -----------------------------------------------------------
    *_rows(_LINALG, "mm bmm matmul", Size.MATMUL),
    *_rows(_LINALG, "dot mv", Size.REDUCE),
    *_rows(_LINALG, "outer", Size.OUTER),
    # -- shape -------------------------------------------------------------------
    *_rows(_SHAPE, "view", Size.VIEW, where="m"),
    *_rows(_SHAPE, "reshape", Size.VIEW, keywords=("shape",)),
    *_rows(_SHAPE, "flatten", Size.VIEW, keywords=("start_dim", "end_dim")),
    *_rows(_SHAPE, "squeeze unsqueeze", Size.VIEW, keywords=("dim",)),
    *_rows(_SHAPE, "transpose swapaxes", Size.VIEW, keywords=("dim0", "dim1")),
    *_rows(_SHAPE, "permute", Size.VIEW, keywords=("dims",)),
    *_rows(_SHAPE, "movedim", Size.VIEW, keywords=("source", "destination")),
    *_rows(_SHAPE, "t", Size.VIEW),
    *_rows(_SHAPE, "narrow", Size.VIEW, keywords=("dim", "start", "length")),
    *_rows(_SHAPE, "diagonal", Size.VIEW, keywords=("offset", "dim1", "dim2")),
    *_rows(_SHAPE, "contiguous", Size.SAME, where="m"),
    *_rows(_SHAPE, "expand expand_as repeat", Size.META, where="m"),
    *_rows(_SHAPE, "repeat_interleave", Size.META, keywords=("repeats", "dim", "output_size")),
    *_rows(_SHAPE, "broadcast_shapes", Size.SCALAR, where="f"),
    *_rows(_SHAPE, "broadcast_to tile", Size.META, keywords=("size", "dims")),
    *_rows(_SHAPE, "cat concat concatenate stack", Size.META, "f", ("tensors", "dim", "axis")),
    *_rows(_SHAPE, "hstack vstack", Size.META, where="f", keywords=("tensors",)),
    *_rows(_SHAPE, "index_select gather", Size.META, keywords=("dim", "index")),
    *_rows(_SHAPE, "diag", Size.META, keywords=("diagonal",)),
    *_rows(_SHAPE, "tril triu", Size.SAME, keywords=("diagonal",)),
    *_rows(_SHAPE, "flip", Size.SAME, keywords=("dims",)),
    *_rows(_SHAPE, "roll", Size.SAME, keywords=("shifts", "dims")),
    *_rows(_SHAPE, "masked_fill", Size.BROADCAST, keywords=("mask", "value")),
    *_rows(_SHAPE, "split", Size.PIECES, keywords=("split_size_or_sections", "dim")),
    *_rows(_SHAPE, "chunk", Size.PIECES, keywords=("chunks", "dim")),
    *_rows(_SHAPE, "unbind", Size.PIECES, keywords=("dim",)),
    *_rows(_SHAPE, "nonzero", Size.NONZERO, keywords=("as_tuple",)),
    *_rows(_SHAPE, "masked_select", Size.BROADCAST, keywords=("mask",)),
    # -- conversion and information ---------------------------------------------
    *_rows(_CONVERT, "size", Size.SCALAR, where="m", keywords=("dim",)),
    *_rows(_CONVERT, "dim ndimension nelement element_size", Size.SCALAR, where="m"),
    *_rows(_CONVERT, "numel", Size.SCALAR),
    *_rows(_CONVERT, "is_contiguous is_floating_point item", Size.SCALAR, where="m"),
    *_rows(_CONVERT, "tolist numpy", Size.CUSTOM, where="m"),
    *_rows(_CONVERT, "float double half long int short bool", Size.SAME, where="m"),
    *_rows(_CONVERT, "to", Size.CUSTOM, where="m", keywords=("dtype", "device", "copy")),
    *_rows(_CONVERT, "type", Size.CUSTOM, where="m", keywords=("dtype",)),
    *_rows(_CONVERT, "cpu cuda", Size.CUSTOM, where="m"),
    *_rows(_CONVERT, "clone", Size.SAME),
    *_rows(_CONVERT, "detach", Size.SAME),
    # -- in place ------------------------------------------------------------------
    *_rows(_INPLACE, "add_ sub_", Size.SAME, where="m", keywords=("alpha",)),
    *_rows(_INPLACE, "mul_ div_ pow_ copy_ fill_ zero_", Size.SAME, where="m"),
    *_rows(_INPLACE, "neg_ exp_ log_ abs_ sqrt_ sigmoid_ tanh_ relu_", Size.SAME, where="m"),
    *_rows(_INPLACE, "clamp_ clip_", Size.SAME, where="m", keywords=("min", "max")),
    *_rows(_INPLACE, "masked_fill_", Size.SAME, where="m", keywords=("mask", "value")),
    *_rows(_INPLACE, "unsqueeze_ squeeze_ t_", Size.VIEW, where="m", keywords=("dim",)),
    *_rows(_INPLACE, "normal_", Size.SAME, "m", ("mean", "std", "generator"), random=True),
    *_rows(_INPLACE, "uniform_", Size.SAME, "m", ("generator",), random=True),
    *_rows(_INPLACE, "bernoulli_", Size.SAME, "m", ("p", "generator"), random=True),
    # -- autograd ------------------------------------------------------------------
    *_rows(_AUTOGRAD, "requires_grad_", Size.SAME, where="m", keywords=("requires_grad",)),
    *_rows(_AUTOGRAD, "retain_grad detach_", Size.SCALAR, where="m"),
    *_rows(_AUTOGRAD, "is_grad_enabled", Size.SCALAR, where="f"),
    *_rows(_AUTOGRAD, "backward", Size.CUSTOM, where="m", keywords=("gradient", "retain_graph",
                                                                      "create_graph", "inputs")),
    # -- random ----------------------------------------------------------------------
    *_rows(_RANDOM, "bernoulli", Size.SAME, "f", ("p", "generator"), random=True),
    *_rows(_RANDOM, "multinomial", Size.META, "fm", ("num_samples", "replacement",
                                                       "generator"), random=True),
]  # fmt: skip

# Creation and other functions with their own code in `torch_api` (one row each,
# for the help and the keyword check).
CREATION_ENTRIES: list[Entry] = [
    *_rows(_CREATE, "tensor as_tensor", Size.CUSTOM, "f", CREATE),
    *_rows(_CREATE, "Tensor FloatTensor DoubleTensor LongTensor IntTensor BoolTensor",
           Size.CUSTOM, "f"),
    *_rows(_CREATE, "zeros ones empty", Size.CUSTOM, "f", (*CREATE, "size")),
    *_rows(_CREATE, "full", Size.CUSTOM, "f", (*CREATE, "size", "fill_value")),
    *_rows(_CREATE, "eye", Size.CUSTOM, "f", CREATE),
    *_rows(_CREATE, "arange linspace", Size.CUSTOM, "f", (*CREATE, "steps", "start", "end",
                                                           "step")),
    *_rows(_CREATE, "zeros_like ones_like empty_like", Size.CUSTOM, "f", CREATE),
    *_rows(_CREATE, "full_like", Size.CUSTOM, "f", (*CREATE, "fill_value")),
    *_rows(_CREATE, "from_numpy", Size.CUSTOM, "f"),
    *_rows(_RANDOM, "rand randn", Size.CUSTOM, "f", (*CREATE, "size", "generator"), True),
    *_rows(_RANDOM, "rand_like randn_like", Size.CUSTOM, "f", (*CREATE, "generator"), True),
    *_rows(_RANDOM, "randint", Size.CUSTOM, "f", (*CREATE, "size", "generator", "low", "high"),
           True),
    *_rows(_RANDOM, "randint_like", Size.CUSTOM, "f", (*CREATE, "generator", "low", "high"),
           True),
    *_rows(_RANDOM, "randperm", Size.CUSTOM, "f", (*CREATE, "generator"), True),
    *_rows(_RANDOM, "normal", Size.CUSTOM, "f", (*CREATE, "mean", "std", "size", "generator"),
           True),
    *_rows(_RANDOM, "manual_seed Generator", Size.CUSTOM, "f", ("device",)),
    *_rows(_CONVERT, "device", Size.CUSTOM, "f"),
    *_rows(_CONVERT, "is_tensor", Size.SCALAR, "f"),
    *_rows(_AUTOGRAD, "no_grad enable_grad", Size.CUSTOM, "f"),
    *_rows(_AUTOGRAD, "set_grad_enabled", Size.CUSTOM, "f", ("mode",)),
]  # fmt: skip

# `torch.nn.functional` (usually `F`): the functions that are plain tensor functions.
_ACTIVATION = "activations"
_LOSS = "losses"
_LAYER = "layers as functions"
_REDUCTION = ("reduction",)

FUNCTIONAL_ENTRIES: list[Entry] = [
    *_rows(_ACTIVATION, "relu sigmoid tanh relu6 silu softsign hardtanh", Size.SAME, "f",
           ("inplace",)),
    *_rows(_ACTIVATION, "softmax log_softmax softmin", Size.SAME, "f", ("dim", "dtype")),
    *_rows(_ACTIVATION, "leaky_relu", Size.SAME, "f", ("negative_slope", "inplace")),
    *_rows(_ACTIVATION, "elu", Size.SAME, "f", ("alpha", "inplace")),
    *_rows(_ACTIVATION, "gelu", Size.SAME, "f", ("approximate",)),
    *_rows(_ACTIVATION, "softplus", Size.SAME, "f", ("beta", "threshold")),
    *_rows(_LOSS, "mse_loss l1_loss smooth_l1_loss huber_loss", Size.BROADCAST, "f",
           (*_REDUCTION, "beta", "delta")),
    *_rows(_LOSS, "binary_cross_entropy", Size.BROADCAST, "f", (*_REDUCTION, "weight")),
    *_rows(_LOSS, "binary_cross_entropy_with_logits", Size.BROADCAST, "f",
           (*_REDUCTION, "weight", "pos_weight")),
    *_rows(_LOSS, "cross_entropy", Size.REDUCE, "f",
           (*_REDUCTION, "weight", "ignore_index", "label_smoothing")),
    *_rows(_LOSS, "nll_loss", Size.REDUCE, "f", (*_REDUCTION, "weight", "ignore_index")),
    *_rows(_LAYER, "linear", Size.META, "f", ("bias",)),
    *_rows(_LAYER, "pad", Size.META, "f", ("pad", "mode", "value")),
    *_rows(_LAYER, "normalize", Size.SAME, "f", ("p", "dim", "eps")),
    *_rows(_LAYER, "cosine_similarity", Size.BROADCAST, "f", ("dim", "eps")),
    *_rows(_LAYER, "dropout", Size.CUSTOM, "f", ("p", "training", "inplace"), True),
    *_rows(_LAYER, "one_hot", Size.CUSTOM, "f", ("num_classes",)),
]  # fmt: skip

# Tensor attributes a program may read (`tensor_api` answers them).
ATTRIBUTES = (
    "shape", "dtype", "device", "ndim", "T", "mT", "data", "grad", "grad_fn",
    "is_leaf", "requires_grad",
)  # fmt: skip

FUNCTIONS: dict[str, Entry] = {e.name: e for e in TENSOR_ENTRIES + CREATION_ENTRIES if e.function}
METHOD_ENTRIES: dict[str, Entry] = {e.name: e for e in TENSOR_ENTRIES if e.method}
FUNCTIONAL: dict[str, Entry] = {e.name: e for e in FUNCTIONAL_ENTRIES}


def _names(entries: list[Entry], group: str, prefix: str, suffix: str) -> str:
    return ", ".join(f"`{prefix}{e.name}{suffix}`" for e in entries if e.group == group)


def _groups(entries: list[Entry]) -> list[str]:
    return list(dict.fromkeys(e.group for e in entries))


def help_markdown() -> str:
    """The "What can I type?" text, written from the catalogue itself."""
    functions = [e for e in TENSOR_ENTRIES + CREATION_ENTRIES if e.function]
    methods = [e for e in TENSOR_ENTRIES if e.method]
    lines = [
        "Python with `torch` (and `np`) already imported; the tutorial's crop data is "
        "ready as `inputs` (5×3) and `targets` (5×2).",
        "",
        "**`torch.` functions**",
        "",
    ]
    lines += [f"- {g}: {_names(functions, g, '', '')}" for g in _groups(functions)]
    lines += ["", "**Tensor methods** (`x.…`)", ""]
    lines += [f"- {g}: {_names(methods, g, '.', '()')}" for g in _groups(methods)]
    lines.append("- attributes: " + ", ".join(f"`.{a}`" for a in ATTRIBUTES))
    lines += ["", "**`torch.nn.functional`** (`import torch.nn.functional as F`)", ""]
    lines += [
        f"- {g}: {_names(FUNCTIONAL_ENTRIES, g, 'F.', '')}" for g in _groups(FUNCTIONAL_ENTRIES)
    ]
    lines += [
        "",
        "Also `torch.autograd.grad`, `torch.cuda.is_available()` (False: the playground "
        "runs on the CPU), `torch.device('cpu')`, the dtypes (`torch.float32`, "
        "`torch.long`, ...); indexing with numbers, slices, `None`, `...`, lists, index "
        "tensors and boolean masks (also on the left of `=`). Files, the network and "
        "names starting with `_` are refused.",
    ]
    return "\n".join(lines)
