"""Server time of building the app's figures: traces adopted by the figure (figures.base._adopting) against
Plotly's constructor building each trace again (the reference, run in the same process, rounds interleaved;
CPU time of this process, so that the other processes on a shared machine count less).

    python benchmarks/bench_figure_build.py [--rounds 5]

Prints the median time of both and their ratio (adopting / constructor): for the Classifier page's chart (the one
every change of α redraws) and for all exported figures at the defaults (their data and runs cached)."""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import plotly.graph_objects as go

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dashboard import scenes  # noqa: E402
from dashboard.config import DEFAULT  # noqa: E402
from dashboard.figures import base  # noqa: E402

ADOPTING = base._adopting


def constructor(traces, layout):
    return go.Figure(data=list(traces), layout=layout, _validate=False)


def build(name: str, cfg) -> float:
    t0 = time.process_time()
    if name == "classifier_views":
        scenes.classifier_views(scenes.load(cfg))
    else:
        scenes.all_figures(cfg)
    return time.process_time() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    build("all", DEFAULT)  # (data, runs and caches warm)
    times = {(what, how): [] for what in ("classifier_views", "all") for how in ("adopting", "constructor")}
    for _ in range(args.rounds):
        for what in ("classifier_views", "all"):
            for how, fn in (("adopting", ADOPTING), ("constructor", constructor)):
                base._adopting = fn
                reps = 20 if what == "classifier_views" else 2
                times[what, how].append(sum(build(what, DEFAULT) for _ in range(reps)) / reps)
    base._adopting = ADOPTING
    for what in ("classifier_views", "all"):
        a, c = (statistics.median(times[what, how]) for how in ("adopting", "constructor"))
        label = "Classifier page chart" if what == "classifier_views" else "all exported figures"
        print(f"{label:24s} adopting {a * 1e3:8.1f} ms   constructor {c * 1e3:8.1f} ms   ratio {a / c:.2f}")


if __name__ == "__main__":
    main()
