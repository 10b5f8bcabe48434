"""Issue 10, items 3-6: the probability bars, the binary rule, the slide's KL example and the regularization views
(figures and texts, no browser), each against an independent computation."""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
import pytest

from dashboard import loss_scene
from dashboard.config import DEFAULT
from dashboard.figures import format as numbers
from dashboard.figures.probabilities import (
    binary_figure,
    binary_line,
    kl_figure,
    pipeline_bars_html,
    pipeline_columns,
    sign_regions,
)
from dashboard.figures.regularization import penalty_lines_figure, weight_paths_figure
from dashboard.likelihood_text import kl_latex, likelihood_latex, p_hat_text, parse_p_hat
from dashboard.links import from_query, to_query
from linviz import geometry
from linviz.binary import binary_rule
from linviz.datasets import make_dataset
from linviz.information import SLIDE_P_HAT, log_likelihood, slide_kl_example
from linviz.losses import softmax_loss
from linviz.regularization import penalty_lines, weight_paths

BOUNDS = (-4.0, 4.0, -3.0, 3.0)


def validated(fig: go.Figure) -> go.Figure:
    """The figure rebuilt with Plotly's validation: a misspelt property fails here (figures skip validation)."""
    return go.Figure(fig.to_dict())


def area(poly) -> float:
    """The shoelace area of a polygon [(x, y), ...]."""
    xs, ys = np.array([p[0] for p in poly]), np.array([p[1] for p in poly])
    return 0.5 * abs(float(np.dot(xs, np.roll(ys, -1)) - np.dot(ys, np.roll(xs, -1)))) if len(poly) > 2 else 0.0


# ---------------------------------------------------------------- 3: scores -> probabilities
def pipeline_naive(s):
    """One class at a time: e_k = exp(s_k), p_k = exp(s_k - max s) / sum_j exp(s_j - max s)."""
    top = max(s)
    e = [math.exp(v) if v < 709 else math.inf for v in s]
    z = [math.exp(v - top) for v in s]
    return e, [zk / sum(z) for zk in z]


@pytest.mark.parametrize("s", [[3.2, 5.1, -1.7], [-0.0011, 0.00238, 0.00263], [1000.0, 0.0], [0.0] * 8])
def test_the_bars_show_the_loss_pages_pipeline_numbers(s):
    columns = pipeline_columns(s)
    e, p = pipeline_naive(s)
    np.testing.assert_allclose(columns["exp(s)"], e, rtol=1e-12)
    np.testing.assert_allclose(columns["p"], p, rtol=1e-12, atol=1e-300)
    table = loss_scene.softmax_pipeline(np.array(s), [f"class {k}" for k in range(len(s))])
    np.testing.assert_array_equal(columns["p"], table["p = exp(s) / Σ exp"].to_numpy())
    html = pipeline_bars_html(s)
    for column in ("logit s", "exp(s)", "p = exp(s) / Σ exp"):  # the Loss page formats them with numbers.short
        for v in table[column]:
            assert f"> {numbers.short(v)}</td>" in html, (column, v)


def test_the_lecture_cat_scores_as_bars():
    html = pipeline_bars_html([3.2, 5.1, -1.7], ["cat", "car", "frog"])
    assert "> 24.53</td>" in html and "> 164</td>" in html and "> 0.1827</td>" in html and "> 0.13</td>" in html
    assert "−1.7" in html and "-1.7" not in html  # the true minus sign
    assert html.count("<tr>") == 4  # the header and a row per class


# ---------------------------------------------------------------- 4: the binary rule
def two_class_problem(seed=0):
    rng = np.random.default_rng(seed)
    W, b = rng.standard_normal((2, 2)), rng.standard_normal(2)
    X = rng.uniform([-3.5, -2.5], [3.5, 2.5], (50, 2))
    return W, b, X, (X @ W.T + b).argmax(axis=1)


@pytest.mark.parametrize("seed", range(5))
def test_the_binary_line_is_the_two_class_boundary(seed):
    W, b, X, y = two_class_problem(seed)
    r = binary_rule(W, b, X)
    segment = binary_line(r.w, r.b, BOUNDS)
    assert segment is not None
    for point in segment:  # on the line s_0 = s_1
        s = W @ np.array(point) + b
        assert abs(s[1] - s[0]) < 1e-9
    negative, positive = sign_regions(r.w, r.b, BOUNDS)
    regions = geometry.decision_polygons(W, b, geometry.as_box(BOUNDS))
    assert area(positive) == pytest.approx(area(regions[1]), abs=1e-9)
    assert area(negative) == pytest.approx(area(regions[0]), abs=1e-9)
    assert area(positive) + area(negative) == pytest.approx(8.0 * 6.0)


