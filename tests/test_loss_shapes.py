"""Issue 10 items 1, 2 and 7 on the Loss page: the losses as shapes (figure and engine), the lecture's editable score
table with its questions, and the sanity facts as live checks with W = 0 and C = 10. Browser checks are in
tests/e2e/test_loss_shapes_browser.py."""
from __future__ import annotations

import json
import math

import numpy as np
import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dashboard.config import param_index, param_names
from dashboard.figures.loss_shapes import loss_shapes_figure, shapes_view
from dashboard.pages import PAGES
from linviz.datasets import make_dataset
from linviz.losses import softmax_from_scores, svm_from_scores
from linviz.score_table import far_ahead, far_behind, harmless_change, lead, nudged, parse_score, room
from linviz.shapes import loss_shapes
from tests.app_entry import run_app

SLIDE = [[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]]


@pytest.fixture(autouse=True)
def raise_errors(monkeypatch):
    monkeypatch.setenv("LINVIZ_RAISE", "1")  # the page guard re-raises, so at.exception sees errors


# ------------------------------------------------------------------ engine: linviz.score_table
def lead_naive(S, y):
    """Loop twin of score_table.lead and room."""
    return np.array([S[i, y[i]] - max(S[i, j] for j in range(S.shape[1]) if j != y[i]) for i in range(len(y))])


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(float, st.tuples(st.integers(1, 6), st.integers(2, 10)),
                  elements=st.floats(-50, 50, allow_nan=False)), st.data())
def test_lead_and_room_equal_their_loops(S, data):
    y = np.array(data.draw(st.lists(st.integers(0, S.shape[1] - 1), min_size=len(S), max_size=len(S))))
    np.testing.assert_allclose(lead(S, y), lead_naive(S, y), rtol=0, atol=0)
    np.testing.assert_allclose(room(S, y, 0.7), lead_naive(S, y) - 0.7, atol=1e-12)
    hinge, _, _ = svm_from_scores(S, y, 0.7)
    assert np.all((hinge == 0) == (room(S, y, 0.7) >= 0))  # L_i = 0 exactly when the lead is at least Δ


def test_the_car_image_keeps_L_0_until_its_margin_is_crossed():
    S, y = np.array(SLIDE), np.array([0, 1, 2])
    assert room(S, y)[1] == pytest.approx(1.9) and harmless_change(S, y)[1] == pytest.approx(0.95)
    assert harmless_change(S, y)[0] == 0 and harmless_change(S, y)[2] == 0  # cat and frog: already L_i > 0
    for eps, expected in [(0.0, 0.0), (0.5, 0.0), (0.95, 0.0), (1.0, 0.1), (1.5, 0.4 + 1.1)]:
        s = nudged(S[1], 1, eps)
        assert s[1] == pytest.approx(4.9 - eps) and s[0] == pytest.approx(1.3 + eps)
        assert svm_from_scores(s[None], np.array([1]))[0][0] == pytest.approx(expected, abs=1e-12), eps


def test_the_bounds_are_approached_far_ahead_and_far_behind():
    s = np.array(SLIDE[0])  # the cat image
    previous = math.inf
    for by in (1.0, 10.0, 100.0):
        ahead, behind = far_ahead(s, 0, by), far_behind(s, 0, by)
        assert ahead[0] - max(ahead[1:]) == pytest.approx(by) and behind[1] - behind[0] == pytest.approx(by)
        assert svm_from_scores(ahead[None], np.array([0]))[0][0] == 0  # hinge: exactly 0 once ahead by Δ
        ce = loss_shapes(ahead[None], np.array([0])).ce_loss[0]  # log(1 + e^(−soft lead)): no rounding to 0
        assert 0 < ce < previous  # cross-entropy: towards 0, never 0
        if by <= 10:  # (where -log p_y still has the digits)
            assert ce == pytest.approx(softmax_from_scores(ahead[None], np.array([0]))[0][0], rel=1e-9)
        previous = ce
        assert svm_from_scores(behind[None], np.array([0]))[0][0] >= by + 1  # hinge: unbounded above


@pytest.mark.parametrize(("typed", "expected"), [("3.2", 3.2), ("−1.7", -1.7), (" 2 ", 2.0), (5, 5.0),
                                                 ("1e3", 1000.0)])
def test_a_typed_score_is_read(typed, expected):
    assert parse_score(typed) == expected


@pytest.mark.parametrize(("typed", "words"), [("abc", "is not a number"), ("nan", "is not a number"),
                                              ("inf", "not a finite number"), ("1e9", "too large"),
                                              ("", "is empty"), (None, "is empty"), (True, "not a number")])
