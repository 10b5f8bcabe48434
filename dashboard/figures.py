"""Plotly figures for the dashboard: numpy arrays in, go.Figure out (no Streamlit here).

Conventions: W (C, 2), b (C,), X (N, 2), y (N,) ints, bounds = (xmin, xmax, ymin, ymax);
values[i, j] is the loss at (alphas[i], betas[j]), so contours get z = values.T.
Styled for a lecture hall: 16 px fonts, thick lines, one colour and one marker symbol per class.

Speed: a page rerun builds its figures on the server, and Plotly's property validation (and make_subplots)
used to dominate that. Every trace, layout and frame here is built once, as plain values, without validation
(`_trace`, `_figure`); tests/test_figures.py rebuilds each figure with a validating constructor instead, so a
misspelt property still fails the test suite. Panels are laid out by `_panels`, not make_subplots.
"""
from __future__ import annotations

import math
import re

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from linviz.landscape import decision_grid

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "cross", "triangle-down", "star", "pentagon")
RUN_COLORS = ("#000000", "#E69F00", "#56B4E9", "#CC79A7", "#009E73", "#D55E00")
UIREVISION = "linviz"
FONT_SIZE, TITLE_SIZE = 16, 19
INK, GREY, ALERT, ACC_COLOR, STAR = "#222222", "#777777", "#C00000", "#8C564B", "#E41A1C"
HALO, WHITE = "#1A1A1A", "#FFFFFF"  # paths on a landscape: white on a thin dark outline
MINUS = "\u2212"  # the real minus sign, in every number this module writes
DEFAULT_UV = ("u (along d₁)", "v (along d₂)")  # landscape axes (α is the learning rate in this app)
_OUTLINE = dict(color=HALO, width=1.2)
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_LEGEND_TYPES = ("scatter", "bar", "scatter3d")
_LEGEND_ROW_PX = 32
_AUTOMARGIN_BOTTOM = 64  # px under an x-axis title (the template's standoff 15): see _layout
_COLORBAR_MARGIN = 100  # px right of the plot for a colour bar with its tick labels
_CONTROLS_MARGIN = 150  # px under the animation's plot: step axis, then the play button and the step slider
_SCORE_LINE_PX = 24  # px per line of scores under the visual view's title
_AUTOMARGIN_TOP = 15  # px more above the classifier's plot: its top tick label under the legend


def _style() -> tuple[dict, dict]:
    """plotly_white's layout and trace defaults, for the trace types these figures draw (no colorscales)."""
    full = pio.templates["plotly_white"].to_plotly_json()
    keep = ("autotypenumbers", "colorway", "font", "hovermode", "hoverlabel", "paper_bgcolor", "plot_bgcolor",
            "xaxis", "yaxis", "scene", "shapedefaults", "annotationdefaults")
    # (not scatter3d's: its only defaults are for line and marker colour bars, and a trace given a colorbar
    # gets a colour scale and a colour bar of its own)
    data = {kind: {k: v for k, v in full["data"][kind][0].items() if k not in ("type", "colorscale")}
            for kind in ("bar", "contour", "heatmap", "surface") if kind in full["data"]}
    return {k: full["layout"][k] for k in keep if k in full["layout"]}, data


# The look of plotly_white, written into every figure instead of referenced as layout.template: the browser then
# draws a figure once. Streamlit hands each new figure to Plotly twice (the second time a fresh copy with the
# width it measured); Plotly.react redraws everything for a new template object or for arrays it cannot compare,
# but nothing for a layout without template, arrays as JSON lists and an unchanged layout.datarevision.
LAYOUT_STYLE, TRACE_STYLE = _style()
PLAIN_MAX = 4000  # arrays of at most this many numbers go out as JSON lists; longer ones stay base64
_CARTESIAN = re.compile(r"[xy]axis\d*")
_ORIENTED = frozenset({"bar"})  # Plotly draws no grid on the category axis of these unless told to


# ---------------------------------------------------------------- building blocks
def _trace(kind, **props):
    """A trace of type kind (go.Scatter, ...) built without property validation (~10-20x faster), with the
    style defaults of its type and short arrays as plain lists."""
    style = TRACE_STYLE.get(kind._path_str if hasattr(kind, "_path_str") else "")
    return kind(_validate=False, **_under(style, _lists(props)) if style else _lists(props))


def _figure(data, layout: dict, frames: list[dict] | None = None) -> go.Figure:
    """go.Figure of prebuilt traces and a complete layout dict (LAYOUT_STYLE written in), without validation;
    frames are plain dicts."""
    fig = go.Figure(data=data, layout=_styled(layout, data, animated=bool(frames)), _validate=False)
    if frames:
        objs = tuple(go.Frame(_validate=False, **f) for f in frames)
        if hasattr(fig, "_frame_objs"):  # the public setter re-validates every frame (~60 ms for 100)
            fig._frame_objs = objs  # their data stay plain dicts: read them through fig.to_dict()["frames"]
        else:  # pragma: no cover - a future Plotly without the private attribute
            fig.frames = frames
    return fig.update_layout(template=None)  # (a layout without any would get plotly's default template)


def _under(default, own):
    """`own` over `default`: dictionaries merged at every depth, anything else `own` when given."""
    if isinstance(default, dict) and isinstance(own, dict):
        return {**default, **{k: _under(default.get(k), v) for k, v in own.items()}}
    return default if own is None else own


def _lists(value):
    """numpy arrays of at most PLAIN_MAX numbers (also inside dicts) as lists; float32 to its 7 digits."""
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    if not isinstance(value, np.ndarray) or value.size > PLAIN_MAX or value.dtype.kind not in "iufb":
        return value
    if value.dtype == np.float32:
        return [float(f"{v:.7g}") for v in value.ravel()] if value.ndim == 1 else [_lists(r) for r in value]
    return value.tolist()


def _styled(layout: dict, traces, animated: bool = False) -> dict:
    """layout over LAYOUT_STYLE: axis defaults under every cartesian axis, item defaults under every annotation
    and shape, scene defaults only for a 3-D figure; a constant datarevision unless animated."""
    style = dict(LAYOUT_STYLE)
    axis_style = {k: style.pop(k) for k in ("xaxis", "yaxis")}
    items = {"annotations": style.pop("annotationdefaults"), "shapes": style.pop("shapedefaults")}
    scene = style.pop("scene")
    out = _under(style, layout)
    no_grid = set()
    for t in traces:  # the category axis of bars: no grid or zero line, as Plotly draws it without a template
        if t.type in _ORIENTED:
            ref = (t.yaxis or "y") if t.orientation == "h" else (t.xaxis or "x")
            no_grid.add(ref[0] + "axis" + ref[1:])
    for name in [k for k in out if _CARTESIAN.fullmatch(k)]:
        own = out[name]
        axis = _under(axis_style[name[0] + "axis"], own)
        plain = name in no_grid
        axis.setdefault("showgrid", not plain or any(k in own for k in ("gridcolor", "gridwidth", "griddash")))
        axis.setdefault("zeroline", not plain or any(k in own for k in ("zerolinecolor", "zerolinewidth")))
        out[name] = axis
    for key, default in items.items():
        if out.get(key):
            out[key] = [_under(default, a) for a in out[key]]
    if any(t.type in ("surface", "scatter3d") for t in traces):
        out["scene"] = _under(scene, out.get("scene") or {})
    if not animated:
        out.setdefault("datarevision", UIREVISION)
    return out


