"""Classroom load test: N simulated students on a real `streamlit run app.py`, protocol level.

Starts the app on a free 127.0.0.1 port (or --port) and drives N students concurrently
through Streamlit's own WebSocket protocol (`st_protocol.py`; what each student does is
in `loadtest_students.py`). Latency = from sending the rerun request to the server's
`script_finished` for it. An error is an exception element, an `st.error` box, a run
that did not finish ok, a closed socket or a 30 s timeout.

Phases, and the memory (VmRSS) read at each:
1. warm-up: one student does every interaction once and leaves (imports torch, compiles
   the pages) -> "start";
2. N students for --duration seconds -> "peak" (sampled every 0.2 s), CPU time;
3. the students stay connected, idle -> RSS per idle session = (idle - start) / N;
4. --leavers students open the studio, ask for a 1,000-epoch retrain and close the tab
   while it trains;
5. everybody leaves; Streamlit keeps a closed tab's session for
   `server.disconnectedSessionTTL` (--ttl, passed to the server; its default is 120 s)
   and drops expired ones only when the next session is stored, so after the TTL one
   visitor opens the lab and leaves, as the next student would -> "end".
Target: end within 10% of start (no leak), idle session <= 10 MB, p95 <= 500 ms, 0 errors.

Hard stop: a watchdog ends the script (and kills the server's process group) at a
global deadline; it only ever connects to 127.0.0.1.

    python -m benchmarks.loadtest --students 30 --duration 60 [--ttl 10] [--browsers 3]
        [--server-arg=--runner.postScriptGC=false ...] [--server-env NAME=VALUE ...]
    python -m benchmarks.loadtest --quick     # 2 students, 5 s (CI)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import threading
import time
from pathlib import Path

import numpy as np

from benchmarks.loadtest_attackers import AttackRecord, attacker, canceller
from benchmarks.loadtest_server import ROOT, Server, cpu_pressure_us, load_average
from benchmarks.loadtest_students import THINK, Record, leave_mid_training, student
from benchmarks.local_server import free_port

SETTLE_S = 3.0  # let reruns and frees finish before reading RSS
WATCHDOG_SLACK_S = 240.0  # server start, warm-up, leavers, settling


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of activity")
    parser.add_argument("--port", default="auto", help="'auto' = a free port")
    parser.add_argument(
        "--ttl",
        type=int,
        default=10,
        help="server.disconnectedSessionTTL for this run, s (Streamlit: 120)",
    )
    parser.add_argument("--leavers", type=int, default=5, help="tabs closed mid-training")
    parser.add_argument(
        "--attackers",
        type=int,
        default=0,
        help="hostile students submitting crashes, lock-holders and memory bombs alongside",
    )
    parser.add_argument(
        "--cancellers",
        type=int,
        default=0,
        help="students sending bursts of 40 edits 0.3 s apart (each cancels a run)",
    )
    parser.add_argument(
        "--browsers",
        type=int,
        default=0,
        help="real Chromium pages editing code alongside (cross-check)",
    )
    parser.add_argument(
        "--server-arg",
        action="append",
        default=[],
        dest="server_args",
        help="passed to `streamlit run`, e.g. --server-arg=--runner.fastReruns=false",
    )
    parser.add_argument(
        "--server-env",
        action="append",
        default=[],
        dest="server_env",
        help="NAME=VALUE in the server's environment",
    )
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=THINK,
        metavar=("MIN", "MAX"),
        help="seconds between a student's steps (uniform)",
    )
    parser.add_argument(
        "--app-dir",
        type=Path,
        default=ROOT,
        help="run the app from another checkout (e.g. `git archive` of the "
        "commit before a change) to compare before/after",
    )
    parser.add_argument(
        "--waves",
        type=int,
        default=1,
        help="classes one after another (a leak grows from wave to wave)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="2 students, 5 s, 1 leaver (CI)")
    args = parser.parse_args(argv)  # fmt: skip
    if args.quick:
        args.students, args.duration, args.leavers, args.ttl = 2, 5.0, 1, 2
        args.think = (0.2, 0.5)
    return args


def server_args(args: argparse.Namespace) -> list[str]:
    """The extra `streamlit run` flags: the TTL, then the user's pass-through flags."""
    extra = [f"--server.disconnectedSessionTTL={args.ttl}"]
    for flag in args.server_args:
        extra.extend(flag.split("=", 1) if "=" in flag else [flag])
    return extra


def start_watchdog(server: Server, limit_s: float) -> None:
    """Kill the server and end the process if the run overstays its global deadline."""

    def fire() -> None:
        print(f"load test: global deadline of {limit_s:.0f} s reached, stopping", flush=True)
        server.stop()
        os._exit(3)

    timer = threading.Timer(limit_s, fire)
    timer.daemon = True
    timer.start()


