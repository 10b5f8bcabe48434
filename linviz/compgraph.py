"""Computation graphs of linviz.autodiff: the lecture's closing example, one example of the classifier's
loss, the four ways to a gradient side by side, and the DOT text a page hands to st.graphviz_chart.

The lecture: "Given a library of simple functions, compose into a complicated function"

    -log(1 / (1 + e^(-w.x)))  =  -log sigma(w.x),   whose gradient is (sigma(w.x) - 1) x.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from linviz._checks import check_data, check_params
from linviz.autodiff import Graph, Value, record
from linviz.gradcheck import numerical_gradient, relative_error
from linviz.losses import canonical_loss_name

MAX_NODES = 2000  # a graph a browser can still lay out


# ---------------------------------------------------------------- the lecture's example
def _vector(name: str, v) -> np.ndarray:
    v = np.asarray(v, dtype=float).ravel()
    if not 1 <= v.size <= 10 or not np.isfinite(v).all():
        raise ValueError(f"{name} must hold 1 to 10 finite numbers, got {v.size}")
    return v


def logistic_value(w, x) -> Value:
    """-log(1 / (1 + e^(-w.x))) built from multiply, add, negate, exp, + 1, reciprocal and log."""
    w, x = _vector("w", w), _vector("x", x)
    if w.size != x.size:
        raise ValueError(f"w and x must have the same length, got {w.size} and {x.size}")
    ws = [Value(v, f"w{j + 1}") for j, v in enumerate(w)]
    xs = [Value(v, f"x{j + 1}") for j, v in enumerate(x)]
    score = ws[0] * xs[0]
    for wj, xj in zip(ws[1:], xs[1:]):
        score = score + wj * xj  # w.x
    probability = (1 + (-score).exp()).reciprocal()  # sigma(w.x) = 1 / (1 + e^(-w.x))
    return -probability.log()


def logistic_graph(w=(0.5, -1.0), x=(1.5, 2.0)) -> Graph:
    """The recorded graph of logistic_value, gradients filled in (labels w1, w2, x1, x2)."""
    return record(logistic_value(w, x))


def logistic_closed_form(w, x) -> tuple[float, np.ndarray, np.ndarray]:
    """(L, dL/dw, dL/dx) = (log(1 + e^(-w.x)), (sigma(w.x) - 1) x, (sigma(w.x) - 1) w)."""
    w, x = _vector("w", w), _vector("x", x)
    s = float(w @ x)
    sigma = 1.0 / (1.0 + math.exp(-s))
    return math.log1p(math.exp(-s)), (sigma - 1.0) * x, (sigma - 1.0) * w


# ---------------------------------------------------------------- one example of the classifier
@dataclass(frozen=True, eq=False)
class ClassifierGraph:
    """One example's loss L_i through the autodiff: the graph, L_i, and dL_i/dW (C, D), dL_i/db (C,)."""

    graph: Graph
    loss: float
    dW: np.ndarray
    db: np.ndarray


def classifier_graph(W, b, x, y: int, *, loss: str = "softmax", margin: float = 1.0) -> ClassifierGraph:
    """L_i of linviz.losses for the single example (x (D,), y) at W (C, D), b (C,); x enters as constants."""
    X, ys = check_data(np.asarray(x, dtype=float).reshape(1, -1), [y])
    W, b = check_params(W, b, D=X.shape[1])
    X, ys = check_data(X, ys, W.shape[0])
    loss = canonical_loss_name(loss)
    C, D = W.shape
    if C * (D + 8) > MAX_NODES:
        raise ValueError(f"a graph of C = {C} classes and D = {D} features would not fit in {MAX_NODES} nodes")
    x, y = X[0], int(ys[0])
    Ws = [[Value(W[k, d], f"W[{k},{d}]") for d in range(D)] for k in range(C)]
    bs = [Value(b[k], f"b[{k}]") for k in range(C)]
    scores = []
    for k in range(C):
        s = Ws[k][0] * x[0]
        for d in range(1, D):
            s = s + Ws[k][d] * x[d]
        scores.append(s + bs[k])  # s_k = w_k . x + b_k
    if loss == "softmax":
        # L = log sum_k e^(s_k - c) - (s_y - c) with the constant c = max_k s_k: no exponent is positive
        c = max(s.data for s in scores)
        shifted = [s - c for s in scores]
        total = shifted[0].exp()
        for z in shifted[1:]:
            total = total + z.exp()
        L = total.log() - shifted[y]
    else:
        if loss == "svm":  # sum over j != y of max(0, s_j - s_y + margin)
            terms = [(scores[j] - scores[y] + margin).relu() for j in range(C) if j != y]
        else:  # one-vs-all: sum over j of max(0, margin - t_j s_j), t_j = +1 for j = y, else -1
            terms = [(scores[j] * (-1.0 if j == y else 1.0) + margin).relu() for j in range(C)]
        L = terms[0]
        for term in terms[1:]:
            L = L + term
    graph = record(L)
    return ClassifierGraph(graph=graph, loss=L.data, dW=np.array([[v.grad for v in row] for row in Ws]),
                           db=np.array([v.grad for v in bs]))