def class_color(k: int) -> str:
    """Hex colour of class k (Okabe-Ito, cycling past 8)."""
    return PALETTE[int(k) % len(PALETTE)]


def region_color(k: int, alpha: float = 0.18) -> str:
    """Light 'rgba(r,g,b,alpha)' fill of class k's decision region."""
    h = class_color(k).lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha:g})"


def _sub(k: int) -> str:
    """Unicode subscript digits: 12 -> '₁₂'."""
    return str(k).translate(_SUBSCRIPTS)


def _num(v: float, digits: int = 3) -> str:
    """v to `digits` significant digits with a real minus: 0.821, −0.00110, 12.0, 1.23×10⁶."""
    v = float(v)
    if not math.isfinite(v):
        return "NaN" if math.isnan(v) else ("−∞" if v < 0 else "∞")
    if v == 0:
        return "0"
    mantissa, exponent = f"{v:.{digits - 1}e}".split("e")
    e = int(exponent)
    text = (f"{float(mantissa + 'e' + exponent):.{max(digits - 1 - e, 0)}f}" if -5 <= e < 6
            else f"{mantissa}×10{str(e).translate(_SUPERSCRIPTS)}")
    return text.replace("-", MINUS)


def _plain(v: float) -> str:
    """v as :.4g would write it (0.5, 120, 0.003), with a real minus and 1.2×10⁻⁵ for e-notation."""
    text = f"{float(v):.4g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}×10{str(int(exponent)).translate(_SUPERSCRIPTS)}"
    return text.replace("-", MINUS)


def _tick_label(v: float) -> str:
    """A log-axis tick label: 0.01, 0.2, 1, 50, 1000, 10⁴, 2×10⁻⁵."""
    e = int(math.floor(math.log10(v) + 1e-9))
    m = v / 10.0**e
    if abs(m - round(m)) < 1e-6 and -4 < e < 4:
        return _num(v, 1)
    if abs(m - 1) < 1e-6:
        return "10" + str(e).translate(_SUPERSCRIPTS)
    return _num(v, 2) if -4 < e < 4 else f"{round(m, 1):g}×10" + str(e).translate(_SUPERSCRIPTS)


def _names(class_names, C: int) -> list[str]:
    """C display names, defaulting to 'class k'."""
    given = list(class_names or [])
    return [str(given[k]) if k < len(given) else f"class {k}" for k in range(C)]


def _clean(values) -> np.ndarray:
    """Float copy with non-finite entries as NaN (drawn as gaps)."""
    v = np.array(values, dtype=float)
    v[~np.isfinite(v)] = np.nan
    return v


def _compact(a) -> np.ndarray:
    """a as float32 (half the JSON) when every finite entry fits, else float64."""
    a = np.asarray(a, dtype=float)
    finite = np.abs(a[np.isfinite(a)])
    return a.astype(np.float32) if finite.max(initial=0.0) < 1e38 else a


def _short(title: str) -> str:
    """Hover name of an axis: 'u (along d₁)' -> 'u'."""
    return str(title).split(" (")[0].strip() or str(title)


def _legend_rows(labels: list[str], width: float = 680.0, px_per_char: float = 8.5) -> int:
    """Rough number of rows a horizontal legend of these labels needs at ~width px."""
    rows, used = (1, 0.0) if labels else (0, 0.0)
    for label in labels:
        item = 50 + px_per_char * len(label)
        rows, used = (rows + 1, item) if used and used + item > width else (rows, used + item)
    return rows


def _legend_labels(traces) -> list[str]:
    """Names of the traces that show up in the legend."""
    return [t.name or "" for t in traces
            if t.showlegend is True or (t.showlegend is None and t.type in _LEGEND_TYPES)]


def _panels(widths, spacing: float, titles=None, *, right: float = 1.0,
            secondary: bool = False) -> tuple[dict, list[dict]]:
    """Axes of a row of panels laid out as make_subplots would: xaxis/yaxis, xaxis2/yaxis2, ... with domains
    and anchors; titles as paper annotations above the panels; with secondary, one more y axis on the right of
    the last panel (overlaying it). Traces go to panel i with xaxis=f'x{i}', yaxis=f'y{i}' ('x', 'y' for 1)."""
    free, total, x0 = right - spacing * (len(widths) - 1), float(sum(widths)), 0.0
    axes, notes = {}, []
    for i, w in enumerate(widths, start=1):
        x1, s = x0 + free * w / total, "" if i == 1 else str(i)
        axes[f"xaxis{s}"] = dict(domain=[x0, x1], anchor=f"y{s}")
        axes[f"yaxis{s}"] = dict(domain=[0.0, 1.0], anchor=f"x{s}")
        if titles:
            notes.append(dict(text=titles[i - 1], x=(x0 + x1) / 2, y=1.0, xref="paper", yref="paper",
                              xanchor="center", yanchor="bottom", showarrow=False, font=dict(size=TITLE_SIZE)))
        x0 = x1 + spacing
    if secondary:
        n = len(widths)
        s = "" if n == 1 else str(n)
        axes[f"yaxis{n + 1}"] = dict(anchor=f"x{s}", overlaying=f"y{s}", side="right")
    return axes, notes


def _axis(title: str | None = None, **props) -> dict:
    """A cartesian axis: optional title, then props."""
    return {**props, "title": dict(text=title)} if title is not None else props


