"""Tests of dashboard.figures.gradients: each figure draws exactly what the engine computed (no browser)."""
import json

import numpy as np
import plotly.graph_objects as go
import pytest

from dashboard.figures import base as B
from dashboard.figures import format as N
from dashboard.figures import gradients as G
from linviz import derivations, limit, walkthrough
from linviz.datasets import make_dataset
from linviz.gradcheck import ParameterLoss, check_classifier
from linviz.model import init_params


@pytest.fixture(scope="module")
def objective():
    """The dashboard's default kind of problem: blobs, C = 3, softmax with L2, and a small random [W | b]."""
    X, y = make_dataset("blobs", 60, noise=1.0, seed=0, n_classes=3)
    f = ParameterLoss(X, y, 3, loss="softmax", reg=0.01)
    W, b = init_params(3, 2, method="xavier", seed=1)
    return f, f.theta(W, b + 0.1)


def by_name(fig, name):
    return next(t for t in fig.data if t.name == name)


def frames_of(fig):
    return fig.to_dict()["frames"]


# ---------------------------------------------------------------- the walkthrough
def test_walkthrough_figure_fills_dW_with_the_engine_slopes(objective):
    f, theta = objective
    wk = walkthrough.walkthrough(f, theta, h=1e-4)
    analytic = f.gradient(theta)
    fig = G.walkthrough_figure(f.names, wk.gradient_after(4), analytic, current=int(wk.dims[3]))
    bars = by_name(fig, "numerical slope")
    np.testing.assert_allclose(bars.y[:4], wk.slope[:4])
    assert list(bars.y[4:]) == [0.0] * (len(theta) - 4)  # not probed yet: no bar, a '?'
    unknown = by_name(fig, "not probed yet")
    assert list(unknown.x) == list(f.names[4:]) and set(unknown.text) == {"?"}
    # the '?'s sit in a band above every bar and diamond (at 0 they hid the analytic diamonds near 0)
    top = max(np.nanmax(wk.slope[:4]), np.max(analytic))
    assert min(unknown.y) > top and max(unknown.y) < fig.layout.yaxis.range[1]
    assert bars.marker.color[3] == B.ALERT and bars.marker.color[2] == B.PALETTE[0]
    np.testing.assert_allclose(by_name(fig, "analytic gradient").y, analytic)
    complete = G.walkthrough_figure(f.names, wk.gradient_after(wk.steps), analytic)
    assert len(by_name(complete, "not probed yet").x) == 0


# ---------------------------------------------------------------- the limit
def secants(f, theta, k, hs, method, exact):
    out = [limit.secant(f, theta, k, h, method=method, exact=exact) for h in hs]
    return out, {a: np.array([getattr(s, a) for s in out]) for a in ("h", "left", "right", "loss_left",
                                                                      "loss_right", "slope")}


@pytest.mark.parametrize("method", ["forward", "centered"])
def test_the_secant_in_every_frame_has_the_engine_quotient_as_its_slope(objective, method):
    f, theta = objective
    k, exact = 1, float(f.gradient(theta)[1])
    curve = limit.coordinate_curve(f, theta, k, width=1.0, n=101)
    hs = (1.0, 0.1, 0.01, 1e-3)
    engine, arrays = secants(f, theta, k, hs, method, exact)
    fig = G.limit_figure(curve.t, curve.loss, a=curve.a, loss_a=curve.loss_a, exact=exact, secants=arrays, active=2)
    np.testing.assert_allclose(by_name(fig, "L along this coordinate").y, curve.loss)
    tangent = by_name(fig, "tangent (analytic slope)")
    assert (tangent.y[1] - tangent.y[0]) / (tangent.x[1] - tangent.x[0]) == pytest.approx(exact)
    frames = frames_of(fig)
    assert [fr["name"] for fr in frames] == ["1", "0.1", "0.01", "0.001"]
    for fr, s in zip(frames, engine):
        line, points, label = fr["data"]
        slope = (line["y"][1] - line["y"][0]) / (line["x"][1] - line["x"][0])
        assert slope == pytest.approx(s.slope, rel=1e-9)
        assert points["x"] == pytest.approx([s.left, s.right]) and points["y"] == pytest.approx(
            [s.loss_left, s.loss_right])
        assert N.sig(s.slope, 4) in label["text"][0]
    # the figure opens at the active frame, and the slider says so
    secant = by_name(fig, "secant")
    assert (secant.y[1] - secant.y[0]) / (secant.x[1] - secant.x[0]) == pytest.approx(engine[2].slope)
    assert fig.layout.sliders[0].active == 2 and fig.layout.sliders[0].currentvalue.prefix == "h = "
    # the secant turns into the tangent: its slope's error shrinks with h
    errors = [abs(s.slope - exact) for s in engine]
    assert errors == sorted(errors, reverse=True) and errors[-1] < 1e-2 * errors[0]


