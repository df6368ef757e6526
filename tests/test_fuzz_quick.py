"""The long fuzzing script still runs: its `--quick` mode, as a subprocess, into a temp file.

Like tests/test_benchmarks_quick.py, but this one is pass/fail on bugs: the script
exits 1 when any of its cases finds one, so a regression shows up here too. The
report goes to a temporary file (`--out`), never over docs/fuzz.md.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _stamp(path: Path) -> float | None:
    return path.stat().st_mtime_ns if path.exists() else None


def test_fuzz_quick_mode_writes_its_report(tmp_path):
    out = tmp_path / "fuzz.md"
    committed = ROOT / "docs" / "fuzz.md"
    before = _stamp(committed)
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "fuzz_long.py"), "--quick", "--out", str(out)],
        cwd=ROOT,
        # This checkout's `playground`, not whichever one `pip install -e` points at.
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, f"fuzz_long.py exited {proc.returncode}:\n{proc.stdout[-3000:]}"
    text = out.read_text()
    cases = int(re.search(r"\| cases run \| ([\d,]+) of", text).group(1).replace(",", ""))
    assert cases == 200
    assert "| valid programs / mutants | 100 / 100 |" in text
    assert "| failures (bugs) | 0 in 0 kinds |" in text
    assert re.search(r"\| slowest case \| #\d+ \((valid|mutated)\), [\d.]+ s \|", text)
    assert "Command: `python tests/fuzz_long.py --quick --out " in text
    assert _stamp(committed) == before  # the committed figures are left alone
