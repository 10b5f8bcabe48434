"""Bounded cost per interaction (issue 14 item 1): the settings that cost seconds compute less. Each test names what
the page computed before; their timings are benchmarks/bench_worst_case.py's."""
from __future__ import annotations

import numpy as np
import pytest
import streamlit as st

from dashboard import compute, learning_rate_scene
from dashboard.config import DEFAULT
from dashboard.figures.regularization import MANY_POINTS, weight_paths_figure
from linviz.regularization import WeightPaths
from linviz.train import Trainer
from tests.app_entry import open_app

SMALL = {"dataset": "spiral", "n_classes": "4", "n_points": "120", "steps": "300", "t": "300"}


def test_the_weight_paths_of_an_image_classifier_are_one_trace_a_class_at_a_bounded_number_of_steps():
    """Digits, C = 10, 2000 steps: 2 x 640 traces of 2001 points each took ~10 s to build and send (most of the
    Regularization page's 13 s); now one trace a class and run, each path at MANY_POINTS steps."""
    T, C, D = 2001, 10, 64
    W = np.cumsum(np.random.default_rng(0).standard_normal((T, C, D)), axis=0) * 1e-3
    b, loss = np.zeros((T, C)), np.zeros(T)
    fig = weight_paths_figure(WeightPaths(penalty="l1", regs=(0.0, 10.0), W=(W, W * 0.5), b=(b, b), loss=(loss, loss),
                                          diverged_at=(None, None)))
    assert len(fig.data) == 2 * C
    for j, trace in enumerate(fig.data):
        assert len(trace.y) == D * (MANY_POINTS + 1) and sum(v is None for v in trace.y) == D  # (gaps, not NaN)
        y = np.array([np.nan if v is None else v for v in trace.y])
        # each entry's path: its value at the steps drawn, the first and the last among them
        x = np.asarray(trace.x, dtype=float)[: MANY_POINTS]
        assert x[0] == 0 and x[-1] == T - 1
        k, scale = j % C, (1.0 if j < C else 0.5)
        np.testing.assert_allclose(y[: MANY_POINTS], W[x.astype(int), k, 0] * scale, rtol=1e-6)
        np.testing.assert_allclose(y[MANY_POINTS + 1: 2 * MANY_POINTS + 1], W[x.astype(int), k, 1] * scale, rtol=1e-6)


def test_the_schedules_view_does_not_train_the_sidebars_run(monkeypatch):
    """The Optimizers page trained the sidebar's run on every view: on the schedules view, which does not draw it,
    2000 full-batch steps on 1000 points cost ~2 s of a 5 s rerun."""
    st.cache_data.clear()
    trained = []
    real = compute.train
    monkeypatch.setattr(compute, "train", lambda *a, **kw: trained.append(kw["steps"]) or real(*a, **kw))
    at = open_app("optimizers.py", {**SMALL, "op_view": "schedules", "op_sched_steps": "100"}).run()
    assert not at.exception, [e.value for e in at.exception]
    assert trained == []
    assert any("θ*" in m.value for m in at.markdown)  # (the schedules view was drawn)
    at = open_app("optimizers.py", {**SMALL, "op_view": "convexity"}).run()  # (a view that uses it trains it)
    assert not at.exception and trained == [300]


