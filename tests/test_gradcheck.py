import numpy as np
import pytest

from linviz.gradcheck import check_gradient, gradient_trace, numerical_gradient, relative_error


def test_centered_is_second_order_forward_first_order():
    f = lambda x: float(np.sum(np.sin(x)))  # noqa: E731
    x = np.array([0.3, -1.2, 2.0])
    exact = np.cos(x)
    centered = numerical_gradient(f, x, h=1e-3)
    forward = numerical_gradient(f, x, h=1e-3, method="forward")
    assert np.abs(centered - exact).max() < 1e-6
    assert 1e-5 < np.abs(forward - exact).max() < 1e-3


def test_shape_and_input_untouched():
    x = np.arange(6.0).reshape(2, 3)
    before = x.copy()
    g = numerical_gradient(lambda v: float(np.sum(v**2)), x)
    assert g.shape == x.shape
    np.testing.assert_allclose(g, 2 * x, atol=1e-6)
    np.testing.assert_array_equal(x, before)


def test_trace_reproduces_the_slide_walkthrough():
    """The slide: loss 1.25347; W+h in dims 1, 2, 3 gives 1.25322, 1.25353, 1.25347 with h = 1e-4,
    so the slopes are -2.5, 0.6 and 0. A loss that is linear in the first three weights with those
    slopes reproduces every number on the slides."""
    W = np.array([0.34, -1.11, 0.78, 0.12, 0.55, 2.81, -3.1, -1.5, 0.33])
    slopes = np.array([-2.5, 0.6, 0.0, 0, 0, 0, 0, 0, 0])
    f = lambda w: 1.25347 + float(slopes @ (w - W))  # noqa: E731
    trace = gradient_trace(f, W, h=1e-4, max_steps=3)
    assert [round(s.f_x_plus_h, 5) for s in trace] == [1.25322, 1.25353, 1.25347]
    assert [round(s.slope, 6) for s in trace] == [-2.5, 0.6, 0.0]
    assert trace[0].x == 0.34 and trace[0].x_plus_h == pytest.approx(0.3401)
    assert all(s.f_x == 1.25347 for s in trace)


def test_relative_error():
    assert relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert relative_error([0.0], [0.0]) == 0.0
    assert relative_error([1.0], [-1.0]) == 1.0
    assert relative_error([1.0], [1.0 + 1e-9]) == pytest.approx(5e-10, rel=1e-3)
    with pytest.raises(ValueError, match="shapes"):
        relative_error([1.0], [1.0, 2.0])


def test_check_gradient_detects_a_wrong_gradient():
    x = np.array([1.0, 2.0])
    f = lambda v: float(v @ v)  # noqa: E731
    assert check_gradient(f, 2 * x, x) < 1e-8
    assert check_gradient(f, x, x) > 0.3


def test_bad_arguments():
    with pytest.raises(ValueError, match="centered, forward"):
        numerical_gradient(lambda v: 0.0, np.zeros(2), method="backward")
    with pytest.raises(ValueError, match="h"):
        numerical_gradient(lambda v: 0.0, np.zeros(2), h=0)
