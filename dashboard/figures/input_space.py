"""The input space x = (x₁, x₂) that the Classifier and Training pages draw: decision regions, the lines
w_k·x + b_k = 0 with their normals w_k, the points, the selected example and the score surface s_k(x).

Geometry in plain floats (linviz.geometry): a figure of a few classes is drawn without numpy overhead.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from dashboard.figures.base import (
    _OUTLINE,
    FONT_SIZE,
    INK,
    SYMBOLS,
    WHITE,
    _axis,
    _compact,
    _sub,
    _trace,
    class_color,
    region_color,
)
from dashboard.figures.shared import _nice_step
from linviz import geometry
from linviz.landscape import decision_grid


def _box(bounds) -> tuple[float, float, float, float]:
    """(xmin, xmax, ymin, ymax) as floats, widened where degenerate."""
    return geometry.as_box(bounds)


def _centre(bounds) -> np.ndarray:
    """(2,) centre of the view."""
    xmin, xmax, ymin, ymax = _box(bounds)
    return np.array([(xmin + xmax) / 2, (ymin + ymax) / 2])


def _safe_params(W, b) -> tuple[np.ndarray, np.ndarray]:
    """W (..., C, 2), b (..., C) made finite and jointly rescaled to max |entry| <= 1 per (W, b) pair
    (same argmax, same lines)."""
    W = np.nan_to_num(np.asarray(W, dtype=float), nan=0.0, posinf=0.0, neginf=0.0)
    b = np.nan_to_num(np.asarray(b, dtype=float), nan=0.0, posinf=0.0, neginf=0.0)
    W, b = W.reshape(b.shape[:-1] + (-1, 2)) if b.ndim > 1 else W.reshape(-1, 2), b
    scale = np.maximum(np.abs(W).max(axis=(-2, -1), initial=0.0), np.abs(b).max(axis=-1, initial=0.0))
    scale = np.maximum(scale, 1.0)
    return W / np.asarray(scale)[..., None, None], b / np.asarray(scale)[..., None]




def _geometry_lists(W: list, b: list, box, stub: bool = False) -> list[tuple[list, list]]:
    """(xs, ys) of the C region polygons, then of the C lines w_k.x + b_k = 0, for finite W (C, 2), b (C,) as
    lists (linviz.geometry); empty ones are [] or, with stub (animation frames), a zero-size shape at the centre
    so the SVG path always exists."""
    C = len(b)
    out = geometry.decision_polygons(W, b, box)
    out += [geometry.line_in_box(W[k][0], W[k][1], b[k], box) or [] for k in range(C)]
    xmin, xmax, ymin, ymax = box
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    shapes = []
    for i, pts in enumerate(out):
        if not pts and stub:
            pts = [(cx, cy)] * (3 if i < C else 2)
        shapes.append(([p[0] for p in pts], [p[1] for p in pts]))
    return shapes


def _geometry_xy(W, b, bounds, stub: bool = False) -> list[tuple[list, list]]:
    """(xs, ys) of the C region polygons, then of the C lines, for any W (C, 2), b (C,) (see _geometry_lists)."""
    W, b = _safe_params(W, b)
    return _geometry_lists(W.tolist(), b.tolist(), _box(bounds), stub)


def _geometry_traces(W, b, bounds, names: list[str], stub: bool = False, alpha: float = 0.18,
                     axes: tuple[str, str] = ("x", "y")) -> list[go.Scatter]:
    """C filled region polygons (no hover), then C dashed boundary lines in the class colours."""
    return _shape_traces(_geometry_xy(W, b, bounds, stub), names, alpha, axes)


def _shape_traces(xy: list[tuple[list, list]], names: list[str], alpha: float = 0.18,
                  axes: tuple[str, str] = ("x", "y")) -> list[go.Scatter]:
    """The traces of _geometry_traces from the (xs, ys) of the C regions, then of the C lines."""
    C = len(xy) // 2
    on = dict(xaxis=axes[0], yaxis=axes[1])
    regions = [_trace(go.Scatter, x=x, y=y, mode="lines", fill="toself", fillcolor=region_color(k, alpha),
                      line=dict(width=0), hoverinfo="skip", showlegend=False, name=f"region: {names[k]}", **on)
               for k, (x, y) in enumerate(xy[:C])]
    lines = [_trace(go.Scatter, x=x, y=y, mode="lines", line=dict(color=class_color(k), width=3, dash="dash"),
                    hoverinfo="skip", showlegend=False, name=f"s{_sub(k)} = 0", **on)
             for k, (x, y) in enumerate(xy[C:])]
    return regions + lines


def _point_traces(X, y, C: int, names: list[str], test: bool = False,
                  axes: tuple[str, str] = ("x", "y")) -> list[go.Scatter]:
    """One marker trace per class (colour, symbol, dark outline); test points hollow and not in the legend.
    Training points carry their index into X as customdata, so a click selects that example."""
    X, y = np.asarray(X, dtype=float).reshape(-1, 2), np.asarray(y, dtype=int).reshape(-1)
    traces = []
    for k in range(C):
        symbol, label = SYMBOLS[k % len(SYMBOLS)], names[k] + (" (test)" if test else "")
        marker = (dict(symbol=symbol + "-open", size=10, color=class_color(k), line=dict(width=2.5)) if test
                  else dict(symbol=symbol, size=9, color=class_color(k), line=_OUTLINE))
        mine = y == k
        hover = f"{label}{'' if test else ' #%{customdata}'}<br>x₁=%{{x:.2f}}, x₂=%{{y:.2f}}<extra></extra>"
        traces.append(_trace(go.Scatter, x=X[mine, 0], y=X[mine, 1], mode="markers", marker=marker, name=label,
                             legendgroup=f"class{k}", showlegend=not test, hovertemplate=hover,
                             customdata=None if test else np.flatnonzero(mine), xaxis=axes[0], yaxis=axes[1]))
    return traces


def _normal_traces(W, b, bounds) -> list[go.Scatter]:
    """Per class an arrow w_k (15% of the view width) from the point of its line nearest the view centre, then
    one text trace with the labels 'w_k' just past the arrow heads, on the side away from the line. Traces, not
    annotations: a browser draws these ~4x faster."""
    box = _box(bounds)
    centre, length = _centre(bounds), 0.15 * (box[1] - box[0])
    arrows, heads, texts, positions = [], [], [], []
    for k, (w, bk) in enumerate(zip(*_safe_params(W, b))):
        seg = geometry.line_in_box(float(w[0]), float(w[1]), float(bk), box)
        if seg is None:
            continue
        tail = geometry.nearest_on_segment(centre, *seg)
        unit = w / np.hypot(*w)
        head = tail + length * unit
        arrows.append(_trace(go.Scatter, x=[float(tail[0]), float(head[0])], y=[float(tail[1]), float(head[1])],
                             mode="lines+markers", name=f"normal w{_sub(k)}", showlegend=False, hoverinfo="skip",
                             cliponaxis=False, line=dict(color=class_color(k), width=3.5),
                             marker=dict(symbol=["circle", "arrow"], angleref="previous", size=[0, 16],
                                         color=class_color(k))))
        heads.append((float(head[0]), float(head[1])))
        texts.append(f"w{_sub(k)}")
        positions.append(_text_position(float(unit[0]), float(unit[1])))
    if not heads:
        return arrows
    labels = _trace(go.Scatter, x=[h[0] for h in heads], y=[h[1] for h in heads], mode="text", text=texts,
                    textposition=positions, name="normal labels", showlegend=False, hoverinfo="skip",
                    cliponaxis=False, textfont=dict(size=FONT_SIZE, color=INK, weight="bold", shadow="auto"))
    return arrows + [labels]


def _text_position(ux: float, uy: float) -> str:
    """A scatter textposition that puts a label on the side of its point that direction (ux, uy) points to."""
    vertical = "top" if uy > 0.38 else "bottom" if uy < -0.38 else "middle"
    horizontal = "right" if ux > 0.38 else "left" if ux < -0.38 else "center"
    return f"{vertical} {horizontal}"


def _input_axes(bounds, x: str = "xaxis", y: str = "yaxis", titles: tuple[str, str] = ("x₁", "x₂")) -> dict:
    """Input-space axes fixed to bounds with equal aspect and equal tick spacing; titles x₁, x₂ (or `titles`: the
    axes of a plane of image space)."""
    xmin, xmax, ymin, ymax = _box(bounds)
    step = _nice_step(max(xmax - xmin, ymax - ymin) / 8)
    common = dict(constrain="domain", zeroline=False, tick0=0.0, dtick=step)
    return {x: _axis(titles[0], range=[xmin, xmax], scaleanchor=y.replace("axis", ""), scaleratio=1, **common),
            y: _axis(titles[1], range=[ymin, ymax], **common)}


def _score_heatmap(W, b, bounds, k: int) -> go.Heatmap:
    """Class k's score s_k(x) on a 60x60 grid: grey below 0, white at 0, the class colour above."""
    grid = decision_grid(*(np.nan_to_num(np.asarray(a, dtype=float)) for a in (W, b)), _box(bounds), 60)
    scale = [[0.0, "#4D4D4D"], [0.5, "#FFFFFF"], [1.0, class_color(k)]]
    return _trace(go.Heatmap, x=grid.xs, y=grid.ys, z=_compact(grid.scores[:, :, k]), colorscale=scale,
                  zmid=0.0, opacity=0.7, colorbar=dict(title=dict(text=f"s{_sub(k)}"), thickness=18),
                  name=f"s{_sub(k)}(x)", hovertemplate=f"s{_sub(k)} = %{{z:.2f}}<extra></extra>")


def _selected_traces(p, index: int) -> list[go.Scatter]:
    """A dark ring on a white halo around point p (2,): drawn last, so on top of every other trace."""
    common = dict(x=[float(p[0])], y=[float(p[1])], mode="markers", cliponaxis=False)
    return [_trace(go.Scatter, name="ring halo", showlegend=False, hoverinfo="skip",
                   marker=dict(symbol="circle-open", size=26, color=WHITE, line=dict(width=7.5)), **common),
            _trace(go.Scatter, name="selected", customdata=[int(index)], showlegend=False,  # legend: one row
                   marker=dict(symbol="circle-open", size=26, color=INK, line=dict(width=3.5)),
                   hovertemplate="selected example #%{customdata}<extra></extra>", **common)]

