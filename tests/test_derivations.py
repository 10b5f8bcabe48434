"""The least-squares and sigmoid update rules: naive loop twins, numerical gradients, the data sets."""
import math

import numpy as np
import pytest

from linviz.derivations import (
    DATA,
    MAX_STEPS,
    RULES,
    descend,
    rule_loss,
    rule_step,
    sigmoid,
    sigmoid_curves,
    sigmoid_prime,
)
from linviz.gradcheck import numerical_gradient, relative_error


# ------------------------------------------------------------ naive loop twins: the slide's sums
def sigma_naive(z):
    return 1.0 / (1.0 + math.exp(-z))


def naive_step(rule, w, X, y, alpha):
    """Every sum of the slide written as a loop over examples i and weights j."""
    N, D = X.shape
    d = [sum(w[k] * X[i, k] for k in range(D)) for i in range(N)]
    f = [d[i] if rule == "least_squares" else sigma_naive(d[i]) for i in range(N)]
    fprime = [1.0 if rule == "least_squares" else f[i] * (1 - f[i]) for i in range(N)]
    delta = [y[i] - f[i] for i in range(N)]
    loss = sum(delta[i] ** 2 for i in range(N))
    grad = [-2 * sum(delta[i] * fprime[i] * X[i, j] for i in range(N)) for j in range(D)]
    w_new = [w[j] + 2 * alpha * sum(delta[i] * fprime[i] * X[i, j] for i in range(N)) for j in range(D)]
    return dict(d=d, output=f, slope=fprime, delta=delta, loss=loss, gradient=grad, w_new=w_new)


