"""The Training page: the client-side playback of a run (decision regions and the loss marker, frame by frame)
and the loss and accuracy curves; how a loss axis shows a run that blew up.
"""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from dashboard.behaviour import BLOWUP
from dashboard.figures.base import (
    _CONTROLS_MARGIN,
    _OUTLINE,
    ACC_COLOR,
    ALERT,
    GREY,
    INK,
    STAR,
    WHITE,
    _axis,
    _clean,
    _figure,
    _layout,
    _message_figure,
    _names,
    _panels,
    _trace,
)
from dashboard.figures.format import short, tick_label
from dashboard.figures.input_space import _box, _geometry_lists, _input_axes, _point_traces, _safe_params, _shape_traces
from dashboard.figures.shared import _animation_controls, _finite_range, _log_axis, _step_range, _vline


def _view_digits(box) -> int:
    """Decimals that keep ~1e-5 of the view: what the animation's frames round their geometry to."""
    return max(0, 5 - int(np.floor(np.log10(max(box[1] - box[0], box[3] - box[2])))))


def _value_at(v: np.ndarray, t: int) -> float | None:
    """v[t] if it exists and is finite."""
    return float(v[t]) if t < len(v) and np.isfinite(v[t]) else None


def _frame_data(W: list, b: list, box, t: int, losses, accuracies) -> list[dict]:
    """What one animation frame changes: the C regions and C lines of W (C, 2), b (C,) (made finite), then the
    loss and accuracy markers at step t."""
    digits = _view_digits(box)
    data = [dict(type="scatter", x=[round(v, digits) for v in x], y=[round(v, digits) for v in y])
            for x, y in _geometry_lists(W, b, box, stub=True)]
    return data + [dict(type="scatter", x=[t], y=[_value_at(v, t)]) for v in (losses, accuracies)]


def animation_frame(W, b, bounds, step: int, *, losses, accuracies) -> dict:
    """The frame of classifier_animation for one step, W (C, 2) and b (C,) at that step (for a step the figure
    has no frame of: the playback adds it in the browser). Its 'traces' are those of the figure's frames."""
    losses, accuracies = _clean(losses).ravel(), _clean(accuracies).ravel()
    step = int(np.clip(step, 0, max(len(losses) - 1, 0)))
    safe_W, safe_b = _safe_params(W, b)
    return dict(name=str(step), data=_frame_data(safe_W.tolist(), safe_b.tolist(), _box(bounds), step, losses,
                                                 accuracies))


