"""The Learning rates page: runs from the same start, one per learning rate, on one landscape and one loss
chart, each named by what its loss curve did (crawls, converges, overshoots, diverges at step s).
"""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from dashboard.figures.base import DEFAULT_UV, RUN_COLORS, WHITE, _axis, _clean, _figure, _layout, _trace
from dashboard.figures.shared import _contour, _extent, _hover_uv, _log_axis, _step_range
from linviz import geometry

# drawn in this order, the last on top: a diverging run's straight path would vanish under an overshooting run's
# zigzag (both leave the start the same way), and the crawling run's short path lies on the start of the others
_DRAW_RANK = {"overshoots": 0, "diverges": 1, "converges": 2, "crawls": 3}
_SETTLED = frozenset({"crawls", "converges"})  # drawn thicker: the paths the landscape's view is fitted to
_LR_LEFT_PX = 80  # the landscape's left margin: the v axis with its title
_LR_COLORBAR_PX = 100  # its right margin: the gap, the colour bar and its tick labels
_LR_CURVES_PX = 720  # natural width of the loss curves: beside the landscape at 1920 px, under it at 1280 px
def _clip_path(coords, box) -> tuple[np.ndarray, np.ndarray | None]:
    """The path (T, 2) up to where it first leaves box = (xmin, xmax, ymin, ymax), and that exit (2,)."""
    p = np.asarray(coords, dtype=float).reshape(-1, 2)
    xmin, xmax, ymin, ymax = box
    with np.errstate(invalid="ignore"):
        inside = np.isfinite(p).all(axis=1) & (p[:, 0] >= xmin) & (p[:, 0] <= xmax) & (p[:, 1] >= ymin) \
            & (p[:, 1] <= ymax)
    if inside.all() or not inside[0]:
        return (p, None) if inside.all() else (p[:0], None)
    i = int(np.argmin(inside))
    a, q = p[i - 1], p[i]
    span = geometry.clip_line(a, q - a, box, 0.0, 1.0) if np.isfinite(q).all() else None
    exit_point = a + span[1] * (q - a) if span is not None else a  # the last point of a -> q inside the box
    return np.vstack([p[:i], exit_point]), exit_point


def _run_label(run: dict) -> str:
    """A run's legend entry: its label and what it did, 'α = 9: diverges at step 3' (without a description, a
    run that has diverged_at says so)."""
    label, d = str(run.get("label", "run")), _diverged_at(run)
    words = run.get("description") or (None if d is None else f"diverges at step {d}")
    return label if not words else f"{label}: {words}"


def _diverged_at(run: dict) -> int | None:
    d = run.get("diverged_at")
    return None if d is None else max(int(d), 0)


def _reach(run: dict) -> float:
    """How far a run's path gets from its start (of two runs that behave alike, the shorter is drawn on top)."""
    p = _clean(run.get("coords", np.zeros((0, 2)))).reshape(-1, 2)
    return float(np.nanmax(np.abs(p - p[0]), initial=0.0)) if len(p) else 0.0


def _behaviour(run: dict) -> str:
    """'crawls', 'converges', 'overshoots' or 'diverges' (dashboard.behaviour); without one, from diverged_at."""
    kind = run.get("behaviour")
    return kind if kind in _DRAW_RANK else "diverges" if _diverged_at(run) is not None else "converges"


def _loss_view(runs: list[dict]) -> tuple[float, float]:
    """[lo, hi] of the loss axis in log10 units: min positive loss shown / 2 up to 20 x the largest finite loss
    of the runs that did not diverge (20 x the largest initial loss if all did)."""
    losses = [_clean(run.get("loss", [])).reshape(-1) for run in runs]
    calm = [v for v, run in zip(losses, runs) if _diverged_at(run) is None]
    peaks = [np.nanmax(v) for v in calm if np.isfinite(v).any()]
    if not peaks:
        peaks = [v[0] for v in losses if len(v) and np.isfinite(v[0])]
    top = 20.0 * max([p for p in peaks if p > 0] or [1.0])
    shown = [v[: (len(v) if _diverged_at(r) is None else _diverged_at(r) + 1)] for v, r in zip(losses, runs)]
    positive = np.concatenate([v[np.isfinite(v) & (v > 0) & (v <= top)] for v in shown] or [np.ones(0)])
    bottom = float(positive.min()) / 2 if positive.size else top / 1000
    return math.log10(min(bottom, top / 10)), math.log10(top)


