"""The Images page's mistakes: every class's score, in tables narrow enough for the page's column at 1280 px."""
from __future__ import annotations

import pytest

from dashboard.app_pages.images import SCORES_PER_TABLE
from tests.app_entry import run_app


@pytest.fixture(autouse=True)
def raise_errors(monkeypatch):
    monkeypatch.setenv("LINVIZ_RAISE", "1")


def mistakes_tables(query):
    at = run_app("app_pages/images.py", query)
    assert not at.exception, [e.value for e in at.exception]
    return [d.value for d in at.dataframe if "said" in d.value.columns]


def test_ten_digits_scores_are_split_into_tables_that_fit():
    """Ten classes' scores in one table scrolled sideways at 1280 px: two tables of five, each with is / said."""
    tables = mistakes_tables({"im_digits": "0123456789", "t": "200"})
    assert len(tables) == 2
    scores = [c for t in tables for c in t.columns[2:]]
    assert scores == [f"s ({k})" for k in range(10)]
    for t in tables:
        assert list(t.columns[:2]) == ["is", "said"] and len(t.columns) - 2 <= SCORES_PER_TABLE
        assert list(t.index) == list(tables[0].index)


def test_three_digits_keep_one_table():
    tables = mistakes_tables({"t": "5"})
    assert len(tables) == 1  # (at step 5 some test images are still wrong)
    assert list(tables[0].columns) == ["is", "said", "s (0)", "s (1)", "s (7)"]
