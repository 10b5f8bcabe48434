"""The scenes (dashboard/scenes.py) without a Streamlit runtime: the export command and a plain Python session use
them silently, and the cache they go through works outside an app."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from dashboard import cache, compute, learning_rate_scene, loss_scene, scenes
from dashboard.config import DEFAULT
from linviz.lecture_examples import lecture_example

ROOT = Path(__file__).resolve().parent.parent
# what Streamlit logs when its caches or st.spinner run outside an app (eleven lines on every export before)
RUNTIME_WARNINGS = ("No runtime found", "missing ScriptRunContext", "WARNING streamlit")


def python(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "LINVIZ_RAISE"}
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env)


def test_the_export_command_prints_no_streamlit_warnings(tmp_path):
    out = python("-m", "dashboard.export", "--only", "loss_curves", "lr_curves", "--format", "svg",
                 "--out", str(tmp_path))
    assert out.returncode == 0 or "needs Chromium" in out.stderr, out.stderr[-2000:]
    found = [w for w in RUNTIME_WARNINGS if w in out.stderr]
    assert not found, out.stderr[-3000:]
    if out.returncode == 0:
        assert sorted(p.name for p in tmp_path.iterdir()) == ["loss_curves.svg", "lr_curves.svg"]


def test_every_scene_is_computed_in_plain_python_without_a_word_on_stderr():
    code = ("from dashboard import scenes; from dashboard.config import DEFAULT; "
            "from dashboard.pages import EXPORTS; "
            "figs = scenes.all_figures(DEFAULT.replace(steps=30)); print(len(figs) == len(EXPORTS) > 9)")
    out = python("-c", code)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stderr == "" and out.stdout.strip() == "True"


def test_outside_an_app_a_run_is_trained_once_and_each_caller_gets_its_own_copy(monkeypatch):
    trained = []
    real = compute.train
    monkeypatch.setattr(compute, "train", lambda *a, **kw: trained.append(kw["lr"]) or real(*a, **kw))
    key = compute.TrainSpec.of(DEFAULT.replace(steps=7, lr=0.123))
    first = compute.history(key)
    first.W[0, 0, 0] = 99.0  # a caller that writes into its result does not change what the next one gets
    again = compute.history(key)
    assert trained == [0.123]
    assert again.W[0, 0, 0] != 99.0
    np.testing.assert_array_equal(again.loss, first.loss)


def test_the_memo_outside_an_app_keeps_at_most_max_entries_and_passes_unhashable_arguments_through():
    calls = []

    @cache.cached(max_entries=2)
    def square(x):
        calls.append(x)
        return x * x

    assert [square(v) for v in (1, 2, 1, 3, 1, 2)] == [1, 4, 1, 9, 1, 4]
    assert calls == [1, 2, 3, 2]  # 1 stays (used again), 2 was pushed out by 3
    assert square(np.array([2.0]))[0] == 4.0 and square(np.array([2.0]))[0] == 4.0  # arrays: computed each time
    assert len(calls) == 6
    square.clear()
    square(1)
    assert calls[-1] == 1 and len(calls) == 7


# ---------------------------------------------------------------- the tables and metrics the pages draw
def test_the_loss_tables_are_the_slides_formulas_example_by_example():
    """Each table against a loop over the examples and classes, written from the formulas on the page."""
    cfg = DEFAULT.replace(t=10, margin=0.5, n_classes=4, dataset="blobs")
    ctx = scenes.load(cfg)
    rows = [0, 3, 7, 11]
    scene = loss_scene.loss_scene(ctx, rows)
    C, delta = cfg.n_classes, cfg.margin
    for name, table in scene.tables.items():
        assert list(table.index) == rows and list(table["y"]) == list(ctx.y[rows]), name
    for i in rows:
        s, y = ctx.W @ ctx.X[i] + ctx.b, int(ctx.y[i])
        np.testing.assert_allclose([scene.tables["scores"].loc[i, f"s_{k}"] for k in range(C)], s, rtol=1e-12)
        hinge = scene.tables["hinge"].loc[i]
        for j in range(C):
            if j == y:
                assert np.isnan(hinge[f"j = {j}"])  # not a term of the sum (a dash on the page)
            else:
                assert hinge[f"j = {j}"] == pytest.approx(max(0.0, s[j] - s[y] + delta), abs=1e-12)
        assert hinge["L_i"] == pytest.approx(sum(max(0.0, s[j] - s[y] + delta) for j in range(C) if j != y))
        p = [np.exp(v) / sum(np.exp(u) for u in s) for v in s]
        soft = scene.tables["softmax"].loc[i]
        np.testing.assert_allclose([soft[f"p_{k}"] for k in range(C)], p, rtol=1e-10)
        assert soft["−log p_y"] == pytest.approx(-np.log(p[y]))
        ova = scene.tables["ova"].loc[i]
        terms = [max(0.0, delta - (1 if j == y else -1) * s[j]) for j in range(C)]
        np.testing.assert_allclose([ova[f"j = {j}"] for j in range(C)], terms, atol=1e-12)
        assert ova["L_i"] == pytest.approx(sum(terms))
    assert list(scene.tables["hinge"].columns[:2]) == ["y", "L_i"]
    assert list(scene.tables["softmax"].columns[:2]) == ["y", "−log p_y"]
    assert scene.at_zero["svm"] == pytest.approx((C - 1) * delta) and scene.at_zero["ova"] == pytest.approx(C * delta)
    assert scene.at_zero["softmax"] == pytest.approx(np.log(C))
    for r in scene.results.values():  # the totals: the mean of L_i over the training set + λR(W)
        assert r.loss == pytest.approx(r.per_example.mean() + r.reg_loss)


def test_the_softmax_pipeline_writes_the_slides_numbers_and_survives_overflow():
    ex = lecture_example()
    cat = loss_scene.softmax_pipeline(ex.scores[0], ex.class_names)
    assert list(cat.index) == list(ex.class_names)
    np.testing.assert_allclose(cat["exp(s)"], [24.53, 164.02, 0.1827], rtol=1e-3)
    np.testing.assert_allclose(cat["p = exp(s) / Σ exp"], [0.13, 0.87, 0.00], atol=0.005)
    assert cat["−log p"].iloc[0] == pytest.approx(2.04, abs=0.005)
    wild = loss_scene.softmax_pipeline(np.array([1000.0, 0.0]), ("a", "b"))
    assert np.isinf(wild["exp(s)"].iloc[0]) and list(wild["p = exp(s) / Σ exp"]) == [1.0, 0.0]
    assert np.isfinite(wild["−log p"]).all()
    assert wild["−log p"].iloc[1] == pytest.approx(1000.0)  # the true value, not a floor's −log 10⁻³⁰⁰ = 690.8


def test_the_lecture_table_has_a_column_per_image_and_the_hinge_losses_under_it():
    ex = lecture_example()
    table = loss_scene.lecture_scores_table(ex.scores, np.array([2.9, 0.0, 12.9]), ex.class_names)
    assert list(table.columns) == [f"{n} image" for n in ex.class_names]
    assert list(table.index) == [*ex.class_names, "hinge loss L_i"]
    assert list(table["cat image"][:3]) == [3.2, 5.1, -1.7] and list(table.loc["hinge loss L_i"]) == [2.9, 0, 12.9]


def test_the_learning_rate_table_is_each_runs_end_and_nothing_for_a_run_that_diverged():
    cfg = DEFAULT
    scene = learning_rate_scene.learning_rate_scene(scenes.load(cfg))
    table = learning_rate_scene.learning_rate_table(scene, cfg.lrs)
    assert list(table.index) == [f"run {k + 1}" for k in range(len(cfg.lrs))]
    assert list(table["learning rate α"]) == list(cfg.lrs) and list(table["what it did"]) == scene.behaviours
    for (_, row), h, d in zip(table.iterrows(), scene.histories, scene.diverged):
        if d is None:
            assert row["final loss"] == h.loss[-1] and row["final accuracy"] == h.accuracy[-1]
        else:
            assert np.isnan(row["final loss"]) and np.isnan(row["final accuracy"])
    assert table["final loss"].isna().sum() == sum(d is not None for d in scene.diverged) == 1


def test_the_step_metrics_read_the_history_at_t():
    hist = scenes.load(DEFAULT.replace(steps=40)).hist
    first, mid, last = (scenes.step_metrics(hist, t) for t in (0, 17, hist.steps))
    assert first.change is None and first.loss == hist.loss[0]
    assert mid.change == pytest.approx(hist.loss[17] - hist.loss[16]) and mid.train_accuracy == hist.accuracy[17]
    assert mid.test_accuracy == hist.test_accuracy[17] and mid.grad_norm == hist.grad_norm[17]
    assert (mid.lr, mid.w00, mid.w00_next) == (hist.lr[17], hist.W[17, 0, 0], hist.W[18, 0, 0])
    assert last.grad_norm is None and last.lr is None and last.w00_next is None  # no step is taken from the end
    no_test = scenes.load(DEFAULT.replace(steps=5, test_fraction=0.0)).hist
    assert scenes.step_metrics(no_test, 3).test_accuracy is None
