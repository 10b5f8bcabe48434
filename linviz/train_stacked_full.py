"""Full-batch steps of K runs at once (linviz.train_stacked.train_rates): the runs share the data and the start and
differ in their learning rates, so a step is, for every run, the product of its (C, D) parameters with the same
(D, N) data, made as one batched product (K, C, D) @ (D, N), and one pass of the loss terms over the K runs' scores
side by side, (C, K N), gives every run's loss, gradient and correct count.

Each run's numbers are those of its own linviz.train.Trainer (the kernel linviz.losses.ClassMajor): the batched
product is the same product per run, the loss terms work column by column, and every reduction sums the same
numbers in the same order (tests/test_train_stacked.py checks them against the single runs). A run ends where its
single run does: at the first step whose parameters, loss or gradient are not finite; it then keeps its last
parameters in the stack (unrecorded) while the others go on.
"""
from __future__ import annotations

import numpy as np

from linviz.losses import ClassMajor
from linviz.losses.labels import Labels

PROGRESS_EVERY = 100  # steps between two calls of a progress callback
# scores per stacked pass: beyond ~8000 (64 KB a temporary) the passes leave the cache and cost more than the runs
# one at a time (measured: C = 8, N = 800, six runs 2x slower stacked; C = 3, N = 800, three at a time 1.6x faster);
# where one run alone fills a pass, train_rates trains the runs one at a time (bench_worst_case.py engine)
CACHE_ENTRIES = 8192


def gradient_norms(dW: np.ndarray, db: np.ndarray) -> np.ndarray:
    """(K,) the norm of each run's gradient [dW | db]; dW (K, C, D), db (K, C, 1)."""
    return np.sqrt(np.einsum("kcd,kcd->k", dW, dW) + np.einsum("kcd,kcd->k", db, db))