# ---------------------------------------------------------------- the error against h
def test_the_error_plot_shows_the_engine_sweeps(objective):
    f, theta = objective
    exact = float(f.gradient(theta)[0])
    sweeps = [limit.error_sweep(f, theta, 0, exact=exact, method=m, dtype=d)
              for m in ("forward", "centered") for d in ("float64", "float32")]
    from dashboard.gradient_compute import sweep_curve

    fig = G.error_figure([sweep_curve(s) for s in sweeps], current_h=1e-4)
    for s in sweeps:
        label = f"{s.method}, {s.dtype}"
        line = by_name(fig, label)
        expected = np.where(s.error > 0, s.error, np.nan)
        np.testing.assert_allclose(line.x, s.h)
        np.testing.assert_allclose(np.array(line.y, dtype=float), expected)  # exact zeros leave a gap
        best = by_name(fig, f"best h, {label}")
        assert best.x == (s.best_h,) and best.y == (s.best_error,)
        assert line.line.dash == G.DTYPE_DASH[s.dtype] and line.line.color == G.METHOD_COLORS[s.method]
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "log"
    slopes = [a.text for a in fig.layout.annotations if a.text.startswith("slope")]
    assert slopes == [f"slope {N.sig(s.truncation_slope, 2)}" for s in sweeps if s.dtype == "float64"]
    assert fig.layout.shapes[0].x0 == 1e-4  # the page's h


# ---------------------------------------------------------------- the gradient check
def test_gradcheck_figure_grades_every_entry_and_rings_the_kinks(objective):
    f, theta = objective
    W, b = f.params(theta)
    check = check_classifier(W, b, f.X, f.y, loss="svm", reg=0.01, h=0.05, variant="hinge_no_count")
    fig = G.gradcheck_figure(check.names, check.analytic, check.numerical, check.error, check.grade,
                             check.near_kink)
    np.testing.assert_allclose(by_name(fig, "analytic").y, check.analytic)
    np.testing.assert_allclose(by_name(fig, "numerical").y, check.numerical)
    drawn = {}
    for g in set(check.grade):
        t = by_name(fig, g)
        assert t.marker.color == G.GRADE_COLORS[g]
        drawn.update(zip(t.x, t.customdata))
    assert drawn == pytest.approx(dict(zip(check.names, check.error)))
    if check.near_kink.any():
        assert list(by_name(fig, "near a kink").x) == [n for n, k in zip(check.names, check.near_kink) if k]
    assert list(fig.layout.xaxis2.categoryarray) == list(check.names)  # one order in both panels
    assert sorted(s.y0 for s in fig.layout.shapes) == [1e-7, 1e-4, 1e-2]


def test_an_exactly_zero_error_is_drawn_at_the_floor():
    fig = G.gradcheck_figure(["a", "b"], [1.0, 0.0], [1.0, 0.0], [0.0, 1e-9], ["good", "good"], [False, False])
    good = by_name(fig, "good")
    assert list(good.y) == [G.ERROR_FLOOR, 1e-9] and list(good.customdata) == [0.0, 1e-9]


