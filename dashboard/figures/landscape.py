"""The Landscape page: the loss over a 2-D slice through the parameters, as contours (one panel per loss) or a
3-D surface, with the training trajectory projected on it.
"""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from dashboard.figures.base import (
    _BAR_PAD_PX,
    _BAR_PX,
    _BAR_TICKS_PX,
    _COLORBAR_MARGIN,
    DEFAULT_UV,
    FONT_SIZE,
    HALO,
    STAR,
    TITLE_SIZE,
    WHITE,
    _axis,
    _clean,
    _compact,
    _figure,
    _layout,
    _message_figure,
    _panels,
    _trace,
)
from dashboard.figures.shared import _contour, _extent, _hover_uv, log_colour


def _trajectory_traces(trajectory, current, showlegend: bool = True, axis_titles=DEFAULT_UV,
                       axes: tuple[str, str] = ("x", "y"), path_label: str = "trajectory") -> list[go.Scatter]:
    """Path (T, 2): white line and white step dots on a thin dark outline, named path_label in the legend; its start
    a big white disc under everything (so a current star on the same spot leaves a white rim); current (2,): a big
    red star."""
    traces = []
    on = dict(xaxis=axes[0], yaxis=axes[1])
    path = None if trajectory is None else _clean(trajectory).reshape(-1, 2)
    if path is not None and len(path):
        traces += [
            _trace(go.Scatter, x=path[:1, 0], y=path[:1, 1], mode="markers", name="start", showlegend=showlegend,
                   legendgroup="start", cliponaxis=False, hovertemplate=_hover_uv(axis_titles) + "<extra>start</extra>",
                   marker=dict(symbol="circle", size=30, color=WHITE, line=dict(color=HALO, width=2)), **on),
            _trace(go.Scatter, x=path[:, 0], y=path[:, 1], mode="lines+markers", line=dict(color=HALO, width=5.5),
                   marker=dict(size=7.5, color=HALO), hoverinfo="skip", showlegend=showlegend, legendgroup="path",
                   name=path_label, **on),
            _trace(go.Scatter, x=path[:, 0], y=path[:, 1], mode="lines+markers", name="trajectory",
                   legendgroup="path", line=dict(color=WHITE, width=3), showlegend=False,
                   marker=dict(size=5, color=WHITE),
                   hovertemplate=_hover_uv(axis_titles) + "<extra>step %{pointNumber}</extra>", **on)]
    if current is not None:
        c = _clean(current).reshape(2)
        traces.append(_trace(go.Scatter, x=[c[0]], y=[c[1]], mode="markers", name="current", showlegend=showlegend,
                             legendgroup="current", cliponaxis=False,
                             hovertemplate=_hover_uv(axis_titles) + "<extra>current</extra>",
                             marker=dict(symbol="star", size=24, color=STAR, line=dict(color="#000", width=1.5)),
                             **on))
    return traces


def landscape_figure(alphas, betas, values, *, title: str = "", trajectory=None, current=None,
                     axis_titles=DEFAULT_UV, height: int = 520, showscale: bool = True,
                     log_color: bool = False, colorscale="Viridis") -> go.Figure:
    """Contour of values (A, B) over alphas (A,) x betas (B,), optional path (T, 2) and current (2,)."""
    traces = [_contour(alphas, betas, values, log_color=log_color, showscale=showscale, colorscale=colorscale,
                       axis_titles=axis_titles)]
    traces += _trajectory_traces(trajectory, current, axis_titles=axis_titles)
    axes = dict(xaxis=_axis(axis_titles[0], range=_extent(alphas), showgrid=False),
                yaxis=_axis(axis_titles[1], range=_extent(betas), showgrid=False))
    return _figure(traces, _layout(traces, height, title, axes=axes))


def gradient_arrows(arrows, xref: str = "x", yref: str = "y") -> list[dict]:
    """Annotations drawing each arrow dict(start=(u, v), end=(u, v), label, color) on a landscape panel: a line with
    its head at end and the label just past the head (the negative gradient −∇L and the step −α∇L, issue 12)."""
    out = []
    for a in arrows:
        (u0, v0), (u1, v1) = (float(c) for c in a["start"]), (float(c) for c in a["end"])
        if not all(math.isfinite(c) for c in (u0, v0, u1, v1)) or (u0, v0) == (u1, v1):
            continue
        out.append(dict(x=u1, y=v1, ax=u0, ay=v0, xref=xref, yref=yref, axref=xref, ayref=yref, text="",
                        showarrow=True, arrowhead=2, arrowsize=1.2, arrowwidth=3.5, arrowcolor=a["color"]))
        du, dv = (u1 - u0) / math.hypot(u1 - u0, v1 - v0), (v1 - v0) / math.hypot(u1 - u0, v1 - v0)
        side = 1 if len(out) % 4 == 1 else -1  # labels of successive arrows on opposite sides of their line
        dx, dy = 8 * du - 16 * side * dv, 8 * dv + 16 * side * du  # px: past the head, then to one side
        out.append(dict(x=u1, y=v1, xref=xref, yref=yref, text=f"<b>{a['label']}</b>", showarrow=False,
                        xanchor="left" if dx >= 0 else "right", yanchor="bottom" if dy >= 0 else "top",
                        xshift=dx, yshift=dy,
                        font=dict(size=FONT_SIZE, color=a["color"]), bgcolor="rgba(255,255,255,0.85)", borderpad=2))
    return out


