"""The limit h -> 0: the secant, and the error of the difference quotient against h."""
import numpy as np
import pytest

from linviz.gradcheck import ParameterLoss
from linviz.limit import coordinate_curve, error_sweep, h_grid, secant
from linviz.walkthrough import walkthrough

X0 = np.array([1.0, 0.5])


def f(v):
    """sum(sin v): f'(1) = cos 1, and f'' = -sin 1, f''' = -cos 1 are far from 0, so both truncation
    terms show."""
    return np.sum(np.sin(v))


def sweep(method, dtype):
    return error_sweep(f, X0, 0, exact=np.cos(1.0), method=method, dtype=dtype)


def test_h_grid():
    hs = h_grid()
    assert hs[0] == pytest.approx(1e-12) and hs[-1] == pytest.approx(1.0) and hs.size == 49
    np.testing.assert_allclose(np.diff(np.log10(hs)), 0.25)
    assert h_grid(1e-4, 1e-2, per_decade=1).size == 3
    with pytest.raises(ValueError, match="lo < hi"):
        h_grid(1e-2, 1e-4)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("method, order", [("forward", 1), ("centered", 2)])
def test_truncation_slope_is_the_order_and_roundoff_slope_minus_one(method, order, dtype):
    s = sweep(method, dtype)
    assert s.truncation.sum() >= 5 and s.roundoff.sum() >= 5
    assert s.truncation_slope == pytest.approx(order, abs=0.1)
    low, high = (-1.2, -0.8) if dtype == "float64" else (-1.3, -0.5)  # float32 round-off is coarser
    assert low < s.roundoff_slope < high
    # the best h lies between the two regimes
    assert s.h[s.roundoff].max() < s.best_h < s.h[s.truncation].min()
    assert s.best_error == s.error.min()


def test_best_h_and_best_error_follow_the_theory():
    """Best h about sqrt(eps) (forward) or eps^(1/3) (centered), larger in float32; centered is more exact."""
    best = {(m, d): sweep(m, d) for m in ("forward", "centered") for d in ("float64", "float32")}
    for dtype in ("float64", "float32"):
        eps = np.finfo(dtype).eps
        assert 0.03 < best["forward", dtype].best_h / np.sqrt(eps) < 30
        assert 0.03 < best["centered", dtype].best_h / eps ** (1 / 3) < 30
        assert best["centered", dtype].best_h > best["forward", dtype].best_h
        assert best["centered", dtype].best_error < best["forward", dtype].best_error
    for method in ("forward", "centered"):
        assert best[method, "float32"].best_h > best[method, "float64"].best_h
        assert best[method, "float32"].best_error > 1000 * best[method, "float64"].best_error


def test_float32_quotient_is_zero_when_a_plus_h_rounds_to_a():
    s = sweep("forward", "float32")
    tiny = s.h < np.finfo(np.float32).eps / 4  # 1 + h == 1 in float32
    assert tiny.any() and (s.estimate[tiny] == 0).all()
    np.testing.assert_allclose(s.error[tiny], np.cos(1.0))
    assert not s.roundoff[tiny].any()  # a plateau, not round-off noise


def test_sweep_agrees_with_the_walkthrough():
    s = sweep("centered", "float64")
    for i in (0, 20, 48):
        w = walkthrough(f, X0, h=s.h[i], method="centered", dims=[0])
        assert s.estimate[i] == w.slope[0]


def test_sweep_on_the_classifier_loss():
    """Softmax: both truncation orders show on a coordinate of [W | b]."""
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((50, 2)), rng.integers(0, 3, 50)
    obj = ParameterLoss(X, y, 3, loss="softmax", reg=0.01)
    theta = obj.theta(rng.standard_normal((3, 2)), rng.standard_normal(3))
    exact = obj.gradient(theta)[0]
    forward = error_sweep(obj, theta, 0, exact=exact, method="forward")
    centered = error_sweep(obj, theta, 0, exact=exact, method="centered")
    assert forward.truncation_slope == pytest.approx(1, abs=0.1)
    assert centered.truncation_slope == pytest.approx(2, abs=0.1)
    assert centered.best_error < 1e-10 < forward.best_error < 1e-7


def test_secant_turns_into_the_tangent():
    exact = np.cos(1.0)
    gaps = [abs(secant(f, X0, 0, h, exact=exact).slope - exact) for h in (1e-1, 1e-2, 1e-3)]
    assert gaps[0] > gaps[1] > gaps[2] and gaps[2] < 1e-3
    s = secant(f, X0, 0, 0.5)
    assert (s.left, s.right) == (1.0, 1.5) and s.loss_left == s.loss_a == f(X0)
    assert s.line(1.5) == pytest.approx(f(np.array([1.5, 0.5])))
    assert s.slope == walkthrough(f, X0, h=0.5, dims=[0]).slope[0]
    c = secant(f, X0, 0, 0.5, method="centered", exact=exact)
    assert (c.left, c.right) == (0.5, 1.5)
    assert c.line(0.5) == pytest.approx(f(np.array([0.5, 0.5])))
    assert c.tangent(1.0) == pytest.approx(f(X0)) and c.tangent(2.0) == pytest.approx(f(X0) + exact)
    with pytest.raises(ValueError, match="exact"):
        s.tangent(1.0)


def test_coordinate_curve():
    curve = coordinate_curve(f, X0, 1, width=0.5, n=11)
    assert curve.k == 1 and curve.a == 0.5 and curve.loss_a == f(X0)
    np.testing.assert_allclose(curve.t, np.linspace(0.0, 1.0, 11))
    np.testing.assert_allclose(curve.loss, np.sin(1.0) + np.sin(curve.t))  # the naive twin
    assert curve.loss[5] == pytest.approx(curve.loss_a)


@pytest.mark.parametrize("call, message", [
    (lambda: coordinate_curve(f, X0, 2), r"coordinate k must lie in \[0, 1\]"),
    (lambda: coordinate_curve(f, X0, 0, n=5000), "n must lie in"),
    (lambda: coordinate_curve(f, X0, 0, width=0), "width"),
    (lambda: secant(f, X0, 0, 10.0), r"h must lie in \[1e-12, 1\]"),
    (lambda: error_sweep(f, X0, 0, exact=1.0, dtype="float16"), "float32, float64"),
    (lambda: error_sweep(f, X0, 0, exact=1.0, hs=[1e-3, 0.0]), r"h must lie in \[1e-12, 1\], got 0.0"),
    (lambda: error_sweep(f, X0, 0, exact=1.0, hs=np.full(3000, 0.1)), "at most"),
])
def test_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()
