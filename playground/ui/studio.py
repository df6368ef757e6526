"""Gradient-descent studio: the tutorial's training loop, animated in the browser."""

from __future__ import annotations

import hashlib

import numpy as np
import streamlit as st

from playground import datasets
from playground.datasets import Dataset, DatasetError
from playground.descent import TrainConfig, TrainRun, train
from playground.descent_graph import loss_graph
from playground.export import training_script
from playground.least_squares import Optimum
from playground.render_dot import render_dot
from playground.studio_data import model_inputs, payload, reference
from playground.tensor_info import format_number
from playground.ui.lesson import (
    BATCHES,
    DATASETS,
    LEARNING_RATES,
    STUDIO,
    classroom_style,
    hidden,
    publish,
    restore,
    share_box,
    show_warning,
)
from playground.ui.player import ensure_plotly_js, player
from playground.ui.style import apply_style

OPTIMIZER_NAMES = {
    "manual": "Tutorial: w -= lr * w.grad",
    "sgd": "torch.optim.SGD",
    "momentum": "SGD with momentum 0.9",
    "adam": "torch.optim.Adam",
}


def _next_data_seed() -> None:
    st.session_state["gd_data_seed"] = (st.session_state.get("gd_data_seed", 0) + 1) % 10_001


def _dataset_controls() -> Dataset | None:
    state = st.session_state
    if not hidden("data"):
        st.sidebar.radio("Dataset", DATASETS, key="gd_dataset")
    kind = state["gd_dataset"]
    if kind.startswith("Crops"):
        return datasets.crops()
    if kind.startswith("Line"):
        if not hidden("data"):
            with st.sidebar.expander("Line settings", expanded=True):
                st.slider("points", 2, 500, key="gd_points")
                st.slider("noise", 0.0, 5.0, step=0.1, key="gd_noise")
                st.number_input("true a", -10.0, 10.0, step=0.5, key="gd_a")
                st.number_input("true b", -10.0, 10.0, step=0.5, key="gd_b")
                st.number_input("data seed", 0, 10_000, key="gd_data_seed")
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
        side.select_slider(
            "Learning rate", LEARNING_RATES, key="gd_lr", format_func=lambda v: f"{v:g}"
        )
        side.number_input("Epochs", 1, 5000, step=10, key="gd_epochs")
        side.selectbox(
            "Optimizer", list(OPTIMIZER_NAMES), format_func=OPTIMIZER_NAMES.get, key="gd_opt"
        )
        side.selectbox("Batch size", BATCHES, key="gd_batch")
        side.toggle("Standardize features", key="gd_std")
        side.number_input("Random seed", 0, 1_000_000, key="gd_seed")
    if not hidden("mistakes"):
        with side.expander("Teaching mistakes"):
            st.checkbox("Forget grad.zero_()", key="gd_forget")
            st.checkbox("Update outside torch.no_grad()", key="gd_outside")
            st.checkbox("Learning rate too high", key="gd_high")
    lr, epochs, optimizer = state["gd_lr"], state["gd_epochs"], state["gd_opt"]
    batch, standardize, seed = state["gd_batch"], state["gd_std"], state["gd_seed"]
    forget, outside, too_high = state["gd_forget"], state["gd_outside"], state["gd_high"]
    config = TrainConfig(
        lr=float(lr), epochs=int(epochs), optimizer=optimizer,
        batch_size=None if batch == "full batch" else int(batch), standardize=standardize,
        seed=int(seed), forget_zero_grad=forget, update_outside_no_grad=outside,
    )  # fmt: skip
    return config, too_high


def _fingerprint(data: Dataset, config: TrainConfig) -> str:
    digest = hashlib.sha1(repr(config).encode())
    digest.update(data.x.numpy().tobytes())
    digest.update(data.y.numpy().tobytes())
    return digest.hexdigest()[:16]


def _train(data: Dataset, config: TrainConfig) -> tuple[TrainRun, Optimum, dict]:
    """The run, its least-squares reference and the player's payload for these settings.

    The session keeps (run, reference, run id) in `gd_run` and the payload in
    `gd_payload`: what its page is showing. Widget reruns (Step, speed) reuse them
    instead of unpickling a fresh copy from the shared cache every time.
    """
    run_id = _fingerprint(data, config)
    state = st.session_state
    if state.get("gd_run", (None,) * 3)[2] != run_id:
        run, best, state["gd_payload"] = _shared_run(run_id, data, config)
        state["gd_run"] = (run, best, run_id)
    run, best, _ = state["gd_run"]
    return run, best, state["gd_payload"]


