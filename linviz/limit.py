"""The limit h -> 0 in f'(a) = lim (f(a + h) - f(a)) / h, along one coordinate of a loss.

coordinate_curve  L along coordinate k: the 1-D curve t -> L(x + (t - a) e_k), a = x_k
secant            the line through (a, L(a)) and (a + h, L(a + h)) (centered: a - h and a + h), which
                  turns into the tangent as h shrinks
error_sweep       |difference quotient - f'(a)| over a log grid of h. On the right the truncation error of
                  Taylor's formula, ~ h f''/2 (forward, slope 1 on log-log axes) or ~ h^2 f'''/6 (centered,
                  slope 2); on the left round-off, ~ eps |f| / h (slope -1): f(a + h) and f(a) agree in
                  more and more leading digits and their difference keeps only the rounding noise. The
                  best h lies in between (about sqrt(eps) forward, eps^(1/3) centered, times a scale).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from linviz._checks import check_choice, check_positive
from linviz.gradcheck import H_RANGE, check_h, check_method

DTYPES = {"float64": np.float64, "float32": np.float32}
MAX_POINTS = 2001  # the most points a curve or sweep evaluates


def h_grid(lo: float = H_RANGE[0], hi: float = H_RANGE[1], per_decade: int = 4) -> np.ndarray:
    """Log-spaced step sizes from lo to hi, `per_decade` per factor of 10 (49 by default)."""
    lo, hi = check_h(lo), check_h(hi)
    if not 1 <= per_decade <= 20 or lo >= hi:
        raise ValueError(f"need lo < hi and 1 <= per_decade <= 20, got {lo:g}, {hi:g}, {per_decade!r}")
    return np.logspace(np.log10(lo), np.log10(hi), int(round(np.log10(hi / lo) * per_decade)) + 1)


def _coordinate(x, k: int) -> tuple[np.ndarray, int]:
    x = np.array(x, dtype=float)
    if not 0 <= int(k) < x.size:
        raise ValueError(f"coordinate k must lie in [0, {x.size - 1}], got {k!r}")
    return x, int(k)


def _at(f, x: np.ndarray, k: int, value) -> float:
    """f at x with coordinate k replaced by value (x is left as it was)."""
    probe = x.copy()
    probe.flat[k] = value
    return f(probe)


@dataclass(frozen=True, eq=False)
class Curve:
    """L along coordinate k: t (n,) the values of x_k, loss (n,) L there; a = x_k now."""

    k: int
    a: float
    loss_a: float
    t: np.ndarray
    loss: np.ndarray


def coordinate_curve(f: Callable[[np.ndarray], float], x: np.ndarray, k: int, *, width: float = 1.0,
                     n: int = 201) -> Curve:
    """L(x + (t - a) e_k) for n values of t in [a - width, a + width]."""
    x, k = _coordinate(x, k)
    width = check_positive("width", width)
    if not 3 <= n <= MAX_POINTS:
        raise ValueError(f"n must lie in [3, {MAX_POINTS}], got {n!r}")
    a = float(x.flat[k])
    t = np.linspace(a - width, a + width, n)
    return Curve(k=k, a=a, loss_a=float(f(x)), t=t, loss=np.array([float(_at(f, x, k, v)) for v in t]))


@dataclass(frozen=True)
class Secant:
    """The secant through (left, loss_left) and (right, loss_right); `exact` is the tangent's slope."""

    a: float
    loss_a: float
    h: float
    method: str
    left: float  # a (forward) or a - h (centered)
    right: float  # a + h
    loss_left: float
    loss_right: float
    slope: float  # the difference quotient
    exact: float | None = None

    def line(self, t) -> np.ndarray:
        """The secant's values at t."""
        return self.loss_left + self.slope * (np.asarray(t, dtype=float) - self.left)

    def tangent(self, t) -> np.ndarray:
        """The tangent at a (needs `exact`)."""
        if self.exact is None:
            raise ValueError("the tangent needs the exact derivative: pass exact= to secant()")
        return self.loss_a + self.exact * (np.asarray(t, dtype=float) - self.a)


