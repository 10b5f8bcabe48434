"""Fixes of the exploratory pass over issue 10's views (the Classifier page with many classes, its probability
bars, the Likelihood & KL page's link)."""
from __future__ import annotations

import re
from decimal import Decimal

import numpy as np
import pytest

from dashboard import loss_scene
from dashboard.figures import format as numbers
from dashboard.figures import probabilities
from dashboard.figures.probabilities import pipeline_bars_html, pipeline_columns
from dashboard.links import from_query, to_query
from tests.app_entry import run_app

KL = "likelihood.py"
P_BAR_PX = getattr(probabilities, "P_BAR_PX", 56)  # the bar of p = 1


@pytest.fixture(autouse=True)
def raise_errors(monkeypatch):
    monkeypatch.setenv("LINVIZ_RAISE", "1")


# ---------------------------------------------------------------- 3: p̂ in the link without floating-point noise
@pytest.mark.parametrize("value", [0.505, 0.333, 0.001, 0.999, 0.7])
def test_dragging_p_y_writes_p_hat_with_few_digits_and_the_link_gives_the_same_view(value):
    at = run_app(KL)
    at.slider(key="kl_p_y").set_value(value).run()
    assert not at.exception
    written = at.query_params["kl_p_hat"].split(",")
    assert all(len(Decimal(v).normalize().as_tuple().digits) <= 10 for v in written), written
    p = [float(v) for v in written]
    assert p[3] == value and abs(sum(p) - 1.0) < 1e-9
    cfg, notes = from_query(dict(at.query_params))
    assert not notes and cfg.kl_p_hat == tuple(p)  # the link gives back exactly these numbers
    assert to_query(cfg)["kl_p_hat"] == at.query_params["kl_p_hat"]


def test_a_link_normalized_on_opening_is_written_back_short():
    cfg, notes = from_query({"kl_p_hat": "0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.4"})
    assert not notes and abs(sum(cfg.kl_p_hat) - 1.0) < 1e-9
    written = to_query(cfg)["kl_p_hat"]
    assert written == "0.09090909091," * 7 + "0.3636363636", written
    again, _ = from_query({"kl_p_hat": written})
    assert again.kl_p_hat == cfg.kl_p_hat


# ---------------------------------------------------------------- 2: the probability bars beside the formula
def bar_widths(html: str) -> list[int]:
    """The inner (coloured) bar widths of the table, in px, in order."""
    return [int(w) for w in re.findall(r'display:block;width:(\d+)px', html)]


@pytest.mark.parametrize("s", [[0.00338, -0.00618], [0.00236, 0.00642, -0.0086], [3.2, 5.1, -1.7],
                               [1000.0, 0.0], list(np.linspace(-0.02, 0.01, 10))])
def test_only_p_has_bars_on_a_zero_to_one_scale(s):
    html = pipeline_bars_html(s)
    p = pipeline_columns(s)["p"]
    assert bar_widths(html) == [round(P_BAR_PX * v) for v in p]  # a bar a class, p of the full length
    assert html.count("background:#EEEEEE") == len(s)  # the full length drawn behind each bar: the scale 0 … 1
    table = loss_scene.softmax_pipeline(np.array(s), [f"class {k}" for k in range(len(s))])
    for column in ("logit s", "exp(s)", "p = exp(s) / Σ exp"):  # the numbers are the Loss page's table's
        for v in table[column]:
            assert f"> {numbers.short(v)}</td>" in html, (column, v)


def test_at_t0_the_p_bars_are_half_each_and_nothing_else_is_a_bar():
    # the s bars were ~0 px and the exp(s) bars all the same length: now the two p bars, 0.5024 and 0.4976
    widths = bar_widths(pipeline_bars_html([0.003376, -0.006176]))
    assert widths == [28, 28] and sum(widths) == P_BAR_PX


def test_the_bars_text_is_readable_from_the_back_of_a_room():
    sizes = [float(v) for v in re.findall(r"font-size:([\d.]+)px", pipeline_bars_html([0.1, 0.2, 0.3]))]
    assert sizes and min(sizes) >= 14


# ---------------------------------------------------------------- 1: the Classifier chart with many classes
def views(C: int, seed: int = 0):
    from dashboard import figures

    rng = np.random.default_rng(seed)
    X, y = rng.standard_normal((60, 2)), rng.integers(0, C, 60)
    W, b = rng.standard_normal((C, 2)) * 0.01, np.zeros(C)
    fig = figures.classifier_views_figure(X, y, W, b, (-4, 4, -4, 4), selected=0)
    visual = next(a for a in fig.layout.annotations if a.text.startswith("visual"))
    return fig, visual.text.split("<br>"), W @ X[0] + b


def test_three_classes_keep_their_chart():
    from dashboard import figures

    fig, lines, scores = views(3)
    assert fig.layout.height == figures.CLASSIFIER_VIEWS_HEIGHT and len(lines) == 2  # title, all three scores
    assert all(f"s{chr(0x2080 + k)} = {numbers.short(s)}" in lines[1] for k, s in enumerate(scores))


@pytest.mark.parametrize("C", [5, 8, 10])
def test_many_classes_get_a_taller_chart_and_one_short_score_line(C):
    from dashboard import figures
    from dashboard.figures.base import _TITLE_LINE_PX

    fig, lines, scores = views(C)
    k = int(np.argmax(scores))
    assert len(lines) == 2 and f"s{chr(0x2080 + k)} = {numbers.short(scores[k])}" in lines[1]
    assert f"the largest of s₀ … s{chr(0x2080 + C - 1)}" in lines[1]
    plot_height = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    three, _, _ = views(3)
    assert plot_height >= three.layout.height - three.layout.margin.t - three.layout.margin.b + 60
    assert fig.layout.margin.t == _TITLE_LINE_PX * 2 + 12
    assert fig.layout.height > figures.CLASSIFIER_VIEWS_HEIGHT


def test_a_slider_value_with_browser_noise_is_taken_at_the_sliders_step():
    at = run_app(KL)
    at.slider(key="kl_p_y").set_value(0.110000044).run()
    assert not at.exception
    assert float(at.query_params["kl_p_hat"].split(",")[3]) == 0.11


def test_a_stale_text_box_sent_back_during_quick_slider_moves_does_not_undo_them():
    """Pressing PageUp on the p̂_y slider quickly: a rerun arrived carrying the box's text from before the last
    move (the browser had not received the new one) and it was applied as typed, undoing the drag."""
    at = run_app(KL)
    before = at.text_input(key="kl_p_hat_text").value
    at.slider(key="kl_p_y").set_value(0.6).run()
    assert at.query_params["kl_p_hat"].split(",")[3] == "0.6"
    at.text_input(key="kl_p_hat_text").set_value(before).run()  # the stale text comes back with the next rerun
    assert not at.exception
    assert at.query_params["kl_p_hat"].split(",")[3] == "0.6"
    assert at.slider(key="kl_p_y").value == pytest.approx(0.6)
    # typing a p̂ by hand still works
    at.text_input(key="kl_p_hat_text").input("1, 1, 1, 1, 1, 1, 1, 1").run()
    assert at.query_params["kl_p_hat"].split(",")[3] == "0.125"
