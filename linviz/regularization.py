"""Regularization made visible: data loss and penalty drawn apart, and what the penalty does to training.

The objective is  L(W, b) = (1/N) sum_i L_i  +  lambda R(W),  with R added once to the mean (not per
example) and applied to W only: b moves the decision boundaries but does not make the scores any more
sensitive to x, so it adds none of the complexity the penalty is there to limit; penalizing it would
only pull the boundaries towards the origin.
    L2: R(W) = sum W_kd^2   (gradient 2 lambda W: shrinks every weight in proportion to its size)
    L1: R(W) = sum |W_kd|   (gradient lambda sign(W): the same pull on every weight, to exactly 0)
The slide's example L_i = |y - W x_i|^2 + |W| is the same idea for a regression loss, with an L1 penalty.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from linviz._checks import check_params
from linviz.landscape import Surface, loss_surface
from linviz.slices import Direction, Line, loss_line
from linviz.train import train

PENALTY_NAMES = ("l2", "l1", "none")


def weight_direction(W, b) -> Direction:
    """d = (W, 0): the line theta + t d = ((1 + t) W, b) scales the weights; t = -1 is W = 0.

    Along it the L2 penalty is the parabola lambda (1 + t)^2 |W|^2 and the L1 penalty the V
    lambda |1 + t| |W|_1, both 0 at t = -1. If W is 0 the direction is all ones, scaled to norm 1.
    """
    W, b = check_params(W, b)
    norm = float(np.linalg.norm(W))
    dW = W.copy() if norm > 0 else np.full(W.shape, 1.0 / np.sqrt(W.size))
    return dW, np.zeros_like(b)


def penalty_lines(X, y, W, b, direction=None, *, loss: str = "softmax", reg: float = 0.01, margin: float = 1.0,
                  extent: float = 1.5, resolution: int = 151) -> dict[str, Line]:
    """For each penalty in PENALTY_NAMES, the Line (data, penalty, total) along theta + t direction.

    The data part is the same for all three; direction defaults to weight_direction(W, b).
    """
    if direction is None:
        direction = weight_direction(W, b)
    return {penalty: loss_line(X, y, W, b, direction, loss=loss, reg=reg, penalty=penalty, margin=margin,
                               extent=extent, resolution=resolution) for penalty in PENALTY_NAMES}


def penalty_surfaces(X, y, W, b, directions, *, loss: str = "softmax", reg: float = 0.01, margin: float = 1.0,
                     extent: float = 1.0, resolution: int = 61) -> dict[str, Surface]:
    """For each penalty, landscape.loss_surface on the 2-D slice (its data_values and reg_values apart)."""
    return {penalty: loss_surface(X, y, W, b, directions, loss=loss, reg=reg, penalty=penalty, margin=margin,
                                  extent=extent, resolution=resolution) for penalty in PENALTY_NAMES}


@dataclass(frozen=True)
class WeightPaths:
    """Each entry of W against the step, for one training run per regularization strength."""

    penalty: str
    regs: tuple  # the lambdas, one per run
    W: tuple  # per run: (T_k + 1, C, D), W[t] before step t (shorter if the run diverged)
    b: tuple  # per run: (T_k + 1, C)
    loss: tuple  # per run: (T_k + 1,) the objective (data + lambda R) at W[t]
    diverged_at: tuple  # per run: the diverging step, or None


def weight_paths(X, y, *, regs=(0.0, 0.01), penalty: str = "l2", **train_options) -> WeightPaths:
    """Train once per lambda in regs with the same data, start and optimizer (train()'s keywords).

    All runs start at the same (W0, b0): the ones given, or the initialization of the same seed.
    """
    regs = tuple(float(r) for r in regs)
    if not regs:
        raise ValueError("give at least one regularization strength")
    runs = [train(X, y, reg=reg, penalty=penalty, **train_options) for reg in regs]
    return WeightPaths(penalty=penalty, regs=regs, W=tuple(h.W for h in runs), b=tuple(h.b for h in runs),
                       loss=tuple(h.loss for h in runs), diverged_at=tuple(h.diverged_at for h in runs))
