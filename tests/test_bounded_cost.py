"""Bounded cost per interaction (issue 14, item 1): a change trains only what depends on it.

The timings are in benchmarks/bench_worst_case.py (ratios to the default view, no timed assertions here); these
tests count the training runs a change starts."""
from __future__ import annotations

import pytest

from dashboard import compute
from tests.app_entry import run_app


@pytest.fixture
def trainings(monkeypatch) -> list:
    """The runs linviz trains from now on (compute.history's body calls linviz.train.train; runs trained together,
    linviz.train_stacked.train_rates, count one each)."""
    started = []
    real, real_rates = compute.train, compute.train_rates

    def counted(*args, **kwargs):
        started.append(kwargs.get("lr"))
        return real(*args, **kwargs)

    def counted_rates(X, y, lrs, **kwargs):
        started.extend(lrs)
        return real_rates(X, y, lrs, **kwargs)

    monkeypatch.setattr(compute, "train", counted)
    monkeypatch.setattr(compute, "train_rates", counted_rates)
    monkeypatch.setenv("LINVIZ_RAISE", "1")
    return started


def test_the_sidebar_learning_rate_retrains_nothing_on_the_learning_rates_page(trainings):
    """The page does not draw the sidebar's own run: a change of its α trained that run for the whole horizon
    (1.8 s of a 4.9 s rerun at six rates, N = 1000, batch 1, 2000 steps) and showed nothing new."""
    at = run_app("learning_rates.py", {"seed": "4321", "steps": "300", "t": "300", "lrs": "0.01,0.5"})
    assert sorted(trainings[-2:]) == [0.01, 0.5]  # the comparison runs (and the data's first steps)
    trainings.clear()
    at.select_slider(key="lr").set_value(0.056).run()
    assert not at.exception and at.session_state["_config"].lr == 0.056
    assert trainings == [], trainings
    assert len(at.get("plotly_chart")) == 2


def test_a_new_comparison_rate_trains_that_run_only(trainings):
    at = run_app("learning_rates.py", {"seed": "4322", "steps": "300", "lrs": "0.01,0.5"})
    trainings.clear()
    at.number_input(key="lr_1").set_value(0.7).run()
    assert not at.exception and at.session_state["_config"].lrs == (0.01, 0.7)
    assert trainings == [0.7]
