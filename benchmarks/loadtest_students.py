"""What a simulated student does, at the protocol level, and what it records.

A student opens the lab, then until the deadline repeats, with 1-3 s of thinking
(seeded) before each step: edit the code (a preset-like program with new numbers),
change a leaf's value in its number box, switch to the gradient-descent studio, change
the learning rate there, and go back to the lab.

Why the learning rate stands for "pressing Play": the studio trains on the server when
a setting changes (`studio._train`, once per distinct setting) and ships the whole run
to the browser; Play only replays it in the browser (`player.js`) and sends nothing.
So the server work behind a Play is the settings change that retrains.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field

from benchmarks.st_protocol import (
    ProtocolError,
    RunOutcome,
    StreamlitSession,
    code_run_state,
    number_state,
    select_slider_state,
)

DESCENT = "gradient-descent"
Think = tuple[float, float]
THINK: Think = (1.0, 3.0)  # seconds a student thinks between steps (uniform, seeded)
LEARNING_RATES = ("1e-06", "2e-06", "5e-06", "1e-05", "2e-05", "5e-05")  # all below 2/λmax
PROGRAMS = (
    "x = torch.tensor({x})\nw = torch.tensor({w}, requires_grad=True)\n"
    "b = torch.tensor({b}, requires_grad=True)\ny = w * x + b\ny.backward()\n"
    "print('dy/dw:', w.grad)\nprint('dy/db:', b.grad)\n",
    "x1 = torch.tensor({x})\nw = torch.tensor({w}, requires_grad=True)\n"
    "b = torch.tensor({b}, requires_grad=True)\no = torch.tanh(x1 * w + b)\no.backward()\n"
    "print('do/dw:', w.grad)\n",
    "torch.manual_seed({seed})\nw = torch.randn(2, 3, requires_grad=True)\n"
    "b = torch.randn(2, requires_grad=True)\npreds = inputs @ w.t() + b\n"
    "diff = preds - targets\nloss = torch.sum(diff * diff) / diff.numel()\nloss.backward()\n"
    "print('loss:', loss)\n",
)


@dataclass
class Record:
    """Every interaction's latency by kind, and every error seen."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    sessions: int = 0

    def add(self, kind: str, outcome: RunOutcome) -> None:
        self.latencies.setdefault(kind, []).append(outcome.latency_s)
        self.errors.extend(f"{kind}: {e}" for e in outcome.errors)
        if outcome.status != "ok":
            self.errors.append(f"{kind}: run ended '{outcome.status}'")

    def all_latencies(self) -> list[float]:
        return [v for values in self.latencies.values() for v in values]


def program(rng: random.Random) -> str:
    """A preset-like program with fresh numbers (the first two have a scalar leaf `w`)."""
    template = rng.choice(PROGRAMS)
    return template.format(
        x=rng.randint(1, 9), w=round(rng.uniform(-3, 3), 2), b=round(rng.uniform(-3, 3), 2),
        seed=rng.randint(0, 999),
    )  # fmt: skip


async def timed(record: Record, kind: str, step) -> RunOutcome:
    """Await one interaction and record it."""
    outcome = await step
    record.add(kind, outcome)
    return outcome


async def lab_round(
    session: StreamlitSession, rng: random.Random, record: Record, think: Think
) -> None:
    """Edit the code, then change a leaf's number box (when the program has `w`)."""
    code = program(rng)
    edit = [code_run_state(session, code)]
    await timed(record, "edit code", session.rerun(edit))
    await asyncio.sleep(rng.uniform(*think))
    if "w" in session.widgets:
        value = round(rng.uniform(-5, 5), 1)
        await timed(
            record, "change leaf", session.rerun([number_state(session.widgets["w"], value)])
        )
        await asyncio.sleep(rng.uniform(*think))


async def studio_round(
    session: StreamlitSession, rng: random.Random, record: Record, think: Think
) -> None:
    """Open the studio, change the learning rate (the server retrains), go back."""
    await timed(record, "open studio", session.rerun(page=DESCENT))
    await asyncio.sleep(rng.uniform(*think))
    slider = session.widget_id("Learning rate")
    current = session.states[slider].string_array_value.data[:]
    lr = rng.choice([v for v in LEARNING_RATES if [v] != current])
    await timed(record, "retrain (Play)", session.rerun([select_slider_state(slider, lr)]))
    await asyncio.sleep(rng.uniform(*think))
    await timed(record, "back to lab", session.rerun(page=""))


async def student(
    port: int,
    seed: int,
    until: float,
    record: Record,
    ramp_s: float,
    rounds: int = 10**6,
    think: Think = THINK,
) -> StreamlitSession | None:
    """One student's session; returns it still open (idle) when the time or rounds are up."""
    rng = random.Random(seed)
    await asyncio.sleep(rng.uniform(0, ramp_s))
    session = StreamlitSession(port)
    try:
        await session.connect()
        record.sessions += 1
        await timed(record, "open lab", session.rerun())
        for _ in range(rounds):
            if time.monotonic() >= until:
                break
            await asyncio.sleep(rng.uniform(*think))
            await lab_round(session, rng, record, think)
            if time.monotonic() >= until:
                break
            await studio_round(session, rng, record, think)
    except (ProtocolError, OSError) as exc:
        record.errors.append(f"student {seed}: {type(exc).__name__}: {exc}")
        await session.close()
        return None
    return session


async def leave_mid_training(port: int, record: Record) -> None:
    """Open the studio, ask for a long retrain (1,000 epochs, ~2 s), close the tab while it runs."""
    session = StreamlitSession(port)
    try:
        await session.connect()
        await session.rerun(page=DESCENT)
        epochs = number_state(session.widget_id("Epochs"), 1000.0)
        await session.send_rerun([epochs])
        await asyncio.sleep(0.3)
    except (ProtocolError, OSError) as exc:
        record.errors.append(f"mid-training leaver: {type(exc).__name__}: {exc}")
    finally:
        await session.close()
