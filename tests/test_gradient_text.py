"""Tests of dashboard.gradient_text: every typeset line carries the engine's numbers (the slide's, digit for digit)."""
import math
import re

import numpy as np
import pytest

from dashboard import gradient_text as T
from linviz import compgraph, derivations
from linviz.walkthrough import SLIDE_LOSSES_PLUS, SLIDE_SLOPES, slide_walkthrough, walkthrough


def test_numbers_for_latex():
    assert [T.num(v) for v in (0.05057, -2.5, 0.6, 0.0, -0.0, 1.0, 0.0001, 123456.0)] == \
        ["0.05057", "-2.5", "0.6", "0", "0", "1", "0.0001", "123456"]
    assert T.num(3.2e-7) == r"3.2\times10^{-7}" and T.num(1e-12) == "10^{-12}" and T.num(-1e-7) == "-10^{-7}"
    assert T.num(float("nan")) == r"\text{NaN}"
    assert T.fixed(1.253469999, 5) == "1.25347" and T.fixed(-0.000001, 3) == "0.000"
    assert T.paren(-2.5) == "(-2.5)" and T.paren(2.5) == "2.5"
    assert T.entry("W[1,0]") == "W_{10}" and T.entry("b[2]") == "b_{2}"


def test_the_difference_of_two_losses_is_shown_with_enough_decimals():
    assert T.quotient_digits(1.25322, 1.25347) == T.quotient_digits(1.25353, 1.25347) == 5  # the slide's
    assert T.quotient_digits(1.0, 1.0) == 5 and T.quotient_digits(1.0, 1.0 + 1e-17) == 5  # (equal in float64)
    rng = np.random.default_rng(0)
    for _ in range(200):
        a = rng.uniform(0.1, 3)
        b = a + rng.choice([-1, 1]) * 10.0 ** rng.uniform(-12, -1)
        d = T.quotient_digits(a, b)
        shown = float(T.fixed(a, d)) - float(T.fixed(b, d))
        assert shown == pytest.approx(a - b, rel=0.011) or d == 15  # the written numbers reproduce the slope
        assert d == 5 or abs(round(a, d - 1) - round(b, d - 1) - (a - b)) > 0.01 * abs(a - b)  # and no more


@pytest.mark.parametrize("k", [1, 2, 3])
def test_the_slide_replayed_digit_for_digit(k):
    wk = slide_walkthrough()
    q = T.quotient(f"W[{k - 1}]", loss=wk.loss, loss_plus=wk.loss_plus[k - 1], loss_minus=wk.loss_minus[k - 1],
                   h=wk.h, method="forward", slope=wk.slope[k - 1])
    slope = {-2.5: "-2.5", 0.6: "0.6", 0.0: "0"}[SLIDE_SLOPES[k - 1]]
    assert rf"\frac{{{SLIDE_LOSSES_PLUS[k - 1]:.5f} - 1.25347}}{{0.0001}} = {slope}" in q
    columns = T.walkthrough_columns(wk.x, probed=k - 1, h=wk.h, method="forward", slopes=wk.gradient_after(k),
                                    more=True)
    current, plus, grad = re.findall(r"\\begin\{bmatrix\}(.*?)\\end\{bmatrix\}", columns)
    assert current.split(r" \\ ")[:9] == ["0.34", "-1.11", "0.78", "0.12", "0.55", "2.81", "-3.1", "-1.5", "0.33"]
    assert current.endswith(r"\vdots")  # the slide's '...'
    assert f"{wk.x[k - 1]:g} + 0.0001" in plus.split(r" \\ ")[k - 1] and T.RED in plus.split(r" \\ ")[k - 1]
    cells = grad.split(r" \\ ")
    assert cells[k:9] == ["?"] * (9 - k)
    assert slope in cells[k - 1]


def test_centered_columns_and_quotient():
    f = lambda w: float(np.sum(w ** 2))  # noqa: E731
    wk = walkthrough(f, np.array([1.0, -2.0]), h=1e-3, method="centered")
    cols = T.walkthrough_columns(wk.x, probed=0, h=wk.h, method="centered", slopes=wk.gradient_after(1),
                                 names=("a[0]", "a[1]"))
    assert r"\pm 0.001" in cols and "a_{0}" in cols and r"\text{W ± h}" in cols
    q = T.quotient("a[0]", loss=wk.loss, loss_plus=wk.loss_plus[0], loss_minus=wk.loss_minus[0], h=wk.h,
                   method="centered", slope=wk.slope[0])
    assert r"{2 \cdot 0.001}" in q and q.endswith("= 2")


