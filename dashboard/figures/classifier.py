"""The Classifier page: the geometric viewpoint (regions, hyperplanes w_k·x + b_k = 0, normals w_k, points) and
the visual one (templates w_k as arrows with the point x, the scores s_k = w_k·x + b_k), alone or in one chart.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from dashboard.figures.base import (
    _AUTOMARGIN_TOP,
    _COLORBAR_MARGIN,
    _LEGEND_ROW_PX,
    _TICK_LABELS_PX,
    _TITLE_LINE_PX,
    FONT_SIZE,
    GREY,
    INK,
    TITLE_SIZE,
    _axis,
    _figure,
    _layout,
    _legend_labels,
    _legend_rows,
    _names,
    _panels,
    _sub,
    _trace,
    class_color,
)
from dashboard.figures.format import short, sig
from dashboard.figures.input_space import (
    _geometry_traces,
    _input_axes,
    _normal_traces,
    _point_traces,
    _score_heatmap,
    _selected_traces,
    _text_position,
)
from linviz import geometry


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
                      height: int = 600, title: str = "", axis_titles: tuple[str, str] = ("x₁", "x₂")) -> go.Figure:
    """Geometric viewpoint: regions, lines w_k.x + b_k = 0, normals, points X (N, 2); W (C, 2), b (C,); axis_titles
    name the plane's axes (for images projected onto a plane of image space)."""
    names = _names(class_names, len(np.asarray(b).reshape(-1)))
    traces = _classifier_traces(X, y, W, b, bounds, X_test=X_test, y_test=y_test, selected=selected, names=names,
                                show_normals=show_normals, score_class=score_class)
    layout = _layout(traces, height, title, axes=_input_axes(bounds, titles=axis_titles), legend_width=520.0)
    layout["margin"]["t"] += _AUTOMARGIN_TOP  # what automargin would grow it to, without a second drawing
    if traces and traces[0].type == "heatmap":
        layout["margin"]["r"] = _COLORBAR_MARGIN
    return _figure(traces, layout)



def _score_axis_range(scores: np.ndarray, text_share: float = 0.33) -> list[float]:
    """x range for score bars (C,) leaving text_share of the width for outside labels on each side."""
    lo, hi = min(0.0, float(scores.min())), max(0.0, float(scores.max()))
    span = max(hi - lo, 1e-9)
    total = span / (1.0 - ((lo < 0) + (hi > 0)) * text_share)
    return [lo - (text_share * total if lo < 0 else 0.04 * span),
            hi + (text_share * total if hi > 0 else 0.04 * span)]