async def drive(args: argparse.Namespace, server: Server) -> dict:
    """All phases; returns the numbers for the report."""
    port, out = server.port, {"rss_cold": server.rss(), "record": Record(), "rss_ends": []}
    browsers = start_browsers(args, port)
    warm = await one_visit(port, -1, args)
    out["warm_errors"] = warm.errors
    out["rss_start"] = server.rss()
    out["visitor_errors"] = []
    for wave in range(args.waves):
        await class_wave(args, server, out, browsers if wave == 0 else None, wave)
    return out


async def one_visit(port: int, seed: int, args: argparse.Namespace) -> Record:
    """One student does every interaction once and leaves."""
    visit = Record()
    session = await student(
        port, seed, time.monotonic() + 60, visit, ramp_s=0, rounds=1, think=args.think
    )
    if session is not None:
        await session.close()
    await asyncio.sleep(SETTLE_S)
    return visit


async def class_wave(args: argparse.Namespace, server: Server, out: dict, browsers, wave: int):
    """A class arrives, works, idles, leaves (some mid-training); then the TTL passes."""
    port, record = server.port, out["record"]
    cpu0, t0, until = server.cpu(), time.monotonic(), time.monotonic() + args.duration
    out["load_before"], psi0 = load_average(), cpu_pressure_us()
    if browsers:
        await asyncio.to_thread(browsers.ready.wait, 300)
        browsers.begin(until)
    seeds = [args.seed * 100_000 + wave * 1000 + i for i in range(args.students)]
    tasks = [student(port, seed, until, record, ramp_s=2.0, think=args.think) for seed in seeds]
    attacks = out.setdefault("attacks", AttackRecord())
    hostile = [attacker(port, -100 - i, until, attacks) for i in range(args.attackers)]
    hostile += [canceller(port, -200 - i, until, attacks) for i in range(args.cancellers)]
    done = await asyncio.gather(*tasks, *hostile)
    sessions = [s for s in done[: len(tasks)] if s is not None]
    active_s = time.monotonic() - t0
    out["active_s"] = out.get("active_s", 0.0) + active_s
    out["cpu_s"] = out.get("cpu_s", 0.0) + server.cpu() - cpu0
    out["rss_peak"] = max(out.get("rss_peak", 0.0), server.peak_since(t0))
    out["load_after"], psi1 = load_average(), cpu_pressure_us()
    out["cpu_wait"] = (psi1 - psi0) / 1e6 / active_s if psi0 is not None else None
    if browsers:
        out["browser_latencies"] = await asyncio.to_thread(browsers.join)
    await asyncio.sleep(SETTLE_S)
    out["rss_idle"], out["idle_sessions"] = server.rss(), len(sessions)
    await asyncio.gather(*(leave_mid_training(port, record) for _ in range(args.leavers)))
    for session in sessions:
        await session.close()
    await asyncio.sleep(SETTLE_S)
    out["rss_left"] = server.rss()
    await asyncio.sleep(args.ttl + 2 + 3)  # the leavers' runs end, then their TTL passes
    out["visitor_errors"] += (await one_visit(port, -2 - wave, args)).errors
    out["rss_ends"].append(server.rss())
    out["rss_end"] = out["rss_ends"][-1]


def start_browsers(args: argparse.Namespace, port: int):
    """The optional Chromium cross-check, in its own thread (Playwright's sync API)."""
    if not args.browsers:
        return None
    from benchmarks.loadtest_browsers import BrowserCheck

    check = BrowserCheck(f"http://127.0.0.1:{port}/", args.browsers, args.seed)
    check.start()
    return check


def ms(values: list[float], q: float) -> str:
    return f"{np.percentile(np.asarray(values) * 1000, q):,.0f}" if values else "—"


