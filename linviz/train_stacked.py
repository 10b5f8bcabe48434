"""Several learning rates trained at once: K runs that share the data, the initial parameters and the sequence of
mini-batches (as runs of linviz.train.Trainer with the same seed do) are stepped together, one stacked (K, C, D)
computation per step, instead of K runs of Python steps one after the other.

Each run is what its own Trainer(..., lr=lrs[k]).run(steps) gives, to round-off (a batched product sums in another
order): the same parameters, losses at the same steps, the same divergence step. A run stops being updated at its
own divergence step, exactly where its single run stops: at the first step whose parameters are not finite (found at
once), or whose full-data loss or gradient is not finite (found by linviz.train_record.RunChecks, a chunk of steps at
a time, as the Trainer finds them; the steps after it are dropped).

Full-batch runs are stacked too (linviz.train_stacked_full): a step on all the data is K independent products of
the same sizes, made as one batched product, and the loss, its gradient and the correct count of every run come
from one pass of the loss terms over the K runs' scores side by side.
"""
from __future__ import annotations

import numpy as np

from linviz import optim
from linviz.losses import LOSSES, PENALTIES
from linviz.losses.labels import Labels
from linviz.train import Trainer
from linviz.train_record import History, RunChecks
from linviz.train_stacked_full import all_finite, exact_norms, full_batch_steps, gradient_norms, stacked_runs


def _stacked_scores(W: np.ndarray, b: np.ndarray, XT: np.ndarray) -> np.ndarray:
    """The K runs' class-major scores side by side, (C, K n): run k's in columns k n .. k n + n - 1 (a contiguous
    copy: the loss terms write through ravel()). W (K, C, D), b (K, C, 1), XT (D, n)."""
    S = np.matmul(W, XT)  # (K, C, n): one (C, D) @ (D, n) product per run
    S += b
    K, C, n = S.shape
    return np.ascontiguousarray(S.transpose(1, 0, 2)).reshape(C, K * n)