# ---------------------------------------------------------------- the derivations
def test_rule_figure_1d_draws_the_fitted_line_and_the_loss():
    X, y = derivations.line(20, seed=0)
    run = derivations.descend("least_squares", np.zeros(2), X, y, alpha=0.005, steps=5)
    grid = np.linspace(-3, 3, 7)
    fit = np.c_[grid, np.ones(7)] @ run.w[-1]
    prev = np.c_[grid, np.ones(7)] @ run.w[-2]
    fig = G.rule_figure(X[:, :1], y, grid=grid, fit=fit, previous=prev, losses=run.loss, step=5)
    np.testing.assert_allclose(by_name(fig, "step 5").y, fit)
    np.testing.assert_allclose(by_name(fig, "one step before").y, prev)
    np.testing.assert_allclose(by_name(fig, "loss").y, run.loss)
    assert by_name(fig, "step t").x == (5,) and by_name(fig, "step t").y == (run.loss[5],)


def test_rule_figure_2d_shares_one_colour_scale_between_surface_and_points():
    X, y = derivations.binary_plane(40, seed=0)
    gx, gy = np.linspace(-3, 3, 5), np.linspace(-2, 2, 4)
    fit = derivations.sigmoid(gx[None, :] + gy[:, None])
    fig = G.rule_figure(X[:, :2], y, grid=(gx, gy), fit=fit, losses=[3.0, 2.0], step=1, binary=True)
    surface, points = fig.data[0], by_name(fig, "data (colour = y)")
    assert surface.type == "contour" and np.asarray(surface.z).shape == (4, 5)
    assert (surface.zmin, surface.zmax) == (points.marker.cmin, points.marker.cmax) == (0.0, 1.0)


def test_sigmoid_figure_draws_the_engine_curves():
    c = derivations.sigmoid_curves(n=49)
    fig = G.sigmoid_figure(c.z, c.sigma, c.sigma_prime, c.numerical, d=[-1.0, 0.5])
    np.testing.assert_allclose(by_name(fig, "σ(z)").y, c.sigma)
    np.testing.assert_allclose(by_name(fig, "σ(z)(1 − σ(z))").y, c.sigma_prime)
    rings = by_name(fig, "numerical σ'")
    np.testing.assert_allclose(rings.y, c.numerical[::2])
    np.testing.assert_allclose(rings.y, c.sigma_prime[::2], atol=1e-9)  # sigma' = sigma (1 - sigma), numerically
    assert list(by_name(fig, "the examples' dᵢ").x) == [-1.0, 0.5]


# ---------------------------------------------------------------- every figure is valid Plotly
def test_every_gradient_figure_is_valid_plotly(objective):
    f, theta = objective
    exact = float(f.gradient(theta)[0])
    curve = limit.coordinate_curve(f, theta, 0, n=21)
    _, arrays = secants(f, theta, 0, (1.0, 0.1), "forward", exact)
    sweep = limit.error_sweep(f, theta, 0, exact=exact, method="centered")
    W, b = f.params(theta)
    check = check_classifier(W, b, f.X, f.y, loss="svm", h=0.1)
    c = derivations.sigmoid_curves(n=21)
    from dashboard.gradient_compute import sweep_curve

    figs = {
        "walkthrough": G.walkthrough_figure(f.names, np.full(len(theta), np.nan), f.gradient(theta)),
        "limit": G.limit_figure(curve.t, curve.loss, a=curve.a, loss_a=curve.loss_a, exact=exact, secants=arrays,
                                active=0),
        "error": G.error_figure([sweep_curve(sweep)], current_h=1e-5),
        "gradcheck": G.gradcheck_figure(check.names, check.analytic, check.numerical, check.error, check.grade,
                                        check.near_kink),
        "rule": G.rule_figure(np.zeros((3, 1)), np.zeros(3), grid=np.arange(3.0), fit=np.zeros(3), losses=[1.0]),
        "sigmoid": G.sigmoid_figure(c.z, c.sigma, c.sigma_prime, c.numerical),
    }
    for name, fig in figs.items():
        assert fig._validate is False, name
        checked = go.Figure(fig.to_dict())  # raises on a misspelt property
        same, own = json.loads(checked.to_json()), json.loads(fig.to_json())
        same["layout"].pop("template")
        own["layout"].pop("template")
        assert same == own, f"{name}: validation changed it"
        assert fig.layout.font.size >= 16, name
