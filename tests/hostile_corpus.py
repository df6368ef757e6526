"""Hostile and broken programs, each with the refusal it must get (data only).

Used by `test_hostile_corpus.py`. `kind` is the `kind` of a `playground.sandbox.core.errors`
class, or None for garbage the sandbox should simply run (empty input, comments).
`line` is the line the error must point at, None where the whole program is meant
(source too long, nested too deeply to parse), or ANY_LINE where a time budget trips
wherever the loop happens to be (some line of the program, but which one varies).
`words` must all appear in the error message.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    """One hostile program and the outcome the sandbox must give it."""

    id: str
    source: str
    kind: str | None
    line: int | None
    words: tuple[str, ...] = ()


ANY_LINE = -1  # some line of the program must be named, whichever the loop was on
P = "x = torch.tensor(3., requires_grad=True)\n"  # a prelude, so most cases point at line 2


def _na(id_: str, body: str, *words: str, line: int = 2) -> Case:
    """A refusal of the allow-list, after the prelude."""
    return Case(id_, P + body, "not_allowed", line, words)


def _budget(id_: str, source: str, line: int | None, *words: str) -> Case:
    return Case(id_, source, "budget", line, words)


ESCAPES: list[Case] = [
    _na("subclasses walk", "s = ().__class__.__base__.__subclasses__()\n", "__"),
    _na("x.__class__", "c = x.__class__\n", "__class__"),
    _na("type(x)", "t = type(x).__mro__\n", "__mro__"),
    _na("getattr", "f = getattr(torch, 'load')\n", "getattr"),
    _na("setattr", "setattr(x, 'grad', None)\n", "setattr"),
    _na("hasattr", "h = hasattr(x, 'grad')\n", "hasattr"),
    _na("delattr", "delattr(x, 'grad')\n", "delattr"),
    _na("globals()", "g = globals()\n", "globals"),
    _na("locals()", "g = locals()\n", "locals"),
    _na("vars()", "v = vars()\n", "vars"),
    _na("dir()", "d = dir(x)\n", "dir"),
    _na("__builtins__", "b = __builtins__\n", "__builtins__"),
    _na("__builtins__ subscript", "b = __builtins__['open']\n", "__builtins__"),
    _na("__import__", "m = __import__('os')\n", "__import__"),
    _na("importlib name", "m = importlib.import_module('os')\n", "importlib"),
    _na("import importlib", "import importlib\n", "import importlib"),
    _na("import os", "import os\n", "import os"),
    _na("import sys", "import sys\n", "import sys"),
    _na("import subprocess", "import subprocess\n", "subprocess"),
    _na("import socket", "import socket\n", "socket"),
    _na("import ctypes", "import ctypes\n", "ctypes"),
    _na("import builtins", "import builtins\n", "builtins"),
    _na("import torch.nn", "import torch.nn.modules\n", "torch.nn.modules"),
    _na("import pickle as np", "import pickle as np\n", "pickle"),
    _na("from os import system", "from os import system\n", "os"),
    _na("from torch import load", "from torch import load\n", "torch.load"),
    _na("eval", "eval('1 + 1')\n", "eval"),
    _na("exec", "exec('import os')\n", "exec"),
    _na("compile", "c = compile('1', 'f', 'eval')\n", "compile"),
    _na("open", "f = open('/etc/passwd')\n", "open"),
    _na("open for writing", "f = open('pwned', 'w')\n", "open"),
    _na("object", "o = object()\n", "object"),
    Case("super", P + "s = super()\n", "runtime", 2, ("super",)),
    _na("id", "i = id(x)\n", "id"),
    _na("memoryview", "m = memoryview(x)\n", "memoryview"),
    _na("bytearray", "b = bytearray(10)\n", "bytearray"),
    _na("chr", "c = chr(65)\n", "chr"),
    _na("format builtin", "f = format(x, '')\n", "format"),
    _na("breakpoint", "breakpoint()\n", "breakpoint"),
    _na("input", "s = input()\n", "input"),
    _na("help", "help(torch)\n", "help"),
    _na("exit", "exit()\n", "exit"),
    _na("quit", "quit()\n", "quit"),
    _na("os name", "os.system('id')\n", "os"),
    _na("sys name", "m = sys.modules\n", "sys"),
    _na("generator gi_frame", "def g():\n    yield 1\nf = g().gi_frame\n", "yield", line=3),
    _na("generator expression frame", "f = (i for i in [1]).gi_frame\n", "generator"),
    _na("f_globals", "def f():\n    return 1\ng = f.f_globals\n", "f_globals", line=4),
    _na("__globals__", "def f():\n    return 1\ng = f.__globals__\n", "__globals__", line=4),
    _na("__code__", "def f():\n    return 1\nc = f.__code__\n", "__code__", line=4),
    _na("__closure__", "def f():\n    return 1\nc = f.__closure__\n", "__closure__", line=4),
    _na("__reduce__", "r = x.__reduce__()\n", "__reduce__"),
    _na("__reduce_ex__", "r = x.__reduce_ex__(2)\n", "__reduce_ex__"),
    _na("__dict__", "d = x.__dict__\n", "__dict__"),
    _na("__getattribute__", "g = x.__getattribute__('grad')\n", "__getattribute__"),
    _na("__init__ of a builtin", "i = print.__init__\n", "__init__"),
    _na("mro", "m = x.__class__.mro()\n", "__class__"),
    _na("mro via dunder", "m = x.__mro__\n", "__mro__"),
    _na(
        "exception traceback frame",
        "try:\n    1 / 0\nexcept Exception as e:\n    t = e.__traceback__\n",
        "__traceback__",
        line=5,
    ),
    _na("tb_frame", "f = x.tb_frame\n", "tb_frame"),
    _na("str.format attribute trick", "s = '{0.__class__}'.format(x)\n", "format"),
    _na("str.format_map", "s = '{a}'.format_map(x)\n", "format_map"),
    _na("f-string attribute", "s = f'{x.__class__}'\n", "__class__"),
    _na("f-string nested spec attr", "s = f'{x:{x.__doc__}}'\n", "__doc__"),
    _na("torch.load", "m = torch.load('model.pt')\n", "torch.load"),
    _na("torch.save", "torch.save(x, 'x.pt')\n", "torch.save"),
    _na("torch.from_file", "y = torch.from_file('pwned.bin')\n", "torch.from_file"),
    _na("np.load", "a = np.load('a.npy')\n", "numpy.load"),
    _na("np.save", "np.save('a.npy', 1)\n", "numpy.save"),
    _na("np.fromfile", "a = np.fromfile('a.bin')\n", "numpy.fromfile"),
    _na("np.memmap", "a = np.memmap('a.bin')\n", "numpy.memmap"),
    _na("np.ctypeslib", "c = np.ctypeslib\n", "numpy.ctypeslib"),
    _na("np.loadtxt", "a = np.loadtxt('/etc/passwd')\n", "numpy.loadtxt"),
    _na("x.tofile", "x.tofile('x.bin')\n", "tofile"),
    _na("x.numpy().tofile", "x.detach().numpy().tofile('x.bin')\n", "tofile"),
    _na("x.storage", "s = x.storage()\n", "storage"),
    _na("x.untyped_storage", "s = x.untyped_storage()\n", "untyped_storage"),
    _na("torch.hub", "h = torch.hub\n", "torch.hub"),
    _na("torch.hub.load", "m = torch.hub.load('a', 'b')\n", "torch.hub"),
    _na("torch.ops", "o = torch.ops.aten\n", "torch.ops"),
    _na("torch.utils", "u = torch.utils.cpp_extension\n", "torch.utils.cpp_extension"),
    _na("torch.classes", "c = torch.classes\n", "torch.classes"),
    _na("torch.library", "l = torch.library\n", "torch.library"),
    _na("torch.compile", "f = torch.compile(x)\n", "torch.compile"),
    _na("torch.jit", "j = torch.jit.script\n", "torch.jit"),
    _na("torch.fx", "g = torch.fx\n", "torch.fx"),
    _na("torch.nn.modules", "m = torch.nn.modules\n", "torch.nn.modules"),
    _na("torch.autograd.Variable", "g = torch.autograd.Variable\n", "torch.autograd"),
    _na("torch._C", "c = torch._C\n", "_C"),
    _na("torch.__dict__", "d = torch.__dict__\n", "__dict__"),
    _na("torch.set_default_dtype", "torch.set_default_dtype(torch.float64)\n", "set_default"),
    _na("torch.set_grad_enabled", "torch.set_grad_enabled(False)\n", "set_grad_enabled"),
    _na("torch.enable_grad", "with torch.enable_grad() as g:\n    pass\n", "enable_grad"),
    _na("torch.inference_mode", "with torch.inference_mode():\n    pass\n", "inference_mode"),
    _na("torch.set_num_threads", "torch.set_num_threads(1)\n", "set_num_threads"),
    _na("torch.set_detect_anomaly", "torch.autograd.set_detect_anomaly(True)\n", "autograd"),
    _na("torch.random", "s = torch.random.get_rng_state()\n", "torch.random"),
    _na("torch.seed", "torch.seed()\n", "torch.seed"),
    _na("torch.set_printoptions", "torch.set_printoptions(precision=100)\n", "set_print"),
    _na("attribute write on torch", "torch.tensor = print\n", "Cannot set attributes"),
    _na("attribute write on np", "np.array = print\n", "Cannot set attributes"),
    _na("attribute write on a function", "def f():\n    return 1\nf.x = 1\n", "Cannot set", line=4),
    _na("tensor attribute write", "x.shape = (1,)\n", "shape"),
    _na("tensor grad_fn internals", "y = x * 2\nn = y.grad_fn.next_functions\n", "next", line=3),
    _na("tensor register_hook", "x.register_hook(print)\n", "register_hook"),
    _na("x.new_empty", "y = x.new_empty(10**9)\n", "new_empty"),
    _na("x.apply_", "x.apply_(print)\n", "apply_"),
    _na("x.to file-ish", "y = x.to('meta')\n", "meta", "cpu"),
    _na("x.to cuda", "y = x.to('cuda')\n", "cuda", "CPU"),
    _na("x.cuda()", "y = x.cuda()\n", "CPU"),
    _na("torch.device cuda", "d = torch.device('cuda:0')\n", "cuda"),
    _na("device= cuda", "y = torch.zeros(2, device='cuda')\n", "cuda"),
    _na("x.type cuda", "y = x.type('torch.cuda.FloatTensor')\n", "cuda"),
    _na("Generator internals", "g = torch.Generator()\ns = g.get_state()\n", "get_state", line=3),
    _na("Generator set_state", "g = torch.Generator()\ng.set_state(x)\n", "set_state", line=3),
    _na("return_types count", "r = torch.ones(2, 2).max(dim=0)\nc = r.count\n", "count", line=3),
    _na("torch.Tensor members", "f = torch.Tensor.add\n", "torch.Tensor.add"),
    _na("torch.Tensor mro", "m = torch.Tensor.mro\n", "mro"),
    _na("grad_fn metadata", "y = x * 2\nm = y.grad_fn.metadata\n", "metadata", line=3),
    _na("numpy array internals", "a = x.detach().numpy()\nc = a.ctypes\n", "ctypes", line=3),
    _na("torch.cuda internals", "m = torch.cuda.memory_allocated()\n", "torch.cuda"),
    _na("torch.Tensor subclassing", "class T(torch.Tensor):\n    pass\n", "inherit"),
    _na("dtype attribute", "d = torch.float32.is_floating_point\n", "is_floating_point"),
    _na("shape method", "c = x.shape.count\n", "count"),
    _na("string method", "s = 'abc'.encode()\n", "encode"),
    _na("list method", "l = [1]\nl.__setitem__(0, 2)\n", "__setitem__", line=3),
    _na("lambda __code__", "f = lambda v: v\nc = f.__code__\n", "__code__", line=3),
    _na("class metaclass", "class A(metaclass=print):\n    pass\n", "metaclass"),
    _na("try except*", "try:\n    pass\nexcept* Exception:\n    pass\n", "except*"),
    Case("raise", P + "raise ValueError('x')\n", "runtime", 2, ("ValueError: x",)),
    Case("assert", P + "assert False, 'why'\n", "runtime", 2, ("AssertionError: why",)),
    _na("global of eval", "def f():\n    global eval\n", "eval", line=3),
    _na("nonlocal at module level", "nonlocal x\n", "nonlocal"),
    _na("del __builtins__", "del __builtins__\n", "__builtins__"),
    _na("walrus", "y = (z := 1)\n", ":="),
    _na("yield", "def f():\n    yield x\n", "yield", line=3),
    _na("yield from", "def f():\n    yield from [x]\n", "yield from", line=3),
    _na("async def", "async def f():\n    pass\n", "async"),
    _na("await", "async def f():\n    await f()\n", "async"),
    _na("decorator", "@print\ndef f():\n    pass\n", "Decorator", line=3),
    _na("dict literal dunder key trick", "d = {'a': x.__class__}\n", "__class__"),
    _na("set of a private attribute", "s = {x._version}\n", "_version"),
    _na("comprehension over __subclasses__", "l = [c for c in ().__class__]\n", "__class__"),
    _na("dict comprehension f_back", "d = {i: i.f_back for i in range(3)}\n", "f_back"),
    _na("match", "match x:\n    case _:\n        pass\n", "match"),
    _na("star args of a module", "a = [1]\nprint(*torch.__dict__)\n", "__dict__", line=3),
    Case("** kwargs of a number", P + "d = 1\nprint(**d)\n", "runtime", 3, ("not iterable",)),
    _na("def *__args", "def f(*__args):\n    return 1\n", "__args"),
    _na("def **kwargs named exec", "def f(**exec):\n    return 1\n", "exec"),
    _na("bit shift", "y = 1 << 10**9\n", "bit shifts"),
    _na("bytes literal", "b = b'abc'\n", "bytes"),
    _na("annotated assignment", "y: int = 1\n", "annotated"),
    _na("binding eval", "def eval(a):\n    return a\n", "eval"),
    _na("dunder function name", "def __init__(a):\n    return a\n", "__init__"),
    _na("with open", "with open('x') as f:\n    pass\n", "open"),
    _na("with no_grad as", "with torch.no_grad() as g:\n    pass\n", "no_grad"),
    _na("'%s' % tuple trick", "s = '%s' % (x.__class__,)\n", "__class__"),
    _na("cyrillic а in __class__", "c = x.__clаss__\n", "__cl"),
    _na("fullwidth eval", "ｅｖａｌ('1')\n", "eval"),
    _na("NFKC ｅval", "ｅval('1')\n", "eval"),
    _na("fullwidth __class__", "c = x.__ｃｌａｓｓ__\n", "__class__"),
    _na("fullwidth open", "f = ｏｐｅｎ('x')\n", "open"),
    _na("fullwidth import os", "import ｏｓ\n", "import os"),
    _na("mathematical bold exec", "𝐞𝐱𝐞𝐜('1')\n", "exec"),
    _na("return outside a function", "return x\n", "return"),
    _na("break outside a loop", "if True:\n    break\n", "break", line=3),
]

RUNTIME: list[Case] = [
    Case("'%d' % a list", P + "s = '%d' % [1]\n", "runtime", 2, ("%d",)),
    Case("'%s' % too few", P + "s = '%s %s' % (1,)\n", "runtime", 2, ("not enough",)),
    Case("unknown name", P + "y = x * nope\n", "unknown_name", 2, ("nope",)),
    Case("cyrillic а in a name", P + "y = xа * 2\n", "unknown_name", 2, ("xа",)),
    Case("fullwidth x is x", P + "y = ｘ * 2\nz = y @ y\n", "runtime", 3, ()),
    Case("calling a tensor", P + "y = x()\n", "runtime", 2, ("not callable",)),
    Case("loop over a function", P + "for i in print:\n    pass\n", "runtime", 2, ("loop",)),
    Case("int of inf", P + "n = int(float('inf'))\n", "runtime", 2, ()),
    Case("float overflow", P + "y = 1.5 ** 10**5\n", "runtime", 2, ()),
    Case("tensor to an int too big", P + "y = torch.tensor(" + "9" * 30 + ")\n", "runtime", 2, ()),
]

RESOURCE: list[Case] = [
    _budget("9**9**9", "x = 9**9**9\n", 1, "too large an integer"),
    _budget("10**10**10", "x = 1\ny = 10**10**10\n", 2, "too large an integer"),
    _budget("(-2)**10**10", "x = (-2) ** 10**10\n", 1, "too large"),
    _budget("int squaring", "x = 2\nfor i in range(100):\n    x = x * x\n", 3, "64 bits"),
    _budget("int('9'*30)", "n = int('9' * 30)\n", 1, "64 bits"),
    _budget("'a'*10**9", "s = 'a' * 10**9\n", 1, "1,000,000,000 items"),
    _budget("[0]*10**9", "l = [0] * 10**9\n", 1, "1,000,000,000 items"),
    _budget("'a'*10**9 reversed", "s = 10**9 * 'a'\n", 1, "1,000,000,000 items"),
    _budget("string doubling", "s = 'a'\nfor i in range(40):\n    s = s + s\n", 3, "100,000"),
    _budget("f-string width", "s = f'{1:>1000000000}'\n", 1, "100"),
    _budget("f-string precision", "s = f'{1.5:.1000000000f}'\n", 1, "100"),
    _budget("f-string nested width", "w = 10**9\ns = f'{1:>{w}}'\n", 2, "100"),
    _budget(
        "flattening [[0]*10**4]*10**4",
        "m = [[0] * 10**4] * 10**4\nflat = []\nfor row in m:\n    flat = flat + row\n",
        4,
        "100,000",
    ),
    _budget(
        "tensor of [[0]*10**4]*10**4", "t = torch.tensor([[0] * 10**4] * 10**4)\n", 1, "elements"
    ),
    _budget("torch.ones(10**5, 10**5)", "x = torch.ones(10**5, 10**5)\n", 1, "10,000,000,000"),
    _budget("torch.zeros(10**9)", "x = torch.zeros(10**9)\n", 1, "1,000,000,000"),
    _budget("torch.randn huge", "x = torch.randn(10**4, 10**4)\n", 1, "elements"),
    _budget("torch.full huge", "x = torch.full((10**5, 10**5), 1.)\n", 1, "elements"),
    _budget("torch.arange(1e12)", "x = torch.arange(1e12)\n", 1, "elements"),
    _budget("torch.arange inf", "x = torch.arange(float('inf'))\n", 1, "elements"),
    _budget("torch.linspace huge", "x = torch.linspace(0, 1, 10**9)\n", 1, "elements"),
    _budget(
        "outer-product broadcast",
        "x = torch.ones(10**5, 1) * torch.ones(1, 10**5)\n",
        1,
        "elements",
    ),
    Case(
        "comparison broadcast",
        "x = torch.ones(10**5, 1) < torch.ones(1, 10**5)\n",
        "not_allowed",
        1,
        ("Comparing tensors",),
    ),
    _budget(
        "pow broadcast",
        "a = torch.ones(1000, 1000)\nb = a.pow(torch.ones(1000, 1, 1))\n",
        2,
        "elements",
    ),
    _budget("huge matmul", "a = torch.ones(10**6, 1)\nc = a @ a.t()\n", 2, "matrix product"),
    Case(
        "torch.cat-like doubling",
        "x = torch.ones(2)\nfor i in range(40):\n    x = torch.tensor([x, x])\n",
        "runtime",
        3,
        ("only one element",),
    ),
    _budget("empty tensor reduced", "e = torch.zeros(10**8, 0)\ny = e.sum(1)\n", 1, "empty tensor"),
    _budget(
        "empty tensor reshaped",
        "e = torch.zeros(0)\nf = e.reshape(10**8, 0)\ng = f.mean(1)\n",
        2,
        "empty tensor",
    ),
    _budget("empty matmul", "e = torch.zeros(30000, 0)\ny = e @ e.t()\n", 2, "matrix product"),
    _budget(
        "empty broadcast",
        "a = torch.zeros(1000, 1, 0)\nb = torch.zeros(1, 1000, 0)\nc = a + b\n"
        "d = c + torch.zeros(1000, 1, 1, 0)\n",
        4,
        "empty tensor",
    ),
    _budget(
        "tensor elements kept alive",
        "x = torch.ones(10**6)\nl = []\nfor i in range(100):\n    l = [l, x * 2]\n",
        4,
        "16,000,000",
    ),
    _budget(
        "a graph keeps its outputs alive",
        "x = torch.ones(10**6, requires_grad=True)\nfor i in range(100):\n    x = x.exp()\n",
        3,
        "16,000,000",
    ),
    _budget("torch.cat bomb", "x = torch.ones(10**6)\ny = torch.cat([x, x])\n", 2, "elements"),
    _budget("torch.cat of a list", "x = torch.ones(10**4)\ny = torch.cat([x] * 1000)\n", 2, "elem"),
    _budget("torch.stack bomb", "x = torch.ones(10**3)\ny = torch.stack([x] * 10**4)\n", 2, "elem"),
    _budget(
        "numpy broadcast bomb",
        "a = np.array([1.] * 10**5)\nb = np.array([[1.]] * 10**5)\nc = a - b\n",
        3,
        "elements",
    ),
    _budget("torch.empty huge", "y = torch.empty(10**9)\n", 1, "elements"),
    _budget("torch.Tensor huge", "y = torch.Tensor(10**5, 10**5)\n", 1, "elements"),
    _budget("torch.eye huge", "y = torch.eye(10**7)\n", 1, "elements"),
    _budget("torch.randperm huge", "y = torch.randperm(10**9)\n", 1, "elements"),
    _budget("torch.normal huge", "y = torch.normal(0., 1., size=(10**5, 10**5))\n", 1, "elem"),
    _budget("torch.randint huge", "y = torch.randint(0, 9, (10**5, 10**5))\n", 1, "elements"),
    _budget("x.expand bomb", P + "y = x.expand(10**6, 10**6).sum()\n", 2, "elements"),
    _budget("x.repeat bomb", P + "y = x.repeat(10**6, 10**6)\n", 2, "elements"),
    _budget("x.repeat of a big x", "x = torch.ones(10**6)\ny = x.repeat(2)\n", 2, "elements"),
    _budget("torch.diag bomb", "x = torch.ones(10**6)\ny = torch.diag(x)\n", 2, "elements"),
    _budget(
        "torch.max of two tensors broadcast",
        "a = torch.ones(10**5, 1)\nb = torch.ones(1, 10**5)\nc = torch.max(a, b)\n",
        3,
        "elements",
    ),
    _budget("outer bomb", "x = torch.ones(10**5)\ny = torch.outer(x, x)\n", 2, "elements"),
    _budget(
        "torch.where broadcast",
        "a = torch.ones(10**5, 1)\nb = torch.ones(1, 10**5)\nc = torch.where(a > 0, a, b)\n",
        3,
        "elements",
    ),
    _budget(
        "allclose broadcast",
        "a = torch.ones(10**5, 1)\nb = torch.ones(1, 10**5)\nc = torch.allclose(a, b)\n",
        3,
        "elements",
    ),
    _budget(
        "nonzero of a full tensor", "y = torch.nonzero(torch.ones(1000, 1000))\n", 1, "nonzero"
    ),
    _budget(
        "where(cond) of many dimensions",
        "c = torch.ones([2 * 10**4] + [1] * 99) > 0\ni = torch.where(c)\n",
        2,
        "nonzero",
    ),
    _budget("split into a million", "x = torch.ones(10**6)\np = x.split(1)\n", 2, "tensors"),
    _budget(
        "fancy index bomb",
        "i = torch.zeros(10**6, dtype=torch.long)\ny = torch.ones(1000, 1000)[i]\n",
        2,
        "elements",
    ),
    _budget(
        "fancy index assignment bomb",
        "i = torch.zeros(10**6, dtype=torch.long)\ny = torch.ones(1000, 1000)\ny[i] = 1.\n",
        3,
        "elements",
    ),
    _budget(
        "index list bomb",
        "i = [0] * 10**5\ny = torch.ones(1000, 1000)[i, :]\n",
        2,
        "elements",
    ),
    _budget(
        "mask then index bomb",
        "m = torch.ones(1000, dtype=torch.bool)\ny = torch.ones(1000, 1000)[:, None, m]\n"
        "z = y[:, [0] * 2000]\n",
        3,
        "elements",
    ),
    _budget(
        "tolist in a loop",
        "l = []\nfor i in range(100):\n    l = [l, torch.zeros(10**6).tolist()]\n",
        3,
        "16,000,000",
    ),
    _budget("range(10**12)", "for i in range(10**12):\n    pass\n", ANY_LINE),
    _budget("while True: pass", "while True:\n    pass\n", ANY_LINE),
    _budget(
        "nested loops 10**4 x 10**4",
        "for i in range(10**4):\n    for j in range(10**4):\n        pass\n",
        ANY_LINE,
    ),
    _budget("recursion through def", "def f(n):\n    return f(n + 1)\nf(0)\n", 2, "calls deep"),
    _budget(
        "mutual recursion",
        "def f(n):\n    return g(n)\ndef g(n):\n    return f(n)\nf(0)\n",
        4,
        "calls deep",
    ),
    _budget("a million-line program", "x = 1\n" * 10**6, None, "20,000"),
    _budget("a million empty lines", "\n" * 10**6, None, "20,000"),
    _budget("100 KB of +", "+" * 100_000, None, "20,000"),
    _budget("very long line", "x = 1" + " + 1" * 6000 + "\n", None, "20,000"),
    _budget(
        "200 nested parenthesised sums", "x = " + "(1 + " * 200 + "1" + ")" * 200 + "\n", 1, "nest"
    ),
    _budget("deep nested lists", "y = 1\nx = " + "[" * 150 + "]" * 150 + "\n", 2, "nest"),
    _budget("deep nested calls", "x = " + "abs(" * 100 + "1" + ")" * 100 + "\n", 1, "nest"),
    _budget("deep nested tuples", "x = " + "(1, " * 100 + "1" + ")" * 100 + "\n", 1, "nest"),
    _budget("deep nested unary minus", "x = " + "-" * 19000 + "1\n", None, "nested too deeply"),
    _budget(
        "long + chain under the size limit",
        "x = " + "+".join(["1"] * 9000) + "\n",
        None,
        "too deeply",
    ),
    _budget("too many syntax elements", "x = [" + "a+a, " * 3900 + "]\n", None, "syntax elements"),
    _budget(
        "deeply nested blocks",
        "".join("    " * i + "if True:\n" for i in range(70)) + "    " * 70 + "pass\n",
        60,
        "60 levels",
    ),
    _budget(
        "shared nested list comparison",
        "a = []\nb = []\nfor i in range(100):\n    a = [a, a]\n    b = [b, b]\nc = a == b\n",
        6,
        "Comparing",
    ),
    _budget("float in a huge range", "x = 1.5 in range(2**62)\n", 1, "Comparing"),
    _budget("list in a huge range", "x = [] in range(2**62)\n", 1, "Comparing"),
    _budget("tensor in a huge range", "x = torch.ones(1) in range(10**7)\n", 1, "Comparing"),
    _budget(
        "slices built in a loop",
        "s = [0] * 99999\nl = []\nfor i in range(10**6):\n    l = [l, s[:]]\n",
        4,
        "16,000,000",
    ),
    _budget(
        "string slices built in a loop",
        "s = 'a' * 99999\nl = []\nfor i in range(10**6):\n    l = [l, s[1:]]\n",
        4,
        "16,000,000",
    ),
    _budget(
        "text built in a loop",
        "s = 'a' * 99999\nl = []\nfor i in range(10**6):\n    l = [l, s + 'b']\n",
        4,
        "16,000,000",
    ),
    _budget(
        "a deep list compared",
        "a = []\nb = []\nfor i in range(5000):\n    a = [a]\n    b = [b]\nc = a == b\n",
        6,
        "deep",
    ),
    _budget(
        "graph depth chain",
        P + "y = x * 1\nfor i in range(10**6):\n    y = y * 1.0\n",
        ANY_LINE,
        "",
    ),
    _budget("print flood", "for i in range(10**7):\n    print('spam' * 1000)\n", 2, "16,000,000"),
]

RESOURCE += [
    _budget(
        "float64 tensors kept in a list",
        "l = []\nfor i in range(20):\n    l = [l, torch.ones(10**6, dtype=torch.float64)]\n",
        3,
        "16,000,000",
    ),
    _budget(
        "lists built in a loop",
        "s = [0] * 99999\nl = []\nfor i in range(10**6):\n    l = [l, s + [1]]\n",
        4,
        "16,000,000",
    ),
    _budget(
        "wide characters built in a loop",
        "s = '\U0001f600' * 99999\nl = []\nfor i in range(10**6):\n    l = [l, s + 'b']\n",
        4,
        "16,000,000",
    ),
    _budget(
        "tuple slices built in a loop",
        "t = (0,) * 99999\nl = []\nfor i in range(10**6):\n    l = [l, t[1:]]\n",
        4,
        "16,000,000",
    ),
    _budget(
        "shared nest membership",
        "a = [0]\nb = [0]\nfor i in range(60):\n    a = [a, a]\n    b = [b, b]\nc = a in [b]\n",
        6,
        "Comparing",
    ),
    _budget(
        "string in a huge list", "l = ['a' * 1000] * 100000\nc = 'a' * 1000 in l\n", 2, "Comparing"
    ),
    Case(
        "printing a shared nest",
        "a = []\nfor i in range(100):\n    a = [a, a]\nprint(a)\nprint(f'{a!r}')\nz = a * nope\n",
        "unknown_name",
        6,
        ("nope",),
    ),
    _budget(
        "int growing in a function",
        "def f(n):\n    return n * n\nx = f(f(f(f(f(f(f(3)))))))\n",
        2,
        "64 bits",
    ),
    _budget(
        "empty full reduced", "e = torch.full((10**8, 0), 1.)\ny = e.sum(1)\n", 1, "empty tensor"
    ),
    Case(
        "self-containing list to a tensor",
        "l = [0]\nl[0] = l\nt = torch.tensor(l)\n",
        "runtime",
        3,
        ("contains itself",),
    ),
    _budget(
        "self-containing lists compared",
        "l = [0]\nl[0] = l\nm = [0]\nm[0] = m\nc = l == m\n",
        5,
        "Comparing",
    ),
    Case(
        "a million shared rows, within budget",
        "t = torch.tensor([[[0]] * 1000] * 1000)\n",
        None,
        None,
    ),
    _budget(
        "empty tensor from nested lists", "t = torch.tensor([[[]] * 1000] * 1001)\n", 1, "elements"
    ),
]

RESOURCE += [
    _budget("deep nested dicts", "x = " + "{1: " * 100 + "1" + "}" * 100 + "\n", 1, "nest"),
    Case("negative manual_seed", "torch.manual_seed(-1)\n", None, None),
    _budget("manual_seed past 64 bits", "torch.manual_seed(2**64)\n", 1, "64 bits"),
]

GARBAGE: list[Case] = [
    Case("null bytes", "x = 1\x00\ny = 2\n", "syntax", 1, ("null bytes",)),
    Case("only a null byte", "\x00", "syntax", 1, ("null bytes",)),
    Case("unicode look-alike letter in keyword", "іf True:\n    pass\n", "syntax", 1, ("Syntax",)),
    Case("tabs mixed with spaces", "if True:\n\tx = 1\n        y = 2\n", "syntax", 3, ()),
    Case("unterminated string", "x = 'abc\n", "syntax", 1, ("Syntax",)),
    Case("unterminated triple string", 'x = 1\ny = """abc\n', "syntax", 2, ("Syntax",)),
    Case("unexpected indent", "x = 1\n    y = 2\n", "syntax", 2, ("indent",)),
    Case("200 nested parentheses", "x = " + "(" * 200 + ")" * 200 + "\n", None, None, ()),
    Case("201 nested parentheses", "x = " + "(" * 201 + ")" * 201 + "\n", "syntax", 1, ("nested",)),
    Case("unclosed bracket", P + "y = (x + 1\n", "syntax", 2, ("Syntax",)),
    Case("byte order mark", "\ufeffx = 1\n", "syntax", 1, ()),
    Case("lone surrogate", "x = '\ud800'\n", "syntax", None, ()),
    Case("control characters", "x = 1\x1b[2J\x07\n", "syntax", 1, ()),
    Case("binary noise", bytes(range(256)).decode("latin-1"), "syntax", 1, ()),
    Case("5000-digit literal", "x = " + "9" * 5000 + "\n", "syntax", 1, ("digits",)),
    Case("only comments", "# just a comment\n# and another\n", None, None, ()),
    Case("empty input", "", None, None, ()),
    Case("only whitespace", "   \n\n\t\n", None, None, ()),
    Case("right-to-left override in a comment", "x = 1 # \u202e\n", None, None, ()),
]

