"""Multiclass hinge (SVM), softmax cross-entropy and one-vs-all hinge, with exact gradients.

Every loss is   L = (1/N) sum_i L_i  +  lambda R(W)   with R applied to W only, never to b.

Each loss is one entry of LOSSES, in the manner of TF Playground's pairs of a function and its derivative: its
score-level `terms` (per-example losses L_i and dL_i/ds, the one implementation of its math, used by every
evaluation, the trainer's kernel and the per-step test curves) and its `surface` kernel (the data loss on a 2-D
slice of parameter space, for linviz.landscape). The chain rule through the scores s_i = W x_i + b is shared.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from linviz._checks import check_choice, check_data, check_nonnegative, check_params
from linviz.losses.hinge import ova_surface, ova_terms, svm_surface, svm_terms
from linviz.losses.labels import Labels
from linviz.losses.penalties import PENALTIES
from linviz.losses.softmax import softmax_surface, softmax_terms


@dataclass(frozen=True)
class LossResult:
    """Everything a view needs about one evaluation of a loss."""

    loss: float  # data_loss + reg_loss
    data_loss: float  # mean of per_example
    reg_loss: float
    dW: np.ndarray  # (C, D)
    db: np.ndarray  # (C,)
    per_example: np.ndarray  # (N,)
    scores: np.ndarray  # (N, C)
    probs: np.ndarray | None = None  # softmax only, (N, C)
    margins: np.ndarray | None = None  # hinge losses only, (N, C): the max(0, .) terms


@dataclass(frozen=True)
class Loss:
    """One loss: its name and label, its score-level math and its landscape kernel; calling it evaluates it."""

    name: str
    label: str
    terms: Callable  # (S (C, N), Labels, margin, scale=, overwrite=, ...) -> (L_i, probs | margins, dS (C, N))
    surface: Callable  # (S0, S1, S2 (N, C), y, alphas, betas, margin) -> (R, R) mean data loss on the slice
    uses_margin: bool = True

    def __call__(self, W, b, X, y, *, reg=0.0, penalty="l2", margin=1.0) -> LossResult:
        X, y = check_data(X, y)
        W, b = check_params(W, b, D=X.shape[1])
        if y.max() >= W.shape[0]:
            raise ValueError(f"labels y must lie in [0, {W.shape[0]}) for C = {W.shape[0]} classes, "
                             f"got max label {y.max()}")
        reg = check_nonnegative("reg", reg)
        check_choice("penalty", penalty, PENALTIES)
        margin = check_nonnegative("margin", margin)
        return evaluate(self.name, W, b, X, y, reg, penalty, margin)


def evaluate(kind: str, W, b, X, y, reg: float, penalty: str, margin: float) -> LossResult:
    """Unchecked evaluation of LOSSES[kind] (the public functions validate first)."""
    N = X.shape[0]
    S = W @ X.T + b[:, None]  # (C, N) class-major scores
    per_example, extra, dS = LOSSES[kind].terms(S, Labels(y, W.shape[0]), margin, scale=1.0 / N)  # (the mean)
    reg_loss, dW_reg = PENALTIES[penalty](W, reg)
    data_loss = float(per_example.mean())
    softmax = kind == "softmax"
    return LossResult(
        loss=data_loss + reg_loss, data_loss=data_loss, reg_loss=reg_loss,
        dW=dS @ X + dW_reg, db=np.add.reduce(dS, axis=1), per_example=per_example,
        scores=S.T, probs=extra.T if softmax else None, margins=None if softmax else extra.T,
    )


def _row_major(kind: str, S: np.ndarray, y: np.ndarray, margin: float):
    """terms of LOSSES[kind] for scores S of shape (N, C), returned in that layout."""
    S = np.ascontiguousarray(S.T, dtype=float)
    per_example, extra, dS = LOSSES[kind].terms(S, Labels(y, S.shape[0]), margin)
    return per_example, extra.T, dS.T


def svm_from_scores(S: np.ndarray, y: np.ndarray, margin: float = 1.0):
    """Hinge terms for scores S (N, C): (per_example (N,), margins (N, C), dS (N, C))."""
    return _row_major("svm", S, y, margin)


def softmax_from_scores(S: np.ndarray, y: np.ndarray):
    """Cross-entropy terms for scores S (N, C): (per_example (N,), probs (N, C), dS = probs - onehot(y))."""
    return _row_major("softmax", S, y, 1.0)


def ova_from_scores(S: np.ndarray, y: np.ndarray, margin: float = 1.0):
    """One-vs-all hinge terms for scores S (N, C): (per_example (N,), margins (N, C), dS (N, C))."""
    return _row_major("ova", S, y, margin)


def penalty_value(W: np.ndarray, reg: float, penalty: str) -> float:
    return check_choice("penalty", penalty, PENALTIES)(np.asarray(W, dtype=float), reg)[0]


def losses_along(kind, Ws, bs, X, y, reg, penalty, margin, chunk: int = 1 << 20) -> tuple[np.ndarray, np.ndarray]:
    """Unchecked: the loss (data + reg) and the number of correct predictions at each of T parameter sets
    Ws (T, C, D), bs (T, C), in a few vectorized passes (a training run's test curve) instead of T calls."""
    T, C = bs.shape
    N = X.shape[0]
    loss, correct = np.empty(T), np.empty(T, dtype=int)
    step = max(1, chunk // max(N * C, 1))
    for lo in range(0, T, step):
        W, b = Ws[lo:lo + step], bs[lo:lo + step]
        t = len(b)
        # class-major scores of all t parameter sets side by side: (C, t * N)
        S = (np.einsum("tcd,nd->ctn", W, X) + b.T[:, :, None]).reshape(C, t * N)
        yy = np.tile(y, t)
        predicted = np.argmax(S, axis=0)
        per_example = LOSSES[kind].terms(S, Labels(yy, C), margin, overwrite=True)[0]
        loss[lo:lo + step] = per_example.reshape(t, N).mean(axis=1)
        loss[lo:lo + step] += [PENALTIES[penalty](Wt, reg)[0] for Wt in W]
        correct[lo:lo + step] = (predicted == yy).reshape(t, N).sum(axis=1)
    return loss, correct


class ClassMajor:
    """The training kernel: loss, gradients and the number of correct predictions in one pass, with what does
    not change between steps (X^T, the true-class indices) computed once."""

    def __init__(self, kind: str, X: np.ndarray, y: np.ndarray, C: int, reg: float, penalty: str,
                 margin: float):
        self.terms, self.X, self.y, self.C = LOSSES[kind].terms, X, y, C
        self.XT = np.ascontiguousarray(X.T)
        self.N = X.shape[0]
        self.labels = Labels(y, C)
        self.reg, self.penalty, self.margin = reg, PENALTIES[penalty], margin
        self.keep = {"keep_probs": False} if kind == "softmax" else {}

    def __call__(self, W: np.ndarray, b: np.ndarray):
        """(loss, dW, db, n_correct) at (W, b)."""
        N = self.N
        S = W @ self.XT
        S += b[:, None]
        top = np.maximum.reduce(S)  # max over classes, per example
        correct = S.take(self.labels.true)
        n_correct = int(np.count_nonzero(correct >= top))
        if np.count_nonzero(S == top) > N:  # ties: argmax takes the first maximal class
            n_correct = int(np.count_nonzero(np.argmax(S, axis=0) == self.y))
        per_example, _, dS = self.terms(S, self.labels, self.margin, scale=1.0 / N, overwrite=True, correct=correct,
                                        top=top, **self.keep)
        reg_loss, dW_reg = self.penalty(W, self.reg)
        dW = dS @ self.X
        dW += dW_reg
        return float(np.add.reduce(per_example)) / N + reg_loss, dW, np.add.reduce(dS, axis=1), n_correct


def svm_loss(W, b, X, y, *, reg=0.0, penalty="l2", margin=1.0) -> LossResult:
    """Multiclass SVM (Weston-Watkins) hinge loss. W (C, D), b (C,), X (N, D), y (N,)."""
    return LOSSES["svm"](W, b, X, y, reg=reg, penalty=penalty, margin=margin)


def softmax_loss(W, b, X, y, *, reg=0.0, penalty="l2", margin=1.0) -> LossResult:
    """Softmax cross-entropy (multinomial logistic regression). `margin` is ignored."""
    return LOSSES["softmax"](W, b, X, y, reg=reg, penalty=penalty, margin=margin)


def ova_loss(W, b, X, y, *, reg=0.0, penalty="l2", margin=1.0) -> LossResult:
    """One-vs-all binary hinge summed over classes, as in the CS231n demo."""
    return LOSSES["ova"](W, b, X, y, reg=reg, penalty=penalty, margin=margin)


LOSSES: dict[str, Loss] = {
    "svm": Loss("svm", "Multiclass SVM (hinge)", svm_terms, svm_surface),
    "softmax": Loss("softmax", "Softmax (cross-entropy)", softmax_terms, softmax_surface, uses_margin=False),
    "ova": Loss("ova", "One-vs-all hinge", ova_terms, ova_surface),
}
# friendly aliases accepted wherever a loss name is asked for
ALIASES = {"hinge": "svm", "cross_entropy": "softmax", "cross-entropy": "softmax"}


def canonical_loss_name(name: str) -> str:
    name = ALIASES.get(name, name) if isinstance(name, str) else name
    check_choice("loss", name, LOSSES)
    return name


def get_loss(name: str) -> Loss:
    """Registry lookup by name (aliases: hinge -> svm, cross_entropy -> softmax)."""
    return LOSSES[canonical_loss_name(name)]