def report(args: argparse.Namespace, server: Server, out: dict) -> None:
    """Print the tables: latency per interaction, then server CPU and memory."""
    record: Record = out["record"]
    errors = record.errors + out["warm_errors"] + out["visitor_errors"]
    print(f"server: {' '.join(server.cmd[1:])} (in {args.app_dir})")
    env = " ".join(args.server_env) or "(none)"
    print(f"students: {args.students} x {args.waves} wave(s), duration: {args.duration:g} s, "
          f"think: {args.think[0]:g}-{args.think[1]:g} s, server env: {env}\n")  # fmt: skip
    print("| interaction | count | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) |")
    print("|---|---|---|---|---|---|")
    rows = [*record.latencies.items(), ("**all**", record.all_latencies())]
    if out.get("browser_latencies") is not None:
        rows.append(("browser: edit -> graph redrawn", out["browser_latencies"]))
    for kind, values in rows:
        print(f"| {kind} | {len(values)} | {ms(values, 50)} | {ms(values, 95)} | "
              f"{ms(values, 99)} | {ms(values, 100)} |")  # fmt: skip
    every = record.all_latencies()
    per_session = (out["rss_idle"] - out["rss_start"]) / max(out["idle_sessions"], 1)
    back = (out["rss_end"] - out["rss_start"]) / out["rss_start"] * 100
    p95 = np.percentile(every, 95) * 1000 if every else float("inf")
    print("\n| measure | value |\n|---|---|")
    lines = [
        ("sessions (students connected)", f"{record.sessions} of {args.students * args.waves}"),
        ("interactions", f"{len(every)}"),
        ("errors", f"{len(errors)}; server tracebacks: {server.tracebacks()}"),
        ("p50 / p95 / p99 (ms)", f"{ms(every, 50)} / {ms(every, 95)} / {ms(every, 99)}"),
        ("server CPU during the active phase",
         f"{out['cpu_s']:.1f} s in {out['active_s']:.1f} s = "
         f"{out['cpu_s'] / out['active_s'] * 100:.0f}% of one core"),
        ("server CPU per interaction", f"{out['cpu_s'] / max(len(every), 1) * 1000:.0f} ms"),
        ("machine: load average before / after the active phase",
         f"{out['load_before']:.1f} / {out['load_after']:.1f} (2 cores shared with others)"),
        ("machine: share of time some task waited for a CPU (PSI)",
         "—" if out["cpu_wait"] is None else f"{out['cpu_wait'] * 100:.0f}%"),
        ("RSS cold (server up, no session)", f"{out['rss_cold']:.1f} MB"),
        ("RSS start (after a warm-up student left)", f"{out['rss_start']:.1f} MB"),
        ("RSS peak (active)", f"{out['rss_peak']:.1f} MB"),
        (f"RSS with {out['idle_sessions']} idle students", f"{out['rss_idle']:.1f} MB"),
        ("RSS per idle session", f"{per_session:.2f} MB"),
        (f"RSS {SETTLE_S:g} s after all left ({args.leavers} mid-training)",
         f"{out['rss_left']:.1f} MB"),
        (f"RSS end (TTL {args.ttl} s passed, one visitor came and went)",
         f"{out['rss_end']:.1f} MB ({back:+.1f}% vs start)"),
    ]  # fmt: skip
    if len(out["rss_ends"]) > 1:
        ends = " / ".join(f"{v:.1f}" for v in out["rss_ends"])
        lines.append((f"RSS end after each of {args.waves} waves", f"{ends} MB"))
    for label, value in lines:
        print(f"| {label} | {value} |")
    verdicts = [("p95 <= 500 ms", p95 <= 500), ("0 errors", not errors),
                ("end within 10% of start", abs(back) <= 10),
                ("idle session <= 10 MB", per_session <= 10)]  # fmt: skip
    print("\ntargets: " + ", ".join(f"{n}: {'met' if ok else 'NOT met'}" for n, ok in verdicts))
    for line in errors[:10]:
        print(f"error: {line}")
    if server.tracebacks():
        print("first server traceback:\n" + server.first_traceback())
    if args.attackers or args.cancellers:
        report_attacks(args, out["attacks"])


def report_attacks(args: argparse.Namespace, attacks: AttackRecord) -> None:
    """What the hostile students' submissions got back (what their page showed)."""
    print(f"\nattackers: {args.attackers}, cancellers: {args.cancellers}, "
          f"submissions: {len(attacks.latencies)}, "
          f"answer p50 / p95 / max: {ms(attacks.latencies, 50)} / "
          f"{ms(attacks.latencies, 95)} / {ms(attacks.latencies, 100)} ms, "
          f"broken connections: {len(attacks.failures)}\n")  # fmt: skip
    print("| hostile program | submissions | what the attacker's page said (first) |")
    print("|---|---|---|")
    for name, said in sorted(attacks.outcomes.items()):
        print(f"| {name} | {len(said)} | {said[0]} |")
    for line in attacks.failures[:5]:
        print(f"attacker error: {line}")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    port = free_port() if args.port == "auto" else int(args.port)
    env = dict(item.split("=", 1) for item in args.server_env)
    server = Server(port, server_args(args), env, args.app_dir.resolve())
    start_watchdog(server, args.waves * (args.duration + args.ttl + WATCHDOG_SLACK_S))
    try:
        server.wait_healthy()
        out = asyncio.run(drive(args, server))
        report(args, server, out)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
