"""Gradient descent: the tutorial's training loop, replayed epoch by epoch in the browser."""

from __future__ import annotations

import numpy as np
import streamlit as st

from playground.graph.render_dot import render_dot
from playground.graph.tensor_info import format_number
from playground.training import datasets
from playground.training.datasets import Dataset, DatasetError
from playground.training.descent import TrainConfig
from playground.training.replay import Replay, fingerprint, replay
from playground.ui import controls
from playground.ui.frame import page_frame
from playground.ui.graph_view import graph_view
from playground.ui.lesson import DESCENT, field, hidden
from playground.ui.player import ensure_plotly_js, player

OPTIMIZER_NAMES = {
    "manual": "Tutorial: w -= lr * w.grad",
    "sgd": "torch.optim.SGD",
    "momentum": "SGD with momentum 0.9",
    "adam": "torch.optim.Adam",
}


def _next_data_seed() -> None:
    top = int(field("gd_data_seed").high)
    st.session_state["gd_data_seed"] = (st.session_state.get("gd_data_seed", 0) + 1) % (top + 1)


def _dataset_controls() -> Dataset | None:
    state = st.session_state
    if not hidden("data"):
        controls.radio("Dataset", "gd_dataset", where=st.sidebar)
    kind = state["gd_dataset"]
    if kind.startswith("Crops"):
        return datasets.crops()
    if kind.startswith("Line"):
        if not hidden("data"):
            with st.sidebar.expander("Line settings", expanded=True):
                controls.slider("points", "gd_points")
                controls.slider("noise", "gd_noise", step=0.1)
                controls.number("true a", "gd_a", step=0.5)
                controls.number("true b", "gd_b", step=0.5)
                controls.number("data seed", "gd_data_seed")
                st.button("New data", key="gd_regen", on_click=_next_data_seed)
        return datasets.line(
            state["gd_points"], state["gd_noise"], state["gd_a"], state["gd_b"],
            int(state["gd_data_seed"]),
        )  # fmt: skip
    return _csv_controls()


def _csv_controls() -> Dataset | None:
    upload = st.sidebar.file_uploader("CSV with a header row", type=["csv"], key="gd_csv")
    if upload is None:
        st.sidebar.caption("Up to 5 MB / 100,000 rows of numbers.")
        return None
    data = upload.getvalue()
    try:
        header, _ = datasets.read_csv(data)
    except DatasetError as exc:
        st.sidebar.error(str(exc))
        return None
    x_cols = st.sidebar.multiselect("Input columns", header, default=header[:-1], key="gd_x")
    y_cols = st.sidebar.multiselect("Target columns", header, default=header[-1:], key="gd_y")
    try:
        return datasets.from_csv(data, x_cols, y_cols)
    except DatasetError as exc:
        st.sidebar.error(str(exc))
        return None


def _training_controls() -> tuple[TrainConfig, bool]:
    side, state = st.sidebar, st.session_state
    if not hidden("settings"):
        controls.select_slider("Learning rate", "gd_lr", lambda v: f"{v:g}", where=side)
        controls.number("Epochs", "gd_epochs", step=10, where=side)
        controls.selectbox("Optimizer", "gd_opt", OPTIMIZER_NAMES.get, where=side)
        controls.selectbox("Batch size", "gd_batch", where=side)
        controls.toggle("Standardize features", "gd_std", where=side)
        controls.number("Random seed", "gd_seed", where=side)
    if not hidden("mistakes"):
        with side.expander("Teaching mistakes"):
            controls.checkbox("Forget grad.zero_()", "gd_forget")
            controls.checkbox("Update outside torch.no_grad()", "gd_outside")
            controls.checkbox("Learning rate too high", "gd_high")
    lr, epochs, optimizer = state["gd_lr"], state["gd_epochs"], state["gd_opt"]
    batch, standardize, seed = state["gd_batch"], state["gd_std"], state["gd_seed"]
    forget, outside, too_high = state["gd_forget"], state["gd_outside"], state["gd_high"]
    config = TrainConfig(
        lr=float(lr), epochs=int(epochs), optimizer=optimizer,
        batch_size=None if batch == "full batch" else int(batch), standardize=standardize,
        seed=int(seed), forget_zero_grad=forget, update_outside_no_grad=outside,
    )  # fmt: skip
    return config, too_high


def _replay(data: Dataset, config: TrainConfig, too_high: bool) -> Replay:
    """The replay these settings show, once per distinct data and settings.

    The session keeps the replay its page is showing in `gd_replay`: widget reruns
    (Step, speed) reuse it instead of unpickling a fresh copy from the shared cache.
    """
    run_id = fingerprint(data, config, too_high)
    shown = st.session_state.get("gd_replay")
    if shown is None or shown.player.run_id != run_id:
        shown = st.session_state["gd_replay"] = _shared_replay(run_id, data, config, too_high)
    return shown