@pytest.mark.parametrize("rule, data", [("least_squares", "line"), ("least_squares", "plane"),
                                        ("sigmoid", "binary_line"), ("sigmoid", "binary_plane")])
def test_every_line_of_the_derivation_carries_the_rule_step(rule, data):
    X, y = derivations.DATA[data](seed=3)
    w = np.linspace(0.3, -0.2, X.shape[1])
    step = derivations.rule_step(rule, w, X, y, alpha=0.01)
    j = X.shape[1] - 1
    lines = T.derivation(step, X, y, j, numerical=-1.25)
    assert len(lines) == 8
    text = "\n".join(lines)
    total = step.terms[:, j].sum()
    assert f"= {T.num(step.loss, 5)}" in lines[0] + lines[1]
    assert f"= -2 \\times {T.paren(total, 4)} = {T.num(step.gradient[j], 5)}" == lines[5]
    assert f"= {T.num(-1.25, 5)}" in lines[6] and f"analytic }} {T.num(step.gradient[j], 5)}" in lines[6]
    assert lines[7].endswith(f"= {T.num(step.w_new[j], 4)}")
    assert f"{T.num(step.w[j], 4)} + 2 \\times {T.num(0.01, 3)}" in lines[7]
    assert f"\\delta_1 = {T.num(y[0], 3)} - {T.paren(step.output[0])} = {T.num(step.delta[0], 3)}" in text
    first = f"({T.num(step.delta[0], 3)})"
    assert first in lines[4] and r"\cdots" in lines[4]  # the sum's first term, then the last
    if rule == "sigmoid":
        assert f"({T.num(step.slope[0], 3)})" in lines[4]  # sigma_i (1 - sigma_i)
    assert step.w_new[j] == pytest.approx(step.w[j] + 2 * 0.01 * total)


def test_forward_and_backward_steps_of_the_lecture_graph():
    g = compgraph.logistic_graph((0.5, -1.0), (1.5, 2.0))
    first_mul = g.op.index("×")
    assert T.forward_step(g, 0) == "w_{1} = 0.5"
    assert T.forward_step(g, first_mul) == r"[\times ]:\quad 0.5 \times 1.5 = 0.75"
    assert T.forward_step(g, g.op.index("exp")).startswith("[exp]:\\quad e^{1.25} = 3.49")
    assert T.backward_step(g, g.output) == r"\frac{\partial L}{\partial [neg]} = 1 \quad (\text{the output})"
    w1 = g.index("w1")
    e = list(g.src).index(w1)
    assert T.backward_step(g, w1) == (rf"\frac{{\partial L}}{{\partial w_{{1}}}} = {T.paren(g.local[e])} \times "
                                      rf"{T.paren(g.grad[g.dst[e]])} = {T.num(g.grad[w1])}")
    assert g.grad[w1] == pytest.approx(g.local[e] * g.grad[g.dst[e]])  # the chain rule the line writes


def test_the_completed_walkthrough_explains_a_large_error_on_a_tiny_entry():
    """At the defaults (h = 1e-4, forward) the walkthrough ended on "largest relative error 2.7e-01", from b₀ ≈ −3e-5,
    while the Gradient check page passed: a student read it as "the numerical gradient is wrong". The note now says
    where, that the entry is tiny, and the error against the whole gradient (its naive twin below)."""
    analytic = np.array([0.6, -0.3, 2.0e-5])
    slopes = analytic + np.array([1e-5, -1e-5, 1e-5])  # a forward difference's O(h) error on every entry
    names = ["W[0,0]", "W[0,1]", "b[0]"]
    note = T.completion_note(slopes, analytic, names, 1e-4, "forward")
    naive = [abs(n - a) / max(abs(n) + abs(a), 1e-8) for n, a in zip(slopes, analytic)]
    assert f"**{max(naive):.1e}**" in note and "at b[0]" in note
    whole = math.sqrt(sum((n - a) ** 2 for n, a in zip(slopes, analytic))) / (
        math.sqrt(sum(n * n for n in slopes)) + math.sqrt(sum(a * a for a in analytic)))
    assert f"‖a − n‖ / (‖a‖ + ‖n‖) = **{whole:.1e}**" in note and "centered" in note
    # an error on an entry that is not tiny is not explained away
    wrong = T.completion_note(analytic * [1, 1, 2e4], analytic, names, 1e-4, "forward")
    assert "as large as the entry" not in wrong
