"""Gradient-descent training, one step at a time (Trainer) or all at once (train); the record of a run, History, is
in linviz.train_record (and importable from here).

Training never raises on divergence: the first step whose loss or parameters are not finite
is recorded as `diverged_at` and training stops there, so no NaN reaches the History.
"""
from __future__ import annotations

import bisect
import math

import numpy as np

from linviz import optim
from linviz._checks import check_batch_size, check_choice, check_data, check_nonnegative, check_params, check_test_set
from linviz.losses import PENALTIES, ClassMajor, canonical_loss_name
from linviz.model import init_params
from linviz.train_kernels import FullDataScores, batch_gradient
from linviz.train_record import History, RunChecks

OPTIMIZER_ALIASES = {"gd": "sgd"}


def _finite(W: np.ndarray, b: np.ndarray) -> bool:
    # a sum is finite only if every term is (inf - inf and nan + x are nan)
    return math.isfinite(float(W.sum()) + float(b.sum()))


class Trainer:
    """Gradient descent on a linear classifier, advanced with step() / run(n).

    score_at (mini-batch only): the steps at which to record the full-data loss and accuracy (and the test set's),
    besides the first and the last; None: every step. Divergence is found at every step either way: a step whose
    loss is not scored is checked with a bound that proves its loss finite, and evaluated where the bound cannot.
    """

    def __init__(self, X, y, *, loss: str = "softmax", reg: float = 0.0, penalty: str = "l2",
                 margin: float = 1.0, optimizer: str = "sgd", lr: float = 0.1,
                 batch_size: int | None = None, schedule: str = "constant",
                 schedule_options: dict | None = None, seed: int | np.random.Generator = 0,
                 W0=None, b0=None, n_classes: int | None = None, init: str = "small",
                 X_test=None, y_test=None, score_at=None, **optimizer_options):
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
        self.batch_size = check_batch_size(batch_size, N)
        self.rng = np.random.default_rng(seed)
        self.test = check_test_set(X_test, y_test, W0.shape[0], D)
        self._all = np.arange(N)
        self._queue: list[np.ndarray] = []
        self.state = None
        self.diverged_at: int | None = None
        self.loss_evaluations = 0
        C = W0.shape[0]
        self._kernel = ClassMajor(self.kind, self.X, self.y, C, self.reg, penalty, self.margin)
        scores = FullDataScores(self.kind, self.X, self.y, C, self.reg, penalty, self.margin)
        self._thinned = score_at is not None
        self._checks = RunChecks(self._kernel, scores, self.X, self.reg, penalty, score_at)
        self._loss_steps, self._checked = [0], 1  # mini-batch: the steps scored; W[:checked] were checked finite
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
            loss, correct = self._test_scores(np.stack(self._W[done:]), np.stack(self._b[done:]))
            self._test_loss = np.r_[self._test_loss, loss]
            self._test_correct = np.r_[self._test_correct, correct]
        return self._test_loss, self._test_correct

    def _test_scores(self, Ws: np.ndarray, bs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Test loss and correct count at each of Ws (T, C, D), bs (T, C): FullDataScores on the test set (the
        arithmetic of losses_along, ~3x faster), made on first use."""
        if getattr(self, "_test_kernel", None) is None:
            Xt, yt = self.test
            self._test_kernel = FullDataScores(self.kind, Xt, yt, Ws.shape[1], self.reg, self.penalty, self.margin)
        with np.errstate(all="ignore"):
            return self._test_kernel(Ws, bs)

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
        if self.batch_size is None:
            return self._full_batch_step()
        return self._minibatch_step() and self._record_losses() is None

    def _full_batch_step(self) -> bool:
        # full batch: the gradient at W[t] was computed when W[t] was recorded, with its loss
        if self.diverged_at is not None:
            return False
        _, dW, db, _ = self._current
        with np.errstate(all="ignore"):
            W_new, b_new, lr = self._update(dW, db)
            new = self._kernel(W_new, b_new) if _finite(W_new, b_new) else None
            # a finite loss means finite scores, hence finite probabilities / margins and gradients
            if new is None or not (math.isfinite(new[0]) and _finite(new[1], new[2])):
                return self._diverge()
        self._current = new
        self._loss.append(new[0])
        self._correct.append(new[3])
        self._append(W_new, b_new, dW, db, lr, self._all)
        return True

    def _minibatch_step(self) -> bool:
        """A step on the next batch's gradient, leaving its full-data loss to _record_losses."""
        if self.diverged_at is not None:
            return False
        batch = self._next_batch()
        W, b = self._W[-1], self._b[-1]
        dW, db = batch_gradient(self.kind, W, b, self.X[batch], self.y[batch], self.reg, self.penalty, self.margin)
        with np.errstate(all="ignore"):
            W_new, b_new, lr = self._update(dW, db)
            if not _finite(W_new, b_new):
                return self._diverge()
        self._append(W_new, b_new, dW, db, lr, batch)
        return True

    def _update(self, dW: np.ndarray, db: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
        self.loss_evaluations += 1
        lr = self.schedule(self.lr0, self.t, **self.schedule_options)
        (W_new, b_new), self.state = self.rule((self._W[-1], self._b[-1]), (dW, db), self.state, lr,
                                               **self.options)
        return W_new, b_new, lr

    def _append(self, W_new, b_new, dW, db, lr, batch) -> None:
        self._W.append(W_new)
        self._b.append(b_new)
        self._grad_norm.append(math.sqrt(float(np.vdot(dW, dW) + np.vdot(db, db))))
        self._lr.append(float(lr))
        self._batches.append(batch)
        self._history = None

    def _diverge(self) -> bool:
        self.diverged_at = self.t + 1
        self._history = None
        return False

    def _record_losses(self) -> int | None:
        """Full-data loss and correct count at every W not yet checked that score_at asks for, all at once
        (mini-batch steps need only their batch's gradient), and for the others whether their loss is finite
        (RunChecks.check). Returns the first step whose loss or full-data gradient is not finite, if any (the steps
        from there on are undone), else None."""
        done = self._checked
        if done == len(self._W):
            return None
        loss, correct, steps, bad = self._checks.check(np.stack(self._W[done:]), np.stack(self._b[done:]), done)
        self._loss.extend(loss)
        self._correct.extend(correct)
        self._loss_steps.extend(steps.tolist())
        if bad is None:
            self._checked = len(self._W)
            return None
        s = done + bad
        del self._W[s:], self._b[s:], self._grad_norm[s - 1:], self._lr[s - 1:], self._batches[s - 1:]
        self._checked, self.diverged_at, self._history = s, s, None
        return s

    def run(self, n: int) -> History:
        """Take up to n steps (fewer if training diverges) and return the history."""
        n = int(n)
        if self.batch_size is None:
            for _ in range(n):
                if not self._full_batch_step():
                    break
            return self.history
        chunk = 16  # mini-batch: steps first, then their full-data losses in one pass per chunk
        while n > 0 and self.diverged_at is None:
            k, saved = min(n, chunk), self._save()
            for _ in range(k):
                if not self._minibatch_step():
                    break
            if self._record_losses() is not None:  # a loss was not finite: redo the chunk one step at a time
                self._restore(saved)
                for _ in range(k):
                    if not self.step():
                        break
            n, chunk = n - k, min(2 * chunk, 256)
        return self.history

    def _save(self) -> tuple:
        return self.t, self.state, self.rng.bit_generator.state, list(self._queue), self.loss_evaluations

    def _restore(self, saved: tuple) -> None:
        """Back to the moment of _save (every step is a pure function of that state, so redoing is exact)."""
        t, self.state, self.rng.bit_generator.state, self._queue, self.loss_evaluations = saved
        del self._W[t + 1:], self._b[t + 1:]
        scored = bisect.bisect_right(self._loss_steps, t)  # the scores of steps 0 .. t stay
        del self._loss[scored:], self._correct[scored:], self._loss_steps[scored:]
        for steps in (self._grad_norm, self._lr, self._batches):
            del steps[t:]
        self._checked = min(self._checked, t + 1)
        self.diverged_at, self._history = None, None

    @property
    def history(self) -> History:
        if self._history is None:
            if self._thinned and self.batch_size is not None:
                self._history = self._thinned_history()
            else:
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

    def _thinned_history(self) -> History:
        """The History of a run scored at score_at's steps only, with its last step's scores added if not there."""
        steps, loss, correct = list(self._loss_steps), list(self._loss), list(self._correct)
        W, b = np.stack(self._W), np.stack(self._b)
        if steps[-1] != self.t:
            steps.append(self.t)
            loss_t, correct_t = self._checks.last(W[-1], b[-1])
            loss.append(loss_t)
            correct.append(correct_t)
        test_loss = test_accuracy = None
        if self.test is not None:
            test_loss, test_correct = self._test_scores(W[steps], b[steps])
            test_accuracy = test_correct / len(self.test[1])
        return History(W=W, b=b, loss=np.array(loss), accuracy=np.array(correct) / len(self.y),
                       grad_norm=np.array(self._grad_norm), lr=np.array(self._lr), batch_indices=tuple(self._batches),
                       loss_evaluations=self.loss_evaluations, diverged_at=self.diverged_at, test_loss=test_loss,
                       test_accuracy=test_accuracy, loss_steps=np.array(steps, dtype=int))


def train(X, y, *, loss: str = "softmax", reg: float = 0.0, penalty: str = "l2",
          optimizer: str = "sgd", lr: float = 0.1, steps: int = 100, batch_size: int | None = None,
          schedule: str = "constant", seed: int | np.random.Generator = 0, W0=None, b0=None,
          **optimizer_options) -> History:
    """Run `steps` steps of (mini-batch) gradient descent; see Trainer for the other options."""
    if isinstance(steps, bool) or int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be an integer >= 0, got {steps!r}")
    trainer_keys = {"margin", "schedule_options", "n_classes", "init", "X_test", "y_test", "score_at"}
    extra = {k: optimizer_options.pop(k) for k in list(optimizer_options) if k in trainer_keys}
    trainer = Trainer(X, y, loss=loss, reg=reg, penalty=penalty, optimizer=optimizer, lr=lr,
                      batch_size=batch_size, schedule=schedule, seed=seed, W0=W0, b0=b0,
                      **extra, **optimizer_options)
    return trainer.run(int(steps))
