"""linviz.search as it was before the batched loss-only evaluations (issue 14 item 1): every search point and every
finite-difference probe one call of the full kernel (loss and gradient). Kept verbatim (but for the import of the
naive searches) as the naive twin of tests/test_search_batched.py and the "before" of benchmarks/bench_worst_case.py."""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from linviz import optim
from linviz._checks import check_choice, check_data, check_nonnegative, check_positive
from linviz.gradcheck import numerical_gradient
from linviz.losses import PENALTIES, ClassMajor, canonical_loss_name
from linviz.model import start_params
from tests import naive_derivative_free as derivative_free

METHODS = ("random", "random_local", "genetic", "numerical_gd", "analytic_gd")
RACE_OPTIONS: dict[str, dict[str, float]] = {
    "random": {"scale": 1.0},
    "random_local": {"step_size": 0.2},
    "genetic": {"population": 20, "elite": 4, "mutation": 0.2},
    "numerical_gd": {"lr": 0.3, "h": 1e-5},
    "analytic_gd": {"lr": 0.3},
}


@dataclass(frozen=True)
class RaceRun:
    """One method's run: K records of its current answer, and the M points it drew or visited."""

    method: str
    budget: int
    seed: int
    evaluations: np.ndarray  # (K,) int: loss evaluations used when the record was taken; [0] = 0
    seconds: np.ndarray  # (K,) wall-clock time since the start
    loss: np.ndarray  # (K,) objective of the current answer
    accuracy: np.ndarray  # (K,) its training accuracy
    W: np.ndarray  # (K, C, D) the current answer
    b: np.ndarray  # (K, C)
    sample_W: np.ndarray  # (M, C, D) searches: every point evaluated; GD: every iterate
    sample_b: np.ndarray  # (M, C)
    sample_loss: np.ndarray  # (M,)
    sample_iteration: np.ndarray  # (M,) int: the iteration / generation / step of each point
    measurements: int  # uncounted evaluations made only to record GD's answer

    def loss_at(self, evaluations: int) -> float:
        """The loss of the answer after at most `evaluations` evaluations."""
        return float(self.loss[np.searchsorted(self.evaluations, evaluations, side="right") - 1])


@dataclass(frozen=True)
class Race:
    runs: tuple  # one RaceRun per method, in the order asked
    n_parameters: int  # P = C (D + 1)
    budget: int
    seed: int

    def run(self, method: str) -> RaceRun:
        return check_choice("method", method, {r.method: r for r in self.runs})


class _Objective:
    """The objective at a parameter block theta = [W | b] (C, D + 1), counting and timing every call."""

    def __init__(self, X, y, kind, reg, penalty, margin, C):
        self.kernel = ClassMajor(kind, X, y, C, reg, penalty, margin)
        self.N, self.D = X.shape
        self.calls = 0  # counted evaluations
        self.measurements = 0  # uncounted ones, made only to record an answer
        self.t0 = time.perf_counter()
        self.times: list[float] = []  # when each counted call ended
        self.accuracy: list[float] = []  # of each counted call's point

    def evaluate(self, theta, counted: bool = True):
        """(loss, (dW, db), accuracy) at theta; one pass gives all three. Call under np.errstate."""
        loss, dW, db, n_correct = self.kernel(theta[:, :self.D], theta[:, self.D])
        loss = float(loss) if np.isfinite(loss) else np.inf
        if counted:
            self.calls += 1
            self.times.append(self.elapsed())
            self.accuracy.append(n_correct / self.N)
        else:
            self.measurements += 1
        return loss, (dW, db), n_correct / self.N

    def __call__(self, theta) -> float:
        """A counted evaluation of the loss alone (what a search or a finite difference asks for)."""
        return self.evaluate(theta)[0]

    def elapsed(self) -> float:
        return time.perf_counter() - self.t0


