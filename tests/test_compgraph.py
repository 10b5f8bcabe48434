"""The lecture's -log(1/(1 + e^(-w.x))), one classifier example through the autodiff, and the DOT text."""
import math
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from linviz.compgraph import (
    classifier_graph,
    four_ways,
    logistic_closed_form,
    logistic_graph,
    logistic_value,
    to_dot,
)
from linviz.gradcheck import numerical_gradient
from linviz.losses import LOSSES

W0, X0 = (0.5, -1.0), (1.5, 2.0)


def test_lecture_example_is_composed_from_simple_functions():
    g = logistic_graph(W0, X0)
    assert g.op == ("input", "input", "×", "input", "input", "×", "+", "neg", "exp", "+ 1", "1/x", "log", "neg")
    assert [g.label[i] for i in range(g.size) if g.op[i] == "input"] == ["w1", "x1", "w2", "x2"]
    s = 0.5 * 1.5 - 1.0 * 2.0
    sigma = 1 / (1 + math.exp(-s))
    np.testing.assert_allclose(g.value[6:], [s, -s, math.exp(-s), 1 + math.exp(-s), sigma, math.log(sigma),
                                             -math.log(sigma)], rtol=1e-15)


@given(st.lists(st.floats(-5, 5), min_size=4, max_size=4))
def test_gradient_is_the_closed_form_and_the_numerical_gradient(values):
    w, x = values[:2], values[2:]
    g = logistic_graph(w, x)
    loss, dw, dx = logistic_closed_form(w, x)
    auto_w = [g.grad[g.index("w1")], g.grad[g.index("w2")]]
    auto_x = [g.grad[g.index("x1")], g.grad[g.index("x2")]]
    assert g.value[g.output] == pytest.approx(loss, rel=1e-12, abs=1e-15)
    np.testing.assert_allclose(auto_w, dw, rtol=1e-12, atol=1e-15)  # (sigma(w.x) - 1) x
    np.testing.assert_allclose(auto_x, dx, rtol=1e-12, atol=1e-15)  # (sigma(w.x) - 1) w
    numerical = numerical_gradient(lambda v: logistic_value(v, x).data, np.array(w))
    np.testing.assert_allclose(auto_w, numerical, rtol=1e-6, atol=1e-9)


def test_closed_form_at_one_point():
    loss, dw, _ = logistic_closed_form([1.0, 0.0], [2.0, 3.0])
    sigma = 1 / (1 + math.exp(-2.0))
    assert loss == pytest.approx(-math.log(sigma))
    np.testing.assert_allclose(dw, [(sigma - 1) * 2.0, (sigma - 1) * 3.0])


def test_four_ways_agree():
    ways = four_ways(W0, X0)
    assert ways.names == ("manual", "symbolic", "numerical", "automatic")
    assert ways.gradient.shape == (4, 2)
    assert ways.error[1] == 0.0 and ways.error[0] < 1e-15 and ways.error[3] < 1e-15
    assert 0 < ways.error[2] < 1e-9  # the numerical one is approximate
    assert "4 evaluations" in ways.cost[2] and "13 nodes" in ways.cost[3]