# The red team's findings (their regression tests, with more checks, are in
# test_redteam.py): each program crashed the process, held the GIL for minutes,
# allocated gigabytes or took seconds to describe before it was fixed.
_SHARED_NEST = "a = [0]\nfor i in range(60):\n    a = [a, a]\n"  # 2**60 leaves, 61 lists
_MILLION_ROWS = "x = torch.ones(1000000, 1)\n"
_SELECTS = (
    "x = torch.ones(1000, 1000, requires_grad=True)\n"
    "a = x[0, 0]\nb = x[0, 1]\nc = x[1, 0]\nd = x[1, 1]\n"
    "for i in range(100):\n"
    "    a = a + x[0, 0]\n    b = b + x[0, 1]\n    c = c + x[1, 0]\n    d = d + x[1, 1]\n"
    "s = a + b + c + d\ns.backward()\nprint(x.grad[0, 0])\n"
)
_MULTIVIEW = (
    "x = torch.ones(20, requires_grad=True)\ny = x * 1\n"
    + "".join(f"v{k} = y[{k}]\n" for k in range(20))
    + "for i in range(2000):\n"
    + "".join(f"    v{k} += 1\n" for k in range(20))
    + "print('done')\n"
)
_FIVE_LEAVES = "".join(f"a{i} = torch.randn(1000, 1000, requires_grad=True)\n" for i in range(5))

