"""Tests for linviz.optim: update rules, learning-rate schedules and derivative-free searches."""
from __future__ import annotations

import inspect
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from linviz import optim
from linviz.derivative_free import (
    SEARCHES,
    SearchResult,
    genetic_search,
    get_search,
    random_local_search,
    random_search,
)
from linviz.optim import (
    OPTIMIZER_OPTIONS,
    OPTIMIZERS,
    SCHEDULE_OPTIONS,
    SCHEDULES,
    check_lr,
    check_options,
    check_schedule_options,
    get_optimizer,
    get_schedule,
    schedule_values,
)

RULES = sorted(OPTIMIZERS)
SEARCH_NAMES = sorted(SEARCHES)

# A separable quadratic over (W, b): f = 0.5 sum(aW W^2) + 0.5 sum(ab b^2), minimum 0 at the origin.
A_W = np.array([[1.0, 2.0, 4.0], [0.5, 3.0, 1.5]])
A_B = np.array([2.0, 0.25])


def quad(params):
    W, b = params
    return 0.5 * float(np.sum(A_W * W**2) + np.sum(A_B * b**2))


def quad_grads(params):
    W, b = params
    return A_W * W, A_B * b


def start():
    return np.ones((2, 3)), np.array([-1.0, 2.0])


def run(rule, params, lr, steps, **options):
    state = None
    for _ in range(steps):
        params, state = rule(params, quad_grads(params), state, lr, **options)
    return params, state


# ---------------------------------------------------------------- update rules
@pytest.mark.parametrize(("name", "lr"),
                         [("sgd", 0.2), ("momentum", 0.05), ("nesterov", 0.05), ("adam", 0.05)])
def test_rules_converge_on_quadratic(name, lr):
    params, _ = run(get_optimizer(name), start(), lr, 500)
    assert quad(params) < 1e-8 * quad(start())
    assert all(p.shape == q.shape for p, q in zip(params, start()))


def test_sgd_diverges_for_too_large_lr():
    # GD on a*p^2/2 multiplies p by (1 - lr a) each step: unstable once lr > 2 / max(a) = 0.5
    params, _ = run(optim.sgd, start(), 0.6, 50)
    assert quad(params) > quad(start())


P = (np.array([1.0, -2.0]), np.array([3.0]))
G = (np.array([0.5, 4.0]), np.array([-1.0]))


@pytest.mark.parametrize(("name", "options", "expected"), [
    ("sgd", {}, ([0.95, -2.4], [3.1])),  # p - 0.1 g
    ("momentum", {"mu": 0.9}, ([0.95, -2.4], [3.1])),  # v = -0.1 g, p + v
    ("nesterov", {"mu": 0.9}, ([0.905, -2.76], [3.19])),  # p + (1 + mu)(-0.1 g)
    ("adam", {}, ([0.9, -2.1], [3.1])),  # p - 0.1 g / (|g| + eps) ~ p - 0.1 sign(g)
])
def test_first_step_matches_hand_computation(name, options, expected):
    new, _ = get_optimizer(name)(P, G, None, 0.1, **options)
    for got, want in zip(new, expected):
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_second_step_threads_state_by_hand():
    g2 = (np.array([1.0, 1.0]), np.array([2.0]))
    p1, s1 = optim.momentum(P, G, None, 0.1, mu=0.5)
    p2, s2 = optim.momentum(p1, g2, s1, 0.1, mu=0.5)
    v2 = [0.5 * -0.1 * 0.5 - 0.1, 0.5 * -0.1 * 4.0 - 0.1]  # mu v1 - lr g2
    np.testing.assert_allclose(s2["v"][0], v2)
    np.testing.assert_allclose(p2[0], p1[0] + v2)
    # Nesterov: p2 = p1 - mu v1 + (1 + mu) v2 with the same v's as classical momentum
    n1, t1 = optim.nesterov(P, G, None, 0.1, mu=0.5)
    n2, _ = optim.nesterov(n1, g2, t1, 0.1, mu=0.5)
    np.testing.assert_allclose(n2[0], n1[0] - 0.5 * s1["v"][0] + 1.5 * np.array(v2))


