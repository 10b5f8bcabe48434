"""Timing helper shared by the benchmarks: best and median of repeated runs after a warm-up."""
from __future__ import annotations

import time

import numpy as np


def best_of(fn, repeat: int = 7) -> tuple[float, float]:
    """(min, median) wall time in seconds of fn() over `repeat` runs, after one warm-up call."""
    fn()  # warm up: first-touch page faults and caches would dominate otherwise
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), float(np.median(times))


def interleaved(fns: dict, repeat: int = 7) -> dict[str, tuple[float, float]]:
    """(min, median) of each fn, timed in alternation so that both see the same machine load."""
    for fn in fns.values():
        fn()
    times = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return {name: (min(ts), float(np.median(ts))) for name, ts in times.items()}