REDTEAM: list[Case] = [
    Case(
        "red team 01: check_plain on a shared nest",
        "x = torch.ones(3)\n" + _SHARED_NEST + "y = x.sum(a)\n",
        "runtime",
        5,
        ("sum()",),
    ),
    Case(
        "red team 02: closures of one def compared",
        "a = [0]\nb = [0]\nfor i in range(60):\n    a = [a, a]\n    b = [b, b]\n"
        "for d in [a, b]:\n    def f(p=d):\n        return p\n    if d is a:\n        g = f\n"
        "print(g == f, f == f, g != f)\n",
        None,
        None,
    ),
    Case(
        "red team 03: bound methods of two tensors compared",
        _MILLION_ROWS + "y = torch.ones(1, 2000)\nprint(x.sum == y.sum, x.sum == x.sum)\n",
        None,
        None,
    ),
    Case(
        "red team 03b: tensors inside lists compared",
        _MILLION_ROWS + "y = torch.ones(1, 1000)\nc = [y] == [x]\n",
        "not_allowed",
        3,
        ("Comparing tensors",),
    ),
    Case(
        "red team 03c: a tensor in a list of tensors",
        _MILLION_ROWS + "y = torch.ones(1, 1000)\nc = x in [y]\n",
        "not_allowed",
        3,
        ("Comparing tensors",),
    ),
    Case(
        "red team 03d: identical tensors in lists",
        _MILLION_ROWS + "print([x] == [x], x in [x], [1, x] != [1, x])\n",
        None,
        None,
    ),
    _budget(
        "red team 04: np.array of a list of arrays",
        "a = np.array(torch.ones(1000000))\nb = np.array([a] * 300)\n",
        2,
        "300,000,000 elements",
    ),
    _budget(
        "red team 04b: torch.tensor of a list of arrays",
        "a = np.array(torch.ones(1000000))\nb = torch.tensor([a] * 100)\n",
        2,
        "100,000,000 elements",
    ),
    _budget(
        "red team 04c: np.array of a list of ranges",
        "a = np.array([range(1000000)] * 300)\n",
        1,
        "300,000,000 elements",
    ),
    _budget(
        "red team 04d: np.array of a list of long strings",
        "s = 'a' * 100000\na = np.array([s] * 2000)\n",
        2,
        "200,000,000 elements",
    ),
    _budget(
        "red team 04e: torch.tensor of a list of ranges",
        "t = torch.tensor([range(1000000)] * 30)\n",
        1,
        "30,000,000 elements",
    ),
    Case(
        "red team 05: a no_grad view of a base changed in place",
        "a = torch.ones(3, requires_grad=True)\nb = a * 2\nwith torch.no_grad():\n"
        "    v = b[0:2]\nb += 1\nv.backward()\n",
        "runtime",
        6,
        ("no_grad",),
    ),
    Case(
        "red team 05b: rows of a loop, then the base changed in place",
        "a = torch.ones(3, 2, requires_grad=True)\nb = a * 1\nfor r in b:\n    s = 1\n"
        "b[0] = 5.0\nprint(b.sum().item())\n",
        None,
        None,
    ),
    Case(
        "red team 05c: unpacked rows, then the base changed in place",
        "a = torch.ones(2, 2, requires_grad=True)\nb = a * 1\np, q = b\nb[0] = 5.0\nq2 = q\n",
        None,
        None,
    ),
    _budget("red team 06: backward through single-element views", _SELECTS, 12, "backward()"),
    _budget(
        "red team 06b: backward through in-place slice updates",
        "x = torch.ones(1000, 1000, requires_grad=True)\ny = x * 1\n"
        "for i in range(400):\n    y[0, 0] += 1\ny.sum().backward()\n",
        5,
        "backward()",
    ),
    Case(
        "red team 07: printing a tensor whose every dimension is small",
        "x = torch.rand(2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2)\nprint(x)\n",
        None,
        None,
    ),
    Case(
        "red team 07b: an f-string of such a tensor, and its array",
        "x = torch.rand(4,4,4,4,4,4,4,4,4,3)\ns = f'{x}'\nprint(len(s), np.array(x), [x])\n",
        None,
        None,
    ),
    _budget(
        "red team 08: a reshape to 100,000 dimensions",
        "x = torch.ones(1, requires_grad=True)\ny = x.reshape((1,) * 100000)\nz = y * 2\n",
        2,
        "100,000 dimensions",
    ),
    Case(
        "red team 09: five million-element leaves",
        _FIVE_LEAVES + "s = " + " + ".join(f"a{i}.sum()" for i in range(5)) + "\n",
        None,
        None,
    ),
    # Refused for its depth (test_redteam.py checks which), or for its time on a busy machine.
    _budget("red team 10: twenty views of one tensor changed in place", _MULTIVIEW, ANY_LINE),
    Case(
        "red team 11: a complex number",
        "c = (-8) ** 0.5\nprint(c)\nt = torch.tensor([c, c])\n",
        "not_allowed",
        1,
        ("complex",),
    ),
    Case(
        "red team 12: an array compared with a shared nest",
        "a = [0.0]\nfor i in range(24):\n    a = [a, a]\narr = np.array([1.0])\nc = arr == a\n",
        "not_allowed",
        5,
        ("Comparing",),
    ),
    Case(
        "red team 12b: a tensor compared with a shared nest",
        "a = [0.0]\nfor i in range(24):\n    a = [a, a]\nx = torch.ones(1)\n"
        "print(x == a, x in [a], [x] == [a])\n",
        None,
        None,
    ),
    Case(
        "red team 13: print with a long sep",
        "s = '\U0001f600' * 100000\nprint(" + ", ".join(["1"] * 2000) + ", sep=s)\n",
        None,
        None,
    ),
    Case(
        "red team 14: backward with a gradient",
        "x = torch.ones(3, requires_grad=True)\ny = x * 2\ny.backward(torch.ones(3))\n",
        None,
        None,
    ),
    Case("red team 16: a lone surrogate printed", 'print("a\\ud800b")\n', None, None),
    _budget(
        "red team 17: arange with an int64 dtype and a fractional step",
        "a = torch.arange(0, 1999999, 1.999999, dtype=torch.int64)\n",
        1,
        "elements",
    ),
    _budget(
        "red team 17b: view(dtype) to a smaller element",
        "b = torch.ones(1000000, dtype=torch.float64).view(torch.bool)\n",
        1,
        "8,000,000 elements",
    ),
    _budget("red team, also seen: round(1e308)", "x = round(1e308)\n", 1, "64 bits"),
]

