"""How many students one deployment carries: K simulated browser tabs, each moving a slider about once a second.

Each session speaks Streamlit's websocket protocol as Chromium does (benchmarks/stclient.py: full widget state
on every rerun, page-only fragment reruns for the sidebar's α, the browser's message cache), joins during a
ramp-up, then moves the slider (default: the learning rate α on the Classifier page) to a new value about once a
second (0.5-1.5 s apart, and never before its previous rerun has ended, as a student waits for the chart).
A rerun is timed from the message sent to the server's `script_finished` for it (its real end). Reported:

- rerun latency p50 / p95 / max over the measurement window (after every session has joined);
- errors: a rerun that timed out, lost its websocket, or showed an exception or an error box; a failed join;
- isolation violations: a rerun whose address bar (query string) does not hold the value this session set, or
  lost a parameter the session started with (`--query "seed={i}"` gives every session its own seed);
- server RSS (MB, per replica: at the start of the window and the peak) and server CPU per rerun (ms, the
  replicas' user+system time in the window / reruns), nginx's and this tool's own CPU.

    python benchmarks/load.py --serve 2 --sessions 60            # start deploy/serve.sh 2 (nginx + 2 replicas)
    python benchmarks/load.py --url http://127.0.0.1:8080 --sessions 30 --pid 1234 --pid 1235
    python benchmarks/load.py --serve 1 --app benchmarks/reference_app.py --widget phase --url-param ""

benchmarks/bench_scaleout.py runs the whole comparison (1 vs 2 replicas, 30 and 60 sessions, linviz vs the
reference app) in one go.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.deployment import Deployment  # noqa: E402
from benchmarks.stclient import Session  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)  # seconds, reruns sent inside the window
    joins: list[float] = field(default_factory=list)  # seconds from the first HTTP request to the first run's end
    errors: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    reruns: int = 0  # all reruns that ended, inside the window or not
    window_reruns: int = 0
    statuses: Counter = field(default_factory=Counter)  # how the reruns ended: "fragment" (page only), "finished"


def _choices(session: Session, key: str) -> list:
    """Distinct values of the slider, without the one it starts at (so every value sent shows in the URL)."""
    opts = list(dict.fromkeys(session.options(key)))
    start = session.value(key)
    start = start[0] if isinstance(start, list) and start else start
    return [o for o in opts if o != start] or opts


def _same_value(shown: str | None, label) -> bool:
    """Does the URL's value match the slider label sent? A label may be rounded ("6e-4" is how the learning-rate
    slider labels 0.00056): the URL's value rounded to the label's significant digits must equal it."""
    if shown is None:
        return False
    try:
        value, text = float(shown), str(label)
        digits = len(text.lower().split("e")[0].replace("-", "").replace(".", "").lstrip("0")) or 1
        return float(f"{value:.{digits}g}") == float(text)
    except ValueError:
        return shown == str(label)


def _check(run, session_i: int, start_query: str, param: str, sent, tally: Tally) -> None:
    """The address bar after the rerun must hold this session's own values: the one it set, and every other one
    its first run showed (start_query, the server's own form of the session's link)."""
    got = parse_qs(run.query)
    if param:
        shown = got.get(param, [None])[0]
        if not _same_value(shown, sent):
            tally.violations.append(f"session {session_i}: set {param}={sent}, the page shows {param}={shown}")
    for name, values in parse_qs(start_query).items():
        if name != param and got.get(name) != values:
            tally.violations.append(f"session {session_i}: started with {name}={values[0]}, the page shows "
                                    f"{name}={got.get(name, [None])[0]}")


async def student(i: int, url: str, opts, tally: Tally, window: tuple[float, float]) -> None:
    """One tab: join at its time in the ramp, then move the slider until the window closes."""
    rng = random.Random(opts.seed * 100_003 + i)
    await asyncio.sleep(opts.ramp * i / max(1, opts.sessions))
    query = opts.query.format(i=i)
    session = Session(url, query=query, timeout=opts.timeout)
    try:
        run = await session.open()
    except Exception as err:  # a join that failed is an error, not a crash of the tool
        tally.errors.append(f"session {i}: could not open ({type(err).__name__}: {err})")
        return
    try:
        if not run.ok:
            tally.errors.append(f"session {i}: first run {run.status} {run.exceptions or run.errors}")
            return
        tally.joins.append(run.seconds)
        start_query = run.query
        choices, value = _choices(session, opts.widget), None
        next_at = max(time.monotonic(), window[0] - rng.uniform(0, opts.interval))
        moves = 0
        while next_at < window[1] or moves < opts.moves:
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
            value = rng.choice([c for c in choices if c != value])  # a move changes the value
            sent_at = time.monotonic()
            run = await session.rerun({opts.widget: value})
            tally.reruns += 1
            moves += 1
            tally.statuses[run.status] += 1
            if sent_at >= window[0]:
                tally.window_reruns += 1
                tally.latencies.append(run.seconds)
            if not run.ok:
                tally.errors.append(f"session {i}: rerun {run.status} {run.exceptions or run.errors}")
                if run.status in ("disconnected", "timeout"):
                    return
            _check(run, i, start_query, opts.url_param, value, tally)
            next_at = max(sent_at + opts.interval * rng.uniform(0.5, 1.5), time.monotonic())
    finally:
        await session.close()


def _proc(pid: int) -> tuple[float, float]:
    """(CPU seconds so far, RSS in MB) of a process; (0, 0) once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        rss = int(next(x for x in Path(f"/proc/{pid}/status").read_text().splitlines()
                       if x.startswith("VmRSS")).split()[1]) / 1024
    except (OSError, StopIteration):
        return 0.0, 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS, rss