def test_adam_state_counts_steps_and_bias_correction():
    p, s = P, None
    for t in range(1, 4):
        p, s = optim.adam(p, G, s, 0.01)
        assert s["t"] == t
    # with a constant gradient the bias-corrected m_hat = g and v_hat = g^2 exactly,
    # so every step is lr * g / (|g| + eps)
    np.testing.assert_allclose(p[0], P[0] - 3 * 0.01 * np.sign(G[0]), rtol=1e-6)


def test_momentum_with_mu_zero_equals_sgd():
    a, _ = run(optim.momentum, start(), 0.1, 20, mu=0.0)
    b, _ = run(optim.sgd, start(), 0.1, 20)
    for x, y in zip(a, b):
        np.testing.assert_allclose(x, y, rtol=1e-13)


@pytest.mark.parametrize("scale", [1e-4, 1.0, 1e3])
def test_adam_first_step_is_about_lr_per_coordinate(scale):
    g = (scale * np.array([1.0, -3.0, 0.25]),)
    new, _ = optim.adam((np.zeros(3),), g, None, 0.01)
    np.testing.assert_allclose(np.abs(new[0]), 0.01, rtol=1e-3)


def test_rule_signature_defaults_match_option_tables():
    for name, rule in OPTIMIZERS.items():
        sig = list(inspect.signature(rule).parameters.values())
        assert [p.name for p in sig[:4]] == ["params", "grads", "state", "lr"]
        assert {p.name: p.default for p in sig[4:]} == OPTIMIZER_OPTIONS[name]
    for name, fn in SCHEDULES.items():
        sig = list(inspect.signature(fn).parameters.values())
        assert [p.name for p in sig[:2]] == ["lr0", "t"]
        assert {p.name: p.default for p in sig[2:]} == SCHEDULE_OPTIONS[name]


shapes = st.tuples(st.integers(1, 4), st.integers(1, 5))
finite = st.floats(-1e3, 1e3, allow_nan=False)


@settings(max_examples=40, deadline=None)
@given(data=st.data(), shape=shapes, name=st.sampled_from(RULES))
def test_rules_never_mutate_inputs_or_previous_state(data, shape, name):
    C, D = shape
    arrays = [data.draw(hnp.arrays(float, s, elements=finite)) for s in [(C, D), (C,), (C, D), (C,)]]
    params, grads = tuple(arrays[:2]), tuple(arrays[2:])
    before = [a.copy() for a in arrays]
    rule = get_optimizer(name)
    new1, state1 = rule(params, grads, None, 0.1)
    state_copy = {k: v if isinstance(v, int) else tuple(a.copy() for a in v)
                  for k, v in (state1 or {}).items()}
    new2, _ = rule(new1, grads, state1, 0.1)
    for a, b in zip(arrays, before):
        np.testing.assert_array_equal(a, b)
    for key, value in state_copy.items():
        if isinstance(value, int):
            assert state1[key] == value
        else:
            for a, b in zip(state1[key], value):
                np.testing.assert_array_equal(a, b)
    assert [p.shape for p in new2] == [(C, D), (C,)]
    assert all(n is not p for n, p in zip(new1, params))


# ---------------------------------------------------------------- schedules
@pytest.mark.parametrize(("name", "t", "options", "expected"), [
    ("constant", 0, {}, 0.3),
    ("constant", 1000, {}, 0.3),
    ("step", 0, {}, 0.3),
    ("step", 99, {}, 0.3),
    ("step", 100, {}, 0.15),
    ("step", 250, {}, 0.075),
    ("step", 7, {"gamma": 0.1, "step_size": 3}, 0.3 * 0.01),
    ("inverse_time", 0, {}, 0.3),
    ("inverse_time", 100, {}, 0.15),
    ("inverse_time", 3, {"k": 1.0}, 0.075),
    ("exponential", 0, {}, 0.3),
    ("exponential", 2, {}, 0.3 * 0.99**2),
    ("exponential", 3, {"gamma": 0.5}, 0.0375),
])
def test_schedule_values_at_specific_t(name, t, options, expected):
    got = get_schedule(name)(0.3, t, **options)
    assert isinstance(got, float)
    assert got == pytest.approx(expected, rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(sorted(SCHEDULES)), lr0=st.floats(1e-4, 10.0), steps=st.integers(0, 400),
       gamma=st.floats(0.05, 1.0), step_size=st.integers(1, 50), k=st.floats(0.0, 2.0))