LAYER = "m = torch.nn.Linear(2, 2)\n"  # a layer, so the attacks on it point at line 2
OPT = "w = torch.nn.Parameter(torch.ones(2))\nopt = torch.optim.SGD([w], lr=0.1)\n"  # line 3
_HUGE_ADAM = (
    "w = torch.nn.Parameter(torch.zeros(1000000))\n"
    "w.grad = torch.ones(1000000)\n"
    "opts = []\n"
    "for i in range(100):\n"
    "    opt = torch.optim.Adam([w])\n"
    "    opt.step()\n"
    "    opts = opts + [opt]\n"  # each optimizer's state stays alive
)
_MANY_MODULES = (
    "layers = torch.nn.ModuleList()\nfor i in range(100000):\n    layers.append(torch.nn.ReLU())\n"
)

_ALL_SHOWN = "w = torch.nn.Parameter(torch.rand(" + ", ".join(["2"] * 19) + "))\n"
_NEST = "a = [0]\nfor i in range(60):\n    a = [a, a]\n"

# torch.nn, torch.optim, torch.utils.data: the facade's internals, sizes and state.
NN: list[Case] = [
    Case(
        "nn: module._parameters", LAYER + "p = m._parameters\n", "not_allowed", 2, ("_parameters",)
    ),
    Case("nn: module._modules", LAYER + "p = m._modules\n", "not_allowed", 2, ("_modules",)),
    Case("nn: module.__class__", LAYER + "c = m.__class__\n", "not_allowed", 2, ("__class__",)),
    Case("nn: module.__dict__", LAYER + "c = m.__dict__\n", "not_allowed", 2, ("__dict__",)),
    Case(
        "nn: register_forward_hook",
        LAYER + "h = m.register_forward_hook(print)\n",
        "not_allowed",
        2,
        ("register_forward_hook",),
    ),
    Case(
        "nn: register_full_backward_hook",
        LAYER + "m.register_full_backward_hook(print)\n",
        "not_allowed",
        2,
        ("register_full_backward_hook",),
    ),
    Case("nn: module.cuda", LAYER + "m.cuda()\n", "not_allowed", 2, ("cuda",)),
    Case("nn: module.extra_repr", LAYER + "m.extra_repr()\n", "not_allowed", 2, ("extra_repr",)),
    Case(
        "nn: param_groups and state_dict holding a tensor whose every number would print",
        _ALL_SHOWN + "o = torch.optim.SGD([w], lr=0.1)\nprint(o.param_groups)\n"
        "m = torch.nn.Linear(2, 2)\nm.weight = w\nprint(m.state_dict())\n",
        None,
        None,
    ),
    Case(
        "nn: module.to(a shared nest)",
        _NEST + LAYER.replace("m =", "\nm =").lstrip("\n") + "m.to(a)\n",
        "runtime",
        5,
        ("CPU",),
    ),
    Case("nn: module.to('cuda')", LAYER + "m.to('cuda')\n", "runtime", 2, ("CPU",)),
    Case("nn: apply(print) prints each module", LAYER + "m.apply(print)\n", None, None),
    Case("nn: state_dict is plain data", LAYER + "s = m.state_dict()\nprint(s)\n", None, None),
    Case(
        "nn: load_state_dict of a non-dict",
        LAYER + "m.load_state_dict(print)\n",
        "runtime",
        2,
        ("load_state_dict",),
    ),
    Case(
        "nn: weight set to a plain tensor",
        LAYER + "m.weight = torch.ones(2, 2)\n",
        "not_allowed",
        2,
        ("weight",),
    ),
    Case("nn: forward replaced", LAYER + "m.forward = print\n", "not_allowed", 2, ("forward",)),
    Case("nn: Sequential of print", "s = torch.nn.Sequential(print)\n", "runtime", 1, ("modules",)),
    Case(
        "nn: a layer argument that is a function",
        "m = torch.nn.Linear(2, 2, bias=print)\n",
        "runtime",
        1,
        ("bias",),
    ),
    Case(
        "nn: a loss of a function", LAYER + "l = torch.nn.MSELoss()(print, 1)\n", "runtime", 2, ()
    ),
    Case("nn: calling a layer on a list", LAYER + "y = m([1.0, 2.0])\n", "runtime", 2, ("tensor",)),
    Case(
        "nn: a container that contains itself",
        "s = torch.nn.ModuleList()\ns.append(s)\n",
        "runtime",
        2,
        ("itself",),
    ),
    Case(
        "nn: nn.Linear(10**6, 10**6) is refused before allocating",
        "m = torch.nn.Linear(10**6, 10**6)\n",
        "budget",
        1,
        ("nn.Linear", "1,000,001,000,000"),
    ),
    Case(
        "nn: nn.Embedding(10**9, 10)",
        "e = torch.nn.Embedding(10**9, 10)\n",
        "budget",
        1,
        ("nn.Embedding",),
    ),
    Case(
        "nn: a Linear whose output would be huge",
        "m = torch.nn.Linear(1, 1000)\ny = m(torch.ones(100000, 1))\n",
        "budget",
        2,
        ("Linear",),
    ),
    Case(
        "nn: an Embedding lookup whose output would be huge",
        "e = torch.nn.Embedding(10, 1000)\ny = e(torch.zeros(100000, dtype=torch.long))\n",
        "budget",
        2,
        ("Embedding",),
    ),
    Case(
        "nn: a convolution reading a big window for each output",
        "c = torch.nn.Conv2d(100, 100, 3)\ny = c(torch.ones(1, 100, 100, 100))\n",
        "budget",
        2,
        ("Conv2d", "multiply-adds"),
    ),
    Case(
        "nn: max pooling with a huge window at stride 1",
        "p = torch.nn.MaxPool2d(500, stride=1)\ny = p(torch.ones(1, 1, 1000, 1000))\n",
        "budget",
        2,
        ("MaxPool2d",),
    ),
    Case(
        "nn: a convolution padded by a million",
        "c = torch.nn.Conv2d(1, 1, 3, padding=10**6)\ny = c(torch.ones(1, 1, 3, 3))\n",
        "budget",
        2,
        ("Conv2d",),
    ),
    Case(
        "nn: a loss broadcasting to a huge result",
        "l = torch.nn.MSELoss(reduction='none')\n"
        "y = l(torch.ones(100000, 1), torch.ones(1, 100000))\n",
        "budget",
        2,
        ("MSELoss",),
    ),
    _budget("nn: a hundred thousand modules", _MANY_MODULES, ANY_LINE),
    Case(
        "nn: init with a generator of one's own",
        LAYER + "torch.nn.init.normal_(m.weight, generator=print)\n",
        "runtime",
        2,
        ("generator",),
    ),
    Case("nn: a negative size", "m = torch.nn.Linear(-1, 2)\n", "runtime", 1, ("in_features",)),
    Case("nn: Function instantiated", "f = torch.autograd.Function()\n", "runtime", 1, ("apply",)),
    Case("optim: optimizer.state", OPT + "s = opt.state\n", "not_allowed", 3, ("state",)),
    Case("optim: optimizer.state_dict", OPT + "s = opt.state_dict()\n", "not_allowed", 3, ()),
    Case(
        "optim: add_param_group", OPT + "opt.add_param_group(w)\n", "not_allowed", 3, ("add_param",)
    ),
    Case("optim: foreach", OPT + "o = torch.optim.SGD([w], foreach=True)\n", "runtime", 3, ()),
    Case("optim: a function as lr", OPT + "o = torch.optim.SGD([w], lr=print)\n", "runtime", 3, ()),
    Case(
        "optim: optimizing a function", "o = torch.optim.SGD([print], lr=0.1)\n", "runtime", 1, ()
    ),
    Case(
        "optim: param_groups replaced",
        OPT + "opt.param_groups = []\n",
        "not_allowed",
        3,
        ("SGD",),
    ),
    _budget("optim: optimizer state growing in a loop", _HUGE_ADAM, 6, "at once"),
    Case(
        "data: DataLoader with workers",
        "d = torch.utils.data.TensorDataset(torch.ones(4))\n"
        "l = torch.utils.data.DataLoader(d, num_workers=4)\n",
        "runtime",
        2,
        ("num_workers",),
    ),
    Case(
        "data: DataLoader with a collate function",
        "d = torch.utils.data.TensorDataset(torch.ones(4))\n"
        "l = torch.utils.data.DataLoader(d, collate_fn=print)\n",
        "runtime",
        2,
        ("collate_fn",),
    ),
    Case(
        "data: TensorDataset of mismatched tensors",
        "d = torch.utils.data.TensorDataset(torch.ones(4), torch.ones(3))\n",
        "runtime",
        1,
        ("first dimensions",),
    ),
]

