"""Gradient-descent update rules, learning-rate schedules and derivative-free searches.

Update rules share one signature   rule(params, grads, state, lr, **options) -> (new_params, new_state)
where params and grads are tuples of arrays (in practice (W, b)) and state is None on the first call.
Rules never validate (they run thousands of times per training run): the trainer calls
check_lr and check_options once up front. Nothing here mutates its inputs or uses the global RNG.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from linviz._checks import check_choice, check_nonnegative, check_positive

Params = tuple[np.ndarray, ...]
State = dict | None


# ---------------------------------------------------------------- update rules
def sgd(params: Params, grads: Params, state: State, lr: float) -> tuple[Params, State]:
    """Plain (stochastic) gradient descent: p <- p - lr * g. Stateless; each p keeps its shape."""
    return tuple(p - lr * g for p, g in zip(params, grads)), None


def momentum(params: Params, grads: Params, state: State, lr: float,
             mu: float = 0.9) -> tuple[Params, State]:
    """Classical momentum: v <- mu v - lr g; p <- p + v. State {"v": tuple shaped like params}."""
    if state is None:  # v starts at 0, so the first step is mu*0 - lr*g
        v = tuple(-lr * g for g in grads)
    else:
        v = tuple(mu * vi - lr * g for vi, g in zip(state["v"], grads))
    return tuple(p + vi for p, vi in zip(params, v)), {"v": v}


def nesterov(params: Params, grads: Params, state: State, lr: float,
             mu: float = 0.9) -> tuple[Params, State]:
    """Nesterov momentum, look-ahead form: p <- p - mu v_prev + (1 + mu) v. State {"v": tuple}.

    With the tracked variable being the look-ahead point p + mu v, the gradient at the
    look-ahead is just the gradient at the current params, so no extra evaluation is needed.
    """
    if state is None:  # v_prev = 0
        v = tuple(-lr * g for g in grads)
        return tuple(p + (1.0 + mu) * vi for p, vi in zip(params, v)), {"v": v}
    v_prev = state["v"]
    v = tuple(mu * vp - lr * g for vp, g in zip(v_prev, grads))
    new = tuple(p - mu * vp + (1.0 + mu) * vi for p, vp, vi in zip(params, v_prev, v))
    return new, {"v": v}


def adam(params: Params, grads: Params, state: State, lr: float, beta1: float = 0.9,
         beta2: float = 0.999, eps: float = 1e-8) -> tuple[Params, State]:
    """Adam with bias correction. State {"m": tuple, "v": tuple, "t": int} (t = steps taken)."""
    if state is None:  # m = v = 0, t = 0
        t = 1
        m = tuple((1.0 - beta1) * g for g in grads)
        v = tuple((1.0 - beta2) * (g * g) for g in grads)
    else:
        t = state["t"] + 1
        # exponential moving averages of the gradient and of its elementwise square
        m = tuple(beta1 * mi + (1.0 - beta1) * g for mi, g in zip(state["m"], grads))
        v = tuple(beta2 * vi + (1.0 - beta2) * (g * g) for vi, g in zip(state["v"], grads))
    # m, v start at 0 and are biased towards 0 early on; dividing by 1 - beta^t undoes that,
    # so the first step is lr * g / (|g| + eps), i.e. about lr per coordinate.
    c1 = 1.0 / (1.0 - beta1 ** t)
    c2 = 1.0 / (1.0 - beta2 ** t)
    new = tuple(p - lr * (mi * c1) / (np.sqrt(vi * c2) + eps) for p, mi, vi in zip(params, m, v))
    return new, {"m": m, "v": v, "t": t}


OPTIMIZERS: dict[str, Callable] = {"sgd": sgd, "momentum": momentum, "nesterov": nesterov, "adam": adam}
OPTIMIZER_OPTIONS: dict[str, dict[str, float]] = {
    "sgd": {},
    "momentum": {"mu": 0.9},
    "nesterov": {"mu": 0.9},
    "adam": {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
}


def get_optimizer(name: str) -> Callable:
    """Update rule by name (see OPTIMIZERS)."""
    return check_choice("optimizer", name, OPTIMIZERS)


def check_lr(lr: float) -> float:
    """lr as a float; ValueError unless 0 < lr < inf."""
    return check_positive("lr", lr)


# ---------------------------------------------------------------- option validation
def _unit_interval(name: str, value: float) -> float:
    value = check_nonnegative(name, value)
    if value >= 1:
        raise ValueError(f"{name} must lie in [0, 1), got {value!r}")
    return value


def _decay_factor(name: str, value: float) -> float:
    value = check_positive(name, value)
    if value > 1:
        raise ValueError(f"{name} must lie in (0, 1] so the learning rate never grows, got {value!r}")
    return value


def _check_int(name: str, value: int, minimum: int) -> int:
    is_int = isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
    if not (is_int and value >= minimum):
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


_OPTION_CHECKS: dict[str, Callable] = {
    "mu": _unit_interval, "beta1": _unit_interval, "beta2": _unit_interval, "eps": check_positive,
    "gamma": _decay_factor, "k": check_nonnegative,
    "step_size": lambda name, value: _check_int(name, value, 1),
}


def _check_options(kind: str, name: str, options: Mapping | None, table: Mapping) -> dict:
    check_choice(kind, name, table)
    defaults = table[name]
    options = {} if options is None else dict(options)
    unknown = sorted(set(options) - set(defaults))
    if unknown:
        valid = ", ".join(sorted(defaults)) or "(none)"
        raise ValueError(f"unknown option(s) {', '.join(map(repr, unknown))} for {kind} {name!r}; "
                         f"valid options are: {valid}")
    merged = {**defaults, **options}
    return {key: _OPTION_CHECKS[key](key, value) for key, value in merged.items()}


def check_options(name: str, options: Mapping | None = None) -> dict:
    """Validate an optimizer's options; return them merged over OPTIMIZER_OPTIONS[name]."""
    return _check_options("optimizer", name, options, OPTIMIZER_OPTIONS)


