"""What a gradient costs: "numerical: slow, approximate, easy to write; analytic: fast, exact, error-prone".

One gradient of a loss with P parameters takes
    analytic   1 evaluation (one pass computes the loss and all P partial derivatives)
    forward    P + 1 evaluations (f(x), then f(x + h e_k) for each k)
    centered   2P evaluations (f(x + h e_k) and f(x - h e_k) for each k)
so the numerical gradient is about P (forward) or 2P (centered) times slower than the analytic one.
`measure_cost` counts the evaluations and times the three; the counts are exact, the times are whatever
this machine does now.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from linviz.gradcheck import (
    ParameterLoss,
    check_h,
    check_size,
    numerical_gradient,
    relative_error,
    roundoff_floor,
)
from linviz.model import fold, init_params

METHODS = ("analytic", "forward", "centered")
IMAGE_SIZE = {"n_features": 64, "n_classes": 10}  # 8x8 digits, 10 classes: P = 10 x 65 = 650


def evaluations(method: str, n_params: int) -> int:
    """Loss evaluations for one gradient of P = n_params parameters."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; valid names are: {', '.join(METHODS)}")
    P = int(n_params)
    return {"analytic": 1, "forward": P + 1, "centered": 2 * P}[method]


@dataclass(frozen=True, eq=False)
class CostTable:
    """One row per method (M,): counted evaluations, best time, and error against the analytic gradient."""

    methods: tuple[str, ...]
    evaluations: np.ndarray  # (M,) int, counted
    seconds: np.ndarray  # (M,) the best of `repeat` runs
    max_error: np.ndarray  # (M,) largest relative error against the analytic gradient, with the check's floor
    n_params: int
    n_examples: int

    @property
    def ratio(self) -> np.ndarray:
        """(M,) time relative to the analytic gradient."""
        return self.seconds / self.seconds[self.methods.index("analytic")]


def measure_cost(objective: ParameterLoss, theta: np.ndarray, *, h: float = 1e-5, repeat: int = 3,
                 progress: Callable[[int, int], None] | None = None) -> CostTable:
    """Count and time one gradient of `objective` at theta (P,) by each method.

    progress(done, total) is called after each of the 3 x repeat runs (the numerical ones take 2P
    evaluations each: a second or more at P = 650).
    """
    h = check_h(h)
    theta = np.asarray(theta, dtype=float)
    check_size(theta.size)
    if not 1 <= repeat <= 20:
        raise ValueError(f"repeat must lie in [1, 20], got {repeat!r}")
    calls = 0

    def evaluate(t):
        nonlocal calls
        calls += 1
        return objective.evaluate(t)

    def analytic():
        r = evaluate(theta)
        return fold(r.dW, r.db).ravel()

    runs = {"analytic": analytic}
    for method in METHODS[1:]:
        runs[method] = lambda m=method: numerical_gradient(lambda t: evaluate(t).loss, theta, h=h, method=m)
    counts, seconds, gradients = [], [], []
    for i, run in enumerate(runs.values()):
        best = np.inf
        for r in range(repeat):
            calls = 0
            start = time.perf_counter()
            gradient = run()
            best = min(best, time.perf_counter() - start)
            if progress is not None:
                progress(i * repeat + r + 1, len(runs) * repeat)
        counts.append(calls)
        seconds.append(best)
        gradients.append(gradient)
    floor = roundoff_floor(objective(theta), h)
    return CostTable(
        methods=METHODS, evaluations=np.array(counts), seconds=np.array(seconds),
        max_error=np.array([relative_error(g, gradients[0], floor=floor) for g in gradients]),
        n_params=theta.size, n_examples=objective.X.shape[0],
    )


def image_size_problem(n_examples: int = 1797, *, loss: str = "softmax", reg: float = 1e-3,
                       seed: int = 0) -> tuple[ParameterLoss, np.ndarray]:
    """A problem the size of the 8x8 digits (N = 1797 images, D = 64 pixels, C = 10 classes: P = 650).

    Random pixels in [0, 16] and labels: only the size matters for the cost. Returns (objective, theta).
    """
    if not 10 <= n_examples <= 20_000:
        raise ValueError(f"n_examples must lie in [10, 20000], got {n_examples!r}")
    rng = np.random.default_rng(seed)
    D, C = IMAGE_SIZE["n_features"], IMAGE_SIZE["n_classes"]
    X = rng.uniform(0.0, 16.0, (n_examples, D))
    y = rng.permutation(np.arange(n_examples) % C)
    W, b = init_params(C, D, method="small", scale=1e-3, seed=rng)
    objective = ParameterLoss(X, y, C, loss=loss, reg=reg)
    return objective, objective.theta(W, b)
