"""1-D slices of the loss: the loss along a line through the parameters, and the convexity check.

A line is  theta(t) = theta + t d  with theta = (W, b) and d = (dW, db). The scores are affine in t,
S(t) = S0 + t S1 with S0 = X W^T + b and S1 = X dW^T + db, so every point of the line costs one
elementwise pass over (N, C), not a matrix product.

Convexity: every loss here is a convex function of the scores (a sum of hinges max(0, affine), or a
log-sum-exp minus a linear term), the scores are linear in (W, b), and L2 and L1 penalties are convex;
so the total loss is convex in (W, b): every local minimum is a global one. Along any line a convex
function has second differences f(t - h) - 2 f(t) + f(t + h) >= 0, which convexity_check measures.
(A deep network composes non-linear layers, and its loss is not convex in the weights.)
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from linviz._checks import check_choice, check_data, check_nonnegative, check_params, check_positive
from linviz.losses import (
    PENALTIES,
    canonical_loss_name,
    ova_from_scores,
    penalty_value,
    softmax_from_scores,
    svm_from_scores,
)

Direction = tuple[np.ndarray, np.ndarray]  # (dW (C, D), db (C,))
_CHUNK = 1 << 21  # scores per block of line points
_ROUNDING = 1e-10  # relative tolerance of a second difference (rounding of the mean over N examples)


def score_losses(kind: str, S: np.ndarray, y: np.ndarray, margin: float) -> tuple[np.ndarray, np.ndarray]:
    """Unchecked: per-example losses (N,) and dL_i/dS (N, C) of loss `kind` at scores S (N, C)."""
    if kind == "softmax":
        per_example, _, dS = softmax_from_scores(S, y)
    elif kind == "svm":
        per_example, _, dS = svm_from_scores(S, y, margin)
    else:
        per_example, _, dS = ova_from_scores(S, y, margin)
    return per_example, dS


@dataclass(frozen=True)
class Line:
    """The loss along theta + t d, split into its data and penalty parts."""

    ts: np.ndarray  # (R,)
    values: np.ndarray  # (R,) data_values + reg_values
    data_values: np.ndarray  # (R,) mean data loss
    reg_values: np.ndarray  # (R,) lambda R(W + t dW)


def check_direction(direction, W: np.ndarray, b: np.ndarray) -> Direction:
    """(dW, db) shaped like (W, b) and finite, else a ValueError."""
    try:
        dW, db = direction
        dW, db = np.asarray(dW, dtype=float), np.asarray(db, dtype=float)
    except (TypeError, ValueError):
        raise ValueError("a direction must be a pair (dW, db) of arrays") from None
    if dW.shape != W.shape or db.shape != b.shape:
        raise ValueError(f"a direction must have shapes W {W.shape} and b {b.shape}, got {dW.shape} and {db.shape}")
    if not (np.all(np.isfinite(dW)) and np.all(np.isfinite(db))):
        raise ValueError("a direction must be finite")
    return dW, db


def _line_axis(extent, resolution, ts) -> np.ndarray:
    if ts is not None:
        ts = np.asarray(ts, dtype=float)
        if ts.ndim != 1 or ts.size == 0 or not np.all(np.isfinite(ts)):
            raise ValueError("ts must be a non-empty list of finite numbers")
        return ts
    extent = check_positive("extent", extent)
    if isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer)) or not 3 <= resolution <= 10001:
        raise ValueError(f"resolution must be an integer in [3, 10001], got {resolution!r}")
    return np.linspace(-extent, extent, int(resolution))


def data_loss_along(kind: str, S0, S1, y, ts, margin: float) -> np.ndarray:
    """Unchecked: mean data loss at scores S0 + t S1 (N, C) for every t in ts, shape (R,)."""
    N, C = S0.shape
    out = np.empty(len(ts))
    step = max(1, _CHUNK // max(N * C, 1))
    for lo in range(0, len(ts), step):
        t = ts[lo:lo + step]
        S = (S0[None] + t[:, None, None] * S1[None]).reshape(-1, C)  # (len(t) * N, C)
        per_example, _ = score_losses(kind, S, np.tile(y, len(t)), margin)
        out[lo:lo + step] = per_example.reshape(len(t), N).mean(axis=1)
    return out


def loss_line(X, y, W, b, direction, *, loss: str = "softmax", reg: float = 0.0, penalty: str = "l2",
              margin: float = 1.0, extent: float = 1.0, resolution: int = 101, ts=None) -> Line:
    """The loss along theta + t direction, ts = linspace(-extent, extent, resolution) unless given."""
    kind = canonical_loss_name(loss)
    X, y = check_data(X, y)
    W, b = check_params(W, b, D=X.shape[1])
    if y.max() >= W.shape[0]:
        raise ValueError(f"labels y must lie in [0, {W.shape[0]}), got max label {y.max()}")
    dW, db = check_direction(direction, W, b)
    reg = check_nonnegative("reg", reg)
    check_choice("penalty", penalty, PENALTIES)
    margin = check_nonnegative("margin", margin)
    ts = _line_axis(extent, resolution, ts)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        data = data_loss_along(kind, X @ W.T + b, X @ dW.T + db, y, ts, margin)
    reg_values = np.array([penalty_value(W + t * dW, reg, penalty) for t in ts])
    return Line(ts=ts, values=data + reg_values, data_values=data, reg_values=reg_values)


# ---------------------------------------------------------------- convexity
@dataclass(frozen=True)
class ConvexityCheck:
    """The loss along K random lines through theta and its second differences."""

    ts: np.ndarray  # (R,)
    directions: tuple  # K directions (dW, db)
    values: np.ndarray  # (K, R) the loss along each line
    second_differences: np.ndarray  # (K, R - 2) f(t_{r-1}) - 2 f(t_r) + f(t_{r+1})
    tolerance: np.ndarray  # (K, R - 2) what rounding alone can make negative
    holds: bool  # every second difference >= -tolerance

    @property
    def worst(self) -> float:
        """The most negative second difference relative to its tolerance (<= 1 when the check holds)."""
        return float(np.max(-self.second_differences / self.tolerance))


def second_differences(values) -> tuple[np.ndarray, np.ndarray]:
    """f(t - h) - 2 f(t) + f(t + h) along the last axis of equally spaced values (..., R), R >= 3,
    and the rounding tolerance of each: _ROUNDING * (|f(t - h)| + 2 |f(t)| + |f(t + h)|) + tiny."""
    v = np.asarray(values, dtype=float)
    if v.shape[-1] < 3:
        raise ValueError("second differences need at least 3 values")
    left, mid, right = v[..., :-2], v[..., 1:-1], v[..., 2:]
    tol = _ROUNDING * (np.abs(left) + 2.0 * np.abs(mid) + np.abs(right)) + 1e-300
    return left - 2.0 * mid + right, tol


def random_line_directions(W, b, n_directions: int, seed: int | np.random.Generator = 0) -> tuple:
    """n Gaussian directions (dW, db), each scaled to the norm of (W, b) (to norm 1 when that is ~0)."""
    W, b = check_params(W, b)
    rng = np.random.default_rng(seed)
    scale = max(float(np.sqrt(np.vdot(W, W) + np.vdot(b, b))), 1.0)
    out = []
    for _ in range(int(n_directions)):
        dW, db = rng.standard_normal(W.shape), rng.standard_normal(b.shape)
        norm = float(np.sqrt(np.vdot(dW, dW) + np.vdot(db, db)))
        out.append((dW * (scale / norm), db * (scale / norm)))
    return tuple(out)


def convexity_check(X, y, W, b, *, loss: str = "softmax", reg: float = 0.0, penalty: str = "l2",
                    margin: float = 1.0, n_directions: int = 8, extent: float = 1.0, resolution: int = 41,
                    seed: int | np.random.Generator = 0) -> ConvexityCheck:
    """The loss along n_directions random lines theta + t d, t in [-extent, extent], and whether it
    curves upward (second difference >= 0, up to rounding) everywhere on each of them."""
    if isinstance(n_directions, bool) or not isinstance(n_directions, (int, np.integer)) or n_directions < 1:
        raise ValueError(f"n_directions must be an integer >= 1, got {n_directions!r}")
    W, b = check_params(W, b)
    directions = random_line_directions(W, b, n_directions, seed)
    lines = [loss_line(X, y, W, b, d, loss=loss, reg=reg, penalty=penalty, margin=margin, extent=extent,
                       resolution=resolution) for d in directions]
    values = np.stack([line.values for line in lines])
    diffs, tol = second_differences(values)
    return ConvexityCheck(ts=lines[0].ts, directions=directions, values=values, second_differences=diffs,
                          tolerance=tol, holds=bool(np.all(diffs >= -tol)))
