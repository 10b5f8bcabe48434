"""Plotly figures of the pages that show how W is found (issue 12): numpy arrays in, go.Figure out (no Streamlit).

Built with dashboard.figures' fast kernel (`_trace`, `_figure`, `_layout`, `_panels`: no property validation;
tests/test_finding_pages.py rebuilds every figure with validation) in its palette and lecture-hall fonts. Each
function draws what linviz computed; none computes a loss or a gradient itself.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from dashboard.figures.base import (
    _BAR_PAD_PX,
    _BAR_PX,
    _BAR_TICKS_PX,
    _CONTROLS_MARGIN,
    _OUTLINE,
    FONT_SIZE,
    GREY,
    HALO,
    INK,
    PALETTE,
    STAR,
    WHITE,
    _axis,
    _clean,
    _figure,
    _layout,
    _panels,
    _trace,
)
from dashboard.figures.landscape import gradient_arrows
from dashboard.figures.shared import (
    MODEBAR_PX,
    _animation_controls,
    _contour,
    _hline,
    _log_axis,
    _vline,
    below_the_mode_bar,
)

METHOD_LABELS = {"random": "random search", "random_local": "random local search", "genetic": "genetic algorithm",
                 "numerical_gd": "GD, numerical gradient", "analytic_gd": "GD, analytic gradient"}
METHOD_COLORS = {"random": PALETTE[4], "random_local": PALETTE[3], "genetic": PALETTE[2],
                 "numerical_gd": PALETTE[5], "analytic_gd": PALETTE[1]}
METHOD_SYMBOLS = {"random": "circle", "random_local": "diamond", "genetic": "triangle-up",
                  "numerical_gd": "square", "analytic_gd": "x"}
# (momentum is not orange: −∇L, drawn at the current point, is; at step 0 every path leaves the start along it)
OPTIMIZER_COLORS = {"sgd": "#FFFFFF", "momentum": PALETTE[1], "nesterov": PALETTE[5], "adam": PALETTE[3],
                    "rmsprop": PALETTE[2]}
FRAME_MS = 350


# a colour bar under a square landscape (beside it, it takes the width a half-page column does not have)
BAR_BELOW = dict(orientation="h", x=0.0, xanchor="left", len=0.8, thickness=_BAR_PX, yref="container", y=0.0,
                 yanchor="bottom", ypad=_BAR_PAD_PX, title=dict(text="loss", side="right"))
BAR_BELOW_PX = _BAR_PX + _BAR_PAD_PX + _BAR_TICKS_PX


def _square_axes(extent_x, extent_y, titles) -> dict:
    return dict(xaxis=_axis(titles[0], range=list(extent_x), showgrid=False, constrain="domain"),
                yaxis=_axis(titles[1], range=list(extent_y), showgrid=False, scaleanchor="x", scaleratio=1,
                            constrain="domain"))


# ---------------------------------------------------------------- Search
def race_curves_figure(runs: list[dict], *, metric: str = "loss", start: float | None = None,
                       height: int = 430) -> go.Figure:
    """Left: metric against loss evaluations (log axis); right: against compute seconds (log axis: every method
    has done most of its descent in the first tenth of the time GD's whole budget takes). runs: dict(method,
    evaluations (K,), seconds (K,), values (K,)); record 0 (0 evaluations, the start) is the dotted line `start`."""
    axes, notes = _panels([1, 1], 0.1, ["against loss evaluations", "against compute time"])
    traces = []
    every_x, every_sec = [], []
    for run in runs:
        m = run["method"]
        ev, sec, val = (np.asarray(run[k], dtype=float) for k in ("evaluations", "seconds", "values"))
        keep = ev >= 1
        every_x.append(ev[keep])
        few = keep.sum() < 30  # (numerical GD on a large problem: a handful of steps, each one a marker)
        style = dict(mode="lines+markers" if few else "lines", line=dict(color=METHOD_COLORS[m], width=3.5),
                     marker=dict(size=9, color=METHOD_COLORS[m]), legendgroup=m, name=METHOD_LABELS[m])
        traces.append(_trace(go.Scatter, x=ev[keep], y=_clean(val[keep]), **style,
                             hovertemplate=f"{METHOD_LABELS[m]}<br>%{{x:,}} evaluations: {metric} %{{y:.4g}}"
                                           "<extra></extra>"))
        timed = sec > 0  # (a log axis: the start, at 0 s, is the dotted line)
        every_sec.append(sec[timed])
        traces.append(_trace(go.Scatter, x=sec[timed], y=_clean(val[timed]), **style, showlegend=False, xaxis="x2",
                             yaxis="y2",
                             hovertemplate=f"{METHOD_LABELS[m]}<br>%{{x:.3g}} s: {metric} %{{y:.4g}}<extra></extra>"))
    xs = np.concatenate(every_x) if every_x else np.ones(1)
    top = float(np.log10(max(xs.max(), 10)))
    decades = 10.0 ** np.arange(0, int(np.floor(top)) + 1)
    axes["xaxis"].update(_axis("loss evaluations (log)", type="log", range=[-0.05, top + 0.05], tickmode="array",
                               tickvals=decades.tolist(), ticktext=[f"{int(v):,}" for v in decades]))
    secs = np.concatenate(every_sec) if every_sec else np.ones(1)
    secs = secs[np.isfinite(secs)] if np.isfinite(secs).any() else np.ones(1)
    # (the project's log ticks: Plotly's own wrote "100µ" beside "0.001")
    axes["xaxis2"].update(_axis("CPU seconds of the race (log)", **_log_axis(
        bounds=(float(np.log10(secs.min())) - 0.1, float(np.log10(secs.max())) + 0.1))))
    title = "training loss (data + λR)" if metric == "loss" else "training accuracy"
    axes["yaxis"].update(_axis(title))
    axes["yaxis2"].update(_axis(title))
    shapes = []
    if start is not None and np.isfinite(start):
        shapes = [_hline(start, dict(color=GREY, width=2, dash="dot"), axis) for axis in ("y", "y2")]
    layout = _layout(traces, height, axes=axes, annotations=notes, shapes=shapes, subtitles=True,
                     legend_below=True, legend_width=900)
    # the panels' titles (24 px tall, just above the plots) start under the mode bar: the right one sat beneath it
    layout["margin"]["t"] = max(layout["margin"]["t"], MODEBAR_PX + 28)
    return _figure(traces, layout)


def search_samples_figure(alphas, betas, values, methods: list[dict], checkpoints, *, axis_titles,
                          height: int = 600, x_range: tuple[float, float] | None = None) -> go.Figure:
    """The samples on a 2-parameter slice as the race goes: frame k shows, for each method, the points it
    evaluated since the last frame (its current population: a genetic generation, the last random draws, the
    hill climber's proposals, GD's path so far) and its answer (ringed). methods: dict(method, frames: list of
    (points (n, 2), answer (2,)) per checkpoint). checkpoints (F,): evaluations at each frame. With x_range (inside
    alphas' wider span) the plot fills the figure's width at 1:1: its x range grows from x_range to fit."""
    traces = [_contour(alphas, betas, values, log_color=True, axis_titles=axis_titles,
                       colorbar=dict(thickness=16, len=0.9))]
    # every method's points first, then every answer: the answers (ringed) are drawn over all the points (the
    # last random draws, a thousand of them at the largest budget, covered the other methods' answers)
    drawn, answers = [], []
    drawn_frames, answer_frames = [[] for _ in checkpoints], [[] for _ in checkpoints]
    for m in methods:
        name = m["method"]
        color, symbol = METHOD_COLORS[name], METHOD_SYMBOLS[name]
        gd = name.endswith("_gd")
        for k, (points, answer) in enumerate(m["frames"]):
            pts = np.asarray(points, dtype=float).reshape(-1, 2)
            drawn_frames[k].append(dict(type="scatter", x=pts[:, 0].tolist(), y=pts[:, 1].tolist()))
            answer_frames[k].append(dict(type="scatter", x=[float(answer[0])], y=[float(answer[1])]))
        first, answer = drawn_frames[-1][-1], answer_frames[-1][-1]  # the figure opens at the end of the race
        drawn.append(_trace(go.Scatter, x=first["x"], y=first["y"], name=METHOD_LABELS[name],
                            mode="lines+markers" if gd else "markers", legendgroup=name,
                            line=dict(color=color, width=3), cliponaxis=True,
                            marker=dict(color=color, symbol=symbol, size=8 if gd else 10, line=_OUTLINE,
                                        opacity=0.9),
                            hovertemplate=f"{METHOD_LABELS[name]}<extra></extra>"))
        answers.append(_trace(go.Scatter, x=answer["x"], y=answer["y"], name=f"{METHOD_LABELS[name]}: answer",
                              mode="markers", legendgroup=name, showlegend=False, cliponaxis=False,
                              marker=dict(color=color, symbol=symbol, size=20, line=dict(color=WHITE, width=3)),
                              hovertemplate=f"{METHOD_LABELS[name]}: its answer now<extra></extra>"))
    traces += drawn + answers
    frame_data = [d + a for d, a in zip(drawn_frames, answer_frames)]
    labels = [f"{int(c):,}" for c in checkpoints]
    frames = [dict(name=labels[k], traces=list(range(1, len(traces))), data=frame_data[k]) for k in range(len(labels))]
    axes = _square_axes(x_range or (float(alphas[0]), float(alphas[-1])), (float(betas[0]), float(betas[-1])),
                        axis_titles)
    if x_range is not None:  # the landscape is wider than x_range: the plot fills its column, 1:1, the x range grows
        for name in ("xaxis", "yaxis"):
            axes[name]["constrain"] = "range"
    layout = _layout(traces, height, axes=axes, bottom=_CONTROLS_MARGIN, legend_width=700)
    height = below_the_mode_bar(layout, height)
    plot_px = max(height - layout["margin"]["t"] - _CONTROLS_MARGIN, 100)
    layout.update(_animation_controls(labels, FRAME_MS, y=-80 / plot_px))
    layout["sliders"][0]["currentvalue"]["prefix"] = "evaluations: "
    layout["updatemenus"][0]["buttons"][0]["args"][1]["fromcurrent"] = False  # opens at the end; ▶ replays it all
    # every frame redrawn: a frame drawn without a redraw updates only the scatter traces it names and Plotly drops
    # the layer of the landscape's contour (after ▶ or a scrub the slice was blank)
    layout["updatemenus"][0]["buttons"][0]["args"][1]["frame"]["redraw"] = True
    for step in layout["sliders"][0]["steps"]:
        step["args"][1] = {**step["args"][1], "frame": {**step["args"][1]["frame"], "redraw": True}}
    layout["margin"]["r"] = 90
    if x_range is None:
        layout["legend"]["xref"] = "container"  # (the square plot is narrower than the figure: wrap at its width)
    return _figure(traces, layout, frames)


# ---------------------------------------------------------------- Optimizers
def optimizer_slice_figure(alphas, betas, values, paths: list[dict], *, arrows=(), current=None,
                           height: int = 560) -> go.Figure:
    """Every optimizer's path on the one fair slice (start at (−1, 0), the common optimum at (1, 0)), and the
    arrows −∇L and −α∇L at the current point. paths: dict(name, label, coords (T, 2))."""
    traces = [_contour(alphas, betas, values, log_color=True, colorbar=BAR_BELOW)]
    for p in paths:
        c = _clean(p["coords"]).reshape(-1, 2)
        color = OPTIMIZER_COLORS.get(p["name"], INK)
        white = color == WHITE  # GD: white on the dark landscape; its dark outline is what the legend shows, as
        #                         the curves chart draws it in ink (a white swatch vanished on the white legend)
        traces += [_trace(go.Scatter, x=c[:, 0], y=c[:, 1], mode="lines", line=dict(color=HALO, width=6),
                          hoverinfo="skip", showlegend=white, legendgroup=p["name"], name=p["label"]),
                   _trace(go.Scatter, x=c[:, 0], y=c[:, 1], mode="lines+markers", name=p["label"],
                          legendgroup=p["name"], line=dict(color=color, width=3), marker=dict(size=4, color=color),
                          showlegend=not white, hovertemplate=f"{p['label']}<br>step %{{pointNumber}}<extra></extra>")]
    marks = [((-1.0, 0.0), "start", dict(symbol="circle", size=18, color=WHITE, line=dict(color=HALO, width=2))),
             ((1.0, 0.0), "optimum θ*", dict(symbol="x", size=18, color=INK, line=dict(color=WHITE, width=2)))]
    if current is not None:
        marks.append((tuple(current), "current point", dict(symbol="star", size=22, color=STAR,
                                                             line=dict(color="#000", width=1.5))))
    for (u, v), label, marker in marks:
        traces.append(_trace(go.Scatter, x=[u], y=[v], mode="markers", name=label, marker=marker, cliponaxis=False,
                             hovertemplate=f"{label}<extra></extra>"))
    axes = _square_axes(_edge(alphas), _edge(betas), ("along the start → optimum line", "the runs' top direction"))
    # the arrows' names in a key above the plot: written at their heads they lay on the paths (at step 0 every
    # path leaves the start along −∇L, under the labels)
    lines = [note for note in gradient_arrows(arrows) if not note["text"]]
    key = _arrow_key(arrows, paths=bool(paths))
    layout = _layout(traces, height, axes=axes, annotations=lines + key, showlegend=False)
    # (no legend: the loss curves name the colours)
    # (the key's lines below the mode bar: at 1920 px the top one reached under it)
    layout["margin"].update(r=20, t=MODEBAR_PX + KEY_LINE_PX * len(key) + 12 if key else 20)
    layout["margin"]["b"] += BAR_BELOW_PX
    return _figure(traces, layout)


ARROW_KEY_PX = 44  # the top margin that holds the arrows' key (one line, and the mode bar above it: 68)
KEY_LINE_PX = 24  # one line of the key
PATHS_KEY = "the paths: each optimizer's steps down −∇L"


def _arrow_key(arrows, paths: bool = False) -> list[dict]:
    """Above the plot, what the paths follow (PATHS_KEY, when there are paths), and below it one line naming each
    drawable arrow in its colour: "→ −∇L   → −α∇L (α = 0.3)"."""
    names = [f"<span style='color:{a['color']}'>→ {a['label']}</span>" for a in arrows
             if np.all(np.isfinite([*a["start"], *a["end"]])) and not np.array_equal(a["start"], a["end"])]
    above = dict(x=0.5, y=1.0, xref="x domain", yref="y domain", xanchor="center", yanchor="bottom", showarrow=False)
    key = []
    if names:
        key.append(dict(text="<b>" + "    ".join(names) + "</b>", yshift=8, font=dict(size=FONT_SIZE), **above))
    if paths:
        key.append(dict(text=PATHS_KEY, yshift=8 + KEY_LINE_PX * bool(names), font=dict(size=FONT_SIZE, color=INK),
                        **above))
    return key


def _edge(v) -> tuple[float, float]:
    v = np.asarray(v, dtype=float)
    return float(v[0]), float(v[-1])


def optimizer_curves_figure(curves: list[dict], *, optimum: float, t: int | None = None,
                            height: int = 560) -> go.Figure:
    """L(θ_t) − L(θ*) against the step t, log y; curves: dict(name, label, loss (T + 1,))."""
    traces = []
    gaps = []
    for c in curves:
        gap = np.maximum(_clean(c["loss"]) - optimum, 1e-12)
        gaps.append(gap)
        steps = np.arange(len(gap))
        color = OPTIMIZER_COLORS.get(c["name"], INK)
        if color == WHITE:  # GD, white on the slice's dark landscape: on white, in ink, as its legend shows it
            color = INK  # (a white line on a dark outline read as two thin lines here)
        traces.append(_trace(go.Scatter, x=steps, y=gap, mode="lines", name=c["label"], legendgroup=c["name"],
                             line=dict(color=color, width=3),
                             hovertemplate=f"{c['label']}<br>step %{{x}}: L − L* = %{{y:.3g}}<extra></extra>"))
    every = np.concatenate(gaps) if gaps else np.ones(1)
    axes = dict(xaxis=_axis("step t"), yaxis=_axis("L(θₜ) − L(θ*)  (log)", **_log_axis(every)))
    shapes = [_vline(t, dict(color=STAR, width=2, dash="dot"))] if t is not None else []
    return _figure(traces, _layout(traces, height, axes=axes, shapes=shapes, legend_width=420))


def schedules_figure(names: list[str], distances: list[np.ndarray], lrs: list[np.ndarray], *,
                     height: int = 440) -> go.Figure:
    """Left: |θ_t − θ*| against the step (log y) for each schedule; right: its learning rate α_t (log y)."""
    axes, notes = _panels([1.3, 1], 0.1, ["distance to the optimum |θₜ − θ*|", "learning rate αₜ"])
    colors = (PALETTE[4], PALETTE[0], PALETTE[2])
    traces = []
    for k, (name, d, lr) in enumerate(zip(names, distances, lrs)):
        style = dict(line=dict(color=colors[k % 3], width=3), legendgroup=name, name=name, mode="lines")
        traces.append(_trace(go.Scatter, x=np.arange(len(d)), y=_clean(d), **style,
                             hovertemplate=f"{name}<br>step %{{x}}: |θ − θ*| = %{{y:.3g}}<extra></extra>"))
        traces.append(_trace(go.Scatter, x=np.arange(len(lr)), y=_clean(lr), **style, showlegend=False,
                             xaxis="x2", yaxis="y2",
                             hovertemplate=f"{name}<br>step %{{x}}: α = %{{y:.3g}}<extra></extra>"))
    axes["xaxis"].update(_axis("step t"))
    axes["xaxis2"].update(_axis("step t"))
    axes["yaxis"].update(_log_axis(np.concatenate([np.asarray(d, dtype=float) for d in distances])))
    axes["yaxis2"].update(_log_axis(np.concatenate([np.asarray(v, dtype=float) for v in lrs])))
    return _figure(traces, _layout(traces, height, axes=axes, annotations=notes, subtitles=True))


def convexity_figure(ts, values, *, holds: bool, height: int = 400) -> go.Figure:
    """The loss along K random lines θ + s d through the current point (K, R), each shifted to 0 at s = 0."""
    ts, values = np.asarray(ts, dtype=float), _clean(values)
    mid = len(ts) // 2
    traces = [_trace(go.Scatter, x=ts, y=v - v[mid], mode="lines", name=f"line {k + 1}", showlegend=False,
                     line=dict(color=PALETTE[k % len(PALETTE)], width=3),
                     hovertemplate=f"line {k + 1}<br>s = %{{x:.2f}}: L − L(θ) = %{{y:.4g}}<extra></extra>")
              for k, v in enumerate(values)]
    axes = dict(xaxis=_axis("s (along a random direction d, |d| = |θ|)"), yaxis=_axis("L(θ + s d) − L(θ)"))
    word = "every line curves upward: convex" if holds else "a line bends down: NOT convex"
    note = dict(text=word, x=0.5, y=1.0, xref="paper", yref="paper", xanchor="center", yanchor="bottom",
                showarrow=False, font=dict(size=FONT_SIZE + 1, color=INK if holds else "#C00000"))
    return _figure(traces, _layout(traces, height, axes=axes, annotations=[note], subtitles=True))
