"""What a mini-batch training step needs, and no more: its batch's gradient (batch_gradient), and, for many steps at
once, the full-data loss and correct count without gradients (FullDataScores).

The arithmetic is that of linviz.losses.evaluate and of the training kernel linviz.losses.ClassMajor (the same
per-example terms and reductions in the same order), so the values are theirs, to round-off at most.
"""
from __future__ import annotations

import numpy as np

from linviz.losses import LOSSES, PENALTIES
from linviz.losses.labels import Labels


def batch_gradient(kind: str, W: np.ndarray, b: np.ndarray, X: np.ndarray, y: np.ndarray, reg: float,
                   penalty: str, margin: float) -> tuple[np.ndarray, np.ndarray]:
    """(dW (C, D), db (C,)) of the loss on the batch X (n, D), y (n,): linviz.losses.evaluate's, bit for bit,
    without the loss value and the per-example arrays it also returns."""
    S = W @ X.T + b[:, None]  # (C, n) class-major scores
    dS = LOSSES[kind].terms(S, Labels(y, W.shape[0]), margin, scale=1.0 / X.shape[0], overwrite=True)[2]
    return dS @ X + PENALTIES[penalty](W, reg)[1], np.add.reduce(dS, axis=1)


class FullDataScores:
    """Loss (data + reg) and number of correct predictions at each of T parameter sets, X (N, D), y (N,)."""

    def __init__(self, kind: str, X: np.ndarray, y: np.ndarray, C: int, reg: float, penalty: str,
                 margin: float, chunk: int = 1 << 16):
        self.kind, self.y, self.C, self.reg, self.penalty, self.margin = kind, y, C, reg, PENALTIES[penalty], margin
        self.XT = np.ascontiguousarray(X.T)
        self.N = X.shape[0]
        self.per_chunk = max(1, chunk // max(self.N * C, 1))  # parameter sets per pass (bounded temporaries)
        self.is_true = np.arange(C)[:, None] == y[None, :]  # (C, N) one-hot mask of the true classes
        self.minus_t = np.where(self.is_true, -1.0, 1.0)  # -t_ij

    def __call__(self, Ws: np.ndarray, bs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Ws (T, C, D), bs (T, C) -> (loss (T,), n_correct (T,) ints)."""
        T = len(bs)
        loss, correct = np.empty(T), np.empty(T, dtype=int)
        for lo in range(0, T, self.per_chunk):
            hi = min(T, lo + self.per_chunk)
            loss[lo:hi], correct[lo:hi] = self._chunk(Ws[lo:hi], bs[lo:hi])
        loss += [self.penalty(W, self.reg)[0] for W in Ws]
        return loss, correct

    def _chunk(self, Ws: np.ndarray, bs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        t, C, D = Ws.shape
        N = self.N
        S = Ws @ self.XT  # (t, C, N): one (C, D) @ (D, N) product per parameter set, as in the kernel
        S += bs[:, :, None]
        top = np.maximum.reduce(S, axis=1)  # (t, N) max over classes
        true_score = np.take_along_axis(S, self.y[None, None, :], axis=1)[:, 0]  # (t, N) s_{y_i}
        n_correct = np.count_nonzero(true_score >= top, axis=1)
        tied = np.count_nonzero(S == top[:, None], axis=(1, 2)) > N  # ties: argmax takes the first maximal class
        if tied.any():
            n_correct[tied] = np.count_nonzero(np.argmax(S[tied], axis=1) == self.y, axis=1)
        per_example = self._per_example(S, true_score, top)
        return np.add.reduce(per_example, axis=1) / N, n_correct

    def _per_example(self, S: np.ndarray, true_score: np.ndarray, top: np.ndarray) -> np.ndarray:
        """(t, N) loss terms, computed in place in S, as linviz.losses.softmax / hinge compute them."""
        if self.kind == "softmax":  # logsumexp(s) - s_y, with the max subtracted before exp
            S -= top[:, None]
            np.exp(S, out=S)
            return np.log(np.add.reduce(S, axis=1)) - (true_score - top)
        if self.kind == "svm":  # sum_{j != y} max(0, s_j - s_y + margin)
            S -= true_score[:, None]
            S += self.margin
            S[:, self.is_true] = 0.0
        else:  # ova: sum_j max(0, margin - t_j s_j), t_j = +1 at the true class, -1 elsewhere
            S *= self.minus_t
            S += self.margin
        np.maximum(S, 0.0, out=S)
        return np.add.reduce(S, axis=1)


def loss_upper_bounds(kind: str, Ws: np.ndarray, bs: np.ndarray, x_max: np.ndarray, reg: float, penalty: str,
                      margin: float) -> np.ndarray:
    """(T,) an upper bound on the loss (data + reg) at each of Ws (T, C, D), bs (T, C), for data whose features
    satisfy |x_d| <= x_max[d] (D,), at O(C^2 D) per parameter set instead of the loss's O(C N D).

    Every score difference s_j - s_k is at most Delta = max_{j,k} sum_d |W_jd - W_kd| x_max_d + |b_j - b_k| and
    every |s_j| at most B = max_j sum_d |W_jd| x_max_d + |b_j|, so a loss term is at most
    softmax: log C + Delta (logsumexp(s) - s_y <= log C + max_j s_j - s_y); svm: (C - 1) max(0, Delta + margin);
    ova: C (margin + B). The penalty is added exactly."""
    C = Ws.shape[1]
    diff = np.abs(Ws[:, :, None, :] - Ws[:, None, :, :]) @ x_max + np.abs(bs[:, :, None] - bs[:, None, :])
    delta = diff.max(axis=(1, 2))  # (T,)
    if kind == "softmax":
        data = np.log(C) + delta
    elif kind == "svm":
        data = (C - 1) * np.maximum(0.0, delta + margin)
    else:
        data = C * (margin + np.max(np.abs(Ws) @ x_max + np.abs(bs), axis=1))
    return data + np.array([PENALTIES[penalty](W, reg)[0] for W in Ws])
