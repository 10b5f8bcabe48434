"""The scalar autodiff: each primitive's derivative, the chain rule on shared nodes, the recorded graph."""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from linviz.autodiff import Value, backward, record, topological_order
from linviz.gradcheck import numerical_gradient

UNARY = {
    "neg": (lambda a: -a, lambda v: -v),
    "exp": (lambda a: a.exp(), math.exp),
    "log": (lambda a: a.log(), math.log),
    "reciprocal": (lambda a: a.reciprocal(), lambda v: 1 / v),
    "relu": (lambda a: a.relu(), lambda v: max(0.0, v)),
    "add_const": (lambda a: a + 2.5, lambda v: v + 2.5),
    "mul_const": (lambda a: -3.0 * a, lambda v: -3.0 * v),
    "sigmoid": (lambda a: a.sigmoid(), lambda v: 1 / (1 + math.exp(-v))),
    "rsub": (lambda a: 1 - a, lambda v: 1 - v),
    "rdiv": (lambda a: 2 / a, lambda v: 2 / v),
}
BINARY = {
    "add": (lambda a, b: a + b, lambda u, v: u + v),
    "mul": (lambda a, b: a * b, lambda u, v: u * v),
    "sub": (lambda a, b: a - b, lambda u, v: u - v),
    "div": (lambda a, b: a / b, lambda u, v: u / v),
}


POINTS = [(name, at) for name in sorted(UNARY) for at in (0.7, 1.9, -0.4) if not (name == "log" and at <= 0)]


@pytest.mark.parametrize("name, at", POINTS)  # log only at positive points (test_bad_inputs: log(0))
def test_unary_value_and_derivative(name, at):
    build, plain = UNARY[name]
    a = Value(at)
    out = build(a)
    backward(out)
    assert out.data == pytest.approx(plain(at), rel=1e-15)
    expected = numerical_gradient(lambda v: plain(float(v[0])), np.array([at]))[0]
    assert a.grad == pytest.approx(expected, rel=1e-8, abs=1e-10)


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_value_and_derivatives(name):
    build, plain = BINARY[name]
    a, b = Value(1.3), Value(-0.6)
    out = build(a, b)
    backward(out)
    assert out.data == pytest.approx(plain(1.3, -0.6), rel=1e-15)
    expected = numerical_gradient(lambda v: plain(float(v[0]), float(v[1])), np.array([1.3, -0.6]))
    np.testing.assert_allclose([a.grad, b.grad], expected, rtol=1e-8)


def test_a_reused_node_collects_the_gradient_of_every_use():
    a = Value(3.0)
    out = a * a + a  # d/da = 2a + 1
    backward(out)
    assert a.grad == 7.0
    backward(out)  # a second pass starts from zero again
    assert a.grad == 7.0


def relu(t):
    return t.relu() if isinstance(t, Value) else max(0.0, t)


def micrograd_expression(a, b):
    """An expression from micrograd's tests, with our primitives (no pow): its value and both gradients
    are compared with the same formula in plain floats and its numerical gradient."""
    c = a + b
    d = a * b + b * b * b
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + relu(b + a)
    d = d + 3 * d + relu(b - a)
    e = c - d
    f = e * e
    g = f / 2.0
    g = g + 10.0 / f
    return g


def test_an_oracle_expression():
    a, b = Value(-4.0), Value(2.0)
    g = micrograd_expression(a, b)
    backward(g)
    plain = lambda v: micrograd_expression(float(v[0]), float(v[1]))  # noqa: E731  the same code on floats
    assert g.data == pytest.approx(plain([-4.0, 2.0]), rel=1e-14)
    assert g.data == pytest.approx(24.70408163265306, rel=1e-14)  # micrograd's published value
    np.testing.assert_allclose([a.grad, b.grad], [138.83381924198252, 645.5772594752186], rtol=1e-12)
    np.testing.assert_allclose([a.grad, b.grad], numerical_gradient(plain, np.array([-4.0, 2.0])), rtol=1e-7)


@given(st.floats(-3, 3), st.floats(-3, 3), st.floats(0.1, 3))
def test_random_points_against_numerical_gradients(u, v, w):
    def build(p, q, r):
        return ((p * q).exp() + r.log() * p - q / r).sigmoid() * (q + 2.0)

    plain = lambda z: build(*(Value(t) for t in z)).data  # noqa: E731
    a, b, c = Value(u), Value(v), Value(w)
    backward(build(a, b, c))
    np.testing.assert_allclose([a.grad, b.grad, c.grad], numerical_gradient(plain, np.array([u, v, w])),
                               rtol=1e-6, atol=1e-8)


def test_topological_order_and_the_recorded_graph():
    x, y = Value(2.0, "x"), Value(-1.0, "y")
    out = (x * y + x).exp()
    order = topological_order(out)
    assert order[-1] is out and len(order) == 5
    for i, node in enumerate(order):
        assert all(order.index(p) < i for p in node.parents)
    g = record(out)
    assert g.size == 5 and g.output == 4 and g.op[-1] == "exp"
    assert g.label[g.index("x")] == "x" and g.op[g.index("y")] == "input"
    assert g.grad[g.output] == 1.0
    assert (g.src < g.dst).all() and len(g.src) == 5  # x*y has 2 inputs, + has 2, exp 1
    # each input's gradient is the sum of the chain-rule products on its outgoing edges
    for i in range(g.size - 1):
        assert g.grad[i] == pytest.approx(g.product[g.src == i].sum())
    assert g.grad[g.index("x")] == pytest.approx(math.exp(-2 + 2) * (-1 + 1))
    assert g.grad[g.index("y")] == pytest.approx(math.exp(0.0) * 2.0)
    with pytest.raises(ValueError, match="no node is labelled 'z'"):
        g.index("z")


def test_a_long_chain_has_no_recursion_limit():
    v = Value(0.0)
    out = v
    for _ in range(5000):
        out = out + 1.0
    backward(out)
    assert out.data == 5000 and v.grad == 1.0


def test_bad_inputs_say_what_went_wrong():
    with pytest.raises(ValueError, match="positive"):
        Value(0.0).log()
    with pytest.raises(ValueError, match="x = 0"):
        Value(0.0).reciprocal()
    with pytest.raises(ValueError, match="too large for float64"):
        Value(800.0).exp()
    assert Value(-800.0).exp().data == 0.0
