"""Losses as shapes: one example's hinge and cross-entropy loss against the true class's lead, with every example
of a score table as a dot (the Loss page, issue 10 item 1).

The x axis is the lead of the true class over its strongest rival, lead_i = s_{y_i} − max_{j≠y_i} s_j
(linviz.shapes.LossShapes.lead): positive when example i is classified correctly. The curves are the losses of an
example with ONE rival at that lead: the hinge max(0, Δ − x), 0 ("done") from its kink at x = Δ on, and the
cross-entropy log(1 + e^{−x}), which is never 0. Each example is drawn at (lead_i, L_i) with its TRUE loss L_i
(hinge and cross-entropy), so with C = 2 every dot lies on its curve; with C > 2 a dot lies on or above it, by
what the other rivals add (a hinge term max(0, s_j − s_{y_i} + Δ) for each other rival inside the margin; a bit
of every other e^{s_j} in the cross-entropy).
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from dashboard.figures.base import ALERT, GREY, INK, PALETTE, _axis, _figure, _layout, _trace
from dashboard.figures.format import short
from dashboard.figures.shared import below_the_mode_bar

HINGE_COLOR, CE_COLOR = PALETTE[0], PALETTE[1]
DONE_FILL = "rgba(0,158,115,0.10)"  # the hinge's flat zero region
LEAD_TITLE = "lead of the true class: s<sub>y</sub> − max<sub>j≠y</sub> s<sub>j</sub>"


def shapes_view(lead: np.ndarray, delta: float) -> tuple[float, float]:
    """The x range shown: every dot and the kink, with room on both sides (at least −2 … Δ + 2)."""
    lead = np.asarray(lead, dtype=float)
    lo = min(float(lead.min(initial=0.0)), -2.0)
    hi = max(float(lead.max(initial=0.0)), delta + 2.0)
    pad = 0.08 * (hi - lo)
    return lo - pad, hi + pad


def _labels(n: int, names) -> list[str]:
    return [str(names[i]) if names is not None and i < len(names) else f"i = {i}" for i in range(n)]


def loss_shapes_figure(shapes, selected: int | None = None, *, names=None, height: int = 430) -> go.Figure:
    """The two curves and the dots of `shapes` (linviz.shapes.LossShapes); `selected` (an example's row) drawn
    larger with a ring; `names` label the examples in the hover ("cat image", ...; default "i = 3")."""
    delta, x = float(shapes.delta), np.asarray(shapes.x, dtype=float)
    lead, hinge, ce = (np.asarray(v, dtype=float) for v in (shapes.lead, shapes.hinge_loss, shapes.ce_loss))
    labels = _labels(len(lead), names)
    hover = "%{text}<br>lead %{customdata[0]}<br>L<sub>i</sub> = %{customdata[1]}<extra>%{fullData.name}</extra>"
    traces = [
        _trace(go.Scatter, x=x, y=shapes.hinge, mode="lines", name="hinge, one rival: max(0, Δ − lead)",
               line=dict(color=HINGE_COLOR, width=3), hoverinfo="skip"),
        _trace(go.Scatter, x=x, y=shapes.cross_entropy, mode="lines",
               name="cross-entropy, one rival: log(1 + e<sup>−lead</sup>)",
               line=dict(color=CE_COLOR, width=3), hoverinfo="skip"),
    ]
    for name, values, color, symbol in (("L<sub>i</sub> hinge", hinge, HINGE_COLOR, "circle"),
                                        ("L<sub>i</sub> cross-entropy", ce, CE_COLOR, "diamond")):
        traces.append(_trace(
            go.Scatter, x=lead, y=values, mode="markers", name=name, text=labels, hovertemplate=hover,
            customdata=[[short(a), short(v)] for a, v in zip(lead, values)],
            marker=dict(color=color, symbol=symbol, size=9, opacity=0.75, line=dict(color="white", width=1))))
    if selected is not None and 0 <= selected < len(lead):
        traces.append(_trace(
            go.Scatter, x=[lead[selected]] * 2, y=[hinge[selected], ce[selected]], mode="markers",
            name=f"selected: {labels[selected]}", text=[labels[selected]] * 2, hovertemplate=hover,
            customdata=[[short(lead[selected]), short(v)] for v in (hinge[selected], ce[selected])],
            marker=dict(color=[HINGE_COLOR, CE_COLOR], symbol=["circle", "diamond"], size=17,
                        line=dict(color=ALERT, width=3))))
    lo, hi = shapes_view(lead, delta)
    shown = (x >= lo) & (x <= hi)
    top = max(float(np.nanmax(np.concatenate([hinge, ce, shapes.hinge[shown], shapes.cross_entropy[shown]]))), 1.0)
    shapes_drawn = [
        dict(type="rect", xref="x", yref="paper", x0=delta, x1=hi, y0=0, y1=1, fillcolor=DONE_FILL, line_width=0,
             layer="below"),
        dict(type="line", xref="x", yref="paper", x0=delta, x1=delta, y0=0, y1=1,
             line=dict(color=GREY, width=1.5, dash="dot")),
    ]
    notes = [dict(x=delta, y=0, xref="x", yref="y", text=f"kink at lead = Δ = {short(delta)}", showarrow=True,
                  arrowhead=2, ax=40, ay=-60, font=dict(color=INK), bgcolor="rgba(255,255,255,0.8)"),
             dict(x=1.0, y=0.97, xref="paper", yref="paper", xanchor="right", yanchor="top", showarrow=False,
                  xshift=-8,  # (clear of the plot's right edge)
                  text="hinge = 0 here: “done”<br>cross-entropy > 0: still pushing", font=dict(color=INK),
                  bgcolor="rgba(255,255,255,0.8)")]
    axes = dict(xaxis=_axis(LEAD_TITLE, range=[lo, hi], zeroline=True),
                yaxis=_axis("loss L<sub>i</sub>", range=[-0.04 * top, 1.08 * top], zeroline=True))
    layout = _layout(traces, height, axes=axes, annotations=notes, shapes=shapes_drawn, legend_width=760)
    below_the_mode_bar(layout, height)  # (at 1280 px its first row reached under the toolbar)
    return _figure(traces, layout)
