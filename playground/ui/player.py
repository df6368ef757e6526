"""The gradient-descent player: a custom component that animates in the browser.

Why a component and not server reruns: a fragment rerunning per frame managed
~15 updates/s for one user and costs the server per frame per student; frames
drawn in the browser run at display rate and cost the server nothing while
playing (see docs/animation.md). plotly.js is served by this app itself.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import plotly
import streamlit as st

from playground.training.player_data import PlayerData
from playground.ui.memo import per_result

STATIC = Path(__file__).resolve().parents[2] / "static"
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"

# Epochs per second the player offers. Above the display's frame rate a frame shows
# several epochs at once (frames drop, epochs do not): at 600 a 5,000-epoch run plays in
# about 8 s. The slow ones are for watching the six steps' numbers change.
SPEEDS = (2, 5, 10, 20, 60, 120, 300, 600)
DEFAULT_SPEED = 20

HTML = """
<div class="agp">
  <div class="agp-bar">
    <button type="button" class="agp-play"><span aria-hidden="true">▶</span> Play</button>
    <button type="button" class="agp-step" title="Step one epoch">
      Step <span aria-hidden="true">›</span></button>
    <button type="button" class="agp-reset"><span aria-hidden="true">⟲</span> Reset</button>
    <label>Speed <select class="agp-speed" aria-label="Speed">{speeds}</select> epochs/s</label>
    <label><input type="checkbox" class="agp-log"> log scale</label>
    <span class="agp-epoch">Epoch 0</span>
    <span class="agp-lossval"></span>
    <span class="agp-status" role="status"></span>
  </div>
  <ol class="agp-steps" aria-label="The six steps of an epoch">
    <li>1 Setup model</li><li>2 Predict</li><li>3 Loss</li><li>4 Gradients</li>
    <li>5 Adjust w, b</li><li>6 Reset gradients</li>
  </ol>
  <div class="agp-msg" role="alert" style="display:none"></div>
  <div class="agp-grid">
    <div class="agp-loss" role="img" aria-label="Chart: loss per epoch"></div>
    <div class="agp-fit" role="img" aria-label="Chart: the model's fit"></div>
    <div class="agp-params"></div>
    <div class="agp-land" role="img" aria-label="Chart: loss landscape or gradient norm"></div>
  </div>
</div>
""".format(
    speeds="".join(
        f'<option value="{v}"{" selected" if v == DEFAULT_SPEED else ""}>{v}</option>'
        for v in SPEEDS
    )
)


def ensure_plotly_js() -> bool:
    """Copy plotly.js into ./static once, so the browser loads it from this server."""
    target = STATIC / "plotly.min.js"
    if target.exists() and target.stat().st_size == PLOTLY_JS.stat().st_size:
        return True
    try:
        STATIC.mkdir(exist_ok=True)
        shutil.copyfile(PLOTLY_JS, target)
    except OSError:
        return False
    return True


def plotly_js_with(script: Path) -> str:
    """A component's script after the shared plotly.js loader (plotly_loader.js)."""
    loader = Path(__file__).with_name("plotly_loader.js").read_text(encoding="utf-8")
    return loader + "\n" + script.read_text(encoding="utf-8")


@st.cache_resource
def _component():  # registered once per server process; holds no per-student data
    here = Path(__file__).parent
    return st.components.v2.component(
        "gradient_descent_player",
        html=HTML,
        css=(here / "player.css").read_text(encoding="utf-8"),
        js=plotly_js_with(here / "player.js"),
        isolate_styles=False,
    )


def player(data: PlayerData, key: str) -> int | None:
    """Mount the player; returns the epoch it last reported (pause, step, reset).

    The run goes as JSON text made once per run (`per_result`): as a dict, Streamlit
    serialised it twice on every rerun (13% of the server's time under 60 students)."""
    text = per_result(f"{key}_json", data, lambda: json.dumps(data.to_json()))
    payload = {"run_id": data.run_id, "json": text}
    result = _component()(data=payload, key=key, on_epoch_change=lambda: None)
    epoch = getattr(result, "epoch", None) if result is not None else None
    return int(epoch) if isinstance(epoch, int | float) else None