# ---------------------------------------------------------------- the four ways, side by side
@dataclass(frozen=True, eq=False)
class FourWays:
    """The gradient of -log sigma(w.x) four ways: names (4,), gradient (4, D), error (4,) against the
    symbolic formula, cost (4,) in words."""

    names: tuple[str, ...]
    gradient: np.ndarray
    error: np.ndarray
    cost: tuple[str, ...]


def four_ways(w=(0.5, -1.0), x=(1.5, 2.0), *, h: float = 1e-5) -> FourWays:
    w, x = _vector("w", w), _vector("x", x)
    # manual: the chain rule by hand, stage by stage: s = w.x, u = e^-s, p = 1 / (1 + u), L = -log p
    s = float(w @ x)
    u = math.exp(-s)
    p = 1.0 / (1.0 + u)
    dL_dp = -1.0 / p
    dp_du = -1.0 / (1.0 + u) ** 2
    du_ds = -u
    manual = dL_dp * dp_du * du_ds * x  # ds/dw = x
    symbolic = logistic_closed_form(w, x)[1]
    numerical = numerical_gradient(lambda v: logistic_value(v, x).data, w, h=h)
    graph = logistic_graph(w, x)
    automatic = np.array([graph.grad[graph.index(f"w{j + 1}")] for j in range(w.size)])
    gradients = np.array([manual, symbolic, numerical, automatic])
    return FourWays(
        names=("manual", "symbolic", "numerical", "automatic"), gradient=gradients,
        error=np.array([relative_error(g, symbolic) for g in gradients]),
        cost=("one forward and one backward pass, derived and coded by hand",
              "one formula, derived once (by hand or by a computer algebra system)",
              f"{2 * w.size} evaluations of the function (2 per weight), approximate",
              f"one forward and one backward pass over {graph.size} nodes, derived by the program"),
    )


# ---------------------------------------------------------------- DOT text for st.graphviz_chart
def _number(v: float, digits: int) -> str:
    return f"{float(v) + 0.0:.{digits}g}"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(graph: Graph, *, forward_steps: int | None = None, backward_steps: int | None = None,
           digits: int = 3, rankdir: str = "LR") -> str:
    """The graph as DOT text: inputs on the left and the output on the right (rankdir "LR"), or top to
    bottom ("TB", for long graphs in a narrow column).

    forward_steps: how many nodes (in topological order) show their value (default: all).
    backward_steps: how many nodes (from the output back) show their gradient (default: all); the edges
    into a node whose gradient is shown carry the chain-rule product 'local x upstream = product'.
    """
    if rankdir not in ("LR", "TB"):
        raise ValueError(f"rankdir must be 'LR' or 'TB', got {rankdir!r}")
    n = graph.size
    forward = n if forward_steps is None else int(np.clip(forward_steps, 0, n))
    backward = n if backward_steps is None else int(np.clip(backward_steps, 0, n))
    lines = ["digraph {", f"  rankdir={rankdir};", '  node [fontname="Helvetica", fontsize=11];',
             '  edge [fontname="Helvetica", fontsize=9];']
    for i in range(n):
        is_input = graph.op[i] == "input"
        text = [graph.label[i] if is_input else graph.op[i]]
        if i < forward:
            text.append(f"= {_number(graph.value[i], digits)}")
        if i >= n - backward:
            text.append(f"grad {_number(graph.grad[i], digits)}")
        style = 'shape=ellipse, style=filled, fillcolor="#e8f0fe"' if is_input else "shape=box"
        if i == graph.output:
            style += ", penwidth=2"
        lines.append(f"  n{i} [label={_quote(chr(10).join(text))}, {style}];")
    for src, dst, local, product in zip(graph.src, graph.dst, graph.local, graph.product):
        if dst >= n - backward:
            text = f"{_number(local, digits)} × {_number(graph.grad[dst], digits)} = {_number(product, digits)}"
        else:
            text = f"local {_number(local, digits)}" if dst < forward else ""
        lines.append(f"  n{src} -> n{dst} [label={_quote(text)}];")
    lines.append("}")
    return "\n".join(lines)
