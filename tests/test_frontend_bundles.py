"""The committed browser bundles in ./static were built from today's frontend sources."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("build_frontend", ROOT / "scripts/build_frontend.py")
build_frontend = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_frontend)

PACKAGES = build_frontend.packages()


@pytest.mark.parametrize("package", PACKAGES, ids=[p.name for p in PACKAGES])
def test_bundle_is_built_from_the_current_sources(package: Path) -> None:
    bundle = ROOT / "static" / f"{package.name}.js"
    assert bundle.is_file(), f"run: python scripts/build_frontend.py {package.name}"
    first_line = bundle.read_text(encoding="utf-8").split("\n", 1)[0] + "\n"
    assert first_line == build_frontend.header(package), (
        f"static/{bundle.name} is older than frontend/{package.name}: "
        f"run python scripts/build_frontend.py {package.name}"
    )


def test_every_package_has_a_lock_file() -> None:
    for package in PACKAGES:
        assert (package / "package-lock.json").is_file(), package.name
