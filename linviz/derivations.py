"""The slides' two derived update rules, with every intermediate number of the derivation.

Least squares, f(w, x) = w^T x:
    L = sum_k (y_k - w^T x_k)^2,   dL/dw_j = -2 sum_k delta_k x_kj,   delta_k = y_k - w^T x_k
    w_j <- w_j + 2 alpha sum_k delta_k x_kj
The sigmoid unit, f(x) = sigma(w^T x) with sigma(z) = 1 / (1 + e^-z) and sigma'(z) = sigma(z) (1 - sigma(z)):
    L = sum_i (y_i - sigma_i)^2,   dL/dw_j = -2 sum_i delta_i sigma_i (1 - sigma_i) x_ij,   delta_i = y_i - sigma_i
    w_j <- w_j + 2 alpha sum_i delta_i sigma_i (1 - sigma_i) x_ij
Both are one rule for a unit f with its derivative f' beside it (as an activation function):
    w_j <- w_j + 2 alpha sum_i delta_i f'(d_i) x_ij,   d_i = w^T x_i,   f' = 1 (linear) or sigma (1 - sigma).

Note: the slides SUM over examples; linviz.losses and the classifier pages AVERAGE (L = (1/N) sum_i L_i).
The same step therefore needs a learning rate N times smaller here: alpha_sum = alpha_mean / N.
The data sets carry a constant 1 as their last feature (the bias trick), so w ends with the intercept.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from linviz._checks import check_choice, check_nonnegative

MAX_N, MAX_STEPS, MAX_ALPHA = 1000, 10_000, 100.0


# ---------------------------------------------------------------- data sets: (n, *, noise, seed) -> (X, y)
def _setup(n: int, noise: float, seed: int) -> tuple[np.random.Generator, float]:
    if not isinstance(n, (int, np.integer)) or not 2 <= n <= MAX_N:
        raise ValueError(f"n must be an int from 2 to {MAX_N}, got {n!r}")
    noise = check_nonnegative("noise", noise)
    return np.random.default_rng(seed), noise


def _with_bias(*columns) -> np.ndarray:
    return np.column_stack([*columns, np.ones(len(columns[0]))])


def line(n: int = 20, *, noise: float = 0.5, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """1-D regression: X (n, 2) = [x, 1], y (n,) = 1.5 x - 0.5 + noise, x in [-3, 3]."""
    rng, noise = _setup(n, noise, seed)
    x = rng.uniform(-3, 3, n)
    return _with_bias(x), 1.5 * x - 0.5 + noise * rng.standard_normal(n)


def plane(n: int = 30, *, noise: float = 0.5, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """2-D regression: X (n, 3) = [x1, x2, 1], y (n,) = x1 - 2 x2 + 0.5 + noise."""
    rng, noise = _setup(n, noise, seed)
    x1, x2 = rng.uniform(-3, 3, (2, n))
    return _with_bias(x1, x2), x1 - 2.0 * x2 + 0.5 + noise * rng.standard_normal(n)


def binary_line(n: int = 30, *, noise: float = 0.5, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """1-D binary: X (n, 2) = [x, 1], y (n,) in {0, 1}: 1 where x + noise > 0.5 (the classes overlap)."""
    rng, noise = _setup(n, noise, seed)
    x = rng.uniform(-3, 3, n)
    return _with_bias(x), (x + noise * rng.standard_normal(n) > 0.5).astype(float)


def binary_plane(n: int = 40, *, noise: float = 0.5, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """2-D binary: X (n, 3) = [x1, x2, 1], y (n,) in {0, 1}: blobs around (-1, -1) and (1, 1)."""
    rng, noise = _setup(n, noise, seed)
    y = rng.permutation(np.arange(n) % 2).astype(float)
    centres = np.where(y[:, None] == 1, 1.0, -1.0)
    x = centres + (noise + 0.3) * rng.standard_normal((n, 2))
    return _with_bias(x[:, 0], x[:, 1]), y


DATA: dict[str, Callable[..., tuple[np.ndarray, np.ndarray]]] = {
    "line": line, "plane": plane, "binary_line": binary_line, "binary_plane": binary_plane,
}


# ---------------------------------------------------------------- units: each function beside its derivative
def sigmoid(z) -> np.ndarray:
    """1 / (1 + e^-z), written with e^-|z| <= 1 so that no exponent overflows."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_prime(z) -> np.ndarray:
    """sigma'(z) = sigma(z) (1 - sigma(z)): differentiate (1 + e^-z)^-1 and write e^-z / (1 + e^-z) = 1 - sigma."""
    s = sigmoid(z)
    return s * (1.0 - s)


