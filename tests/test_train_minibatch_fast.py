"""Mini-batch training scores its steps' full-data losses in chunks (issue 14 item 1): every History value must be
what the step-by-step logic it replaced gives (OldTrainer, its naive twin, kept here verbatim), divergence included."""
from __future__ import annotations

import math

import numpy as np
import pytest

from linviz.datasets import make_dataset
from linviz.losses import ClassMajor, evaluate
from linviz.optim import OPTIMIZERS
from linviz.train import Trainer, _finite
from linviz.train_kernels import FullDataScores, batch_gradient


class OldTrainer(Trainer):
    """The Trainer before chunked scoring: the full-data kernel (loss, gradient, correct count) after every step."""

    def step(self) -> bool:
        if self.diverged_at is not None:
            return False
        t = self.t
        W, b = self._W[-1], self._b[-1]
        batch = self._next_batch()
        if batch is self._all:
            _, dW, db, _ = self._current
        else:
            r = evaluate(self.kind, W, b, self.X[batch], self.y[batch], self.reg, self.penalty, self.margin)
            dW, db = r.dW, r.db
        self.loss_evaluations += 1
        lr = self.schedule(self.lr0, t, **self.schedule_options)
        with np.errstate(all="ignore"):
            (W_new, b_new), self.state = self.rule((W, b), (dW, db), self.state, lr, **self.options)
            new = self._kernel(W_new, b_new) if _finite(W_new, b_new) else None
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

    def run(self, n: int):
        for _ in range(int(n)):
            if not self.step():
                break
        return self.history


def assert_same_history(new, old):
    assert new.diverged_at == old.diverged_at
    assert new.loss_evaluations == old.loss_evaluations
    assert new.steps == old.steps
    np.testing.assert_allclose(new.loss, old.loss, rtol=1e-12, atol=0)
    np.testing.assert_array_equal(new.accuracy, old.accuracy)
    np.testing.assert_array_equal(new.W, old.W)  # the same gradients and updates: bit for bit
    np.testing.assert_array_equal(new.b, old.b)
    np.testing.assert_array_equal(new.grad_norm, old.grad_norm)
    np.testing.assert_array_equal(new.lr, old.lr)
    assert len(new.batch_indices) == len(old.batch_indices)
    for a, c in zip(new.batch_indices, old.batch_indices):
        np.testing.assert_array_equal(a, c)
    for a, c in ((new.test_loss, old.test_loss), (new.test_accuracy, old.test_accuracy)):
        assert (a is None) == (c is None)
        if a is not None:
            np.testing.assert_allclose(a, c, rtol=1e-12, atol=0)


@pytest.fixture(scope="module")
def data():
    return make_dataset("spiral", 90, noise=0.3, seed=2, n_classes=4)


def both(X, y, steps, **kw):
    new, old = Trainer(X, y, **kw), OldTrainer(X, y, **kw)
    return new, old, new.run(steps), old.run(steps)


@pytest.mark.parametrize("batch_size", [1, 7, 32, None])
@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
@pytest.mark.parametrize("loss", ["softmax", "svm", "ova"])
def test_same_history_as_the_step_by_step_logic(data, loss, optimizer, batch_size):
    X, y = data
    lr = 0.05 if optimizer in ("adam", "rmsprop") else 0.3
    new, old, h, h_old = both(X, y, 200, loss=loss, optimizer=optimizer, lr=lr, reg=1e-3,
                              batch_size=batch_size, seed=5, schedule="step",
                              X_test=X[:20] + 0.1, y_test=y[:20])
    assert h.diverged_at is None and h.steps == 200
    assert_same_history(h, h_old)
    # and the trainer goes on from the same state
    assert new.rng.bit_generator.state == old.rng.bit_generator.state
    assert_same_history(new.run(45), old.run(45))


@pytest.mark.parametrize("batch_size", [1, 5, None])
@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
@pytest.mark.parametrize("loss", ["softmax", "svm", "ova"])
def test_same_divergence_as_the_step_by_step_logic(data, loss, optimizer, batch_size):
    X, y = data
    lr = 1e200 if optimizer in ("adam", "rmsprop") else 10.0  # (their steps are about lr per coordinate)
    new, old, h, h_old = both(X, y, 2000, loss=loss, optimizer=optimizer, lr=lr, reg=10.0,
                              batch_size=batch_size, seed=1)
    assert h_old.diverged_at is not None  # the case is a diverging one
    assert_same_history(h, h_old)
    assert not new.step() and not old.step()
    assert new.loss_evaluations == old.loss_evaluations
    assert new.rng.bit_generator.state == old.rng.bit_generator.state
    assert type(new.state) is type(old.state)


