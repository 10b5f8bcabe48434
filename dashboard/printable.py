"""The dashboard's figures made ready for paper and slides (used by `python -m dashboard.export`).

On screen a figure fills the width of its column and is read in colour. On paper it should be as wide as its
content (a square plot in a square-ish picture, not in the middle of a 1200-px strip), still (no Play button or step
slider), and readable in black and white: each class's hyperplane w_k·x + b_k = 0 gets its own dash pattern (the
points already have a marker symbol per class), each learning-rate run its own line pattern, and the weights'
diverging colour scale (blue − white + red on screen: dark, light, dark in grey) one whose lightness rises from the
negative end to the positive (SIGNED_PRINT), so that a weight's sign is its shade.
"""
from __future__ import annotations

import re

import plotly.graph_objects as go

from dashboard.figures import base
from dashboard.figures.images import DIVERGING

# Dash patterns by class: on screen every hyperplane is dashed in its class colour; in greyscale only the pattern
# tells them apart
CLASS_DASHES = ("longdash", "dot", "dashdot", "longdashdot", "12px,4px,2px,4px,2px,4px", "22px,6px",
                "4px,3px,12px,3px", "solid")
RUN_DASHES = ("dot", "solid", "dash", "dashdot", "longdash", "longdashdot")  # run 1 ("good") stays solid
# Widths of the figures without an equal-aspect panel, and the least width of the others: the width their legend
# was laid out for (figures.base._layout's legend_width plus the left and right margins)
WIDTHS = {"loss_curves": 900, "landscape_3d": 700, "lr_curves": 600}
PLAIN_WIDTH = 900  # any other figure without an equal-aspect panel: a page column's width at 1280 px
LEAST = {"classifier": 640, "templates": 1100, "classifier_views": 1000, "training_animation": 1000,
         "landscape_pair": 760, "search_samples": 760}
SQUARE = {"landscape_pair", "optimizer_slice", "batch_cloud", "search_samples",  # panels in the same units on
          "image_templates"}  # both axes (their y axis anchored to x), drawn as wide as their data in print
CURVES_APART = {"loss_shapes", "lecture_shapes", "sigmoid"}  # solid curves told apart by colour alone on screen
# figures whose methods / optimizers / schedules / batch sizes (a legend group each) differ by colour alone on
# screen: in print each group's lines get their own pattern, and a dense path its line without the dots
GROUPS_APART = {"search_curves", "optimizer_slice", "optimizer_curves", "schedules", "batch_curves"}
LEGEND_RIGHT = {"optimizer_slice"}  # a figure without a legend of its own on screen: in print, one at its right
LEGEND_RIGHT_PX = 300
MARKERS_APART = {"batch_cloud"}  # a cloud of dots per batch size: in print each its own marker
GROUP_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
SYMBOLS = ("circle", "diamond", "square", "triangle-up", "cross", "x", "star-diamond", "hexagon")
DENSE = 40  # a path of more points than this is drawn as a patterned line in print (its dots would hide it)
UNCHANGED = {"lr_landscape"}  # (laid out by the Learning-rates page's own figure)
_ROW_PX = 30  # px per row of a legend on top (figures.base._layout)
# cividis (Nuñez, Anderton & Renslow 2018), dark blue -> grey -> yellow: its lightness rises steadily end to end, so
# in grey a negative weight is darker than 0 and a positive one lighter (RdBu's ends are both dark); its hues still
# say blue for negative and yellow for positive in colour. (Centred at 0 by the figure's cmid, as on screen.)
_CIVIDIS = ("#00224e", "#123570", "#3b496c", "#575d6d", "#707173", "#8a8678", "#a59c74", "#c3b369", "#e1cc55",
            "#fee838")
SIGNED_PRINT = tuple((i / (len(_CIVIDIS) - 1), c) for i, c in enumerate(_CIVIDIS))
_SUBSCRIPT = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
_HYPERPLANE = re.compile(r"s([₀-₉]+) = 0")


