"""Loss landscapes on a 2-D slice of parameter space, trajectories projected onto it,
and decision regions in input space.

A slice is  theta(alpha, beta) = theta + alpha d1 + beta d2  with theta = (W, b).
Because the scores are affine in the parameters, on a slice they are affine in (alpha, beta):
    S(alpha, beta) = S0 + alpha S1 + beta S2,   S_k = X dW_k^T + db_k.
No grid point needs a matrix product: each loss's `surface` kernel (linviz.losses) exploits this
(softmax factorizes its exps, the hinges sum ramps), and each penalty's `on_slice` gives lambda R there.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from linviz import geometry
from linviz._checks import check_choice, check_data, check_nonnegative, check_params, check_positive
from linviz.losses import LOSSES, PENALTIES, canonical_loss_name

Direction = tuple[np.ndarray, np.ndarray]  # (dW (C, D), db (C,))


@dataclass(frozen=True)
class Surface:
    alphas: np.ndarray  # (R,)
    betas: np.ndarray  # (R,)
    values: np.ndarray  # (R, R): values[i, j] = loss at (alphas[i], betas[j])
    data_values: np.ndarray  # (R, R) data loss only
    reg_values: np.ndarray  # (R, R) regularization only


def _check_directions(directions, W, b) -> tuple[Direction, Direction]:
    try:
        (dW1, db1), (dW2, db2) = directions
    except (TypeError, ValueError):
        raise ValueError("directions must be ((dW1, db1), (dW2, db2))") from None
    out = []
    for dW, db in ((dW1, db1), (dW2, db2)):
        dW, db = np.asarray(dW, dtype=float), np.asarray(db, dtype=float)
        if dW.shape != W.shape or db.shape != b.shape:
            raise ValueError(f"each direction must have shapes W {W.shape} and b {b.shape}, "
                             f"got {dW.shape} and {db.shape}")
        if not (np.all(np.isfinite(dW)) and np.all(np.isfinite(db))):
            raise ValueError("directions must be finite")
        out.append((dW, db))
    return out[0], out[1]


def _check_resolution(resolution) -> int:
    if isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer)):
        raise ValueError(f"resolution must be an integer in [3, 1001], got {resolution!r}")
    if not 3 <= resolution <= 1001:
        raise ValueError(f"resolution must be in [3, 1001], got {resolution}")
    return int(resolution)


def loss_surface(X, y, W, b, directions, *, loss: str = "softmax", reg: float = 0.0,
                 penalty: str = "l2", margin: float = 1.0, extent: float = 1.0,
                 resolution: int = 101) -> Surface:
    """The loss on the grid theta + alpha d1 + beta d2, alphas = betas = linspace(-extent, extent, R)."""
    loss = canonical_loss_name(loss)
    X, y = check_data(X, y)
    W, b = check_params(W, b, D=X.shape[1])
    if y.max() >= W.shape[0]:
        raise ValueError(f"labels y must lie in [0, {W.shape[0]}), got max label {y.max()}")
    (dW1, db1), (dW2, db2) = _check_directions(directions, W, b)
    reg = check_nonnegative("reg", reg)
    margin = check_nonnegative("margin", margin)
    check_choice("penalty", penalty, PENALTIES)
    extent = check_positive("extent", extent)
    R = _check_resolution(resolution)
    alphas = np.linspace(-extent, extent, R)
    betas = alphas.copy()
    S0 = X @ W.T + b
    S1 = X @ dW1.T + db1
    S2 = X @ dW2.T + db2
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        data = LOSSES[loss].surface(S0, S1, S2, y, alphas, betas, margin)
        reg_values = (PENALTIES[penalty].on_slice(W, dW1, dW2, alphas, betas, reg) if reg
                      else np.zeros((R, R)))
    return Surface(alphas, betas, data + reg_values, data, reg_values)


# ---------------------------------------------------------------- directions
def parameter_directions(W, b, first: tuple, second: tuple) -> tuple[Direction, Direction]:
    """Unit directions on two chosen parameters: ("W", k, d) is W[k, d], ("b", k) is b[k]."""
    W, b = check_params(W, b)
    out = []
    for which in (first, second):
        dW, db = np.zeros_like(W), np.zeros_like(b)
        try:
            if which[0] == "W":
                dW[int(which[1]), int(which[2])] = 1.0
            elif which[0] == "b":
                db[int(which[1])] = 1.0
            else:
                raise ValueError
        except (IndexError, ValueError, TypeError):
            raise ValueError(f"a parameter is ('W', k, d) with k < {W.shape[0]}, d < {W.shape[1]} "
                             f"or ('b', k); got {which!r}") from None
        out.append((dW, db))
    if tuple(first) == tuple(second):
        raise ValueError(f"the two parameters of a slice must differ, got {first!r} twice")
    return out[0], out[1]


def random_directions(W, b, *, seed: int | np.random.Generator = 0,
                      filter_normalize: bool = True) -> tuple[Direction, Direction]:
    """Two random Gaussian directions; with filter normalization (Li et al. 2018) each class row
    [dW_k | db_k] is rescaled to the norm of [W_k | b_k] (to norm 1 where that row is ~0)."""
    W, b = check_params(W, b)
    rng = np.random.default_rng(seed)
    theta = np.hstack([W, b[:, None]])
    row_norm = np.linalg.norm(theta, axis=1, keepdims=True)
    row_norm = np.where(row_norm > 1e-10, row_norm, 1.0)
    out = []
    for _ in range(2):
        d = rng.standard_normal(theta.shape)
        if filter_normalize:
            d = d / np.linalg.norm(d, axis=1, keepdims=True) * row_norm
        out.append((d[:, :-1].copy(), d[:, -1].copy()))
    return out[0], out[1]


def project(history, W, b, directions) -> np.ndarray:
    """(alpha, beta) coordinates, shape (T, 2), of parameters (T, C, D), (T, C) on the slice.

    `history` is a History or a pair (Ws, bs). Least squares, so the directions need not be
    orthogonal; components outside the plane are dropped.
    """
    Ws, bs = (history.W, history.b) if hasattr(history, "W") else history
    W, b = check_params(W, b)
    (dW1, db1), (dW2, db2) = _check_directions(directions, W, b)
    basis = np.stack([np.concatenate([dW1.ravel(), db1]), np.concatenate([dW2.ravel(), db2])], axis=1)
    Ws, bs = np.asarray(Ws, dtype=float), np.asarray(bs, dtype=float)
    delta = np.concatenate([(Ws - W).reshape(len(Ws), -1), bs - b], axis=1)  # (T, P)
    coords, *_ = np.linalg.lstsq(basis, delta.T, rcond=None)
    return coords.T


# ---------------------------------------------------------------- input space
@dataclass(frozen=True)
class DecisionGrid:
    xs: np.ndarray  # (R,)
    ys: np.ndarray  # (R,)
    classes: np.ndarray  # (R, R) predicted class, classes[iy, ix]
    scores: np.ndarray  # (R, R, C) scores[iy, ix, k] = w_k . (xs[ix], ys[iy]) + b_k


def decision_grid(W, b, bounds, resolution: int = 100) -> DecisionGrid:
    """Argmax class and per-class scores on a grid over bounds = (xmin, xmax, ymin, ymax)."""
    W, b = check_params(W, b, D=2)
    try:
        xmin, xmax, ymin, ymax = (float(v) for v in bounds)
    except (TypeError, ValueError):
        raise ValueError(f"bounds must be (xmin, xmax, ymin, ymax), got {bounds!r}") from None
    if not (np.isfinite([xmin, xmax, ymin, ymax]).all() and xmin < xmax and ymin < ymax):
        raise ValueError(f"bounds need finite xmin < xmax and ymin < ymax, got {bounds!r}")
    R = _check_resolution(resolution)
    xs, ys = np.linspace(xmin, xmax, R), np.linspace(ymin, ymax, R)
    # scores are separable: w_k0 x + w_k1 y + b_k
    S = ys[:, None, None] * W[:, 1] + (xs[None, :, None] * W[:, 0] + b)
    return DecisionGrid(xs, ys, np.argmax(S, axis=2), S)


def decision_regions(W, b, bounds) -> list[np.ndarray]:
    """Exact decision regions in 2-D: polygon k (V_k, 2) is where class k wins, clipped to bounds
    (linviz.geometry.decision_polygons: the intersection of the half-planes where s_k beats every s_j, ties
    to the lowest class)."""
    W, b = check_params(W, b, D=2)
    return geometry.decision_regions(W, b, bounds)


def pca_directions(history, W=None, b=None) -> tuple[Direction, Direction]:
    """The two principal directions of a trajectory's steps around (W, b) (default: its end).

    The plane the optimizer actually moved in (Li et al. 2018, section 7): a projected
    trajectory then loses as little as possible. Falls back to random directions for the
    parts a trajectory of fewer than 3 distinct points cannot span.
    """
    Ws, bs = (history.W, history.b) if hasattr(history, "W") else history
    Ws, bs = np.asarray(Ws, dtype=float), np.asarray(bs, dtype=float)
    W = Ws[-1] if W is None else np.asarray(W, dtype=float)
    b = bs[-1] if b is None else np.asarray(b, dtype=float)
    C, D = W.shape
    delta = np.concatenate([(Ws - W).reshape(len(Ws), -1), bs - b], axis=1)
    _, sv, vt = np.linalg.svd(delta - delta.mean(axis=0), full_matrices=False)
    fallback = random_directions(W, b, seed=0, filter_normalize=False)
    scale = np.abs(delta).max() or 1.0
    out = []
    for k in range(2):
        if k < len(sv) and sv[k] > 1e-12 * max(sv[0], 1e-300):
            v = vt[k] * np.linalg.norm(delta, axis=1).max()  # unit of the plot ~ the path length
        else:
            v = np.concatenate([fallback[k][0].ravel(), fallback[k][1]])
            v = v / np.linalg.norm(v) * scale
        out.append((v[: C * D].reshape(C, D), v[C * D:].copy()))
    return out[0], out[1]
