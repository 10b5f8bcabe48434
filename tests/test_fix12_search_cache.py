"""The Search page's cache entries (issue 12 fix pass): an entry of fc.race weighed 60 MB at the largest budget on
the shape images (every point of every method in all P = 390 parameters, float64; st.cache_data keeps 8 per
server). It now keeps only what the page draws; these tests bound its size and check it draws the same race."""
from __future__ import annotations

import pickle

import numpy as np
import pytest

from dashboard import compute, search_view
from dashboard import finding_compute as fc
from dashboard.app_pages.search import BUDGETS
from dashboard.config import DEFAULT
from linviz import search
from tests.app_entry import run_app

KEY, IKEY = fc.problem_key(DEFAULT), compute.InitSpec.of(DEFAULT)
LARGEST = DEFAULT.replace(n_classes=6)  # the shape images have at most 6 classes: P = 6 x 65 = 390


def test_a_race_entry_at_the_largest_budget_on_the_largest_problem_stays_small():
    """Before: 121 MiB at P = 390 (benchmarks/search_cache_size.py); after: about 0.5 MiB."""
    key, ikey = fc.problem_key(LARGEST), compute.InitSpec.of(LARGEST)
    entry = fc.race.__wrapped__(key, ikey, "shapes", max(BUDGETS), DEFAULT.sr_lr, DEFAULT.seed)
    size = len(pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL))
    assert size < 2 * 2**20, f"one cache entry is {size / 2**20:.1f} MiB"
    assert entry.n_parameters == 6 * 65 and entry.budget == max(BUDGETS)


def test_the_kept_view_draws_what_the_full_race_would():
    X, y, W0, b0 = fc.search_problem(KEY, IKEY, "points")
    options = {"numerical_gd": {"lr": 0.3}, "analytic_gd": {"lr": 0.3}}
    full = search.race(X, y, W0=W0, b0=b0, budget=300, seed=4, options=options, **fc._objective(KEY))
    view = fc.race.__wrapped__(KEY, IKEY, "points", 300, 0.3, 4)
    best = full.run("analytic_gd")
    moved = np.abs(fc.flat(best.W[-1], best.b[-1]) - fc.flat(best.W[0], best.b[0]))
    assert view.pair == sorted(int(i) for i in np.argsort(moved)[-2:])
    np.testing.assert_array_equal(view.W, best.W[-1])
    np.testing.assert_array_equal(view.b, best.b[-1])
    marks = search_view.checkpoints(300)
    np.testing.assert_array_equal(view.checkpoints, marks)
    for r, v in zip(full.runs, view.runs):
        assert v.method == r.method and v.seed == r.seed == 4
        np.testing.assert_array_equal(v.evaluations, r.evaluations)
        np.testing.assert_array_equal(v.loss, r.loss)  # the table's final loss exactly
        np.testing.assert_allclose(v.accuracy, r.accuracy, rtol=1e-6)
        assert v.drawn == (len(r.loss) - 1 if r.method.endswith("_gd") else len(r.sample_loss))
        expected = fc.frames_of(r, view.pair, marks)
        assert len(v.frames) == len(expected)
        for (points, answer), (p, a) in zip(v.frames, expected):
            assert points.dtype == np.float32 and points.shape == p.shape
            np.testing.assert_allclose(points, p, rtol=1e-6, atol=1e-6)
            np.testing.assert_allclose(answer, a, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("data", ["points", "shapes"])
def test_the_search_page_still_draws_its_race_and_slice(data):
    at = run_app("search.py", {"sr_budget": "200", "sr_data": data})
    assert not at.exception
    assert len(at.get("plotly_chart")) == 2
