"""Computation graph: the lecture's -log(1 / (1 + e^(-w.x))) composed from simple functions, its forward and
backward pass node by node, the four ways to its gradient, and the classifier's loss through the same autodiff."""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import gradient_compute as gc
from dashboard import gradient_text as tex
from dashboard import pages, state
from dashboard.common import context, page
from dashboard.config import LOSS_LABELS, SCHEMA
from dashboard.figures.format import short
from linviz.compgraph import to_dot
from linviz.gradcheck import relative_error

# Streamlit draws every text of a graphviz chart at 0.6 rem (10.2 px in the SVG's units, whatever the DOT asks), so
# the layout uses that size too and the chart is stretched to its column: the text grows with it (~16 px at 1280 px).
DOT_STYLE = ('  node [fontname="Helvetica", fontsize=10, margin="0.05,0.02"];\n'
             '  edge [fontname="Helvetica", fontsize=10];\n  ranksep=0.18; nodesep=0.2;')
GRAPH_PX = 480  # the lecture's graph is ~285 units wide: at 480 px its text is ~17 px (less in a narrower column)
INPUTS = {"cg_w1": "w₁", "cg_w2": "w₂", "cg_x1": "x₁", "cg_x2": "x₂"}


def move(to) -> None:
    """The stepper: to is a step number or a function of the current one."""
    step = to(state.load().cg_step) if callable(to) else to
    state.update(cg_step=int(np.clip(step, 0, SCHEMA["cg_step"].hi)))


def readable(dot: str, highlight: int | None = None) -> str:
    """linviz.compgraph.to_dot's text laid out for the size Streamlit draws its text at, tightly, with node
    `highlight` (the one just computed) in red: the same graph."""
    lines = [two_lines(line) for line in dot.splitlines() if not line.lstrip().startswith(("node [", "edge ["))]
    mark = [] if highlight is None else [f'  n{highlight} [color="{tex.RED}", fontcolor="{tex.RED}", penwidth=3];']
    return "\n".join(lines[:2] + [DOT_STYLE] + lines[2:-1] + mark + lines[-1:])


def two_lines(line: str) -> str:
    """An edge's chain-rule label 'local × upstream = product' on two lines ('= product' under it): the four edge
    labels side by side under the inputs are what made the finished graph wide, and its text small (10 px at
    1280 px); on two lines the graph is ~30% narrower and its text ~40% larger."""
    if "->" not in line or " = " not in line:
        return line
    return line.replace(" = ", "\\n= ", 1)


def inputs(cfg) -> tuple[tuple[float, float], tuple[float, float]]:
    lo, hi = SCHEMA["cg_w1"].lo, SCHEMA["cg_w1"].hi
    cols = st.columns(4)
    values = [col.number_input(label, lo, hi, step=0.1, format="%.2f",
                               **state.number_field(name, getattr(cfg, name), label, lo, hi))
              for col, (name, label) in zip(cols, INPUTS.items())]
    return (float(values[0]), float(values[1])), (float(values[2]), float(values[3]))


def stepper(graph, step: int) -> None:
    n = graph.size
    b = st.columns(5)
    b[0].button("Back", key="cg_back", icon=":material/skip_previous:", disabled=step == 0, width="stretch",
                on_click=move, args=(lambda s: s - 1,))
    b[1].button("Next node", key="cg_next", icon=":material/skip_next:", disabled=step >= 2 * n, width="stretch",
                on_click=move, args=(lambda s: s + 1,), help="Forward: compute the next value; then backward: "
                                                              "pass the gradient to the next node")
    b[2].button("All forward", key="cg_forward", disabled=step >= n, help="The whole forward pass",
                width="stretch", on_click=move, args=(n,))
    b[3].button("All backward", key="cg_backward", disabled=step >= 2 * n, help="The whole backward pass",
                width="stretch", on_click=move, args=(2 * n,))
    b[4].button("Reset", key="cg_reset", icon=":material/replay:", disabled=step == 0, width="stretch",
                on_click=move, args=(0,))


def current_node(n: int, step: int) -> int | None:
    """The node the last step computed: forward 0 .. n - 1, then backward n - 1 .. 0."""
    return None if step == 0 else step - 1 if step <= n else n - (step - n)


def describe(graph, step: int) -> None:
    """What the last step did: a node's value (forward) or a node's gradient by the chain rule (backward)."""
    n = graph.size
    if step == 0:
        st.markdown("**Nothing computed yet.** *Next node* runs the forward pass one node at a time (inputs first), "
                    "then the backward pass from the output back to the inputs.")
    elif step <= n:
        st.markdown(f"**Forward pass**, node {step} of {n} (red in the graph):")
        st.latex(tex.forward_step(graph, current_node(n, step)))
    else:
        st.markdown(f"**Backward pass**, node {step - n} of {n} (red): the chain rule — the local derivative × the "
                    "gradient arriving from the node above, summed over the edges out of this node:")
        st.latex(tex.backward_step(graph, current_node(n, step)))


