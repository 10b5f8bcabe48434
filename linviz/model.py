"""The linear classifier f(x) = W x + b, the bias trick, and initialization."""
from __future__ import annotations

import numpy as np

from linviz._checks import check_choice, check_params


def scores(W: np.ndarray, b: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Class scores of shape (N, C): s_i = W x_i + b."""
    return np.asarray(X, dtype=float) @ np.asarray(W, dtype=float).T + np.asarray(b, dtype=float)


def predict(W: np.ndarray, b: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Predicted class (N,): the argmax of the scores."""
    return np.argmax(scores(W, b, X), axis=1)


def accuracy(W: np.ndarray, b: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(predict(W, b, X) == np.asarray(y)))


def augment(X: np.ndarray) -> np.ndarray:
    """Append a constant 1 to every example: (N, D) -> (N, D + 1)."""
    X = np.asarray(X, dtype=float)
    return np.hstack([X, np.ones((X.shape[0], 1))])


def fold(W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Bias trick: [W | b] of shape (C, D + 1), so that W x + b = [W | b] [x; 1]."""
    W, b = check_params(W, b)
    return np.hstack([W, b[:, None]])


def unfold(Wb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Inverse of fold: (C, D + 1) -> W (C, D), b (C,)."""
    Wb = np.asarray(Wb, dtype=float)
    if Wb.ndim != 2 or Wb.shape[1] < 2:
        raise ValueError(f"[W | b] must be 2-D with at least 2 columns, got shape {Wb.shape}")
    return Wb[:, :-1].copy(), Wb[:, -1].copy()


def _init_zeros(C, D, rng, scale):
    return np.zeros((C, D)), np.zeros(C)


def _init_small(C, D, rng, scale):
    # CS231n's "W is small so all s ~ 0": Gaussian with a small standard deviation.
    return scale * rng.standard_normal((C, D)), np.zeros(C)


def _init_xavier(C, D, rng, scale):
    return rng.standard_normal((C, D)) / np.sqrt(D), np.zeros(C)


INITS = {"zeros": _init_zeros, "small": _init_small, "xavier": _init_xavier}


def init_params(n_classes: int, n_features: int, *, method: str = "small", scale: float = 0.01,
                seed: int | np.random.Generator = 0) -> tuple[np.ndarray, np.ndarray]:
    """Initial (W, b) of shapes (C, D), (C,)."""
    fn = check_choice("initialization", method, INITS)
    if int(n_classes) < 1 or int(n_features) < 1:
        raise ValueError(f"need n_classes >= 1 and n_features >= 1, got {n_classes}, {n_features}")
    rng = np.random.default_rng(seed)
    return fn(int(n_classes), int(n_features), rng, float(scale))


def start_params(X: np.ndarray, y: np.ndarray, W0=None, b0=None, *, n_classes: int | None = None,
                 seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The start (W0 (C, D), b0 (C,)) of a run on X (N, D), y (N,): the given one, checked, or without one the
    seed's small initialization for n_classes classes (default: max(y) + 1)."""
    if W0 is None and b0 is None:
        C = int(n_classes) if n_classes is not None else int(np.max(y)) + 1
        W0, b0 = init_params(C, np.shape(X)[1], seed=seed)
    return check_params(W0, b0, D=np.shape(X)[1])