def test_the_sigmoid_panel_is_the_two_class_softmax():
    W, b, X, y = two_class_problem(1)
    fig = validated(binary_figure(X, y, (W[1] - W[0]), b[1] - b[0], BOUNDS, selected=3))
    probs = softmax_loss(W, b, X, y).probs
    f = X @ (W[1] - W[0]) + (b[1] - b[0])
    for k in range(2):
        trace = next(t for t in fig.data if t.xaxis == "x2" and t.name == f"class {k}")
        mine = np.flatnonzero(y == k)
        np.testing.assert_array_equal(trace.customdata, mine)
        np.testing.assert_allclose(trace.x, f[mine], rtol=1e-12)
        np.testing.assert_allclose(trace.y, probs[mine, 1], rtol=1e-12)  # sigma(f) = p_1
    ring = next(t for t in fig.data if t.name == "example 3")
    assert ring.y[0] == pytest.approx(probs[3, 1])
    line = next(t for t in fig.data if t.name == "f(x) = 0")
    assert len(line.x) == 2


def test_the_classifier_pages_binary_formulas():
    from dashboard.app_pages.classifier import binary_latex, sigmoid_latex

    W, b = np.array([[0.5, -1.0], [1.5, 1.0]]), np.array([0.25, -0.5])
    x = np.array([1.0, -2.0])  # f = (1, 2) . (1, -2) + (-0.75) = -3.75 -> class 0
    text = binary_latex(W, b, x)
    assert "= -3.750" in text and r"y &= 0" in text and "<" in text
    p1 = 1 / (1 + math.exp(3.75))
    assert numbers.tex(numbers.short(p1, 6)) in sigmoid_latex(W, b, x)


# ---------------------------------------------------------------- 5: maximum likelihood and KL
@pytest.mark.parametrize("k", range(8))
def test_the_kl_terms_sum_to_minus_log_p_hat_y(k):
    ex = slide_kl_example(k)
    t = ex.terms
    assert t.kl_terms.sum() == pytest.approx(-math.log(SLIDE_P_HAT[k]), rel=1e-12)
    assert -t.entropy_terms.sum() + t.cross_entropy_terms.sum() == pytest.approx(-math.log(SLIDE_P_HAT[k]))
    text = kl_latex(t, k)
    value = numbers.tex(numbers.short(-math.log(SLIDE_P_HAT[k]), 5))
    assert text.count(f"= {value}") >= 2 and rf"-\log \hat p_{{{k + 1}}}" in text  # numbered 1 … 8 as on the slide
    fig = validated(kl_figure(ex.p_star, ex.p_hat, k))
    dot = next(t for t in fig.data if t.name == f"p̂{k + 1}".translate(str.maketrans("12345678", "₁₂₃₄₅₆₇₈")))
    assert dot.y[0] == pytest.approx(-math.log(SLIDE_P_HAT[k])) and dot.x[0] == SLIDE_P_HAT[k]
    bars = {t.name: t for t in fig.data if t.type == "bar"}
    assert list(bars["p̂"].x) == [str(c) for c in range(1, 9)]  # the slide's Y = 1 … 8
    np.testing.assert_array_equal(bars["p* (one-hot)"].y, ex.p_star)
    np.testing.assert_array_equal(bars["p̂"].y, ex.p_hat)


def test_the_slides_example_is_4_605_nats():
    assert "= 4.6052" in kl_latex(slide_kl_example().terms, 3)


def test_a_typed_p_hat_is_read_back_and_normalized():
    p, note = parse_p_hat(p_hat_text(SLIDE_P_HAT), 8)
    np.testing.assert_allclose(p, SLIDE_P_HAT, rtol=1e-5)
    assert note is None
    p, note = parse_p_hat("1, 1, 1, 1, 1 1 1 1", 8)
    np.testing.assert_allclose(p, np.full(8, 0.125))
    assert "summed to 8" in note
    p, _ = parse_p_hat("5, 0, 0, 0, 0, 0, 0, 5", 8)
    assert p[0] == p[7] == 0.5


@pytest.mark.parametrize(("text", "match"), [
    ("0.5, 0.5", "needs 8 probabilities"), ("a, 1, 1, 1, 1, 1, 1, 1", "entry 1 of p̂ is not a number"),
    ("1, −1, 1, 1, 1, 1, 1, 1", "entry 2 .* ≥ 0"), ("0, 0, 0, 0, 0, 0, 0, 0", "greater than 0"),
    ("1, inf, 1, 1, 1, 1, 1, 1", "entry 2 .* finite"), ("", "got 0")])
def test_a_bad_p_hat_is_refused_in_words(text, match):
    with pytest.raises(ValueError, match=match):
        parse_p_hat(text, 8)


def test_the_log_likelihood_is_minus_n_times_the_data_loss():
    X, y = make_dataset("blobs", 60, seed=2, n_classes=3)
    W, b = np.random.default_rng(0).standard_normal((3, 2)), np.zeros(3)
    ll = log_likelihood(W, b, X, y)
    naive = sum(math.log(math.exp(s[yi]) / sum(math.exp(v) for v in s)) for s, yi in zip(X @ W.T + b, y))
    assert ll.log_likelihood == pytest.approx(naive, rel=1e-12)
    text = likelihood_latex(ll)
    shown = numbers.tex(numbers.short(ll.log_likelihood, 6))
    assert text.count(shown) == 2 and f"-{ll.n} \\times" in text