def printable(name: str, fig: go.Figure, width: int | None = None) -> tuple[go.Figure, int, int]:
    """A print version of the dashboard figure `name`: (figure, width, height in CSS px). width: a fixed width
    instead of the content's."""
    fig = go.Figure(fig)
    if name in UNCHANGED:  # (its natural size is its layout's width and height)
        _run_patterns(fig)
        return fig, width or int(fig.layout.width or 1200), int(fig.layout.height or 500)
    if fig.layout.updatemenus or fig.layout.sliders:
        still(fig)
    if fig.layout.scene.camera.eye.x is not None:  # a 3-D scene: nearer, so that the surface fills the picture
        eye = fig.layout.scene.camera.eye
        fig.layout.scene.camera.eye = dict(x=0.9 * eye.x, y=0.9 * eye.y, z=0.9 * eye.z)
        fig.layout.margin.b = 40  # (the axis labels at the front corner)
    rows = _legend_rows(fig, width or fitted_width(name, fig))
    for trace in fig.data:
        m = _HYPERPLANE.fullmatch(trace.name or "")
        if m and trace.mode == "lines":  # its own pattern, and in the legend: which line is which class
            k = int(m.group(1).translate(_SUBSCRIPT))
            trace.update(line_dash=CLASS_DASHES[k % len(CLASS_DASHES)], showlegend=True, legendrank=2000 + k)
    if name == "lr_curves":
        _run_patterns(fig)
    if name in CURVES_APART:
        _curves_apart(fig)
    if name in GROUPS_APART:
        _groups_apart(fig)
    if name in MARKERS_APART:
        _markers_apart(fig)
    _sign_in_grey(fig)
    if name == "search_samples":  # on screen the x range grows to fill a wide column; in print: the data's square
        fig.update_xaxes(constrain="domain")
        fig.update_yaxes(constrain="domain")
    _share_by_aspect(fig)
    if width is None:
        _taller_to_fill(name, fig)
    width = width or fitted_width(name, fig)
    _inward(fig)
    more = _legend_rows(fig, width) - rows
    if more > 0 and not fig.layout.legend.yanchor == "bottom":  # a legend on top grew: the plot moves down
        fig.update_layout(height=fig.layout.height + _ROW_PX * more, margin_t=fig.layout.margin.t + _ROW_PX * more)
    if name in LEGEND_RIGHT:
        width += _legend_right(fig, width)
    return fig, width, int(fig.layout.height)


def _legend_right(fig: go.Figure, width: int) -> int:
    """A legend beside the plot, for a figure that on screen names its lines in the chart next to it (the
    optimizers' paths: their loss curves); returns the width it adds. (Placed in the picture's own coordinates: one
    placed by the plot's made Plotly shrink the plot.)"""
    room = LEGEND_RIGHT_PX
    white = {t.legendgroup for t in fig.data if t.legendgroup and t.line.color == base.WHITE}
    for trace in fig.data:  # a white path: its dark outline names it (white on white would show nothing)
        if trace.legendgroup in white and "lines" in (trace.mode or ""):
            trace.showlegend = trace.line.color != base.WHITE
    total = width + room
    fig.update_layout(showlegend=True, margin_r=(fig.layout.margin.r or 0) + room,
                      legend=dict(orientation="v", xref="container", x=(width + 10) / total, xanchor="left",
                                  yref="container", y=1 - fig.layout.margin.t / fig.layout.height, yanchor="top"))
    return room


def _scale(colorscale) -> tuple:
    return tuple((float(at), str(color).lower()) for at, color in colorscale or ())