def test_schedule_values_equals_calling_schedule_per_step(name, lr0, steps, gamma, step_size, k):
    options = {key: val for key, val in {"gamma": gamma, "step_size": step_size, "k": k}.items()
               if key in SCHEDULE_OPTIONS[name]}
    values = schedule_values(name, lr0, steps, **options)
    assert values.shape == (steps,)
    assert values.dtype == float
    expected = [get_schedule(name)(lr0, t, **options) for t in range(steps)]
    np.testing.assert_allclose(values, expected, rtol=1e-12)
    assert np.all(np.diff(values) <= 0)  # every schedule here is non-increasing


def test_schedules_and_rules_compose_into_a_training_loop():
    lrs = schedule_values("step", 0.2, 300, step_size=50)
    rule = get_optimizer("nesterov")
    options = check_options("nesterov", {"mu": 0.5})
    params, state = start(), None
    for lr in lrs:
        params, state = rule(params, quad_grads(params), state, lr, **options)
    assert quad(params) < 1e-6 * quad(start())


# ---------------------------------------------------------------- searches
class Counter:
    """A loss that records every call; NaN when x[0] is far from 0 if `nan_far` is set."""

    def __init__(self, nan_far: bool = False):
        self.values: list[float] = []
        self.nan_far = nan_far

    def __call__(self, x):
        x = np.asarray(x)
        value = 0.5 * float(np.sum(np.arange(1, x.size + 1) * x.ravel() ** 2))
        if self.nan_far and abs(x.ravel()[0]) > 0.5:
            value = math.nan
        self.values.append(value)
        return value


def run_search(name, f, x0, budget, seed=0, **kw):
    return get_search(name)(f, x0, budget=budget, seed=seed, **kw)


@pytest.mark.parametrize("name", SEARCH_NAMES)
@pytest.mark.parametrize("budget", [1, 2, 3, 19, 20, 21, 24, 25, 101])
def test_searches_use_exactly_the_budget(name, budget):
    f = Counter()
    res = run_search(name, f, np.full(4, 0.8), budget)
    assert isinstance(res, SearchResult)
    assert len(f.values) == budget == res.evaluations == res.best_so_far.shape[0]


@settings(max_examples=40, deadline=None)
@given(budget=st.integers(1, 120), population=st.integers(2, 12), data=st.data())
def test_genetic_budget_for_any_population(budget, population, data):
    elite = data.draw(st.integers(1, population - 1))
    f = Counter()
    res = genetic_search(f, np.ones(3), budget=budget, population=population, elite=elite, seed=1)
    assert len(f.values) == res.evaluations == budget


@pytest.mark.parametrize("name", SEARCH_NAMES)
@pytest.mark.parametrize("nan_far", [False, True])
def test_search_bookkeeping_is_consistent(name, nan_far):
    f = Counter(nan_far=nan_far)
    x0 = np.full((2, 3), 0.4)
    res = run_search(name, f, x0, 200, seed=3)
    losses = np.array([v if math.isfinite(v) else math.inf for v in f.values])
    np.testing.assert_array_equal(res.best_so_far, np.minimum.accumulate(losses))
    assert np.all(np.diff(res.best_so_far) <= 0)
    assert res.best_loss == res.best_so_far[-1] == Counter()(res.best_x)
    assert res.best_x.shape == x0.shape
    assert res.trajectory.shape[1:] == x0.shape
    np.testing.assert_array_equal(res.trajectory[0], x0)  # every search evaluates x0 first
    np.testing.assert_array_equal(res.trajectory[-1], res.best_x)
    assert len(res.trajectory) == 1 + np.count_nonzero(np.diff(res.best_so_far) < 0)