def _template_labels(tips: np.ndarray, reach: float, avoid: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per arrow 0 -> tips[k] (C, 2): (label point, direction to put the text in), beyond the tip along the
    arrow, or turned aside (or a little further out) when that spot lies on another arrow, on the point avoid
    (2,) or on a label already placed; where no spot is clear, the one with the most room."""
    C = len(tips)
    out, texts = [], []  # texts: where each placed label's text is (its spot, moved along its direction)
    for k, tip in enumerate(tips):
        length = float(np.hypot(*tip))
        unit = tip / length if length > 1e-12 * reach else np.array([np.cos(2 * np.pi * k / C),
                                                                     np.sin(2 * np.pi * k / C)])
        normal = np.array([-unit[1], unit[0]])
        best, best_room = None, -np.inf
        for gap in (0.07, 0.2):
            for direction in (unit, unit + normal, unit - normal, normal, -normal):
                direction = direction / np.hypot(*direction)
                spot = tip + gap * reach * direction
                text = spot + 0.06 * reach * direction
                # the room left, as a share of what each neighbour needs (>= 1: clear)
                room = min([geometry.distance_to_segment(spot, np.zeros(2), tips[j]) / (0.09 * reach)
                            for j in range(C) if j != k]
                           + [np.hypot(*(spot - avoid)) / (0.12 * reach)]
                           + [np.hypot(*(text - other)) / (0.16 * reach) for other in texts])
                if room > best_room:
                    best, best_room = (spot, direction, text), room
                if room >= 1:
                    break
            if best_room >= 1:
                break
        spot, direction, text = best
        texts.append(text)
        out.append((spot, direction))
    return out


def _template_traces(W, b, x, names: list[str],
                     axes: tuple[str, str] = ("x", "y")) -> tuple[list, float, str, np.ndarray]:
    """The visual viewpoint's panel: arrows 0 -> w_k (C, 2) drawn to the scale of the point x (2,), a label
    'w_k' past each tip, and x as a star. Returns (traces, reach: the panel's half-width, title ('templates
    100·wₖ': how they are drawn), the scores s_k = w_k.x + b_k (C,))."""
    W = np.nan_to_num(np.asarray(W, dtype=float)).reshape(-1, 2)
    b, x = (np.nan_to_num(np.asarray(a, dtype=float)).reshape(-1) for a in (b, x))
    # templates are drawn to the scale of x, so tiny initial weights stay visible; the title says how (100·wₖ)
    w_len, x_len = np.linalg.norm(W, axis=1).max(initial=0.0), float(np.linalg.norm(x[:2]))
    zoom = x_len / w_len if w_len > 0 and x_len > 0 else 1.0
    zoom = 10.0 ** np.round(np.log10(zoom)) if not 0.2 <= zoom <= 5 else 1.0
    shown = W * zoom
    reach = 1.3 * max(np.abs(shown).max(initial=0.0), np.abs(x[:2]).max(initial=0.0), 1e-6)
    title = "templates wₖ" if zoom == 1 else f"templates {sig(zoom, 1)}·wₖ"
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
    axes, notes = _panels([0.4, 0.6], 0.14, (left_title + " and the point x", "scores sₖ = wₖ·x + bₖ"))
    texts = [f"w{_sub(k)}·x + b{_sub(k)} = {short(s)}" + ("<br><b>← predicted</b>" if k == win else "")
             for k, s in enumerate(scores)]
    traces.append(_trace(
        go.Bar, x=scores, y=names, orientation="h", text=texts, textposition="outside", constraintext="none",
        cliponaxis=False, showlegend=False, name="scores", customdata=[short(s) for s in scores],
        hovertemplate="%{y}: s = %{customdata}<extra></extra>",  # (as the bar's text writes it, not d3's .3f)
        marker=dict(color=[class_color(k) for k in range(C)],
                    line=dict(color=[INK if k == win else class_color(k) for k in range(C)],
                              width=[4 if k == win else 0 for k in range(C)])), xaxis="x2", yaxis="y2"))
    for name, axis in _template_axes(reach).items():
        axes[name].update(axis)
    axes["xaxis2"].update(_axis("score", range=_score_axis_range(scores), zeroline=True, zerolinewidth=2,
                                zerolinecolor="#444"))
    axes["yaxis2"].update(autorange="reversed")
    return _figure(traces, _layout(traces, height, axes=axes, annotations=notes, subtitles=True))


# The Classifier page fits a 1280x720 projector (and 150% on a 1920x1080 screen): its header, the algebraic row
# (~110 px for three classes) and this chart end above 720 px (tests/e2e/test_loss_classifier_browser.py).
CLASSIFIER_VIEWS_HEIGHT = 390
# With more classes (MANY_CLASSES or more) the algebraic row alone is taller than the room above the fold: the
# chart grows instead, so that its panels stay larger than with three classes (~280 px), whatever its legend needs.
MANY_CLASSES, MANY_CLASSES_EXTRA_PX = 5, 80
_VIEW_TITLE = dict(yref="paper", y=1.0, yanchor="bottom", showarrow=False, font=dict(size=TITLE_SIZE))  # over a panel


def classifier_views_figure(X, y, W, b, bounds, *, selected: int, X_test=None, y_test=None, class_names=None,
                            score_class: int | None = None, height: int | None = None) -> go.Figure:
    """The Classifier page's pictures in one figure (one chart for the browser to draw instead of two):
    the geometric view of classifier_figure on the left, the visual view (templates w_k and the selected point
    X[selected], with its scores s_k) on the right.

    Laid out for a short chart (a 1280x720 projector) of any width: the two square panels sit side by side (spare
    width goes to the outer edges), the x axes are labelled at their right ends instead of underneath, the legend
    sits under the plots, and the titles share one row - the geometric title from the left panel's left edge, the
    visual one ending at the right panel's right edge - over the score lines, right-aligned under the visual
    title: nothing is clipped at the chart's edges and the titles do not overlap down to ~420 px. With
    MANY_CLASSES or more the one score line names only the largest score (all of them are in the algebraic view
    beside the chart) and the chart is taller (height None: CLASSIFIER_VIEWS_HEIGHT, or more for many classes)."""
    X = np.asarray(X, dtype=float).reshape(-1, 2)
    selected = int(np.clip(selected, 0, len(X) - 1))
    names = _names(class_names, len(np.asarray(b).reshape(-1)))
    traces = _classifier_traces(X, y, W, b, bounds, X_test=X_test, y_test=y_test, selected=selected,
                                names=names, score_class=score_class)
    visual, reach, title, scores = _template_traces(W, b, X[selected], names, axes=("x2", "y2"))
    lines = _score_lines(scores) if len(scores) < MANY_CLASSES else [_largest_score_line(scores)]
    shaded = bool(traces) and traces[0].type == "heatmap"  # a score surface, with its colour bar between the panels
    axes, _ = _panels([0.55, 0.45], 0.2 if shaded else 0.12)
    axes["xaxis2"]["domain"][1] = 1.0  # (not 1.0000000000000002)
    for name, axis in {**_input_axes(bounds), **_template_axes(reach, "xaxis2", "yaxis2")}.items():
        axes[name].update(axis)
    # square panels side by side: any spare width goes to the outer edges, titles follow the panels
    for name, toward in (("xaxis", "right"), ("xaxis2", "left"), ("yaxis", "top"), ("yaxis2", "top")):
        axes[name]["constraintoward"] = toward
    for name in ("xaxis", "xaxis2"):
        axes[name].pop("title", None)
    title_row = _TITLE_LINE_PX * len(lines)  # the row of the visual title, above its score lines
    notes = [dict(text="geometric: hyperplanes", xref="x domain", x=0.0, xanchor="left", xshift=-44,
                  yshift=title_row, **_VIEW_TITLE),  # (from over the y axis's title: room for both titles)
             dict(text="<br>".join(["visual: " + title, *lines]), xref="x2 domain", x=1.0, xanchor="right",
                  align="right", **_VIEW_TITLE)]
    notes += [dict(text="x₁", xref=f"{x} domain", yref=f"{y} domain", x=1.0, y=0.0, xanchor="left",
                   yanchor="bottom", xshift=4, showarrow=False, font=dict(size=TITLE_SIZE - 1))
              for x, y in (("x", "y"), ("x2", "y2"))]
    legend_rows = _legend_rows(_legend_labels(traces + visual), 760.0, px_per_char=8.0)
    if height is None:
        many = len(scores) >= MANY_CLASSES
        height = CLASSIFIER_VIEWS_HEIGHT + (MANY_CLASSES_EXTRA_PX + _LEGEND_ROW_PX * (legend_rows - 1) if many else 0)
    layout = _layout(traces + visual, height, axes=axes, annotations=notes, legend_below=True,
                     legend_width=760.0)
    layout["legend"].update(x=0.5, xanchor="center")
    if shaded:  # next to the plot it shades (the geometric panel hugs the right end of its domain)
        traces[0].colorbar.update(x=axes["xaxis"]["domain"][1] + 0.012, xanchor="left", thickness=14, len=1.0,
                                  y=0.5, yanchor="middle")
    layout["margin"].update(t=_TITLE_LINE_PX * (1 + len(lines)) + 12, r=40,
                            b=_TICK_LABELS_PX + _LEGEND_ROW_PX * legend_rows)
    return _figure(traces + visual, layout)


def _largest_score_line(scores) -> str:
    """'s₃ = 0.0078, the largest of s₀ … s₉' in the winning class's colour (bold): one short line for many classes."""
    win, C = int(np.argmax(scores)), len(scores)
    return (f'<span style="color:{class_color(win)}"><b>s{_sub(win)} = {short(scores[win])}</b></span>'
            f", the largest of s₀ … s{_sub(C - 1)}")


def _score_lines(scores, per_line: int = 4) -> list[str]:
    """'s₀ = 0.932 · s₁ = −0.766 · ...' in the class colours, the largest in bold, per_line scores a line."""
    win = int(np.argmax(scores))
    items = [f'<span style="color:{class_color(k)}">{"<b>" if k == win else ""}s{_sub(k)} = {short(v)}'
             f'{"</b>" if k == win else ""}</span>' for k, v in enumerate(scores)]
    return [" · ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]

