"""Multiclass hinge (SVM), softmax cross-entropy and one-vs-all hinge, with exact gradients.

Every loss is   L = (1/N) sum_i L_i  +  R(W)   with R applied to W only, never to b.
Each "score-level" function maps scores S (N, C) and labels y (N,) to the per-example
losses L_i and dS = dL_i/dS (N, C); the chain rule through S = X W^T + b is shared.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from linviz._checks import check_choice, check_data, check_nonnegative, check_params


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


# ---------------------------------------------------------------- score-level losses
def svm_from_scores(S: np.ndarray, y: np.ndarray, margin: float = 1.0):
    """Weston-Watkins hinge: L_i = sum_{j != y_i} max(0, s_j - s_{y_i} + margin).

    Returns (per_example (N,), margins (N, C) with 0 at the true class, dS (N, C)).
    """
    rows = np.arange(S.shape[0])
    correct_class_score = S[rows, y][:, None]
    margins = np.maximum(0.0, S - correct_class_score + margin)
    margins[rows, y] = 0.0  # the j = y_i term is left out of the sum
    active = (margins > 0).astype(float)
    dS = active
    dS[rows, y] = -active.sum(axis=1)  # s_{y_i} appears with a minus sign in every active term
    return margins.sum(axis=1), margins, dS


def softmax_from_scores(S: np.ndarray, y: np.ndarray):
    """Cross-entropy L_i = -log softmax(s)_{y_i} = logsumexp(s) - s_{y_i}.

    Subtracting the row max before exp keeps every exponent <= 0, so nothing overflows
    even for scores of 1e6; the loss is computed from log-sum-exp, never from log(p).
    Returns (per_example (N,), probs (N, C), dS = probs - onehot(y)).
    """
    rows = np.arange(S.shape[0])
    shifted = S - S.max(axis=1, keepdims=True)
    exp_shifted = np.exp(shifted)
    sum_exp = exp_shifted.sum(axis=1, keepdims=True)
    probs = exp_shifted / sum_exp
    per_example = np.log(sum_exp[:, 0]) - shifted[rows, y]
    dS = probs.copy()
    dS[rows, y] -= 1.0
    return per_example, probs, dS


def ova_from_scores(S: np.ndarray, y: np.ndarray, margin: float = 1.0):
    """One-vs-all hinge: L_i = sum_j max(0, margin - t_ij s_j), t_ij = +1 if j = y_i else -1.

    Every class is its own binary classifier, so the true-class term is kept.
    Returns (per_example (N,), margins (N, C), dS (N, C)).
    """
    t = -np.ones_like(S)
    t[np.arange(S.shape[0]), y] = 1.0
    margins = np.maximum(0.0, margin - t * S)
    dS = -t * (margins > 0)
    return margins.sum(axis=1), margins, dS


# ---------------------------------------------------------------- regularization
def _l2(W, reg):
    return reg * float(np.vdot(W, W)), 2.0 * reg * W


def _l1(W, reg):
    return reg * float(np.abs(W).sum()), reg * np.sign(W)


def _none(W, reg):
    return 0.0, np.zeros_like(W)


PENALTIES = {"l2": _l2, "l1": _l1, "none": _none}


def penalty_value(W: np.ndarray, reg: float, penalty: str) -> float:
    return check_choice("penalty", penalty, PENALTIES)(np.asarray(W, dtype=float), reg)[0]


# ---------------------------------------------------------------- full losses
def _evaluate(kind, W, b, X, y, reg, penalty, margin) -> LossResult:
    """Unchecked evaluation; the public functions validate first."""
    N = X.shape[0]
    S = X @ W.T + b
    probs = margins = None
    if kind == "softmax":
        per_example, probs, dS = softmax_from_scores(S, y)
    elif kind == "svm":
        per_example, margins, dS = svm_from_scores(S, y, margin)
    else:
        per_example, margins, dS = ova_from_scores(S, y, margin)
    dS /= N  # the data loss is the mean over examples
    reg_loss, dW_reg = PENALTIES[penalty](W, reg)
    data_loss = float(per_example.mean())
    return LossResult(
        loss=data_loss + reg_loss, data_loss=data_loss, reg_loss=reg_loss,
        dW=dS.T @ X + dW_reg, db=dS.sum(axis=0), per_example=per_example,
        scores=S, probs=probs, margins=margins,
    )


def losses_along(kind, Ws, bs, X, y, reg, penalty, margin, chunk: int = 1 << 20) -> tuple[np.ndarray, np.ndarray]:
    """Unchecked: the loss (data + reg) and the number of correct predictions at each of T parameter sets
    Ws (T, C, D), bs (T, C), in a few vectorized passes (a training run's test curve) instead of T calls."""
    T, C = bs.shape
    N = X.shape[0]
    loss, correct = np.empty(T), np.empty(T, dtype=int)
    step = max(1, chunk // max(N * C, 1))
    for lo in range(0, T, step):
        W, b = Ws[lo:lo + step], bs[lo:lo + step]
        S = (np.einsum("nd,tcd->tnc", X, W) + b[:, None, :]).reshape(-1, C)  # (t * N, C)
        yy = np.tile(y, len(b))
        if kind == "softmax":
            per_example = softmax_from_scores(S, yy)[0]
        elif kind == "svm":
            per_example = svm_from_scores(S, yy, margin)[0]
        else:
            per_example = ova_from_scores(S, yy, margin)[0]
        loss[lo:lo + step] = per_example.reshape(len(b), N).mean(axis=1)
        loss[lo:lo + step] += [PENALTIES[penalty](Wt, reg)[0] for Wt in W]
        correct[lo:lo + step] = (np.argmax(S, axis=1) == yy).reshape(len(b), N).sum(axis=1)
    return loss, correct


def _checked(kind, W, b, X, y, reg, penalty, margin) -> LossResult:
    X, y = check_data(X, y)
    W, b = check_params(W, b, D=X.shape[1])
    if y.max() >= W.shape[0]:
        raise ValueError(f"labels y must lie in [0, {W.shape[0]}) for C = {W.shape[0]} classes, "
                         f"got max label {y.max()}")
    reg = check_nonnegative("reg", reg)
    check_choice("penalty", penalty, PENALTIES)
    margin = check_nonnegative("margin", margin)
    return _evaluate(kind, W, b, X, y, reg, penalty, margin)


def svm_loss(W, b, X, y, *, reg=0.0, penalty="l2", margin=1.0) -> LossResult:
    """Multiclass SVM (Weston-Watkins) hinge loss. W (C, D), b (C,), X (N, D), y (N,)."""
    return _checked("svm", W, b, X, y, reg, penalty, margin)


def softmax_loss(W, b, X, y, *, reg=0.0, penalty="l2", margin=1.0) -> LossResult:
    """Softmax cross-entropy (multinomial logistic regression). `margin` is ignored."""
    return _checked("softmax", W, b, X, y, reg, penalty, margin)


def ova_loss(W, b, X, y, *, reg=0.0, penalty="l2", margin=1.0) -> LossResult:
    """One-vs-all binary hinge summed over classes, as in the CS231n demo."""
    return _checked("ova", W, b, X, y, reg, penalty, margin)


LOSSES = {"svm": svm_loss, "softmax": softmax_loss, "ova": ova_loss}
LOSS_KINDS = {"svm": "svm", "softmax": "softmax", "ova": "ova"}
# friendly aliases accepted wherever a loss name is asked for
ALIASES = {"hinge": "svm", "cross_entropy": "softmax", "cross-entropy": "softmax"}


def get_loss(name: str):
    """Registry lookup by name (aliases: hinge -> svm, cross_entropy -> softmax)."""
    name = ALIASES.get(name, name) if isinstance(name, str) else name
    return check_choice("loss", name, LOSSES)


def canonical_loss_name(name: str) -> str:
    name = ALIASES.get(name, name) if isinstance(name, str) else name
    check_choice("loss", name, LOSSES)
    return name


# ---------------------------------------------------------------- training kernel
class ClassMajor:
    """The training kernel: loss, gradients and the number of correct predictions in one pass.

    Same mathematics as _evaluate, laid out class-major (scores S^T of shape (C, N)) so that every
    reduction over classes is an elementwise operation over N examples: for the small C of a
    teaching dashboard that is several times faster than reducing along a short last axis.
    """

    def __init__(self, kind: str, X: np.ndarray, y: np.ndarray, C: int, reg: float, penalty: str,
                 margin: float):
        self.kind, self.X, self.y, self.C = kind, X, y, C
        self.XT = np.ascontiguousarray(X.T)
        self.N = X.shape[0]
        self.true = y * self.N + np.arange(self.N)  # flat index of s_{y_i} in S^T
        self.reg, self.penalty, self.margin = reg, PENALTIES[penalty], margin
        if kind == "ova":
            self.t = -np.ones((C, self.N))
            self.t.ravel()[self.true] = 1.0
        # softmax: dS = (P - onehot(y)) / N, and onehot(y) X / N, onehot(y) 1 / N are constants
        onehot = np.zeros((C, self.N))
        onehot.ravel()[self.true] = 1.0
        self.onehot_X = onehot @ X / self.N  # (C, D): class sums of X over N
        self.onehot_1 = onehot.sum(axis=1) / self.N  # (C,): class frequencies

    def __call__(self, W: np.ndarray, b: np.ndarray):
        """(loss, dW, db, n_correct) at (W, b)."""
        if self.kind == "softmax":
            return self._softmax(W, b)
        N, true = self.N, self.true
        S = W @ self.XT + b[:, None]  # (C, N)
        top = np.maximum.reduce(S)  # max over classes, per example
        correct_score = S.take(true)
        if self.kind == "svm":
            margins = S - correct_score + self.margin
            margins.ravel()[true] = 0.0
            np.maximum(margins, 0.0, out=margins)
            data_loss = float(margins.sum()) / N
            dS = (margins > 0).astype(float)
            dS.ravel()[true] = -np.add.reduce(dS)
        else:
            margins = np.maximum(0.0, self.margin - self.t * S)
            data_loss = float(margins.sum()) / N
            dS = -self.t * (margins > 0)
        dS /= N
        reg_loss, dW_reg = self.penalty(W, self.reg)
        n_correct = int(np.count_nonzero(correct_score >= top))
        if np.count_nonzero(S == top) > N:  # ties: argmax takes the first maximal class
            n_correct = int(np.count_nonzero(np.argmax(S, axis=0) == self.y))
        return data_loss + reg_loss, dS @ self.X + dW_reg, np.add.reduce(dS, axis=1), n_correct

    def _softmax(self, W: np.ndarray, b: np.ndarray):
        """The softmax path, in place on one (C, N) buffer: this is the loop the benchmark times."""
        N = self.N
        S = W @ self.XT
        S += b[:, None]
        S -= np.maximum.reduce(S)  # shifted scores: every exponent <= 0, no overflow
        correct = S.take(self.true)  # s_y - max_j s_j <= 0, and == 0 where y is a maximal class
        n_correct = np.count_nonzero(correct == 0.0)
        if np.count_nonzero(S == 0.0) > N:  # ties: argmax takes the first maximal class
            n_correct = np.count_nonzero(np.argmax(S, axis=0) == self.y)
        np.exp(S, out=S)
        Z = np.add.reduce(S)
        data_loss = float(np.log(Z).sum() - correct.sum()) / N
        S *= 1.0 / (N * Z)  # probabilities / N
        reg_loss, dW_reg = self.penalty(W, self.reg)
        dW = S @ self.X
        dW -= self.onehot_X
        dW += dW_reg
        return data_loss + reg_loss, dW, np.add.reduce(S, axis=1) - self.onehot_1, int(n_correct)
