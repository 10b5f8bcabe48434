"""Plotly figures of the Mini-batch page (issue 12): the cloud of mini-batch steps around the full-batch step, the
spread of the estimate against M, and training curves for several M. Same kernel and conventions as
dashboard/figures/finding.py (whose square landscape axes and colour bar below it they share).
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from dashboard.figures.base import (
    _OUTLINE,
    FONT_SIZE,
    GREY,
    HALO,
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
from dashboard.figures.finding import BAR_BELOW, BAR_BELOW_PX, _edge, _square_axes
from dashboard.figures.landscape import gradient_arrows
from dashboard.figures.shared import _contour, _hline, _log_axis, below_the_mode_bar

SIZE_COLORS = (PALETTE[4], PALETTE[5], PALETTE[3], PALETTE[2], "#FFFFFF", PALETTE[0], PALETTE[1], PALETTE[6])


def cloud_figure(alphas, betas, values, tips: np.ndarray, full_tip, sizes, *, lr: float, axis_titles,
                 height: int = 600) -> go.Figure:
    """Where each mini-batch step −α g_B would take the current point (at (0, 0)) on the slice, one colour per batch
    size: tips (B, K, 2); the full-batch step −α g to full_tip (2,) as an arrow."""
    traces = [_contour(alphas, betas, values, log_color=True, axis_titles=axis_titles, colorbar=BAR_BELOW)]
    for k, (m, pts) in enumerate(zip(sizes, np.asarray(tips, dtype=float))):
        color = SIZE_COLORS[k % len(SIZE_COLORS)]
        traces.append(_trace(go.Scatter, x=pts[:, 0], y=pts[:, 1], mode="markers", name=f"M = {int(m)}",
                             marker=dict(color=color, size=7, opacity=0.75, line=dict(color=HALO, width=0.8)),
                             hovertemplate=f"one batch of M = {int(m)}<extra></extra>"))
    traces.append(_trace(go.Scatter, x=[0.0], y=[0.0], mode="markers", name="θₜ", showlegend=False,
                         cliponaxis=False, marker=dict(symbol="star", size=16, color=STAR, line=dict(color="#000",
                                                                                                     width=1)),
                         hovertemplate="the current point<extra></extra>"))
    arrow = dict(start=(0.0, 0.0), end=tuple(full_tip), label="−α∇L", color=WHITE)
    axes = _square_axes(_edge(alphas), _edge(betas), axis_titles)
    layout = _layout(traces, height, axes=axes, annotations=gradient_arrows([arrow]), legend_width=520)
    layout["annotations"][-1].update(bgcolor="rgba(0,0,0,0.6)")
    layout["margin"]["r"] = 20
    layout["margin"]["b"] += BAR_BELOW_PX
    below_the_mode_bar(layout, height)  # (at 1280 px the toolbar covered "M = 4", "M = 16")
    return _figure(traces, layout)


def spread_figure(sizes, spread, predicted, sigma: float, n: int, *, height: int = 430) -> go.Figure:
    """The spread of the mini-batch gradient against M (log-log): measured, predicted (with the finite-population
    correction) and the line σ/√M (slope −1/2)."""
    M = np.asarray(sizes, dtype=float)
    keep = M < n  # at M = N every batch is the whole set: spread 0, off a log axis
    M, spread, predicted = M[keep], np.asarray(spread, dtype=float)[keep], np.asarray(predicted, dtype=float)[keep]
    line_M = np.geomspace(1, max(M.max(initial=1.0), 2), 50)
    traces = [_trace(go.Scatter, x=line_M, y=sigma / np.sqrt(line_M), mode="lines", name="σ/√M (slope −½)",
                     line=dict(color=GREY, width=3, dash="dash"), hoverinfo="skip"),
              _trace(go.Scatter, x=M, y=_clean(predicted), mode="lines+markers", name="σ/√M · √((N − M)/(N − 1))",
                     line=dict(color=PALETTE[0], width=2.5), marker=dict(size=8, color=PALETTE[0]),
                     hovertemplate="M = %{x}: predicted %{y:.4g}<extra></extra>"),
              _trace(go.Scatter, x=M, y=_clean(spread), mode="markers", name="measured",
                     marker=dict(size=15, color=PALETTE[1], symbol="diamond", line=_OUTLINE),
                     hovertemplate="M = %{x}: measured %{y:.4g}<extra></extra>")]
    every = np.concatenate([sigma / np.sqrt(line_M), np.asarray(spread, dtype=float)])
    axes = dict(xaxis=_axis("batch size M (log)", **_log_axis(np.r_[line_M, M])),
                yaxis=_axis("spread √E|g_B − g|²  (log)", **_log_axis(every)))
    note = dict(text=f"(M = N = {n}: spread 0)", x=0.0, y=0.0, xref="paper", yref="paper", xanchor="left",
                yanchor="bottom", showarrow=False, font=dict(size=FONT_SIZE - 1, color=GREY))
    return _figure(traces, _layout(traces, height, axes=axes, annotations=[note], legend_width=560))


def batch_curves_figure(runs: list[dict], *, n: int, height: int = 430) -> go.Figure:
    """Training loss for several batch sizes against steps (left) and against epochs = steps · M / N (right, log:
    from the first step on; the common start, step 0, dotted). runs: dict(label, M, loss (K,), optional steps (K,):
    the steps of the losses, 0 .. T if None or not given)."""
    axes, notes = _panels([1, 1], 0.1, ["against steps", "against epochs (examples seen / N)"])
    traces = []
    for k, r in enumerate(runs):
        loss = _clean(r["loss"])
        steps = np.arange(len(loss)) if r.get("steps") is None else np.asarray(r["steps"])
        color = PALETTE[k % len(PALETTE)]
        style = dict(mode="lines", line=dict(color=color, width=3), legendgroup=r["label"], name=r["label"])
        traces.append(_trace(go.Scatter, x=steps, y=loss, **style,
                             hovertemplate=f"{r['label']}<br>step %{{x}}: L = %{{y:.4g}}<extra></extra>"))
        # epoch 0 has no place on a log axis: Plotly clips it far to the left, and the segment from there to
        # the first step looked like a flat start at that step's loss; the common start is the dotted line
        epochs = steps * min(r["M"], n) / n
        traces.append(_trace(go.Scatter, x=epochs[1:], y=loss[1:], **style, showlegend=False,
                             xaxis="x2", yaxis="y2",
                             hovertemplate=f"{r['label']}<br>epoch %{{x:.2f}}: L = %{{y:.4g}}<extra></extra>"))
    every = np.concatenate([np.asarray(r["loss"], dtype=float) for r in runs]) if runs else np.ones(1)
    for name, title in (("xaxis", "step t"), ("xaxis2", "epochs (log)")):
        axes[name].update(_axis(title))
    epochs = [(len(r["loss"]) if r.get("steps") is None else r["steps"][-1] + 1) * min(r["M"], n) / n
              for r in runs] or [1.0]
    axes["xaxis2"].update(_log_axis(bounds=(np.log10(min(1.0 / n, 0.01)), np.log10(max(epochs)) + 0.05)))
    axes["yaxis"].update(_axis("training loss", **_log_axis(every)))
    axes["yaxis2"].update(_log_axis(every))
    start = [float(r["loss"][0]) for r in runs if len(r["loss"]) and np.isfinite(r["loss"][0])]
    shapes = [_hline(start[0], dict(color=GREY, width=2, dash="dot"), "y2")] if start else []
    layout = _layout(traces, height, axes=axes, annotations=notes, shapes=shapes, subtitles=True, legend_width=900)
    return _figure(traces, layout)
