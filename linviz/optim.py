"""Gradient-descent update rules (sgd, momentum, nesterov, adam, rmsprop) and learning-rate schedules
(the derivative-free searches are in linviz.derivative_free).

Update rules share one signature   rule(params, grads, state, lr, **options) -> (new_params, new_state)
where params and grads are tuples of arrays (in practice (W, b)) and state is None on the first call.
Rules never validate (they run thousands of times per training run): the trainer calls
check_lr and check_options once up front. Nothing here mutates its inputs or uses the global RNG.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

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


def rmsprop(params: Params, grads: Params, state: State, lr: float, rho: float = 0.9,
            eps: float = 1e-8) -> tuple[Params, State]:
    """RMSProp (Hinton): v <- rho v + (1 - rho) g^2; p <- p - lr g / (sqrt(v) + eps). State {"v": tuple}.

    Each coordinate's step is divided by a running root-mean-square of its own gradients, so steep
    and flat directions move at similar speeds. v starts at 0 and is not bias-corrected (Adam is
    RMSProp plus momentum plus that correction): the first step is lr / sqrt(1 - rho) per coordinate.
    """
    if state is None:  # v = 0
        v = tuple((1.0 - rho) * (g * g) for g in grads)
    else:
        v = tuple(rho * vi + (1.0 - rho) * (g * g) for vi, g in zip(state["v"], grads))
    return tuple(p - lr * g / (np.sqrt(vi) + eps) for p, g, vi in zip(params, grads, v)), {"v": v}


OPTIMIZERS: dict[str, Callable] = {
    "sgd": sgd, "momentum": momentum, "nesterov": nesterov, "adam": adam, "rmsprop": rmsprop,
}
OPTIMIZER_OPTIONS: dict[str, dict[str, float]] = {
    "sgd": {},
    "momentum": {"mu": 0.9},
    "nesterov": {"mu": 0.9},
    "adam": {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
    "rmsprop": {"rho": 0.9, "eps": 1e-8},
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
    "mu": _unit_interval, "beta1": _unit_interval, "beta2": _unit_interval, "rho": _unit_interval,
    "eps": check_positive,
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