@pytest.mark.parametrize("name", SEARCH_NAMES)
def test_searches_are_deterministic_for_equal_seeds(name):
    a = run_search(name, Counter(), np.ones(5), 150, seed=7)
    b = run_search(name, Counter(), np.ones(5), 150, seed=7)
    c = run_search(name, Counter(), np.ones(5), 150, seed=np.random.default_rng(7))
    d = run_search(name, Counter(), np.ones(5), 150, seed=8)
    for other in (b, c):
        np.testing.assert_array_equal(a.best_x, other.best_x)
        np.testing.assert_array_equal(a.trajectory, other.trajectory)
        np.testing.assert_array_equal(a.best_so_far, other.best_so_far)
    assert not np.array_equal(a.best_so_far, d.best_so_far)


def test_searches_leave_global_rng_alone():
    np.random.seed(123)
    expected = np.random.random()
    np.random.seed(123)
    for name in SEARCH_NAMES:
        run_search(name, Counter(), np.ones(3), 50)
    assert np.random.random() == expected


@pytest.mark.parametrize("seed", range(5))
def test_local_and_genetic_beat_random_search_on_10d_quadratic(seed):
    a = np.linspace(1.0, 10.0, 10)

    def f(x):
        return 0.5 * float(np.sum(a * x**2))

    x0 = np.ones(10)
    rand = random_search(f, x0, budget=1000, seed=seed).best_loss
    local = random_local_search(f, x0, budget=1000, seed=seed).best_loss
    gen = genetic_search(f, x0, budget=1000, seed=seed).best_loss
    # random search's best of 1000 independent N(0, I) draws stays around 2-4 in 10-D;
    # following the best point gets an order of magnitude further within the same budget
    assert local < 0.2 * rand
    assert gen < 0.2 * rand
    assert max(local, gen) < 0.01 * f(x0)


@pytest.mark.parametrize("name", SEARCH_NAMES)
def test_searches_do_not_mutate_x0_and_survive_a_mutating_f(name):
    x0 = np.ones(4)

    def vandal(x):
        loss = float(np.sum(x**2))
        x[:] = 1e9  # an ill-behaved f that scribbles on its argument
        return loss

    res = run_search(name, vandal, x0, 60)
    np.testing.assert_array_equal(x0, np.ones(4))
    assert np.all(np.abs(res.best_x) < 1e3)
    assert res.best_loss == pytest.approx(float(np.sum(res.best_x**2)))


@pytest.mark.parametrize("name", SEARCH_NAMES)
@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_losses_never_win_and_never_crash(name, bad):
    res = run_search(name, lambda x: bad, np.zeros(3), 30)
    assert res.best_loss == math.inf
    assert res.evaluations == 30
    np.testing.assert_array_equal(res.best_x, np.zeros(3))  # nothing beats the first point


@pytest.mark.parametrize("name", SEARCH_NAMES)
def test_scalar_x0_works(name):
    res = run_search(name, lambda x: float((x - 0.3) ** 2), 2.0, 200)
    assert res.best_x.shape == ()
    assert res.best_loss < (2.0 - 0.3) ** 2


def test_f_returning_an_array_is_a_clear_error():
    with pytest.raises(ValueError, match="f must return a single number"):
        random_search(lambda x: x, np.ones(3), budget=5)


# ---------------------------------------------------------------- bad inputs
@pytest.mark.parametrize(("getter", "kind"), [(get_optimizer, "optimizer"), (get_schedule, "schedule"),
                                              (get_search, "search")])
def test_unknown_names_list_the_valid_ones(getter, kind):
    with pytest.raises(ValueError, match=f"unknown {kind} 'bogus'; valid names are: "):
        getter("bogus")
    with pytest.raises(ValueError, match="valid names"):
        getter(None)


def test_check_options_merges_defaults():
    assert check_options("sgd") == {}
    assert check_options("momentum", {}) == {"mu": 0.9}
    assert check_options("adam", {"beta2": 0.99}) == {"beta1": 0.9, "beta2": 0.99, "eps": 1e-8}
    assert check_schedule_options("step", {"step_size": 10}) == {"gamma": 0.5, "step_size": 10}