def test_a_bad_score_is_refused_in_words(typed, words):
    with pytest.raises(ValueError, match=words):
        parse_score(typed)


# ------------------------------------------------------------------ the figure: kink, curves and dots
def traces(fig) -> dict:
    return {t.name.split(":")[0]: t for t in fig.data}


def test_the_kink_is_at_lead_delta_and_the_hinge_is_flat_zero_after_it():
    S, y = np.array(SLIDE), np.array([0, 1, 2])
    for delta in (1.0, 0.5, 2.0):
        sh = loss_shapes(S, y, delta=delta, resolution=401, x_range=shapes_view(lead(S, y), delta))
        hinge = traces(loss_shapes_figure(sh, 0))["hinge, one rival"]
        x, h = np.array(hinge.x, dtype=float), np.array(hinge.y, dtype=float)
        k = int(np.flatnonzero(x == delta)[0])  # the kink is a point of the curve
        assert h[k] == 0 and np.all(h[k:] == 0) and np.all(h[:k] > 0)
        np.testing.assert_allclose(np.diff(h[:k + 1]) / np.diff(x[:k + 1]), -1.0, atol=1e-9)  # slope −1 before it
        ce = traces(loss_shapes_figure(sh, 0))["cross-entropy, one rival"]
        assert np.all(np.array(ce.y, dtype=float) > 0)  # never 0


@pytest.mark.parametrize("C", [2, 3, 10])
def test_the_dots_are_at_each_examples_lead_and_true_loss(C):
    X, y = make_dataset("blobs", 40, noise=0.8, seed=C, n_classes=C)
    rng = np.random.default_rng(C)
    S = X @ rng.standard_normal((C, 2)).T + rng.standard_normal(C)
    sh = loss_shapes(S, y, delta=1.0, x_range=shapes_view(lead(S, y), 1.0))
    fig = loss_shapes_figure(sh, 5)
    t = traces(fig)
    hinge_naive = [sum(max(0.0, S[i, j] - S[i, y[i]] + 1) for j in range(C) if j != y[i]) for i in range(len(y))]
    ce_naive = [-math.log(math.exp(S[i, y[i]]) / sum(math.exp(s) for s in S[i])) for i in range(len(y))]
    for name, naive in (("L<sub>i</sub> hinge", hinge_naive), ("L<sub>i</sub> cross-entropy", ce_naive)):
        np.testing.assert_allclose(np.array(t[name].x, dtype=float), lead_naive(S, y), atol=1e-12)
        np.testing.assert_allclose(np.array(t[name].y, dtype=float), naive, atol=1e-9)
    sel = t["selected"]
    assert list(sel.x) == [pytest.approx(lead_naive(S, y)[5])] * 2
    assert list(sel.y) == [pytest.approx(hinge_naive[5]), pytest.approx(ce_naive[5])]
    one_rival_hinge = np.maximum(0.0, 1.0 - lead_naive(S, y))
    one_rival_ce = np.logaddexp(0.0, -lead_naive(S, y))
    assert np.all(np.array(hinge_naive) >= one_rival_hinge - 1e-12)  # on or above the curves ...
    assert np.all(np.array(ce_naive) >= one_rival_ce - 1e-12)
    if C == 2:  # ... and on them with one rival
        np.testing.assert_allclose(hinge_naive, one_rival_hinge, atol=1e-12)
        np.testing.assert_allclose(ce_naive, one_rival_ce, atol=1e-12)


def test_the_figure_validates_keeps_its_margins_and_shows_every_dot():
    S, y = np.array(SLIDE), np.array([0, 1, 2])
    sh = loss_shapes(S, y, x_range=shapes_view(lead(S, y), 1.0))
    fig = loss_shapes_figure(sh, 2, names=["cat image", "car image", "frog image"])
    go.Figure(fig.to_dict())  # validates every property
    layout = fig.layout
    assert layout.margin.l == 80 and layout.margin.b >= 64  # (the drawn margins: the browser test)
    lo, hi = layout.xaxis.range
    assert lo < min(lead(S, y)) and hi > 1.0 + 2 and layout.yaxis.range[1] > 12.9  # the frog image's 12.9 in view
    assert "frog image" in traces(fig)["selected"].name
    assert "−" in json.dumps(fig.to_dict()["data"][2]["customdata"], ensure_ascii=False)  # true minus (hover)


