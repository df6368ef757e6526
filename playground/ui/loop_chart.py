"""The lab's "Training loop" section: a program's loop values per iteration, played.

A Components v2 component like the studio's player (`player.py`), for the same
reason: frames are drawn in the browser, so Play costs the server nothing per frame.
The browser gets the run's `LoopRecord` (at most 1,001 iterations) once per run and
never sends anything back. plotly.js comes from this server (`ensure_plotly_js`).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import streamlit as st

from playground.runner import RunResult
from playground.sandbox.loop_record import LoopRecord
from playground.ui.memo import per_result
from playground.ui.player import ensure_plotly_js, plotly_js_with

HTML = """
<div class="aglc">
  <div class="aglc-bar">
    <button type="button" class="aglc-play">▶ Play</button>
    <button type="button" class="aglc-step">Step ›</button>
    <label>Speed <select class="aglc-speed">
      <option value="5">5</option><option value="10">10</option><option value="20">20</option>
      <option value="50">50</option><option value="100">100</option>
      <option value="200">200</option></select> iterations/s</label>
    <label>Chart <select class="aglc-series"></select></label>
    <label><input type="checkbox" class="aglc-log"> log scale</label>
    <span class="aglc-status" role="status"></span>
  </div>
  <div class="aglc-scrubber">
    <label>Iteration <input type="range" class="aglc-scrub" min="0" max="0" step="1"
      value="0"></label>
    <span class="aglc-now"></span>
  </div>
  <div class="aglc-body">
    <div class="aglc-chart"></div>
    <div class="aglc-numbers">
      <table class="aglc-series-table"><caption></caption><tbody></tbody></table>
      <div class="aglc-tensors"></div>
    </div>
  </div>
</div>
"""


@st.cache_resource
def _component():  # registered once per server process; holds no per-student data
    here = Path(__file__).parent
    return st.components.v2.component(
        "loop_chart",
        html=HTML,
        css=(here / "loop_chart.css").read_text(encoding="utf-8"),
        js=plotly_js_with(here / "loop_chart.js"),
        isolate_styles=False,
    )


def _payload(record: LoopRecord) -> dict:
    data = record.to_json()
    run_id = hashlib.sha1(json.dumps(data).encode()).hexdigest()[:16]
    return {"run_id": run_id, "json": json.dumps({**data, "run_id": run_id})}


def loop_chart(record: LoopRecord, key: str) -> None:
    """Mount the chart of `record`; it starts at the final iteration (the graph's).

    The record (up to ~0.3 MB) goes as JSON text made once per run (`per_result`), not
    rebuilt and serialised on every rerun of the page."""
    _component()(data=per_result(f"{key}_json", record, lambda: _payload(record)), key=key)


def _summary(record: LoopRecord) -> str:
    kept = len(record.iterations)
    ran = "finished" if record.failed else "ran"
    text = (
        f"The loop at line {record.line} {ran} {record.total:,} iteration"
        f"{'' if record.total == 1 else 's'}. The chart shows each iteration's values at "
        "its end; choose an iteration to see its numbers. The graph above is the last "
        "iteration's."
    )
    if kept < record.total:
        stride = record.iterations[1] - record.iterations[0] if kept > 1 else 1
        text += (
            f" A long loop: one iteration in {stride} is kept ({kept:,} points), and the last one."
        )
    return text


def loop_section(result: RunResult) -> None:
    """The lab's "Training loop" section, when the latest run had a loop of values."""
    record = result.loops
    if record is None:
        return
    with st.container(key="lab_training_loop"):
        st.subheader("Training loop")
        st.caption(_summary(record))
        if record.failed:
            st.warning(
                f"The program stopped with an error during iteration {record.total + 1} "
                f"(counting from 1, as the chart does); the chart shows the ones before it."
            )
        if not ensure_plotly_js():
            st.error("The chart's script could not be prepared on this server.")
            return
        loop_chart(record, key="lab_loop_chart")
