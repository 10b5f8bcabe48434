"""Input validation shared by the engine: clear ValueErrors instead of numpy tracebacks."""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np


def check_choice(kind: str, name: str, registry: Mapping) -> object:
    """Return registry[name], or raise ValueError listing the valid names."""
    if not isinstance(name, str) or name not in registry:
        valid = ", ".join(sorted(registry))
        raise ValueError(f"unknown {kind} {name!r}; valid names are: {valid}")
    return registry[name]


def check_nonnegative(name: str, value: float) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return value


def check_positive(name: str, value: float) -> float:
    value = check_nonnegative(name, value)
    if value == 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return value


def check_data(X, y, n_classes: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """X : (N, D) finite floats; y : (N,) ints in [0, n_classes)."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D of shape (N, D), got shape {X.shape}")
    if X.shape[0] == 0:
        raise ValueError("X has no examples (N = 0)")
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains non-finite values (NaN or inf)")
    y_arr = np.asarray(y)
    if y_arr.ndim != 1 or y_arr.shape[0] != X.shape[0]:
        raise ValueError(f"y must have shape ({X.shape[0]},) to match X, got {y_arr.shape}")
    if y_arr.dtype.kind == "f":
        if not np.all(np.isfinite(y_arr)) or np.any(y_arr != np.round(y_arr)):
            raise ValueError("y must hold integer class labels")
    elif y_arr.dtype.kind not in "iub":
        raise ValueError(f"y must hold integer class labels, got dtype {y_arr.dtype}")
    y_arr = y_arr.astype(np.intp)
    if y_arr.min() < 0 or (n_classes is not None and y_arr.max() >= n_classes):
        hi = "C" if n_classes is None else n_classes
        raise ValueError(f"labels y must lie in [0, {hi}), got range [{y_arr.min()}, {y_arr.max()}]")
    return X, y_arr


def check_params(W, b, D: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """W : (C, D); b : (C,). Both finite."""
    W = np.asarray(W, dtype=float)
    b = np.asarray(b, dtype=float)
    if W.ndim != 2:
        raise ValueError(f"W must be 2-D of shape (C, D), got shape {W.shape}")
    if b.shape != (W.shape[0],):
        raise ValueError(f"b must have shape ({W.shape[0]},) to match W {W.shape}, got {b.shape}")
    if D is not None and W.shape[1] != D:
        raise ValueError(f"W has {W.shape[1]} columns but X has D = {D} features")
    if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
        raise ValueError("W and b must be finite")
    return W, b


def check_batch_size(batch_size, N: int) -> int | None:
    """None (full batch) or an integer >= 1; a batch of N or more examples is the full batch, so None."""
    if batch_size is None:
        return None
    if isinstance(batch_size, bool) or int(batch_size) != batch_size or not 1 <= batch_size:
        raise ValueError(f"batch_size must be None (full batch) or an integer >= 1, got {batch_size!r}")
    return None if int(batch_size) >= N else int(batch_size)


def check_test_set(X_test, y_test, C: int, D: int) -> tuple[np.ndarray, np.ndarray] | None:
    """The test set (X_test (M, D), y_test (M,) in [0, C)), or None when there is none or it is empty."""
    if (X_test is None) != (y_test is None):
        raise ValueError("give both X_test and y_test, or neither")
    if X_test is None or not len(X_test):
        return None
    Xt, yt = check_data(X_test, y_test, n_classes=C)
    if Xt.shape[1] != D:
        raise ValueError(f"X_test has {Xt.shape[1]} features, X has {D}")
    return Xt, yt
