"""The multiclass hinge (SVM) and one-vs-all hinge losses: per-example terms with their gradient, and the
data loss on a 2-D slice of parameter space.

Scores are class-major, S of shape (C, N) (S = W X^T + b), and the labels come as a linviz.losses.labels.Labels
(the flat index of each correct-class score s_{y_i} in S, and dense masks): then every reduction over classes is
an elementwise operation over the N examples, several times faster than reducing along a short last axis.
"""
from __future__ import annotations

import numpy as np

from linviz.losses.labels import Labels


def svm_terms(S: np.ndarray, labels: Labels, margin: float = 1.0, *, scale: float = 1.0, overwrite: bool = False,
              correct: np.ndarray | None = None, top: np.ndarray | None = None):
    """Weston-Watkins hinge: L_i = sum_{j != y_i} max(0, s_j - s_{y_i} + margin).

    S (C, N) class-major scores (overwritten with the margins when overwrite); correct = S.take(labels.true),
    the correct-class scores, if the caller has them (top, the per-example max, is not needed here). Returns
    (per_example (N,), margins (C, N) with 0 at the true class, dS (C, N) = scale * dL_i/dS).
    """
    true = labels.true
    correct_class_score = S.take(true) if correct is None else correct  # (N,)
    margins = S if overwrite else S.copy()
    margins -= correct_class_score
    margins += margin
    margins.ravel()[true] = 0.0  # the j = y_i term is left out of the sum
    np.maximum(margins, 0.0, out=margins)
    dS = (margins > 0).astype(float)  # each active term adds s_j ...
    dS.ravel()[true] = -np.add.reduce(dS)  # ... and subtracts s_{y_i}
    if np.ndim(scale) or scale != 1.0:  # (scale: a number, or (N,) one per example)
        dS *= scale
    return np.add.reduce(margins), margins, dS


def ova_terms(S: np.ndarray, labels: Labels, margin: float = 1.0, *, scale: float = 1.0, overwrite: bool = False,
              correct: np.ndarray | None = None, top: np.ndarray | None = None):
    """One-vs-all hinge: L_i = sum_j max(0, margin - t_ij s_j), t_ij = +1 if j = y_i else -1.

    Every class is its own binary classifier, so the true-class term is kept. S (C, N) class-major
    (overwritten when overwrite). Returns (per_example (N,), margins (C, N), dS (C, N) = scale * dL_i/dS).
    """
    minus_t = labels.minus_t  # -t_ij
    margins = np.multiply(S, minus_t, out=S if overwrite else None)
    margins += margin
    np.maximum(margins, 0.0, out=margins)
    dS = minus_t * (margins > 0)  # d/ds_j of an active term max(0, margin - t_ij s_j)
    if np.ndim(scale) or scale != 1.0:  # (scale: a number, or (N,) one per example)
        dS *= scale
    return np.add.reduce(margins), margins, dS


# ---------------------------------------------------------------- on a 2-D slice of parameter space
def _ramp_sum_grid(P0, P1, Q, alphas, betas) -> np.ndarray:
    """sum_k max(0, P0_k + alpha P1_k + beta Q_k) for every grid point, (R, R).

    For each row alpha, term k is active on a contiguous range of betas ending or starting at
    its kink -p/q. Difference arrays over beta indices collect the active sum of p and of q.
    """
    R = len(betas)
    p = P0[None, :] + alphas[:, None] * P1[None, :]  # (R, K)
    q = np.broadcast_to(Q, p.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        kink = -p / q
    # where the ramp is active, as a half-open range [start, end) of beta indices
    up = q > 0
    down = q < 0
    flat = ~(up | down)
    start = np.where(up, np.searchsorted(betas, kink.ravel(), side="right").reshape(p.shape), 0)
    end = np.where(down, np.searchsorted(betas, kink.ravel(), side="left").reshape(p.shape), R)
    end = np.where(flat & (p <= 0), 0, end)  # constant non-positive terms are never active
    start = np.where(flat & (p <= 0), 0, start)
    row = np.arange(R)[:, None] * (R + 1)
    size = R * (R + 1)
    sum_p = (np.bincount((row + start).ravel(), p.ravel(), size)
             - np.bincount((row + end).ravel(), p.ravel(), size))
    sum_q = (np.bincount((row + start).ravel(), q.ravel(), size)
             - np.bincount((row + end).ravel(), q.ravel(), size))
    sum_p = np.cumsum(sum_p.reshape(R, R + 1), axis=1)[:, :R]
    sum_q = np.cumsum(sum_q.reshape(R, R + 1), axis=1)[:, :R]
    return sum_p + betas[None, :] * sum_q


def svm_surface(S0, S1, S2, y, alphas, betas, margin) -> np.ndarray:
    """Mean hinge over the grid S0 + alpha S1 + beta S2 (each (N, C)): every term max(0, s_j - s_{y_i} + margin)
    is affine in (alpha, beta), so each grid row is a sum of ramps."""
    N, C = S0.shape
    rows = np.arange(N)
    keep = np.ones((N, C), dtype=bool)
    keep[rows, y] = False  # the j = y_i term is not in the sum
    diffs = [Sk - Sk[rows, y][:, None] for Sk in (S0, S1, S2)]
    P0, P1, Q = (d[keep] for d in diffs)
    return _ramp_sum_grid(P0 + margin, P1, Q, alphas, betas) / N


def ova_surface(S0, S1, S2, y, alphas, betas, margin) -> np.ndarray:
    """Mean one-vs-all hinge over the grid: terms max(0, margin - t_ij s_ij), affine in (alpha, beta)."""
    N, C = S0.shape
    t = -np.ones((N, C))
    t[np.arange(N), y] = 1.0
    return _ramp_sum_grid((margin - t * S0).ravel(), (-t * S1).ravel(), (-t * S2).ravel(),
                          alphas, betas) / N
