"""The Mini-batch page trains the sidebar's run under a progress bar (common.train_with_progress), before the
runs with each M (which have their own): an α change showed nothing for ~3.5 s on the ten digits."""
from __future__ import annotations

import pytest

from dashboard import common
from tests.app_entry import open_app


@pytest.fixture(autouse=True)
def raise_errors(monkeypatch):
    monkeypatch.setenv("LINVIZ_RAISE", "1")


def test_an_alpha_change_trains_the_sidebars_run_under_a_progress_bar(monkeypatch):
    asked = []
    real = common.train_with_progress

    def spy(runs, curves=False):
        asked.extend((label, cfg.lr) for label, cfg in runs)
        return real(runs, curves)

    monkeypatch.setattr(common, "train_with_progress", spy)
    at = open_app("app_pages/minibatch.py", {"steps": "300"}).run()
    assert not at.exception, [e.value for e in at.exception]
    at.select_slider(key="lr").set_value(0.03).run()
    assert not at.exception, [e.value for e in at.exception]
    assert ("the sidebar's run", 0.03) in asked
