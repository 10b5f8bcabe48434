"""Headless app tests of the gradient pages (issue 11): each renders, each control reacts and lands in the URL,
each stepper advances, bad links fall back, and what a page shows agrees with the engine."""
import json

import numpy as np
import pytest

from dashboard import gradient_text as T
from tests.app_entry import run_app
from tests.test_app import charts, run

NG, GC, DV, CG = ("app_pages/numerical_gradient.py", "app_pages/gradient_check.py", "app_pages/derivations.py",
                  "app_pages/computation_graph.py")
PAGES = [NG, GC, DV, CG]


@pytest.fixture(autouse=True)
def raise_errors(monkeypatch):
    monkeypatch.setenv("LINVIZ_RAISE", "1")


def latex(at) -> str:
    return "\n".join(e.value for e in at.latex)


def text(at) -> str:
    return "\n".join(e.value for e in [*at.markdown, *at.caption, *at.warning, *at.info, *at.error, *at.success])


def graphs(at) -> list[str]:
    return [g.proto.spec for g in at.get("graphviz_chart")]


@pytest.mark.parametrize("page", PAGES)
def test_every_gradient_page_renders_and_follows_the_sidebar(page):
    at = run(page=page)
    assert not at.error
    assert charts(at) or graphs(at), f"{page} drew nothing"
    before = (charts(at), graphs(at), latex(at))
    at.radio(key="loss").set_value("svm").run()
    at.button(key="step").click().run()
    at.select_slider(key="reg").set_value(0.1).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["loss"] == "svm" and at.query_params["t"] == "1"
    if page != DV:  # the derivations do not use the classifier (except for its seed)
        assert (charts(at), graphs(at), latex(at)) != before


# ---------------------------------------------------------------- Numerical gradient
def test_the_walkthrough_steps_one_dimension_per_click():
    at = run(page=NG)
    assert "no dimension probed yet" in latex(at) and "**0 of 9**" in text(at)
    at.button(key="ng_next").click().run()
    assert at.query_params["ng_dims"] == "1" and "**1 of 9**" in text(at) and "**2** loss evaluations" in text(at)
    assert r"\frac{\partial L}{\partial W_{00}}" in latex(at)
    at.button(key="ng_next").click().run()
    assert at.query_params["ng_dims"] == "2" and r"\partial W_{01}" in latex(at)
    bars = next(t for t in charts(at)[0]["data"] if t["name"] == "numerical slope")
    assert np.count_nonzero(bars["y"]) <= 2
    at.button(key="ng_all").click().run()
    assert at.query_params["ng_dims"] == "9" and "dW is complete" in text(at)
    assert at.button(key="ng_next").disabled and at.button(key="ng_all").disabled
    at.button(key="ng_reset").click().run()
    assert "ng_dims" not in at.query_params


def test_the_walkthrough_shows_the_engine_numbers_at_step_t():
    from dashboard import compute
    from dashboard import gradient_compute as gc
    from dashboard.config import DEFAULT

    at = run({"t": "30", "ng_dims": "4", "ng_method": "centered", "ng_h": "1e-05"}, page=NG)
    cfg = DEFAULT.replace(t=30, ng_method="centered", ng_h=1e-5)
    hist = compute.history(compute.TrainSpec.of(cfg.replace(steps=50)))
    wk = gc.walk(gc.ProblemSpec.of(cfg), hist.W[30], hist.b[30], 1e-5, "centered")
    assert wk.loss == pytest.approx(hist.loss[30])  # the walkthrough's L(W) is the training loss at step t
    shown = latex(at)
    assert f"L(W) = {wk.loss:.5f}" in shown
    assert f"= {T.num(wk.slope[3], 5)}" in shown and r"\pm" in shown  # the 4th probe, centered
    assert "**9** loss evaluations" in text(at)  # 1 + 2 x 4


def test_play_through_starts_and_pauses():
    at = run(page=NG)
    at.button(key="ng_play").click().run()
    assert at.query_params["ng_dims"] == "1"  # the first dimension at once, then one per tick (in a browser)
    assert at.button(key="ng_play").label == "Pause"
    at.button(key="ng_play").click().run()
    assert at.button(key="ng_play").label == "Play through"


def test_h_method_and_a_changed_problem_size_reach_the_url():
    at = run({"ng_dims": "9"}, page=NG)
    at.select_slider(key="ng_h").set_value(1e-8).run()
    at.radio(key="ng_method").set_value("centered").run()
    assert at.query_params["ng_h"] == "1e-08" and at.query_params["ng_method"] == "centered"
    assert r"\pm" in latex(at)
    at.slider(key="n_classes").set_value(2).run()  # P = 6: the walkthrough stops at its end
    assert at.query_params["ng_dims"] == "6" and "**6 of 6**" in text(at)


