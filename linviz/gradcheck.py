"""Numerical gradients and the gradient check, as on the lecture slides."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from linviz._checks import check_positive

METHODS = ("centered", "forward")


@dataclass(frozen=True)
class TraceStep:
    """One coordinate of the slide's walkthrough: W + h in dimension `index`."""

    index: tuple[int, ...]
    x: float  # x_i
    x_plus_h: float  # x_i + h
    f_x: float  # f(x)
    f_x_plus_h: float  # f(x + h e_i)
    slope: float  # (f(x + h e_i) - f(x)) / h


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; valid names are: {', '.join(METHODS)}")


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, *, h: float = 1e-5,
                       method: str = "centered") -> np.ndarray:
    """Finite-difference gradient of f at x, shaped like x.

    centered: (f(x + h) - f(x - h)) / 2h   error O(h^2)
    forward:  (f(x + h) - f(x)) / h        error O(h), the slide's definition
    x is restored after every probe; f sees a float copy of x.
    """
    _check_method(method)
    h = check_positive("h", h)
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    fx = float(f(x)) if method == "forward" else None
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        f_plus = float(f(x))
        if method == "centered":
            x[idx] = old - h
            f_minus = float(f(x))
            grad[idx] = (f_plus - f_minus) / (2 * h)
        else:
            grad[idx] = (f_plus - fx) / h
        x[idx] = old
    return grad


def gradient_trace(f: Callable[[np.ndarray], float], x: np.ndarray, *, h: float = 1e-4,
                   max_steps: int | None = None) -> list[TraceStep]:
    """The slide's walkthrough, one coordinate at a time, with forward differences."""
    h = check_positive("h", h)
    x = np.array(x, dtype=float)
    fx = float(f(x))
    steps = []
    for k, idx in enumerate(np.ndindex(x.shape)):
        if max_steps is not None and k >= max_steps:
            break
        old = x[idx]
        x[idx] = old + h
        f_plus = float(f(x))
        x[idx] = old
        steps.append(TraceStep(idx, float(old), float(old + h), fx, f_plus, (f_plus - fx) / h))
    return steps


def relative_error(a, b) -> float:
    """max |a - b| / max(|a| + |b|, tiny): 0 for equal arrays, 1 for opposite ones."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} vs {b.shape}")
    denom = np.maximum(np.abs(a) + np.abs(b), 1e-300)
    err = np.abs(a - b) / denom
    err[(a == 0) & (b == 0)] = 0.0
    return float(err.max()) if err.size else 0.0


def check_gradient(f: Callable[[np.ndarray], float], analytic: np.ndarray, x: np.ndarray, *,
                   h: float = 1e-5) -> float:
    """Relative error between an analytic gradient and the centered numerical one."""
    return relative_error(analytic, numerical_gradient(f, x, h=h))