def classifier_animation(X, y, Ws, bs, bounds, steps, *, losses, accuracies, class_names=None,
                         test_losses=None, height: int = 640, frame_ms: int = 40, log_y: bool = False,
                         start_step: int | None = None, regions_title: str = "decision regions",
                         axis_titles: tuple[str, str] = ("x₁", "x₂")) -> go.Figure:
    """Client-side playback of training: Ws (F, C, 2), bs (F, C) at steps (F,); losses, accuracies (T+1,).
    The figure opens at the frame nearest start_step (default: the last frame); regions_title names the left panel
    (for images: the plane of image space it shows), axis_titles its axes."""
    if len(steps) == 0:
        return _message_figure("no steps to show", height)
    F = len(steps)
    Ws = np.asarray(Ws, dtype=float).reshape(F, -1, 2)
    bs = np.asarray(bs, dtype=float).reshape(F, -1)
    C, names = bs.shape[1], _names(class_names, bs.shape[1])
    losses, accuracies = _clean(losses).ravel(), _clean(accuracies).ravel()
    steps = np.clip(np.asarray(steps, dtype=int), 0, max(len(losses) - 1, 0))
    f0 = F - 1 if start_step is None else int(np.argmin(np.abs(steps - int(start_step))))
    box = _box(bounds)
    safe_W, safe_b = _safe_params(Ws, bs)
    safe_W, safe_b = safe_W.tolist(), safe_b.tolist()
    frame_data = [_frame_data(safe_W[f], safe_b[f], box, int(steps[f]), losses, accuracies) for f in range(F)]

    # the regions panel is square-ish and limited by the height: give it the larger share of the width
    axes, titles = _panels([0.6, 0.4], 0.09, (regions_title, "loss and accuracy"), right=0.94,
                           secondary=True)
    on = [dict(xaxis="x2", yaxis="y2"), dict(xaxis="x2", yaxis="y3")]  # loss, accuracy
    traces = _shape_traces([(d["x"], d["y"]) for d in frame_data[f0][:2 * C]], names)
    traces += _point_traces(X, y, C, names)
    curves = [(losses, "train loss", INK, "solid", 0), (accuracies, "accuracy", ACC_COLOR, "dot", 1)]
    if test_losses is not None:
        curves.insert(1, (_clean(test_losses).ravel(), "test loss", GREY, "dash", 0))
    for v, name, color, dash, axis in curves:
        dots = axis == 1 and _zigzags(v)  # an accuracy flipping back and forth: dots, not a hatch
        traces.append(_trace(go.Scatter, x=np.arange(len(v)), y=v, mode="markers" if dots else "lines", name=name,
                             line=dict(color=color, width=3, dash=dash), marker=dict(color=color, size=5),
                             hovertemplate="step %{x}: %{y:.4g}<extra>" + name + "</extra>", **on[axis]))
    moving = list(range(2 * C)) + [len(traces), len(traces) + 1]
    t0 = int(steps[f0])
    traces.append(_trace(go.Scatter, x=[t0], y=[_value_at(losses, t0)], mode="markers", name="loss at t",
                         showlegend=False, cliponaxis=False, marker=dict(color=STAR, size=14, line=_OUTLINE),
                         **on[0]))
    traces.append(_trace(go.Scatter, x=[t0], y=[_value_at(accuracies, t0)], mode="markers", name="accuracy at t",
                         showlegend=False, cliponaxis=False, marker=dict(color=ACC_COLOR, size=12, line=_OUTLINE),
                         **on[1]))
    labels = [str(int(s)) for s in steps]
    frames = [dict(name=labels[f], traces=moving, data=frame_data[f]) for f in range(F)]
    all_losses = np.r_[losses, [] if test_losses is None else _clean(test_losses).ravel()]
    for name, axis in _input_axes(bounds, titles=axis_titles).items():
        axes[name].update(axis)
    axes["xaxis2"].update(_axis("step", range=_step_range(len(losses) - 1)))
    # (no axis title: the legend says "train loss", and a title left of the tick labels of a loss that blew up,
    # 10³⁰⁰, lay on the decision regions)
    axes["yaxis2"].update(_loss_axis(all_losses, log=log_y))  # log when it blew up
    axes["yaxis3"].update(_axis("accuracy", range=[0, 1.05], tickformat=".0%", tickmode="auto", showgrid=False))
    layout = _layout(traces, height, axes=axes, annotations=titles, subtitles=True, bottom=_CONTROLS_MARGIN,
                     legend_width=900.0)
    # room for what automargin would otherwise grow the margins to: the accuracy axis' labels on the right,
    # the second legend row on top
    layout["margin"].update(r=60, t=layout["margin"]["t"] + 26)
    plot_px = max(height - layout["margin"]["t"] - _CONTROLS_MARGIN, 100)
    layout.update(_animation_controls(labels, frame_ms, y=-70 / plot_px, active=f0))
    return _figure(traces, layout, frames)





def _blew_up(values) -> bool:
    """Whether a loss curve (T,) blew up: a value that is not finite after a finite start, or a finite one past
    BLOWUP times the first. Such a curve is flat at 0 on a linear axis; a log axis shows the blow-up."""
    v = np.asarray(values, dtype=float).ravel()
    ok = np.flatnonzero(np.isfinite(v))
    if ok.size == 0:
        return False
    first = abs(v[ok[0]])
    return bool(ok.size < v.size - ok[0] or np.abs(v[ok]).max() > BLOWUP * max(first, 1e-300))


def _zigzags(values, jump: float = 0.1) -> bool:
    """Whether a curve (T,) turns round by more than `jump` at a quarter of its steps or more (accuracy flipping
    between two values while the weights flip sign): as a line it would be a solid hatch, as dots two bands."""
    d = np.diff(_clean(values).ravel())
    if d.size < 8:
        return False
    turns = (d[:-1] * d[1:] < 0) & (np.minimum(np.abs(d[:-1]), np.abs(d[1:])) > jump)
    return bool(np.nanmean(turns) >= 0.25)


def _loss_axis(values, *, log: bool = False) -> dict:
    """y-axis settings for loss curves (T,): linear over their finite range, or log (asked for, or the curve blew
    up) from the smallest positive loss to the last finite one, ticked every decade, or every 2, 5, 10, 20, 50,
    100 decades over a wide range (a run that diverged reaches 10³⁰⁰)."""
    if not (log or _blew_up(values)):
        return dict(type="linear", range=_finite_range(values))
    lo, hi = _finite_range(values, log=True)
    if hi - lo <= 8:
        return _log_axis(bounds=(lo, hi))
    stride = next((k for k in (2, 5, 10, 20, 50, 100) if (hi - lo) / k <= 7), 200)
    ticks = [float(e) for e in range(math.ceil(lo / stride) * stride, math.floor(hi) + 1, stride)]
    return dict(type="log", range=[lo, hi], tickmode="array", tickvals=[10.0**e for e in ticks],
                ticktext=[tick_label(10.0**e) for e in ticks])