@pytest.mark.parametrize("view, figure", [("limit", "L along this coordinate"), ("error", "forward, float64")])
def test_the_limit_and_error_tabs_follow_the_coordinate(view, figure):
    at = run({"ng_view": view, "ng_coord": "4"}, page=NG)
    assert at.selectbox(key="ng_coord").value == 4
    fig = charts(at)[0]
    assert any(t["name"] == figure for t in fig["data"])
    at.selectbox(key="ng_coord").set_value(2).run()
    assert at.query_params["ng_coord"] == "2" and at.query_params["ng_view"] == view
    assert charts(at)[0]["data"] != fig["data"]
    if view == "limit":
        assert r"\partial W_{10}" not in latex(at) and r"\partial b_{0}" in latex(at)  # entry 2 is b[0]


def test_the_slide_tab_replays_the_slide():
    at = run({"ng_view": "slide"}, page=NG)
    for k, (plus, slope) in enumerate([("1.25322", "-2.5"), ("1.25353", "0.6"), ("1.25347", "0")], start=1):
        at.button(key="ng_slide_next").click().run()
        assert at.query_params["ng_slide"] == str(k)
        assert rf"\frac{{{plus} - 1.25347}}{{0.0001}} = {slope}" in latex(at)
    assert at.button(key="ng_slide_next").disabled
    at.button(key="ng_slide_reset").click().run()
    assert "ng_slide" not in at.query_params


def test_bad_gradient_links_warn_and_fall_back():
    at = run({"ng_h": "5", "ng_method": "backward", "ng_dims": "-1", "gc_bug": "nonsense", "cg_w1": "99"}, page=NG)
    shown = " ".join(w.value for w in at.warning)
    for name in ("ng_h", "ng_method", "ng_dims", "gc_bug", "cg_w1"):
        assert name in shown
    assert at.select_slider(key="ng_h").value == 1e-4 and at.radio(key="ng_method").value == "forward"


# ---------------------------------------------------------------- Gradient check
@pytest.mark.parametrize("bug, loss", [("reg_half", "softmax"), ("hinge_no_count", "svm"),
                                       ("softmax_no_onehot", "softmax"), ("mean_vs_sum", "ova"),
                                       ("b_regularized", "svm")])
def test_the_check_catches_every_planted_bug(bug, loss):
    at = run({"gc_bug": bug, "loss": loss, "reg": "1", "t": "20"}, page=GC)
    assert any("catches the bug" in e.value for e in at.error), text(at)
    grades = charts(at)[0]["data"]
    assert any(t["name"] == "wrong" for t in grades)


def test_the_correct_gradient_passes_and_a_bug_for_another_loss_says_so():
    at = run({"loss": "svm", "t": "20"}, page=GC)
    assert any("check passes" in s.value for s in at.success)
    at.selectbox(key="gc_bug").set_value("softmax_no_onehot").run()
    assert at.query_params["gc_bug"] == "softmax_no_onehot"
    assert any("changes nothing" in i.value for i in at.info) and any("check passes" in s.value for s in at.success)


def test_kinks_are_flagged_and_h_and_method_reach_the_url():
    at = run({"loss": "svm", "t": "20"}, page=GC)
    at.select_slider(key="gc_h").set_value(0.1).run()
    at.radio(key="gc_method").set_value("forward").run()
    assert at.query_params["gc_h"] == "0.1" and at.query_params["gc_method"] == "forward"
    assert any("hinge margin within one probe" in w.value for w in at.warning)
    assert any(t["name"] == "near a kink" for t in charts(at)[0]["data"])


def test_the_cost_table_counts_and_measures():
    at = run(page=GC)
    counts = at.dataframe[-1].value
    assert list(counts.iloc[:, 0]) == [1, 10, 18] and list(counts.iloc[:, 1]) == [1, 651, 1300]
    at.button(key="gc_measure").click().run()
    table = at.dataframe[-1].value
    assert list(table["evaluations"]) == [1, 10, 18, 1, 651, 1300]
    assert (table["time (ms)"] > 0).all() and table["× analytic"].iloc[5] > 1


# ---------------------------------------------------------------- Derivations
def test_the_rule_steps_and_moves_the_line():
    at = run(page=DV)
    line0 = next(t for t in charts(at)[0]["data"] if t["name"] == "step 0")["y"]
    at.button(key="dv_step").click().run()
    assert at.query_params["dv_steps"] == "1"
    fig = charts(at)[0]
    line1 = next(t for t in fig["data"] if t["name"] == "step 1")["y"]
    assert line1 != line0 and any(t["name"] == "one step before" for t in fig["data"])
    at.button(key="dv_run").click().run()
    assert at.query_params["dv_steps"] == "11" and "**Step 11**" in text(at)
    at.button(key="dv_reset").click().run()
    assert "dv_steps" not in at.query_params