def _capped_curve(loss: np.ndarray, diverged_at: int | None, top: float, at=None) -> tuple[np.ndarray, np.ndarray,
                                                                                                tuple | None]:
    """Steps and losses of a curve up to diverged_at, cut where it first rises past top (interpolated in log
    space), and where to put its '×' (None when it did not diverge). at: the steps of the losses (0, 1, ... if
    None)."""
    steps = np.arange(len(loss), dtype=float) if at is None else np.asarray(at, dtype=float)
    if diverged_at is None:
        return steps, loss, None
    # a run whose loss stopped being finite at diverged_at holds no loss for that step: it is infinite there
    keep = steps <= diverged_at
    loss, steps = loss[keep], steps[keep]
    if not len(steps) or steps[-1] < diverged_at:
        loss, steps = np.r_[loss, np.inf], np.r_[steps, float(diverged_at)]
    with np.errstate(invalid="ignore"):
        over = np.flatnonzero(~(loss <= top))  # above the view, or not finite
    if over.size == 0:
        ok = np.flatnonzero(np.isfinite(loss))
        return steps, loss, ((steps[ok[-1]], loss[ok[-1]]) if ok.size else None)
    i = int(over[0])
    if i == 0:
        return steps[:0], loss[:0], (0.0, top)
    a = loss[i - 1]
    t = ((math.log(top) - math.log(a)) / (math.log(loss[i]) - math.log(a))
         if np.isfinite(loss[i]) and a > 0 else 1.0)
    exit_step = steps[i - 1] + min(max(t, 0.0), 1.0) * (steps[i] - steps[i - 1])
    return np.r_[steps[:i], exit_step], np.r_[loss[:i], top], (exit_step, top)


def _lr_landscape(alphas, betas, values, runs: list[dict], order: list[int], *, plot_px: int, log_color: bool,
                  title: str, axis_titles) -> go.Figure:
    """The paths of the runs on one landscape, at its natural size: a square plot of plot_px, the colour bar
    beside it and the legend under it (layout.width and height say how large: an export at that size is filled
    by the figure; a narrower chart shrinks the plot and keeps the bar beside it). A run that diverged is cut
    where it first leaves the view (or diverged), × there; the others are drawn whole and clipped by the axes,
    so an overshooting run is seen wherever it crosses the view."""
    box = (*_extent(alphas), *_extent(betas))
    traces = []
    for r in order:
        run, kind = runs[r], _behaviour(runs[r])
        color, label = RUN_COLORS[r % len(RUN_COLORS)], _run_label(run)
        width = 4.5 if kind in _SETTLED else 3.0
        d = _diverged_at(run)
        coords = _clean(run.get("coords", np.zeros((0, 2)))).reshape(-1, 2)
        coords = coords if d is None else coords[: d + 1]
        path, exit_point = _clip_path(coords, box) if kind == "diverges" else (coords, None)
        if exit_point is None and kind == "diverges" and len(path):
            exit_point = path[-1]
        common = dict(legendgroup=f"run{r}", legendrank=r + 1)
        traces += [
            _trace(go.Scatter, x=path[:, 0], y=path[:, 1], mode="lines", showlegend=False, hoverinfo="skip",
                   name=f"{label}: outline", line=dict(color=WHITE, width=width + 3), **common),
            _trace(go.Scatter, x=path[:, 0], y=path[:, 1], mode="lines+markers", name=label,
                   line=dict(color=color, width=width), marker=dict(size=width + 1.5, color=color),
                   hovertemplate=_hover_uv(axis_titles) + "<extra>step %{pointNumber}</extra>", **common)]
        if exit_point is not None:
            traces.append(_trace(go.Scatter, x=exit_point[:1], y=exit_point[1:], mode="markers", showlegend=False,
                                 name=f"{label}: leaves the view", cliponaxis=False, hoverinfo="skip",
                                 marker=dict(symbol="x", size=18, color=color, line=dict(color=WHITE, width=1.5)),
                                 **common))
    starts = [_clean(run["coords"]).reshape(-1, 2)[0] for run in runs if len(np.asarray(run.get("coords", [])))]
    if starts:  # every run starts from the same initialization: one ring for it, on top (a crawling run's short
        # path shows through it)
        traces.append(_trace(go.Scatter, x=[starts[0][0]], y=[starts[0][1]], mode="markers", name="start",
                             showlegend=False, cliponaxis=False,
                             hovertemplate=_hover_uv(axis_titles) + "<extra>start (every run)</extra>",
                             marker=dict(symbol="circle-open", size=15, color=WHITE, line=dict(width=3))))
    aspect = (box[1] - box[0]) / max(box[3] - box[2], 1e-300)  # 1 for the square views the page computes
    plot_w, plot_h = (plot_px, plot_px / aspect) if aspect >= 1 else (plot_px * aspect, plot_px)
    legend_px = plot_w + _LR_LEFT_PX  # (the legend, right-aligned with the plot, may run on under the v axis)
    margin = _layout(traces, 100, title, axes={}, legend_below=True, bottom=62, legend_width=legend_px)["margin"]
    height = int(round(max(plot_h, 300) + margin["t"] + margin["b"]))  # (the loss curves get this height too)
    # the plot fills the paper; the colour bar sits in the right margin, right beside it. In a frame of another
    # shape the equal-aspect plot shrinks toward the right, so the bar stays beside it, the axes move with it
    # and the legend stays under it
    layout = _layout(traces, height, title, axes=dict(
        xaxis=_axis(axis_titles[0], range=_extent(alphas), showgrid=False, scaleanchor="y", scaleratio=1,
                    constrain="domain", constraintoward="right"),
        yaxis=_axis(axis_titles[1], range=_extent(betas), showgrid=False, constrain="domain")),
        legend_below=True, bottom=62, legend_width=legend_px)
    layout["margin"].update(l=_LR_LEFT_PX, r=_LR_COLORBAR_PX)
    layout["legend"].update(x=1.0, xanchor="right", xref="paper")
    layout["width"] = int(round(_LR_LEFT_PX + plot_w + _LR_COLORBAR_PX))
    contour = _contour(alphas, betas, values, log_color=log_color, axis_titles=axis_titles,
                       colorbar=dict(x=1.0, xanchor="left", xpad=14, thickness=16))
    return _figure([contour, *traces], layout)


