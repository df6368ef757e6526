"""Hostile students for the load test: they submit what once took a server down.

Each attacker opens the lab and, round after round, replaces its code with one of
the programs below: a crash in PyTorch's C code, programs that held the interpreter
lock for tens of seconds, and memory bombs (the red team's reproducers, kept here as
text). What matters is what everybody else sees meanwhile; the attackers' own runs
are recorded apart (their error boxes are the expected outcome, not a failure).
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks.st_protocol import ProtocolError, StreamlitSession, code_run_state

_VIEWS = "".join(f"v{i} = y[{i}]\n" for i in range(20))
_UPDATES = "".join(f"    v{i} += 1\n" for i in range(20))
HOSTILE = {
    "segfault: 20 views updated in place 2,000 times": (
        f"x = torch.ones(20, requires_grad=True)\ny = x * 1\n{_VIEWS}"
        f"for i in range(2000):\n{_UPDATES}print('done')\n"
    ),
    "lock: == of two closures over shared nested lists": (
        "a = [0]\nb = [0]\nfor i in range(60):\n    a = [a, a]\n    b = [b, b]\n"
        "for d in [a, b]:\n    def f(p=d):\n        return p\n    if d is a:\n        g = f\n"
        "c = g == f\n"
    ),
    "lock: x.sum(a) on a shared nested list": (
        "x = torch.ones(3)\na = [0]\nfor i in range(60):\n    a = [a, a]\ny = x.sum(a)\n"
    ),
    "lock: ndarray == shared nested list": (
        "a = [0.0]\nfor i in range(24):\n    a = [a, a]\narr = np.array([1.0])\n"
        "c = arr == a\nprint(c)\n"
    ),
    "memory: np.array of 300 ranges of 1e6": "a = np.array([range(1000000)] * 300)\n",
    "memory: bound methods compared across broadcast shapes": (
        "x = torch.ones(1000000, 1)\ny = torch.ones(1, 2000)\nc = x.sum == y.sum\n"
    ),
    "memory: printing a (2,)*19 tensor": (
        "x = torch.rand(" + ",".join(["2"] * 19) + ")\nprint(x)\n"
    ),
}


@dataclass
class AttackRecord:
    """How long each hostile submission took to answer, and how it ended."""

    latencies: list[float] = field(default_factory=list)
    outcomes: dict[str, list[str]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)  # the attacker's connection broke


async def attacker(port: int, seed: int, until: float, record: AttackRecord) -> None:
    """Submit hostile programs one after another until `until`."""
    rng = random.Random(seed)
    session = StreamlitSession(port)
    try:
        await session.connect()
        await session.rerun()
        names = list(HOSTILE)
        while time.monotonic() < until:
            name = rng.choice(names)
            edit = [code_run_state(session, HOSTILE[name])]
            outcome = await session.rerun(edit)
            record.latencies.append(outcome.latency_s)
            said = outcome.errors[0][:70] if outcome.errors else f"no error box ({outcome.status})"
            record.outcomes.setdefault(name, []).append(said)
            await asyncio.sleep(rng.uniform(0.5, 1.5))
    except (ProtocolError, OSError) as exc:
        record.failures.append(f"attacker {seed}: {type(exc).__name__}: {exc}")
    finally:
        await session.close()


# A legal program that runs for about a second: each burst edit cancels the last one.
_SLOW = "x = torch.randn(200, 200)\ns = 0.0\nfor i in range({n}):\n    s += (x @ x).sum().item()\n"
BURST_EDITS, BURST_GAP_S = 40, 0.3  # the red team's rapid Ctrl+Enter: 40 edits, 0.3 s apart


async def canceller(port: int, seed: int, until: float, record: AttackRecord) -> None:
    """Bursts of edits faster than the runs finish, so each cancels (kills) the last.

    Each edit replaces the code while the previous run is still in a worker: Streamlit
    stops the old script run and our lane kills its worker, which is then replaced.
    Recorded: from the burst's last edit to its run finishing. Messages are read all
    along (an unread socket stops answering the server's keep-alive pings).
    """
    rng = random.Random(seed)
    session = StreamlitSession(port)
    finished: list[tuple[float, int]] = []
    reader = None
    try:
        await session.connect()
        await session.rerun()
        reader = asyncio.create_task(_read_all(session, finished))
        burst = 0
        while time.monotonic() < until:
            burst += 1
            for edit in range(BURST_EDITS):
                program = _SLOW.format(n=300 + edit + 100 * (burst % 3))
                await session.send_rerun([code_run_state(session, program)])
                last = time.perf_counter()
                await asyncio.sleep(BURST_GAP_S)
            done = await _finished_after(finished, last, session.timeout_s)
            record.latencies.append(done - last)
            record.outcomes.setdefault("cancel: 40 edits 0.3 s apart", []).append("finished")
            await asyncio.sleep(rng.uniform(1.0, 2.0))
    except (ProtocolError, OSError, TimeoutError) as exc:
        record.failures.append(f"canceller {seed}: {type(exc).__name__}: {exc}")
    finally:
        if reader is not None:
            reader.cancel()
        await session.close()


async def _read_all(session: StreamlitSession, finished: list[tuple[float, int]]) -> None:
    """Note when each script run ends, and how."""
    while True:
        msg = await session.next_message()
        if msg.WhichOneof("type") == "script_finished":
            finished.append((time.perf_counter(), msg.script_finished))


async def _finished_after(finished: list[tuple[float, int]], since: float, limit: float) -> float:
    """When a run requested at `since` or later finished (not stopped for a rerun)."""
    deadline = since + limit
    while time.perf_counter() < deadline:
        for at, status in finished:
            if at > since and status == ForwardMsg.FINISHED_SUCCESSFULLY:
                return at
        await asyncio.sleep(0.05)
    raise TimeoutError(f"the burst's last run did not finish within {limit:.0f} s")