def _linear(d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return d, np.ones_like(d)  # f(d) = d, f'(d) = 1


def _sigmoid(d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return sigmoid(d), sigmoid_prime(d)


RULES: dict[str, Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]] = {
    "least_squares": _linear, "sigmoid": _sigmoid,
}


@dataclass(frozen=True, eq=False)
class RuleStep:
    """One step of a rule at w (D,) on X (N, D), y (N,): every quantity of the slide's derivation."""

    rule: str
    w: np.ndarray  # (D,)
    d: np.ndarray  # (N,) d_i = sum_k w_k x_ik = w^T x_i
    output: np.ndarray  # (N,) f(d_i): w^T x_i (least squares) or sigma_i
    delta: np.ndarray  # (N,) delta_i = y_i - f(d_i)
    slope: np.ndarray  # (N,) f'(d_i): 1 or sigma_i (1 - sigma_i)
    terms: np.ndarray  # (N, D) delta_i f'(d_i) x_ij; column j holds the terms of the sum for w_j
    loss: float  # sum_i delta_i^2
    gradient: np.ndarray  # (D,) dL/dw_j = -2 sum_i terms_ij
    alpha: float
    w_new: np.ndarray  # (D,) w_j + 2 alpha sum_i terms_ij  (= w - alpha * gradient)


def _check(w, X, y) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    X, y, w = (np.asarray(a, dtype=float) for a in (X, y, w))
    if X.ndim != 2 or y.shape != (X.shape[0],) or w.shape != (X.shape[1],):
        raise ValueError(f"need X (N, D), y (N,), w (D,); got X {X.shape}, y {y.shape}, w {w.shape}")
    if not (np.isfinite(X).all() and np.isfinite(y).all() and np.isfinite(w).all()):
        raise ValueError("X, y and w must be finite")
    return w, X, y


def rule_step(rule: str, w, X, y, *, alpha: float = 0.01) -> RuleStep:
    """One gradient-descent step of RULES[rule] (least_squares or sigmoid), with its intermediates."""
    unit = check_choice("rule", rule, RULES)
    w, X, y = _check(w, X, y)
    alpha = check_nonnegative("alpha", alpha)
    if alpha > MAX_ALPHA:
        raise ValueError(f"alpha must lie in [0, {MAX_ALPHA:g}], got {alpha!r}")
    d = X @ w
    output, slope = unit(d)
    delta = y - output
    terms = (delta * slope)[:, None] * X  # chain rule: d(y - f(d))^2 / dw_j = -2 delta f'(d) x_j
    total = terms.sum(axis=0)
    return RuleStep(rule=rule, w=w, d=d, output=output, delta=delta, slope=slope, terms=terms,
                    loss=float(delta @ delta), gradient=-2.0 * total, alpha=alpha, w_new=w + 2.0 * alpha * total)


def rule_loss(rule: str, w, X, y) -> float:
    """L(w) = sum_i (y_i - f(w^T x_i))^2 of RULES[rule]."""
    w, X, y = _check(w, X, y)
    delta = y - check_choice("rule", rule, RULES)(X @ w)[0]
    return float(delta @ delta)


@dataclass(frozen=True, eq=False)
class Descent:
    """T steps of a rule: w (T + 1, D) and loss (T + 1,) before each step and after the last."""

    rule: str
    alpha: float
    w: np.ndarray
    loss: np.ndarray
    diverged_at: int | None  # the first step whose w or loss is not finite (the arrays stop there)


def descend(rule: str, w0, X, y, *, alpha: float = 0.01, steps: int = 100) -> Descent:
    """Apply rule_step `steps` times from w0 (at most MAX_STEPS); stops at the first non-finite value."""
    if not isinstance(steps, (int, np.integer)) or not 0 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be an int from 0 to {MAX_STEPS}, got {steps!r}")
    step = rule_step(rule, w0, X, y, alpha=alpha)
    ws, losses = [step.w], [step.loss]
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, steps + 1):
            if not np.isfinite(step.w_new).all():
                return Descent(rule, step.alpha, np.array(ws), np.array(losses), t)
            step = rule_step(rule, step.w_new, X, y, alpha=alpha)
            if not np.isfinite(step.loss):
                return Descent(rule, step.alpha, np.array(ws), np.array(losses), t)
            ws.append(step.w)
            losses.append(step.loss)
    return Descent(rule, step.alpha, np.array(ws), np.array(losses), None)


@dataclass(frozen=True, eq=False)
class SigmoidCurves:
    """sigma, sigma' = sigma (1 - sigma) and the centered difference quotient of sigma, on z (n,)."""

    z: np.ndarray
    sigma: np.ndarray
    sigma_prime: np.ndarray
    numerical: np.ndarray
    h: float


def sigmoid_curves(lo: float = -6.0, hi: float = 6.0, n: int = 121, *, h: float = 1e-5) -> SigmoidCurves:
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi and 2 <= n <= 2001 and 0 < h <= 1):
        raise ValueError(f"need finite lo < hi, 2 <= n <= 2001 and 0 < h <= 1; got {lo}, {hi}, {n}, {h}")
    z = np.linspace(lo, hi, n)
    return SigmoidCurves(z, sigmoid(z), sigmoid_prime(z), (sigmoid(z + h) - sigmoid(z - h)) / (2 * h), h)