def _sign_in_grey(fig: go.Figure) -> None:
    """Every colour scale that is the weights' diverging one (a colour axis's or a trace's) becomes SIGNED_PRINT."""
    screen = _scale(DIVERGING)
    for key in [k for k in fig.layout if re.fullmatch(r"coloraxis\d*", k)]:
        if _scale(fig.layout[key].colorscale) == screen:
            fig.layout[key].colorscale = SIGNED_PRINT
    for trace in fig.data:
        if "colorscale" in trace and _scale(trace.colorscale) == screen:
            trace.colorscale = SIGNED_PRINT


def _run_patterns(fig: go.Figure) -> None:
    """Each learning-rate run's line gets its own pattern (its white outline on the landscape stays solid)."""
    for trace in fig.data:
        run = re.fullmatch(r"run(\d+)", trace.legendgroup or "")
        if run and "lines" in (trace.mode or "") and trace.line.color != base.WHITE:
            trace.line.dash = RUN_DASHES[int(run.group(1)) % len(RUN_DASHES)]


def _curves_apart(fig: go.Figure) -> None:
    """The figure's solid curves after the first get their own patterns (hinge solid, cross-entropy dashed …)."""
    solid = [t for t in fig.data if (t.mode or "lines") == "lines" and t.type == "scatter" and not t.line.dash]
    for trace, dash in zip(solid[1:], RUN_DASHES[2:]):
        trace.line.dash = dash


def _groups_apart(fig: go.Figure) -> None:
    """Each legend group's lines get the group's own pattern (its dark outline, drawn under it, the same one)."""
    order: dict[str, int] = {}
    for trace in fig.data:
        group = trace.legendgroup
        if not group or "lines" not in (trace.mode or ""):
            continue
        k = order.setdefault(group, len(order))
        trace.line.dash = GROUP_DASHES[k % len(GROUP_DASHES)]
        if trace.mode == "lines+markers" and trace.x is not None and len(trace.x) > DENSE:
            trace.mode = "lines"


def _markers_apart(fig: go.Figure) -> None:
    """Each scatter of dots shown in the legend gets its own marker symbol."""
    dots = [t for t in fig.data if t.type == "scatter" and t.mode == "markers" and t.showlegend is not False]
    for trace, symbol in zip(dots, SYMBOLS):
        trace.marker.symbol = symbol


def _xaxes(fig: go.Figure) -> list[str]:
    """The names of the figure's x axes, left to right."""
    keys = [k for k in fig.layout if re.fullmatch(r"xaxis\d*", k)]
    return sorted(keys, key=lambda k: (fig.layout[k].domain or (0, 1))[0])


def _aspect(fig: go.Figure, key: str) -> float | None:
    """Width / height in data units of an equal-aspect panel (x axis `key`), None for the others."""
    x = fig.layout[key]
    y = fig.layout[(x.anchor or "y").replace("y", "yaxis")]
    if not (x.scaleanchor and x.range and y.range):
        return None
    return abs(x.range[1] - x.range[0]) / max(abs(y.range[1] - y.range[0]), 1e-300)


def _share_by_aspect(fig: go.Figure) -> None:
    """Side-by-side equal-aspect panels (the Classifier's geometric and visual views): on screen they share the
    width in fixed parts, so one of them has room to spare; in print each gets the part its data need, and the
    titles above them move with them."""
    keys = _xaxes(fig)
    aspects = [_aspect(fig, k) for k in keys]
    if len(keys) < 2 or None in aspects:
        return
    domains = [tuple(fig.layout[k].domain) for k in keys]
    gaps = sum(b[0] - a[1] for a, b in zip(domains, domains[1:]))
    free, x0, total = domains[-1][1] - domains[0][0] - gaps, domains[0][0], sum(aspects)
    centres = {}
    for i, key in enumerate(keys):
        x1 = x0 + free * aspects[i] / total
        centres[round(sum(domains[i]) / 2, 6)] = (x0 + x1) / 2
        fig.layout[key].domain = (x0, x1)
        x0 = x1 + (domains[i + 1][0] - domains[i][1] if i + 1 < len(keys) else 0)
    for note in fig.layout.annotations:
        if note.xref == "paper" and note.x is not None and round(note.x, 6) in centres:
            note.x = centres[round(note.x, 6)]


