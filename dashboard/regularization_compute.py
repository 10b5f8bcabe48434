"""Cached engine calls of the Regularization page (dashboard/cache.py), keyed by the specs of dashboard/compute.py:
the loss along the line through W for each penalty, and the weights' paths for λ = 0 and a chosen λ; and whether
the penalty's own step α·λ is too large for the weights to settle (with a λ where it is not)."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from dashboard import compute
from dashboard.cache import cached
from linviz import regularization
from linviz.slices import Line


@cached(max_entries=32, show_spinner=False)
def penalty_lines(data: compute.DataSpec, W: np.ndarray, b: np.ndarray, loss: str, reg: float,
                  margin: float) -> dict[str, Line]:
    """Data loss, λR(W) and their sum along (1 + s)·W for L2, L1 and no penalty (linviz.regularization)."""
    X, y, *_ = compute.dataset(data)
    return regularization.penalty_lines(X, y, W, b, loss=loss, reg=reg, margin=margin)


def weight_path_runs(spec: compute.TrainSpec, penalty: str, reg: float) -> list[compute.TrainSpec]:
    """The two runs of the sidebar's training (same data, start, loss and optimizer) weight_paths draws: with λ = 0
    (the sidebar's penalty kept, so that a sidebar at λ = 0 shares its run) and with λ = reg and `penalty`."""
    return [replace(spec, reg=0.0), replace(spec, reg=float(reg), penalty=penalty)]


def weight_paths(spec: compute.TrainSpec, penalty: str, reg: float) -> regularization.WeightPaths:
    """linviz.regularization.weight_paths with λ = 0 and λ = reg: its two runs are compute.history's, cached one by
    one across sessions (shared with the sidebar's run when equal; a page trains them under a progress bar first)."""
    runs = [compute.history(run) for run in weight_path_runs(spec, penalty, reg)]
    return regularization.WeightPaths(penalty=penalty, regs=(0.0, float(reg)), W=tuple(h.W for h in runs),
                                      b=tuple(h.b for h in runs), loss=tuple(h.loss for h in runs),
                                      diverged_at=tuple(h.diverged_at for h in runs))


# ---------------------------------------------------------------- the penalty's own step against the weights
# A gradient step on λR(W) alone moves W by α·∂(λR)/∂W: L1 moves every weight by α·λ towards 0 (and past it, once
# α·λ exceeds the weight), L2 multiplies W by 1 − 2αλ (a sign flip each step from αλ = 0.5 on, growing from αλ = 1).
L1_JITTER = 0.1  # L1's ±α·λ jitter is visible from a tenth of the largest weight on
L1_SPARSE = 0.02  # ... and L1 makes weights exactly 0 while keeping the others where α·λ is ~2 % of it
L2_CALM = 0.25  # L2's factor 1 − 2αλ ≥ 0.5: W shrinks smoothly


def largest_weight(W_free: np.ndarray) -> float:
    """max |W| of the unpenalized run's end (the weights' size the penalty's step is measured against); 0 if none
    is finite."""
    finite = np.abs(W_free[np.isfinite(W_free)])
    return float(finite.max(initial=0.0))


def step_too_large(penalty: str, lr: float, reg: float, largest: float) -> bool:
    """Whether the penalty's own gradient step α·λ is as large as the weights (L1: a tenth of the largest) or flips
    their signs (L2: 2αλ ≥ 1)."""
    step = lr * reg
    return step >= L1_JITTER * largest if penalty == "l1" else 2 * step >= 1.0


def calm_reg(penalty: str, lr: float, largest: float, options) -> float | None:
    """The largest λ of `options` whose step α·λ is small next to the weights (L1: where it visibly makes some weights
    exactly 0; L2: where it shrinks them smoothly); None if even the smallest is too large for this α."""
    fits = [r for r in options if (lr * r <= L1_SPARSE * largest if penalty == "l1" else lr * r <= L2_CALM)]
    return max(fits) if fits else None
