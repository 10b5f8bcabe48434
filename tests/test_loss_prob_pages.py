"""AppTests of issue 10, items 3-6: every new control of the Classifier, Likelihood & KL and Regularization pages
renders, reacts and is kept in the address bar (tests/app_entry.py: the entry script, as production runs it)."""
from __future__ import annotations

import json
import math

import pytest

from dashboard.figures import format as numbers
from linviz.information import SLIDE_P_HAT
from tests.app_entry import open_app, run_app

KL, REG = "likelihood.py", "regularization.py"


@pytest.fixture(autouse=True)
def raise_errors(monkeypatch):
    monkeypatch.setenv("LINVIZ_RAISE", "1")


def charts(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def formulas(at) -> list[str]:
    """Each st.latex as written (without the $$ fences and the closing thin space)."""
    return [x.value.strip().strip("$").strip().removesuffix(r"\,") for x in at.latex]


def latex(at) -> str:
    return " ".join(formulas(at))


def ok(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


# ---------------------------------------------------------------- 3, 4: the Classifier page
def test_the_classifier_shows_the_selected_examples_probabilities():
    at = run_app(None, {"t": "30", "point": "4"})
    html = " ".join(h.proto.body for h in at.get("html"))
    assert "scores, exp(s) and probabilities" in html
    at.number_input(key="point").set_value(7).run()
    ok(at)
    assert at.query_params["point"] == "7"
    assert " ".join(h.proto.body for h in at.get("html")) != html  # another example, other numbers
    assert not any("binary rule" in s.value for s in at.subheader)  # (only with C = 2)


def test_switching_to_two_classes_shows_the_binary_rule():
    at = run_app(None, {"t": "40"})
    assert len(charts(at)) == 1
    at.slider(key="n_classes").set_value(2).run()
    ok(at)
    assert at.query_params["n_classes"] == "2"
    assert any("binary rule" in s.value for s in at.subheader)
    text = latex(at)
    assert r"f(x) &= (w_1 - w_0)\cdot x + (b_1 - b_0)" in text and r"\sigma(f) = \frac{1}{1 + e^{-f}}" in text
    softmax, sigmoid = next(f for f in formulas(at) if f.startswith("p_1")).split(r"\qquad")
    assert softmax.rsplit("=", 1)[1].strip() == sigmoid.rsplit("=", 1)[1].strip()  # p_1 = sigma(f), same number
    binary = charts(at)[1]
    assert any(t.get("name") == "f(x) = 0" for t in binary["data"])
    at.slider(key="n_classes").set_value(3).run()
    assert not any("binary rule" in s.value for s in at.subheader) and len(charts(at)) == 1


# ---------------------------------------------------------------- 5: Likelihood & KL
def test_the_likelihood_page_opens_with_the_slides_example():
    at = run_app(KL)
    ok(at)
    text = latex(at)
    assert r"\frac{1}{0.01} = 4.6052" in text and r"= -\log \hat p_{4}" in text  # the slide's Y = 4
    assert "stray ninth entry" in " ".join(m.value for m in at.markdown)
    ll = next(f for f in formulas(at) if r"\sum_{i=1}^{N} \log p_{y_i}" in f)
    total, minus_n = ll.split(r"\;=\;")
    assert total.split("=")[-1].strip() == minus_n.split("=")[-1].strip()  # sum log p = -N L_data


def test_choose_the_true_class():
    at = run_app(KL)
    at.segmented_control(key="kl_class").set_value(0).run()
    ok(at)
    assert at.query_params["kl_class"] == "0"
    assert f"= {numbers.tex(numbers.short(-math.log(0.5), 5))}" in latex(at) and r"\hat p_{1}" in latex(at)
    assert at.slider(key="kl_p_y").value == pytest.approx(0.5)


def test_edit_p_hat_by_typing_it_is_kept_normalized():
    at = run_app(KL)
    at.text_input(key="kl_p_hat_text").input("1, 1, 1, 1, 1, 1, 1, 1").run()
    ok(at)
    assert at.query_params["kl_p_hat"] == ",".join(["0.125"] * 8)
    assert f"= {numbers.tex(numbers.short(math.log(8), 5))}" in latex(at)  # KL = -log(1/8)
    assert any("divided by it" in i.value for i in at.info)
    assert at.text_input(key="kl_p_hat_text").value == ", ".join(["0.125"] * 8)


def test_bad_p_hat_is_refused_in_words_and_the_previous_values_are_kept():
    at = run_app(KL, {"kl_class": "0"})
    before = latex(at)
    at.text_input(key="kl_p_hat_text").input("0.5, banana").run()
    ok(at)
    assert any("needs 8 probabilities" in w.value and "unchanged" in w.value for w in at.warning)
    assert "kl_p_hat" not in at.query_params and latex(at) == before
    at.text_input(key="kl_p_hat_text").input("1, 1, 1, 1, 1, 1, 1, x<b>").run()
    assert any("entry 8 of p̂ is not a number" in w.value for w in at.warning)
    assert "<b>" not in " ".join(w.value for w in at.warning)  # (the typed text is not echoed)


def test_edit_p_hat_with_the_true_class_slider_and_reset_to_the_slide():
    at = run_app(KL)
    at.slider(key="kl_p_y").set_value(0.5).run()
    ok(at)
    p = [float(v) for v in at.query_params["kl_p_hat"].split(",")]
    assert p[3] == pytest.approx(0.5) and sum(p) == pytest.approx(1.0)
    rest = [v for k, v in enumerate(SLIDE_P_HAT) if k != 3]
    assert [v for k, v in enumerate(p) if k != 3] == pytest.approx([v * 0.5 / sum(rest) for v in rest])
    assert f"= {numbers.tex(numbers.short(math.log(2), 5))}" in latex(at)
    at.button(key="kl_reset").click().run()
    ok(at)
    assert "kl_p_hat" not in at.query_params and r"\frac{1}{0.01} = 4.6052" in latex(at)


def test_a_link_reproduces_the_kl_view():
    at = run_app(KL, {"kl_class": "6", "kl_p_hat": "0.5,0.01,0.01,0.01,0.01,0.01,0.15,0.3"})
    assert at.segmented_control(key="kl_class").value == 6
    assert f"= {numbers.tex(numbers.short(-math.log(0.15), 5))}" in latex(at)


# ---------------------------------------------------------------- 6: Regularization
def test_the_regularization_page_and_its_l1_l2_paths():
    at = run_app(REG, {"steps": "80"})
    ok(at)
    lines, paths = charts(at)
    assert [a["text"] for a in lines["layout"]["annotations"]][:3] == ["L2: R(W) = Σ W²", "L1: R(W) = Σ |W|",
                                                                       "none: R(W) = 0"]
    assert paths["layout"]["annotations"][1]["text"] == "λ = 0.1, L2"
    at.segmented_control(key="rg_penalty").set_value("l1").run()
    ok(at)
    assert at.query_params["rg_penalty"] == "l1"
    l1 = charts(at)[1]
    assert l1["layout"]["annotations"][1]["text"] == "λ = 0.1, L1" and l1["data"] != paths["data"]
    assert l1["data"][0] == paths["data"][0]  # the λ = 0 run is the same
    assert any("Why b is not regularized" in m.value for m in at.markdown)


def test_the_regularization_pages_lambda_and_line():
    at = run_app(REG, {"steps": "60", "t": "10"})
    before = charts(at)
    at.select_slider(key="rg_reg").set_value(1.0).run()
    ok(at)
    assert at.query_params["rg_reg"] == "1.0"
    assert charts(at)[0]["data"] != before[0]["data"]
    at.segmented_control(key="rg_at").set_value("t").run()
    ok(at)
    assert at.query_params["rg_at"] == "t"
    assert any("through W at step 10" in c.value for c in at.caption)


def test_the_slide_form_adds_the_penalty_once_to_the_mean():
    at = open_app(REG, {"steps": "40"}).run()
    ok(at)
    once = next(f for f in formulas(at) if r"\tfrac1N" in f)
    mean, parts = once.split("=")[1:3]
    data, penalty = (float(v) for v in parts.split("+"))
    assert float(mean) == pytest.approx(data + penalty, abs=1.5e-6)  # (each shown to 6 decimals)