def _gradients(dS: np.ndarray, X: np.ndarray, dW_reg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(dW (K, C, D), db (K, C, 1)) from the score gradients dS (C, K n) of the batch X (n, D) and the penalty's
    gradient dW_reg (K, C, D) (the penalties' gradients are elementwise: the stacked W's is each run's)."""
    K, C, _ = dW_reg.shape
    dS = np.ascontiguousarray(dS.reshape(C, K, X.shape[0]).transpose(1, 0, 2))  # (K, C, n)
    dW = np.matmul(dS, X)
    dW += dW_reg
    return dW, np.add.reduce(dS, axis=2)[:, :, None]


def stacked_gradients(kind: str, W: np.ndarray, b: np.ndarray, X: np.ndarray, labels: Labels, reg: float,
                      penalty: str, margin: float) -> tuple[np.ndarray, np.ndarray]:
    """The batch gradients of K runs at once: W (K, C, D), b (K, C, 1) (b as a column, so that the update rules'
    lr (K, 1, 1) broadcasts over W and b alike), the batch X (n, D); labels: the batch's labels tiled K times (the K
    runs' class-major scores side by side, (C, K n), are one batch of K n examples for the loss terms). Returns
    (dW (K, C, D), db (K, C, 1)), each run's as linviz.train_kernels.batch_gradient computes it."""
    S = _stacked_scores(W, b, X.T)
    dS = LOSSES[kind].terms(S, labels, margin, scale=1.0 / X.shape[0], overwrite=True)[2]
    return _gradients(dS, X, PENALTIES[penalty](W, reg)[1])


class _Runs:
    """The K runs' record while they step together: at step t, W[t - 1] (K, C, D), b[t - 1] (K, C, 1), the norm of
    the gradient each run used and its rate; end[k]: the steps run k took, once it ended (it keeps its last
    parameters in the stack, unrecorded; steps(k) for any run); its losses at the steps it was scored."""

    def __init__(self, K: int, shared_batches: bool = True):
        # batches[t]: step t's batch, or with shared_batches False a list of each run's batch
        self.W, self.b, self.norm, self.lr, self.batches = [], [], [], [], []
        self.shared_batches = shared_batches
        self.end = np.zeros(K, dtype=int)
        self.alive = np.ones(K, dtype=bool)
        self.diverged_at: list = [None] * K
        self.loss = [[] for _ in range(K)]
        self.correct = [[] for _ in range(K)]
        self.loss_steps = [[] for _ in range(K)]

    def record(self, W, b, norm, lr, ok: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Step t's new parameters; the runs not ok (alive until now) end at t; returns W, b with theirs kept."""
        t = len(self.W) + 1
        ended = self.alive & ~ok
        if ended.any():
            for k in np.flatnonzero(ended):
                self.diverged_at[k], self.end[k] = t, t - 1
            self.alive &= ok
        if not self.alive.all():  # the runs that ended keep their last parameters (finite, and not recorded)
            keep = self.alive[:, None, None]
            W, b = np.where(keep, W, self.W[-1] if self.W else W), np.where(keep, b, self.b[-1] if self.b else b)
        self.W.append(W)
        self.b.append(b)
        self.norm.append(norm)
        self.lr.append(lr)
        return W, b

    def steps(self, k: int) -> int:
        """The steps run k has taken (and kept)."""
        return len(self.W) if self.alive[k] else int(self.end[k])


def _minibatch_steps(tr: Trainer, runs: _Runs, checks: RunChecks, W, b, rates, steps: int, progress=None) -> None:
    """Mini-batch steps of every run on the batch sequence they share; after each chunk of steps, the full-data
    checks of the steps it took (a run whose loss or gradient is not finite at a step ends there)."""
    K, C = W.shape[:2]
    state, chunk = None, 16
    while len(runs.W) < steps and runs.alive.any():
        first = len(runs.W)
        if progress is not None:
            progress(first, steps)
        for _ in range(min(steps - first, chunk)):
            batch = tr._next_batch()
            runs.batches.append(batch)
            yb = tr.y[batch]
            labels = Labels(np.broadcast_to(yb, (K, len(yb))).reshape(-1), C)
            with np.errstate(all="ignore"):
                dW, db = stacked_gradients(tr.kind, W, b, tr.X[batch], labels, tr.reg, tr.penalty, tr.margin)
                lr = rates(len(runs.W))  # (K,) each run's rate at this step
                (W_new, b_new), state = tr.rule((W, b), (dW, db), state, lr[:, None, None], **tr.options)
                W, b = runs.record(W_new, b_new, gradient_norms(dW, db), lr, all_finite(W_new, b_new))
            if not runs.alive.any():
                break
        _check_chunk(runs, checks, first)
        chunk = min(2 * chunk, 256)


def _check_chunk(runs: _Runs, checks: RunChecks, first: int) -> None:
    """RunChecks.check of each run's steps first + 1 .. end; a run ends at the first bad one, its later steps
    dropped."""
    Wc, bc = np.stack(runs.W[first:]), np.stack(runs.b[first:])  # (m, K, C, D), (m, K, C, 1)
    for k in range(len(runs.end)):
        m = runs.steps(k) - first
        if m <= 0:
            continue
        loss, correct, steps, bad = checks.check(Wc[:m, k], bc[:m, k, :, 0], first + 1)
        runs.loss[k].extend(loss)
        runs.correct[k].extend(correct)
        runs.loss_steps[k].extend(steps.tolist())
        if bad is not None:
            s = first + 1 + bad
            runs.end[k], runs.diverged_at[k], runs.alive[k] = s - 1, s, False


def train_rates(X, y, lrs, *, steps: int, score_at=None, schedules=None, _progress=None,
                **options) -> list[History]:
    """One run per learning rate in lrs (K of them), trained together: run k is Trainer(X, y, lr=lrs[k],
    score_at=score_at, **options).run(steps)'s History, to round-off. options: Trainer's (loss, reg, optimizer,
    batch_size, schedule, seed (an int), W0, b0, X_test, ...), shared by every run; schedules: K pairs (schedule,
    its options or None), one per run, instead of options' schedule for all. _progress(done, steps), if given, is
    called now and then while they train."""
    if isinstance(steps, bool) or int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be an integer >= 0, got {steps!r}")
    template = Trainer(X, y, lr=float(lrs[0]), score_at=score_at, **options)  # checks every setting once
    lr0 = np.array([optim.check_lr(lr) for lr in lrs])
    if schedules is None:
        schedules = [(options.get("schedule", "constant"), options.get("schedule_options"))] * len(lr0)
    if len(schedules) != len(lr0):
        raise ValueError(f"give one schedule per learning rate: {len(lr0)} rates, {len(schedules)} schedules")
    per_run = [(optim.get_schedule(name), optim.check_schedule_options(name, opts)) for name, opts in schedules]

    def rates(t: int) -> np.ndarray:
        """(K,) each run's learning rate at step t, as its single run's schedule(lr0, t, **options) gives it."""
        return np.array([fn(lr, t, **opts) for lr, (fn, opts) in zip(lr0, per_run)], dtype=float)

    K, steps = len(lr0), int(steps)
    W = np.repeat(template.W[None], K, axis=0)  # (K, C, D): every run at the start
    b = np.repeat(template.b[None, :, None], K, axis=0)  # (K, C, 1)
    runs = _Runs(K)
    if template.batch_size is None:
        if stacked_runs(template._kernel, K) == 1:  # (see linviz.train_stacked_full.CACHE_ENTRIES)
            return _one_at_a_time(X, y, lr0, schedules, steps, score_at, _progress, options)
        full_batch_steps(template, runs, W, b, rates, steps, _progress)
        return _histories(template, runs, W, b, steps, thinned=False)
    checks = template._checks if score_at is not None else RunChecks(
        template._kernel, template._checks.scores, template.X, template.reg, template.penalty, None)
    _minibatch_steps(template, runs, checks, W, b, rates, steps, _progress)
    return _histories(template, runs, W, b, steps, thinned=score_at is not None)


def _one_at_a_time(X, y, lr0, schedules, steps: int, score_at, progress, options: dict) -> list[History]:
    """Full-batch runs too large to stack with profit: each rate's own Trainer run, one after the other (progress:
    the share of the steps of all runs done, as steps of one run)."""
    out = []
    for k, (lr, (name, opts)) in enumerate(zip(lr0, schedules)):
        if progress is not None:
            progress(k * steps // len(lr0), steps)
        out.append(Trainer(X, y, lr=float(lr), score_at=score_at, **{**options, "schedule": name,
                                                                      "schedule_options": opts}).run(steps))
    return out


def _histories(tr: Trainer, runs: _Runs, W, b, steps: int, thinned: bool) -> list[History]:
    """Every run's History, from the start W (K, C, D), b (K, C, 1) and the record of the steps."""
    K = len(W)
    Ws = np.stack([W, *runs.W])  # (T + 1, K, C, D)
    bs = np.stack([b, *runs.b])[..., 0]
    norms, rates = (np.array(runs.norm), np.array(runs.lr)) if runs.W else (np.zeros((0, K)), np.zeros((0, K)))
    return [_history(tr, runs, k, Ws, bs, norms, rates, steps, thinned) for k in range(K)]


def _history(tr: Trainer, runs: _Runs, k: int, Ws, bs, norms, rates, steps: int, thinned: bool) -> History:
    """The History of run k, as a single run with its rate gives it (linviz.train.Trainer.history)."""
    T = runs.steps(k)
    W, b = np.ascontiguousarray(Ws[:T + 1, k]), np.ascontiguousarray(bs[:T + 1, k])
    loss, correct = [tr._current[0], *runs.loss[k][:T]], [tr._current[3], *runs.correct[k][:T]]
    loss_steps = [0, *runs.loss_steps[k]]
    batches = runs.batches[:T] if runs.shared_batches else [step[k] for step in runs.batches[:T]]
    if thinned and loss_steps[-1] != T:
        last = tr._checks.last(W[-1], b[-1])
        loss.append(last[0])
        correct.append(last[1])
        loss_steps.append(T)
    test_loss = test_accuracy = None
    if tr.test is not None:
        at = loss_steps if thinned else slice(None)
        test_loss, test_correct = tr._test_scores(W[at], b[at])
        test_accuracy = test_correct / len(tr.test[1])
    diverged_at = runs.diverged_at[k]
    return History(W=W, b=b, loss=np.array(loss, dtype=float), accuracy=np.array(correct) / len(tr.y),
                   grad_norm=norms[:T, k].copy(), lr=rates[:T, k].copy(), batch_indices=tuple(batches),
                   loss_evaluations=steps if diverged_at is None else diverged_at, diverged_at=diverged_at,
                   test_loss=test_loss, test_accuracy=test_accuracy,
                   loss_steps=np.array(loss_steps, dtype=int) if thinned else None)


def _sized_gradients(tr: Trainer, W: np.ndarray, b: np.ndarray, batches: list) -> tuple[np.ndarray, np.ndarray]:
    """(dW (K, C, D), db (K, C, 1)): run k's batch gradient on its own batch batches[k], as
    linviz.train_kernels.batch_gradient computes it, bit for bit: the scores and the gradient products run by run
    (small products), the loss terms once, over the K batches side by side, each column scaled by 1 / its batch's
    size."""
    C = W.shape[1]
    S = np.hstack([Wk @ tr.X[batch].T + bk for Wk, bk, batch in zip(W, b, batches)])  # (C, sum of the sizes)
    sizes = [len(batch) for batch in batches]
    scale = np.repeat([1.0 / n for n in sizes], sizes)
    labels = Labels(tr.y[np.concatenate(batches)], C)
    dS = LOSSES[tr.kind].terms(S, labels, tr.margin, scale=scale, overwrite=True)[2]
    ends = np.cumsum(sizes)
    parts = [dS[:, end - n:end] for n, end in zip(sizes, ends)]
    dW = np.stack([part @ tr.X[batch] for part, batch in zip(parts, batches)])
    dW += PENALTIES[tr.penalty](W, tr.reg)[1]
    return dW, np.stack([np.add.reduce(part, axis=1) for part in parts])[:, :, None]


def train_batch_sizes(X, y, sizes, *, steps: int, score_at=None, _progress=None, **options) -> list[History]:
    """One mini-batch run per batch size in sizes (each smaller than N), trained together: run k is Trainer(X, y,
    batch_size=sizes[k], score_at=score_at, **options).run(steps)'s History, bit for bit. The runs share the data,
    the start and the rate but not their batches (each draws its own from the same seed, as its single run does), so
    a step makes each run's small products on its own batch and the loss terms once for all of them."""
    if isinstance(steps, bool) or int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be an integer >= 0, got {steps!r}")
    drawers = [Trainer(X, y, batch_size=int(M), score_at=score_at, **options) for M in sizes]  # (each checks)
    if any(tr.batch_size is None for tr in drawers):
        raise ValueError(f"every batch size must be smaller than the {len(y)} examples, got {list(sizes)}")
    template, K, steps = drawers[0], len(drawers), int(steps)
    W = np.repeat(template.W[None], K, axis=0)
    b = np.repeat(template.b[None, :, None], K, axis=0)
    runs = _Runs(K, shared_batches=False)
    checks = template._checks if score_at is not None else RunChecks(
        template._kernel, template._checks.scores, template.X, template.reg, template.penalty, None)
    start, state, chunk = W, None, 16
    while len(runs.W) < steps and runs.alive.any():
        first = len(runs.W)
        if _progress is not None:
            _progress(first, steps)
        for _ in range(min(steps - first, chunk)):
            batches = [tr._next_batch() for tr in drawers]
            runs.batches.append(batches)
            with np.errstate(all="ignore"):
                dW, db = _sized_gradients(template, W, b, batches)
                lr = np.array([tr.schedule(tr.lr0, len(runs.W), **tr.schedule_options) for tr in drawers])
                (W_new, b_new), state = template.rule((W, b), (dW, db), state, lr[:, None, None],
                                                      **template.options)
                W, b = runs.record(W_new, b_new, exact_norms(dW, db), lr, all_finite(W_new, b_new))
            if not runs.alive.any():
                break
        _check_chunk(runs, checks, first)
        chunk = min(2 * chunk, 256)
    return _histories(template, runs, start, np.repeat(template.b[None, :, None], K, axis=0), steps,
                      thinned=score_at is not None)