# Attacks through the Python surface of issue 11: classes, comprehensions, built-ins,
# methods, formatting, exceptions, imports.
PYTHON_SURFACE: list[Case] = [
    _na(
        "self.__class__",
        "class A:\n    def f(self):\n        return self.__class__\nA().f()\n",
        "__class__",
        line=4,
    ),
    _na(
        "type(x).__mro__ of a user class",
        "class A:\n    pass\nm = type(A()).__mro__\n",
        "__mro__",
        line=4,
    ),
    _na("user object __dict__", "class A:\n    pass\nd = A().__dict__\n", "__dict__", line=4),
    _na(
        "super().__getattribute__",
        "class A:\n    def f(self):\n        return super().__getattribute__('x')\n",
        "__getattribute__",
        line=4,
    ),
    _na(
        "obj.__init__.__globals__",
        "class A:\n    def __init__(self):\n        pass\ng = A().__init__.__globals__\n",
        "__globals__",
        line=5,
    ),
    _na(
        "method __func__",
        "class A:\n    def f(self):\n        pass\ng = A().f.__func__\n",
        "__func__",
        line=5,
    ),
    _na(
        "class __subclasses__",
        "class A:\n    pass\ns = A.__subclasses__()\n",
        "__subclasses__",
        line=4,
    ),
    _na(
        "dunder method other than the listed ones",
        "class A:\n    def __getattr__(self, name):\n        return 1\n",
        "__getattr__",
        line=3,
    ),
    _na("class with metaclass", "class A(metaclass=type):\n    pass\n", "metaclass"),
    _na("class decorator", "@print\nclass A:\n    pass\n", "decorator", line=3),
    _na("class inheriting from a function", "class A(print):\n    pass\n", "inherit"),
    _na("class inheriting from a module", "class A(torch):\n    pass\n", "inherit"),
    _na("class inheriting from int", "class A(int):\n    pass\n", "inherit"),
    _na("attribute write on a built-in type", "int.x = 1\n", "Cannot set"),
    _na("attribute write on an exception class", "ValueError.x = 1\n", "Cannot set"),
    _na(
        "attribute write on an imported module", "import math\nmath.pi = 3\n", "Cannot set", line=3
    ),
    _na(
        "exception with_traceback",
        "try:\n    1 / 0\nexcept Exception as e:\n    t = e.with_traceback\n",
        "with_traceback",
        line=5,
    ),
    _na("generator gi_code", "g = (i for i in [1])\nc = g.gi_code\n", "gi_code", line=3),
    _na("lambda __closure__", "f = lambda: x\nc = f.__closure__\n", "__closure__", line=3),
    _na("staticmethod outside a class", "@staticmethod\ndef f():\n    pass\n", "Decorator", line=3),
    _na("type with three arguments", "A = type('A', (), {})\n", "type"),
    _na("format field attribute", "s = '{0.real}'.format(1)\n", "format field"),
    _na("format field item", "s = '{0[0]}'.format([1])\n", "format field"),
    _na("'%*d' % (10**9, 1)", "s = '%*d' % (10**9, 1)\n", "*"),
    _na("from math import *", "from math import *\n", "import *"),
    _na("relative import", "from . import sandbox\n", "Relative"),
    _na("import a module's private part", "from torch import _C\n", "_C"),
    _na("import builtins as a name", "import builtins as torch\n", "builtins"),
    _na("from random import the real Random", "from random import Random\n", "random.Random"),
    _na(
        "binding open in an except",
        "try:\n    pass\nexcept Exception as open:\n    pass\n",
        "open",
        line=4,
    ),
    _na("dict.fromkeys", "d = dict.fromkeys(range(10**9))\n", "fromkeys"),
    _na("str.maketrans", "t = str.maketrans('a', 'b')\n", "maketrans"),
    _na("list method __class__", "c = [].append.__self__\n", "__self__"),
    _na(
        "comparing dicts of huge tensors",
        "c = {1: torch.ones(10**6, 1)} == {1: torch.ones(1, 10**6)}\n",
        "dicts",
    ),
    _budget("comprehension building a huge list", "l = [0 for i in range(10**7)]\n", 1, "100,000"),
    _budget(
        "dict comprehension building a huge dict",
        "d = {i: i for i in range(10**7)}\n",
        1,
        "100,000",
    ),
    _budget("sorted of a huge range", "l = sorted(range(10**12))\n", 1, "1,000,000,000,000"),
    _budget("list of a huge range", "l = list(range(10**12))\n", 1, "1,000,000,000,000"),
    _budget(
        "zip of huge ranges into a list",
        "l = list(zip(range(10**12), range(10**12)))\n",
        1,
        "100,000",
    ),
    _budget("star-unpacking a huge range", "print(*range(10**12))\n", 1, "1,000,000,000,000"),
    _budget("sum of a huge range", "s = sum(range(10**12))\n", 1, "iterations"),
    _budget("any over a huge generator", "a = any(i < 0 for i in range(10**12))\n", ANY_LINE),
    _budget("'{:>999999999}'.format(1)", "s = '{:>999999999}'.format(1)\n", 1, "100"),
    _budget("nested format width", "s = '{:>{}}'.format(1, 10**9)\n", 1, "100"),
    _budget("'%999999999d' % 1", "s = '%999999999d' % 1\n", 1, "100"),
    _budget("str.ljust huge", "s = 'a'.ljust(10**9)\n", 1, "100"),
    _budget("str.join huge", "s = ','.join(['a' * 1000] * 1000)\n", 1, "100,000"),
    _budget("str.replace growth", "s = ('a' * 1000).replace('a', 'b' * 1000)\n", 1, "100,000"),
    _budget("list.append forever", "l = []\nwhile True:\n    l.append(l)\n", 3, "100,000"),
    _budget(
        "list.extend doubling", "l = [1]\nfor i in range(100):\n    l.extend(l)\n", 3, "100,000"
    ),
    _budget("list += doubling", "l = [1]\nfor i in range(100):\n    l += l\n", 3, "100,000"),
    _budget(
        "random.sample huge",
        "import random\nl = random.sample(range(10**12), 10**7)\n",
        2,
        "sequence",
    ),
    _budget("math.factorial huge", "import math\nf = math.factorial(10**6)\n", 2, "64 bits"),
    _budget("math.prod growing", "import math\nf = math.prod([10**18] * 10)\n", 2, "64 bits"),
    _budget(
        "hashing a shared nest of tuples",
        "t = ()\nfor i in range(80):\n    t = (t, t)\nd = {t: 1}\n",
        4,
        "Hashing",
    ),
    _budget(
        "comparing dicts of shared nests",
        "a = []\nb = []\nfor i in range(80):\n"
        "    a = [a, a]\n    b = [b, b]\nc = {1: a} == {1: b}\n",
        6,
        "Comparing",
    ),
    _budget(
        "recursion through __call__",
        "class A:\n    def __call__(self):\n        return self()\nA()()\n",
        3,
        "calls deep",
    ),
    _budget(
        "recursion through __init__",
        "class A:\n    def __init__(self):\n        A()\nA()\n",
        3,
        "calls deep",
    ),
    _budget(
        "recursion through __repr__ in print",
        "class A:\n    def __repr__(self):\n        return repr(self)\nprint(A())\n",
        3,
        "calls deep",
    ),
    _budget(
        "recursion through a lambda",
        "f = lambda n: f(n + 1)\nf(0)\n",
        1,
        "calls deep",
    ),
    _budget(
        "except Exception does not catch a time budget",
        "try:\n    while True:\n        pass\nexcept Exception:\n    print('caught')\n",
        ANY_LINE,
    ),
    _budget(
        "bare except does not catch a size budget",
        "try:\n    l = [0] * 10**9\nexcept:\n    print('caught')\n",
        2,
        "1,000,000,000",
    ),
    _budget(
        "finally with return does not swallow a budget",
        "def f():\n    try:\n        while True:\n            pass\n"
        "    finally:\n        return 1\nprint(f())\n",
        ANY_LINE,
    ),
    _budget(
        "except does not catch the call depth",
        "def f():\n    try:\n        return f()\n"
        "    except Exception:\n        return 0\nprint(f())\n",
        3,
        "calls deep",
    ),
    Case(
        "except does not catch a refusal",
        "try:\n    torch.load('x')\nexcept Exception:\n    print('caught')\n",
        "not_allowed",
        2,
        ("torch.load",),
    ),
    Case(
        "except does not catch an unknown name",
        "try:\n    nope\nexcept Exception:\n    print('caught')\n",
        "unknown_name",
        2,
        ("nope",),
    ),
    Case(
        "an exception carrying a huge tensor out",
        "raise ValueError(torch.ones(10**6))\n",
        "runtime",
        1,
        ("ValueError",),
    ),
    Case(
        "a caught error's args are plain data",
        "try:\n    int('x')\nexcept ValueError as e:\n    print(type(e.args[0]))\nz = nope\n",
        "unknown_name",
        5,
        ("nope",),
    ),
    Case("raising a non-exception", "raise 3\n", "runtime", 1, ("BaseException",)),
    Case(
        "catching a non-exception",
        "try:\n    1 / 0\nexcept print:\n    pass\n",
        "runtime",
        3,
        ("catching",),
    ),
    Case("bare raise outside except", "raise\n", "runtime", 1, ("reraise",)),
    Case(
        "super outside a method",
        "def f(self):\n    return super().__init__()\nf(1)\n",
        "runtime",
        2,
        ("super",),
    ),
    Case(
        "nonlocal without a binding",
        "def f():\n    def g():\n        nonlocal q\n        q = 1\n    g()\nf()\n",
        "not_allowed",
        4,
        ("nonlocal",),
    ),
    Case(
        "a generator read after its scope is gone",
        "def f():\n    k = 2\n    return (i * k for i in range(3))\n"
        "g = f()\nprint(list(g), list(g))\nz = nope\n",
        "unknown_name",
        6,
        ("nope",),
    ),
    Case(
        "sorting a thousand tensors, within budget",
        "l = [torch.randn(1) for i in range(1000)]\nl.sort()\nprint(len(l))\n",
        None,
        None,
    ),
    Case(
        "random is private to the run",
        "import random\nrandom.seed(1)\nprint(random.random())\n",
        None,
        None,
    ),
]


