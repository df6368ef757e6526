"""Shared fixtures for the core's unit tests (no browser, no server here).

The helpers themselves live in `plain_reference.py`.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from plain_reference import (
    CROP_INPUTS,
    CROP_TARGETS,
    assert_not_internal,
    assert_same_tensors,
    plain_tensors,
    run_plain,
)


@pytest.fixture(scope="session")
def ref() -> SimpleNamespace:
    """The reference helpers, as a fixture (test modules do not import conftest)."""
    return SimpleNamespace(
        run=run_plain,
        tensors=plain_tensors,
        same_tensors=assert_same_tensors,
        not_internal=assert_not_internal,
        crop_inputs=CROP_INPUTS,
        crop_targets=CROP_TARGETS,
    )
