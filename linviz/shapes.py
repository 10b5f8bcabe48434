"""Losses as shapes: the hinge and cross-entropy against the true class's lead, with every example as a dot.

The x axis of the chart is the true class's LEAD over a rival, lead = s_{y_i} - (rival's score):
positive when the true class wins, negative when the example is misclassified.

* Hinge. Each rival j is its own term, max(0, s_j - s_{y_i} + Delta) = max(0, Delta - lead_ij) with
  lead_ij = s_{y_i} - s_j: the curve is 0 (flat, "done") for lead >= Delta, has its kink at
  lead = Delta and rises with slope -1 to the left of it. An example contributes one dot per rival
  (C - 1 dots), each exactly on the curve, and L_i is the sum of their heights. Its strongest rival
  has the smallest lead, lead_i = s_{y_i} - max_{j != y_i} s_j, and L_i = 0 exactly when lead_i >= Delta.
* Cross-entropy. All rivals together act as one soft rival whose score is
  log sum_{j != y_i} e^{s_j} (a smooth maximum: >= the strongest rival's score, close to it when one
  rival dominates). With soft_lead_i = s_{y_i} - log sum_{j != y_i} e^{s_j},
      -log p_{y_i} = log(1 + sum_{j != y_i} e^{s_j - s_{y_i}}) = log(1 + e^{-soft_lead_i})
  exactly, so every example is one dot exactly on the smooth curve log(1 + e^{-x}). It is never 0:
  cross-entropy keeps pushing even examples that are far ahead.

With C = 2 there is a single rival and lead_i = soft_lead_i: both losses are functions of the same
number s_{y_i} - s_{other}, the classic binary "hinge vs logistic" picture.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from linviz._checks import check_data, check_nonnegative, check_params


@dataclass(frozen=True)
class LossShapes:
    """The two curves and the dots of a data set, for one chart."""

    delta: float  # the hinge's margin Delta: the kink is at x = delta
    x: np.ndarray  # (R,) the lead axis of the curves, increasing; contains delta exactly
    hinge: np.ndarray  # (R,) max(0, delta - x)
    cross_entropy: np.ndarray  # (R,) log(1 + e^{-x})
    pair_lead: np.ndarray  # (N, C) s_{y_i} - s_j: x of hinge dot (i, j); NaN at j = y_i
    hinge_terms: np.ndarray  # (N, C) max(0, delta - pair_lead): y of hinge dot (i, j); NaN at j = y_i
    hinge_loss: np.ndarray  # (N,) L_i = sum_j hinge_terms[i, j]
    rival: np.ndarray  # (N,) int: the strongest rival argmax_{j != y_i} s_j
    lead: np.ndarray  # (N,) s_{y_i} - max_{j != y_i} s_j (the lead over the strongest rival)
    soft_lead: np.ndarray  # (N,) s_{y_i} - log sum_{j != y_i} e^{s_j}: x of the cross-entropy dot
    ce_loss: np.ndarray  # (N,) -log p_{y_i} = log(1 + e^{-soft_lead}): y of the cross-entropy dot

    @property
    def done(self) -> np.ndarray:
        """(N,) bool: examples whose hinge loss is exactly 0 (lead >= delta)."""
        return self.lead >= self.delta


def _curve_axis(points: np.ndarray, delta: float, resolution: int, x_range) -> np.ndarray:
    """An increasing grid over the dots and the kink (padded), with delta itself as a grid point."""
    if x_range is None:
        finite = points[np.isfinite(points)]
        lo = min(float(finite.min()) if finite.size else 0.0, -delta, -1.0)
        hi = max(float(finite.max()) if finite.size else 0.0, 2.0 * delta, 1.0)
        pad = 0.1 * (hi - lo)
        lo, hi = lo - pad, hi + pad
    else:
        try:
            lo, hi = (float(v) for v in x_range)
        except (TypeError, ValueError):
            raise ValueError(f"x_range must be (low, high), got {x_range!r}") from None
        if not (np.isfinite([lo, hi]).all() and lo < hi):
            raise ValueError(f"x_range needs finite low < high, got {x_range!r}")
    x = np.linspace(lo, hi, resolution)
    if lo < delta < hi:  # put the kink on the grid, so a line chart draws it sharp
        x = np.unique(np.append(x, delta))
    return x


def loss_shapes(S, y, *, delta: float = 1.0, resolution: int = 201, x_range=None) -> LossShapes:
    """Curves and dots from scores S (N, C), C >= 2, and labels y (N,).

    Works on any score table (the lecture's editable cat / car / frog scores as well as
    model.scores(W, b, X)). x_range = (low, high) fixes the curves' axis; by default it covers the
    dots and the kink.
    """
    S = np.asarray(S, dtype=float)
    if S.ndim != 2 or S.shape[1] < 2:
        raise ValueError(f"scores must have shape (N, C) with C >= 2 classes, got {S.shape}")
    if not np.all(np.isfinite(S)):
        raise ValueError("scores must be finite numbers (no NaN or inf)")
    S, y = check_data(S, y, n_classes=S.shape[1])
    delta = check_nonnegative("delta", delta)
    if isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer)) or resolution < 3:
        raise ValueError(f"resolution must be an integer >= 3, got {resolution!r}")
    N, C = S.shape
    rows = np.arange(N)
    correct = S[rows, y]
    rivals = S.copy()
    rivals[rows, y] = -np.inf  # the true class is nobody's rival
    rival = np.argmax(rivals, axis=1)
    lead = correct - rivals[rows, rival]
    # log sum_{j != y} e^{s_j}, stabilized by the strongest rival's score (every exponent <= 0)
    soft_rival = rivals[rows, rival] + np.log(np.exp(rivals - rivals[rows, rival][:, None]).sum(axis=1))
    soft_lead = correct - soft_rival
    pair_lead = correct[:, None] - S
    pair_lead[rows, y] = np.nan
    hinge_terms = np.maximum(0.0, delta - pair_lead)  # NaN stays NaN at j = y_i
    x = _curve_axis(np.concatenate([pair_lead[np.isfinite(pair_lead)], soft_lead]), delta, int(resolution),
                    x_range)
    return LossShapes(
        delta=delta, x=x, hinge=np.maximum(0.0, delta - x), cross_entropy=np.logaddexp(0.0, -x),
        pair_lead=pair_lead, hinge_terms=hinge_terms, hinge_loss=np.nansum(hinge_terms, axis=1),
        rival=rival, lead=lead, soft_lead=soft_lead, ce_loss=np.logaddexp(0.0, -soft_lead),
    )


def loss_shapes_at(W, b, X, y, *, delta: float = 1.0, resolution: int = 201, x_range=None) -> LossShapes:
    """loss_shapes of the current model's scores X W^T + b. W (C, D), b (C,), X (N, D), y (N,)."""
    X, y = check_data(X, y)
    W, b = check_params(W, b, D=X.shape[1])
    return loss_shapes(X @ W.T + b, y, delta=delta, resolution=resolution, x_range=x_range)
