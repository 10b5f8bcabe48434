"""The lecture's sanity facts about the losses, each a live check on the current model.

Every check has one signature  check(W, b, X, y, *, delta, shift) -> Check  and compares the value
the fact predicts (expected) with the value computed (actual). All values are data losses: the
regularization lambda R(W) is left out (it is 0 at W = 0 and unaffected by the other changes).

* At W = 0, b = 0 every score is 0 ("make all scores equal"): each of the C - 1 hinge terms is
  max(0, 0 - 0 + Delta) = Delta, so L = (C - 1) Delta; every softmax probability is 1/C, so L = log C
  (log 10 = 2.30 for ten classes).
* Summing the hinge over all classes, j = y_i included, adds max(0, s_{y_i} - s_{y_i} + Delta) = Delta.
* Averaging the hinge over the C - 1 rivals instead of summing divides the loss by C - 1.
* Adding the same constant c to every score leaves the softmax unchanged:
  e^{s_k + c} / sum_j e^{s_j + c} = e^{s_k} / sum_j e^{s_j}  (adding c to every b_k adds c to every score).
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from linviz._checks import check_data, check_nonnegative, check_params
from linviz.losses import softmax_loss, svm_loss


@dataclass(frozen=True)
class Check:
    """A fact, the value it predicts and the value measured."""

    name: str  # registry key
    statement: str  # the fact, in the lecture's words
    expected: float
    actual: float

    @property
    def holds(self) -> bool:
        """True when actual equals expected up to floating-point rounding."""
        return math.isclose(self.actual, self.expected, rel_tol=1e-9, abs_tol=1e-12)


def _inputs(W, b, X, y):
    X, y = check_data(X, y)
    W, b = check_params(W, b, D=X.shape[1])
    if y.max() >= W.shape[0]:
        raise ValueError(f"labels y must lie in [0, {W.shape[0]}) for C = {W.shape[0]} classes")
    return W, b, X, y


def _hinge_terms(W, b, X, y, delta) -> np.ndarray:
    """(N, C) max(0, s_j - s_{y_i} + Delta) for EVERY class j, the j = y_i term included."""
    S = X @ W.T + b
    return np.maximum(0.0, S - S[np.arange(len(y)), y][:, None] + delta)


def zero_weights_hinge(W, b, X, y, *, delta: float = 1.0, shift: float = 10.0) -> Check:
    W, b, X, y = _inputs(W, b, X, y)
    delta = check_nonnegative("delta", delta)
    C = W.shape[0]
    actual = svm_loss(np.zeros_like(W), np.zeros_like(b), X, y, reg=0.0, margin=delta).data_loss
    return Check("zero_weights_hinge", f"At W = 0 all scores are equal: hinge loss = (C - 1) Δ = {C - 1} × {delta:g}",
                 expected=(C - 1) * delta, actual=actual)


def zero_weights_softmax(W, b, X, y, *, delta: float = 1.0, shift: float = 10.0) -> Check:
    W, b, X, y = _inputs(W, b, X, y)
    C = W.shape[0]
    actual = softmax_loss(np.zeros_like(W), np.zeros_like(b), X, y, reg=0.0).data_loss
    return Check("zero_weights_softmax", f"At W = 0 every probability is 1/C: softmax loss = log C = log {C}",
                 expected=math.log(C), actual=actual)


def true_class_term(W, b, X, y, *, delta: float = 1.0, shift: float = 10.0) -> Check:
    W, b, X, y = _inputs(W, b, X, y)
    delta = check_nonnegative("delta", delta)
    hinge = svm_loss(W, b, X, y, reg=0.0, margin=delta).data_loss
    actual = float(_hinge_terms(W, b, X, y, delta).sum(axis=1).mean())  # the sum over all j
    return Check("true_class_term", "Summing over all classes (j = y_i included) adds Δ to the hinge loss",
                 expected=hinge + delta, actual=actual)


def mean_over_classes(W, b, X, y, *, delta: float = 1.0, shift: float = 10.0) -> Check:
    W, b, X, y = _inputs(W, b, X, y)
    delta = check_nonnegative("delta", delta)
    C = W.shape[0]
    if C < 2:
        raise ValueError("the mean over the other classes needs C >= 2 classes")
    hinge = svm_loss(W, b, X, y, reg=0.0, margin=delta).data_loss
    terms = _hinge_terms(W, b, X, y, delta)
    terms[np.arange(len(y)), y] = np.nan  # the mean is over the C - 1 rivals only
    actual = float(np.nanmean(terms, axis=1).mean())
    return Check("mean_over_classes", f"The mean over the C - 1 = {C - 1} other classes is the sum / (C - 1)",
                 expected=hinge / (C - 1), actual=actual)


def softmax_shift(W, b, X, y, *, delta: float = 1.0, shift: float = 10.0) -> Check:
    W, b, X, y = _inputs(W, b, X, y)
    try:
        shift = float(shift)
    except (TypeError, ValueError):
        raise ValueError(f"shift must be a number, got {shift!r}") from None
    if not math.isfinite(shift):
        raise ValueError(f"shift must be finite, got {shift!r}")
    expected = softmax_loss(W, b, X, y, reg=0.0).data_loss
    actual = softmax_loss(W, b + shift, X, y, reg=0.0).data_loss  # every score + shift
    return Check("softmax_shift", f"Adding {shift:g} to every score leaves the softmax loss unchanged",
                 expected=expected, actual=actual)


SANITY_CHECKS: dict[str, Callable[..., Check]] = {
    "zero_weights_hinge": zero_weights_hinge, "zero_weights_softmax": zero_weights_softmax,
    "true_class_term": true_class_term, "mean_over_classes": mean_over_classes, "softmax_shift": softmax_shift,
}


def sanity_checks(W, b, X, y, *, delta: float = 1.0, shift: float = 10.0) -> tuple[Check, ...]:
    """Every check in SANITY_CHECKS on the model W (C, D), b (C,) and data X (N, D), y (N,)."""
    return tuple(check(W, b, X, y, delta=delta, shift=shift) for check in SANITY_CHECKS.values())
