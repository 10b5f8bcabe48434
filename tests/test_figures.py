"""Tests of dashboard.figures through fig.data, fig.frames and fig.layout (no browser)."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from dashboard import figures as F
from linviz.landscape import decision_regions

BOUNDS = (-4.0, 4.0, -3.0, 3.0)
ROOT = Path(__file__).resolve().parents[1]


def problem(C=3, N=60, seed=0):
    """A random W (C, 2), b (C,), X (N, 2) inside BOUNDS and labels y (N,) covering the classes."""
    rng = np.random.default_rng(seed)
    W, b = rng.standard_normal((C, 2)), 0.5 * rng.standard_normal(C)
    X = rng.uniform([-3.5, -2.5], [3.5, 2.5], (N, 2))
    y = np.arange(N) % C
    return W, b, X, y


def by_name(fig, prefix):
    return [t for t in fig.data if (t.name or "").startswith(prefix)]


def landscape(A=7, B=5):
    """Asymmetric grid: alphas (A,), betas (B,), values (A, B); values[i, j] = loss(alphas[i], betas[j])."""
    alphas, betas = np.linspace(-1.0, 2.0, A), np.linspace(-0.5, 0.5, B)
    values = (alphas[:, None] - 0.3) ** 2 + 3.0 * betas[None, :] ** 2 + 0.1 * alphas[:, None] + 0.05
    return alphas, betas, values


# ---------------------------------------------------------------- palette
def test_palette_symbols_and_colors():
    assert F.PALETTE == ("#0072B2", "#D55E00", "#009E73", "#CC79A7",
                         "#E69F00", "#56B4E9", "#F0E442", "#000000")
    assert F.class_color(0) == "#0072B2" and F.class_color(7) == "#000000" and F.class_color(8) == "#0072B2"
    assert F.region_color(0) == "rgba(0,114,178,0.18)"
    assert F.region_color(1, alpha=0.5) == "rgba(213,94,0,0.5)"
    assert len(set(F.SYMBOLS)) == len(F.SYMBOLS) == 8
    for s in F.SYMBOLS:  # plotly validates marker symbols: every class needs a hollow variant too
        go.Scatter(marker=dict(symbol=s + "-open"))
    assert len(set(F.RUN_COLORS)) == len(F.RUN_COLORS) >= 6


# ---------------------------------------------------------------- classifier_figure
def test_classifier_figure_traces_and_layout():
    W, b, X, y = problem(C=3)
    fig = F.classifier_figure(X, y, W, b, BOUNDS, X_test=X[:10], y_test=y[:10], selected=4,
                              class_names=["cat", "car", "frog"])
    C = 3
    assert [t.type for t in fig.data] == ["scatter"] * (4 * C + 2)
    regions, lines = fig.data[:C], fig.data[C:2 * C]
    assert all(t.fill == "toself" and t.hoverinfo == "skip" for t in regions)
    assert [t.fillcolor for t in regions] == [F.region_color(k) for k in range(C)]
    assert [t.line.color for t in lines] == [F.class_color(k) for k in range(C)]
    assert all(t.line.dash == "dash" and t.line.width == 3 for t in lines)
    train = fig.data[2 * C:3 * C]
    assert [t.name for t in train] == ["cat", "car", "frog"]
    assert [t.marker.symbol for t in train] == list(F.SYMBOLS[:C])
    assert [t.marker.color for t in train] == [F.class_color(k) for k in range(C)]
    test = fig.data[3 * C:4 * C]
    assert all(t.marker.symbol.endswith("-open") and t.showlegend is False for t in test)
    assert sum(len(t.x) for t in test) == 10
    for k, t in enumerate(train):  # a click reports the example's index into X
        np.testing.assert_array_equal(t.customdata, np.flatnonzero(y == k))
        np.testing.assert_array_equal(np.c_[t.x, t.y], X[t.customdata])
    assert all(t.customdata is None for t in test)  # test points are not selectable examples of X
    ring = by_name(fig, "selected")[0]
    assert (ring.x[0], ring.y[0]) == tuple(X[4]) and ring.marker.size >= 20
    lay = fig.layout
    assert lay.template == pio.templates["plotly_white"]
    assert lay.font.size == 16 and isinstance(lay.uirevision, str)
    assert tuple(lay.xaxis.range) == BOUNDS[:2] and tuple(lay.yaxis.range) == BOUNDS[2:]
    assert lay.xaxis.scaleanchor == "y" and lay.xaxis.title.text == "x₁" and lay.yaxis.title.text == "x₂"
    assert lay.legend.orientation == "h"
    assert "http" not in fig.to_json()  # no external fonts, images or CDN


def test_uirevision_is_constant():
    W, b, X, y = problem()
    a = F.classifier_figure(X, y, W, b, BOUNDS)
    c = F.classifier_figure(X[:5], y[:5], 2 * W, b + 1, (-1, 1, -1, 1))
    assert a.layout.uirevision == c.layout.uirevision


def test_hyperplane_endpoints_on_line_and_in_bounds():
    W, b, X, y = problem(C=5, seed=3)
    fig = F.classifier_figure(X, y, W, b, BOUNDS)
    xmin, xmax, ymin, ymax = BOUNDS
    for k, t in enumerate(fig.data[5:10]):
        P = np.c_[t.x, t.y]
        if len(P) == 0:  # this line misses the view
            continue
        assert P.shape == (2, 2) and np.linalg.norm(P[1] - P[0]) > 1e-6
        np.testing.assert_allclose(P @ W[k] + b[k], 0.0, atol=1e-9)
        assert np.all((P[:, 0] >= xmin - 1e-9) & (P[:, 0] <= xmax + 1e-9))
        assert np.all((P[:, 1] >= ymin - 1e-9) & (P[:, 1] <= ymax + 1e-9))
        on_edge = (np.isclose(P[:, :1], [xmin, xmax]).any(axis=1)
                   | np.isclose(P[:, 1:], [ymin, ymax]).any(axis=1))
        assert on_edge.all()  # clipped to the view, not shortened


def test_region_polygons_are_exact_decision_regions():
    W, b, X, y = problem(C=4, seed=5)
    fig = F.classifier_figure(X, y, W, b, BOUNDS)
    expected = decision_regions(W, b, BOUNDS)
    for k, t in enumerate(fig.data[:4]):
        P = np.c_[t.x, t.y]
        np.testing.assert_allclose(P, expected[k])
        assert len(P) <= 4 + 4
        if len(P) >= 3:
            assert np.argmax(W @ P.mean(axis=0) + b) == k


def test_normal_arrows_point_along_w():
    W, b, X, y = problem(C=3)
    b = np.zeros(3)  # every line passes through the centre of a symmetric view
    fig = F.classifier_figure(X, y, W, b, (-4, 4, -4, 4))
    arrows = [a for a in fig.layout.annotations if a.showarrow]
    labels = [a.text for a in fig.layout.annotations if not a.showarrow]
    assert len(arrows) == 3 and labels == ["w₀", "w₁", "w₂"]
    for k, a in enumerate(arrows):
        v = np.array([a.x - a.ax, a.y - a.ay])
        assert np.linalg.norm(v) == pytest.approx(0.12 * 8)
        np.testing.assert_allclose(v / np.linalg.norm(v), W[k] / np.linalg.norm(W[k]))
        assert W[k] @ [a.ax, a.ay] + b[k] == pytest.approx(0.0, abs=1e-9)
        assert a.arrowcolor == F.class_color(k) and a.axref == "x"
    assert not F.classifier_figure(X, y, W, b, BOUNDS, show_normals=False).layout.annotations


def test_score_heatmap():
    W, b, X, y = problem(C=3)
    fig = F.classifier_figure(X, y, W, b, BOUNDS, score_class=1)
    h = fig.data[0]
    assert h.type == "heatmap" and np.shape(h.z) == (60, 60) and h.zmid == 0
    assert h.colorbar.title.text == "s₁" and 0 < h.opacity < 1
    iy, ix = 7, 41
    assert h.z[iy][ix] == pytest.approx(W[1] @ [h.x[ix], h.y[iy]] + b[1])
    assert len(fig.data) == 1 + 3 * 3
    assert F.classifier_figure(X, y, W, b, BOUNDS, score_class=9).data[0].type == "scatter"


def test_zero_weights_draw_no_lines():
    X, y = np.array([[0.5, -0.5]]), np.array([1])
    fig = F.classifier_figure(X, y, np.zeros((3, 2)), np.zeros(3), BOUNDS, X_test=np.zeros((0, 2)),
                              y_test=np.zeros(0, dtype=int), selected=0)
    assert all(len(t.x) == 0 for t in fig.data[3:6])
    assert not fig.layout.annotations
    assert len(fig.data[0].x) == 4 and len(fig.data[1].x) == len(fig.data[2].x) == 0  # ties go to class 0
    assert not by_name(fig, "test")


@pytest.mark.parametrize("C", range(2, 9))
def test_every_function_copes_with_C_classes_and_one_point(C):
    W, b, X, y = problem(C=C, N=1)
    F.classifier_figure(X, y, W, b, BOUNDS, X_test=X, y_test=y, selected=0, score_class=C - 1)
    F.templates_figure(W, b, X[0])
    Ws, bs = np.stack([W * s for s in (0.0, 0.5, 1.0)]), np.stack([b * s for s in (0.0, 0.5, 1.0)])
    fig = F.classifier_animation(X, y, Ws, bs, BOUNDS, [0, 1, 2], losses=[1.0, 0.5, 0.2],
                                 accuracies=[0, 0, 1])
    assert len(fig.frames) == 3


def test_huge_and_nonfinite_parameters_do_not_raise():
    W, b, X, y = problem(C=3)
    fig = F.classifier_figure(X, y, W * 1e250, b * 1e250, BOUNDS, score_class=0)
    lines = fig.data[1 + 3:1 + 6]
    for k, t in enumerate(lines):
        if len(t.x):
            P = np.c_[t.x, t.y]
            np.testing.assert_allclose(P @ W[k] + b[k], 0.0, atol=1e-9)
    F.classifier_figure(X, y, np.full((3, 2), np.nan), np.zeros(3), BOUNDS)


# ---------------------------------------------------------------- classifier_animation
@pytest.fixture(scope="module")
def animation():
    W, b, X, y = problem(C=3, N=300, seed=1)
    T, Fr = 400, 100
    steps = np.linspace(0, T, Fr).astype(int)
    t = steps[:, None, None] / T
    Ws = W[None] * (0.05 + t) + 0.3 * np.sin(7 * t)
    bs = b[None] * (1 - steps[:, None] / T)
    losses, acc = 1.0 / (1 + np.arange(T + 1) / 20), np.linspace(0.3, 0.95, T + 1)
    fig = F.classifier_animation(X, y, Ws, bs, BOUNDS, steps, losses=losses, accuracies=acc,
                                 test_losses=losses * 1.1, frame_ms=50)
    return fig, dict(W=W, b=b, X=X, y=y, Ws=Ws, bs=bs, steps=steps, losses=losses, acc=acc)


def test_animation_frames_update_only_moving_traces(animation):
    fig, d = animation
    C = 3
    assert len(fig.frames) == 100
    assert [f.name for f in fig.frames] == [str(s) for s in d["steps"]]
    points = {i for i, t in enumerate(fig.data) if t.mode == "markers" and len(t.x) > 1}
    assert len(points) == C
    moving = list(fig.frames[0].traces)
    assert moving == list(range(2 * C)) + moving[2 * C:] and len(moving) == 2 * C + 2
    assert not points & set(moving)
    for f in fig.frames:
        assert list(f.traces) == moving and len(f.data) == len(moving)
        assert all(len(tr.x) <= C + 4 for tr in f.data[:C])
    for f, frame in zip([0, 57], [fig.frames[0], fig.frames[57]]):
        s = d["steps"][f]
        assert frame.data[-2].x[0] == s and frame.data[-2].y[0] == pytest.approx(d["losses"][s])
        for k in range(C):  # the lines of frame f lie on w_k(t) . x + b_k(t) = 0
            P = np.c_[frame.data[C + k].x, frame.data[C + k].y]
            if len(P) == 2 and np.ptp(P, axis=0).max() > 0:
                np.testing.assert_allclose(P @ d["Ws"][f][k] + d["bs"][f][k], 0.0, atol=1e-3)


def test_animation_starts_at_the_last_frame(animation):
    fig, _ = animation
    last = fig.frames[-1]
    for i, tr in zip(last.traces, last.data):
        np.testing.assert_allclose(np.asarray(fig.data[i].x, dtype=float), np.asarray(tr.x, dtype=float),
                                   atol=1e-4)
    assert fig.layout.sliders[0].active == len(fig.frames) - 1


def test_animation_controls(animation):
    fig, d = animation
    play, pause = fig.layout.updatemenus[0].buttons
    assert play.method == "animate" and play.args[0] is None
    assert play.args[1] == {"frame": {"duration": 50, "redraw": False}, "fromcurrent": True,
                            "transition": {"duration": 0}, "mode": "immediate"}
    assert play.args[1]["frame"]["duration"] <= 50
    assert list(pause.args[0]) == [None]  # plotly stores the list as a tuple; JSON has [null]
    assert pause.args[1] == {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}
    slider = fig.layout.sliders[0]
    assert "step t" in slider.currentvalue.prefix
    assert [s.label for s in slider.steps] == [str(s) for s in d["steps"]]
    assert all(s.method == "animate" and s.args[1]["frame"]["redraw"] is False for s in slider.steps)


def test_animation_layout_and_json_size(animation):
    fig, d = animation
    assert len(fig.to_json()) < 1_000_000
    assert tuple(fig.layout.xaxis.range) == BOUNDS[:2] and fig.layout.xaxis.scaleanchor == "y"
    assert fig.layout.xaxis2.title.text == "step"
    assert [t.type for t in fig.data].count("scatter") == len(fig.data)
    loss = by_name(fig, "train loss")[0]
    np.testing.assert_allclose(loss.y, d["losses"])
    assert tuple(fig.layout.yaxis3.range) == (0, 1.05)  # accuracy on the secondary axis


def test_animation_with_no_steps():
    W, b, X, y = problem()
    fig = F.classifier_animation(X, y, np.zeros((0, 3, 2)), np.zeros((0, 3)), BOUNDS, [], losses=[1.0],
                                 accuracies=[0.5])
    assert not fig.frames


# ---------------------------------------------------------------- loss_curves_figure
def test_loss_curves_with_divergence():
    loss, acc = np.linspace(2, 0.5, 31), np.linspace(0.2, 0.9, 31)
    fig = F.loss_curves_figure(loss, acc, test_loss=loss + 0.1, test_accuracy=acc - 0.1, current=12,
                               diverged_at=30, lr=0.5)
    assert len(fig.data) == 4 and [t.xaxis for t in fig.data] == ["x", "x", "x2", "x2"]
    assert fig.data[1].line.dash == "dash" and fig.data[0].line.dash == "solid"
    red = [s for s in fig.layout.shapes if s.line.color == F.ALERT]
    assert len(red) == 2 and all(s.x0 == s.x1 == 30 for s in red)
    assert sum(s.x0 == 12 for s in fig.layout.shapes) == 2
    assert any(a.text == "diverged at step 30" for a in fig.layout.annotations)
    assert fig.layout.xaxis.title.text == "step" and tuple(fig.layout.yaxis2.range) == (0, 1.03)
    assert "0.5" in fig.layout.annotations[0].text  # learning rate in the loss title
    log = F.loss_curves_figure(loss, acc, log_y=True)
    assert log.layout.yaxis.type == "log" and len(log.data) == 2 and not log.layout.shapes


def test_loss_curves_handle_nonfinite_and_single_step():
    fig = F.loss_curves_figure([np.inf, 1e300, np.nan], [0, 1, 1], diverged_at=2, log_y=True)
    assert np.isnan(fig.data[0].y[0])
    F.loss_curves_figure([1.0], [0.5], current=0)


# ---------------------------------------------------------------- templates_figure
def test_templates_bars_equal_scores_and_colors_match():
    W, b, X, y = problem(C=4, seed=2)
    x = np.array([0.7, -1.2])
    names = ["a", "b", "c", "d"]
    fig = F.templates_figure(W, b, x, class_names=names)
    bars = [t for t in fig.data if t.type == "bar"][0]
    np.testing.assert_allclose(bars.x, W @ x + b)
    assert list(bars.y) == names and bars.orientation == "h"
    win = int(np.argmax(W @ x + b))
    assert [("predicted" in t) for t in bars.text] == [k == win for k in range(4)]
    assert bars.text[0].startswith("w₀·x + b₀ = ")
    assert bars.marker.line.width[win] > max(w for k, w in enumerate(bars.marker.line.width) if k != win)
    arrows = [t for t in fig.data if t.type == "scatter" and t.name in names]
    for k, t in enumerate(arrows):
        assert (t.x[0], t.y[0]) == (0.0, 0.0) and (t.x[1], t.y[1]) == tuple(W[k])
    star = by_name(fig, "x")[0]
    assert star.marker.symbol == "star" and (star.x[0], star.y[0]) == tuple(x)
    assert fig.layout.xaxis.scaleanchor == "y"
    geometric = F.classifier_figure(X, y, W, b, BOUNDS, class_names=names)
    point_colors = [t.marker.color for t in geometric.data[8:12]]
    assert list(bars.marker.color) == point_colors == [t.line.color for t in arrows]


# ---------------------------------------------------------------- landscapes
def test_landscape_contour_z_is_values_transposed():
    alphas, betas, values = landscape()
    fig = F.landscape_figure(alphas, betas, values, title="hinge")
    c = fig.data[0]
    assert len(fig.data) == 1 and c.type == "contour"
    np.testing.assert_array_equal(np.asarray(c.z), values.T)
    np.testing.assert_array_equal(c.x, alphas)
    np.testing.assert_array_equal(c.y, betas)
    assert c.ncontours == 25 and c.colorbar.title.text == "loss"
    assert c.colorscale == go.Contour(colorscale="Viridis").colorscale
    assert tuple(fig.layout.xaxis.range) == (-1.0, 2.0) and tuple(fig.layout.yaxis.range) == (-0.5, 0.5)
    assert fig.layout.xaxis.title.text == "α" and fig.layout.title.text == "hinge"


def test_landscape_trajectory_none_one_and_many():
    alphas, betas, values = landscape()
    assert len(F.landscape_figure(alphas, betas, values, trajectory=None).data) == 1
    one = F.landscape_figure(alphas, betas, values, trajectory=np.array([[0.1, 0.2]]), current=[0.1, 0.2])
    start = by_name(one, "start")[0]
    assert (start.x[0], start.y[0]) == (0.1, 0.2) and start.marker.symbol == "circle"
    star = by_name(one, "current")[0]
    assert star.marker.symbol == "star" and star.marker.size >= 20
    path = np.c_[np.linspace(-1, 1, 9), np.linspace(0.4, 0, 9)]
    many = F.landscape_figure(alphas, betas, values, trajectory=path, current=path[-1])
    lines = by_name(many, "trajectory")
    assert lines and all(np.allclose(t.x, path[:, 0]) for t in lines)
    assert F.landscape_figure(alphas, betas, values, current=[0, 0]).data[-1].name == "current"


def test_landscape_log_color_and_huge_values():
    alphas, betas, values = landscape()
    fig = F.landscape_figure(alphas, betas, values * 1e6, log_color=True)
    c = fig.data[0]
    np.testing.assert_allclose(np.asarray(c.z), np.log10(values * 1e6).T)
    real = [float(t) for t in c.colorbar.ticktext]
    np.testing.assert_allclose(real, 10.0 ** np.asarray(c.colorbar.tickvals), rtol=1e-2)
    huge = values.copy()
    huge[0, 0], huge[1, 2], huge[3, 1] = 1e308, np.inf, np.nan
    for log in (False, True):
        z = np.asarray(F.landscape_figure(alphas, betas, huge, log_color=log).data[0].z)
        assert np.isnan(z[2, 1]) and np.isnan(z[1, 3]) and np.isfinite(z[0, 0])
    F.landscape_figure(alphas, betas, np.zeros_like(values), log_color=True)


def test_landscape_pair():
    alphas, betas, values = landscape()
    panels = {"Multiclass SVM (hinge)": (alphas, betas, values),
              "Softmax (cross-entropy)": (alphas, betas, 2 * values)}
    fig = F.landscape_pair_figure(panels, trajectory=np.array([[0.0, 0.0], [0.5, 0.1]]), current=[0.5, 0.1])
    contours = [t for t in fig.data if t.type == "contour"]
    assert len(contours) == 2 and contours[1].xaxis == "x2"
    np.testing.assert_array_equal(np.asarray(contours[1].z), (2 * values).T)
    assert contours[0].colorbar.x < contours[1].colorbar.x
    assert [a.text for a in fig.layout.annotations] == list(panels)
    assert {t.xaxis for t in fig.data if t.name == "current"} == {"x", "x2"}
    assert sum(t.showlegend is True for t in fig.data if t.name == "current") == 1
    assert not F.landscape_pair_figure({}).data


def test_surface3d():
    alphas, betas, values = landscape()
    fig = F.surface3d_figure(alphas, betas, values)
    assert len(fig.data) == 1 and fig.data[0].type == "surface"
    np.testing.assert_array_equal(np.asarray(fig.data[0].z), values.T)
    path = np.array([[-1.0, -0.5], [2.0, 0.5], [9.0, 9.0]])
    fig = F.surface3d_figure(alphas, betas, values, trajectory=path, trajectory_loss=[1.0, 2.0, 3.0])
    line = fig.data[1]
    assert line.type == "scatter3d" and np.allclose(line.x, path[:, 0])
    assert np.all(np.diff(line.z) > 0)
    looked_up = F.surface3d_figure(alphas, betas, values, trajectory=path).data[1].z
    assert looked_up[0] == pytest.approx(values[0, 0], abs=0.1) and np.isnan(looked_up[2])
    F.surface3d_figure(alphas, betas, values, trajectory=path[:1])


# ---------------------------------------------------------------- learning-rate comparison
def test_lr_comparison_figures():
    alphas, betas, values = landscape()
    T = 30
    good = np.c_[np.linspace(-0.8, 0.3, T), np.linspace(0.4, 0.0, T)]
    bad = np.c_[-0.5 + 0.05 * 1.4 ** np.arange(T), np.zeros(T)]
    runs = [dict(label="lr = 0.1", coords=good, loss=np.linspace(2, 0.1, T), diverged_at=None),
            dict(label="lr = 10", coords=bad, loss=np.r_[np.exp(np.arange(T - 1)), np.inf],
                 diverged_at=T - 1)]
    paths, curves = F.lr_comparison_figures(alphas, betas, values, runs)
    assert paths.data[0].type == "contour"
    np.testing.assert_array_equal(np.asarray(paths.data[0].z), np.log10(values).T)
    lines = [t for t in paths.data if t.type == "scatter" and t.mode == "lines+markers"]
    assert [t.name for t in lines] == ["lr = 0.1", f"lr = 10 (diverged at step {T - 1})"]
    assert [t.line.color for t in lines] == list(F.RUN_COLORS[:2])
    assert len(lines[0].x) == T
    bad_x = np.asarray(lines[1].x)
    assert len(bad_x) < T and bad_x.max() == pytest.approx(2.0)  # clipped where it leaves the view
    exit_mark = by_name(paths, "lr = 10")[1]
    assert exit_mark.marker.symbol == "x" and exit_mark.x[0] == pytest.approx(2.0)
    assert curves.layout.yaxis.type == "log" and curves.layout.xaxis.title.text == "step"
    cross = [t for t in curves.data if t.mode == "markers"]
    assert len(cross) == 1 and cross[0].marker.symbol == "x" and cross[0].x[0] == T - 2
    assert curves.data[0].line.color == lines[0].line.color
    F.lr_comparison_figures(alphas, betas, values, [])
    F.lr_comparison_figures(alphas, betas, values, [dict(label="one", coords=good[:1], loss=[1.0],
                                                         diverged_at=None)])


# ---------------------------------------------------------------- module hygiene
def test_figures_does_not_import_streamlit():
    code = "import sys; import dashboard.figures; assert 'streamlit' not in sys.modules, 'streamlit imported'"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
