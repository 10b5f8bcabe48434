"""Learning rates trained together (linviz.train_stacked.train_rates, issue 14 item 1): each stacked run is the
single run with its rate (its naive twin: a loop of Trainer runs), histories, divergence steps and final parameters
to round-off, a diverging rate and batch size 1 included."""
from __future__ import annotations

import numpy as np
import pytest

from linviz.datasets import make_dataset
from linviz.optim import OPTIMIZERS
from linviz.train import Trainer
from linviz.train_stacked import train_rates

LRS = (1e-4, 0.05, 0.5, 12.0, 1e200)  # crawls ... diverges at once


@pytest.fixture(scope="module")
def data():
    return make_dataset("spiral", 80, noise=0.3, seed=3, n_classes=4)


def single_runs(X, y, lrs, steps, **kw):
    """The naive twin: one Trainer per rate, one after the other."""
    return [Trainer(X, y, lr=lr, **kw).run(steps) for lr in lrs]


def assert_same_run(got, want):
    assert got.diverged_at == want.diverged_at
    assert got.loss_evaluations == want.loss_evaluations
    assert got.steps == want.steps
    for name in ("W", "b", "loss", "grad_norm", "lr", "accuracy"):
        np.testing.assert_allclose(getattr(got, name), getattr(want, name), rtol=1e-12, atol=1e-12, err_msg=name)
    np.testing.assert_allclose(got.W[-1], want.W[-1], rtol=1e-12, atol=1e-12)
    assert (got.loss_steps is None) == (want.loss_steps is None)
    if want.loss_steps is not None:
        np.testing.assert_array_equal(got.loss_steps, want.loss_steps)
    assert len(got.batch_indices) == len(want.batch_indices)
    for a, c in zip(got.batch_indices, want.batch_indices):
        np.testing.assert_array_equal(a, c)
    assert (got.test_loss is None) == (want.test_loss is None)
    if want.test_loss is not None:
        np.testing.assert_allclose(got.test_loss, want.test_loss, rtol=1e-12, atol=1e-12)
        np.testing.assert_array_equal(got.test_accuracy, want.test_accuracy)


@pytest.mark.parametrize("batch_size", [1, 7, None])
@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
@pytest.mark.parametrize("loss", ["softmax", "svm", "ova"])
def test_stacked_rates_are_the_single_runs(data, loss, optimizer, batch_size):
    X, y = data
    kw = dict(loss=loss, optimizer=optimizer, reg=1e-3, batch_size=batch_size, seed=5, schedule="step",
              schedule_options={"step_size": 40})
    got, want = train_rates(X, y, LRS, steps=150, **kw), single_runs(X, y, LRS, 150, **kw)
    assert any(h.diverged_at for h in want) and any(h.diverged_at is None for h in want)  # both kinds of run
    for g, w in zip(got, want):
        assert_same_run(g, w)


@pytest.mark.parametrize("score_at", [None, [], [3, 17, 18, 50, 120]])
def test_stacked_rates_scored_at_some_steps_with_a_test_set(data, score_at):
    X, y = data
    kw = dict(loss="softmax", reg=1e-2, batch_size=1, seed=2, score_at=score_at, X_test=X[:15] + 0.1,
              y_test=y[:15])
    got, want = train_rates(X, y, LRS, steps=300, **kw), single_runs(X, y, LRS, 300, **kw)
    for g, w in zip(got, want):
        assert_same_run(g, w)


@pytest.mark.parametrize("reg", [10.0, 0.0])
def test_a_loss_that_overflows_with_finite_parameters_ends_only_its_run(data, reg):
    # reg = lr = 10 makes reg |W|^2 overflow long before W does (the chunk check finds it, not the step's own test)
    X, y = data
    lrs = (0.1, 10.0 if reg else 1e305, 0.3)
    kw = dict(loss="svm", reg=reg, batch_size=1, seed=1, score_at=[])
    got, want = train_rates(X, y, lrs, steps=3000, **kw), single_runs(X, y, lrs, 3000, **kw)
    assert want[1].diverged_at is not None and want[0].diverged_at is None
    assert np.isfinite(want[1].W[-1]).all()
    for g, w in zip(got, want):
        assert_same_run(g, w)


def test_the_same_rate_twice_gives_the_same_run_twice(data):
    X, y = data
    a, b = train_rates(X, y, (0.2, 0.2), steps=50, batch_size=4)
    assert_same_run(a, b)


def test_bad_settings_are_refused_as_the_trainer_refuses_them(data):
    X, y = data
    with pytest.raises(ValueError, match="lr"):
        train_rates(X, y, (0.1, -1.0), steps=5)
    with pytest.raises(ValueError, match="batch_size"):
        train_rates(X, y, (0.1,), steps=5, batch_size=0)


@pytest.mark.parametrize("batch_size", [1, 6, None])
def test_one_schedule_per_run(data, batch_size):
    X, y = data
    schedules = [("constant", None), ("inverse_time", {"k": 0.1}), ("step", {"step_size": 7}), ("exponential", None)]
    lrs = (0.5, 0.5, 2.0, 1e250)
    kw = dict(loss="svm", reg=1e-2, batch_size=batch_size, seed=4, score_at=[10, 11])
    got = train_rates(X, y, lrs, steps=90, schedules=schedules, **kw)
    want = [Trainer(X, y, lr=lr, schedule=name, schedule_options=opts, **kw).run(90)
            for lr, (name, opts) in zip(lrs, schedules)]
    for g, w in zip(got, want):
        assert_same_run(g, w)
    with pytest.raises(ValueError, match="one schedule per learning rate"):
        train_rates(X, y, lrs[:2], steps=5, schedules=schedules)


@pytest.mark.parametrize("batch_size", [1, None])
def test_progress_is_reported_while_the_runs_train(data, batch_size):
    X, y = data
    seen = []
    train_rates(X, y, (0.1, 0.2), steps=450, batch_size=batch_size, _progress=lambda done, steps: seen.append(
        (done, steps)))
    assert seen[0] == (0, 450) and len(seen) >= 3
    assert all(steps == 450 for _, steps in seen) and [d for d, _ in seen] == sorted({d for d, _ in seen})


@pytest.mark.parametrize("loss", ["softmax", "svm", "ova"])
# (C N = 120: the five runs in one pass; 3000: two a pass, the last alone; 9000: one at a time, by Trainer)
@pytest.mark.parametrize("n", [40, 1000, 3000])
def test_stacked_full_batch_runs_are_the_single_runs_bit_for_bit(loss, n):
    """The naive twin of linviz.train_stacked_full: one Trainer per rate, every recorded number equal, a test set's
    curves, ties of scores (a zero start) and runs that diverge at different steps included."""
    X, y = make_dataset("blobs", n, noise=0.5, seed=1, n_classes=3)
    lrs = (1e-3, 0.3, 40.0, 1e200, 0.3)
    kw = dict(loss=loss, reg=1e-2, penalty="l2", seed=2, X_test=X[:9] + 0.2, y_test=y[:9], init="zeros")
    got, want = train_rates(X, y, lrs, steps=120, **kw), single_runs(X, y, lrs, 120, **kw)
    assert len({w.diverged_at for w in want}) >= 2
    for g, w in zip(got, want):
        assert (g.diverged_at, g.loss_evaluations, g.steps) == (w.diverged_at, w.loss_evaluations, w.steps)
        for name in ("W", "b", "loss", "accuracy", "grad_norm", "lr", "test_loss", "test_accuracy"):
            np.testing.assert_array_equal(getattr(g, name), getattr(w, name), err_msg=name)
        assert len(g.batch_indices) == g.steps