def _layout(traces, height: int, title: str = "", *, axes: dict, annotations=(), shapes=(),
            subtitles: bool = False, bottom: int = 60, legend_below: bool = False, legend_width: float = 680.0,
            **extra) -> dict:
    """Shared layout: slim plotly_white, big fonts, title, horizontal legend (on top, or below the plot),
    constant uirevision, the axes in `axes` with dark lines."""
    labels = _legend_labels(traces)
    title_px = 44 if title else 6
    legend = dict(orientation="h", x=0.0, xanchor="left", yref="container", font=dict(size=FONT_SIZE))
    if legend_below:
        rows = _legend_rows(labels, legend_width, px_per_char=8.0)
        top = max(title_px + (34 if subtitles else 10), 36)
        bottom = max(bottom, _AUTOMARGIN_BOTTOM) + _LEGEND_ROW_PX * rows
        legend.update(y=8 / height, yanchor="bottom", font=dict(size=FONT_SIZE - 1), tracegroupgap=0)
    else:
        top = max(title_px + 30 * _legend_rows(labels, legend_width) + (34 if subtitles else 10), 36)
        legend.update(y=1.0 - title_px / height, yanchor="top")
        # an x-axis title needs the bottom margin Plotly's automargin would otherwise grow to, by drawing the
        # whole figure a second time (~40% of its time in the browser)
        if any(name.startswith("xaxis") and (ax.get("title") or {}).get("text") for name, ax in axes.items()):
            bottom = max(bottom, _AUTOMARGIN_BOTTOM)
    styled = {}
    for name, ax in axes.items():
        if name.startswith(("xaxis", "yaxis")):
            ax = {"showline": True, "linewidth": 1.5, "linecolor": "#444", **ax,
                  "title": {**ax.get("title", {}), "font": dict(size=TITLE_SIZE - 1)}}
        styled[name] = ax
    layout = dict(
        height=height, font=dict(size=FONT_SIZE), uirevision=UIREVISION,
        title=dict(text=title, font=dict(size=TITLE_SIZE + 1), x=0.01, xanchor="left", y=1.0,
                   yref="container", yanchor="top", pad=dict(t=12)),
        margin=dict(l=80, r=30, t=top, b=bottom), hoverlabel=dict(font=dict(size=FONT_SIZE - 1)),
        legend=legend, **styled, **extra)
    if annotations:
        layout["annotations"] = list(annotations)
    if shapes:
        layout["shapes"] = list(shapes)
    return layout


def _message_figure(text: str, height: int) -> go.Figure:
    """An empty figure that says why it is empty."""
    axes = dict(xaxis=dict(visible=False), yaxis=dict(visible=False))
    note = dict(text=text, showarrow=False, font=dict(size=TITLE_SIZE), xref="paper", yref="paper", x=0.5, y=0.5)
    return _figure([], _layout([], height, axes=axes, annotations=[note]))


def _nice_step(raw: float) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10^k that is >= raw."""
    if not raw > 0 or not math.isfinite(raw):
        return 1.0
    e = math.floor(math.log10(raw))
    return next(m * 10.0**e for m in (1, 2, 2.5, 5, 10) if m * 10.0**e >= raw * (1 - 1e-9))


# ---------------------------------------------------------------- input-space geometry (plain floats: fast)
def _box(bounds) -> tuple[float, float, float, float]:
    """(xmin, xmax, ymin, ymax) as floats, widened where degenerate."""
    xmin, xmax, ymin, ymax = (float(v) for v in bounds)
    xmin, xmax = (xmin, xmax) if xmax > xmin else (xmin - 1.0, xmin + 1.0)
    ymin, ymax = (ymin, ymax) if ymax > ymin else (ymin - 1.0, ymin + 1.0)
    return xmin, xmax, ymin, ymax


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


def _segment(w, b: float, bounds) -> np.ndarray | None:
    """(2, 2) endpoints of the line w.x + b = 0 clipped to bounds, or None (w ~ 0 or line outside)."""
    seg = _segment_xy(float(w[0]), float(w[1]), float(b), _box(bounds))
    return None if seg is None else np.array(seg)


def _segment_xy(w0: float, w1: float, b: float, box) -> list[tuple[float, float]] | None:
    """The line w0 x + w1 y + b = 0 clipped to box = (xmin, xmax, ymin, ymax): two points, or None."""
    scale = max(abs(w0), abs(w1), abs(b))  # the line does not change when (w, b) is rescaled
    if not math.isfinite(scale) or scale == 0 or math.hypot(w0, w1) < 1e-9 * scale:
        return None
    w0, w1, b = w0 / scale, w1 / scale, b / scale
    n2 = w0 * w0 + w1 * w1
    norm = math.sqrt(n2)
    px, py, dx, dy = -b * w0 / n2, -b * w1 / n2, -w1 / norm, w0 / norm  # nearest point to the origin, direction
    xmin, xmax, ymin, ymax = box
    lo, hi = -math.inf, math.inf
    for p, dk, a, z in ((px, dx, xmin, xmax), (py, dy, ymin, ymax)):
        if abs(dk) < 1e-12:
            if not a <= p <= z:
                return None
            continue
        t1, t2 = sorted(((a - p) / dk, (z - p) / dk))
        lo, hi = max(lo, t1), min(hi, t2)
    return None if hi <= lo else [(px + lo * dx, py + lo * dy), (px + hi * dx, py + hi * dy)]


def _clip_polygon(poly: list, nx: float, ny: float, offset: float) -> list:
    """Sutherland-Hodgman (as linviz.landscape.decision_regions): the part of a convex polygon
    [(x, y), ...] where nx x + ny y + offset >= 0."""
    if not poly:
        return poly
    side = [x * nx + y * ny + offset for x, y in poly]
    out, n = [], len(poly)
    for k in range(n):
        j = k + 1 if k + 1 < n else 0
        sp, sq = side[k], side[j]
        if sp >= 0:
            out.append(poly[k])
        if (sp >= 0) != (sq >= 0):  # the edge crosses the line: add the crossing point
            (x, y), (qx, qy) = poly[k], poly[j]
            t = sp / (sp - sq)
            out.append((x + (qx - x) * t, y + (qy - y) * t))
    return out


def _geometry_lists(W: list, b: list, box, stub: bool = False) -> list[tuple[list, list]]:
    """(xs, ys) of the C region polygons, then of the C lines w_k.x + b_k = 0, for finite W (C, 2), b (C,) as
    lists; empty ones are [] or, with stub (animation frames), a zero-size shape at the centre so the SVG path
    always exists."""
    C = len(b)
    xmin, xmax, ymin, ymax = box
    square = [(xmin, ymin), (xmax, ymin), (xmax, ymax), (xmin, ymax)]
    out = []
    for k in range(C):  # argmax gives ties to the lowest class: a duplicated row has no region
        if any(all(abs(W[k][i] - W[j][i]) <= 1e-12 + 1e-5 * abs(W[j][i]) for i in (0, 1))
               and abs(b[k] - b[j]) < 1e-12 for j in range(k)):
            poly = []
        else:
            poly = square
            for j in range(C):
                if j != k:
                    poly = _clip_polygon(poly, W[k][0] - W[j][0], W[k][1] - W[j][1], b[k] - b[j])
        out.append(poly)
    out += [_segment_xy(W[k][0], W[k][1], b[k], box) or [] for k in range(C)]
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
    xy = _geometry_xy(W, b, bounds, stub)
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
        seg = _segment_xy(float(w[0]), float(w[1]), float(bk), box)
        if seg is None:
            continue
        p, q = np.array(seg)
        d = q - p
        tail = p + np.clip(np.dot(centre - p, d) / max(np.dot(d, d), 1e-300), 0.0, 1.0) * d
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


def _input_axes(bounds, x: str = "xaxis", y: str = "yaxis") -> dict:
    """Input-space axes fixed to bounds with equal aspect and equal tick spacing; titles x₁, x₂."""
    xmin, xmax, ymin, ymax = _box(bounds)
    step = _nice_step(max(xmax - xmin, ymax - ymin) / 8)
    common = dict(constrain="domain", zeroline=False, tick0=0.0, dtick=step)
    return {x: _axis("x₁", range=[xmin, xmax], scaleanchor=y.replace("axis", ""), scaleratio=1, **common),
            y: _axis("x₂", range=[ymin, ymax], **common)}


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


def _classifier_traces(X, y, W, b, bounds, *, X_test=None, y_test=None, selected: int | None = None,
                       names: list[str], show_normals: bool = True, score_class: int | None = None) -> list:
    """The geometric view's traces (see classifier_figure)."""
    C = len(names)
    show_score = isinstance(score_class, (int, np.integer)) and 0 <= score_class < C
    traces = [_score_heatmap(W, b, bounds, int(score_class))] if show_score else []
    traces += _geometry_traces(W, b, bounds, names, alpha=0.08 if show_score else 0.18)
    traces += _point_traces(X, y, C, names)
    if X_test is not None and y_test is not None and len(np.asarray(y_test).reshape(-1)):
        traces += _point_traces(X_test, y_test, C, names, test=True)
        traces.append(_trace(go.Scatter, x=[None], y=[None], mode="markers", name="test (hollow)",
                             marker=dict(symbol="circle-open", size=10, color=GREY, line=dict(width=2.5))))
    if show_normals:
        traces += _normal_traces(W, b, bounds)
    X = np.asarray(X, dtype=float).reshape(-1, 2)
    if selected is not None and 0 <= int(selected) < len(X):
        traces += _selected_traces(X[int(selected)], int(selected))
    return traces


