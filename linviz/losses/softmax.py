"""The softmax cross-entropy loss: per-example terms with their gradient, and the data loss on a 2-D slice of
parameter space. Scores are class-major, S of shape (C, N), as in linviz.losses.hinge.
"""
from __future__ import annotations

import numpy as np

from linviz.losses.labels import Labels

# Below this, a factorized softmax sum may have lost terms to underflow: recompute directly.
_UNDERFLOW_GUARD = 1e-30
_GROUP = 8  # (1e-30)**8 and 8**8 are far from the float64 limits
_CHUNK_BYTES = 8 * 2**20  # temporaries per block of grid rows


def softmax_terms(S: np.ndarray, labels: Labels, margin: float = 1.0, *, scale: float = 1.0, overwrite: bool = False,
                  keep_probs: bool = True, correct: np.ndarray | None = None, top: np.ndarray | None = None):
    """Cross-entropy L_i = -log softmax(s)_{y_i} = logsumexp(s) - s_{y_i}; `margin` is ignored.

    Subtracting each example's max score before exp keeps every exponent <= 0, so nothing overflows even for
    scores of 1e6; the loss comes from log-sum-exp, never from log(p). S (C, N) class-major (overwritten when
    overwrite); correct = S.take(labels.true) and top = the per-example max of S, if the caller has them. Returns
    (per_example (N,), probs (C, N) or None without keep_probs, dS = scale * (probs - onehot(y))).
    """
    true = labels.true
    top = np.maximum.reduce(S) if top is None else top
    correct = (S.take(true) if correct is None else correct) - top  # s_{y_i} - max_j s_j
    P = S if overwrite else S.copy()
    P -= top  # shifted scores
    np.exp(P, out=P)
    Z = np.add.reduce(P)
    probs = None
    if keep_probs:
        P *= 1.0 / Z
        probs = P.copy()  # the probabilities
        if np.ndim(scale) or scale != 1.0:  # (scale: a number, or (N,) one per example)
            P *= scale
    else:
        P *= scale / Z  # scale * probabilities, in one pass
    P -= labels.onehot_times(scale)  # dL_i/ds_j = p_j - [j = y_i]
    return np.log(Z) - correct, probs, P


# ---------------------------------------------------------------- on a 2-D slice of parameter space
def softmax_surface(S0, S1, S2, y, alphas, betas, margin=None) -> np.ndarray:
    """mean_i [logsumexp_c S_ic(a, b) - S_{i y_i}(a, b)] for every grid point, (R, R); S0, S1, S2 (N, C).

    exp(S0 + a S1 + b S2) = exp(S0 + a S1) * exp(b S2): R*N*C exps per axis, then for each example a small
    (R, C) @ (C, R) product and one log per (grid point, example), taken _GROUP at a time (_sum_log).
    """
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
