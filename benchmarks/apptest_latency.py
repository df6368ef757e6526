"""Interaction latency on the server: one rerun after each main interaction, via AppTest.

Streamlit's `AppTest` runs the real pages in-process (no browser, no websocket), so
this times what the server does for a click: the script rerun, our program run, the
graph and the tables. For every preset of the lab:

* edit code: type the preset's program (with a changing comment, so it really reruns);
* change a leaf value: a new number in the first `requires_grad` scalar leaf's box;
* step backward: `Next` in the backward step-through (toggled on once, untimed);

and on the gradient-descent studio, for each data set, a new learning rate (which
retrains). Median and p95 per row, each measured two ways, interleaved: AppTest as
it is (it recompiles the page scripts every run) and with the compiled bytecode kept
between runs, as a real server keeps it. Target (issue 6): median <= 30 ms.
AppTest skips Streamlit's post-script `gc.collect(2)` (see docs/stack-facts.md), so a
real server adds that to every rerun unless `runner.postScriptGC` is off.

    python -m benchmarks.apptest_latency [--quick] [--samples N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest, local_script_runner
from streamlit.testing.v1 import app_test as app_test_module

from playground.leaves import find_scalar_leaves
from playground.presets import PRESETS, Preset
from playground.ui.lesson import DATASETS, LEARNING_RATES

ROOT = Path(__file__).resolve().parents[1]
HEADER = (
    "| page | preset / data | interaction | median (ms) | p95 (ms) "
    "| median, bytecode cached (ms) | p95, bytecode cached (ms) | samples |"
)
STUDIO_RATES = [r for r in LEARNING_RATES if 1e-6 <= r <= 1e-4]  # all stable on every data set


class BytecodeCache:
    """AppTest builds a new `ScriptCache` for every run, so it compiles the page scripts
    (with Streamlit's magic) on every rerun; a real server compiles them once. When
    `on`, every run shares one cache, as a server does. Samples alternate on and off."""

    def __init__(self) -> None:
        self.on = False
        self.shared = ScriptCache()

    def __call__(self) -> ScriptCache:
        return self.shared if self.on else ScriptCache()

    def install(self) -> None:
        app_test_module.ScriptCache = self
        local_script_runner.ScriptCache = self


CACHE = BytecodeCache()


def timed_run(element, i: int) -> float:
    """Milliseconds of one `.run()` after a widget change; odd samples share the cache."""
    CACHE.on = i % 2 == 1
    start = time.perf_counter()
    element.run()
    elapsed = (time.perf_counter() - start) * 1e3
    CACHE.on = False
    return elapsed


def p95(values: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(values)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]


def check(at: AppTest, what: str) -> None:
    if at.exception:
        raise SystemExit(f"{what}: the page raised {at.exception[0].value}")


def _send_code(at: AppTest, code: str) -> AppTest:
    """The program as the lab's editor hands it over on a run (AppTest cannot type into a
    component): the code, and the note that the browser has it (playground.ui.editor)."""
    at.session_state["lab_code"] = at.session_state["lab_code_echo"] = code
    return at


def lab_rows(preset: Preset, samples: int) -> list[tuple[str, list[float]]]:
    """Rows of one preset; each list holds 2 * samples timings (stock, cached, ...)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.selectbox(key="lab_preset").select(preset.title).run()
    check(at, preset.title)
    n = 2 * samples
    rows = [("rerun, nothing changed", [timed_run(at, i) for i in range(n)])]
    edits = []
    for i in range(n):
        source = f"{preset.source}# edit {i}\n"
        edits.append(timed_run(_send_code(at, source), i))
    check(at, f"{preset.title}: edit")
    rows.append(("edit code", edits))
    _send_code(at, preset.source).run()
    leaves = [leaf for leaf in find_scalar_leaves(preset.source) if leaf.requires_grad]
    if leaves:
        key, base = f"leaf_{leaves[0].name}", leaves[0].value
        changes = []
        for i in range(n):
            value = base + 0.5 * (i + 1)
            changes.append(timed_run(at.number_input(key=key).set_value(value), i))
        check(at, f"{preset.title}: leaf")
        rows.append((f"change leaf `{leaves[0].name}`", changes))
    stepping = at.toggle(key="lab_stepping")
    if not stepping.disabled:
        stepping.set_value(True).run()
        steps = []
        for i in range(n):
            steps.append(timed_run(at.button(key="lab_next").click(), i))
            if any(s.value.startswith("Done") for s in at.success):
                at.button(key="lab_restart").click().run()  # start over, untimed
        check(at, f"{preset.title}: step")
        rows.append(("step backward (Next)", steps))
    return rows


def studio_rows(dataset: str, samples: int) -> list[tuple[str, list[float]]]:
    at = AppTest.from_file(
        str(ROOT / "playground" / "ui" / "gradient_descent.py"), default_timeout=60
    )
    at.run()
    at.sidebar.radio(key="gd_dataset").set_value(dataset).run()
    check(at, dataset)
    n = 2 * samples
    rows = [("rerun, nothing changed", [timed_run(at, i) for i in range(n)])]
    times = []
    for i in range(n):
        rate = STUDIO_RATES[(i + 1) % len(STUDIO_RATES)]
        times.append(timed_run(at.sidebar.select_slider(key="gd_lr").set_value(rate), i))
    check(at, f"{dataset}: learning rate")
    rows.append(("change learning rate (retrains)", times))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="two presets, 3 samples (CI)")
    parser.add_argument("--samples", type=int, default=20, help="per cache setting")
    args = parser.parse_args()
    os.chdir(ROOT)  # app.py names its pages by relative path
    samples = 3 if args.quick else args.samples
    presets = PRESETS[:2] if args.quick else PRESETS
    datasets = DATASETS[:1] if args.quick else DATASETS[:2]
    CACHE.install()
    print(f"{samples} + {samples} interleaved samples per row; AppTest (in-process, no GC)")
    print(HEADER)
    print("|---|---|---|---|---|---|---|---|")
    medians, cached_medians = [], []
    jobs = [("lab", p.title, lambda p=p: lab_rows(p, samples)) for p in presets] + [
        ("studio", d, lambda d=d: studio_rows(d, samples)) for d in datasets
    ]
    for page, name, job in jobs:
        for interaction, times in job():
            stock, cached = times[0::2], times[1::2]
            medians.append(statistics.median(stock))
            cached_medians.append(statistics.median(cached))
            print(
                f"| {page} | {name} | {interaction} | {medians[-1]:.1f} | {p95(stock):.1f} "
                f"| {cached_medians[-1]:.1f} | {p95(cached):.1f} | {len(stock)} + {len(cached)} |"
            )
            sys.stdout.flush()
    for label, values in (("AppTest as is", medians), ("bytecode cached", cached_medians)):
        worst = max(values)
        verdict = "met" if worst <= 30 else "NOT met"
        print(f"{label}: worst median {worst:.1f} ms, target median <= 30 ms {verdict}")


if __name__ == "__main__":
    main()