@st.cache_data(max_entries=64, show_spinner="Training…")
def _shared_replay(run_id: str, _data: Dataset, _config: TrainConfig, _too_high: bool) -> Replay:
    """Train once per distinct data and settings for the whole server.

    A run is a pure function of the data and the settings (its randomness comes from
    the config's seed), so one result serves every student who asks for it: a class
    opening the same lesson link trains once instead of thirty times. `st.cache_data`
    hands each session its own unpickled copy, so no student's objects are shared.
    Keyed by `run_id`, the fingerprint of data and settings (the other arguments are
    not hashed by Streamlit).
    """
    return replay(_data, _config, _too_high)


def _detail(shown: Replay, epoch: int) -> None:
    """Epoch `epoch` step by step, with the numbers PyTorch produced."""
    run, config = shown.run, shown.config
    if epoch >= len(run.grad_w):
        return
    st.subheader(f"Epoch {epoch} in numbers (epoch {epoch} → {epoch + 1})")
    loss = run.losses[epoch]
    st.markdown(
        f"**2 Predict** `preds = inputs @ w.t() + b` · **3 Loss** `loss = {format_number(loss)}` · "
        "**4 Gradients** `loss.backward()` fills `w.grad`, `b.grad` · "
        f"**5 Adjust** `w -= lr * w.grad` with lr = {config.lr:g} · **6 Reset** `w.grad.zero_()`"
    )
    cols = st.columns(4)
    blocks = (
        ("w before", run.w[epoch]), ("w.grad", run.grad_w[epoch]),
        ("lr · w.grad", config.lr * run.grad_w[epoch]), ("w after", run.w[epoch + 1]),
    )  # fmt: skip
    for col, (title, value) in zip(cols, blocks, strict=True):
        col.markdown(f"**{title}**")
        col.dataframe(np.asarray(value), hide_index=True)
    st.markdown(
        f"`b`: {np.round(run.b[epoch], 4).tolist()} − lr · `b.grad` "
        f"{np.round(run.grad_b[epoch], 4).tolist()} → {np.round(run.b[epoch + 1], 4).tolist()}"
    )
    if config.optimizer != "manual":
        st.caption("With an optimizer, `optimizer.step()` makes this update (its own rule).")
    with st.expander(f"Autograd graph of epoch {epoch}'s loss, with its gradients"):
        graph_view(render_dot(shown.epoch_graph(epoch)), key="gd_epoch_graph")


def _body() -> None:
    """Sidebar settings, the player, then the epoch in detail and the script."""
    if not ensure_plotly_js():
        st.error("The charts' script could not be prepared on this server.")
        return
    data = _dataset_controls()
    config, too_high = _training_controls()
    if data is None:
        data = st.session_state.get("gd_last_data")
        if data is None:
            st.info("Upload a CSV file and choose its columns in the sidebar.")
            return
        st.warning("Showing the last data set that loaded; fix the file or columns to switch.")
    st.session_state["gd_last_data"] = data
    try:
        shown = _replay(data, config, too_high)
    except ValueError as exc:
        st.error(f"{exc} Turn off 'Standardize features' or choose other columns.")
        return
    config, run = shown.config, shown.run
    if shown.lr_raised:
        st.warning(f"Learning rate set to {config.lr:.3g}: 1.6 × the stable limit.")
    if config.update_outside_no_grad and config.optimizer != "manual":
        st.caption(
            "'Update outside torch.no_grad()' is a mistake of the tutorial's manual update; "
            "optimizers already step under no_grad. Choose the tutorial's update to see it."
        )
    epoch = player(shown.player, key="gd_player")
    if shown.stop_message:
        st.error(shown.stop_message)
    st.info(shown.stable_lr_note, icon="📏")
    if shown.slow_lr_hint:
        st.caption(shown.slow_lr_hint)
    if epoch:
        _detail(shown, epoch - 1)
    else:
        st.caption("Press Step to walk one epoch: its gradients and update appear here in numbers.")
    if config.forget_zero_grad and shown.player.one_d:
        st.line_chart(run.grad_norm, x_label="epoch", y_label="gradient norm")
    if config.forget_zero_grad:
        st.caption(
            "Without zero_(), each backward() adds to the old gradients: watch the gradient "
            "norm keep growing in the player."
        )
    if not hidden("script"):
        script = shown.script
        st.download_button(
            "Download PyTorch script",
            lambda: script,
            file_name="train.py",
            key="gd_dl",
            on_click="ignore",
        )
        with st.expander("The exact PyTorch script for these settings"):
            st.code(script, language="python")


with page_frame(
    "Gradient descent",
    DESCENT,
    "descent",
    "The tutorial's training loop on real PyTorch, replayed epoch by epoch.",
):
    _body()
