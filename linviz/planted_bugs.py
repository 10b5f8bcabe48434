"""Gradient variants for the gradient check: the correct gradient and mistakes people really make.

Every variant has the one signature ``(W, b, X, y, *, loss, reg, penalty, margin) -> (dW, db)`` with
dW (C, D) and db (C,), and is written as "the correct gradient of linviz.losses, plus what the mistake
changes", with the buggy line in its docstring. `VARIANTS` maps names to `GradientVariant`; a variant
lists the losses and penalties it applies to (a hinge bug means nothing for softmax).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from linviz._checks import check_choice
from linviz.losses import LossResult, canonical_loss_name, get_loss

Gradient = Callable[..., tuple[np.ndarray, np.ndarray]]
ALL_LOSSES = ("svm", "softmax", "ova")
ALL_PENALTIES = ("l2", "l1", "none")


@dataclass(frozen=True)
class GradientVariant:
    name: str
    title: str  # a short label for a selector
    mistake: str  # what was written instead of the right line
    losses: tuple[str, ...]  # the losses it applies to
    penalties: tuple[str, ...]  # the penalties it applies to
    gradient: Gradient
    needs_reg: bool = False  # the mistake is in a regularization term, invisible when reg = 0

    def applies(self, loss: str, penalty: str, reg: float = 1.0) -> bool:
        """Whether the mistake changes anything for this loss, penalty and strength."""
        return loss in self.losses and penalty in self.penalties and not (self.needs_reg and reg == 0)


def _results(W, b, X, y, loss, reg, penalty, margin) -> tuple[LossResult, LossResult]:
    """The full loss (data + penalty) and the data loss alone, at the same (W, b)."""
    fn = get_loss(loss)
    full = fn(W, b, X, y, reg=reg, penalty=penalty, margin=margin)
    data = fn(W, b, X, y, reg=0.0, penalty="none", margin=margin)
    return full, data


def _onehot(y: np.ndarray, C: int, weights=1.0) -> np.ndarray:
    """(N, C) matrix with `weights` at (i, y_i) and 0 elsewhere."""
    M = np.zeros((len(y), C))
    M[np.arange(len(y)), y] = weights
    return M


def correct(W, b, X, y, *, loss, reg, penalty, margin):
    """The engine's gradient (linviz.losses): the reference every bug is measured against."""
    full, _ = _results(W, b, X, y, loss, reg, penalty, margin)
    return full.dW, full.db


def reg_half(W, b, X, y, *, loss, reg, penalty, margin):
    """dW += 0.5 * reg * W   for the loss reg * sum(W**2), whose gradient is 2 * reg * W.

    The CS231n demo's convention (its loss is 0.5 * reg * sum(W**2)) copied into a loss without the 0.5.
    """
    _, data = _results(W, b, X, y, loss, reg, penalty, margin)
    return data.dW + 0.5 * reg * np.asarray(W, dtype=float), data.db


def hinge_no_count(W, b, X, y, *, loss, reg, penalty, margin):
    """dscores = (margins > 0)   and stop: forgets dscores[i, y_i] = -(number of positive margins).

    s_{y_i} appears with a minus sign in every active term of L_i, so its row must get -count_i.
    """
    full, data = _results(W, b, X, y, loss, reg, penalty, margin)
    N, C = data.scores.shape
    count = (data.margins > 0).sum(axis=1)  # active terms of each L_i (the j = y_i term is 0)
    missing = _onehot(y, C, count) / N  # what the correct gradient subtracted at the true class
    return full.dW + missing.T @ np.asarray(X, dtype=float), full.db + missing.sum(axis=0)


def softmax_no_onehot(W, b, X, y, *, loss, reg, penalty, margin):
    """dscores = probs   and stop: forgets dscores[i, y_i] -= 1 (dL_i/ds = p - onehot(y_i))."""
    full, data = _results(W, b, X, y, loss, reg, penalty, margin)
    N, C = data.scores.shape
    missing = _onehot(y, C) / N
    return full.dW + missing.T @ np.asarray(X, dtype=float), full.db + missing.sum(axis=0)


def mean_vs_sum(W, b, X, y, *, loss, reg, penalty, margin):
    """The loss is the mean over the N examples, the gradient their sum: forgets dscores /= N."""
    full, data = _results(W, b, X, y, loss, reg, penalty, margin)
    N = data.scores.shape[0]
    return N * data.dW + (full.dW - data.dW), N * data.db


def b_regularized(W, b, X, y, *, loss, reg, penalty, margin):
    """db += 2 * reg * b (L2) or reg * sign(b) (L1): the penalty's gradient applied to b, which the loss
    does not penalize."""
    full, _ = _results(W, b, X, y, loss, reg, penalty, margin)
    b = np.asarray(b, dtype=float)
    extra = 2.0 * reg * b if penalty == "l2" else reg * np.sign(b)
    return full.dW, full.db + extra


VARIANTS: dict[str, GradientVariant] = {v.name: v for v in [
    GradientVariant("correct", "correct gradient", "nothing: the engine's gradient",
                    ALL_LOSSES, ALL_PENALTIES, correct),
    GradientVariant("reg_half", "regularization off by a constant", "dW += 0.5·λ·W instead of 2·λ·W",
                    ALL_LOSSES, ("l2",), reg_half, needs_reg=True),
    GradientVariant("hinge_no_count", "hinge: no −count on the correct class",
                    "dscores[i, y_i] left at 0 instead of −(number of positive margins)",
                    ("svm",), ALL_PENALTIES, hinge_no_count),
    GradientVariant("softmax_no_onehot", "softmax: one-hot not subtracted",
                    "dscores = p instead of p − onehot(y)", ("softmax",), ALL_PENALTIES, softmax_no_onehot),
    GradientVariant("mean_vs_sum", "mean vs sum (off by N)", "the data gradient is not divided by N",
                    ALL_LOSSES, ALL_PENALTIES, mean_vs_sum),
    GradientVariant("b_regularized", "b regularized", "the penalty's gradient is added to db too",
                    ALL_LOSSES, ("l2", "l1"), b_regularized, needs_reg=True),
]}


def get_variant(name: str) -> GradientVariant:
    """VARIANTS[name]; an unknown name raises ValueError listing the valid ones."""
    return check_choice("gradient variant", name, VARIANTS)


def planted_gradient(name: str, W, b, X, y, *, loss: str = "softmax", reg: float = 0.0, penalty: str = "l2",
                     margin: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """(dW (C, D), db (C,)) of variant `name`; a ValueError if it does not apply to this loss or penalty."""
    variant = get_variant(name)
    loss = canonical_loss_name(loss)
    if loss not in variant.losses or penalty not in variant.penalties:
        raise ValueError(f"the gradient variant {name!r} applies to the losses {', '.join(variant.losses)} "
                         f"with the penalties {', '.join(variant.penalties)}; got {loss!r} with {penalty!r}")
    return variant.gradient(W, b, X, y, loss=loss, reg=reg, penalty=penalty, margin=margin)