def landscape_pair_figure(panels: dict, *, trajectory=None, current=None, height: int = 560,
                          log_color: bool = False, axis_titles=DEFAULT_UV, arrows=None,
                          path_label: str = "trajectory") -> go.Figure:
    """Side-by-side contours {title: (alphas (A,), betas (B,), values (A, B))}, one path overlaid on each (named
    path_label in the legend: what its steps follow, e.g. "path: steps −α∇L"); each
    panel's colour bar lies under it (beside it, a bar and its tick labels took the room the next panel's axis
    labels need: at 1280-1440 px they were drawn over each other). arrows = {title: [arrow, ...]}: see
    gradient_arrows."""
    if not panels:
        return _message_figure("no landscape to show", height)
    axes, notes = _panels([1] * len(panels), 0.13, list(panels))
    traces = []
    for i, (alphas, betas, values) in enumerate(panels.values(), start=1):
        s = "" if i == 1 else str(i)
        x0, x1 = axes[f"xaxis{s}"]["domain"]
        bar = dict(orientation="h", x=x0, xanchor="left", len=0.8 * (x1 - x0), thickness=_BAR_PX, yref="container",
                   y=0.0, yanchor="bottom", ypad=_BAR_PAD_PX, title=dict(text="loss", side="right"))
        traces.append(_contour(alphas, betas, values, log_color=log_color, axis_titles=axis_titles,
                               colorbar=bar, axes=(f"x{s}", f"y{s}")))
        traces += _trajectory_traces(trajectory, current, showlegend=i == 1, axis_titles=axis_titles,
                                     axes=(f"x{s}", f"y{s}"), path_label=path_label)
        notes += gradient_arrows((arrows or {}).get(list(panels)[i - 1], ()), f"x{s}", f"y{s}")
        axes[f"xaxis{s}"].update(_axis(axis_titles[0], range=_extent(alphas), showgrid=False))
        axes[f"yaxis{s}"].update(_axis(axis_titles[1], range=_extent(betas), showgrid=False))
    layout = _layout(traces, height, axes=axes, annotations=notes, subtitles=True)
    layout["margin"]["b"] += _BAR_PX + _BAR_PAD_PX + _BAR_TICKS_PX  # the colour bars under the x-axis titles
    return _figure(traces, layout)


def _grid_lookup(alphas, betas, values, coords) -> np.ndarray:
    """values (A, B) at the grid point nearest each of coords (T, 2); NaN outside the grid."""
    a, bt, v = np.asarray(alphas, dtype=float), np.asarray(betas, dtype=float), _clean(values)
    i = np.abs(a[None, :] - coords[:, :1]).argmin(axis=1)
    j = np.abs(bt[None, :] - coords[:, 1:]).argmin(axis=1)
    outside = ~((coords[:, 0] >= a.min()) & (coords[:, 0] <= a.max()) & (coords[:, 1] >= bt.min())
                & (coords[:, 1] <= bt.max()))
    return np.where(outside, np.nan, v[i, j])


def surface3d_figure(alphas, betas, values, *, trajectory=None, trajectory_loss=None, title: str = "",
                     height: int = 560, axis_titles=DEFAULT_UV, log_color: bool = False) -> go.Figure:
    """3-D surface of values (A, B) (z = values.T), optional path (T, 2) at heights trajectory_loss (T,);
    log_color colours it by log₁₀ loss, as the 2-D panels (the height stays the loss)."""
    z = _clean(values)
    hover = _hover_uv(axis_titles) + "<br>loss=%{z:.4g}<extra></extra>"
    bar, colour = dict(title=dict(text="loss"), thickness=18), {}
    if log_color:
        logz, ticks = log_colour(z.T)
        bar.update(ticks)
        colour = dict(surfacecolor=_compact(logz))
    traces = [_trace(go.Surface, x=np.asarray(alphas, dtype=float), y=np.asarray(betas, dtype=float),
                     z=_compact(z.T), colorscale="Viridis", name="loss", hovertemplate=hover, colorbar=bar,
                     **colour)]
    path = None if trajectory is None else _clean(trajectory).reshape(-1, 2)
    if path is not None and len(path):
        h = (_grid_lookup(alphas, betas, z, path) if trajectory_loss is None
             else _clean(trajectory_loss).reshape(-1)[: len(path)])
        lift = 0.01 * float(np.ptp(_extent(z)))  # keep the path just above the surface
        xy = dict(x=path[: len(h), 0], y=path[: len(h), 1])
        xyz = dict(xy, z=h + 2 * lift)
        traces += [  # the dark outline sits a little lower, so the white line covers it where they overlap
            _trace(go.Scatter3d, mode="lines", name="trajectory outline", showlegend=False, hoverinfo="skip",
                   line=dict(color=HALO, width=12), z=h + 0.5 * lift, **xy),
            _trace(go.Scatter3d, mode="lines+markers", name="trajectory", showlegend=False, hovertemplate=hover,
                   line=dict(color=WHITE, width=6), marker=dict(size=3, color=WHITE), **xyz),
            _trace(go.Scatter3d, x=xyz["x"][:1], y=xyz["y"][:1], z=xyz["z"][:1], mode="markers", name="start",
                   showlegend=False, hovertemplate=hover,
                   marker=dict(size=9, color=WHITE, line=dict(color=HALO, width=2)))]
    axis = dict(title=dict(font=dict(size=TITLE_SIZE - 1)), tickfont=dict(size=14))
    scene = dict(xaxis={**axis, "title": dict(axis["title"], text=axis_titles[0])},
                 yaxis={**axis, "title": dict(axis["title"], text=axis_titles[1])},
                 zaxis={**axis, "title": dict(axis["title"], text="loss")}, aspectmode="cube",
                 camera=dict(eye=dict(x=1.35, y=-1.35, z=0.9)))  # (closer: the cube fills more of the chart)
    layout = _layout(traces, height, title, axes={}, scene=scene)
    layout["margin"].update(l=10, r=_COLORBAR_MARGIN, b=10)
    return _figure(traces, layout)

