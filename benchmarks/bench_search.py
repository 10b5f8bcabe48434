"""Search race and mini-batch gradient cloud speed, as ratios measured in one run (issue 12).

reference : the same number of plain linviz.losses.softmax_loss evaluations on the same data, timed
            in alternation with the measured function (timing.interleaved)
race      : linviz.search.race, all five methods, budget 1000 evaluations each, at the dashboard's
            default sizes (blobs, 150 points of which 120 train, 3 classes, 2 features: P = 9)
cloud     : linviz.minibatch.gradient_cloud, 4 batch sizes (1, 8, 32, 128) x 200 draws
Targets: race within 2 s, cloud within 0.5 s on these machines. No timed tests: this prints.

    python benchmarks/bench_search.py
"""
from __future__ import annotations

import os

import numpy as np
from timing import interleaved  # benchmarks/timing.py (run these scripts as python benchmarks/NAME.py)

from linviz.datasets import make_dataset, train_test_split
from linviz.losses import softmax_loss
from linviz.minibatch import gradient_cloud
from linviz.model import init_params
from linviz.search import race

BUDGET, DRAWS, BATCH_SIZES = 1000, 200, (1, 8, 32, 128)


def reference(n: int, W, b, X, y):
    def run():
        for _ in range(n):
            softmax_loss(W, b, X, y, reg=0.01)
    return run


def report(name: str, times: dict, n: int, target: float):
    (fast, fast_med), (ref, ref_med) = times[name], times["reference"]
    print(f"{name:6s} {fast * 1e3:7.1f} ms (median {fast_med * 1e3:.1f}) | {n:,} softmax_loss calls "
          f"{ref * 1e3:7.1f} ms -> ratio {fast / ref:5.2f} (median {fast_med / ref_med:.2f}) | "
          f"target <= {target:g} s: {'yes' if fast_med <= target else 'NO'}")


def main():
    X, y = make_dataset("blobs", 150, noise=1.0, seed=0)
    X, y, _, _ = train_test_split(X, y, test_fraction=0.2, seed=0)
    W, b = init_params(3, 2, seed=0)
    result = race(X, y, budget=BUDGET, seed=0)
    # every loss evaluation the race makes: the counted ones and the few measurements
    n_race = sum(int(r.evaluations[-1]) + r.measurements for r in result.runs)
    print(f"N={len(y)} C=3 D=2 P={result.n_parameters}; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores")
    for r in result.runs:
        print(f"  {r.method:12s} {int(r.evaluations[-1]):5d} evaluations, final loss {r.loss[-1]:.4f}, "
              f"{r.seconds[-1] * 1e3:6.1f} ms")
    times = interleaved({"race": lambda: race(X, y, budget=BUDGET, seed=0),
                         "reference": reference(n_race, W, b, X, y)}, repeat=5)
    report("race", times, n_race, 2.0)
    n_cloud = DRAWS * len(BATCH_SIZES)
    W1 = W + np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])  # away from the start, where gradients differ
    times = interleaved({"cloud": lambda: gradient_cloud(X, y, W1, b, batch_sizes=BATCH_SIZES, draws=DRAWS,
                                                         reg=0.01, seed=0),
                         "reference": reference(n_cloud, W1, b, X, y)}, repeat=7)
    report("cloud", times, n_cloud, 0.5)


if __name__ == "__main__":
    main()
