"""'Copy as PyTorch': the exported lab program prints what the lab printed."""

from __future__ import annotations

import json
import subprocess
import sys

import playground
from playground.lab_script import lab_script
from playground.presets import PRESETS

RUNNER = """
import contextlib, io, json, sys
results = []
for script in json.loads(sys.stdin.read()):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(script, "<exported>", "exec"), {"__name__": "__main__"})
    results.append(out.getvalue())
print(json.dumps(results))
"""


def test_every_preset_exports_to_a_script_that_prints_the_same() -> None:
    """One plain-Python process runs every exported script (importing torch once)."""
    scripts = [lab_script(p.source) for p in PRESETS]
    done = subprocess.run(
        [sys.executable, "-c", RUNNER],
        input=json.dumps(scripts),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    for preset, output in zip(PRESETS, printed, strict=True):
        assert output == playground.run(preset.source).output, preset.title


def test_data_is_included_only_when_used() -> None:
    assert "inputs = torch.tensor" not in lab_script("y = torch.tensor(1.)")
    script = lab_script("y = inputs.sum()")
    assert "inputs = torch.tensor" in script and "targets" not in script
