"""The binary rule: with two classes a linear classifier is one score f(x) and its sign.

With C = 2 only the difference of the two scores matters:
    f(x) = s_1 - s_0 = (w_1 - w_0) . x + (b_1 - b_0),      y = 1 if f(x) >= 0, else 0   (the slide's rule)
and the two-class softmax is the sigmoid of that difference:
    p_1 = e^{s_1} / (e^{s_0} + e^{s_1}) = 1 / (1 + e^{-(s_1 - s_0)}) = sigma(f(x)).
The line f(x) = 0 is the decision boundary; f > 0 is class 1's side.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from linviz._checks import check_params


def sigmoid(z) -> np.ndarray:
    """sigma(z) = 1 / (1 + e^{-z}), elementwise, without overflow for large |z|."""
    z = np.asarray(z, dtype=float)
    # e^{-|z|} <= 1 never overflows: for z >= 0 use 1 / (1 + e^{-z}), for z < 0 e^{z} / (1 + e^{z})
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


@dataclass(frozen=True)
class BinaryRule:
    """One score per example instead of two."""

    w: np.ndarray  # (D,) w_1 - w_0: the normal of the boundary, pointing to class 1
    b: float  # b_1 - b_0
    f: np.ndarray  # (N,) f(x_i) = w . x_i + b
    prediction: np.ndarray  # (N,) int: 1 where f >= 0, else 0
    p1: np.ndarray  # (N,) sigma(f) = the softmax probability of class 1


def binary_rule(W, b, X) -> BinaryRule:
    """The single-score view of a two-class classifier W (2, D), b (2,) on X (N, D).

    At an exact tie (f = 0) the slide's rule says class 1 while argmax of the two scores picks the
    first maximal class, 0; everywhere else the two agree.
    """
    W, b = check_params(W, b)
    if W.shape[0] != 2:
        raise ValueError(f"the binary rule needs C = 2 classes, got C = {W.shape[0]}")
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != W.shape[1]:
        raise ValueError(f"X must have shape (N, {W.shape[1]}), got {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains non-finite values (NaN or inf)")
    w = W[1] - W[0]
    offset = float(b[1] - b[0])
    f = X @ w + offset
    return BinaryRule(w=w, b=offset, f=f, prediction=(f >= 0).astype(int), p1=sigmoid(f))