@pytest.mark.parametrize(("name", "options", "match"), [
    ("sgd", {"mu": 0.9}, r"unknown option\(s\) 'mu' for optimizer 'sgd'; valid options are: \(none\)"),
    ("momentum", {"beta1": 0.9}, "valid options are: mu"),
    ("adam", {"mu": 0.9, "lr": 1}, "'lr', 'mu' for optimizer 'adam'; valid options are: beta1, beta2, eps"),
    ("momentum", {"mu": 1.0}, r"mu must lie in \[0, 1\)"),
    ("nesterov", {"mu": -0.1}, "mu must be a finite number >= 0"),
    ("adam", {"beta2": 1.5}, "beta2 must lie"),
    ("adam", {"eps": 0.0}, "eps must be > 0"),
    ("adam", {"beta1": "big"}, "beta1 must be a number"),
    ("nope", {}, "unknown optimizer 'nope'"),
])
def test_bad_optimizer_options(name, options, match):
    with pytest.raises(ValueError, match=match):
        check_options(name, options)


@pytest.mark.parametrize(("name", "options", "match"), [
    ("constant", {"gamma": 0.5}, "valid options are: \\(none\\)"),
    ("step", {"k": 1}, "valid options are: gamma, step_size"),
    ("step", {"step_size": 0}, "step_size must be an integer >= 1"),
    ("step", {"step_size": 2.5}, "step_size must be an integer >= 1"),
    ("exponential", {"gamma": 0.0}, "gamma must be > 0"),
    ("exponential", {"gamma": 1.1}, "gamma must lie in"),
    ("inverse_time", {"k": -1.0}, "k must be a finite number >= 0"),
])
def test_bad_schedule_options(name, options, match):
    with pytest.raises(ValueError, match=match):
        check_schedule_options(name, options)
    with pytest.raises(ValueError, match=match):
        schedule_values(name, 0.1, 10, **options)


@pytest.mark.parametrize("lr", [0, 0.0, -0.1, math.nan, math.inf, "fast", None])
def test_bad_learning_rates(lr):
    with pytest.raises(ValueError, match="lr must"):
        check_lr(lr)
    with pytest.raises(ValueError, match="lr must"):
        schedule_values("constant", lr, 5)


def test_check_lr_accepts_positive_numbers():
    assert check_lr(1e-3) == 1e-3
    assert check_lr(np.float32(0.5)) == 0.5


def test_bad_steps():
    with pytest.raises(ValueError, match="steps must be an integer >= 0"):
        schedule_values("constant", 0.1, -1)
    assert schedule_values("constant", 0.1, 0).shape == (0,)


@pytest.mark.parametrize("name", SEARCH_NAMES)
@pytest.mark.parametrize("budget", [0, -5, 2.5, True, "10"])
def test_bad_budget(name, budget):
    with pytest.raises(ValueError, match="budget must be an integer >= 1"):
        run_search(name, Counter(), np.ones(2), budget)


@pytest.mark.parametrize("name", SEARCH_NAMES)
def test_non_finite_x0_is_rejected(name):
    with pytest.raises(ValueError, match="x0 must be finite"):
        run_search(name, Counter(), np.array([1.0, math.nan]), 10)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"population": 1}, "population must be an integer >= 2"),
    ({"population": 5.0}, "population must be an integer >= 2"),
    ({"elite": 0}, "elite must be an integer >= 1"),
    ({"population": 5, "elite": 5}, r"elite must lie in \[1, population - 1\] = \[1, 4\], got 5"),
    ({"population": 5, "elite": 9}, r"elite must lie in \[1, population - 1\]"),
    ({"mutation": -0.1}, "mutation must be a finite number >= 0"),
])
def test_bad_genetic_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        genetic_search(Counter(), np.ones(2), budget=10, **kwargs)


@pytest.mark.parametrize(("fn", "kwargs", "match"), [
    (random_search, {"scale": 0.0}, "scale must be > 0"),
    (random_search, {"scale": math.nan}, "scale must be a finite number"),
    (random_local_search, {"step_size": -1.0}, "step_size must be a finite number >= 0"),
    (random_local_search, {"step_size": 0.0}, "step_size must be > 0"),
])
def test_bad_search_scales(fn, kwargs, match):
    with pytest.raises(ValueError, match=match):
        fn(Counter(), np.ones(2), budget=10, **kwargs)