@pytest.mark.parametrize("rule", sorted(RULES))
@pytest.mark.parametrize("data", sorted(DATA))
def test_rule_step_matches_its_loop_twin(rule, data):
    X, y = DATA[data](seed=3)
    w = np.random.default_rng(1).standard_normal(X.shape[1])
    step = rule_step(rule, w, X, y, alpha=0.01)
    naive = naive_step(rule, w, X, y, 0.01)
    for name, expected in naive.items():
        np.testing.assert_allclose(getattr(step, name), expected, rtol=1e-12, atol=1e-12, err_msg=name)
    j = 1
    np.testing.assert_allclose(step.terms[:, j], [naive["delta"][i] * naive["slope"][i] * X[i, j]
                                                  for i in range(len(y))], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(step.w_new, step.w - step.alpha * step.gradient, rtol=1e-12)


@pytest.mark.parametrize("rule", sorted(RULES))
@pytest.mark.parametrize("data", sorted(DATA))
def test_rule_gradient_is_the_numerical_gradient(rule, data):
    X, y = DATA[data](seed=5)
    w = 0.5 * np.random.default_rng(2).standard_normal(X.shape[1])
    step = rule_step(rule, w, X, y)
    numerical = numerical_gradient(lambda v: rule_loss(rule, v, X, y), w)
    assert relative_error(step.gradient, numerical) < 1e-8
    assert step.loss == rule_loss(rule, w, X, y)


def test_least_squares_terms_are_the_slides_sum():
    """dL/dw_j = -2 sum_k delta_k x_kj, and the update w_j + 2 alpha sum_k delta_k x_kj."""
    X = np.array([[1.0, 1.0], [2.0, 1.0], [3.0, 1.0]])
    y = np.array([2.0, 3.0, 5.0])
    step = rule_step("least_squares", [1.0, 0.0], X, y, alpha=0.1)
    np.testing.assert_array_equal(step.delta, [1.0, 1.0, 2.0])
    np.testing.assert_array_equal(step.slope, [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(step.terms[:, 0], [1.0, 2.0, 6.0])  # delta_k x_k0
    assert step.loss == 6.0
    np.testing.assert_allclose(step.gradient, [-18.0, -8.0])
    np.testing.assert_allclose(step.w_new, [1.0 + 0.2 * 9.0, 0.0 + 0.2 * 4.0])


def test_sigmoid_and_its_derivative():
    z = np.array([-1000.0, -30.0, -1.0, 0.0, 0.5, 30.0, 1000.0])
    with np.errstate(over="raise"):
        s = sigmoid(z)  # no overflow for large |z|
    np.testing.assert_allclose(s[1:-1], [sigma_naive(v) for v in z[1:-1]], rtol=1e-15)
    assert s[0] == 0.0 and s[-1] == 1.0 and s[3] == 0.5
    np.testing.assert_allclose(sigmoid_prime(z), s * (1 - s))
    curves = sigmoid_curves()
    assert curves.z.size == 121 and curves.sigma_prime.max() == 0.25
    np.testing.assert_allclose(curves.numerical, curves.sigma_prime, atol=1e-10)


def test_descent_fits_the_line():
    X, y = DATA["line"](seed=0)
    N = len(y)
    run = descend("least_squares", np.zeros(2), X, y, alpha=0.05 / N, steps=2000)
    assert run.diverged_at is None and run.w.shape == (2001, 2) and run.loss.shape == (2001,)
    assert (np.diff(run.loss) <= 1e-12).all()  # a small enough step only goes down
    np.testing.assert_allclose(run.w[-1], np.linalg.lstsq(X, y, rcond=None)[0], rtol=1e-6)
    np.testing.assert_allclose(run.w[1], rule_step("least_squares", np.zeros(2), X, y, alpha=0.05 / N).w_new)


def test_descent_of_the_sigmoid_unit_separates_the_classes():
    X, y = DATA["binary_plane"](seed=0)
    run = descend("sigmoid", np.zeros(3), X, y, alpha=0.05, steps=500)
    assert run.loss[-1] < 0.5 * run.loss[0]
    assert np.mean((sigmoid(X @ run.w[-1]) > 0.5) == (y == 1)) > 0.9


def test_too_large_a_step_diverges_and_stops():
    X, y = DATA["line"](seed=0)
    run = descend("least_squares", np.zeros(2), X, y, alpha=1.0, steps=1000)
    assert run.diverged_at is not None and run.diverged_at < 1000
    assert len(run.w) == len(run.loss) == run.diverged_at and np.isfinite(run.loss).all()


def test_sum_versus_mean_learning_rates_differ_by_n():
    """The slide sums, the classifier averages: a step of alpha on the mean loss is a step of alpha / N
    with the slide's rule."""
    X, y = DATA["plane"](seed=1)
    N = len(y)
    w = np.array([0.3, -0.2, 0.1])
    mean_gradient = numerical_gradient(lambda v: rule_loss("least_squares", v, X, y) / N, w)
    alpha = 0.1
    np.testing.assert_allclose(rule_step("least_squares", w, X, y, alpha=alpha / N).w_new,
                               w - alpha * mean_gradient, rtol=1e-8)


def test_data_sets():
    for name, make in DATA.items():
        X, y = make(seed=7)
        assert X.ndim == 2 and y.shape == (X.shape[0],)
        np.testing.assert_array_equal(X[:, -1], 1.0)  # the bias trick's constant feature
        X2, y2 = make(seed=7)
        np.testing.assert_array_equal(X, X2)
        np.testing.assert_array_equal(y, y2)
        assert not np.array_equal(make(seed=8)[0], X)
        if name.startswith("binary"):
            assert set(np.unique(y)) == {0.0, 1.0}
    assert DATA["line"](5)[0].shape == (5, 2) and DATA["plane"](5)[0].shape == (5, 3)


@pytest.mark.parametrize("call, message", [
    (lambda: rule_step("hinge", [0.0, 0.0], *DATA["line"]()), "least_squares, sigmoid"),
    (lambda: rule_step("sigmoid", [0.0], *DATA["line"]()), r"w \(D,\)"),
    (lambda: rule_step("sigmoid", [np.nan, 0.0], *DATA["line"]()), "finite"),
    (lambda: rule_step("sigmoid", [0.0, 0.0], *DATA["line"](), alpha=-1), "alpha"),
    (lambda: rule_step("sigmoid", [0.0, 0.0], *DATA["line"](), alpha=1e3), r"alpha must lie in \[0, 100\]"),
    (lambda: descend("sigmoid", [0.0, 0.0], *DATA["line"](), steps=MAX_STEPS + 1), "steps"),
    (lambda: DATA["line"](1), "n must be an int from 2"),
    (lambda: DATA["plane"](5000), "n must be an int from 2"),
    (lambda: DATA["binary_line"](10, noise=-1), "noise"),
    (lambda: sigmoid_curves(1.0, -1.0), "lo < hi"),
])
def test_bad_input_says_what_is_allowed(call, message):
    with pytest.raises(ValueError, match=message):
        call()