# ------------------------------------------------------------------ the lecture's editable table (AppTest)
def lecture(query=None):
    return run_app("loss.py", {"loss_source": "lecture", **(query or {})})


def edit(at, row: int, column: str, typed: str):
    """Type into a cell of the score table (row = class: 0 cat, 1 car, 2 frog; column: "car image", ...)."""
    key = at.data_editor[0].key
    at.session_state[key] = {"edited_rows": {row: {column: typed}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def losses(at) -> list[float]:
    table = next(d.value for d in at.dataframe if "hinge loss L_i" in d.value.index)
    return [float(v) for v in table.loc["hinge loss L_i"]]


def table(at) -> list[list[str]]:
    return at.data_editor[0].value.T.values.tolist()  # row i = image i, as the slide's columns


def test_the_table_starts_as_the_slide_and_every_L_i_follows_an_edit():
    at = lecture()
    assert table(at) == [["3.2", "5.1", "−1.7"], ["1.3", "4.9", "2.0"], ["2.2", "2.5", "−3.1"]]
    assert losses(at) == pytest.approx([2.9, 0.0, 12.9])
    edit(at, 2, "car image", "2.6")  # the car image's frog score 2.0 -> 2.6: still inside the margin? no
    assert losses(at) == pytest.approx([2.9, 0.0, 12.9])  # L_car stays 0 ...
    edit(at, 2, "car image", "4.0")  # ... until the frog score passes 4.9 - 1 = 3.9
    assert losses(at)[1] == pytest.approx(0.1)
    latex = " ".join(x.value for x in at.latex)
    assert "(2.9 + 0.1 + 12.9)/3 = 5.30" in latex and r"\max(0,\ 4.00 - 4.90 + 1)" in latex
    assert at.query_params["lecture_scores"] == "3.2,5.1,-1.7,1.3,4.9,4.0,2.2,2.5,-3.1"


def test_reset_to_the_slide_restores_its_numbers_exactly():
    at = lecture({"lecture_scores": "1,2,3,4,5,6,7,8,9"})
    assert table(at)[0] == ["1.0", "2.0", "3.0"]
    assert not at.button(key="lecture_reset").disabled
    at.button(key="lecture_reset").click().run()
    assert table(at) == [["3.2", "5.1", "−1.7"], ["1.3", "4.9", "2.0"], ["2.2", "2.5", "−3.1"]]
    assert losses(at) == pytest.approx([2.9, 0.0, 12.9]) and "lecture_scores" not in at.query_params
    assert at.button(key="lecture_reset").disabled
    assert "= 5.27" in " ".join(x.value for x in at.latex)


@pytest.mark.parametrize(("typed", "words"), [("abc", "is not a number"), ("nan", "is not a number"),
                                              ("1e300", "too large"), ("", "is empty")])
def test_a_bad_cell_is_refused_with_a_message_and_the_table_is_kept(typed, words):
    at = edit(lecture(), 0, "cat image", "3.5")
    at = edit(at, 1, "frog image", typed)
    message = " ".join(w.value for w in at.warning)
    assert "The car score of the frog image" in message and words in message and "kept as it was" in message
    assert table(at)[0][0] == "3.5" and table(at)[2][1] == "2.5"  # the previous table, the earlier edit kept
    at.run()
    assert not at.warning  # said once


def test_an_edit_survives_a_page_change_and_a_link():
    at = edit(lecture(), 0, "cat image", "4.5")
    at.switch_page("app_pages/classifier.py").run()
    at.switch_page("app_pages/loss.py").run()
    assert not at.exception and table(at)[0][0] == "4.5"
    link = lecture({"lecture_scores": at.query_params["lecture_scores"]})
    assert table(link)[0][0] == "4.5" and losses(link)[0] == pytest.approx(1.6)


def test_a_link_with_the_wrong_number_of_scores_says_so_and_shows_the_slide():
    at = lecture({"lecture_scores": "1,2,3"})
    assert any("9 numbers" in w.value and "not 3" in w.value for w in [*at.warning, *at.info])
    assert losses(at) == pytest.approx([2.9, 0.0, 12.9])


def test_the_car_question_moves_the_car_scores_and_says_where_the_margin_is_crossed():
    at = lecture()
    text = lambda: " ".join(m.value for m in at.markdown)  # noqa: E731
    assert "ε ≤ 1.9/2 = **0.95**" in text()
    at.slider(key="lecture_eps").set_value(0.9).run()
    assert "**L_car = 0**" in text()
    at.slider(key="lecture_eps").set_value(1.0).run()
    assert "**L_car = 0.1**" in text()
    edit(at, 0, "car image", "4.5")  # the cat score of the car image now inside the margin: L_car > 0 already
    assert "L_car is already 0.6 > 0" in text()


def test_the_bounds_table_shows_the_hinge_at_0_and_cross_entropy_approaching_it():
    at = lecture()
    bounds = next(d.value for d in at.dataframe if "hinge L_i" in d.value.columns)
    assert bounds.loc["cat wins by 10", "hinge L_i"] == 0 and 0 < bounds.loc["cat wins by 100",
                                                                              "cross-entropy L_i"] < 1e-40
    assert bounds.loc["a wrong class ahead by 100", "hinge L_i"] >= 101


# ------------------------------------------------------------------ sanity facts, W = 0, C = 10
def test_every_sanity_fact_holds_on_the_current_model():
    at = run_app("loss.py", {"t": "40"})
    facts = next(d.value for d in at.dataframe if "holds" in d.value.columns)
    assert len(facts) == 5 and list(facts["holds"]) == ["✓"] * 5
    assert any("C − 1" in f for f in facts.index) and not any(" - " in f for f in facts.index)


def test_make_all_scores_equal_shows_C_minus_1_and_log_C():
    at = run_app("loss.py", {"t": "40"})
    assert at.metric[0].value != "2.0000"
    at.button(key="loss_zero_W").click().run()
    assert not at.exception
    assert at.query_params["init"] == "zeros" and "t" not in at.query_params
    assert at.metric[0].value.startswith("2.0000") and at.metric[1].value.startswith("1.0986")
    assert any("(C − 1)·Δ = 2 × 1" in s.value and "log C = log 3" in s.value for s in at.success)
    assert at.button(key="loss_zero_W").disabled
    assert at.selectbox(key="init").value == "zeros"  # the sidebar follows


def test_C_10_gives_log_10_and_every_page_works():
    at = run_app("loss.py", {"n_classes": "10"})
    at.button(key="loss_zero_W").click().run()
    assert at.metric[1].value.startswith("2.3026") and at.metric[0].value.startswith("9.0000")
    assert "log 10 = 2.3026 ≈ 2.3" in " ".join(c.value for c in at.caption)
    for entry in PAGES:
        for dataset in ("blobs", "separable", "spiral"):
            page = run_app(entry.script.name, {"n_classes": "10", "dataset": dataset, "n_points": "60",
                                                "steps": "20"})
            assert not page.warning, (entry.file, [w.value for w in page.warning])


def test_the_classes_slider_goes_to_10():
    at = run_app("loss.py")
    assert at.slider(key="n_classes").max == 10
    at.slider(key="n_classes").set_value(10).run()
    assert not at.exception and at.query_params["n_classes"] == "10"


def test_parameter_names_for_ten_classes_read_back():
    names = param_names(10)
    assert "W91" in names and "b9" in names and len(set(names)) == 30
    assert param_index("W91") == ("W", 9, 1) and param_index("W00") == ("W", 0, 0) and param_index("b9") == ("b", 9)


def test_the_numerical_gradient_can_probe_all_30_entries_of_ten_classes():
    at = run_app("numerical_gradient.py", {"n_classes": "10", "ng_dims": "30", "ng_coord": "29"})
    assert not at.warning, [w.value for w in at.warning]  # (the schema stopped at 24 dimensions, 8 × 3)
    assert at.query_params["ng_dims"] == "30" and at.query_params["ng_coord"] == "29"


def test_the_legend_starts_under_the_mode_bar():
    """At 1280 px the legend's first row (two long entries) reached under the toolbar a hover shows at the top
    right: the legend now starts MODEBAR_PX down, and the figure grows by as much (the plot keeps its height)."""
    from dashboard.figures.shared import MODEBAR_PX

    X, y = make_dataset("blobs", 30, noise=0.8, seed=0, n_classes=3)
    S = X @ np.random.default_rng(0).standard_normal((3, 2)).T
    fig = loss_shapes_figure(loss_shapes(S, y, delta=1.0, x_range=shapes_view(lead(S, y), 1.0)), 0, height=430)
    height, legend_top = fig.layout.height, (1 - fig.layout.legend.y) * fig.layout.height
    assert legend_top >= MODEBAR_PX - 0.5 and fig.layout.legend.yanchor == "top"
    assert height > 430 and height - fig.layout.margin.t - fig.layout.margin.b >= 250  # (260 px: it did not shrink)