def test_the_derivation_equals_the_numerical_gradient_for_each_rule_and_j():
    from dashboard import gradient_compute as gc
    from linviz import derivations

    at = run({"dv_steps": "3"}, page=DV)
    at.radio(key="dv_rule").set_value("sigmoid").run()
    at.radio(key="dv_dims").set_value(2).run()
    at.selectbox(key="dv_j").set_value(1).run()
    at.select_slider(key="dv_alpha").set_value(0.1).run()
    q = at.query_params
    assert (q["dv_rule"], q["dv_dims"], q["dv_j"], q["dv_alpha"]) == ("sigmoid", "2", "1", "0.1")
    X, y = gc.rule_data("sigmoid", 2, 0)
    w = gc.descent("sigmoid", 2, 0, 0.1, 3).w[-1]
    step = derivations.rule_step("sigmoid", w, X, y, alpha=0.1)
    shown = latex(at)
    assert r"\frac{\partial L}{\partial w_1}" in shown and f"= {T.num(step.gradient[1], 5)}" in shown
    err = float(text(at).split("relative error **")[1].split("**")[0])
    assert err < 1e-6  # the derived gradient is the numerical one
    at.radio(key="dv_dims").set_value(1).run()  # w_2 is gone: j falls back to the intercept
    assert at.selectbox(key="dv_j").value == 1 and not at.exception


def test_a_too_large_alpha_diverges_with_a_warning():
    at = run({"dv_alpha": "1", "dv_steps": "20"}, page=DV)
    assert any("The loss **grew**" in w.value for w in at.warning)
    at = run({"dv_alpha": "1", "dv_steps": "2000"}, page=DV)
    assert any("diverged at step" in w.value for w in at.warning)
    assert at.button(key="dv_step").disabled
    assert "NaN" not in json.dumps(charts(at)) and "Infinity" not in json.dumps(charts(at))


# ---------------------------------------------------------------- Computation graph
def test_the_graph_stepper_runs_forward_then_backward():
    at = run(page=CG)
    assert "grad" not in graphs(at)[0] and "= 0.5" not in graphs(at)[0]
    at.button(key="cg_next").click().run()
    assert at.query_params["cg_step"] == "1" and "= 0.5" in graphs(at)[0] and "w_{1} = 0.5" in latex(at)
    at.button(key="cg_forward").click().run()
    assert at.query_params["cg_step"] == "13" and "grad" not in graphs(at)[0]
    at.button(key="cg_next").click().run()
    assert "grad 1" in graphs(at)[0] and r"= 1 \quad (\text{the output})" in latex(at)
    at.button(key="cg_backward").click().run()
    assert at.query_params["cg_step"] == "26" and graphs(at)[0].count("grad") == 13
    at.button(key="cg_back").click().run()
    assert at.query_params["cg_step"] == "25"
    at.button(key="cg_reset").click().run()
    assert "cg_step" not in at.query_params


def test_the_graph_equals_the_closed_form_and_the_classifier_bridge_equals_the_losses():
    at = run({"cg_step": "26", "loss": "svm", "t": "10", "point": "7"}, page=CG)
    at.number_input(key="cg_w1").set_value(1.2).run()
    at.number_input(key="cg_x2").set_value(-0.5).run()
    assert at.query_params["cg_w1"] == "1.2" and at.query_params["cg_x2"] == "-0.5"
    w, x = np.array([1.2, -1.0]), np.array([1.5, -0.5])
    closed = (1 / (1 + np.exp(-w @ x)) - 1) * x  # (sigma(w.x) - 1) x
    assert rf"\text{{autodiff: }} ({T.num(closed[0], 6)},\ {T.num(closed[1], 6)})" in latex(at)
    assert "= 1.2" in graphs(at)[0]
    shown = text(at)
    assert "L_7 of the Multiclass SVM (hinge)" in shown
    assert float(shown.split("linviz.losses: **")[1].split("**")[0]) < 1e-12
    four = at.table[0].value
    assert list(four.index) == ["manual", "symbolic", "numerical", "automatic"]
    assert np.allclose(four["∂L/∂w₁"].astype(float), closed[0], rtol=1e-6)
    at.number_input(key="point").set_value(3).run()
    assert at.query_params["point"] == "3" and "L_3 of" in text(at)


def test_a_derivation_weight_that_does_not_exist_is_said_not_changed_silently():
    """?dv_j=2&dv_dims=1 quietly became dv_j=1 (found by an exploratory pass): now a note says so."""
    at = run_app("derivations.py", {"dv_j": "2", "dv_dims": "1"})
    assert any("w₂ does not exist with 1-D inputs" in i.value for i in at.info)
    assert at.selectbox(key="dv_j").value == 1 and at.query_params["dv_j"] == "1"
    at = run_app("derivations.py", {"dv_j": "2", "dv_dims": "2"})
    assert not any("does not exist" in i.value for i in at.info)