def lr_comparison_figures(alphas, betas, values, runs: list[dict], *, plot_px: int = 420, log_color: bool = True,
                          titles=("paths on the loss landscape", "loss per step"),
                          axis_titles=DEFAULT_UV) -> tuple[go.Figure, go.Figure]:
    """Runs {'label', 'coords' (T_k, 2), 'loss' (K,), optional 'steps' (K,) of the losses (else 0 .. K - 1),
    'diverged_at', optional 'behaviour' ('crawls',
    'converges', 'overshoots', 'diverges') and 'description' ('diverges at step 3')}: their paths on one
    landscape (values (A, B); see _lr_landscape) and their loss curves (log y, capped above the runs that did not
    diverge; '×' where a divergent run leaves the view or diverges). Legends read '<label>: <description>'.
    Runs are drawn by what they did, not by their position (_DRAW_RANK): overshooting ones first, then diverging,
    converging and crawling ones; runs that settle are thicker.
    Both figures have their natural size in layout.width and height (the landscape's height; plot_px is the
    side of its square plot)."""
    order = sorted(range(len(runs)), key=lambda r: (_DRAW_RANK[_behaviour(runs[r])], -_reach(runs[r])))
    land = _lr_landscape(alphas, betas, values, runs, order, plot_px=plot_px, log_color=log_color,
                         title=titles[0], axis_titles=axis_titles)
    height = land.layout.height
    lo, hi = _loss_view(runs)
    top = 10.0**hi
    curves = []
    for r in order:
        run = runs[r]
        color, label = RUN_COLORS[r % len(RUN_COLORS)], _run_label(run)
        width = 4.5 if _behaviour(run) in _SETTLED else 3.0
        loss = _clean(run.get("loss", [])).reshape(-1)
        loss[loss <= 0] = np.nan  # a log axis cannot show them
        steps, shown, cross = _capped_curve(loss, _diverged_at(run), top, run.get("steps"))
        common = dict(legendgroup=f"run{r}", legendrank=r + 1)
        curves.append(_trace(go.Scatter, x=steps, y=shown, mode="lines", name=label, line=dict(color=color,
                             width=width - 0.5), hovertemplate="step %{x:.0f}: %{y:.4g}<extra></extra>", **common))
        if cross is not None:
            curves.append(_trace(go.Scatter, x=[float(cross[0])], y=[float(cross[1])], mode="markers",
                                 showlegend=False, name=f"{label}: diverged", cliponaxis=False, hoverinfo="skip",
                                 marker=dict(symbol="x", size=18, color=color), **common))
    last = max([len(np.asarray(run.get("loss", [])).reshape(-1)) - 1 if run.get("steps") is None
                else int(np.max(run["steps"], initial=0)) for run in runs] or [1])
    curve_axes = dict(xaxis=_axis("step", range=_step_range(last)), yaxis=_axis("loss", **_log_axis(bounds=(lo, hi))))
    width = max(land.layout.width, _LR_CURVES_PX)
    layout = _layout(curves, height, titles[1], axes=curve_axes, legend_below=True, legend_width=width - 110,
                     bottom=62)
    layout["width"] = width
    return land, _figure(curves, layout)
