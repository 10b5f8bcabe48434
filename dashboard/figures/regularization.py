"""Regularization made visible: data loss, penalty λR(W) and their sum along a line through W (one panel per
penalty), and each entry of W against the step for λ = 0 and a chosen λ.

Pure functions (the contract of dashboard/figures/base.py): linviz.slices.Line / linviz.regularization.WeightPaths
in, go.Figure out.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from dashboard.figures.base import GREY, INK, _figure, _layout, _panels, _sub, _trace, class_color
from dashboard.figures.format import short

PENALTY_TITLES = {"l2": "L2: R(W) = Σ W²", "l1": "L1: R(W) = Σ |W|", "none": "none: R(W) = 0"}
PARTS = (("data_values", "data loss", "#0072B2", "solid"), ("reg_values", "penalty λR(W)", "#D55E00", "dash"),
         ("values", "total = data + λR", INK, "solid"))
FEATURE_DASH = ("solid", "dash")  # w_k1 solid, w_k2 dashed
FEATURE_SYMBOL = ("circle", "circle-open")  # ... or, drawn as dots, w_k1 filled and w_k2 open


def _finite(v) -> np.ndarray:
    v = np.asarray(v, dtype=float)
    return v[np.isfinite(v)]


def _shown_top(lines) -> float:
    """The top of the panels' common y axis: every curve when they are of a size, else the data loss whole and
    three times the lowest total, the penalty leaving through the top. With λ = 10 the penalty reached 350 at the
    ends of the line and the data loss (~0.2 to 3) was a flat line on the axis."""
    lines = list(lines)
    everything = max(float(np.max(_finite(line.values), initial=0.0)) for line in lines)
    data = max(float(np.max(_finite(line.data_values), initial=0.0)) for line in lines)
    lowest_total = max(float(np.min(_finite(line.values), initial=0.0)) for line in lines)
    return max(min(everything, max(data, 3.0 * lowest_total)), 1e-9)


def penalty_lines_figure(lines: dict, reg: float) -> go.Figure:
    """One panel per penalty (lines: name -> Line along θ + s·d with d = (W, 0), its ts the s): the data loss, λR(W)
    and their sum against s. s = 0 is the current W, s = −1 is W = 0 (where every penalty is 0). (s, not t: on the
    page t is the training step.)"""
    names = list(lines)
    axes, notes = _panels([1] * len(names), 0.06, [PENALTY_TITLES.get(n, n) for n in names])
    top = _shown_top(lines.values())
    traces, shapes = [], []
    for i, name in enumerate(names, start=1):
        line, ax = lines[name], "" if i == 1 else str(i)
        for attr, label, color, dash in PARTS:
            traces.append(_trace(go.Scatter, x=line.ts, y=getattr(line, attr), mode="lines", name=label,
                                 legendgroup=label, showlegend=i == 1, line=dict(color=color, width=3, dash=dash),
                                 xaxis=f"x{ax}", yaxis=f"y{ax}",
                                 hovertemplate="s = %{x:.2f}: %{y:.4f}<extra>" + label + "</extra>"))
        for s in (0.0, -1.0):  # the current W and W = 0
            shapes.append(dict(type="line", xref=f"x{ax}", yref=f"y{ax} domain", x0=s, x1=s, y0=0, y1=1,
                               line=dict(color=GREY, width=1.5, dash="dot")))
        axes[f"xaxis{ax}"].update(title=dict(text="s  (W → (1 + s)·W)"))
        axes[f"yaxis{ax}"].update(range=[0, top * 1.05], showticklabels=i == 1)
    axes["yaxis"].update(title=dict(text="loss"))
    title = f"λ = {short(reg)}: the penalty is added once to the mean data loss"
    layout = _layout(traces, 420, title, axes=axes, annotations=notes, shapes=shapes, subtitles=True,
                     legend_width=900)
    return _figure(traces, layout)


MANY_ENTRIES = 30  # past this many entries of W (an image classifier's C x 64) the legend names the classes only
MANY_POINTS = 200  # ... and each entry's path is drawn at this many steps (evenly spaced, the first and last included)
MANY_DOTS = 12_000  # ... or, drawn as dots, at as many steps as give this many dots a panel (20 to MANY_POINTS)


def weight_paths_figure(paths, names=None, jitter: bool = False) -> go.Figure:
    """One panel per run of `paths` (linviz.regularization.WeightPaths): each entry W_kd against the step, in
    class k's colour (w_k1 solid, w_k2 dashed), on a shared y axis; with more than MANY_ENTRIES entries thin solid
    lines and one legend entry a class.

    jitter: the penalized runs' weights flip across 0 at every step (the penalty's own step α·λ is as large as they
    are), and a path joined step to step was a dense band of vertical stripes. Their panels draw a dot a step
    instead (w_k1 filled, w_k2 open; with many entries, at MANY_DOTS // entries evenly spaced steps)."""
    runs = len(paths.regs)
    many = int(np.prod(paths.W[0].shape[1:])) > MANY_ENTRIES  # (an image's pixels: one legend entry a class)
    how = ", a dot at every few steps" if many else ", a dot a step"
    titles = [f"λ = {short(r)}" + (" (no penalty)" if r == 0 else f", {paths.penalty.upper()}" + how * jitter)
              for r in paths.regs]
    axes, notes = _panels([1] * runs, 0.08, titles)
    W_all = np.concatenate([W.reshape(len(W), -1) for W in paths.W])
    finite = W_all[np.isfinite(W_all)]
    reach = max(float(np.abs(finite).max(initial=0.0)) * 1.08, 1e-3)
    traces = []
    for i, (W, reg) in enumerate(zip(paths.W, paths.regs), start=1):
        ax = "" if i == 1 else str(i)
        apart = jitter and reg != 0
        if many:  # one trace a class, its D paths in it, each at MANY_POINTS steps (thousands of traces took seconds)
            traces += _class_paths(W, ax, names, legend=i == 1, dots=apart)
        else:
            traces += _entry_paths(W, ax, names, legend=i == 1, dots=apart)
        axes[f"xaxis{ax}"].update(title=dict(text="step"))
        axes[f"yaxis{ax}"].update(range=[-reach, reach], showticklabels=i == 1, zeroline=True, zerolinecolor=INK,
                                  zerolinewidth=1.5)
    axes["yaxis"].update(title=dict(text="entry of W"))
    layout = _layout(traces, 440, "The entries of W during training", axes=axes, annotations=notes, subtitles=True,
                     legend_width=900)
    return _figure(traces, layout)


def _entry_paths(W: np.ndarray, ax: str, names, legend: bool, dots: bool) -> list:
    """One trace per entry W_kd of W (T, C, D) at every step: a line (w_k1 solid, w_k2 dashed), or a dot a step."""
    T, C, D = W.shape
    traces = []
    for k in range(C):
        for d in range(D):
            label = f"W{_sub(k)}{_sub(d + 1)}" if names is None else names[k * D + d]
            style = (dict(mode="markers", marker=dict(color=class_color(k), size=5, symbol=FEATURE_SYMBOL[d % 2]))
                     if dots else
                     dict(mode="lines", line=dict(color=class_color(k), width=2.5, dash=FEATURE_DASH[d % 2])))
            traces.append(_trace(go.Scatter, x=np.arange(T), y=W[:, k, d], name=label, legendgroup=label,
                                 showlegend=legend, xaxis=f"x{ax}", yaxis=f"y{ax}", **style,
                                 hovertemplate="step %{x}: %{y:.4f}<extra>" + label + "</extra>"))
    return traces


def _class_paths(W: np.ndarray, ax: str, names, legend: bool, dots: bool) -> list:
    """One thin line trace per class k of W (T, C, D): its D entries' paths, each at MANY_POINTS evenly spaced steps
    (the first and last included), a gap (a None in y) after each; or a dot at each of fewer steps (MANY_DOTS in all
    a panel); the hover names the entry (its index in customdata)."""
    T, C, D = W.shape
    n = int(np.clip(MANY_DOTS // (C * D), 20, MANY_POINTS)) if dots else MANY_POINTS
    steps = np.unique(np.linspace(0, T - 1, min(T, n)).round().astype(int))
    x = np.tile(np.r_[steps, steps[-1]], D)  # D paths, a gap after each (y None there: no NaN reaches the figure)
    entry = np.repeat(np.arange(D, dtype=float), len(steps) + 1)
    gaps = range(len(steps), D * (len(steps) + 1), len(steps) + 1)
    traces = []
    for k in range(C):
        y = np.c_[W[steps, k, :].T, np.zeros(D)].ravel().tolist()
        for i in gaps:
            y[i] = None
        group = f"class {k} (its {D} weights)"
        label = f"W{_sub(k)},%{{customdata}}" if names is None else f"class {k}, entry %{{customdata}}"
        style = (dict(mode="markers", marker=dict(color=class_color(k), size=3)) if dots else
                 dict(mode="lines", connectgaps=False, line=dict(color=class_color(k), width=1, dash="solid")))
        traces.append(_trace(go.Scatter, x=x, y=y, customdata=entry, name=group, legendgroup=group,
                             showlegend=legend, xaxis=f"x{ax}", yaxis=f"y{ax}", **style,
                             hovertemplate="step %{x}: %{y:.4f}<extra>" + label + "</extra>"))
    return traces
