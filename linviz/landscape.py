"""Loss landscapes on a 2-D slice of parameter space, trajectories projected onto it,
and decision regions in input space.

A slice is  theta(alpha, beta) = theta + alpha d1 + beta d2  with theta = (W, b).
Because the scores are affine in the parameters, on a slice they are affine in (alpha, beta):
    S(alpha, beta) = S0 + alpha S1 + beta S2,   S_k = X dW_k^T + db_k.
No grid point needs a matrix product, and
  * softmax: exp(S0 + a S1 + b S2) = exp(S0 + a S1) * exp(b S2)  -- R*N*C exps per axis,
    then one multiply-add per class and one log per (grid point, example);
  * hinge:   along one grid row every hinge term is a ramp max(0, p + beta q) in beta, so the
    row is a sum of ramps, evaluated for all betas at once from the sorted kinks.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from linviz._checks import check_choice, check_data, check_nonnegative, check_params, check_positive
from linviz.losses import PENALTIES, canonical_loss_name

Direction = tuple[np.ndarray, np.ndarray]  # (dW (C, D), db (C,))

# Below this, a factorized softmax sum may have lost terms to underflow: recompute directly.
_UNDERFLOW_GUARD = 1e-30
_GROUP = 8  # (1e-30)**8 and 8**8 are far from the float64 limits
_CHUNK_BYTES = 8 * 2**20  # temporaries per block of grid rows


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


# ---------------------------------------------------------------- data losses on a grid
def _softmax_grid(S0, S1, S2, y, alphas, betas) -> np.ndarray:
    """mean_i [logsumexp_c S_ic(a, b) - S_{i y_i}(a, b)] for every grid point, (R, R)."""
    N, C = S0.shape
    R = len(alphas)
    rows = np.arange(N)
    # the true-class score is affine in (alpha, beta): its mean is too
    correct = (S0[rows, y].mean(), S1[rows, y].mean(), S2[rows, y].mean())
    # exp(S0 + a S1) shifted by its max over classes, per (example, alpha): entries in (0, 1]
    PA = S0[:, None, :] + alphas[None, :, None] * S1[:, None, :]  # (N, R, C)
    shiftA = PA.max(axis=2)  # (N, R)
    A = np.exp(PA - shiftA[:, :, None])
    PB = betas[None, :, None] * S2[:, None, :]  # (N, R, C)
    shiftB = PB.max(axis=2)
    B = np.ascontiguousarray(np.exp(PB - shiftB[:, :, None]).transpose(0, 2, 1))  # (N, C, R)
    # sum_c A[i, a, c] B[i, c, b] is a batch of (R, C) @ (C, R) products, one per example;
    # blocks of examples keep the temporaries small
    log_sum = np.zeros((R, R))  # sum over examples of log sum_c A * B
    block = max(_GROUP, _CHUNK_BYTES // (8 * R * R) // _GROUP * _GROUP)
    buf = np.empty((min(block, N), R, R))
    for i0 in range(0, N, block):
        i1 = min(N, i0 + block)
        total = np.matmul(A[i0:i1], B[i0:i1], out=buf[: i1 - i0])  # (k, R, R)
        # each total lies in [_UNDERFLOW_GUARD, C]; below the guard, terms may have underflowed
        bad = total < _UNDERFLOW_GUARD
        if bad.any():  # exact log-sum-exp there, added separately
            ki, ka, kb = np.nonzero(bad)
            s = PA[i0 + ki, ka] + PB[i0 + ki, kb]  # (m, C), the scores themselves
            m = s.max(axis=1)
            exact = np.log(np.exp(s - m[:, None]).sum(axis=1)) + m - shiftA[i0 + ki, ka] - shiftB[i0 + ki, kb]
            np.add.at(log_sum, (ka, kb), exact)
            total[bad] = 1.0
        log_sum += _sum_log(total)
    lse_mean = log_sum / N
    lse_mean += shiftA.mean(axis=0)[:, None] + shiftB.mean(axis=0)[None, :]
    return lse_mean - (correct[0] + alphas[:, None] * correct[1] + betas[None, :] * correct[2])


def _sum_log(v: np.ndarray) -> np.ndarray:
    """sum(log(v), axis=0) with one log per _GROUP values: log(v1 v2 ... vg) = sum log v_k.

    Safe because every v lies in [_UNDERFLOW_GUARD, C], so a product of _GROUP of them
    neither underflows nor overflows; logs cost as much as exps, products almost nothing.
    """
    n = v.shape[0]
    m = n - n % _GROUP
    out = np.zeros(v.shape[1:])
    if m:
        prod = v[0:m:_GROUP].copy()
        for k in range(1, _GROUP):
            prod *= v[k:m:_GROUP]
        out += np.log(prod).sum(axis=0)
    if m < n:
        out += np.log(v[m:]).sum(axis=0)
    return out


def _ramp_sum_grid(P0, P1, Q, alphas, betas) -> np.ndarray:
    """sum_k max(0, P0_k + alpha P1_k + beta Q_k) for every grid point, (R, R).

    For each row alpha, term k is active on a contiguous range of betas ending or starting at
    its kink -p/q. Difference arrays over beta indices collect the active sum of p and of q.
    """
    R = len(betas)
    p = P0[None, :] + alphas[:, None] * P1[None, :]  # (R, K)
    q = np.broadcast_to(Q, p.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        kink = -p / q
    # where the ramp is active, as a half-open range [start, end) of beta indices
    up = q > 0
    down = q < 0
    flat = ~(up | down)
    start = np.where(up, np.searchsorted(betas, kink.ravel(), side="right").reshape(p.shape), 0)
    end = np.where(down, np.searchsorted(betas, kink.ravel(), side="left").reshape(p.shape), R)
    end = np.where(flat & (p <= 0), 0, end)  # constant non-positive terms are never active
    start = np.where(flat & (p <= 0), 0, start)
    row = np.arange(R)[:, None] * (R + 1)
    size = R * (R + 1)
    sum_p = (np.bincount((row + start).ravel(), p.ravel(), size)
             - np.bincount((row + end).ravel(), p.ravel(), size))
    sum_q = (np.bincount((row + start).ravel(), q.ravel(), size)
             - np.bincount((row + end).ravel(), q.ravel(), size))
    sum_p = np.cumsum(sum_p.reshape(R, R + 1), axis=1)[:, :R]
    sum_q = np.cumsum(sum_q.reshape(R, R + 1), axis=1)[:, :R]
    return sum_p + betas[None, :] * sum_q


def _svm_grid(S0, S1, S2, y, alphas, betas, margin) -> np.ndarray:
    N, C = S0.shape
    rows = np.arange(N)
    keep = np.ones((N, C), dtype=bool)
    keep[rows, y] = False  # the j = y_i term is not in the sum
    # term (i, j): max(0, s_j - s_{y_i} + margin), affine in (alpha, beta)
    diffs = [Sk - Sk[rows, y][:, None] for Sk in (S0, S1, S2)]
    P0, P1, Q = (d[keep] for d in diffs)
    return _ramp_sum_grid(P0 + margin, P1, Q, alphas, betas) / N


def _ova_grid(S0, S1, S2, y, alphas, betas, margin) -> np.ndarray:
    N, C = S0.shape
    t = -np.ones((N, C))
    t[np.arange(N), y] = 1.0
    # term (i, j): max(0, margin - t_ij s_ij)
    return _ramp_sum_grid((margin - t * S0).ravel(), (-t * S1).ravel(), (-t * S2).ravel(),
                          alphas, betas) / N


def _reg_grid(W, d1, d2, alphas, betas, reg, penalty) -> np.ndarray:
    R = len(alphas)
    if penalty == "none" or reg == 0:
        return np.zeros((R, R))
    if penalty == "l2":
        # |W + a d1 + b d2|^2 expanded: a quadratic form in (alpha, beta)
        w_w, w_1, w_2 = np.sum(W * W), np.sum(W * d1), np.sum(W * d2)
        d11, d12, d22 = np.sum(d1 * d1), np.sum(d1 * d2), np.sum(d2 * d2)
        a, b = alphas[:, None], betas[None, :]
        return reg * (w_w + 2 * a * w_1 + 2 * b * w_2 + a * a * d11 + 2 * a * b * d12 + b * b * d22)
    # l1: only C*D entries, evaluate directly
    Wab = W.ravel()[None, None] + alphas[:, None, None] * d1.ravel() + betas[None, :, None] * d2.ravel()
    return reg * np.abs(Wab).sum(axis=2)


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
        if loss == "softmax":
            data = _softmax_grid(S0, S1, S2, y, alphas, betas)
        elif loss == "svm":
            data = _svm_grid(S0, S1, S2, y, alphas, betas, margin)
        else:
            data = _ova_grid(S0, S1, S2, y, alphas, betas, margin)
        reg_values = _reg_grid(W, dW1, dW2, alphas, betas, reg, penalty)
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


def _clip(poly: np.ndarray, normal: np.ndarray, offset: float) -> np.ndarray:
    """Sutherland-Hodgman: keep the part of a convex polygon (V, 2) where normal . x + offset >= 0."""
    if len(poly) == 0:
        return poly
    side = poly @ normal + offset
    out = []
    for k in range(len(poly)):
        p, q = poly[k], poly[(k + 1) % len(poly)]
        sp, sq = side[k], side[(k + 1) % len(poly)]
        if sp >= 0:
            out.append(p)
        if (sp >= 0) != (sq >= 0):  # the edge crosses the line: add the crossing point
            out.append(p + (q - p) * (sp / (sp - sq)))
    return np.array(out).reshape(-1, 2)


def decision_regions(W, b, bounds) -> list[np.ndarray]:
    """Exact decision regions in 2-D: polygon k (V_k, 2) is where class k wins, clipped to bounds.

    A linear classifier's region for class k is the intersection of the half-planes
    (w_k - w_j) . x + (b_k - b_j) >= 0 over j != k: a convex polygon (possibly empty).
    """
    W, b = check_params(W, b, D=2)
    xmin, xmax, ymin, ymax = (float(v) for v in bounds)
    box = np.array([[xmin, ymin], [xmax, ymin], [xmax, ymax], [xmin, ymax]])
    regions = []
    for k in range(W.shape[0]):
        poly = box
        for j in range(W.shape[0]):
            if j != k:
                poly = _clip(poly, W[k] - W[j], b[k] - b[j])
        regions.append(poly)
    return regions


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