def test_the_learning_rate_pages_mini_batch_runs_are_trained_together_and_are_the_single_runs(monkeypatch):
    """Six rates x 2000 steps of batch 1 were six runs of 2000 Python steps (8 s); now one stacked run, whose runs
    are the single runs (linviz.train_stacked, tests/test_train_stacked.py)."""
    st.cache_data.clear()
    compute.stacked_curves.clear()
    calls = []
    real = compute.train_rates
    monkeypatch.setattr(compute, "train_rates", lambda X, y, lrs, **kw: calls.append(lrs) or real(X, y, lrs, **kw))
    lrs = (0.003, 0.5, 12.0, 0.5, 3000.0)  # (a rate twice shares its run)
    cfg = DEFAULT.replace(dataset="spiral", n_classes=4, n_points=120, steps=300, batch_size=1, lrs=lrs)
    runs = learning_rate_scene.comparison_runs(cfg)
    assert calls == [(0.003, 0.5, 12.0, 3000.0)]
    for lr, h in zip(lrs, runs):
        spec = compute.TrainSpec.of(cfg.replace(lr=lr))
        X, y, *_ = compute.dataset(spec.data)
        W0, b0 = compute.initial_params(spec.init)
        single = Trainer(X, y, lr=lr, batch_size=1, seed=cfg.seed, W0=W0, b0=b0, loss=cfg.loss, reg=cfg.reg,
                         score_at=compute.curve_steps(cfg.steps)).run(cfg.steps)
        assert h.diverged_at == single.diverged_at
        np.testing.assert_allclose(h.W, single.W, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(h.loss, single.loss, rtol=1e-12, atol=1e-12)
        np.testing.assert_array_equal(h.loss_steps, single.loss_steps)
    assert any(h.diverged_at for h in runs) and any(h.diverged_at is None for h in runs)
    calls.clear()
    learning_rate_scene.comparison_runs(cfg.replace(lr=0.9))  # the sidebar's α is not part of their key
    assert calls == []


@pytest.mark.parametrize("page", ["learning_rates.py", "regularization.py"])
def test_the_pages_run_without_error_at_small_mini_batch_settings(page):
    at = open_app(page, {**SMALL, "batch_size": "1", "dataset": "digits", "n_classes": "10"}).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error


def test_the_regularization_pages_runs_are_the_sidebars_cached_runs(monkeypatch):
    """The page trained its λ = 0 and λ runs in one cached call of its own: with the sidebar at λ = 0, the sidebar's
    run was trained twice (2000 steps on digits: a second each); now each run is compute.history's, under a
    progress bar, and equal runs are trained once."""
    st.cache_data.clear()
    trained = []
    real = Trainer.run
    monkeypatch.setattr(Trainer, "run", lambda self, n: trained.append((self.reg, self.penalty)) or real(self, n))
    at = open_app("regularization.py", {**SMALL, "reg": "0", "rg_reg": "0.5", "rg_penalty": "l1"}).run()
    assert not at.exception, [e.value for e in at.exception]
    assert sorted(trained) == [(0.0, "l2"), (0.5, "l1")]


def test_full_batch_runs_are_trained_together_and_are_each_the_sidebars_run_with_that_rate(monkeypatch):
    """Full-batch runs (a batch of all the training points among them) were trained one at a time (six rates x 2000
    steps on N = 1000: 2.1-4.1 s); now the runs not trained yet in one stacked call (linviz.train_stacked_full), each
    kept as compute.history's run with its rate and bit for bit its single run (test curves included); the sidebar's
    α retrains nothing, a new rate trains that run only."""
    st.cache_data.clear()
    compute._TRAINED.clear()  # (the runs trained by earlier tests would be history's single runs)
    calls = []
    real = compute.train_rates
    monkeypatch.setattr(compute, "train_rates", lambda X, y, lrs, **kw: calls.append(lrs) or real(X, y, lrs, **kw))
    for batch_size in (0, 1000):
        calls.clear()
        cfg = DEFAULT.replace(dataset="spiral", n_classes=4, n_points=120, steps=50, batch_size=batch_size,
                              reg=0.01, lrs=(0.1, 0.5, 1e200, 0.1))
        assert not compute.trains_together(compute.TrainSpec.of(cfg))
        runs = learning_rate_scene.comparison_runs(cfg)
        assert calls == [(0.1, 0.5, 1e200)]
        for lr, h in zip(cfg.lrs, runs):
            single = compute.history.__wrapped__(compute.TrainSpec.of(cfg.replace(lr=lr, batch_size=0)))
            assert h.loss_steps is None and h.steps == single.steps and h.diverged_at == single.diverged_at
            for name in ("W", "b", "loss", "accuracy", "grad_norm", "lr", "test_loss", "test_accuracy"):
                np.testing.assert_array_equal(getattr(h, name), getattr(single, name), err_msg=name)
        assert any(h.diverged_at for h in runs) and any(h.diverged_at is None for h in runs)
        learning_rate_scene.comparison_runs(cfg.replace(lr=0.9))  # the sidebar's α is not part of their key
        assert calls == [(0.1, 0.5, 1e200)]
        learning_rate_scene.comparison_runs(cfg.replace(lrs=(0.5, 0.25, 0.1)))  # a new rate: that run only
        assert calls == [(0.1, 0.5, 1e200), (0.25,)]


@pytest.mark.parametrize("batch_size", ["0", "1"])
def test_the_learning_rate_page_trains_its_runs_with_progress_and_no_error(monkeypatch, batch_size):
    """The page trains its runs under a progress bar fed by the stacked training (compute.curves' _progress)."""
    st.cache_data.clear()
    seen = []
    real = compute.train_rates
    monkeypatch.setattr(compute, "train_rates",
                        lambda X, y, lrs, **kw: seen.append(kw["_progress"] is not None) or real(X, y, lrs, **kw))
    at = open_app("learning_rates.py", {**SMALL, "lrs": "0.1,0.5", "batch_size": batch_size}).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error and len(at.dataframe) == 1
    assert seen == [True]