def loss_curves_figure(loss, accuracy, *, test_loss=None, test_accuracy=None, current: int | None = None,
                       diverged_at: int | None = None, blew_up_at: int | None = None, lr: float | None = None,
                       height: int = 380, log_y: bool = False) -> go.Figure:
    """Loss (T+1,) and accuracy (T+1,) per step side by side; train solid, test dashed. A run that stopped being
    finite at step diverged_at is drawn up to it (a red × at its last finite loss); the step where it blew up
    (blew_up_at: dashboard.behaviour.blew_up, the first non-finite or BLOWUP-fold loss; diverged_at if not
    given) has a red line and 'diverged at step s'. A loss that blew up is drawn on a log axis, and an accuracy
    that flips back and forth as dots."""
    mark = diverged_at if blew_up_at is None else blew_up_at
    end = None if diverged_at is None else max(int(diverged_at), 0) + 1  # nothing past the step that diverged
    series = [(None if v is None else _clean(v).reshape(-1)[:end], name, col)
              for v, name, col in ((loss, "train", 1), (test_loss, "test", 1), (accuracy, "train", 2),
                                   (test_accuracy, "test", 2))]
    losses = np.concatenate([v for v, _, col in series if v is not None and col == 1])
    loss_axis = _loss_axis(losses, log=log_y)
    loss_title = "loss" if lr is None else f"loss (learning rate {short(lr)})"
    if loss_axis["type"] == "log" and not log_y:
        loss_title += ", log scale: it blew up"
    axes, notes = _panels([1, 1], 0.1, (loss_title, "accuracy"))
    n, shown, traces = 1, set(), []
    for v, name, col in series:
        if v is None:
            continue
        n = max(n, len(v))
        color, dots = INK if name == "train" else GREY, col == 2 and _zigzags(v)
        traces.append(_trace(go.Scatter, x=np.arange(len(v)), y=v, mode="markers" if dots else "lines", name=name,
                             legendgroup=name, showlegend=name not in shown, hovertemplate="step %{x}: %{y:.4g}",
                             xaxis="x" if col == 1 else "x2", yaxis="y" if col == 1 else "y2",
                             line=dict(color=color, width=3, dash="solid" if name == "train" else "dash"),
                             marker=dict(color=color, size=5, symbol="circle" if name == "train" else "circle-open")))
        shown.add(name)
    shapes = []
    for axis in ("x", "x2"):
        if current is not None:
            shapes.append(_vline(current, dict(color=GREY, width=2, dash="dot"), axis))
        if mark is not None:
            shapes.append(_vline(mark, dict(color=ALERT, width=3), axis))
    if diverged_at is not None:
        train = series[0][0]
        ok = np.flatnonzero(np.isfinite(train) & (train > 0 if loss_axis["type"] == "log" else True))
        if ok.size:  # the last loss before it stopped being finite
            traces.append(_trace(go.Scatter, x=[int(ok[-1])], y=[float(train[ok[-1]])], mode="markers",
                                 name="last finite loss", showlegend=False, cliponaxis=False, xaxis="x", yaxis="y",
                                 hovertemplate="step %{x}: %{y:.4g}<extra>last finite loss</extra>",
                                 marker=dict(symbol="x", size=16, color=ALERT, line=dict(color=WHITE, width=1))))
    if mark is not None:
        notes.append(dict(x=0.03, y=0.97, xref="x domain", yref="y domain", showarrow=False, xanchor="left",
                          yanchor="top", text=f"diverged at step {mark}", font=dict(color=ALERT),
                          bgcolor="rgba(255,255,255,0.85)"))
    steps = _step_range(max(n - 1, current or 0, diverged_at or 0, 1))
    axes["xaxis"].update(_axis("step", range=steps))
    axes["xaxis2"].update(_axis("step", range=steps))
    axes["yaxis"].update(loss_axis)
    axes["yaxis2"].update(range=[0, 1.03], tickformat=".0%")
    return _figure(traces, _layout(traces, height, axes=axes, annotations=notes, shapes=shapes, subtitles=True))

