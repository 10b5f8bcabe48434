"""Training on the digits with numpy's BLAS on its default threads against one thread (dashboard/threads.py),
alternating in one process: wall time, the minimum of 5 rounds, and the ratio default / one.

    python benchmarks/bench_blas_threads.py [--steps 1000]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_info, threadpool_limits  # noqa: E402

from linviz.images import digits  # noqa: E402
from linviz.train import train  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    X, y = digits(1797, n_classes=10)
    W0, b0 = 0.01 * np.random.default_rng(0).standard_normal((10, X.shape[1])), np.zeros(10)
    default = max(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")

    def run():
        t0 = time.perf_counter()
        train(X, y, loss="softmax", reg=1e-3, lr=0.5, steps=args.steps, W0=W0, b0=b0)
        return time.perf_counter() - t0

    times = {"default": [], "one": []}
    for _ in range(args.rounds):
        times["default"].append(run())
        with threadpool_limits(1, user_api="blas"):
            times["one"].append(run())
    d, o = min(times["default"]), min(times["one"])
    print(f"{args.steps} steps on the digits: BLAS default ({default} threads) {d * 1e3:.0f} ms, "
          f"1 thread {o * 1e3:.0f} ms -> default / one = {d / o:.2f}")


if __name__ == "__main__":
    main()