def test_p_hat_in_a_link():
    cfg, messages = from_query({"kl_p_hat": "1,1,1,1,1,1,1,1", "kl_class": "0"})
    assert not messages and cfg.kl_class == 0 and cfg.kl_p_hat == (0.125,) * 8  # kept normalized
    cfg, messages = from_query({"kl_p_hat": "0.5,0.5"})
    assert cfg.kl_p_hat == DEFAULT.kl_p_hat and "8 probabilities, not the 2 given" in messages[0]
    cfg, messages = from_query({"kl_p_hat": "0,0,0,0,0,0,0,0"})
    assert cfg.kl_p_hat == DEFAULT.kl_p_hat and messages
    cfg, messages = from_query({"kl_class": "8"})
    assert cfg.kl_class == DEFAULT.kl_class and "kl_class" in messages[0]
    chosen = DEFAULT.replace(kl_class=5, kl_p_hat=(0.125,) * 8,
                             rg_penalty="l1", rg_reg=1.0, rg_at="t")
    assert from_query(to_query(chosen)) == (chosen, [])


# ---------------------------------------------------------------- 6: regularization made visible
@pytest.fixture(scope="module")
def problem():
    X, y = make_dataset("blobs", 80, seed=1, n_classes=3)
    W = np.random.default_rng(3).standard_normal((3, 2))
    return X, y, W, np.zeros(3)


def test_the_penalty_panels_draw_data_penalty_and_their_sum(problem):
    X, y, W, b = problem
    lines = penalty_lines(X, y, W, b, reg=0.1)
    fig = validated(penalty_lines_figure(lines, 0.1))
    for i, name in enumerate(lines, start=1):
        axis = "x" if i == 1 else f"x{i}"
        drawn = {t.name: t for t in fig.data if t.xaxis == axis}
        line = lines[name]
        np.testing.assert_allclose(drawn["data loss"].y, line.data_values)
        np.testing.assert_allclose(drawn["penalty λR(W)"].y, line.reg_values)
        np.testing.assert_allclose(drawn["total = data + λR"].y, line.data_values + line.reg_values, rtol=1e-12)
    at = {name: float(np.interp(-1.0, line.ts, line.reg_values)) for name, line in lines.items()}
    assert at == pytest.approx({"l2": 0.0, "l1": 0.0, "none": 0.0}, abs=1e-12)  # W = 0 at t = -1
    t0 = int(np.argmin(np.abs(lines["l2"].ts)))
    assert lines["l2"].reg_values[t0] == pytest.approx(0.1 * np.sum(W ** 2), rel=1e-2)  # (the grid's nearest t)


def test_the_weight_paths_figure_draws_every_entry_of_every_run(problem):
    X, y, W, b = problem
    paths = weight_paths(X, y, regs=(0.0, 0.5), penalty="l1", steps=60, lr=0.3, W0=W, b0=b)
    fig = validated(weight_paths_figure(paths))
    assert len(fig.data) == 2 * 3 * 2
    for run, axis in enumerate(("x", "x2")):
        traces = [t for t in fig.data if t.xaxis == axis]
        for j, trace in enumerate(traces):
            np.testing.assert_allclose(trace.y, paths.W[run][:, j // 2, j % 2], rtol=1e-6)
    assert fig.layout.annotations[1].text == "λ = 0.5, L1"


def test_l1_pulls_weights_to_zero_and_l2_shrinks_them(problem):
    X, y, W, b = problem
    runs = {p: weight_paths(X, y, regs=(0.0, 0.3), penalty=p, steps=300, lr=0.1, W0=W, b0=b) for p in ("l1", "l2")}
    for p, paths in runs.items():
        free, penalized = paths.W[0][-1], paths.W[1][-1]
        assert np.sum(penalized ** 2) < np.sum(free ** 2), p
    near_zero = {p: int(np.sum(np.abs(paths.W[1][-1]) < 0.05)) for p, paths in runs.items()}
    assert near_zero["l1"] > near_zero["l2"], near_zero


@pytest.mark.parametrize("penalty", ["l1", "l2"])
def test_with_a_large_lambda_the_data_loss_stays_readable(problem, penalty):
    """λ = 10: the penalty reached ~350 at the ends of the line and set the shared y axis, the data loss (0.2 to 3)
    a flat line on the axis (found by an exploratory pass). The axis now shows the data loss whole and three times
    the lowest total; the penalty leaves through the top."""
    X, y, W, b = problem
    W = 3 * W
    lines = penalty_lines(X, y, W, b, reg=10.0)
    fig = validated(penalty_lines_figure(lines, 10.0))
    top = fig.layout.yaxis.range[1]
    data_max = max(float(np.max(line.data_values)) for line in lines.values())
    lowest_total = max(float(np.min(line.values)) for line in lines.values())
    assert top >= data_max and top >= lowest_total  # every data loss and each panel's minimum in view
    assert top < 0.5 * max(float(np.max(line.values)) for line in lines.values())  # not the penalty's ends
    assert top <= 1.05 * max(data_max, 3 * lowest_total) + 1e-9
