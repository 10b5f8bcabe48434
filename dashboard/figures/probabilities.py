"""Scores as probabilities: the softmax pipeline of one example as bars, the slide's KL example, and the binary
rule of a two-class classifier (one score f(x), its sign, and σ(f) = the two-class softmax).

Pure functions, numbers in and go.Figure out (the contract of dashboard/figures/base.py); every number is written
by dashboard.figures.format.short, as the Loss page's pipeline table writes it.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from dashboard.figures.base import (
    _OUTLINE,
    FONT_SIZE,
    GREY,
    INK,
    STAR,
    SYMBOLS,
    _figure,
    _layout,
    _names,
    _panels,
    _sub,
    _trace,
    class_color,
    region_color,
)
from dashboard.figures.format import short
from dashboard.figures.input_space import _box, _input_axes, _point_traces
from linviz import geometry
from linviz.binary import sigmoid

PIPELINE_TITLES = ("s", "exp(s)", "p")
P_BAR_PX = 56  # the bar of p = 1: every p is drawn to the same 0-to-1 scale
KL_HEIGHT = 330  # the Likelihood & KL page's chart
FONT_PX = 15  # as readable from the back of a room as the formula beside it


def pipeline_columns(s) -> dict[str, np.ndarray]:
    """The three columns the bars show, as loss_scene.softmax_pipeline computes them: s, exp(s) (inf where it
    overflows) and the probabilities p (computed stably, after subtracting max s)."""
    s = np.asarray(s, dtype=float)
    with np.errstate(over="ignore"):
        e = np.exp(s)
    z = np.exp(s - s.max())
    return {"s": s, "exp(s)": e, "p": z / z.sum()}


def _cell(value: float, color: str | None = None) -> str:
    """One cell: the number as format.short writes it, after a bar of length p · P_BAR_PX when color is given.

    Only p has a bar: s and exp(s) have no scale of their own (at t = 0 the scores are ~0.003, their bars would be
    empty and the exp(s) bars all equal), p has one, 0 to 1."""
    bar = ""
    if color is not None:
        length = round(P_BAR_PX * min(max(value, 0.0), 1.0)) if np.isfinite(value) else 0
        bar = (f'<span style="display:inline-block;width:{P_BAR_PX}px;background:#EEEEEE;'
               f'vertical-align:middle"><span style="display:block;width:{length}px;height:{FONT_PX - 3}px;'
               f'background:{color}"></span></span>')
    return f'<td style="padding:0 4px;white-space:nowrap;text-align:right">{bar} {short(value)}</td>'


def pipeline_bars_html(s, class_names=None) -> str:
    """One example's scores s (C,) -> exp(s) -> probabilities as a small HTML table, a row per class in its colour:
    s and exp(s) as numbers, p as a bar on a 0-to-1 scale with its number (format.short, as the Loss page's
    pipeline table writes them). HTML, not a Plotly chart: it sits next to the algebraic view without delaying
    the chart."""
    columns = pipeline_columns(s)
    C = len(columns["s"])
    names = _names(class_names, C)
    head = "".join(f'<th style="padding:0 4px;text-align:right;font-weight:600">{t}</th>' for t in PIPELINE_TITLES)
    rows = []
    for k in range(C):
        color = class_color(k)
        cells = "".join(_cell(float(v[k]), color if name == "p" else None) for name, v in columns.items())
        rows.append(f'<tr><td style="padding:0 4px;color:{color};font-weight:600" title="{names[k]}">{k}</td>'
                    f"{cells}</tr>")
    line = FONT_PX + (2 if C <= 4 else 1)  # rows a little tighter for many classes
    return (f'<table style="border-collapse:collapse;font-size:{FONT_PX}px;line-height:{line}px;border:none;'
            f'font-variant-numeric:tabular-nums" aria-label="scores, exp(s) and probabilities of the selected '
            f'example (bars: p, from 0 to 1)"><tr><th style="padding:0 4px;text-align:left">k</th>{head}</tr>'
            f'{"".join(rows)}</table>')


# ---------------------------------------------------------------- the slide's KL example
def kl_figure(p_star, p_hat, true_class: int) -> go.Figure:
    """Left: p* (one-hot) and p̂ as bars per class. Right: −log q for q in (0, 1], with the dot at q = p̂_y: the
    height of the dot is KL(p*‖p̂) = −log p̂_y."""
    p_star, p_hat = np.asarray(p_star, dtype=float), np.asarray(p_hat, dtype=float)
    K, y = len(p_hat), int(true_class)
    classes = [str(k + 1) for k in range(K)]  # numbered 1 … K, as on the slide (Y = 1 … 8)
    axes, notes = _panels([1.3, 1], 0.12, ["p* (truth) and p̂ (prediction)", "−log p̂_y: the loss of the truth"])
    bars = [_trace(go.Bar, x=classes, y=p_star, name="p* (one-hot)", marker=dict(color="#BBBBBB", line=_OUTLINE),
                   hovertemplate="class %{x}: p* = %{y}<extra></extra>"),
            _trace(go.Bar, x=classes, y=p_hat, name="p̂", marker=dict(color=["#0072B2"] * K, line=_OUTLINE),
                   text=[short(v, 3) for v in p_hat], textposition="outside", cliponaxis=False,
                   # (readable on a projector: Plotly shrank the labels to the bars' width, ~9 px)
                   constraintext="none", textfont=dict(size=FONT_SIZE - 2),
                   hovertemplate="class %{x}: p̂ = %{text}<extra></extra>")]
    q = np.geomspace(1e-3, 1.0, 200)
    q_y = float(p_hat[y])
    loss = -np.log(q_y) if q_y > 0 else np.inf
    shown = min(loss, -np.log(1e-3))
    curve = [_trace(go.Scatter, x=q, y=-np.log(q), mode="lines", name="−log q", line=dict(color=INK, width=3),
                    xaxis="x2", yaxis="y2", hovertemplate="q = %{x:.3f}, −log q = %{y:.3f}<extra></extra>"),
             _trace(go.Scatter, x=[max(q_y, 1e-3)], y=[shown], mode="markers+text", name=f"p̂{_sub(y + 1)}",
                    marker=dict(size=15, color=STAR, line=_OUTLINE), text=[f"−log p̂{_sub(y + 1)} = {short(loss, 3)}"],
                    textposition="top right" if q_y < 0.5 else "top left", cliponaxis=False,
                    xaxis="x2", yaxis="y2", hoverinfo="skip")]
    axes["xaxis"].update(title=dict(text="class k"), type="category")
    axes["yaxis"].update(title=dict(text="probability"), range=[0, 1.12])
    axes["xaxis2"].update(title=dict(text="q = p̂_y"), range=[0, 1.02])
    axes["yaxis2"].update(range=[0, -np.log(1e-3) * 1.1])
    traces = bars + curve
    # 330 px: under the page's two controls, the chart with its tick labels ends above 720 px (a 1280x720 projector)
    layout = _layout(traces, KL_HEIGHT, axes=axes, annotations=notes, subtitles=True, bargap=0.2, barmode="group")
    return _figure(traces, layout)


# ---------------------------------------------------------------- the binary rule (C = 2)
def sign_regions(w, b, bounds) -> tuple[list, list]:
    """The polygons of f(x) = w·x + b < 0 (class 0) and f(x) >= 0 (class 1) inside bounds."""
    xmin, xmax, ymin, ymax = _box(bounds)
    box = [(xmin, ymin), (xmax, ymin), (xmax, ymax), (xmin, ymax)]
    w0, w1, b = float(w[0]), float(w[1]), float(b)
    return (geometry.clip_half_plane(box, -w0, -w1, -b, strict=True), geometry.clip_half_plane(box, w0, w1, b))


def binary_line(w, b, bounds) -> list | None:
    """The two end points of f(x) = 0 inside bounds (None when w = 0 or the line misses the view)."""
    return geometry.line_in_box(float(w[0]), float(w[1]), float(b), _box(bounds))


def binary_figure(X, y, w, b, bounds, selected: int = 0, class_names=None) -> go.Figure:
    """Left: the plane split by the one line f(x) = w·x + b = 0 into f < 0 (class 0) and f >= 0 (class 1).
    Right: σ(f) against f, every training point at (f(x_i), σ(f(x_i))) and the selected one ringed."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=int)
    w, b = np.asarray(w, dtype=float), float(b)
    names = _names(class_names, 2)
    axes, notes = _panels([1, 1.15], 0.12, ["f(x) = 0: one line, two sign regions", "σ(f) = p₁ (softmax, C = 2)"])
    traces = []
    for k, poly in enumerate(sign_regions(w, b, bounds)):
        traces.append(_trace(go.Scatter, x=[p[0] for p in poly], y=[p[1] for p in poly], mode="lines", fill="toself",
                             fillcolor=region_color(k), line=dict(width=0), hoverinfo="skip", showlegend=False,
                             name="f < 0" if k == 0 else "f ≥ 0"))
    seg = binary_line(w, b, bounds) or []
    traces.append(_trace(go.Scatter, x=[p[0] for p in seg], y=[p[1] for p in seg], mode="lines", name="f(x) = 0",
                         line=dict(color=INK, width=3.5), hoverinfo="skip"))
    points = _point_traces(X, y, 2, names)
    for t in points:
        t.showlegend = False  # (the σ panel's markers carry the legend)
    traces += points
    f = X @ w + b
    sel = min(max(int(selected), 0), len(X) - 1)
    traces.append(_trace(go.Scatter, x=[X[sel, 0]], y=[X[sel, 1]], mode="markers", name="selected", showlegend=False,
                         marker=dict(size=22, color="rgba(0,0,0,0)", line=dict(color=STAR, width=3.5)),
                         hoverinfo="skip"))
    reach = max(4.0, float(np.abs(f).max(initial=0.0)) * 1.05)
    fs = np.linspace(-reach, reach, 201)
    traces.append(_trace(go.Scatter, x=fs, y=sigmoid(fs), mode="lines", name="σ(f)", line=dict(color=INK, width=3),
                         xaxis="x2", yaxis="y2", hoverinfo="skip", showlegend=False))
    for k in range(2):
        mine = y == k
        traces.append(_trace(go.Scatter, x=f[mine], y=sigmoid(f[mine]), mode="markers", name=names[k],
                             marker=dict(symbol=SYMBOLS[k], size=8, color=class_color(k), line=_OUTLINE),
                             xaxis="x2", yaxis="y2", customdata=np.flatnonzero(mine),
                             hovertemplate="#%{customdata}: f = %{x:.3f}, σ(f) = %{y:.3f}<extra></extra>"))
    traces.append(_trace(go.Scatter, x=[f[sel]], y=[sigmoid(f[sel])], mode="markers", name=f"example {sel}",
                         showlegend=False,
                         marker=dict(size=18, color="rgba(0,0,0,0)", line=dict(color=STAR, width=3.5)),
                         xaxis="x2", yaxis="y2", hoverinfo="skip"))
    for name, props in _input_axes(bounds).items():
        axes[name].update(props)
    axes["xaxis2"].update(title=dict(text="f(x) = s₁ − s₀"), zeroline=True, zerolinecolor=GREY)
    axes["yaxis2"].update(title=dict(text="σ(f)"), range=[-0.05, 1.05])
    shapes = [dict(type="line", xref="x2", yref="y2", x0=-reach, x1=reach, y0=0.5, y1=0.5,
                   line=dict(color=GREY, width=1.5, dash="dot"))]
    layout = _layout(traces, 460, axes=axes, annotations=notes, shapes=shapes, subtitles=True)
    layout["legend"]["traceorder"] = "normal"  # one row (the points' legend groups would stack it)
    return _figure(traces, layout)