def compare(graph, closed, numerical, w, x) -> None:
    """The autodiff gradient beside the closed form (with its numbers) and the numerical gradient."""
    auto = np.array([graph.grad[graph.index("w1")], graph.grad[graph.index("w2")]])
    st.markdown("**Equal to the closed form and to the numerical gradient:**")
    st.latex(rf"\text{{autodiff: }} ({tex.num(auto[0], 6)},\ {tex.num(auto[1], 6)})")
    score = float(np.dot(w, x))  # (the closed form's own value is closed[1]; w.x is only written out)
    st.latex(rf"\mathbf{{w}}\cdot\mathbf{{x}} = {tex.num(w[0])} \cdot {tex.paren(x[0])} + {tex.paren(w[1])} \cdot "
             rf"{tex.paren(x[1])} = {tex.num(score)}")
    st.latex(rf"(\sigma({tex.num(score)}) - 1)\,({tex.num(x[0])}, {tex.num(x[1])})")
    st.latex(rf"= ({tex.num(closed[1][0], 6)},\ {tex.num(closed[1][1], 6)})")
    st.latex(rf"\text{{numerical: }} ({tex.num(numerical[0], 6)},\ {tex.num(numerical[1], 6)})")
    st.markdown(f"L = {graph.value[-1]:.6g} (closed form log(1 + e^(−w·x)) = {closed[0]:.6g}). Relative error of "
                f"the autodiff against the closed form **{relative_error(auto, closed[1]):.1e}**, of the numerical "
                f"gradient **{relative_error(numerical, closed[1]):.1e}**.")


def four_ways_table(ways) -> pd.DataFrame:
    return pd.DataFrame({"∂L/∂w₁": ways.gradient[:, 0], "∂L/∂w₂": ways.gradient[:, 1],
                         "error vs symbolic": ways.error, "cost": list(ways.cost),
                         "exact?": ["exact (up to rounding)", "exact", "approximate (O(h²))",
                                    "exact (up to rounding)"]}, index=list(ways.names))


def bridge(ctx, cfg) -> None:
    """One example of the classifier through the same autodiff, against linviz.losses."""
    st.subheader("The bridge: one example of the classifier, through the same autodiff")
    N = len(ctx.X)
    i = st.number_input("Example i", 0, N - 1, **state.number_field("point", min(cfg.point, N - 1), "Example i", 0,
                                                                    N - 1),
                        help="The example selected on the Classifier page")
    cfg, _ = state.commit(cfg.replace(point=int(i)))
    graph_i, engine = gc.example_graph(ctx.W, ctx.b, ctx.X[int(i)], int(ctx.y[int(i)]), cfg.loss, cfg.margin)
    err = relative_error(np.r_[graph_i.dW.ravel(), graph_i.db], np.r_[engine.dW.ravel(), engine.db])
    st.markdown(f"L_{int(i)} of the {LOSS_LABELS[cfg.loss]} at step t = {ctx.t} (no regularization: one example's "
                f"data term), built from the same primitives: **{graph_i.graph.size} nodes**, L_i = "
                f"{graph_i.loss:.6g} (linviz.losses: {engine.loss:.6g}). Largest relative error of the autodiff "
                f"gradient against linviz.losses: **{err:.1e}**.")
    C, D = ctx.W.shape
    if D > 2:  # an image's pixels: a table of C x 65 numbers and a graph of thousands of nodes are unreadable
        st.caption(f"With {D} pixels the gradient has {C} × {D + 1} entries and the graph {graph_i.graph.size} "
                   "nodes: the table and the drawing of the graph are shown for the 2-D data sets only.")
        return
    rows = [f"class {k}" for k in range(C)]
    cols = [f"w{'₁₂'[d]}" for d in range(D)] + ["b"]
    auto = np.column_stack([graph_i.dW, graph_i.db])
    ref = np.column_stack([engine.dW, engine.db])
    table = pd.concat({"autodiff": pd.DataFrame(auto, index=rows, columns=cols),
                       "linviz.losses": pd.DataFrame(ref, index=rows, columns=cols)}, axis=1)
    st.dataframe(table.style.format(lambda v: short(v, 6)), width="stretch")
    with st.expander(f"The graph of L_{int(i)} ({graph_i.graph.size} nodes)"):
        st.graphviz_chart(readable(to_dot(graph_i.graph, rankdir="TB")), width="stretch")


def body():
    ctx = context(through_t=True)
    cfg = ctx.cfg
    st.header(pages.by_file(__file__).heading)
    st.latex(r"L(\mathbf{w}) = -\log\left(\frac{1}{1 + e^{-\mathbf{w}\cdot\mathbf{x}}}\right) = "
             r"-\log \sigma(\mathbf{w}\cdot\mathbf{x}), \qquad \frac{\partial L}{\partial \mathbf{w}} = "
             r"\big(\sigma(\mathbf{w}\cdot\mathbf{x}) - 1\big)\,\mathbf{x}")
    w, x = inputs(cfg)
    graph, closed, numerical, ways = gc.logistic(w, x)
    n = graph.size
    step = min(cfg.cg_step, 2 * n)
    cfg, _ = state.commit(cfg.replace(cg_w1=w[0], cg_w2=w[1], cg_x1=x[0], cg_x2=x[1], cg_step=step))
    stepper(graph, step)
    left, right = st.columns([0.58, 0.42], gap="medium")
    with left:
        dot = to_dot(graph, forward_steps=min(step, n), backward_steps=max(step - n, 0), rankdir="TB")
        st.graphviz_chart(readable(dot, current_node(n, step)), width=GRAPH_PX)
    with right:
        st.caption(f"Step {step} of {2 * n}. Multiply, add, negate, exp, + 1, reciprocal, log, negate: each node "
                   "knows only its own derivative; on the edges, local × upstream = product once the gradient "
                   "reaches them.")
        describe(graph, step)
        compare(graph, closed, numerical, w, x)
    st.subheader("Four ways to the gradient")
    st.table(four_ways_table(ways).style.format({"∂L/∂w₁": lambda v: short(v, 8), "∂L/∂w₂": lambda v: short(v, 8),
                                                 "error vs symbolic": "{:.1e}"}))
    bridge(ctx, cfg)


page(body)