@pytest.mark.parametrize("loss", ["softmax", "svm", "ova"])
def test_finite_parameters_with_an_overflowing_loss_stop_training_where_they_did(data, loss):
    # lr = reg = 10: W grows 199-fold per step, so reg |W|^2 overflows (|W| ~ 1e154) long before W does: the first
    # bad step has finite parameters and an infinite loss, and it is found inside a chunk of unscored steps.
    X, y = data
    old = OldTrainer(X, y, loss=loss, lr=10.0, reg=10.0, seed=1)
    h_old = old.run(2000)
    r = evaluate(loss, h_old.W[-1], h_old.b[-1], X, y, 10.0, "l2", 1.0)
    W_bad, b_bad = h_old.W[-1] - 10.0 * r.dW, h_old.b[-1] - 10.0 * r.db  # the step that diverged
    assert _finite(W_bad, b_bad)
    with np.errstate(over="ignore"):
        assert not math.isfinite(evaluate(loss, W_bad, b_bad, X, y, 10.0, "l2", 1.0).loss)
    assert h_old.diverged_at > 16  # not in the first chunk
    assert_same_history(Trainer(X, y, loss=loss, lr=10.0, reg=10.0, seed=1).run(2000), h_old)
    for batch_size in (1, 4):
        kw = dict(loss=loss, lr=10.0, reg=10.0, seed=1, batch_size=batch_size)
        assert_same_history(Trainer(X, y, **kw).run(2000), OldTrainer(X, y, **kw).run(2000))


@pytest.mark.parametrize("batch_size", [1, 4, None])
def test_parameters_that_overflow_at_the_first_step(data, batch_size):
    X, y = data
    kw = dict(loss="svm", lr=1.7e308, batch_size=batch_size, seed=0)
    h, h_old = Trainer(X, y, **kw).run(50), OldTrainer(X, y, **kw).run(50)
    assert h_old.diverged_at == 1 and h_old.steps == 0
    assert_same_history(h, h_old)


def test_step_and_run_agree_and_can_be_mixed(data):
    X, y = data
    kw = dict(loss="softmax", optimizer="momentum", lr=0.2, batch_size=8, seed=4)
    a, b = Trainer(X, y, **kw), OldTrainer(X, y, **kw)
    for _ in range(5):
        assert a.step() and b.step()
    a.run(37)
    b.run(37)
    a.step()
    b.step()
    assert_same_history(a.history, b.history)


def test_a_chunk_cut_short_by_the_step_budget_or_a_loss_left_unscored_never_shows(data):
    X, y = data
    t = Trainer(X, y, batch_size=3, seed=0)
    for n in (0, 1, 2, 17, 100):
        h = t.run(n)
        assert len(h.loss) == len(h.W) == h.steps + 1 == len(h.grad_norm) + 1
        assert np.isfinite(h.loss).all()


@pytest.mark.parametrize("penalty", ["l2", "l1", "none"])
@pytest.mark.parametrize("loss", ["softmax", "svm", "ova"])
def test_full_data_scores_are_the_kernels_at_each_parameter_set(data, loss, penalty):
    X, y = data
    C = 4
    kernel = ClassMajor(loss, X, y, C, 0.3, penalty, 1.5)
    rng = np.random.default_rng(7)
    Ws, bs = rng.standard_normal((23, C, 2)), rng.standard_normal((23, C))
    Ws[3], bs[3] = 0.0, 0.0  # every class tied: argmax takes the first
    Ws[5, :, 0], bs[5] = 0.0, 0.0  # ties on the examples' second feature only
    Ws[5, 1:] = Ws[5, 0]
    Ws[8] *= 1e306  # scores overflow to +-inf: a loss that is not finite, or (hinge) finite from 0 terms
    for chunk in (1, 100, 1 << 16):  # one parameter set per pass, several, all at once
        with np.errstate(all="ignore"):
            loss_t, correct_t = FullDataScores(loss, X, y, C, 0.3, penalty, 1.5, chunk=chunk)(Ws, bs)
            expected = [kernel(W, b) for W, b in zip(Ws, bs)]
        np.testing.assert_allclose(loss_t, [e[0] for e in expected], rtol=1e-12, atol=0)
        np.testing.assert_array_equal(correct_t, [e[3] for e in expected])


@pytest.mark.parametrize("loss", ["softmax", "svm", "ova"])
def test_batch_gradient_is_evaluates_bit_for_bit(data, loss):
    X, y = data
    rng = np.random.default_rng(1)
    W, b = rng.standard_normal((4, 2)), rng.standard_normal(4)
    for batch in (np.array([5]), np.arange(0, 90, 3)):
        r = evaluate(loss, W, b, X[batch], y[batch], 0.2, "l2", 1.5)
        dW, db = batch_gradient(loss, W, b, X[batch], y[batch], 0.2, "l2", 1.5)
        np.testing.assert_array_equal(dW, r.dW)
        np.testing.assert_array_equal(db, r.db)