def classifier_figure(X, y, W, b, bounds, *, X_test=None, y_test=None, selected: int | None = None,
                      class_names=None, show_normals: bool = True, score_class: int | None = None,
                      height: int = 600, title: str = "") -> go.Figure:
    """Geometric viewpoint: regions, lines w_k.x + b_k = 0, normals, points X (N, 2); W (C, 2), b (C,)."""
    names = _names(class_names, len(np.asarray(b).reshape(-1)))
    traces = _classifier_traces(X, y, W, b, bounds, X_test=X_test, y_test=y_test, selected=selected, names=names,
                                show_normals=show_normals, score_class=score_class)
    layout = _layout(traces, height, title, axes=_input_axes(bounds), legend_width=520.0)
    layout["margin"]["t"] += _AUTOMARGIN_TOP  # what automargin would grow it to, without a second drawing
    return _figure(traces, layout)


# ---------------------------------------------------------------- training playback and curves
def _finite_range(values, log: bool = False) -> list[float]:
    """Padded [lo, hi] of the finite (for log axes: positive, in log10 units) values."""
    v = np.asarray(values, dtype=float).ravel()
    v = v[np.isfinite(v) & (v > 0)] if log else v[np.isfinite(v)]
    if v.size == 0:
        return [-1.0, 1.0] if log else [0.0, 1.0]
    lo, hi = (np.log10(v.min()), np.log10(v.max())) if log else (v.min(), v.max())
    pad = 0.06 * (hi - lo) if hi > lo else 0.5
    return [float(lo - pad), float(hi + pad)]


def _log_ticks(lo: float, hi: float) -> np.ndarray:
    """Tick positions in log10 units between lo and hi: every decade (1, 10, 100 or 0.1, 1, ...; every k-th one
    past 8 decades), with 1-2-5 in between over less than 3.5 decades and more within one decade."""
    span = hi - lo
    if span >= 3.5:
        stride, mantissas = int(np.ceil(span / 8)), [1.0]
    else:
        stride, mantissas = 1, [1.0, 2.0, 5.0] if span >= 0.7 else [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0]
    ticks = np.array([e + np.log10(m) for e in range(int(np.floor(lo)), int(np.ceil(hi)) + 1)
                      if e % stride == 0 for m in mantissas])
    ticks = ticks[(ticks >= lo - 1e-9) & (ticks <= hi + 1e-9)] if ticks.size else ticks
    return ticks if len(ticks) >= 2 else np.linspace(lo, hi, 4)


def _log_axis(values=None, *, bounds: tuple[float, float] | None = None) -> dict:
    """Log-axis settings with full-size tick labels: over the positive finite values, or bounds (log10 units)."""
    lo, hi = bounds if bounds is not None else _finite_range(values, log=True)
    ticks = _log_ticks(lo, hi)
    return dict(type="log", range=[lo, hi], tickmode="array", tickvals=(10.0**ticks).tolist(),
                ticktext=[_tick_label(10.0**t) for t in ticks])


def _animation_controls(labels: list[str], frame_ms: int, y: float, active: int | None = None) -> dict:
    """Play/Pause buttons and a 'step t' slider over the frames named by labels, at frame `active` (last)."""
    still = {"frame": {"duration": 0, "redraw": False}, "mode": "immediate", "transition": {"duration": 0}}
    play = [None, {"frame": {"duration": int(frame_ms), "redraw": False}, "fromcurrent": True,
                   "transition": {"duration": 0}, "mode": "immediate"}]
    pause = [[None], {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}]
    buttons = dict(type="buttons", direction="left", x=0.0, y=y, xanchor="left", yanchor="top",
                   showactive=False, pad=dict(t=10, r=10), font=dict(size=FONT_SIZE),
                   buttons=[dict(label="▶ Play", method="animate", args=play),
                            dict(label="❚❚ Pause", method="animate", args=pause)])
    slider = dict(active=len(labels) - 1 if active is None else int(active), x=0.22, len=0.78, y=y,
                  xanchor="left", yanchor="top", pad=dict(t=10), ticklen=0, minorticklen=0,
                  font=dict(size=1, color="rgba(0,0,0,0)"),  # hides the per-step labels under the rail
                  currentvalue=dict(prefix="step t = ", font=dict(size=FONT_SIZE + 1, color=INK)),
                  steps=[dict(method="animate", label=s, args=[[s], still]) for s in labels])
    return dict(updatemenus=[buttons], sliders=[slider])


def _step_range(last: float) -> list[float]:
    """x range of a step axis 0..last, padded so marks at 0 and at the end stay clear of the axes."""
    last = max(float(last), 1.0)
    return [-0.02 * last, 1.02 * last]


