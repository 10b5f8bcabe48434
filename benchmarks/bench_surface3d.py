"""Landscape page: Step -> every chart re-rendered, with the 3-D surface on and off, in one run (issue 8.13).

Starts the app as the README does (free port) and drives one headless Debian Chromium (software WebGL, like a
laptop without GPU acceleration). Each measurement presses Step (the landscape recentres on the new W_t, so every
chart gets new data) and times keydown -> the last chart mutation, with bench_browser's instrumentation. The
pages are stepped in turns, so that each sees the same machine load; the 2-D page is the reference, and the
ratio 3-D / 2-D is what to compare between versions. With --before DIR (a copy of an older checkout, e.g.
`git archive <commit> | tar -x -C DIR`) that version's 3-D page is measured in the same run.

    python benchmarks/bench_surface3d.py                     # median of 9 Steps after 2 warm-up, per page
    python benchmarks/bench_surface3d.py --before /tmp/old   # and the same 3-D page of an older version
    python benchmarks/bench_surface3d.py --profile           # also: where the browser spends a 3-D Step
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from collections import Counter
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_browser  # noqa: E402
from bench_browser import ARM_JS, CHROMIUM, CHROMIUM_ARGS, DONE_JS, QUIET_MS, READY_JS, VIEWPORT, new_page  # noqa: E402

STEPS, WARMUP = 9, 2
TIMEOUT = 300_000  # ms: a busy shared machine needs patience


class Server(bench_browser.Server):
    """bench_browser's server, started from another checkout's directory when given one."""

    def __init__(self, script: str, root: Path):
        saved = bench_browser.ROOT
        bench_browser.ROOT = root
        try:
            super().__init__(script)
        finally:
            bench_browser.ROOT = saved


def open_case(context, url: str, n_charts: int):
    page = new_page(context)
    page.goto(url)
    page.wait_for_function(READY_JS, arg=n_charts, polling=100, timeout=TIMEOUT)
    return page


def cpu_seconds(root: int, skip: set[int]) -> float:
    """CPU time (user + system, s) of the processes under root (this process: the Playwright driver and its
    Chromium), without root itself and without the process trees in skip (the Streamlit servers)."""
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                todo += [c for c in map(int, Path(f"/proc/{pid}/task/{task}/children").read_text().split())
                         if c not in skip]
            if pid != root:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:  # (a process that ended meanwhile)
            pass
    return total


def step_once(page, n_charts: int, skip: set[int]) -> dict:
    """Press Step (focused, Enter) and wait until every chart has re-rendered: {render, rerun} in ms, and the
    browser's CPU seconds from the key press to the end of the re-render (robust to other load on the machine)."""
    page.get_by_role("button", name="Step", exact=True).focus()
    page.evaluate(ARM_JS)
    cpu = cpu_seconds(os.getpid(), skip)
    page.keyboard.press("Enter")
    res = page.wait_for_function(DONE_JS, arg=[n_charts, QUIET_MS], polling="raf", timeout=TIMEOUT).json_value()
    return {**res, "cpu": cpu_seconds(os.getpid(), skip) - cpu}


def self_time(profile: dict, top: int = 12) -> list[tuple[str, float]]:
    """The functions with the most self time in a CDP CPU profile: (name file:line:column, share of samples)."""
    nodes = {n["id"]: n for n in profile["nodes"]}
    counts = Counter(profile["samples"])
    total = sum(counts.values()) or 1
    by_name = Counter()
    for node_id, count in counts.items():
        f = nodes[node_id]["callFrame"]
        where = Path(f["url"]).name or "(native)"
        by_name[f"{f['functionName'] or '(anonymous)'} {where}:{f['lineNumber']}:{f['columnNumber']}"] += count
    return [(name, n / total) for name, n in by_name.most_common(top)]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--before", type=Path, help="directory of an older checkout to measure in the same run")
    p.add_argument("--profile", action="store_true", help="CPU profile of the (current) 3-D page's Steps")
    args = p.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} not found: apt-get install -y chromium")
    servers = {"current": Server("dashboard/app.py", bench_browser.ROOT)}
    if args.before:
        servers["before"] = Server("dashboard/app.py", args.before.resolve())
    for s in servers.values():
        s.wait_healthy()
    cases = {"2-D only": ("current", "/landscape?t=5", 1), "3-D": ("current", "/landscape?t=5&show3d=true", 2)}
    if args.before:
        cases["3-D, before"] = ("before", "/landscape?t=5&show3d=true", 2)
    times = {label: {"render": [], "rerun": [], "cpu": []} for label in cases}
    skip = {s.proc.pid for s in servers.values()}
    hot = None
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            contexts = {label: browser.new_context(viewport=VIEWPORT) for label in cases}
            pages = {label: open_case(contexts[label], servers[srv].url + path, n)
                     for label, (srv, path, n) in cases.items()}
            cdp = None
            for i in range(WARMUP + STEPS):
                if args.profile and i == WARMUP:
                    cdp = contexts["3-D"].new_cdp_session(pages["3-D"])
                    cdp.send("Profiler.enable")
                    cdp.send("Profiler.start")
                for label, (_, _, n) in cases.items():
                    res = step_once(pages[label], n, skip)
                    if i >= WARMUP:
                        for k in times[label]:
                            times[label][k].append(res[k])
            if cdp:
                hot = cdp.send("Profiler.stop")["profile"]
            for c in contexts.values():
                c.close()
        finally:
            browser.close()
            for s in servers.values():
                s.stop()
    load = os.getloadavg()
    print(f"bench_surface3d: Landscape page, Step -> every chart re-rendered, median of {STEPS} (after {WARMUP} "
          f"warm-up), pages stepped in turns; headless {CHROMIUM}, {VIEWPORT['width']}x{VIEWPORT['height']}, "
          f"load average {load[0]:.1f}")
    med = {label: statistics.median(t["render"]) for label, t in times.items()}
    cpu = {label: statistics.median(t["cpu"]) for label, t in times.items()}
    print(f"    {'page':<12} {'wall':>8} {'(min':>6} {'max)':>6} {'run done':>9} {'browser CPU':>12}   "
          "wall, CPU vs 2-D")
    for label, t in times.items():
        print(f"    {label:<12} {med[label]:>6.0f}ms {min(t['render']):>6.0f} {max(t['render']):>6.0f} "
              f"{statistics.median(t['rerun']):>7.0f}ms {cpu[label]:>10.2f} s   "
              f"{med[label] / med['2-D only']:.2f}x, {cpu[label] / cpu['2-D only']:.2f}x")
    if args.before:
        print(f"    3-D now / 3-D before: wall {med['3-D'] / med['3-D, before']:.2f}x, "
              f"browser CPU {cpu['3-D'] / cpu['3-D, before']:.2f}x")
    if hot:
        if os.environ.get("PROFILE_OUT"):
            Path(os.environ["PROFILE_OUT"]).write_text(json.dumps(hot))
        print("\nbrowser self time during the 3-D Steps (share of CPU samples):")
        for name, share in self_time(hot):
            print(f"    {share:6.1%}  {name}")


if __name__ == "__main__":
    main()