async def sample(pids: list[int], until: float, peaks: dict[int, float]) -> None:
    while time.monotonic() < until:
        for pid in pids:
            peaks[pid] = max(peaks.get(pid, 0.0), _proc(pid)[1])
        await asyncio.sleep(0.5)


def _pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


async def run_load(url: str, opts, server_pids: list[int] = (), proxy_pids: list[int] = ()) -> dict:
    """K students against url; the report as a dict (see the module docstring)."""
    tally = Tally()
    start = time.monotonic()
    window = (start + opts.ramp + opts.settle, start + opts.ramp + opts.settle + opts.duration)
    peaks: dict[int, float] = {}
    sampler = asyncio.create_task(sample(list(server_pids), window[1], peaks))
    tasks = [asyncio.create_task(student(i, url, opts, tally, window)) for i in range(opts.sessions)]
    await asyncio.sleep(max(0.0, window[0] - time.monotonic()))
    cpu0 = {pid: _proc(pid) for pid in [*server_pids, *proxy_pids]}
    me0, load0 = resource.getrusage(resource.RUSAGE_SELF), os.getloadavg()[0]
    await asyncio.sleep(max(0.0, window[1] - time.monotonic()))
    cpu1 = {pid: _proc(pid) for pid in cpu0}
    me1 = resource.getrusage(resource.RUSAGE_SELF)
    reruns_in_window = tally.window_reruns
    await asyncio.gather(*tasks)
    await sampler
    server_cpu = sum(cpu1[p][0] - cpu0[p][0] for p in server_pids)
    lat = tally.latencies
    return {
        "url": url, "sessions": opts.sessions, "duration_s": opts.duration, "widget": opts.widget,
        "reruns": len(lat), "reruns_per_s": reruns_in_window / opts.duration, "reruns_total": tally.reruns,
        "statuses": dict(tally.statuses),
        "p50_s": _pct(lat, 0.5), "p95_s": _pct(lat, 0.95), "max_s": max(lat, default=float("nan")),
        "join_p50_s": _pct(tally.joins, 0.5), "join_max_s": max(tally.joins, default=float("nan")),
        "errors": len(tally.errors), "error_samples": tally.errors[:5],
        "violations": len(tally.violations), "violation_samples": tally.violations[:5],
        "rss_start_mb": [round(cpu0[p][1], 1) for p in server_pids],
        "rss_peak_mb": [round(peaks.get(p, 0.0), 1) for p in server_pids],
        "server_cpu_ms_per_rerun": 1000 * server_cpu / max(1, reruns_in_window),
        "server_cores": server_cpu / opts.duration,
        "proxy_cores": sum(cpu1[p][0] - cpu0[p][0] for p in proxy_pids) / opts.duration,
        "tool_cores": (me1.ru_utime + me1.ru_stime - me0.ru_utime - me0.ru_stime) / opts.duration,
        "load_average": [round(load0, 2), round(os.getloadavg()[0], 2)],
    }


def summary(r: dict) -> str:
    ms = lambda s: f"{1000 * s:.0f} ms"  # noqa: E731
    return (f"{r['sessions']} sessions, {r['reruns']} reruns ({r['reruns_per_s']:.1f}/s): p50 {ms(r['p50_s'])}, "
            f"p95 {ms(r['p95_s'])}, max {ms(r['max_s'])}; join p50 {ms(r['join_p50_s'])}; "
            f"errors {r['errors']}, isolation violations {r['violations']}; server RSS {r['rss_start_mb']} -> "
            f"peak {r['rss_peak_mb']} MB; server CPU {r['server_cpu_ms_per_rerun']:.1f} ms/rerun "
            f"({r['server_cores']:.2f} cores), nginx {r['proxy_cores']:.2f}, this tool {r['tool_cores']:.2f} cores; "
            f"load average {r['load_average'][0]} -> {r['load_average'][1]}")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="a running deployment, e.g. http://127.0.0.1:8080")
    where.add_argument("--serve", type=int, metavar="N", help="start deploy/serve.sh with N replicas for the run")
    p.add_argument("--app", default="dashboard/app.py", help="with --serve: the Streamlit script")
    p.add_argument("--pid", type=int, action="append", default=[], help="with --url: a server process to watch")
    p.add_argument("--sessions", type=int, default=30)
    p.add_argument("--duration", type=float, default=30.0, help="seconds measured, after the ramp and settle")
    p.add_argument("--ramp", type=float, default=10.0, help="seconds over which the sessions join")
    p.add_argument("--settle", type=float, default=3.0, help="seconds between the last join and the window")
    p.add_argument("--interval", type=float, default=1.0, help="mean seconds between one session's moves")
    p.add_argument("--moves", type=int, default=0, help="moves every session makes even after the window")
    p.add_argument("--widget", default="lr", help="key of the slider the sessions move")
    p.add_argument("--url-param", default="lr", help="query parameter that must show the value set ('' = none)")
    p.add_argument("--query", default="", help="each session's start query, {i} = its number, e.g. 'seed={i}'")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds before a rerun counts as lost")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    return p


def main(argv: list[str] | None = None) -> dict:
    opts = parser().parse_args(argv)
    if opts.url:
        report = asyncio.run(run_load(opts.url, opts, opts.pid))
    else:
        with Deployment(replicas=opts.serve, app=opts.app) as d:
            report = asyncio.run(run_load(d.url, opts, d.replica_pids(), d.nginx_pids()))
            report["replicas"] = opts.serve
    print(json.dumps(report, indent=1) if opts.json else summary(report))
    return report


if __name__ == "__main__":
    main()