# ---------------------------------------------------------------- learning-rate schedules
# Each works for an int t (returns a float) and for an integer array t (returns an array).
def constant(lr0: float, t):
    """lr_t = lr0."""
    return lr0 + 0.0 * t


def step(lr0: float, t, gamma: float = 0.5, step_size: int = 100):
    """Step decay: multiply by gamma every step_size steps, lr0 * gamma ** (t // step_size)."""
    return lr0 * gamma ** (t // step_size)


def inverse_time(lr0: float, t, k: float = 0.01):
    """1/t decay: lr0 / (1 + k t); halves after t = 1/k steps."""
    return lr0 / (1.0 + k * t)


def exponential(lr0: float, t, gamma: float = 0.99):
    """Exponential decay: lr0 * gamma ** t."""
    return lr0 * gamma ** t


SCHEDULES: dict[str, Callable] = {
    "constant": constant, "step": step, "inverse_time": inverse_time, "exponential": exponential,
}
SCHEDULE_OPTIONS: dict[str, dict[str, float]] = {
    "constant": {},
    "step": {"gamma": 0.5, "step_size": 100},
    "inverse_time": {"k": 0.01},
    "exponential": {"gamma": 0.99},
}


def get_schedule(name: str) -> Callable:
    """Schedule by name (see SCHEDULES)."""
    return check_choice("schedule", name, SCHEDULES)


def check_schedule_options(name: str, options: Mapping | None = None) -> dict:
    """Validate a schedule's options; return them merged over SCHEDULE_OPTIONS[name]."""
    return _check_options("schedule", name, options, SCHEDULE_OPTIONS)


def schedule_values(name: str, lr0: float, steps: int, **options) -> np.ndarray:
    """Learning rates lr_0 .. lr_{steps-1}, shape (steps,)."""
    fn = get_schedule(name)
    options = check_schedule_options(name, options)
    lr0 = check_lr(lr0)
    steps = _check_int("steps", steps, 0)
    t = np.arange(steps)
    return np.asarray(fn(lr0, t, **options), dtype=float)


# ---------------------------------------------------------------- derivative-free search
@dataclass(frozen=True)
class SearchResult:
    """Outcome of a derivative-free search."""

    best_x: np.ndarray  # shaped like x0
    best_loss: float  # f(best_x); inf if f never returned a finite value
    best_so_far: np.ndarray  # (evaluations,) best loss after each call to f
    evaluations: int  # calls to f, always <= budget
    trajectory: np.ndarray  # (k, *x0.shape): every new best point, in order; [0] is the first evaluated


class _Tracker:
    """Counts calls to f and records the running best; refuses to exceed the budget."""

    def __init__(self, f: Callable, budget: int):
        self.f, self.budget = f, budget
        self.best_x: np.ndarray | None = None
        self.best_loss = math.inf
        self.history: list[float] = []
        self.trajectory: list[np.ndarray] = []

    @property
    def remaining(self) -> int:
        return self.budget - len(self.history)

    def __call__(self, x: np.ndarray) -> float:
        if len(self.history) >= self.budget:  # structural guarantee: f is never called past budget
            raise RuntimeError("internal error: search tried to exceed its evaluation budget")
        raw = self.f(x.copy())  # a copy: f may not scribble on our points
        try:
            loss = float(raw)
        except (TypeError, ValueError):
            raise ValueError(f"f must return a single number, got {raw!r}") from None
        if not math.isfinite(loss):  # NaN / inf are never selected
            loss = math.inf
        if self.best_x is None or loss < self.best_loss:
            self.best_x, self.best_loss = x, loss
            self.trajectory.append(x)
        self.history.append(self.best_loss)
        return loss

    def result(self) -> SearchResult:
        return SearchResult(best_x=self.best_x.copy(), best_loss=self.best_loss,
                            best_so_far=np.array(self.history), evaluations=len(self.history),
                            trajectory=np.array(self.trajectory))


def _start(x0, budget) -> tuple[np.ndarray, int]:
    x0 = np.array(x0, dtype=float)  # a copy, so the caller's x0 is never touched
    if not np.all(np.isfinite(x0)):
        raise ValueError("x0 must be finite (no NaN or inf)")
    return x0, _check_int("budget", budget, 1)


def random_search(f: Callable, x0, *, budget: int = 1000, scale: float = 1.0,
                  seed: int | np.random.Generator = 0) -> SearchResult:
    """Evaluate x0, then budget - 1 independent draws scale * N(0, I) shaped like x0; keep the best."""
    x0, budget = _start(x0, budget)
    scale = check_positive("scale", scale)
    rng = np.random.default_rng(seed)
    track = _Tracker(f, budget)
    track(x0)
    while track.remaining > 0:
        track(scale * rng.standard_normal(x0.shape))
    return track.result()


def random_local_search(f: Callable, x0, *, budget: int = 1000, step_size: float = 0.1,
                        seed: int | np.random.Generator = 0) -> SearchResult:
    """Hill climbing: try best + step_size * N(0, I), keep it only if the loss strictly drops."""
    x0, budget = _start(x0, budget)
    step_size = check_positive("step_size", step_size)
    rng = np.random.default_rng(seed)
    track = _Tracker(f, budget)
    track(x0)
    while track.remaining > 0:
        track(track.best_x + step_size * rng.standard_normal(x0.shape))
    return track.result()


def genetic_search(f: Callable, x0, *, budget: int = 1000, population: int = 20, elite: int = 4,
                   mutation: float = 0.1, seed: int | np.random.Generator = 0) -> SearchResult:
    """Elitist genetic algorithm: keep the `elite` fittest, refill by uniform crossover + mutation.

    Generation 0 is x0 plus population - 1 copies of x0 + mutation * N(0, I). Each later
    generation keeps the elite (not re-evaluated) and breeds population - elite children:
    every coordinate comes from one of two random elite parents, then N(0, mutation^2) noise
    is added. The last generation is cut short so f is called exactly `budget` times.
    """
    x0, budget = _start(x0, budget)
    population = _check_int("population", population, 2)
    elite = _check_int("elite", elite, 1)
    if elite >= population:
        raise ValueError(f"elite must lie in [1, population - 1] = [1, {population - 1}], got {elite}")
    mutation = check_nonnegative("mutation", mutation)
    rng = np.random.default_rng(seed)
    track = _Tracker(f, budget)

    pop = [x0] + [x0 + mutation * rng.standard_normal(x0.shape) for _ in range(population - 1)]
    pop = pop[:budget]
    losses = [track(x) for x in pop]
    while track.remaining > 0:
        order = np.argsort(losses, kind="stable")[:elite]  # inf (NaN) losses sort last
        parents = [pop[i] for i in order]
        pop, losses = parents, [losses[i] for i in order]
        for _ in range(min(population - elite, track.remaining)):
            a, b = rng.integers(elite, size=2)
            mask = rng.random(x0.shape) < 0.5  # uniform crossover: a fair coin per coordinate
            child = np.where(mask, parents[a], parents[b]) + mutation * rng.standard_normal(x0.shape)
            pop.append(child)
            losses.append(track(child))
    return track.result()


SEARCHES: dict[str, Callable] = {
    "random": random_search, "random_local": random_local_search, "genetic": genetic_search,
}


def get_search(name: str) -> Callable:
    """Search by name (see SEARCHES)."""
    return check_choice("search", name, SEARCHES)
