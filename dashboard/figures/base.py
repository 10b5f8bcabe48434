"""The fast-Plotly kernel every figure module builds on: palette, fonts, traces, layouts, panels.

The figures are pure functions, numpy arrays in and go.Figure out (no Streamlit in this package). Conventions:
W (C, 2), b (C,), X (N, 2), y (N,) ints, bounds = (xmin, xmax, ymin, ymax); a landscape's values[i, j] is the
loss at (alphas[i], betas[j]), so contours get z = values.T. Styled for a lecture hall: FONT_SIZE 16 px,
TITLE_SIZE 19, thick lines, one colour (PALETTE, Okabe-Ito) and one marker symbol (SYMBOLS) per class.

The contract of every figure built here:

1. No validation. A page rerun builds its figures on the server, and Plotly's property validation (and
   make_subplots) used to dominate that. Traces are built with `_trace` and figures with `_figure`, as plain
   values without validation (~10-20x faster); frames are plain dicts. tests/test_figures.py and
   tests/test_gradient_figures.py rebuild each figure with a validating constructor, so a misspelt property
   still fails the test suite. Rows of panels are laid out by `_panels` (the domains make_subplots computes),
   never by make_subplots.
2. Drawn once in the browser. No layout.template: plotly_white's look (LAYOUT_STYLE, TRACE_STYLE) is written
   into each figure by `_figure`; a constant layout.datarevision (unless animated) and uirevision; arrays of at
   most PLAIN_MAX numbers as JSON lists (float32 to 7 digits). Streamlit hands each figure to Plotly.react twice,
   and with these Plotly redraws nothing the second time.
3. Fixed margins. Every figure asks for the margins its labels need, so Plotly's automargin never grows a margin:
   growing one makes the browser draw the whole figure a second time (~40% of its drawing time). The browser
   tests hold every chart of every page to it (tests/e2e/test_browser.py
   test_charts_are_drawn_with_the_margins_they_ask_for: fl._size[side] - fl.margin[side] <= 1 px for each side
   l, r, t, b; tests/e2e/test_loss_classifier_browser.py for the classifier's score surface). `_layout` reserves:
   left 80 px, right 30 px; on top the title (44 px, 6 without), 30 px per legend row (`_legend_rows`
   estimates them from the legend's labels and width) and 34 px over panel titles (10 without), at least 36 px;
   at the bottom 60 px, or _AUTOMARGIN_BOTTOM = 64 px under an x-axis title; a legend under the plot adds
   _LEGEND_ROW_PX = 32 px a row. A figure with more sets its margin itself from the constants below: a
   vertical colour bar right of the plot _COLORBAR_MARGIN, a horizontal one under it _BAR_PX + _BAR_PAD_PX +
   _BAR_TICKS_PX, an animation's step axis, Play button and slider _CONTROLS_MARGIN.
4. Numbers are written by dashboard.figures.format, with the real minus sign (−0.674).
"""
from __future__ import annotations

import re

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from dashboard.figures.adopt import adopting as _adopting  # (tests and benchmarks patch base._adopting)

# Okabe-Ito, then Tol's wine and indigo for classes 9 and 10 (C goes up to 10: the lecture's log 10 remark)
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#5E4F00", "#000000", "#882255",
           "#332288")
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "cross", "triangle-down", "star", "pentagon", "hexagon",
           "x")
RUN_COLORS = ("#000000", "#E69F00", "#56B4E9", "#CC79A7", "#009E73", "#D55E00")
UIREVISION = "linviz"
FONT_SIZE, TITLE_SIZE = 16, 19
INK, GREY, ALERT, ACC_COLOR, STAR = "#222222", "#777777", "#C00000", "#8C564B", "#E41A1C"
HALO, WHITE = "#1A1A1A", "#FFFFFF"  # paths on a landscape: white on a thin dark outline
DEFAULT_UV = ("u (along d₁)", "v (along d₂)")  # landscape axes (α is the learning rate in this app)
_OUTLINE = dict(color=HALO, width=1.2)
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_LEGEND_TYPES = ("scatter", "bar", "scatter3d")
_LEGEND_ROW_PX = 32
_AUTOMARGIN_BOTTOM = 64  # px under an x-axis title (the template's standoff 15): see _layout
_COLORBAR_MARGIN = 100  # px right of the plot for a colour bar with its tick labels
_BAR_PX, _BAR_PAD_PX, _BAR_TICKS_PX = 14, 8, 30  # a horizontal colour bar: thickness, gap below it, its labels
_CONTROLS_MARGIN = 150  # px under the animation's plot: step axis, then the play button and the step slider
_TITLE_LINE_PX = 25  # px per line of a panel title (TITLE_SIZE with Plotly's line spacing 1.3)
_TICK_LABELS_PX = 45  # px under a plot for its tick labels (36, no axis title) over a legend 8 px up from the bottom
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


def _trace(kind, **props):
    """A trace of type kind (go.Scatter, ...) built without property validation (~10-20x faster), with the
    style defaults of its type and short arrays as plain lists."""
    style = TRACE_STYLE.get(kind._path_str if hasattr(kind, "_path_str") else "")
    return kind(_validate=False, **_under(style, _lists(props)) if style else _lists(props))


def _figure(data, layout: dict, frames: list[dict] | None = None) -> go.Figure:
    """go.Figure of prebuilt traces and a complete layout dict (LAYOUT_STYLE written in), without validation;
    frames are plain dicts."""
    fig = _adopting(data, _styled(layout, data, animated=bool(frames)))
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
    """Hex colour of class k (cycling past 10)."""
    return PALETTE[int(k) % len(PALETTE)]


def region_color(k: int, alpha: float = 0.18) -> str:
    """Light 'rgba(r,g,b,alpha)' fill of class k's decision region."""
    h = class_color(k).lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha:g})"


def _sub(k: int) -> str:
    """Unicode subscript digits: 12 -> '₁₂'."""
    return str(k).translate(_SUBSCRIPTS)



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

