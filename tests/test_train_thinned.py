"""A mini-batch run scored at some steps only (Trainer's score_at, issue 14 item 1): at the steps it shows, every
value is the full run's (the run scored at every step, and the step-by-step logic, OldTrainer); the steps it does
not score are still checked for divergence, so diverged_at, the parameters and everything per step are the same."""
from __future__ import annotations

import math

import numpy as np
import pytest

from linviz.datasets import make_dataset
from linviz.losses import evaluate
from linviz.optim import OPTIMIZERS
from linviz.train import Trainer
from tests.test_train_minibatch_fast import OldTrainer


@pytest.fixture(scope="module")
def data():
    return make_dataset("spiral", 90, noise=0.3, seed=2, n_classes=4)


def assert_thinned_is_full_at_its_steps(thin, full, score_at):
    """thin (scored at score_at, the first and the last step) against full (scored at every step)."""
    assert thin.diverged_at == full.diverged_at
    assert thin.loss_evaluations == full.loss_evaluations
    assert thin.steps == full.steps
    expected = np.unique(np.array([0, *[s for s in score_at if s <= full.steps], full.steps], dtype=int))
    np.testing.assert_array_equal(thin.loss_steps, expected)
    np.testing.assert_allclose(thin.loss, full.loss[expected], rtol=1e-12, atol=0)
    np.testing.assert_array_equal(thin.accuracy, full.accuracy[expected])
    for name in ("W", "b", "grad_norm", "lr"):
        np.testing.assert_array_equal(getattr(thin, name), getattr(full, name))
    assert len(thin.batch_indices) == len(full.batch_indices)
    for a, c in zip(thin.batch_indices, full.batch_indices):
        np.testing.assert_array_equal(a, c)
    assert (thin.test_loss is None) == (full.test_loss is None)
    if full.test_loss is not None:
        np.testing.assert_allclose(thin.test_loss, full.test_loss[expected], rtol=1e-12, atol=0)
        np.testing.assert_array_equal(thin.test_accuracy, full.test_accuracy[expected])


SCORE_AT = [3, 17, 18, 50, 120, 121, 199]


@pytest.mark.parametrize("batch_size", [1, 7, 32])
@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
@pytest.mark.parametrize("loss", ["softmax", "svm", "ova"])
def test_a_thinned_run_is_the_full_run_at_the_steps_it_shows(data, loss, optimizer, batch_size):
    X, y = data
    lr = 0.05 if optimizer in ("adam", "rmsprop") else 0.3
    kw = dict(loss=loss, optimizer=optimizer, lr=lr, reg=1e-3, batch_size=batch_size, seed=5, schedule="step",
              X_test=X[:20] + 0.1, y_test=y[:20])
    thin = Trainer(X, y, score_at=SCORE_AT, **kw)
    full = OldTrainer(X, y, **kw)
    h, h_full = thin.run(150), full.run(150)  # (the last step, 150, is not in SCORE_AT: added)
    assert h.diverged_at is None
    assert_thinned_is_full_at_its_steps(h, h_full, SCORE_AT)
    # and it goes on from the same state: its scores at the steps it is asked for, the new last step added
    assert_thinned_is_full_at_its_steps(thin.run(60), full.run(60), SCORE_AT)


@pytest.mark.parametrize("batch_size", [1, 5])
@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
@pytest.mark.parametrize("loss", ["softmax", "svm", "ova"])
def test_a_thinned_run_diverges_where_the_full_run_does(data, loss, optimizer, batch_size):
    X, y = data
    lr = 1e200 if optimizer in ("adam", "rmsprop") else 10.0
    kw = dict(loss=loss, optimizer=optimizer, lr=lr, reg=10.0, batch_size=batch_size, seed=1)
    h_full = OldTrainer(X, y, **kw).run(2000)
    assert h_full.diverged_at is not None  # the case is a diverging one
    for score_at in ([], [5, 40, 41]):  # (nothing scored but the ends; some steps)
        thin = Trainer(X, y, score_at=score_at, **kw)
        assert_thinned_is_full_at_its_steps(thin.run(2000), h_full, score_at)
        assert not thin.step()