def classifier_animation(X, y, Ws, bs, bounds, steps, *, losses, accuracies, class_names=None,
                         test_losses=None, height: int = 640, frame_ms: int = 40, log_y: bool = False,
                         start_step: int | None = None) -> go.Figure:
    """Client-side playback of training: Ws (F, C, 2), bs (F, C) at steps (F,); losses, accuracies (T+1,).
    The figure opens at the frame nearest start_step (default: the last frame)."""
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
    digits = max(0, 5 - int(np.floor(np.log10(max(box[1] - box[0], box[3] - box[2])))))  # ~1e-5 of the view

    def at(v: np.ndarray, t: int) -> float | None:
        """v[t] if it exists and is finite."""
        return float(v[t]) if t < len(v) and np.isfinite(v[t]) else None

    def geometry(f: int) -> list[tuple[list, list]]:
        return [([round(v, digits) for v in x], [round(v, digits) for v in y])
                for x, y in _geometry_lists(safe_W[f], safe_b[f], box, stub=True)]

    # the regions panel is square-ish and limited by the height: give it the larger share of the width
    axes, titles = _panels([0.6, 0.4], 0.09, ("decision regions", "loss and accuracy"), right=0.94,
                           secondary=True)
    left = dict(xaxis="x", yaxis="y")
    on = [dict(xaxis="x2", yaxis="y2"), dict(xaxis="x2", yaxis="y3")]  # loss, accuracy
    names_regions = [f"region: {n}" for n in names]
    start = geometry(f0)
    traces = [_trace(go.Scatter, x=x, y=y, mode="lines", fill="toself", fillcolor=region_color(k),
                     line=dict(width=0), hoverinfo="skip", showlegend=False, name=names_regions[k], **left)
              for k, (x, y) in enumerate(start[:C])]
    traces += [_trace(go.Scatter, x=x, y=y, mode="lines", line=dict(color=class_color(k), width=3, dash="dash"),
                      hoverinfo="skip", showlegend=False, name=f"s{_sub(k)} = 0", **left)
               for k, (x, y) in enumerate(start[C:])]
    traces += _point_traces(X, y, C, names)
    curves = [(losses, "train loss", INK, "solid", 0), (accuracies, "accuracy", ACC_COLOR, "dot", 1)]
    if test_losses is not None:
        curves.insert(1, (_clean(test_losses).ravel(), "test loss", GREY, "dash", 0))
    for v, name, color, dash, axis in curves:
        traces.append(_trace(go.Scatter, x=np.arange(len(v)), y=v, mode="lines", name=name,
                             line=dict(color=color, width=3, dash=dash),
                             hovertemplate="step %{x}: %{y:.4g}<extra>" + name + "</extra>", **on[axis]))
    moving = list(range(2 * C)) + [len(traces), len(traces) + 1]
    t0 = int(steps[f0])
    traces.append(_trace(go.Scatter, x=[t0], y=[at(losses, t0)], mode="markers", name="loss at t",
                         showlegend=False, cliponaxis=False, marker=dict(color=STAR, size=14, line=_OUTLINE),
                         **on[0]))
    traces.append(_trace(go.Scatter, x=[t0], y=[at(accuracies, t0)], mode="markers", name="accuracy at t",
                         showlegend=False, cliponaxis=False, marker=dict(color=ACC_COLOR, size=12, line=_OUTLINE),
                         **on[1]))
    labels = [str(int(s)) for s in steps]
    frames = []
    for f in range(F):
        t = int(steps[f])
        data = [dict(type="scatter", x=x, y=y) for x, y in geometry(f)]
        data += [dict(type="scatter", x=[t], y=[at(v, t)]) for v in (losses, accuracies)]
        frames.append(dict(name=labels[f], traces=moving, data=data))
    all_losses = np.r_[losses, [] if test_losses is None else _clean(test_losses).ravel()]
    for name, axis in _input_axes(bounds).items():
        axes[name].update(axis)
    axes["xaxis2"].update(_axis("step", range=_step_range(len(losses) - 1)))
    axes["yaxis2"].update(_axis("loss", **(_log_axis(all_losses) if log_y
                                           else dict(type="linear", range=_finite_range(all_losses)))))
    axes["yaxis3"].update(_axis("accuracy", range=[0, 1.05], tickformat=".0%", tickmode="auto", showgrid=False))
    layout = _layout(traces, height, axes=axes, annotations=titles, subtitles=True, bottom=_CONTROLS_MARGIN,
                     legend_width=900.0)
    # room for what automargin would otherwise grow the margins to: the accuracy axis' labels on the right,
    # the second legend row on top
    layout["margin"].update(r=60, t=layout["margin"]["t"] + 26)
    plot_px = max(height - layout["margin"]["t"] - _CONTROLS_MARGIN, 100)
    layout.update(_animation_controls(labels, frame_ms, y=-70 / plot_px, active=f0))
    return _figure(traces, layout, frames)


def _vline(x: float, axis: str, line: dict) -> dict:
    """A vertical line at x across the whole height of the panel with x axis `axis` ('x', 'x2', ...)."""
    return dict(type="line", xref=axis, yref=axis.replace("x", "y") + " domain", x0=x, x1=x, y0=0, y1=1,
                line=line)


def loss_curves_figure(loss, accuracy, *, test_loss=None, test_accuracy=None, current: int | None = None,
                       diverged_at: int | None = None, lr: float | None = None, height: int = 380,
                       log_y: bool = False) -> go.Figure:
    """Loss (T+1,) and accuracy (T+1,) per step side by side; train solid, test dashed."""
    loss_title = "loss" if lr is None else f"loss (learning rate {_plain(lr)})"
    axes, notes = _panels([1, 1], 0.1, (loss_title, "accuracy"))
    n, shown, traces = 1, set(), []
    for values, name, col in ((loss, "train", 1), (test_loss, "test", 1), (accuracy, "train", 2),
                              (test_accuracy, "test", 2)):
        if values is None:
            continue
        v = _clean(values).reshape(-1)
        n = max(n, len(v))
        traces.append(_trace(go.Scatter, x=np.arange(len(v)), y=v, mode="lines", name=name, legendgroup=name,
                             showlegend=name not in shown, hovertemplate="step %{x}: %{y:.4g}",
                             xaxis="x" if col == 1 else "x2", yaxis="y" if col == 1 else "y2",
                             line=dict(color=INK if name == "train" else GREY, width=3,
                                       dash="solid" if name == "train" else "dash")))
        shown.add(name)
    shapes = []
    for axis in ("x", "x2"):
        if current is not None:
            shapes.append(_vline(current, axis, dict(color=GREY, width=2, dash="dot")))
        if diverged_at is not None:
            shapes.append(_vline(diverged_at, axis, dict(color=ALERT, width=3)))
    if diverged_at is not None:
        notes.append(dict(x=diverged_at, y=0.97, xref="x", yref="y domain", showarrow=False, xanchor="right",
                          text=f"diverged at step {diverged_at}", font=dict(color=ALERT),
                          bgcolor="rgba(255,255,255,0.85)"))
    steps = _step_range(max(n - 1, current or 0, diverged_at or 0, 1))
    losses = np.r_[_clean(loss).ravel(), [] if test_loss is None else _clean(test_loss).ravel()]
    axes["xaxis"].update(_axis("step", range=steps))
    axes["xaxis2"].update(_axis("step", range=steps))
    axes["yaxis"].update(_log_axis(losses) if log_y else dict(type="linear"))
    axes["yaxis2"].update(range=[0, 1.03], tickformat=".0%")
    return _figure(traces, _layout(traces, height, axes=axes, annotations=notes, shapes=shapes, subtitles=True))


