"""loss_surface speed, as ratios measured in one run (these machines are shared and noisy).

floor : np.exp over the R*R*N*C scores once, in a warm preallocated float64 buffer
loop  : a Python loop over grid points calling the public loss function
Target (issue #2): loss_surface <= 1.0x floor and >= 20x faster than the loop; <= 64 MB temporaries.

    python benchmarks/bench_landscape.py
"""
from __future__ import annotations

import tracemalloc

import numpy as np
from timing import best_of  # benchmarks/timing.py (run these scripts as python benchmarks/NAME.py)

from linviz.landscape import loss_surface, random_directions
from linviz.losses import LOSSES

R, N, C, D = 101, 1000, 3, 2
ROWS = 5  # rows of the naive loop actually timed; the full loop takes tens of seconds


def exp_floor(rng) -> float:
    src = rng.standard_normal(R * R * N * C)
    buf = np.empty_like(src)
    return best_of(lambda: np.exp(src, out=buf))[0]


def main():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((N, D)), rng.integers(0, C, N)
    W, b = rng.standard_normal((C, D)), rng.standard_normal(C)
    dirs = random_directions(W, b, seed=1)
    floor = exp_floor(rng)
    print(f"R={R} N={N} C={C} D={D}; floor np.exp of {R*R*N*C:,} scores: {floor*1e3:.1f} ms")
    (dW1, db1), (dW2, db2) = dirs
    grid = np.linspace(-1, 1, R)
    for loss in ("softmax", "svm", "ova"):
        fast, fast_med = best_of(lambda loss=loss: loss_surface(X, y, W, b, dirs, loss=loss, reg=0.01))
        fn = LOSSES[loss]
        # time a few rows of the loop and scale: the full loop takes tens of seconds

        def loop(fn=fn):
            for a in grid[:ROWS]:
                for c in grid:
                    fn(W + a * dW1 + c * dW2, b + a * db1 + c * db2, X, y, reg=0.01)
        loop_t = best_of(loop, repeat=2)[0] * R / ROWS
        tracemalloc.start()
        loss_surface(X, y, W, b, dirs, loss=loss, reg=0.01)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        print(f"{loss:8s} loss_surface {fast*1e3:7.1f} ms (median {fast_med*1e3:.1f}) | "
              f"{fast/floor:5.2f}x floor (target <= 1.0) | loop {loop_t:6.2f} s -> "
              f"{loop_t/fast:7.0f}x faster (target >= 20) | peak temporaries {peak:5.1f} MB (<= 64)")


if __name__ == "__main__":
    main()