@pytest.mark.parametrize("loss", ["softmax", "svm", "ova"])
@pytest.mark.parametrize("reg", [10.0, 0.0])
def test_an_overflowing_loss_at_an_unscored_step_is_found(data, loss, reg):
    # lr = reg = 10: W grows 199-fold per step, and reg |W|^2 overflows long before W does; with reg = 0 and a huge
    # rate the scores themselves overflow. Either way the first bad step has finite parameters, is not scored, and
    # its bound (|W| beyond 1e100) cannot prove its loss finite: it is evaluated.
    X, y = data
    kw = dict(loss=loss, lr=10.0 if reg else 1e305, reg=reg, batch_size=1, seed=1)
    h_full = OldTrainer(X, y, **kw).run(3000)
    assert h_full.diverged_at is not None
    thin = Trainer(X, y, score_at=[], **kw)
    found = []
    check = thin._checks.loss_finite
    thin._checks.loss_finite = lambda Ws, bs: found.append(check(Ws, bs)) or found[-1]
    assert_thinned_is_full_at_its_steps(thin.run(3000), h_full, [])
    assert not np.concatenate(found).all()  # the bad step was found by RunChecks.loss_finite (finite W, bad loss)


def naive_loss_finite(kind, Ws, bs, X, y, reg, penalty, margin):
    """The loop twin of RunChecks.loss_finite: the loss, evaluated at each parameter set."""
    out = []
    for W, b in zip(Ws, bs):
        with np.errstate(all="ignore"):
            out.append(math.isfinite(evaluate(kind, W, b, X, y, reg, penalty, margin).loss))
    return np.array(out)


@pytest.mark.parametrize("penalty", ["l2", "l1", "none"])
@pytest.mark.parametrize("loss", ["softmax", "svm", "ova"])
def test_the_finiteness_bound_agrees_with_evaluating_the_loss(data, loss, penalty):
    X, y = data
    rng = np.random.default_rng(0)
    scales = 10.0 ** np.r_[0:308:7, 99, 100, 101, 153, 154, 155, 300, 305, 307]
    Ws = rng.standard_normal((len(scales), 4, 2)) * scales[:, None, None]
    bs = rng.standard_normal((len(scales), 4)) * scales[:, None]
    for reg in (0.0, 1e-3, 10.0):
        trainer = Trainer(X, y, loss=loss, reg=reg, penalty=penalty, batch_size=1, score_at=[])
        got = trainer._checks.loss_finite(Ws, bs)
        want = naive_loss_finite(loss, Ws, bs, X, y, reg, penalty, 1.0)
        np.testing.assert_array_equal(got, want)
        assert want.any() and (penalty == "none" and reg == 0.0 or not want.all())  # both kinds of case occur


def test_the_schedule_race_without_its_losses_is_the_race_with_them(data):
    from linviz.minibatch import compare_schedules

    X, y = data
    kw = dict(lr=0.5, batch_size=1, steps=300, seed=0)
    full, thin = compare_schedules(X, y, **kw), compare_schedules(X, y, score_at=(), **kw)
    for name in ("lr", "distance", "W", "b"):
        for a, c in zip(getattr(thin, name), getattr(full, name)):
            np.testing.assert_array_equal(a, c)
    for a, c in zip(thin.loss, full.loss):
        np.testing.assert_allclose(a, c[[0, -1]], rtol=1e-12, atol=0)
    assert thin.optimum_loss == full.optimum_loss


@pytest.mark.parametrize("penalty", ["l1", "none"])
@pytest.mark.parametrize("loss", ["softmax", "svm", "ova"])
def test_a_thinned_run_with_any_penalty_is_the_full_run(data, loss, penalty):
    X, y = data
    for lr, reg in ((0.3, 0.05), (10.0, 10.0), (1e305, 0.0)):  # settling, diverging, overflowing
        kw = dict(loss=loss, penalty=penalty, lr=lr, reg=reg, batch_size=3, seed=4, X_test=X[:15], y_test=y[:15])
        h_full = OldTrainer(X, y, **kw).run(300)
        assert_thinned_is_full_at_its_steps(Trainer(X, y, score_at=SCORE_AT, **kw).run(300), h_full, SCORE_AT)
        assert_same = Trainer(X, y, **kw).run(300)  # (and scored at every step: the full run itself)
        np.testing.assert_allclose(assert_same.loss, h_full.loss, rtol=1e-12, atol=0)