def _score_axis_range(scores: np.ndarray, text_share: float = 0.33) -> list[float]:
    """x range for score bars (C,) leaving text_share of the width for outside labels on each side."""
    lo, hi = min(0.0, float(scores.min())), max(0.0, float(scores.max()))
    span = max(hi - lo, 1e-9)
    total = span / (1.0 - ((lo < 0) + (hi > 0)) * text_share)
    return [lo - (text_share * total if lo < 0 else 0.04 * span),
            hi + (text_share * total if hi > 0 else 0.04 * span)]


def _seg_distance(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    """Distance from point p to the segment a-b."""
    d = b - a
    t = np.clip(np.dot(p - a, d) / max(float(np.dot(d, d)), 1e-300), 0.0, 1.0)
    return float(np.hypot(*(a + t * d - p)))


def _template_labels(tips: np.ndarray, reach: float, avoid: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per arrow 0 -> tips[k] (C, 2): (label point, direction to put the text in), beyond the tip along the
    arrow, or turned aside when that spot lies on another arrow or on the point avoid (2,)."""
    C = len(tips)
    out = []
    for k, tip in enumerate(tips):
        length = float(np.hypot(*tip))
        unit = tip / length if length > 1e-12 * reach else np.array([np.cos(2 * np.pi * k / C),
                                                                     np.sin(2 * np.pi * k / C)])
        normal = np.array([-unit[1], unit[0]])
        for direction in (unit, unit + normal, unit - normal, normal, -normal):
            direction = direction / np.hypot(*direction)
            spot = tip + 0.07 * reach * direction
            clear = all(_seg_distance(spot, np.zeros(2), tips[j]) > 0.09 * reach for j in range(C) if j != k)
            if clear and np.hypot(*(spot - avoid)) > 0.12 * reach:
                break
        out.append((spot, direction))
    return out


def _template_traces(W, b, x, names: list[str],
                     axes: tuple[str, str] = ("x", "y")) -> tuple[list, float, str, np.ndarray]:
    """The visual viewpoint's panel: arrows 0 -> w_k (C, 2) drawn to the scale of the point x (2,), a label
    'w_k' past each tip, and x as a star. Returns (traces, reach: the panel's half-width, title, the scores
    s_k = w_k.x + b_k (C,))."""
    W = np.nan_to_num(np.asarray(W, dtype=float)).reshape(-1, 2)
    b, x = (np.nan_to_num(np.asarray(a, dtype=float)).reshape(-1) for a in (b, x))
    # templates are drawn to the scale of x, so tiny initial weights stay visible; the title says how (100·wₖ)
    w_len, x_len = np.linalg.norm(W, axis=1).max(initial=0.0), float(np.linalg.norm(x[:2]))
    zoom = x_len / w_len if w_len > 0 and x_len > 0 else 1.0
    zoom = 10.0 ** np.round(np.log10(zoom)) if not 0.2 <= zoom <= 5 else 1.0
    shown = W * zoom
    reach = 1.3 * max(np.abs(shown).max(initial=0.0), np.abs(x[:2]).max(initial=0.0), 1e-6)
    title = ("templates wₖ" if zoom == 1 else f"templates {_num(zoom, 1)}·wₖ") + " and the point x"
    on = dict(xaxis=axes[0], yaxis=axes[1])
    traces = []
    for k in range(len(b)):
        traces.append(_trace(
            go.Scatter, x=[0.0, shown[k, 0]], y=[0.0, shown[k, 1]], customdata=[W[k].tolist(), W[k].tolist()],
            mode="lines+markers", name=names[k], showlegend=False, line=dict(color=class_color(k), width=4),
            marker=dict(symbol=["circle", "arrow"], angleref="previous", size=[0, 18], color=class_color(k)),
            hovertemplate=f"w{_sub(k)} = (%{{customdata[0]:.3g}}, %{{customdata[1]:.3g}})<extra>{names[k]}</extra>",
            **on))
    for k, (spot, direction) in enumerate(_template_labels(shown, reach, x[:2])):
        traces.append(_trace(go.Scatter, x=[spot[0]], y=[spot[1]], mode="text", text=[f"w{_sub(k)}"],
                             textposition=_text_position(float(direction[0]), float(direction[1])),
                             name=f"label w{_sub(k)}", showlegend=False, hoverinfo="skip", cliponaxis=False,
                             textfont=dict(size=FONT_SIZE + 1, color=INK), **on))
    traces.append(_trace(go.Scatter, x=[x[0]], y=[x[1]], mode="markers+text", name="x", text=["x"],
                         showlegend=False, textposition="bottom center", cliponaxis=False, hoverinfo="skip",
                         marker=dict(symbol="star", size=20, color=INK), **on))
    return traces, reach, title, W @ x[:2] + b


def _template_axes(reach: float, x: str = "xaxis", y: str = "yaxis") -> dict:
    """Square axes [-reach, reach]² for the templates panel."""
    return {x: _axis("x₁", range=[-reach, reach], scaleanchor=y.replace("axis", ""), scaleratio=1,
                     constrain="domain"),
            y: _axis("x₂", range=[-reach, reach], constrain="domain")}


def templates_figure(W, b, x, *, class_names=None, height: int = 380) -> go.Figure:
    """Visual viewpoint: templates w_k (C, 2) as arrows with the point x (2,), and bars s_k = w_k.x + b_k."""
    C = len(np.asarray(b).reshape(-1))
    names = _names(class_names, C)
    traces, reach, left_title, scores = _template_traces(W, b, x, names)
    win = int(np.argmax(scores))
    axes, notes = _panels([0.4, 0.6], 0.14, (left_title, "scores sₖ = wₖ·x + bₖ"))
    texts = [f"w{_sub(k)}·x + b{_sub(k)} = {_num(s)}" + ("<br><b>← predicted</b>" if k == win else "")
             for k, s in enumerate(scores)]
    traces.append(_trace(
        go.Bar, x=scores, y=names, orientation="h", text=texts, textposition="outside", constraintext="none",
        cliponaxis=False, showlegend=False, name="scores", hovertemplate="%{y}: %{x:.3f}<extra></extra>",
        marker=dict(color=[class_color(k) for k in range(C)],
                    line=dict(color=[INK if k == win else class_color(k) for k in range(C)],
                              width=[4 if k == win else 0 for k in range(C)])), xaxis="x2", yaxis="y2"))
    for name, axis in _template_axes(reach).items():
        axes[name].update(axis)
    axes["xaxis2"].update(_axis("score", range=_score_axis_range(scores), zeroline=True, zerolinewidth=2,
                                zerolinecolor="#444"))
    axes["yaxis2"].update(autorange="reversed")
    return _figure(traces, _layout(traces, height, axes=axes, annotations=notes, subtitles=True))


def classifier_views_figure(X, y, W, b, bounds, *, selected: int, X_test=None, y_test=None, class_names=None,
                            score_class: int | None = None, height: int = 560) -> go.Figure:
    """The Classifier page's pictures in one figure (one chart for the browser to draw instead of two):
    the geometric view of classifier_figure on the left, the visual view (templates w_k and the selected point
    X[selected], with its scores s_k) on the right."""
    X = np.asarray(X, dtype=float).reshape(-1, 2)
    selected = int(np.clip(selected, 0, len(X) - 1))
    names = _names(class_names, len(np.asarray(b).reshape(-1)))
    traces = _classifier_traces(X, y, W, b, bounds, X_test=X_test, y_test=y_test, selected=selected,
                                names=names, score_class=score_class)
    visual, reach, title, scores = _template_traces(W, b, X[selected], names, axes=("x2", "y2"))
    lines = _score_lines(scores)
    axes, notes = _panels([0.58, 0.42], 0.12, ("geometric: hyperplanes cutting the plane",
                                               "<br>".join(["visual: " + title, *lines])))
    for name, axis in {**_input_axes(bounds), **_template_axes(reach, "xaxis2", "yaxis2")}.items():
        axes[name].update(axis)
    layout = _layout(traces + visual, height, axes=axes, annotations=notes, subtitles=True, legend_width=900.0)
    layout["margin"]["t"] += _SCORE_LINE_PX * len(lines)
    return _figure(traces + visual, layout)


def _score_lines(scores, per_line: int = 3) -> list[str]:
    """'s₀ = 0.932 · s₁ = −0.766 · ...' in the class colours, the largest in bold, per_line scores a line."""
    win = int(np.argmax(scores))
    items = [f'<span style="color:{class_color(k)}">{"<b>" if k == win else ""}s{_sub(k)} = {_num(v)}'
             f'{"</b>" if k == win else ""}</span>' for k, v in enumerate(scores)]
    return [" · ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]


# ---------------------------------------------------------------- loss landscapes
def _extent(v) -> list[float]:
    """[min, max] of a grid axis (A,)."""
    v = np.asarray(v, dtype=float)
    return [float(np.nanmin(v)), float(np.nanmax(v))] if np.isfinite(v).any() else [-1.0, 1.0]


def _hover_uv(axis_titles) -> str:
    """'u=%{x:.3g}, v=%{y:.3g}' with the short names of the two landscape axes."""
    u, v = (_short(t) for t in axis_titles)
    return f"{u}=%{{x:.3g}}, {v}=%{{y:.3g}}"


def _contour(alphas, betas, values, *, log_color: bool = False, showscale: bool = True,
             colorscale="Viridis", colorbar: dict | None = None, axis_titles=DEFAULT_UV,
             axes: tuple[str, str] = ("x", "y")) -> go.Contour:
    """Filled contour of values (A, B), alpha on x (z = values.T, float32); log_color labels the bar in real
    losses."""
    z = _clean(values).T
    bar = {"title": dict(text="loss"), "thickness": 18, **(colorbar or {})}
    hover = _hover_uv(axis_titles) + "<br>loss=%{z:.4g}<extra></extra>"
    if log_color:
        positive = z[z > 0]
        z = np.log10(np.where(np.isnan(z) | (z > 0), z, positive.min() if positive.size else 1.0))
        lo, hi = _extent(z)
        ticks = _log_ticks(lo, hi) if hi > lo else np.array([lo])
        bar.update(tickmode="array", tickvals=ticks.tolist(), ticktext=[_tick_label(10.0**t) for t in ticks])
        hover = _hover_uv(axis_titles) + "<br>log₁₀ loss=%{z:.3f}<extra></extra>"
    return _trace(go.Contour, x=np.asarray(alphas, dtype=float), y=np.asarray(betas, dtype=float),
                  z=_compact(z), ncontours=25, colorscale=colorscale, showscale=showscale, colorbar=bar,
                  name="loss", hovertemplate=hover, line=dict(width=0.6, color="rgba(255,255,255,0.35)"),
                  xaxis=axes[0], yaxis=axes[1])


def _trajectory_traces(trajectory, current, showlegend: bool = True, axis_titles=DEFAULT_UV,
                       axes: tuple[str, str] = ("x", "y")) -> list[go.Scatter]:
    """Path (T, 2): white line and white step dots on a thin dark outline; its start a big white disc under
    everything (so a current star on the same spot leaves a white rim); current (2,): a big red star."""
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
                   name="trajectory", **on),
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


def landscape_pair_figure(panels: dict, *, trajectory=None, current=None, height: int = 520,
                          log_color: bool = False, axis_titles=DEFAULT_UV) -> go.Figure:
    """Side-by-side contours {title: (alphas (A,), betas (B,), values (A, B))}, one path overlaid on each."""
    if not panels:
        return _message_figure("no landscape to show", height)
    axes, notes = _panels([1] * len(panels), 0.16, list(panels))
    traces = []
    for i, (alphas, betas, values) in enumerate(panels.values(), start=1):
        s = "" if i == 1 else str(i)
        right = axes[f"xaxis{s}"]["domain"][1]
        traces.append(_contour(alphas, betas, values, log_color=log_color, axis_titles=axis_titles,
                               colorbar=dict(x=right + 0.01, len=0.85, y=0.46, thickness=14), axes=(f"x{s}", f"y{s}")))
        traces += _trajectory_traces(trajectory, current, showlegend=i == 1, axis_titles=axis_titles,
                                     axes=(f"x{s}", f"y{s}"))
        axes[f"xaxis{s}"].update(_axis(axis_titles[0], range=_extent(alphas), showgrid=False))
        axes[f"yaxis{s}"].update(_axis(axis_titles[1], range=_extent(betas), showgrid=False))
    layout = _layout(traces, height, axes=axes, annotations=notes, subtitles=True)
    layout["margin"]["r"] = _COLORBAR_MARGIN  # the last panel's colour bar sits right of the plot area
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
                     height: int = 560, axis_titles=DEFAULT_UV) -> go.Figure:
    """3-D surface of values (A, B) (z = values.T), optional path (T, 2) at heights trajectory_loss (T,)."""
    z = _clean(values)
    hover = _hover_uv(axis_titles) + "<br>loss=%{z:.4g}<extra></extra>"
    traces = [_trace(go.Surface, x=np.asarray(alphas, dtype=float), y=np.asarray(betas, dtype=float),
                     z=_compact(z.T), colorscale="Viridis", name="loss", hovertemplate=hover,
                     colorbar=dict(title=dict(text="loss"), thickness=18))]
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
                 camera=dict(eye=dict(x=1.7, y=-1.7, z=1.1)))
    layout = _layout(traces, height, title, axes={}, scene=scene)
    layout["margin"].update(l=10, r=_COLORBAR_MARGIN, b=10)
    return _figure(traces, layout)


# ---------------------------------------------------------------- learning-rate comparison
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
    t = 1.0
    if np.isfinite(q).all():  # last t along a -> q still inside the box
        for k, (lo, hi) in enumerate(((xmin, xmax), (ymin, ymax))):
            if q[k] != a[k]:
                t = min(t, max((lo - a[k]) / (q[k] - a[k]), (hi - a[k]) / (q[k] - a[k])))
    exit_point = a + max(t, 0.0) * (q - a) if np.isfinite(q).all() else a
    return np.vstack([p[:i], exit_point]), exit_point


def _run_label(run: dict) -> str:
    """A run's label, with 'diverged at step N' when it diverged: 'α = 9 (too big, diverged at step 3)'."""
    label, d = str(run.get("label", "run")), run.get("diverged_at")
    if d is None:
        return label
    return label[:-1] + f", diverged at step {d})" if label.endswith(")") else label + f" (diverged at step {d})"


def _diverged_at(run: dict) -> int | None:
    d = run.get("diverged_at")
    return None if d is None else max(int(d), 0)


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


def _capped_curve(loss: np.ndarray, diverged_at: int | None, top: float) -> tuple[np.ndarray, np.ndarray,
                                                                                       tuple | None]:
    """Steps and losses of a curve up to diverged_at, cut where it first rises past top (interpolated in log
    space), and where to put its '×' (None when it did not diverge)."""
    steps = np.arange(len(loss), dtype=float)
    if diverged_at is None:
        return steps, loss, None
    loss, steps = loss[: diverged_at + 1], steps[: diverged_at + 1]
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
    exit_step = steps[i - 1] + min(max(t, 0.0), 1.0)
    return np.r_[steps[:i], exit_step], np.r_[loss[:i], top], (exit_step, top)


def lr_comparison_figures(alphas, betas, values, runs: list[dict], *, height: int = 520,
                          log_color: bool = True, titles=("paths on the loss landscape", "loss per step"),
                          axis_titles=DEFAULT_UV) -> tuple[go.Figure, go.Figure]:
    """Runs {'label', 'coords' (T_k, 2), 'loss' (T_k,), 'diverged_at'}: their paths on one landscape
    (values (A, B); a divergent path stops at diverged_at, every path at the edge of the view, '×' marking
    where) and their loss curves (log y, capped above the runs that did not diverge; '×' where a divergent run
    leaves the view or diverges). The second run ('good') is drawn last, then the first ('too small')."""
    box = (*_extent(alphas), *_extent(betas))
    lo, hi = _loss_view(runs)
    top = 10.0**hi
    order = [r for r in range(len(runs)) if r > 1] + [r for r in (0, 1) if r < len(runs)]
    paths, curves = [], []
    for r in order:
        run = runs[r]
        color, label, group = RUN_COLORS[r % len(RUN_COLORS)], _run_label(run), f"run{r}"
        width = 4.5 if r < 2 else 3.0
        d = _diverged_at(run)
        coords = np.asarray(run.get("coords", np.zeros((0, 2))), dtype=float).reshape(-1, 2)
        coords = coords if d is None else coords[: d + 1]
        path, exit_point = _clip_path(coords, box)
        if exit_point is None and d is not None and len(path):
            exit_point = path[-1]
        common = dict(legendgroup=group, legendrank=r + 1)
        paths += [
            _trace(go.Scatter, x=path[:, 0], y=path[:, 1], mode="lines", showlegend=False, hoverinfo="skip",
                   name=f"{label}: outline", line=dict(color=WHITE, width=width + 3), **common),
            _trace(go.Scatter, x=path[:, 0], y=path[:, 1], mode="lines+markers", name=label,
                   line=dict(color=color, width=width), marker=dict(size=width + 1.5, color=color),
                   hovertemplate=_hover_uv(axis_titles) + "<extra>step %{pointNumber}</extra>", **common)]
        if exit_point is not None:
            paths.append(_trace(go.Scatter, x=exit_point[:1], y=exit_point[1:], mode="markers", showlegend=False,
                                name=f"{label}: leaves the view", cliponaxis=False, hoverinfo="skip",
                                marker=dict(symbol="x", size=18, color=color, line=dict(color=WHITE, width=1.5)),
                                **common))
        loss = _clean(run.get("loss", [])).reshape(-1)
        loss[loss <= 0] = np.nan  # a log axis cannot show them
        steps, shown, cross = _capped_curve(loss, d, top)
        curves.append(_trace(go.Scatter, x=steps, y=shown, mode="lines", name=label, line=dict(color=color,
                             width=width - 0.5), hovertemplate="step %{x:.0f}: %{y:.4g}<extra></extra>", **common))
        if cross is not None:
            curves.append(_trace(go.Scatter, x=[float(cross[0])], y=[float(cross[1])], mode="markers",
                                 showlegend=False, name=f"{label}: diverged", cliponaxis=False, hoverinfo="skip",
                                 marker=dict(symbol="x", size=18, color=color), **common))
    last = max([len(np.asarray(run.get("loss", [])).reshape(-1)) - 1 for run in runs] or [1])
    legend = dict(legend_below=True, legend_width=430.0, bottom=62)  # the plot's width in a half-page column
    curve_axes = dict(xaxis=_axis("step", range=_step_range(last)), yaxis=_axis("loss", **_log_axis(bounds=(lo, hi))))
    # equal aspect: the plot is as wide as it is tall (in data units); at the nominal 600 px width its domain
    # ends where the square does, so the colour bar sits right beside it (not at the far right of the figure)
    layout = _layout(paths, height, titles[0], axes={}, **legend)
    plot_px = height - layout["margin"]["t"] - layout["margin"]["b"]
    aspect = (box[1] - box[0]) / max(box[3] - box[2], 1e-300)
    right = float(np.clip(plot_px * aspect / (600 - 70 - 30), 0.4, 0.8))
    layout = _layout(paths, height, titles[0], **legend, axes=dict(
        xaxis=_axis(axis_titles[0], range=_extent(alphas), showgrid=False, scaleanchor="y", scaleratio=1,
                    constrain="domain", constraintoward="left", domain=[0.0, right]),
        yaxis=_axis(axis_titles[1], range=_extent(betas), showgrid=False, constrain="domain")))
    contour = _contour(alphas, betas, values, log_color=log_color, axis_titles=axis_titles,
                       colorbar=dict(x=right + 0.02, xanchor="left", thickness=16))
    paths.insert(0, contour)
    return (_figure(paths, layout), _figure(curves, _layout(curves, height, titles[1], axes=curve_axes, **legend)))
