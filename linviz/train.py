"""Gradient-descent training, one step at a time (Trainer) or all at once (train).

Training never raises on divergence: the first step whose loss or parameters are not finite
is recorded as `diverged_at` and training stops there, so no NaN reaches the History.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from linviz import optim
from linviz._checks import check_choice, check_data, check_nonnegative, check_params
from linviz.losses import PENALTIES, ClassMajor, _evaluate, canonical_loss_name, losses_along
from linviz.model import init_params

OPTIMIZER_ALIASES = {"gd": "sgd"}


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

    @property
    def steps(self) -> int:
        return len(self.loss) - 1


def _finite(W: np.ndarray, b: np.ndarray) -> bool:
    # a sum is finite only if every term is (inf - inf and nan + x are nan)
    return math.isfinite(float(W.sum()) + float(b.sum()))


class Trainer:
    """Gradient descent on a linear classifier, advanced with step() / run(n)."""

    def __init__(self, X, y, *, loss: str = "softmax", reg: float = 0.0, penalty: str = "l2",
                 margin: float = 1.0, optimizer: str = "sgd", lr: float = 0.1,
                 batch_size: int | None = None, schedule: str = "constant",
                 schedule_options: dict | None = None, seed: int | np.random.Generator = 0,
                 W0=None, b0=None, n_classes: int | None = None, init: str = "small",
                 X_test=None, y_test=None, **optimizer_options):
        self.kind = canonical_loss_name(loss)
        self.X, self.y = check_data(X, y)
        N, D = self.X.shape
        C = int(n_classes) if n_classes is not None else int(self.y.max()) + 1
        if W0 is None and b0 is None:
            W0, b0 = init_params(C, D, method=init, seed=seed)
        elif W0 is None or b0 is None:
            raise ValueError("give both W0 and b0, or neither")
        W0, b0 = check_params(W0, b0, D=D)
        if self.y.max() >= W0.shape[0]:
            raise ValueError(f"labels y must lie in [0, {W0.shape[0]}), got max label {self.y.max()}")
        self.reg = check_nonnegative("reg", reg)
        self.penalty = penalty
        check_choice("penalty", penalty, PENALTIES)
        self.margin = check_nonnegative("margin", margin)
        name = OPTIMIZER_ALIASES.get(optimizer, optimizer)
        self.rule = optim.get_optimizer(name)
        self.options = optim.check_options(name, optimizer_options)
        self.lr0 = optim.check_lr(lr)
        self.schedule = optim.get_schedule(schedule)
        self.schedule_options = optim.check_schedule_options(schedule, schedule_options)
        if batch_size is not None:
            if isinstance(batch_size, bool) or int(batch_size) != batch_size or not 1 <= batch_size:
                raise ValueError("batch_size must be None (full batch) or an integer >= 1, "
                                 f"got {batch_size!r}")
            batch_size = int(batch_size)
            if batch_size >= N:
                batch_size = None
        self.batch_size = batch_size
        self.rng = np.random.default_rng(seed)
        if (X_test is None) != (y_test is None):
            raise ValueError("give both X_test and y_test, or neither")
        self.test = None
        if X_test is not None and len(X_test):
            Xt, yt = check_data(X_test, y_test, n_classes=W0.shape[0])
            if Xt.shape[1] != D:
                raise ValueError(f"X_test has {Xt.shape[1]} features, X has {D}")
            self.test = (Xt, yt)
        self._all = np.arange(N)
        self._queue: list[np.ndarray] = []
        self.state = None
        self.diverged_at: int | None = None
        self.loss_evaluations = 0
        C = W0.shape[0]
        self._kernel = ClassMajor(self.kind, self.X, self.y, C, self.reg, penalty, self.margin)
        self._W, self._b = [W0.copy()], [b0.copy()]
        with np.errstate(all="ignore"):
            self._current = self._kernel(W0, b0)  # (loss, dW, db, n_correct) at the current parameters
        if not math.isfinite(self._current[0]):
            raise ValueError("the loss at the initial parameters is not finite")
        self._loss, self._correct = [self._current[0]], [self._current[3]]
        self._test_loss, self._test_correct = np.empty(0), np.empty(0, dtype=int)  # W[0 .. len - 1]
        self._grad_norm, self._lr, self._batches = [], [], []
        self._history: History | None = None

    # ------------------------------------------------------------ internals
    def _test_curves(self) -> tuple[np.ndarray, np.ndarray]:
        """Test loss and correct count at every recorded W, the new ones all at once (not once per step)."""
        done = len(self._test_loss)
        if done < len(self._W):
            with np.errstate(all="ignore"):
                loss, correct = losses_along(self.kind, np.stack(self._W[done:]), np.stack(self._b[done:]),
                                             *self.test, self.reg, self.penalty, self.margin)
            self._test_loss = np.r_[self._test_loss, loss]
            self._test_correct = np.r_[self._test_correct, correct]
        return self._test_loss, self._test_correct

    def _next_batch(self) -> np.ndarray:
        if self.batch_size is None:
            return self._all
        if not self._queue:  # a new epoch: every example once, in a fresh random order
            order = self.rng.permutation(len(self.y))
            self._queue = [order[i:i + self.batch_size] for i in range(0, len(order), self.batch_size)][::-1]
        return self._queue.pop()

    # ------------------------------------------------------------ public
    @property
    def t(self) -> int:
        """Steps taken so far."""
        return len(self._W) - 1

    @property
    def W(self) -> np.ndarray:
        return self._W[-1]

    @property
    def b(self) -> np.ndarray:
        return self._b[-1]

    def step(self) -> bool:
        """Take one step; returns False (and does nothing) once training has diverged."""
        if self.diverged_at is not None:
            return False
        t = self.t
        W, b = self._W[-1], self._b[-1]
        batch = self._next_batch()
        if batch is self._all:
            # full batch: the gradient at W[t] was computed when W[t] was recorded
            _, dW, db, _ = self._current
        else:
            r = _evaluate(self.kind, W, b, self.X[batch], self.y[batch], self.reg, self.penalty, self.margin)
            dW, db = r.dW, r.db
        self.loss_evaluations += 1
        lr = self.schedule(self.lr0, t, **self.schedule_options)
        with np.errstate(all="ignore"):
            (W_new, b_new), self.state = self.rule((W, b), (dW, db), self.state, lr, **self.options)
            new = self._kernel(W_new, b_new) if _finite(W_new, b_new) else None
            # a finite loss means finite scores, hence finite probabilities / margins and gradients
            if new is None or not (math.isfinite(new[0]) and _finite(new[1], new[2])):
                self.diverged_at = t + 1
                self._history = None
                return False
        self._current = new
        self._W.append(W_new)
        self._b.append(b_new)
        self._loss.append(new[0])
        self._correct.append(new[3])
        self._grad_norm.append(math.sqrt(float(np.vdot(dW, dW) + np.vdot(db, db))))
        self._lr.append(float(lr))
        self._batches.append(batch)
        self._history = None
        return True

    def run(self, n: int) -> History:
        """Take up to n steps (fewer if training diverges) and return the history."""
        for _ in range(int(n)):
            if not self.step():
                break
        return self.history

    @property
    def history(self) -> History:
        if self._history is None:
            has_test = self.test is not None
            test_loss, test_correct = self._test_curves() if has_test else (None, None)
            self._history = History(
                W=np.stack(self._W), b=np.stack(self._b), loss=np.array(self._loss),
                accuracy=np.array(self._correct) / len(self.y), grad_norm=np.array(self._grad_norm),
                lr=np.array(self._lr), batch_indices=tuple(self._batches),
                loss_evaluations=self.loss_evaluations, diverged_at=self.diverged_at,
                test_loss=test_loss.copy() if has_test else None,
                test_accuracy=test_correct / len(self.test[1]) if has_test else None,
            )
        return self._history


def train(X, y, *, loss: str = "softmax", reg: float = 0.0, penalty: str = "l2",
          optimizer: str = "sgd", lr: float = 0.1, steps: int = 100, batch_size: int | None = None,
          schedule: str = "constant", seed: int | np.random.Generator = 0, W0=None, b0=None,
          **optimizer_options) -> History:
    """Run `steps` steps of (mini-batch) gradient descent; see Trainer for the other options."""
    if isinstance(steps, bool) or int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be an integer >= 0, got {steps!r}")
    trainer_keys = {"margin", "schedule_options", "n_classes", "init", "X_test", "y_test"}
    extra = {k: optimizer_options.pop(k) for k in list(optimizer_options) if k in trainer_keys}
    trainer = Trainer(X, y, loss=loss, reg=reg, penalty=penalty, optimizer=optimizer, lr=lr,
                      batch_size=batch_size, schedule=schedule, seed=seed, W0=W0, b0=b0,
                      **extra, **optimizer_options)
    return trainer.run(int(steps))
