"""linviz.search: five ways to find W raced on the same data, with exact evaluation budgets."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import linviz.search as search
from linviz.datasets import make_dataset
from linviz.losses import LOSSES
from linviz.model import accuracy, init_params
from linviz.search import METHODS, RACE_OPTIONS, race

SEARCH_METHODS = ("random", "random_local", "genetic")


@pytest.fixture(scope="module")
def data():
    return make_dataset("blobs", 150, noise=1.0, seed=0)  # the dashboard's default data set


@pytest.fixture(scope="module")
def default_race(data):
    return race(*data, budget=1000, seed=0)


class CountingKernel(search.ClassMajor):
    calls = 0

    def __call__(self, W, b):
        CountingKernel.calls += 1
        return super().__call__(W, b)


class CountingScores(search.FullDataScores):
    """The loss-only kernel, at many points a call: counted per point."""

    def __call__(self, Ws, bs):
        CountingKernel.calls += len(Ws)
        return super().__call__(Ws, bs)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("budget", [1, 17, 18, 19, 37, 100])
def test_budgets_are_exact(data, method, budget, monkeypatch):
    monkeypatch.setattr(search, "ClassMajor", CountingKernel)
    monkeypatch.setattr(search, "FullDataScores", CountingScores)
    CountingKernel.calls = 0
    run = race(*data, budget=budget, methods=[method]).run(method)
    P = 9  # C (D + 1) = 3 * 3
    steps = {"numerical_gd": budget // (2 * P), "analytic_gd": budget}.get(method, budget)
    used = {"numerical_gd": 2 * P * steps}.get(method, budget)
    assert run.evaluations[-1] == used <= budget
    assert run.budget == budget
    # every evaluation of the loss is counted, or one of the few measurements (a search's: its start and each
    # distinct best point's accuracy), or a speculative one of local search, dropped: nothing more
    best_points = len(np.unique([np.r_[W.ravel(), b] for W, b in zip(run.W[1:], run.b[1:])], axis=0))
    expected_measurements = {"numerical_gd": 1 + steps, "analytic_gd": 1}.get(method, 1 + best_points)
    assert run.measurements == expected_measurements
    assert CountingKernel.calls == used + run.measurements + run.speculative
    assert run.speculative == 0 or method == "random_local"
    assert np.all(np.diff(run.evaluations) > 0) and run.evaluations[0] == 0
    assert len(run.loss) == len(run.accuracy) == len(run.seconds) == len(run.W) == len(run.evaluations)
    if method in SEARCH_METHODS:
        np.testing.assert_array_equal(run.evaluations, np.arange(budget + 1))
        assert run.sample_W.shape == (budget, 3, 2)
    else:
        cost = 2 * P if method == "numerical_gd" else 1
        np.testing.assert_array_equal(run.evaluations, np.arange(steps + 1) * cost)


def test_records_are_the_loss_and_accuracy_of_the_answer(data, default_race):
    X, y = data
    for run in default_race.runs:
        for k in (0, 1, 5, len(run.loss) // 2, len(run.loss) - 1):
            r = LOSSES["softmax"](run.W[k], run.b[k], X, y, reg=0.01)
            assert run.loss[k] == pytest.approx(r.loss, rel=1e-12), run.method
            assert run.accuracy[k] == accuracy(run.W[k], run.b[k], X, y)
        assert np.all(np.diff(run.seconds) >= 0)
        np.testing.assert_array_equal(run.W[0], default_race.runs[0].W[0])  # one common start
        if run.method in SEARCH_METHODS:  # a search's answer is its best point: never worse
            assert np.all(np.diff(run.loss) <= 0)
            np.testing.assert_allclose(run.sample_loss.min(), run.loss[-1])


def test_numerical_gd_follows_analytic_gd_step_by_step(default_race):
    num, ana = default_race.run("numerical_gd"), default_race.run("analytic_gd")
    steps = len(num.W) - 1
    assert steps == 1000 // 18
    np.testing.assert_allclose(num.W, ana.W[: steps + 1], rtol=0, atol=1e-7)  # the same path, 18x the cost
    np.testing.assert_allclose(num.sample_W, num.W)
    np.testing.assert_array_equal(num.sample_iteration, np.arange(steps + 1))


def test_analytic_gd_beats_random_search_at_equal_evaluations(default_race):
    gd, rand = default_race.run("analytic_gd"), default_race.run("random")
    for e in (10, 30, 100, 300, 1000):
        assert gd.loss_at(e) < rand.loss_at(e), e
    assert gd.loss[-1] < 0.9 * rand.loss[-1]
    # and the numerical gradient costs 2P = 18 evaluations a step: after 100 evaluations it took 5 steps
    assert default_race.run("numerical_gd").loss_at(100) > gd.loss_at(100)


@pytest.mark.parametrize("method", METHODS)
def test_deterministic_per_seed(data, method):
    a, b, c = (race(*data, budget=120, seed=s, methods=[method]).run(method) for s in (3, 3, 4))
    for field in ("evaluations", "loss", "accuracy", "W", "b", "sample_W", "sample_loss", "sample_iteration"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field), err_msg=field)
    assert a.seed == 3
    if method in SEARCH_METHODS:  # GD does not draw anything, but the start comes from the seed too
        assert not np.array_equal(a.sample_W, c.sample_W)
    assert not np.array_equal(a.W[0], c.W[0])


def test_search_samples_come_from_optim(data):
    from linviz.derivative_free import genetic_search
    X, y = data
    run = race(X, y, budget=60, seed=2, methods=["genetic"]).run("genetic")
    W0, b0 = init_params(3, 2, seed=2)

    def f(theta):
        return LOSSES["softmax"](theta[:, :2], theta[:, 2], X, y, reg=0.01).loss

    ref = genetic_search(f, np.hstack([W0, b0[:, None]]), budget=60, seed=2, **RACE_OPTIONS["genetic"])
    np.testing.assert_allclose(run.sample_W, ref.samples[:, :, :2])
    np.testing.assert_array_equal(run.sample_iteration, ref.iteration)
    np.testing.assert_allclose(run.loss[1:], ref.best_so_far, rtol=1e-12)


def test_options_start_and_progress(data):
    X, y = data
    W0, b0 = np.ones((3, 2)), np.zeros(3)
    seen = []
    r = race(X, y, W0=W0, b0=b0, budget=200, methods=["analytic_gd", "random_local"],
             options={"analytic_gd": {"lr": 0.05}}, progress=lambda m, done, total: seen.append((m, done, total)))
    assert [run.method for run in r.runs] == ["analytic_gd", "random_local"]
    np.testing.assert_array_equal(r.runs[0].W[0], W0)
    step = r.runs[0].W[1] - r.runs[0].W[0]
    grad = LOSSES["softmax"](W0, b0, X, y, reg=0.01).dW
    np.testing.assert_allclose(step, -0.05 * grad, rtol=1e-12)
    assert ("analytic_gd", 200, 200) in seen and ("random_local", 200, 200) in seen
    assert len(seen) <= 2 * 21 and r.n_parameters == 9


def test_a_diverging_gd_is_recorded_not_raised(data):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warnings either
        run = race(*data, budget=500, methods=["analytic_gd"], options={"analytic_gd": {"lr": 1e6}}).run("analytic_gd")
    assert run.loss[-1] == np.inf and np.all(np.isfinite(run.loss[:-1]))
    assert run.evaluations[-1] < 500  # it stopped where the loss overflowed


def test_more_parameters(data):
    X, y = make_dataset("blobs", 120, noise=1.0, seed=0, n_classes=6)
    r = race(X, y, budget=300, seed=1)
    assert r.n_parameters == 18
    assert r.run("numerical_gd").evaluations[-1] == 36 * (300 // 36)
    assert r.run("analytic_gd").loss[-1] < r.run("random").loss[-1]


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"methods": ["annealing"]}, "unknown method 'annealing'"),
    ({"options": {"genetic": {"lr": 1}}}, r"option\(s\) 'lr' for 'genetic'; valid: elite, mutation, population"),
    ({"options": {"analytic_gd": {"lr": -1}}}, "lr must be a finite number >= 0"),
    ({"options": {"sa": {}}}, "unknown method 'sa'"),
    ({"budget": 0}, "budget must be an integer >= 1"),
    ({"loss": "mse"}, "unknown loss"),
    ({"W0": np.zeros((3, 3)), "b0": np.zeros(3)}, "features"),
    ({"reg": -1}, "reg must be"),
])
def test_bad_arguments(data, kwargs, match):
    with pytest.raises(ValueError, match=match):
        race(*data, **{"budget": 10, **kwargs})
