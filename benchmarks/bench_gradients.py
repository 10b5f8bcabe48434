"""Numerical vs analytic gradients ("slow vs fast" on the slide), as ratios measured in one run.

For the dashboard's default problem (blobs, 112 training points, C = 3, D = 2: P = 9) and for the size of
the 8x8 digits (N = 1797, D = 64, C = 10: P = 650): the evaluations each method takes (exact) and its
CPU time, against the analytic gradient and against a loop of the same number of plain loss evaluations timed
in the same run. Expected: the numerical gradient costs P + 1 (forward) or 2P (centered) loss evaluations, the
analytic one 1, so "x analytic" is about P or 2P and "x evals loop" about 1.

    python benchmarks/bench_gradients.py

BLAS runs single-threaded here (OPENBLAS_NUM_THREADS=1 unless set): on a loaded 2-core machine a
multi-threaded matrix product of this size was measured 60-300x slower than a single-threaded one.
"""
from __future__ import annotations

import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

from linviz.cost import image_size_problem, measure_cost  # noqa: E402
from linviz.datasets import make_dataset, train_test_split  # noqa: E402
from linviz.gradcheck import ParameterLoss, numerical_gradient  # noqa: E402
from linviz.model import init_params  # noqa: E402


def default_problem():
    X, y = make_dataset("blobs", 150, noise=0.5, seed=0, n_classes=3)
    X, y, _, _ = train_test_split(X, y, test_fraction=0.25, seed=0)
    objective = ParameterLoss(X, y, 3, loss="softmax", reg=1e-3)
    W, b = init_params(3, 2, seed=0)
    return objective, objective.theta(W, b)


def cpu_and_wall(fn, repeat):
    """(best CPU seconds, best wall seconds) of fn() over `repeat` runs after a warm-up: on a shared,
    loaded machine a long run waits for the CPU far more than a short one, so wall times of a 1 ms and
    a 5 s computation are not comparable, while the CPU time this process used is."""
    fn()
    cpu, wall = [], []
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        fn()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return min(cpu), min(wall)


def report(name, objective, theta, repeat):
    table = measure_cost(objective, theta, repeat=1)  # the counted evaluations
    h = 1e-5
    runs = {
        "analytic": lambda: objective.evaluate(theta),
        "forward": lambda: numerical_gradient(objective, theta, h=h, method="forward"),
        "centered": lambda: numerical_gradient(objective, theta, h=h, method="centered"),
    }
    P = theta.size
    print(f"\n{name}: N = {table.n_examples}, P = {P}")
    print(f"{'method':9s} {'evals':>6s} {'CPU time':>11s} {'x analytic':>11s} {'x evals loop':>13s} "
          f"{'wall time':>11s} {'max rel err':>12s}")
    base = None
    for (method, run), n, err in zip(runs.items(), table.evaluations, table.max_error):
        cpu, wall = cpu_and_wall(run, repeat)
        # reference: the same number of plain loss evaluations, timed in the same way
        loop = cpu_and_wall(lambda n=n: [objective(theta) for _ in range(n)], repeat)[0]
        base = cpu if base is None else base
        print(f"{method:9s} {n:6d} {cpu * 1e3:8.2f} ms {cpu / base:11.1f} {cpu / loop:13.2f} "
              f"{wall * 1e3:8.2f} ms {err:12.1e}")


def main():
    print(f"BLAS threads: OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    report("dashboard default (blobs, softmax)", *default_problem(), repeat=7)
    report("image size (8x8 digits, softmax)", *image_size_problem(), repeat=3)


if __name__ == "__main__":
    main()