def _tick(progress, method, done, budget):
    if progress is not None and (done == budget or done % max(1, budget // 20) == 0):
        progress(method, done, budget)


def _run(method, budget, seed, evals, seconds, loss, acc, thetas, samples, sample_loss, sample_iter,
         objective) -> RaceRun:
    D = objective.D
    thetas, samples = np.asarray(thetas), np.asarray(samples)
    return RaceRun(method=method, budget=budget, seed=seed, evaluations=np.asarray(evals, dtype=int),
                   seconds=np.asarray(seconds, dtype=float), loss=np.asarray(loss, dtype=float),
                   accuracy=np.asarray(acc, dtype=float), W=thetas[:, :, :D].copy(), b=thetas[:, :, D].copy(),
                   sample_W=samples[:, :, :D].copy(), sample_b=samples[:, :, D].copy(),
                   sample_loss=np.asarray(sample_loss, dtype=float),
                   sample_iteration=np.asarray(sample_iter, dtype=int), measurements=objective.measurements)


def _search_run(name, objective, theta0, budget, seed, progress, **options) -> RaceRun:
    f = objective
    if progress is not None:
        def f(theta):
            value = objective(theta)
            _tick(progress, name, objective.calls, budget)
            return value
    start_loss, _, start_acc = objective.evaluate(theta0, counted=False)  # record 0, a look at the start
    res = derivative_free.get_search(name)(f, theta0, budget=budget, seed=seed, **options)
    best = res.best_index
    acc = np.asarray(objective.accuracy)
    return _run(name, budget, seed, np.arange(budget + 1), [0.0, *objective.times],
                [start_loss, *res.best_so_far], [start_acc, *acc[best]], [theta0, *res.samples[best]],
                res.samples, res.losses, res.iteration, objective)


def _gd_run(name, objective, theta0, budget, seed, progress, lr, h=None) -> RaceRun:
    """Gradient descent theta <- theta - lr * gradient within the budget (h: numerical, else analytic)."""
    analytic = h is None
    cost = 1 if analytic else 2 * theta0.size
    steps = budget // cost
    theta = theta0.copy()
    # record 0: the start. With the analytic gradient this is also the first step's counted evaluation.
    loss, grad, acc = objective.evaluate(theta, counted=analytic and steps > 0)
    evals, seconds, losses, accs, thetas = [0], [0.0], [loss], [acc], [theta.copy()]
    for k in range(steps):
        if analytic:  # (dW, db) from the last evaluation, as one block [dW | db]
            grad = np.hstack([grad[0], grad[1][:, None]])
        else:
            grad = numerical_gradient(objective, theta, h=h)  # 2P counted evaluations
        theta = theta - lr * grad
        # the new point's loss: counted when its gradient is the next step's, else a measurement
        loss, grad, acc = objective.evaluate(theta, counted=analytic and objective.calls < budget)
        evals.append((k + 1) * cost)
        seconds.append(objective.elapsed())
        losses.append(loss)
        accs.append(acc)
        thetas.append(theta.copy())
        _tick(progress, name, (k + 1) * cost, steps * cost)
        if loss == np.inf or not np.all(np.isfinite(theta)):  # diverged (as train() defines it): stop here
            break
    return _run(name, budget, seed, evals, seconds, losses, accs, thetas, thetas, losses, np.arange(len(thetas)),
                objective)


def _numerical_gd(objective, theta0, budget, seed, progress, lr=0.3, h=1e-5) -> RaceRun:
    return _gd_run("numerical_gd", objective, theta0, budget, seed, progress, check_positive("lr", lr),
                   check_positive("h", h))


def _analytic_gd(objective, theta0, budget, seed, progress, lr=0.3) -> RaceRun:
    return _gd_run("analytic_gd", objective, theta0, budget, seed, progress, check_positive("lr", lr))


def _searcher(name):
    def racer(objective, theta0, budget, seed, progress, **options) -> RaceRun:
        return _search_run(name, objective, theta0, budget, seed, progress, **options)
    return racer


# one signature: racer(objective, theta0 (C, D + 1), budget, seed, progress, **options) -> RaceRun
RACERS: dict[str, Callable[..., RaceRun]] = {
    "random": _searcher("random"), "random_local": _searcher("random_local"), "genetic": _searcher("genetic"),
    "numerical_gd": _numerical_gd, "analytic_gd": _analytic_gd,
}


def _options(method: str, options) -> dict:
    given = dict(options or {})
    unknown = sorted(set(given) - set(RACE_OPTIONS[method]))
    if unknown:
        valid = ", ".join(sorted(RACE_OPTIONS[method]))
        raise ValueError(f"unknown option(s) {', '.join(map(repr, unknown))} for {method!r}; valid: {valid}")
    return {**RACE_OPTIONS[method], **given}


def race(X, y, *, W0=None, b0=None, n_classes: int | None = None, loss: str = "softmax", reg: float = 0.01,
         penalty: str = "l2", margin: float = 1.0, budget: int = 1000, seed: int = 0, methods=METHODS,
         options: dict | None = None,
         progress: Callable[[str, int, int], None] | None = None) -> Race:
    """Race `methods` from (W0, b0) (default: the seed's small initialization) on X (N, D), y (N,).

    options = {method: {option: value}} overrides RACE_OPTIONS; progress(method, done, total) is
    called about 20 times per method.
    """
    kind = canonical_loss_name(loss)
    X, y = check_data(X, y)
    W0, b0 = start_params(X, y, W0, b0, n_classes=n_classes, seed=seed)
    if y.max() >= W0.shape[0]:
        raise ValueError(f"labels y must lie in [0, {W0.shape[0]}), got max label {y.max()}")
    reg, margin = check_nonnegative("reg", reg), check_nonnegative("margin", margin)
    check_choice("penalty", penalty, PENALTIES)
    budget = optim._check_int("budget", budget, 1)
    methods = tuple(methods)
    for m in methods:
        check_choice("method", m, RACERS)
    options = dict(options or {})
    for m in options:
        check_choice("method", m, RACERS)
    theta0 = np.hstack([W0, b0[:, None]])
    runs = []
    for m in methods:
        objective = _Objective(X, y, kind, reg, penalty, margin, W0.shape[0])
        with np.errstate(all="ignore"):  # a diverging GD run is recorded (loss inf), not a warning
            runs.append(RACERS[m](objective, theta0.copy(), budget, seed, progress, **_options(m, options.get(m))))
    return Race(runs=tuple(runs), n_parameters=theta0.size, budget=budget, seed=int(seed))
