"""The package installs like any other: `pip install .` and `pip install -e .` of this tree.

Each test copies the project (pyproject.toml, README.md, playground/) to a temporary
folder, installs it into a fresh virtual environment and then uses it from another
folder, so nothing is imported from the repository by accident. To stay fast and
offline the environment borrows this Python's packages (`--system-site-packages`:
torch, numpy, graphviz) and pip builds with the setuptools already installed
(`--no-deps --no-build-isolation --no-index`); `docs/deploy.md` has the full install.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]

DRAW = """
import json, sys, torch, playground
x = torch.ones(2, requires_grad=True)
dot = playground.draw((x * x).sum(), params={"x": x})
print(json.dumps({
    "file": playground.__file__,
    "source": dot.source,
    "exports": sorted(playground.__all__),
    "streamlit": sorted(m for m in sys.modules if m.split(".")[0] in ("streamlit", "plotly")),
}))
"""

PROGRAM = "x = torch.tensor([1., 2., 3.], requires_grad=True)\ny = (x * x).sum()\ny.backward()\n"


def _copy_project(dest: Path) -> Path:
    src = dest / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build")
    shutil.copytree(ROOT / "playground", src / "playground", ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    return src


def _python(env_dir: Path) -> Path:
    return env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    """One folder per module: each install is made once and shared by the tests."""
    return tmp_path_factory.mktemp("install")


def _install(workdir: Path, mode: str) -> tuple[Path, Path]:
    """(python of a fresh venv with the project installed, the copy it was installed from)."""
    base = workdir / mode
    python = _python(base / "venv")
    if not python.exists():
        src = _copy_project(base)
        venv.EnvBuilder(system_site_packages=True, with_pip=False).create(base / "venv")
        editable = ["-e"] if mode == "editable" else []
        proc = subprocess.run(
            [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
             "--no-build-isolation", "--no-index", "--quiet", *editable, str(src)],
            capture_output=True, text=True, timeout=120, env=_clean_env(), cwd=base,
        )  # fmt: skip
        if proc.returncode != 0:
            shutil.rmtree(base)  # the next test tries again (and fails again)
        assert proc.returncode == 0, f"pip install failed:\n{proc.stdout}\n{proc.stderr}"
    return python, base / "src"


@pytest.fixture(params=["regular", "editable"])
def installed(request, workdir) -> tuple[Path, Path, str]:
    return (*_install(workdir, request.param), request.param)


def _outside(workdir: Path) -> Path:
    elsewhere = workdir / "elsewhere"
    elsewhere.mkdir(exist_ok=True)
    return elsewhere


def test_draw_from_the_installed_package(installed, workdir):
    python, src, mode = installed
    proc = subprocess.run(
        [str(python), "-c", DRAW],
        capture_output=True, text=True, timeout=120, env=_clean_env(), cwd=_outside(workdir),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    home = Path(got["file"]).resolve().parent
    if mode == "editable":
        assert home == (src / "playground").resolve()
    else:
        assert python.parent.parent.resolve() in home.parents, home
        assert ROOT not in home.parents and src not in home.parents
    assert got["source"].startswith("digraph autograd {")
    assert "MulBackward0" in got["source"] and "SumBackward0" in got["source"]
    assert 'label="x\\n[1  1]' in got["source"]  # the leaf, named by params, with its value
    assert {"draw", "run", "RunResult", "build_graph"} <= set(got["exports"])
    assert "graph" not in got["exports"]
    assert got["streamlit"] == [], "the core must not import Streamlit or plotly"


def test_cli_from_the_installed_package(installed, workdir):
    python, _, _ = installed
    proc = subprocess.run(
        [str(python), "-m", "playground", "eval", "-", "--json"],
        input=PROGRAM, capture_output=True, text=True, timeout=120, env=_clean_env(),
        cwd=_outside(workdir),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["ok"] is True
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * x).sum().backward()  # plain PyTorch: the gradient the sandbox must report
    assert result["tensors"]["x"]["grad"] == x.grad.tolist()
    assert result["graph"]["nodes"], "no graph"


def test_regular_install_ships_the_pages_files_and_nothing_else(workdir):
    python, _ = _install(workdir, "regular")
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True, text=True, check=True, env=_clean_env(),
        ).stdout.strip()
    )  # fmt: skip
    ui = site / "playground" / "ui"
    for name in ("player.css", "player.js"):
        assert (ui / name).is_file(), f"{name} is not in the wheel"
        assert (ui / name).read_bytes() == (ROOT / "playground" / "ui" / name).read_bytes()
    for sub in ("graph", "sandbox", "training", "ui"):
        assert (site / "playground" / sub / "__init__.py").is_file()
    (record,) = site.glob("autograd_playground-*.dist-info/RECORD")
    tops = {line.split(",")[0].split("/")[0] for line in record.read_text().splitlines()}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"playground"}, tops
