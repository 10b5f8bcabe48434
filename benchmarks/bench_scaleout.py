"""Scale-out: 30 and 60 students through nginx on 1 vs 2 replicas, linviz against a minimal reference app.

For each number of replicas, deploy/serve.sh starts the reference app (benchmarks/reference_app.py: one slider,
one heatmap, full reruns) and then linviz, and benchmarks/load.py runs each number of sessions against each, one
after the other, so both see the same machine. Printed per run: rerun latency p50 / p95 / max, errors,
isolation violations, server RSS, server CPU per rerun; then linviz / reference ratios of p95 and of CPU per
rerun (the latter hardly depends on what else the machine runs). Goals on a 2-core machine: 60 sessions
p95 <= 0.3 s on 2 replicas and <= 1 s on 1, 0 errors, 0 isolation violations.

    python benchmarks/bench_scaleout.py                        # 1 and 2 replicas x 30 and 60 sessions, 30 s each
    python benchmarks/bench_scaleout.py --replicas 2 --sessions 60 --duration 60
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import load  # noqa: E402
from benchmarks.deployment import Deployment  # noqa: E402

APPS = {  # name: (script, the slider the students move, the URL parameter that must show it)
    "reference": ("benchmarks/reference_app.py", "phase", ""),
    "linviz": ("dashboard/app.py", "lr", "lr"),
}


def measure(app: str, replicas: int, sessions: list[int], args) -> list[dict]:
    script, widget, param = APPS[app]
    reports = []
    with Deployment(replicas=replicas, app=script) as d:
        for k in sessions:
            opts = load.parser().parse_args([
                "--url", d.url, "--sessions", str(k), "--duration", str(args.duration), "--ramp", str(args.ramp),
                "--widget", widget, "--url-param", param, "--query", args.query if app == "linviz" else ""])
            report = asyncio.run(load.run_load(d.url, opts, d.replica_pids(), d.nginx_pids()))
            report.update(app=app, replicas=replicas)
            print(f"  {app:9s} {replicas} replica(s): {load.summary(report)}", flush=True)
            reports.append(report)
    return reports


def _ratio(r: dict, base: dict | None, key: str) -> str:
    return f"{r[key] / base[key]:.2f}×" if base and r is not base else ""


def table(reports: list[dict]) -> str:
    rows = ["| replicas | sessions | app | reruns/s | p50 | p95 | max | errors | isolation | RSS peak MB "
            "| CPU ms/rerun | p95 ratio | CPU ratio |", "|" + "---|" * 13]
    ref = {(r["replicas"], r["sessions"]): r for r in reports if r["app"] == "reference"}
    for r in sorted(reports, key=lambda r: (r["replicas"], r["sessions"], r["app"] != "reference")):
        base = ref.get((r["replicas"], r["sessions"]))
        rows.append(f"| {r['replicas']} | {r['sessions']} | {r['app']} | {r['reruns_per_s']:.1f} "
                    f"| {1000 * r['p50_s']:.0f} ms | {1000 * r['p95_s']:.0f} ms | {1000 * r['max_s']:.0f} ms "
                    f"| {r['errors']} | {r['violations'] if r['app'] == 'linviz' else 'n/a'} "
                    f"| {' + '.join(f'{m:.0f}' for m in r['rss_peak_mb'])} | {r['server_cpu_ms_per_rerun']:.1f} "
                    f"| {_ratio(r, base, 'p95_s')} | {_ratio(r, base, 'server_cpu_ms_per_rerun')} |")
    return "\n".join(rows)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--replicas", type=int, nargs="+", default=[1, 2])
    p.add_argument("--sessions", type=int, nargs="+", default=[30, 60])
    p.add_argument("--duration", type=float, default=30.0)
    p.add_argument("--ramp", type=float, default=10.0)
    p.add_argument("--query", default="", help="linviz sessions' start query, e.g. 'seed={i}' (default: all the "
                                                "same link, as a class opening the URL on the projector)")
    p.add_argument("--json", type=Path, help="also write every report to this file")
    args = p.parse_args()
    print(f"load average before: {os.getloadavg()} on {os.cpu_count()} cores", flush=True)
    reports = []
    for replicas in args.replicas:
        for app in APPS:
            reports += measure(app, replicas, args.sessions, args)
    print(f"load average after: {os.getloadavg()}")
    print(table(reports))
    if args.json:
        args.json.write_text(json.dumps(reports, indent=1))


if __name__ == "__main__":
    main()
