"""The Mini-batch page's cost per change (issue 14 item 1): its runs with each batch size M are trained together
(linviz.train_stacked.train_batch_sizes), each bit for bit its single run (the naive twin: one Trainer per M), and a
change retrains only what depends on it (counted trainer calls, no timing)."""
from __future__ import annotations

import numpy as np
import pytest
import streamlit as st

from dashboard import compute
from dashboard import finding_compute as fc
from dashboard.config import DEFAULT
from linviz.datasets import make_dataset
from linviz.train import Trainer
from linviz.train_stacked import train_batch_sizes
from tests.app_entry import open_app

SIZES = (1, 4, 16, 7, 64)
FIELDS = ("W", "b", "loss", "accuracy", "grad_norm", "lr", "loss_steps", "test_loss", "test_accuracy")


@pytest.fixture(scope="module")
def data():
    return make_dataset("spiral", 130, noise=0.3, seed=3, n_classes=4)


def assert_same_runs(got, want):
    for g, w in zip(got, want, strict=True):
        assert (g.diverged_at, g.loss_evaluations, g.steps) == (w.diverged_at, w.loss_evaluations, w.steps)
        for name in FIELDS:
            a, c = getattr(g, name), getattr(w, name)
            assert (a is None) == (c is None), name
            if c is not None:
                np.testing.assert_array_equal(a, c, err_msg=name)
        assert len(g.batch_indices) == len(w.batch_indices)
        for p, q in zip(g.batch_indices, w.batch_indices):
            np.testing.assert_array_equal(p, q)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("loss", ["softmax", "svm", "ova"])
@pytest.mark.parametrize("score_at", [None, [0, 3, 50, 51, 199]])
def test_the_runs_with_each_batch_size_trained_together_are_the_single_runs_bit_for_bit(data, loss, optimizer,
                                                                                        score_at):
    X, y = data
    kw = dict(loss=loss, optimizer=optimizer, lr=0.3, reg=1e-3, seed=5, score_at=score_at, schedule="step",
              schedule_options={"step_size": 30}, X_test=X[:11] + 0.1, y_test=y[:11])
    assert_same_runs(train_batch_sizes(X, y, SIZES, steps=200, **kw),
                     [Trainer(X, y, batch_size=M, **kw).run(200) for M in SIZES])


@pytest.mark.parametrize("lr", [0.15, 1e200])
def test_runs_that_diverge_end_each_at_its_own_step(data, lr):
    # reg = 10, lr = 0.15: the penalty's step 1 - 2 lr reg = -2 makes reg |W|^2 overflow after ~500 steps, one step
    # earlier or later with the batches (found by the chunk checks); lr = 1e200 at the first step
    X, y = data
    kw = dict(loss="svm", reg=10.0, lr=lr, seed=1, score_at=[])
    want = [Trainer(X, y, batch_size=M, **kw).run(1500) for M in SIZES]
    assert all(w.diverged_at for w in want)
    if lr == 0.15:
        assert len({w.diverged_at for w in want}) > 1
    assert_same_runs(train_batch_sizes(X, y, SIZES, steps=1500, **kw), want)


def test_a_batch_as_large_as_the_data_is_not_a_mini_batch_run(data):
    X, y = data
    with pytest.raises(ValueError, match="smaller than the 130 examples"):
        train_batch_sizes(X, y, (4, 130), steps=5)


def test_the_pages_runs_are_compute_curves_runs_and_one_stacked_call(monkeypatch):
    """fc.batch_runs: the mini-batch runs in one stacked call (the same curves as compute.curve's single runs), a
    batch of all N the full-batch run compute.curve gives."""
    st.cache_data.clear()
    calls = []
    real = compute.train_batch_sizes
    monkeypatch.setattr(compute, "train_batch_sizes",
                        lambda X, y, sizes, **kw: calls.append(sizes) or real(X, y, sizes, **kw))
    cfg = DEFAULT.replace(dataset="spiral", n_classes=4, n_points=120, steps=120, lr=0.4)
    n = len(compute.dataset(compute.DataSpec.of(cfg))[1])
    sizes = (16, 1, 4, 1000, 16)
    runs = fc.batch_runs(cfg, sizes)
    assert calls == [(1, 4, 16)]
    for M, h in zip(sizes, runs):
        single = compute.curve.__wrapped__(compute.TrainSpec.of(cfg.replace(batch_size=M if M < n else 0)))
        assert_same_runs([h], [single])
    fc.batch_runs(cfg.replace(batch_size=7, mb_draws=50), sizes)  # (the sidebar's batch size is no part of them)
    assert calls == [(1, 4, 16)]


SPIRAL = {"dataset": "spiral", "n_classes": "4", "n_points": "150", "steps": "300", "t": "300"}


def test_a_change_on_the_page_retrains_only_what_depends_on_it(monkeypatch):
    """Changing α retrained the sidebar's run and, one at a time, each M's run (2000 steps x 4 sizes: 4-5 s); now the
    M runs are one stacked call, and the page's own controls (draws per M, the M of the formulas) retrain nothing."""
    st.cache_data.clear()
    runs, stacked = [], []
    real_run, real_sizes = Trainer.run, compute.train_batch_sizes
    monkeypatch.setattr(Trainer, "run", lambda self, n: runs.append(self.batch_size) or real_run(self, n))
    monkeypatch.setattr(compute, "train_batch_sizes",
                        lambda X, y, sizes, **kw: stacked.append((sizes, kw["lr"])) or real_sizes(X, y, sizes, **kw))
    at = open_app("minibatch.py", SPIRAL).run()
    assert not at.exception, [e.value for e in at.exception]
    assert runs == [None] and stacked == [((1, 4, 16, 64), DEFAULT.lr)]  # the sidebar's full-batch run; M runs
    runs.clear(), stacked.clear()
    at.select_slider(key="mb_draws").set_value(500).run()
    at.selectbox(key="mb_m").set_value(4).run()
    assert not at.exception and runs == [] and stacked == []
    at.select_slider(key="lr").set_value(0.22).run()
    assert not at.exception and not at.error
    assert runs == [None] and stacked == [((1, 4, 16, 64), 0.22)]