def _inward(fig: go.Figure) -> None:
    """Equal-aspect panels of a figure with several panels shrink towards the others, not towards the middle of
    their share: what the picture's width leaves over lies between them, not at its edges."""
    keys = _xaxes(fig)
    if len(keys) > 1:
        for key, toward in ((keys[0], "right"), (keys[-1], "left")):
            if fig.layout[key].scaleanchor:
                fig.layout[key].constraintoward = toward


def _legend_rows(fig: go.Figure, width: int) -> int:
    """Rows the figure's legend needs at this width (as figures.base._layout estimates them)."""
    labels = base._legend_labels(fig.data)
    return base._legend_rows(labels, width - (fig.layout.margin.l or 0))


def still(fig: go.Figure) -> go.Figure:
    """The animation as a picture of the step it shows: no Play/Pause buttons, no step slider, no frames, the
    room under the plot they took given back, and the step in the left panel's title."""
    slider = fig.layout.sliders[0] if fig.layout.sliders else None
    step = slider.steps[slider.active].label if slider is not None and slider.steps else None
    gone = fig.layout.margin.b - base._AUTOMARGIN_BOTTOM
    fig.frames = ()
    fig.layout.updatemenus, fig.layout.sliders = (), ()  # (update_layout would merge an empty list away)
    fig.update_layout(height=fig.layout.height - gone, margin=dict(b=base._AUTOMARGIN_BOTTOM))
    if step is not None and fig.layout.annotations:
        first = fig.layout.annotations[0]
        first.text = f"{first.text} at step t = {step}"
    return fig


def _taller_to_fill(name: str, fig: go.Figure) -> None:
    """Equal-aspect panels narrower than the least width (the legend's): the plot grows taller until they fill
    it, instead of sitting in the middle of a wide white strip."""
    lay = fig.layout
    content = _content_width(name, fig)
    least = LEAST.get(name, 0)
    if name in WIDTHS or content is None or content >= least:
        return
    inner = content - lay.margin.l - lay.margin.r  # the panels' width: proportional to the plot's height
    scale = min((least - lay.margin.l - lay.margin.r) / max(inner, 1e-9), 2.0)
    fig.layout.height = int(round(lay.height + (lay.height - lay.margin.t - lay.margin.b) * (scale - 1)))


def fitted_width(name: str, fig: go.Figure) -> int:
    """The width at which every equal-aspect panel of fig is as wide as its data need (and the others share
    the rest as on screen), at least LEAST[name]; WIDTHS[name] for a figure without such a panel."""
    if name in WIDTHS:
        return WIDTHS[name]
    return int(round(max(_content_width(name, fig) or PLAIN_WIDTH, LEAST.get(name, 0))))


def _content_width(name: str, fig: go.Figure) -> float | None:
    """The width at which every equal-aspect panel of fig is as wide as its data need (the margins included),
    None for a figure without such a panel."""
    lay = fig.layout
    margin = lay.margin
    plot_h = lay.height - margin.t - margin.b
    need = 0.0
    for key in _xaxes(fig):
        xaxis = lay[key]
        yaxis = lay[(xaxis.anchor or "y").replace("y", "yaxis")]
        aspect = _aspect(fig, key)
        if aspect is None and name in SQUARE and xaxis.range and yaxis.range:
            aspect = abs(xaxis.range[1] - xaxis.range[0]) / max(abs(yaxis.range[1] - yaxis.range[0]), 1e-300)
        if aspect is None:
            continue
        x0, x1 = xaxis.domain or (0, 1)
        y0, y1 = yaxis.domain or (0, 1)
        need = max(need, aspect * plot_h * (y1 - y0) / (x1 - x0))
    return margin.l + margin.r + need if need else None