@st.cache_data(max_entries=64, show_spinner="Training…")
def _shared_run(
    run_id: str, _data: Dataset, _config: TrainConfig
) -> tuple[TrainRun, Optimum, dict]:
    """Train once per distinct data and settings for the whole server.

    A run is a pure function of the data and the settings (its randomness comes from
    the config's seed), so one result serves every student who asks for it: a class
    opening the same lesson link trains once instead of thirty times. `st.cache_data`
    hands each session its own unpickled copy, so no student's objects are shared.
    Keyed by `run_id`, the fingerprint of data and settings (`_data`/`_config` are not
    hashed by Streamlit).
    """
    run, best = train(_data, _config), reference(_data, _config)
    info = payload(_data, _config, run, best)
    stopped = run.stopped_at is not None
    info.update(run_id=run_id, stop_message=_stop_message(run, _config, best) if stopped else "")
    return run, best, info


def _stop_message(run: TrainRun, config: TrainConfig, best: Optimum) -> str:
    if run.stop_reason == "diverged":
        return (
            f"Training stopped at epoch {run.stopped_at}: the loss became infinite or NaN. "
            f"The learning rate {config.lr:g} is too large for this data — plain gradient "
            f"descent is stable only below 2/λmax of the loss's Hessian = "
            f"{best.max_stable_lr:.3g}."
        )
    return (
        f"PyTorch stopped training at epoch {run.stopped_at}: {run.stop_reason} "
        "Updating w in place while autograd is recording would make the update part of "
        "the graph, so PyTorch refuses; the tutorial wraps it in `with torch.no_grad():`."
    )


def _detail(data: Dataset, config: TrainConfig, run: TrainRun, epoch: int) -> None:
    """Epoch `epoch` step by step, with the numbers PyTorch produced."""
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
        x = model_inputs(data, config)
        graph = loss_graph(x, data.y, run.w[epoch].tolist(), run.b[epoch].tolist())
        st.graphviz_chart(render_dot(graph), width="stretch")


def _lr_note(data: Dataset, config: TrainConfig, best: Optimum) -> None:
    text = (
        f"Largest stable learning rate for plain gradient descent here: {best.max_stable_lr:.3g}."
    )
    try:
        other = reference(data, TrainConfig(standardize=not config.standardize))
    except ValueError:  # a constant column cannot be standardized; nothing to compare
        other = None
    if other is not None:
        raw, std = (other, best) if config.standardize else (best, other)
        text += (
            f" Raw features allow only {raw.max_stable_lr:.2g}, standardized ones "
            f"{std.max_stable_lr:.2g} — that is why the tutorial needed lr = 1e-5 on raw "
            "crop data."
        )
    if not best.unique:
        text += " Some columns are constant or duplicates: the best fit is not unique."
    st.info(text, icon="📏")
    if config.lr < best.max_stable_lr / 1000:
        st.caption(
            f"lr = {config.lr:g} is over 1,000× below that limit: the loss will barely move. "
            f"Try about {best.max_stable_lr / 4:.2g}."
        )


def page() -> None:
    """Sidebar settings, the player, then the epoch in detail and the script."""
    apply_style()
    restore(STUDIO)
    classroom_style()
    st.title("Gradient descent")
    show_warning()
    st.caption("The tutorial's training loop on real PyTorch, replayed epoch by epoch.")
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
        if too_high:
            limit = reference(data, config).max_stable_lr
            config = TrainConfig(**{**config.__dict__, "lr": limit * 1.6})
            st.warning(f"Learning rate set to {config.lr:.3g}: 1.6 × the stable limit.")
        run, best, info = _train(data, config)
    except ValueError as exc:
        st.error(f"{exc} Turn off 'Standardize features' or choose other columns.")
        return
    if config.update_outside_no_grad and config.optimizer != "manual":
        st.caption(
            "'Update outside torch.no_grad()' is a mistake of the tutorial's manual update; "
            "optimizers already step under no_grad. Choose the tutorial's update to see it."
        )
    epoch = player(info, key="gd_player")
    if info["stop_message"]:
        st.error(info["stop_message"])
    _lr_note(data, config, best)
    if epoch:
        _detail(data, config, run, epoch - 1)
    else:
        st.caption("Press Step to walk one epoch: its gradients and update appear here in numbers.")
    if config.forget_zero_grad and info["one_d"]:
        st.line_chart(run.grad_norm, x_label="epoch", y_label="gradient norm")
    if config.forget_zero_grad:
        st.caption(
            "Without zero_(), each backward() adds to the old gradients: watch the gradient "
            "norm keep growing in the player."
        )
    if not hidden("script"):
        script = training_script(data, config)
        st.download_button(
            "Download PyTorch script", script, file_name="train.py", key="gd_dl", on_click="ignore"
        )
        with st.expander("The exact PyTorch script for these settings"):
            st.code(script, language="python")
    share_box("studio", publish(STUDIO))


page()
