"""The slide's numerical walkthrough, one dimension at a time."""
import numpy as np
import pytest

from linviz.gradcheck import ParameterLoss, numerical_gradient
from linviz.walkthrough import (
    MAX_DIMS,
    SLIDE_LOSS,
    SLIDE_LOSSES_PLUS,
    SLIDE_SLOPES,
    SLIDE_W,
    slide_loss,
    slide_walkthrough,
    walkthrough,
)


def test_the_slide_replay_reproduces_every_number():
    """current W [0.34, -1.11, 0.78, ...], loss 1.25347; W + h in the first three dimensions gives
    1.25322, 1.25353, 1.25347, so dW = [-2.5, 0.6, 0, ?, ...]."""
    w = slide_walkthrough()
    assert tuple(w.x) == SLIDE_W == (0.34, -1.11, 0.78, 0.12, 0.55, 2.81, -3.1, -1.5, 0.33)
    assert w.loss == SLIDE_LOSS == 1.25347 and w.h == 0.0001 and w.method == "forward"
    assert list(w.dims) == [0, 1, 2]
    assert [round(v, 5) for v in w.loss_plus] == list(SLIDE_LOSSES_PLUS) == [1.25322, 1.25353, 1.25347]
    assert [round(v, 6) for v in w.slope] == list(SLIDE_SLOPES) == [-2.5, 0.6, 0.0]
    assert [round(v, 4) for v in w.x_plus] == [0.3401, -1.1099, 0.7801]
    assert [w.quotient(k) for k in range(3)] == [
        "(1.25322 - 1.25347) / 0.0001 = -2.5",
        "(1.25353 - 1.25347) / 0.0001 = 0.6",
        "(1.25347 - 1.25347) / 0.0001 = 0",
    ]
    assert np.isnan(w.gradient_after(0)).all()
    dW = w.gradient_after(2)
    assert [round(v, 6) for v in dW[:2]] == [-2.5, 0.6] and np.isnan(dW[2:]).all()
    assert list(w.evaluations) == [2, 3, 4]  # f(W), then one more per dimension


def test_slide_loss_is_linear_through_the_slide_numbers():
    assert slide_loss(np.array(SLIDE_W)) == 1.25347
    w = np.array(SLIDE_W)
    w[3] += 5.0  # the '?' dimensions are flat
    assert slide_loss(w) == 1.25347


def naive_walkthrough(f, x, h, method):
    """Loop twin: for each coordinate copy x, add h, evaluate."""
    fx = f(x)
    slopes = []
    for k in range(x.size):
        up = x.copy()
        up.flat[k] += h
        if method == "forward":
            slopes.append((f(up) - fx) / h)
        else:
            down = x.copy()
            down.flat[k] -= h
            slopes.append((f(up) - f(down)) / (2 * h))
    return np.array(slopes)


@pytest.mark.parametrize("method", ["forward", "centered"])
@pytest.mark.parametrize("h", [1e-12, 1e-6, 1e-3, 1.0])
def test_matches_its_loop_twin_and_numerical_gradient(method, h):
    x = np.array([[0.3, -1.2, 2.0], [0.5, 0.1, -0.7]])
    f = lambda v: float(np.sum(np.sin(v) * np.arange(1, 7).reshape(2, 3)))  # noqa: E731
    before = x.copy()
    w = walkthrough(f, x, h=h, method=method)
    np.testing.assert_array_equal(x, before)
    assert w.shape == (2, 3) and w.steps == 6
    np.testing.assert_array_equal(w.slope, naive_walkthrough(f, x, h, method))  # the same arithmetic
    np.testing.assert_array_equal(w.gradient_after(6), numerical_gradient(f, x, h=h, method=method).ravel())
    if method == "centered":
        assert list(w.evaluations) == [1 + 2 * k for k in range(1, 7)]
        np.testing.assert_array_equal(w.x_minus, x.ravel() - h)
    else:
        assert list(w.evaluations) == [1 + k for k in range(1, 7)]
        assert np.isnan(w.x_minus).all() and np.isnan(w.loss_minus).all()


def test_on_the_classifier_loss_chosen_dimensions():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((30, 2)), rng.integers(0, 3, 30)
    obj = ParameterLoss(X, y, 3, loss="softmax", reg=0.01)
    theta = obj.theta(rng.standard_normal((3, 2)), rng.standard_normal(3))
    w = walkthrough(obj, theta, h=1e-5, method="centered", dims=[4, 0, 8])
    np.testing.assert_allclose(w.slope, obj.gradient(theta)[[4, 0, 8]], rtol=1e-7)
    assert list(w.dims) == [4, 0, 8] and w.evaluations[-1] == 7
    assert w.quotient(0).startswith("(") and "/ (2 * 1e-05) =" in w.quotient(0)
    dW = w.gradient_after(3)
    assert np.isfinite(dW[[0, 4, 8]]).all() and np.isnan(np.delete(dW, [0, 4, 8])).all()


@pytest.mark.parametrize("kwargs, message", [
    (dict(h=1e-13), r"h must lie in \[1e-12, 1\]"),
    (dict(h=2.0), r"h must lie in \[1e-12, 1\]"),
    (dict(h=float("nan")), "h must be a finite number"),
    (dict(method="backward"), "centered, forward"),
    (dict(dims=[0, 9]), r"coordinates must lie in \[0, 8\]"),
    (dict(dims=[-1]), "coordinates"),
    (dict(dims=range(MAX_DIMS + 1)), "at most"),
])
def test_bad_arguments_say_what_is_allowed(kwargs, message):
    with pytest.raises(ValueError, match=message):
        walkthrough(slide_loss, np.array(SLIDE_W), **kwargs)


def test_step_bounds():
    w = slide_walkthrough()
    with pytest.raises(ValueError, match=r"steps must lie in \[0, 3\]"):
        w.gradient_after(4)
    with pytest.raises(ValueError, match=r"step k must lie in \[0, 2\]"):
        w.quotient(3)
    assert walkthrough(slide_loss, np.array(SLIDE_W), dims=[]).steps == 0