# Python's and PyTorch's own complaints (UnboundLocalError, TypeError for an unknown
# keyword, warnings in the output), pushed hard: they stay within the budgets, and a
# warning never makes Python open a file to quote its line.
PYTHON_RULES: list[Case] = [
    _na(
        "UnboundLocalError's subclasses",
        "s = UnboundLocalError.__subclasses__()\n",
        "__subclasses__",
    ),
    _na("attribute write on UnboundLocalError", "UnboundLocalError.x = 1\n", "Cannot set"),
    Case(
        "an unbound local at the bottom of a deep recursion",
        "n = 0\ndef f(k):\n    if k:\n        return f(k - 1)\n    n = n + 1\nf(30)\n",
        "runtime",
        5,
        ("UnboundLocalError", "'n'"),
    ),
    Case(
        "an unbound local caught 100,000 times",
        "n = 0\ndef f():\n    try:\n        n += 1\n    except UnboundLocalError:\n"
        "        pass\nfor i in range(100000):\n    f()\nz = nope\n",
        "unknown_name",
        9,
        ("nope",),
    ),
    Case(
        "an unknown keyword caught in a long loop",
        P + "for i in range(20000):\n    try:\n        x.sum(bogus=i)\n"
        "    except TypeError:\n        pass\nz = nope\n",
        "unknown_name",
        7,
        ("nope",),
    ),
    Case(
        "a warning raised 20,000 times in a loop",
        P + "for i in range(20000):\n    g = (x * 2).grad\nz = nope\n",
        "unknown_name",
        4,
        ("nope",),
    ),
    Case(
        "a warning on each of 1,000 lines",
        P + "g = (x * 2).grad\n" * 1000 + "z = nope\n",
        "unknown_name",
        1002,
        ("nope",),
    ),
    Case(
        "warnings from every warning-raising call there is",
        P + "v = torch.ones(3, requires_grad=True)\nt = v.T\nc = torch.tensor(v)\n"
        "l = torch.nn.functional.mse_loss(torch.ones(3, 1), v)\ng = (v * 1).grad\n"
        "z = nope\n",
        "unknown_name",
        7,
        ("nope",),
    ),
]


CORPUS: list[Case] = [
    *ESCAPES, *RUNTIME, *RESOURCE, *GARBAGE, *REDTEAM, *NN, *PYTHON_SURFACE, *PYTHON_RULES,
]  # fmt: skip
