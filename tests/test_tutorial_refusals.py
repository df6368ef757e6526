"""What tutorials use that the playground will not run, and how it says no.

Each case is a small program in the style of public teaching material whose one
unsupported piece (saving files, downloading data sets, a GPU, clocks, plotting, the
operating system) must be refused with a message that names that piece and the line
it is on, never run and never crash. The list mirrors the "Not supported" section of
`docs/pytorch-survey.md`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from plain_reference import assert_not_internal

import playground


@dataclass(frozen=True)
class Refusal:
    """A program, the line of its unsupported piece, and a word the message must contain."""

    name: str
    source: str
    line: int
    names: str


CASES = [
    Refusal(
        "torch_save", "import torch\nw = torch.ones(3)\ntorch.save(w, 'w.pth')\n", 3, "torch.save"
    ),
    Refusal("torch_load", "import torch\n\nw = torch.load('w.pth')\n", 3, "torch.load"),
    Refusal("open_read", "import torch\nf = open('data.csv')\n", 2, "open"),
    Refusal(
        "open_write",
        "import torch\nloss = 0.5\nwith open('log.txt', 'w') as f:\n    f.write(str(loss))\n",
        3,
        "open",
    ),
    Refusal(
        "numpy_save",
        "import numpy as np\na = np.array([1.0, 2.0])\nnp.save('a.npy', a)\n",
        3,
        "save",
    ),
    Refusal("numpy_loadtxt", "import numpy as np\nrows = np.loadtxt('crops.csv')\n", 2, "loadtxt"),
    Refusal("import_torchvision", "import torch\nimport torchvision\n", 2, "torchvision"),
    Refusal(
        "torchvision_datasets",
        "import torch\nfrom torchvision import datasets\n",
        2,
        "torchvision",
    ),
    Refusal(
        "torchvision_transforms",
        "import torch\nfrom torchvision.transforms import ToTensor\n",
        2,
        "torchvision",
    ),
    Refusal("cuda_device", "import torch\ndev = torch.device('cuda')\n", 2, "cuda"),
    Refusal("cuda_method", "import torch\nx = torch.ones(2)\nx = x.cuda()\n", 3, "cuda"),
    Refusal("to_cuda", "import torch\nx = torch.ones(2)\ny = x.to('cuda')\n", 3, "cuda"),
    Refusal("cuda_keyword", "import torch\nx = torch.zeros(2, device='cuda:0')\n", 2, "cuda"),
    Refusal("cuda_name", "import torch\nname = torch.cuda.get_device_name(0)\n", 2, "cuda"),
    Refusal("import_time", "import torch\nimport time\nstart = time.time()\n", 2, "time"),
    Refusal("from_time", "import torch\nfrom time import perf_counter\n", 2, "time"),
    Refusal("matplotlib", "import torch\nimport matplotlib.pyplot as plt\n", 2, "matplotlib"),
    Refusal("import_os", "import torch\nimport os\n", 2, "os"),
    Refusal("import_sys", "import torch\nimport sys\n", 2, "sys"),
    Refusal("pandas", "import torch\nimport pandas as pd\n", 2, "pandas"),
    Refusal("pickle", "import torch\nimport pickle\n", 2, "pickle"),
    Refusal("urllib", "import torch\nfrom urllib.request import urlretrieve\n", 2, "urllib"),
    Refusal("tqdm", "import torch\nfrom tqdm import tqdm\n", 2, "tqdm"),
    Refusal("input", "import torch\nanswer = input('epochs? ')\n", 2, "input"),
    Refusal("torch_jit", "import torch\nscripted = torch.jit.script\n", 2, "torch.jit"),
    Refusal("torch_hub", "import torch\nhub = torch.hub.list\n", 2, "torch.hub"),
    Refusal(
        "tensorboard",
        "import torch\nfrom torch.utils.tensorboard import SummaryWriter\n",
        2,
        "tensorboard",
    ),
    Refusal("object_id", "import torch\nx = torch.ones(2)\nprint(id(x))\n", 3, "id"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_unsupported_piece_is_refused_by_name_and_line(case: Refusal) -> None:
    result = playground.run(case.source)
    assert not result.ok, f"{case.name} ran: {result.output!r}"
    assert_not_internal(result)
    assert case.names.lower() in result.error.message.lower(), result.error
    assert result.error.line == case.line, result.error


def test_the_first_unsupported_piece_is_the_one_named() -> None:
    """A tutorial that saves its model and then times itself hears about the save first."""
    source = (
        "import torch\nw = torch.ones(2)\ntorch.save(w, 'w.pth')\nimport time\nprint(time.time())\n"
    )
    result = playground.run(source)
    assert not result.ok
    assert "torch.save" in result.error.message, result.error
    assert result.error.line == 3, result.error