@pytest.mark.parametrize("loss", sorted(LOSSES))
@pytest.mark.parametrize("seed", range(4))
def test_one_classifier_example_matches_linviz_losses(loss, seed):
    rng = np.random.default_rng(seed)
    C, D = 3, 2
    W, b, x = rng.standard_normal((C, D)), rng.standard_normal(C), rng.standard_normal(D)
    y = int(rng.integers(0, C))
    result = classifier_graph(W, b, x, y, loss=loss, margin=0.8)
    reference = LOSSES[loss](W, b, x[None, :], np.array([y]), reg=0.0, margin=0.8)
    assert result.loss == pytest.approx(reference.loss, rel=1e-12, abs=1e-15)
    np.testing.assert_allclose(result.dW, reference.dW, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(result.db, reference.db, rtol=1e-12, atol=1e-15)
    g = result.graph
    assert g.grad[g.output] == 1.0 and g.index("W[2,1]") >= 0 and g.index("b[0]") >= 0


def test_softmax_graph_is_stable_for_large_scores():
    W = np.array([[400.0, 0.0], [0.0, 400.0]])
    result = classifier_graph(W, np.zeros(2), [2.0, 1.0], 1, loss="softmax")
    reference = LOSSES["softmax"](W, np.zeros(2), np.array([[2.0, 1.0]]), np.array([1]))
    assert result.loss == pytest.approx(400.0) and result.loss == pytest.approx(reference.loss)
    np.testing.assert_allclose(result.dW, reference.dW)


def test_classifier_graph_bad_input():
    W, b = np.ones((3, 2)), np.zeros(3)
    with pytest.raises(ValueError, match="labels"):
        classifier_graph(W, b, [1.0, 2.0], 3)
    with pytest.raises(ValueError, match="features"):
        classifier_graph(W, b, [1.0, 2.0, 3.0], 0)
    with pytest.raises(ValueError, match="loss"):
        classifier_graph(W, b, [1.0, 2.0], 0, loss="mse")
    with pytest.raises(ValueError, match="nodes"):
        classifier_graph(np.ones((10, 300)), np.zeros(10), np.ones(300), 0)
    with pytest.raises(ValueError, match="same length"):
        logistic_graph([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="finite"):
        logistic_graph([np.inf, 2.0], [1.0, 1.0])


# ------------------------------------------------------------ DOT
def dot_nodes(dot):
    return dict(re.findall(r'^  (n\d+) \[label="((?:[^"\\]|\\.)*)"', dot, flags=re.M))


def dot_edges(dot):
    return re.findall(r'^  (n\d+) -> (n\d+) \[label="((?:[^"\\]|\\.)*)"\];$', dot, flags=re.M)


def test_dot_shows_values_gradients_and_chain_rule_products():
    g = logistic_graph(W0, X0)
    dot = to_dot(g)
    assert dot.startswith("digraph {") and dot.endswith("}") and "rankdir=LR" in dot
    nodes, edges = dot_nodes(dot), dot_edges(dot)
    assert len(nodes) == g.size == 13 and len(edges) == len(g.src) == 12
    assert nodes["n0"] == "w1\\n= 0.5\\ngrad -1.17"  # (sigma(w.x) - 1) x1 = (sigma(-1.25) - 1) 1.5 = -1.166
    assert nodes["n12"].startswith("neg\\n= 1.5")
    # the last edge: log -> neg, local -1, upstream 1
    assert edges[-1] == ("n11", "n12", "-1 × 1 = -1")


def test_dot_steps_through_forward_then_backward():
    g = logistic_graph(W0, X0)
    before = dot_nodes(to_dot(g, forward_steps=0, backward_steps=0))
    assert before["n2"] == "×" and before["n0"] == "w1"
    forward = dot_nodes(to_dot(g, forward_steps=3, backward_steps=0))
    assert forward["n2"] == "×\\n= 0.75" and forward["n3"] == "w2"
    one_back = to_dot(g, forward_steps=None, backward_steps=1)
    nodes = dot_nodes(one_back)
    assert nodes["n12"].endswith("grad 1") and "grad" not in nodes["n11"]
    assert sum(" × " in label for *_, label in dot_edges(one_back)) == 1
    assert to_dot(g, forward_steps=99, backward_steps=99) == to_dot(g)
    assert "rankdir=TB" in to_dot(g, rankdir="TB")
    with pytest.raises(ValueError, match="rankdir"):
        to_dot(g, rankdir="RL")


def test_dot_escapes_quotes():
    from linviz.autodiff import Value, record
    dot = to_dot(record(Value(1.0, 'a "quoted" name') * 2.0))
    assert 'a \\"quoted\\" name' in dot