def all_finite(W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(K,) finite exactly when the single run's test (the sum of W's entries plus that of b's) is."""
    return np.isfinite(W.sum(axis=(1, 2)) + b.sum(axis=(1, 2)))


def exact_norms(dW: np.ndarray, db: np.ndarray) -> np.ndarray:
    """gradient_norms as each single run computes its own (one np.vdot per array), bit for bit."""
    return np.array([np.sqrt(float(np.vdot(w, w) + np.vdot(c, c))) for w, c in zip(dW, db)])


def stacked_runs(kernel: ClassMajor, K: int) -> int:
    """How many of K runs one stacked pass holds (1: the runs gain nothing from stacking; train them one by one)."""
    return int(min(K, max(1, CACHE_ENTRIES // (kernel.C * kernel.N))))


class StackedKernel:
    """ClassMajor's (loss, dW, db, n_correct) for K parameter sets at once: W (K, C, D), b (K, C, 1)."""

    def __init__(self, kernel: ClassMajor, K: int):
        self.kernel = kernel
        self.group = stacked_runs(kernel, K)  # runs per stacked pass
        self.labels: dict[int, Labels] = {}  # per number of runs stacked: their examples side by side

    def __call__(self, W: np.ndarray, b: np.ndarray):
        """(loss (K,), dW (K, C, D), db (K, C, 1), n_correct (K,) ints), self.group runs at a time."""
        parts = [self._one(W[lo], b[lo]) if self.group == 1 or lo == len(W) - 1 else
                 self._stacked(W[lo:lo + self.group], b[lo:lo + self.group]) for lo in range(0, len(W), self.group)]
        if len(parts) == 1:
            return parts[0]
        return tuple(np.concatenate([part[i] for part in parts]) for i in range(4))

    def _one(self, W: np.ndarray, b: np.ndarray):
        """A run alone, by the single run's kernel."""
        loss, dW, db, n_correct = self.kernel(W, b[:, 0])
        return np.array([loss]), dW[None], db[None, :, None], np.array([n_correct])

    def _stacked(self, W: np.ndarray, b: np.ndarray):
        k = self.kernel
        K, C, D = W.shape
        N = k.N
        S = np.matmul(W, k.XT)  # (K, C, N): each run's (C, D) @ (D, N)
        S += b
        # class-major, the K runs side by side: (C, K N), run r's example i in column r N + i
        S = np.ascontiguousarray(S.transpose(1, 0, 2)).reshape(C, K * N)
        top = np.maximum.reduce(S)  # (K N,) the max over classes
        labels = self.labels.get(K) or self.labels.setdefault(K, Labels(np.tile(k.y, K), C))
        correct = S.take(labels.true)  # (K N,) s_{y_i}
        n_correct = np.count_nonzero((correct >= top).reshape(K, N), axis=1)
        is_top = S == top
        if np.count_nonzero(is_top) > K * N:  # ties: argmax takes the first maximal class (in the runs with one)
            tied = np.count_nonzero(is_top.reshape(C, K, N), axis=(0, 2)) > N
            first = np.argmax(S.reshape(C, K, N)[:, tied], axis=0)  # (tied runs, N)
            n_correct[tied] = np.count_nonzero(first == k.y, axis=1)
        per_example, _, dS = k.terms(S, labels, k.margin, scale=1.0 / N, overwrite=True, correct=correct,
                                     top=top, **k.keep)
        dS = np.ascontiguousarray(dS.reshape(C, K, N).transpose(1, 0, 2))  # (K, C, N)
        penalties = [k.penalty(Wr, k.reg) for Wr in W]
        loss = np.add.reduce(per_example.reshape(K, N), axis=1) / N + [value for value, _ in penalties]
        dW = np.matmul(dS, k.X)
        dW += np.stack([grad for _, grad in penalties])
        return loss, dW, np.add.reduce(dS, axis=2)[:, :, None], n_correct


def _scored(kernel: StackedKernel, W: np.ndarray, b: np.ndarray, alive: np.ndarray):
    """kernel(W, b) for the runs still alive (the others' values are not used: loss inf, gradients 0)."""
    if alive.all():
        return kernel(W, b)
    loss, dW, db = np.full(len(W), np.inf), np.zeros_like(W), np.zeros_like(b)
    correct = np.zeros(len(W), dtype=int)
    if alive.any():
        loss[alive], dW[alive], db[alive], correct[alive] = kernel(W[alive], b[alive])
    return loss, dW, db, correct


def full_batch_steps(tr, runs, W: np.ndarray, b: np.ndarray, rates, steps: int, progress=None) -> None:
    """Up to `steps` full-batch steps of every run from W (K, C, D), b (K, C, 1), recorded in runs
    (linviz.train_stacked._Runs: parameters, gradient norms and rates; losses and correct counts per run).
    tr: the template linviz.train.Trainer (the data, the kernel, the rule); rates(t): (K,) the rates of step t."""
    K = len(W)
    kernel = StackedKernel(tr._kernel, K)
    with np.errstate(all="ignore"):
        _, dW, db, _ = kernel(W, b)  # (the losses at the start are tr's own)
    state, losses, corrects = None, [], []
    for t in range(steps):
        if not runs.alive.any():
            break
        if progress is not None and t % PROGRESS_EVERY == 0:
            progress(t, steps)
        lr = rates(t)
        with np.errstate(all="ignore"):
            (W_new, b_new), state = tr.rule((W, b), (dW, db), state, lr[:, None, None], **tr.options)
            ok = all_finite(W_new, b_new)
            keep = ok[:, None, None]  # a run whose parameters are not finite is scored at its last ones
            loss, dW_new, db_new, correct = _scored(kernel, np.where(keep, W_new, W), np.where(keep, b_new, b),
                                                    runs.alive)
            ok &= np.isfinite(loss) & all_finite(dW_new, db_new)
        W, b = runs.record(W_new, b_new, exact_norms(dW, db), lr, ok)
        runs.batches.append(tr._all)
        losses.append(loss)
        corrects.append(correct)
        dW, db = dW_new, db_new
    for k in range(K):  # each run's losses at the steps it kept
        T = runs.steps(k)
        runs.loss[k] = [float(v[k]) for v in losses[:T]]
        runs.correct[k] = [int(v[k]) for v in corrects[:T]]
