"""Guided tour: the tutorial in order, each idea beside a live widget."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from playground.presets import TUTORIAL_FIRST, TUTORIAL_TRAINING
from playground.training import datasets
from playground.training.descent import TrainConfig
from playground.training.replay import replay
from playground.ui.frame import page_frame
from playground.ui.lesson import TOUR
from playground.ui.player import ensure_plotly_js, player
from playground.ui.widgets import program

STEP = "tour_step"


@dataclass(frozen=True)
class Stop:
    """One stop of the tour: a title, our explanation, and the live widget."""

    title: str
    text: str
    widget: Callable[[], None]


def _tensors() -> None:
    program("t = torch.tensor([[1, 2], [3, 4.]])\nprint(t.dtype, t.shape)\n"
            "# now try a ragged list: torch.tensor([[1, 2], [3]])\n",
            "tour_tensors", gradients=False)  # fmt: skip
    st.button("Try a ragged list", key="tour_ragged", on_click=_ragged)


def _ragged() -> None:
    st.session_state["tour_tensors"] = "t = torch.tensor([[1, 2], [3]])\n"


def _autograd() -> None:
    program(TUTORIAL_FIRST, "tour_autograd", height=230)


def _shared() -> None:
    program("a = torch.tensor(3., requires_grad=True)\ny = a * a + a\ny.backward()\n"
            "print(a.grad)  # 2a + 1\n", "tour_shared")  # fmt: skip


def _no_grad() -> None:
    program(
        "w = torch.tensor(4., requires_grad=True)\n"
        "with torch.no_grad():\n    z = w * 2\nprint(z.requires_grad)\n"
        "# without no_grad, updating a leaf in place is refused:\n"
        "w -= 0.1\n",
        "tour_nograd",
        gradients=False,
    )


def _regression() -> None:
    program(
        "w = torch.randn(2, 3, requires_grad=True)\nb = torch.randn(2, requires_grad=True)\n"
        "preds = inputs @ w.t() + b\nprint(preds)\n",
        "tour_model",
        gradients=False,
    )


def _loss() -> None:
    program(
        "w = torch.randn(2, 3, requires_grad=True)\nb = torch.randn(2, requires_grad=True)\n"
        "preds = inputs @ w.t() + b\ndiff = preds - targets\n"
        "loss = torch.sum(diff * diff) / diff.numel()\nloss.backward()\nprint(loss)\n",
        "tour_loss",
        height=200,
    )


def _training() -> None:
    if not ensure_plotly_js():
        st.error("The charts' script could not be prepared on this server.")
        return
    player(replay(datasets.crops(), TrainConfig()).player, key="tour_player")
    with st.expander("The tutorial's loop that produced this"):
        st.code(TUTORIAL_TRAINING, language="python")


STOPS = (
    Stop("Tensors", "A tensor holds numbers of **one type** in a **regular shape**: every row "
         "the same length. That is what lets PyTorch store it as one block and compute on it "
         "fast. Run the code, then try a ragged list and read the error.", _tensors),
    Stop("Autograd and requires_grad", "Mark the numbers you want derivatives for with "
         "`requires_grad=True`. PyTorch records every operation on them as a graph; "
         "`y.backward()` walks it backwards and fills `.grad`. `x` was not marked, so "
         "`x.grad` stays **None** — no derivative was asked for.", _autograd),
    Stop("Paths add up", "When a value is used twice, its gradient is the **sum** over both "
         "paths: for y = a·a + a, dy/da = 2a + 1 = 7.", _shared),
    Stop("torch.no_grad()", "Recording costs time and memory, and some operations must not be "
         "recorded at all — like updating the weights. Inside `with torch.no_grad():` nothing "
         "is recorded. The last line updates `w` outside it: PyTorch refuses.", _no_grad),
    Stop("Linear regression", "Predict each target as a weighted sum of the inputs plus a bias: "
         "`preds = inputs @ w.t() + b`, with `w` one row per target. The crop data "
         "(temperature, rainfall, humidity → apples, oranges) is ready as `inputs`, `targets`.",
         _regression),
    Stop("Loss", "The mean squared error says how wrong the predictions are; squaring makes "
         "every error count positively and big errors count more. Its gradient tells each "
         "weight which way to move.", _loss),
    Stop("Training: the six steps", "Set up the model, predict, compute the loss, compute "
         "gradients, adjust the weights a little against them, reset the gradients — and "
         "repeat. Press Step to see each step light up, or Play to watch 100 epochs.",
         _training),
)  # fmt: skip


def _go(delta: int) -> None:
    st.session_state[STEP] = min(max(st.session_state.get(STEP, 0) + delta, 0), len(STOPS) - 1)


def _body() -> None:
    """One stop at a time, with Back / Next."""
    index = min(st.session_state.setdefault(STEP, 0), len(STOPS) - 1)
    stop = STOPS[index]
    st.progress((index + 1) / len(STOPS), text=f"Stop {index + 1} of {len(STOPS)}: {stop.title}")
    st.subheader(stop.title)
    st.markdown(stop.text)
    stop.widget()
    back, _, nxt = st.columns([1, 4, 1])
    back.button("Back", key="tour_back", icon=":material/chevron_left:", on_click=_go,
                args=(-1,), disabled=index == 0, width="stretch")  # fmt: skip
    nxt.button("Next", key="tour_next", icon=":material/chevron_right:", icon_position="right",
               on_click=_go, args=(1,), disabled=index == len(STOPS) - 1,
               width="stretch")  # fmt: skip


with page_frame("Tour of the tutorial", TOUR, "tour"):
    _body()
