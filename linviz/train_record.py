"""The record of a training run (History), and the full-data scoring of a mini-batch run with its divergence checks
(RunChecks: linviz.train.Trainer's, and the stacked runs' of linviz.train_stacked). A mini-batch step needs only its
batch's gradient, so the full-data loss of many steps is computed at once afterwards, at the steps asked for
(score_at), and every other step is still checked for a loss or a full-data gradient that is not finite (the
full-batch step's test), by bounds where they prove it finite.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from linviz.losses import ClassMajor
from linviz.train_kernels import FullDataScores


@dataclass(frozen=True)
class History:
    """Stacked, immutable record of a run of T steps."""

    W: np.ndarray  # (T+1, C, D) parameters before step t (W[0] = initialization)
    b: np.ndarray  # (T+1, C)
    loss: np.ndarray  # (T+1,) full-data objective (data + reg) at W[t]
    accuracy: np.ndarray  # (T+1,) training accuracy at W[t]
    grad_norm: np.ndarray  # (T,) norm of the (mini-batch) gradient used at step t
    lr: np.ndarray  # (T,) learning rate used at step t
    batch_indices: tuple  # T arrays: the examples in each step's batch
    loss_evaluations: int  # loss + gradient evaluations made by the optimizer
    diverged_at: int | None  # first step whose loss or parameters were not finite
    test_loss: np.ndarray | None = None  # (T+1,) if a test set was given
    test_accuracy: np.ndarray | None = None
    # (K,) the steps loss, accuracy and test_* are recorded at, when a mini-batch run was scored at some steps only
    # (Trainer's score_at; the first and the last step always): loss[k] is the loss at W[loss_steps[k]]
    loss_steps: np.ndarray | None = None

    @property
    def steps(self) -> int:
        return len(self.W) - 1


class RunChecks:
    """Scores and finiteness checks of parameter sets W (T, C, D), b (T, C) on the data X (N, D), y (N,).

    score_at: the steps to score (None: every step); kernel: the ClassMajor kernel of the same loss, for the rare
    gradient that the bound cannot prove finite."""

    def __init__(self, kernel: ClassMajor, scores: FullDataScores, X: np.ndarray, reg: float, penalty: str,
                 score_at=None):
        self.kernel, self.scores, self.reg, self.penalty = kernel, scores, reg, penalty
        self.score_at = None if score_at is None else np.unique(np.asarray(score_at, dtype=int).reshape(-1))
        self.x_max = np.abs(X).max(axis=0)  # (D,) max |x_d| over the examples, for loss_finite
        # a bound on every entry of the data part of the full-data gradient (see gradient_finite)
        self.data_gradient_bound = 2.0 * kernel.C * (float(np.abs(X).max()) + 1.0)

    def check(self, Ws: np.ndarray, bs: np.ndarray,
              first: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int | None]:
        """Ws (T, C, D), bs (T, C): the parameters at steps first .. first + T - 1, in order. Returns (loss, correct,
        steps) at the steps score_at asks for, up to the first bad one, and the index in Ws of the first step whose
        loss or full-data gradient is not finite (None if there is none)."""
        steps = np.arange(first, first + len(Ws))
        keep = np.ones(len(Ws), dtype=bool) if self.score_at is None else np.isin(steps, self.score_at)
        finite = np.ones(len(Ws), dtype=bool)
        with np.errstate(all="ignore"):
            loss, correct = self.scores(Ws[keep], bs[keep])
            finite[keep] = np.isfinite(loss)
            if not keep.all():
                finite[~keep] = self.loss_finite(Ws[~keep], bs[~keep])
        # the gradient check where the bound of gradient_finite does not hold already, for the whole chunk at once
        w_max = np.abs(Ws).max(axis=(1, 2), initial=0.0)
        pen = {"l2": 2.0 * self.reg * w_max, "l1": self.reg}.get(self.penalty, 0.0)
        sure = np.broadcast_to(self.data_gradient_bound + pen < 1e300, w_max.shape)
        bad = next((i for i in range(len(Ws))
                    if not (finite[i] and (sure[i] or self.gradient_finite(Ws[i], bs[i])))), None)
        n_kept = len(loss) if bad is None else int(np.count_nonzero(keep[:bad]))
        return loss[:n_kept], correct[:n_kept], steps[keep][:n_kept], bad

    def loss_finite(self, Ws: np.ndarray, bs: np.ndarray) -> np.ndarray:
        """(T,) is the full-data loss at each (W, b) finite? Every score |s_ij| is at most B = max_i sum_d |W_id|
        max_n |x_nd| + |b_i|; with B < 1e100 every loss term (at most C (2B + margin + log C)) and their mean are
        finite, so the loss is finite exactly when its penalty is. Where B is larger the loss is evaluated."""
        with np.errstate(all="ignore"):
            bound = np.max(np.abs(Ws) @ self.x_max + np.abs(bs), axis=1, initial=0.0)  # (T,)
            w_max = np.abs(Ws).max(axis=(1, 2), initial=0.0)
            # a penalty surely finite: reg * (C D) * max|W|^2 (l2) or reg * (C D) * max|W| (l1) below 1e300
            size = Ws[0].size if len(Ws) else 0
            pen = {"l2": self.reg * size * w_max ** 2, "l1": self.reg * size * w_max}.get(self.penalty, 0.0 * w_max)
            finite = (bound < 1e100) & (pen < 1e300)
            unsure = np.flatnonzero(~finite)  # (not NaN: the parameters are finite) evaluated, all at once
            if unsure.size:
                finite[unsure] = np.isfinite(self.scores(Ws[unsure], bs[unsure])[0])
        return finite

    def gradient_finite(self, W: np.ndarray, b: np.ndarray) -> bool:
        """Is the full-data gradient at (W, b) finite, given a finite loss there (as the full-batch check asks)?
        Each |dS| entry is at most C (a probability minus 1, or a count of active margins, over N), so the data
        gradient is at most C max|X| (db: C) per entry; only a penalty gradient near overflow needs the kernel."""
        penalty = {"l2": 2.0 * self.reg * float(np.abs(W).max(initial=0.0)), "l1": self.reg}.get(self.penalty, 0.0)
        if self.data_gradient_bound + penalty < 1e300:
            return True
        with np.errstate(all="ignore"):
            _, dW, db, _ = self.kernel(W, b)
        return math.isfinite(float(dW.sum()) + float(db.sum()))

    def last(self, W: np.ndarray, b: np.ndarray) -> tuple[float, int]:
        """(loss, correct) at one parameter set (the last step of a thinned run, when score_at does not ask)."""
        with np.errstate(all="ignore"):
            loss, correct = self.scores(W[None], b[None])
        return float(loss[0]), int(correct[0])