def secant(f: Callable[[np.ndarray], float], x: np.ndarray, k: int, h: float, *, method: str = "forward",
           exact: float | None = None) -> Secant:
    x, k = _coordinate(x, k)
    h, method = check_h(h), check_method(method)
    a = float(x.flat[k])
    loss_a = float(f(x))
    left = a if method == "forward" else a - h
    loss_left = loss_a if method == "forward" else float(_at(f, x, k, left))
    loss_right = float(_at(f, x, k, a + h))
    slope = (loss_right - loss_left) / (h if method == "forward" else 2 * h)
    return Secant(a, loss_a, h, method, left, a + h, loss_left, loss_right, slope,
                  None if exact is None else float(exact))


@dataclass(frozen=True, eq=False)
class ErrorSweep:
    """The error of the difference quotient at each h (H,), and its two regimes."""

    h: np.ndarray  # (H,)
    estimate: np.ndarray  # (H,) the difference quotient, computed in `dtype`
    error: np.ndarray  # (H,) |estimate - exact|
    roundoff_bound: np.ndarray  # (H,) eps |f| / h (forward) or eps |f| / 2h (centered)
    truncation: np.ndarray  # (H,) bool: error > 100 x the round-off bound
    roundoff: np.ndarray  # (H,) bool: the truncation line is < 1/100 of the bound, and the quotient resolved
    truncation_slope: float  # fitted on log-log axes over `truncation` (NaN if < 3 points)
    truncation_coef: float  # the fitted line: error = coef * h ** slope
    roundoff_slope: float  # fitted over `roundoff` (NaN if < 3 points)
    best_h: float
    best_error: float
    exact: float
    method: str
    dtype: str


def _fit(h: np.ndarray, error: np.ndarray) -> tuple[float, float]:
    """(slope, coef) of log10(error) = slope log10(h) + log10(coef); NaN with fewer than 3 points."""
    if h.size < 3:
        return float("nan"), float("nan")
    slope, intercept = np.polyfit(np.log10(h), np.log10(error), 1)
    return float(slope), float(10.0 ** intercept)


def error_sweep(f: Callable[[np.ndarray], float], x: np.ndarray, k: int, *, exact: float,
                method: str = "forward", dtype: str = "float64", hs: np.ndarray | None = None) -> ErrorSweep:
    """The error of the forward or centered quotient against h, in float64 or float32.

    x is rounded to `dtype`, f is called with a `dtype` array and its value rounded to `dtype`; x_k + h and
    the quotient are computed in `dtype`. (A loss that computes in float64 inside, like linviz.losses,
    then shows float32 storage: its values keep 24 bits.)  hs default: h_grid().
    """
    x, k = _coordinate(x, k)
    method = check_method(method)
    real = check_choice("dtype", dtype, DTYPES)
    hs = h_grid() if hs is None else np.array([check_h(h) for h in np.ravel(hs)])
    if hs.size > MAX_POINTS:
        raise ValueError(f"a sweep evaluates at most {MAX_POINTS} step sizes, got {hs.size}")
    exact = float(exact)
    xd = x.astype(real)
    a = xd.flat[k]
    f_a = real(f(xd))
    estimate, bound, resolved = (np.empty(hs.size) for _ in range(3))
    for i, h in enumerate(hs):
        hd = real(h)
        f_plus = real(_at(f, xd, k, a + hd))
        f_other = f_a if method == "forward" else real(_at(f, xd, k, a - hd))
        estimate[i] = (f_plus - f_other) / (hd if method == "forward" else real(2) * hd)
        bound[i] = np.finfo(real).eps * max(abs(float(f_plus)), abs(float(f_other))) / (
            h if method == "forward" else 2 * h)
        resolved[i] = f_plus != f_other
    error = np.abs(estimate - exact)
    truncation = error > 100 * bound
    slope, coef = _fit(hs[truncation], error[truncation])
    if np.isfinite(slope):
        roundoff = coef * hs ** slope < bound / 100
    else:
        roundoff = ~truncation
    roundoff &= (resolved > 0) & (error > 0) & ((error < abs(exact) / 2) | (exact == 0))
    best = int(np.argmin(error))
    return ErrorSweep(
        h=hs, estimate=estimate, error=error, roundoff_bound=bound, truncation=truncation, roundoff=roundoff,
        truncation_slope=slope, truncation_coef=coef, roundoff_slope=_fit(hs[roundoff], error[roundoff])[0],
        best_h=float(hs[best]), best_error=float(error[best]), exact=exact, method=method, dtype=dtype,
    )
