"""The Search page's race with its points evaluated many at once by a loss-only kernel (issue 14 item 1): every
record is the one-call-per-point implementation's (tests/naive_search.py, tests/naive_derivative_free.py: the naive
twins, kept as they were), bit for bit; only the wall-clock times differ."""
from __future__ import annotations

import numpy as np
import pytest

from linviz import derivative_free, search
from linviz.datasets import make_dataset
from linviz.images import shapes
from tests import naive_derivative_free, naive_search

FIELDS = ("evaluations", "loss", "accuracy", "W", "b", "sample_W", "sample_b", "sample_loss", "sample_iteration")


def assert_same_race(new, old):
    assert (new.n_parameters, new.budget, new.seed) == (old.n_parameters, old.budget, old.seed)
    for a, b in zip(new.runs, old.runs, strict=True):
        assert a.method == b.method
        for name in FIELDS:
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=f"{a.method}: {name}")
        assert len(a.seconds) == len(b.seconds) and np.all(np.diff(a.seconds) >= 0)


@pytest.mark.parametrize("loss", ["softmax", "svm", "ova"])
@pytest.mark.parametrize("budget", [1, 19, 600])
def test_the_race_on_points_is_the_one_call_per_point_race(loss, budget):
    X, y = make_dataset("spiral", 150, noise=0.3, seed=1, n_classes=4)
    kw = dict(budget=budget, seed=3, loss=loss, reg=0.01, penalty="l1" if loss == "ova" else "l2")
    assert_same_race(search.race(X, y, **kw), naive_search.race(X, y, **kw))


def test_the_race_on_shape_images_and_a_diverging_gd_is_the_one_call_per_point_race():
    X, y = shapes(60, seed=0, n_classes=3)
    kw = dict(budget=900, seed=5, options={"numerical_gd": {"lr": 50.0}, "analytic_gd": {"lr": 1e6},
                                           "random_local": {"step_size": 2.0}})
    new, old = search.race(X, y, **kw), naive_search.race(X, y, **kw)
    assert_same_race(new, old)
    assert not np.isfinite(new.run("analytic_gd").loss[-1])  # (the diverging run is in it)


def quadratic(x):
    return float(np.sum((x - 0.3) ** 2))


@pytest.mark.parametrize("name", sorted(derivative_free.SEARCHES))
@pytest.mark.parametrize("budget", [1, 2, 5, 21, 300, 1000])
def test_each_search_with_many_points_at_once_is_the_search_one_point_at_a_time(name, budget):
    calls = []

    def f_many(xs):
        calls.append(len(xs))
        return [quadratic(x) for x in xs]

    options = {"step_size": 0.05} if name == "random_local" else {}
    new = derivative_free.SEARCHES[name](quadratic, np.zeros((2, 3)), budget=budget, seed=7, f_many=f_many,
                                         **options)
    old = naive_derivative_free.SEARCHES[name](quadratic, np.zeros((2, 3)), budget=budget, seed=7, **options)
    for field in ("best_x", "best_so_far", "trajectory", "samples", "losses", "iteration", "best_index"):
        np.testing.assert_array_equal(getattr(new, field), getattr(old, field), err_msg=field)
    assert new.best_loss == old.best_loss and new.evaluations == old.evaluations == budget
    assert len(new.populations) == len(old.populations)
    for p, q in zip(new.populations, old.populations):
        np.testing.assert_array_equal(p, q)
    if budget >= 300:  # many points a call (local search: fewer, its batches end where a proposal improves)
        assert len(calls) < budget / 3


def test_f_many_must_give_one_number_per_point():
    with pytest.raises(ValueError, match="one number per point"):
        derivative_free.random_search(quadratic, np.zeros(2), budget=10, f_many=lambda xs: [0.0])


def test_the_search_pages_view_of_the_batched_race_is_that_of_the_naive_race():
    """The page's cached view (finding_compute.race) of the batched race equals that of the naive race."""
    from dashboard import compute, search_view
    from dashboard import finding_compute as fc
    from dashboard.config import DEFAULT

    cfg = DEFAULT.replace(dataset="spiral", n_classes=3, n_points=90, sr_budget=500)
    key, ikey = fc.problem_key(cfg), compute.InitSpec.of(cfg)
    X, y, W0, b0 = fc.search_problem(key, ikey, "points")
    kw = dict(W0=W0, b0=b0, budget=500, seed=cfg.seed, options={"numerical_gd": {"lr": 0.3}, "analytic_gd": {
        "lr": 0.3}}, **fc._objective(key))
    new, old = fc.race.__wrapped__(key, ikey, "points", 500, 0.3, cfg.seed), search_view.summarize(
        naive_search.race(X, y, **kw))
    for a, b in zip(new.runs, old.runs):
        for name in ("evaluations", "loss", "accuracy", "drawn"):
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
        for (p, q), (r, s) in zip(a.frames, b.frames):
            np.testing.assert_array_equal(p, r)
            np.testing.assert_array_equal(q, s)
