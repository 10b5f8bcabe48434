"""Plotly figures for the dashboard: numpy arrays in, go.Figure out (no Streamlit here).

Conventions: W (C, 2), b (C,), X (N, 2), y (N,) ints, bounds = (xmin, xmax, ymin, ymax);
values[i, j] is the loss at (alphas[i], betas[j]), so contours get z = values.T.
Styled for a lecture hall: 16 px fonts, thick lines, one colour and one marker symbol per class.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from linviz.landscape import decision_grid, decision_regions

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "cross", "triangle-down", "star", "pentagon")
RUN_COLORS = ("#000000", "#E69F00", "#56B4E9", "#CC79A7", "#009E73", "#D55E00")
UIREVISION = "linviz"
FONT_SIZE, TITLE_SIZE = 16, 19
INK, GREY, ALERT, ACC_COLOR, STAR = "#222222", "#777777", "#C00000", "#8C564B", "#E41A1C"
_OUTLINE = dict(color="#1A1A1A", width=1.2)
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_LEGEND_TYPES = ("scatter", "bar", "scatter3d")
_HOVER_LOSS = "α=%{x:.3g}, β=%{y:.3g}<br>loss=%{z:.4g}<extra></extra>"


def class_color(k: int) -> str:
    """Hex colour of class k (Okabe-Ito, cycling past 8)."""
    return PALETTE[int(k) % len(PALETTE)]


def region_color(k: int, alpha: float = 0.18) -> str:
    """Light 'rgba(r,g,b,alpha)' fill of class k's decision region."""
    h = class_color(k).lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha:g})"


def _tint(k: int, amount: float = 0.25) -> str:
    """Opaque 'rgb(...)': class k's colour mixed into white (label backgrounds)."""
    h = class_color(k).lstrip("#")
    r, g, b = (round(255 - amount * (255 - int(h[i:i + 2], 16))) for i in (0, 2, 4))
    return f"rgb({r},{g},{b})"


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


def _legend_rows(labels: list[str], width: float = 680.0) -> int:
    """Rough number of rows a horizontal legend of these labels needs at ~width px."""
    rows, used = (1, 0.0) if labels else (0, 0.0)
    for label in labels:
        item = 50 + 8.5 * len(label)
        rows, used = (rows + 1, item) if used and used + item > width else (rows, used + item)
    return rows


def _style(fig: go.Figure, height: int, title: str = "", *, subtitles: bool = False,
           bottom: int = 60) -> go.Figure:
    """Shared layout: plotly_white, big fonts, title then horizontal legend on top, constant uirevision."""
    labels = [t.name or "" for t in fig.data
              if t.showlegend is True or (t.showlegend is None and t.type in _LEGEND_TYPES)]
    title_px = 44 if title else 6
    top = max(title_px + 30 * _legend_rows(labels) + (34 if subtitles else 10), 36)
    fig.update_layout(
        template="plotly_white", height=height, font=dict(size=FONT_SIZE), uirevision=UIREVISION,
        title=dict(text=title, font=dict(size=TITLE_SIZE + 1), x=0.01, xanchor="left", y=1.0,
                   yref="container", yanchor="top", pad=dict(t=12)),
        margin=dict(l=70, r=30, t=top, b=bottom), hoverlabel=dict(font=dict(size=FONT_SIZE - 1)),
        legend=dict(orientation="h", yref="container", y=1.0 - title_px / height, yanchor="top", x=0.0,
                    xanchor="left", font=dict(size=FONT_SIZE)))
    axis = dict(title_font=dict(size=TITLE_SIZE - 1), linewidth=1.5, linecolor="#444", showline=True)
    fig.update_xaxes(**axis)
    fig.update_yaxes(**axis)
    # subplot titles are the only paper-referenced annotations
    fig.update_annotations(font=dict(size=TITLE_SIZE), selector=dict(xref="paper", yref="paper"))
    return fig


def _message_figure(text: str, height: int) -> go.Figure:
    """An empty figure that says why it is empty."""
    fig = go.Figure(layout=dict(annotations=[dict(text=text, showarrow=False, font=dict(size=TITLE_SIZE))]))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _style(fig, height)


# ---------------------------------------------------------------- input-space geometry
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
    """W (C, 2), b (C,) made finite and jointly rescaled to max |entry| <= 1 (same argmax, same lines)."""
    W = np.nan_to_num(np.asarray(W, dtype=float), nan=0.0, posinf=0.0, neginf=0.0).reshape(-1, 2)
    b = np.nan_to_num(np.asarray(b, dtype=float), nan=0.0, posinf=0.0, neginf=0.0).reshape(-1)
    scale = max(np.abs(W).max(initial=0.0), np.abs(b).max(initial=0.0))
    return (W / scale, b / scale) if scale > 1.0 else (W, b)


def _segment(w: np.ndarray, b: float, bounds) -> np.ndarray | None:
    """(2, 2) endpoints of the line w.x + b = 0 clipped to bounds, or None (w ~ 0 or line outside)."""
    scale = max(abs(w[0]), abs(w[1]), abs(b))  # the line does not change when (w, b) is rescaled
    if not np.isfinite(scale) or scale == 0 or np.hypot(*w) < 1e-9 * scale:
        return None
    w, b = w / scale, b / scale
    norm = float(np.hypot(*w))
    xmin, xmax, ymin, ymax = _box(bounds)
    p0, d = -b * w / norm**2, np.array([-w[1], w[0]]) / norm  # nearest point to the origin, direction
    lo, hi = -np.inf, np.inf
    for p, dk, a, z in ((p0[0], d[0], xmin, xmax), (p0[1], d[1], ymin, ymax)):
        if abs(dk) < 1e-12:
            if not a <= p <= z:
                return None
            continue
        t1, t2 = sorted(((a - p) / dk, (z - p) / dk))
        lo, hi = max(lo, t1), min(hi, t2)
    return None if hi <= lo else np.array([p0 + lo * d, p0 + hi * d])


def _geometry_xy(W, b, bounds, stub: bool = False) -> list[tuple[np.ndarray, np.ndarray]]:
    """(x, y) of the C region polygons, then of the C lines w_k.x + b_k = 0; empty ones are [] or,
    with stub (animation frames), a zero-size shape at the centre so the SVG path always exists."""
    W, b = _safe_params(W, b)
    polys = decision_regions(W, b, _box(bounds))
    for k in range(len(W)):  # argmax gives ties to the lowest class: a duplicated row has no region
        if any(np.allclose(W[k], W[j], atol=1e-12) and abs(b[k] - b[j]) < 1e-12 for j in range(k)):
            polys[k] = np.zeros((0, 2))
    lines = [_segment(W[k], b[k], bounds) for k in range(len(W))]
    empty = np.tile(_centre(bounds), (3, 1)) if stub else np.zeros((0, 2))
    shapes = [p if len(p) else empty for p in polys] + [s if s is not None else empty[:2] for s in lines]
    return [(s[:, 0].astype(float), s[:, 1].astype(float)) for s in shapes]


def _geometry_traces(W, b, bounds, names: list[str], stub: bool = False,
                     alpha: float = 0.18) -> list[go.Scatter]:
    """C filled region polygons (no hover), then C dashed boundary lines in the class colours."""
    xy = _geometry_xy(W, b, bounds, stub)
    C = len(xy) // 2
    regions = [go.Scatter(x=x, y=y, mode="lines", fill="toself", fillcolor=region_color(k, alpha),
                          line=dict(width=0), hoverinfo="skip", showlegend=False, name=f"region: {names[k]}")
               for k, (x, y) in enumerate(xy[:C])]
    lines = [go.Scatter(x=x, y=y, mode="lines", line=dict(color=class_color(k), width=3, dash="dash"),
                        hoverinfo="skip", showlegend=False, name=f"s{_sub(k)} = 0")
             for k, (x, y) in enumerate(xy[C:])]
    return regions + lines


def _point_traces(X, y, C: int, names: list[str], test: bool = False) -> list[go.Scatter]:
    """One marker trace per class (colour, symbol, dark outline); test points hollow and not in the legend.
    Training points carry their index into X as customdata, so a click selects that example."""
    X, y = np.asarray(X, dtype=float).reshape(-1, 2), np.asarray(y, dtype=int).reshape(-1)
    traces = []
    for k in range(C):
        symbol, label = SYMBOLS[k % len(SYMBOLS)], names[k] + (" (test)" if test else "")
        marker = (dict(symbol=symbol + "-open", size=10, color=class_color(k), line=dict(width=2.5)) if test
                  else dict(symbol=symbol, size=9, color=class_color(k), line=_OUTLINE))
        index = None if test else np.flatnonzero(y == k)
        hover = f"{label}{'' if test else ' #%{customdata}'}<br>x₁=%{{x:.2f}}, x₂=%{{y:.2f}}<extra></extra>"
        traces.append(go.Scatter(x=X[y == k, 0], y=X[y == k, 1], mode="markers", marker=marker, name=label,
                                 legendgroup=f"class{k}", showlegend=not test, customdata=index,
                                 hovertemplate=hover))
    return traces


def _normal_annotations(W, b, bounds) -> list[dict]:
    """Per class an arrow w_k (~12% of the view width) from the point of its line nearest the view centre,
    and a label 'w_k' past the arrow head."""
    xmin, xmax = _box(bounds)[:2]
    centre, length = _centre(bounds), 0.12 * (xmax - xmin)
    notes = []
    for k, (w, bk) in enumerate(zip(*_safe_params(W, b))):
        seg = _segment(w, bk, bounds)
        if seg is None:
            continue
        d = seg[1] - seg[0]
        tail = seg[0] + np.clip(np.dot(centre - seg[0], d) / max(np.dot(d, d), 1e-300), 0.0, 1.0) * d
        unit = w / np.hypot(*w)
        head, label = tail + length * unit, tail + 1.4 * length * unit
        notes.append(dict(x=head[0], y=head[1], ax=tail[0], ay=tail[1], axref="x", ayref="y", text="",
                          showarrow=True, arrowhead=2, arrowsize=1.1, arrowwidth=3,
                          arrowcolor=class_color(k)))
        notes.append(dict(x=label[0], y=label[1], text=f"w{_sub(k)}", showarrow=False, bgcolor=_tint(k),
                          bordercolor=class_color(k), borderwidth=1.5, borderpad=2,
                          font=dict(size=FONT_SIZE + 1)))
    return notes


def _input_axes(fig: go.Figure, bounds, row=None, col=None) -> None:
    """Fix the input-space axes to bounds with equal aspect; titles x₁, x₂."""
    xmin, xmax, ymin, ymax = _box(bounds)
    anchor = "y" if row is None else fig.get_subplot(row, col).yaxis.plotly_name.replace("axis", "")
    common = dict(constrain="domain", zeroline=False, row=row, col=col)
    fig.update_xaxes(range=[xmin, xmax], title_text="x₁", scaleanchor=anchor, scaleratio=1, **common)
    fig.update_yaxes(range=[ymin, ymax], title_text="x₂", **common)


def _score_heatmap(W, b, bounds, k: int) -> go.Heatmap:
    """Class k's score s_k(x) on a 60x60 grid: grey below 0, white at 0, the class colour above."""
    grid = decision_grid(*(np.nan_to_num(np.asarray(a, dtype=float)) for a in (W, b)), _box(bounds), 60)
    scale = [[0.0, "#4D4D4D"], [0.5, "#FFFFFF"], [1.0, class_color(k)]]
    return go.Heatmap(x=grid.xs, y=grid.ys, z=grid.scores[:, :, k], colorscale=scale, zmid=0.0, opacity=0.7,
                      colorbar=dict(title=dict(text=f"s{_sub(k)}"), thickness=18), name=f"s{_sub(k)}(x)",
                      hovertemplate=f"s{_sub(k)} = %{{z:.2f}}<extra></extra>")


def classifier_figure(X, y, W, b, bounds, *, X_test=None, y_test=None, selected: int | None = None,
                      class_names=None, show_normals: bool = True, score_class: int | None = None,
                      height: int = 600, title: str = "") -> go.Figure:
    """Geometric viewpoint: regions, lines w_k.x + b_k = 0, normals, points X (N, 2); W (C, 2), b (C,)."""
    C = len(np.asarray(b).reshape(-1))
    names = _names(class_names, C)
    show_score = isinstance(score_class, (int, np.integer)) and 0 <= score_class < C
    fig = go.Figure([_score_heatmap(W, b, bounds, int(score_class))] if show_score else [])
    fig.add_traces(_geometry_traces(W, b, bounds, names, alpha=0.08 if show_score else 0.18))
    fig.add_traces(_point_traces(X, y, C, names))
    if X_test is not None and y_test is not None and len(np.asarray(y_test).reshape(-1)):
        fig.add_traces(_point_traces(X_test, y_test, C, names, test=True))
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name="test (hollow)",
                                 marker=dict(symbol="circle-open", size=10, color=GREY,
                                             line=dict(width=2.5))))
    X = np.asarray(X, dtype=float).reshape(-1, 2)
    if selected is not None and 0 <= int(selected) < len(X):
        p = X[int(selected)]
        fig.add_trace(go.Scatter(x=[p[0]], y=[p[1]], mode="markers", name="selected", cliponaxis=False,
                                 customdata=[int(selected)],
                                 marker=dict(symbol="circle-open", size=26, color=INK, line=dict(width=3.5)),
                                 hovertemplate="selected example<extra></extra>"))
    for note in _normal_annotations(W, b, bounds) if show_normals else []:
        fig.add_annotation(**note)
    _input_axes(fig, bounds)
    return _style(fig, height, title)


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
    """About 3-9 tick positions in log10 units: 1-2-5 over short spans, every k-th decade over long ones."""
    span = hi - lo
    stride, mantissas = (int(np.ceil(span / 8)), [1.0]) if span >= 3 else (1, [1.0, 2.0, 5.0])
    ticks = np.array([e + np.log10(m) for e in range(int(np.floor(lo)), int(np.ceil(hi)) + 1)
                      if e % stride == 0 for m in mantissas])
    ticks = ticks[(ticks >= lo) & (ticks <= hi)] if ticks.size else ticks
    return ticks if len(ticks) >= 2 else np.linspace(lo, hi, 4)


def _log_axis(values) -> dict:
    """Log-axis settings with full-size tick labels over the positive finite values."""
    lo, hi = _finite_range(values, log=True)
    ticks = _log_ticks(lo, hi)
    return dict(type="log", range=[lo, hi], tickvals=10.0**ticks, ticktext=[f"{10**t:.3g}" for t in ticks])


def _animation_controls(labels: list[str], frame_ms: int, y: float) -> dict:
    """Play/Pause buttons and a 'step t' slider over the frames named by labels, starting at the last."""
    still = {"frame": {"duration": 0, "redraw": False}, "mode": "immediate", "transition": {"duration": 0}}
    play = [None, {"frame": {"duration": int(frame_ms), "redraw": False}, "fromcurrent": True,
                   "transition": {"duration": 0}, "mode": "immediate"}]
    pause = [[None], {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}]
    buttons = dict(type="buttons", direction="left", x=0.0, y=y, xanchor="left", yanchor="top",
                   showactive=False, pad=dict(t=10, r=10), font=dict(size=FONT_SIZE),
                   buttons=[dict(label="▶ Play", method="animate", args=play),
                            dict(label="❚❚ Pause", method="animate", args=pause)])
    slider = dict(active=len(labels) - 1, x=0.22, len=0.78, y=y, xanchor="left", yanchor="top",
                  pad=dict(t=10), ticklen=0, minorticklen=0,
                  font=dict(size=1, color="rgba(0,0,0,0)"),  # hides the per-step labels under the rail
                  currentvalue=dict(prefix="step t = ", font=dict(size=FONT_SIZE + 1, color=INK)),
                  steps=[dict(method="animate", label=s, args=[[s], still]) for s in labels])
    return dict(updatemenus=[buttons], sliders=[slider])


def classifier_animation(X, y, Ws, bs, bounds, steps, *, losses, accuracies, class_names=None,
                         test_losses=None, height: int = 560, frame_ms: int = 50,
                         log_y: bool = False) -> go.Figure:
    """Client-side playback of training: Ws (F, C, 2), bs (F, C) at steps (F,); losses, accuracies (T+1,)."""
    if len(steps) == 0:
        return _message_figure("no steps to show", height)
    Ws = np.asarray(Ws, dtype=float).reshape(len(steps), -1, 2)
    bs = np.asarray(bs, dtype=float).reshape(len(steps), -1)
    C, names = bs.shape[1], _names(class_names, bs.shape[1])
    losses, accuracies = _clean(losses).ravel(), _clean(accuracies).ravel()
    steps = np.clip(np.asarray(steps, dtype=int), 0, max(len(losses) - 1, 0))
    fig = make_subplots(rows=1, cols=2, column_widths=[0.58, 0.42], horizontal_spacing=0.1,
                        specs=[[{}, {"secondary_y": True}]],
                        subplot_titles=("decision regions", "loss and accuracy"))
    fig.add_traces(_geometry_traces(Ws[-1], bs[-1], bounds, names, stub=True), rows=1, cols=1)
    fig.add_traces(_point_traces(X, y, C, names), rows=1, cols=1)
    curves = [(losses, "train loss", INK, "solid", False), (accuracies, "accuracy", ACC_COLOR, "dot", True)]
    if test_losses is not None:
        curves.insert(1, (_clean(test_losses).ravel(), "test loss", GREY, "dash", False))
    for v, name, color, dash, secondary in curves:
        fig.add_trace(go.Scatter(x=np.arange(len(v)), y=v, mode="lines", name=name,
                                 line=dict(color=color, width=3, dash=dash)),
                      row=1, col=2, secondary_y=secondary)
    moving = list(range(2 * C)) + [len(fig.data), len(fig.data) + 1]
    xmin, xmax, ymin, ymax = _box(bounds)
    digits = max(0, 5 - int(np.floor(np.log10(max(xmax - xmin, ymax - ymin)))))  # ~1e-5 of the view

    def at(v: np.ndarray, t: int) -> float | None:
        """v[t] if it exists and is finite."""
        return float(v[t]) if t < len(v) and np.isfinite(v[t]) else None

    def frame_data(f: int) -> list[dict]:
        """Moving traces of frame f as plain dicts of rounded lists (smaller than base64 for a few points)."""
        t = int(steps[f])
        return ([dict(type="scatter", x=np.round(x, digits).tolist(), y=np.round(y, digits).tolist())
                 for x, y in _geometry_xy(Ws[f], bs[f], bounds, stub=True)]
                + [dict(type="scatter", x=[t], y=[at(v, t)]) for v in (losses, accuracies)])

    t = int(steps[-1])
    fig.add_trace(go.Scatter(x=[t], y=[at(losses, t)], mode="markers", name="loss at t", showlegend=False,
                             cliponaxis=False, marker=dict(color=STAR, size=14, line=_OUTLINE)), row=1, col=2)
    fig.add_trace(go.Scatter(x=[t], y=[at(accuracies, t)], mode="markers", name="accuracy at t",
                             showlegend=False, cliponaxis=False,
                             marker=dict(color=ACC_COLOR, size=12, line=_OUTLINE)),
                  row=1, col=2, secondary_y=True)
    labels = [str(int(s)) for s in steps]
    fig.frames = [dict(name=labels[f], traces=moving, data=frame_data(f)) for f in range(len(steps))]
    _input_axes(fig, bounds, row=1, col=1)
    all_losses = np.r_[losses, [] if test_losses is None else _clean(test_losses).ravel()]
    loss_axis = _log_axis(all_losses) if log_y else dict(type="linear", range=_finite_range(all_losses))
    fig.update_xaxes(title_text="step", range=[0, max(len(losses) - 1, 1)], row=1, col=2)
    fig.update_yaxes(title_text="loss", row=1, col=2, secondary_y=False, **loss_axis)
    fig.update_yaxes(title_text="accuracy", range=[0, 1.05], tickformat=".0%", tickmode="auto",
                     showgrid=False, row=1, col=2, secondary_y=True)
    _style(fig, height, subtitles=True, bottom=135)
    plot_px = max(height - fig.layout.margin.t - 135, 100)
    return fig.update_layout(**_animation_controls(labels, frame_ms, y=-75 / plot_px))


def loss_curves_figure(loss, accuracy, *, test_loss=None, test_accuracy=None, current: int | None = None,
                       diverged_at: int | None = None, lr: float | None = None, height: int = 380,
                       log_y: bool = False) -> go.Figure:
    """Loss (T+1,) and accuracy (T+1,) per step side by side; train solid, test dashed."""
    loss_title = "loss" if lr is None else f"loss (learning rate {lr:g})"
    fig = make_subplots(rows=1, cols=2, subplot_titles=(loss_title, "accuracy"), horizontal_spacing=0.1)
    n, shown = 1, set()
    for values, name, col in ((loss, "train", 1), (test_loss, "test", 1), (accuracy, "train", 2),
                              (test_accuracy, "test", 2)):
        if values is None:
            continue
        v = _clean(values).reshape(-1)
        n = max(n, len(v))
        fig.add_trace(go.Scatter(x=np.arange(len(v)), y=v, mode="lines", name=name, legendgroup=name,
                                 showlegend=name not in shown, hovertemplate="step %{x}: %{y:.4g}",
                                 line=dict(color=INK if name == "train" else GREY, width=3,
                                           dash="solid" if name == "train" else "dash")), row=1, col=col)
        shown.add(name)
    for col in (1, 2):
        if current is not None:
            fig.add_vline(x=current, line=dict(color=GREY, width=2, dash="dot"), row=1, col=col)
        if diverged_at is not None:
            fig.add_vline(x=diverged_at, line=dict(color=ALERT, width=3), row=1, col=col)
    if diverged_at is not None:
        fig.add_annotation(x=diverged_at, y=0.97, xref="x", yref="y domain", showarrow=False, xanchor="right",
                           text=f"diverged at step {diverged_at}", font=dict(color=ALERT),
                           bgcolor="rgba(255,255,255,0.85)")
    fig.update_xaxes(title_text="step", range=[0, max(n - 1, current or 0, diverged_at or 0, 1)])
    losses = np.r_[_clean(loss).ravel(), [] if test_loss is None else _clean(test_loss).ravel()]
    fig.update_yaxes(row=1, col=1, **(_log_axis(losses) if log_y else dict(type="linear")))
    fig.update_yaxes(range=[0, 1.03], tickformat=".0%", row=1, col=2)
    return _style(fig, height, subtitles=True)


def _score_axis_range(scores: np.ndarray, text_share: float = 0.33) -> list[float]:
    """x range for score bars (C,) leaving text_share of the width for outside labels on each side."""
    lo, hi = min(0.0, float(scores.min())), max(0.0, float(scores.max()))
    span = max(hi - lo, 1e-9)
    total = span / (1.0 - ((lo < 0) + (hi > 0)) * text_share)
    return [lo - (text_share * total if lo < 0 else 0.04 * span),
            hi + (text_share * total if hi > 0 else 0.04 * span)]


def templates_figure(W, b, x, *, class_names=None, height: int = 380) -> go.Figure:
    """Visual viewpoint: templates w_k (C, 2) as arrows with the point x (2,), and bars s_k = w_k.x + b_k."""
    W = np.nan_to_num(np.asarray(W, dtype=float)).reshape(-1, 2)
    b, x = (np.nan_to_num(np.asarray(a, dtype=float)).reshape(-1) for a in (b, x))
    C, names = len(b), _names(class_names, len(b))
    scores = W @ x[:2] + b
    win = int(np.argmax(scores))
    # templates are drawn to the scale of x, so tiny initial weights stay visible; the title says so
    w_len, x_len = np.linalg.norm(W, axis=1).max(initial=0.0), float(np.linalg.norm(x[:2]))
    zoom = x_len / w_len if w_len > 0 and x_len > 0 else 1.0
    zoom = 10.0 ** np.round(np.log10(zoom)) if not 0.2 <= zoom <= 5 else 1.0
    shown = W * zoom
    left_title = "templates wₖ and the point x" + ("" if zoom == 1 else f" (wₖ drawn ×{zoom:g})")
    fig = make_subplots(rows=1, cols=2, column_widths=[0.4, 0.6], horizontal_spacing=0.14,
                        subplot_titles=(left_title, "scores sₖ = wₖ·x + bₖ"))
    for k in range(C):
        fig.add_trace(go.Scatter(
            x=[0.0, shown[k, 0]], y=[0.0, shown[k, 1]], customdata=[W[k], W[k]],
            mode="lines+markers+text", name=names[k], showlegend=False,
            line=dict(color=class_color(k), width=4), text=["", f"w{_sub(k)}"], textposition="top center",
            textfont=dict(size=FONT_SIZE + 1, color=INK), cliponaxis=False,
            marker=dict(symbol=["circle", "arrow"], angleref="previous", size=[0, 18], color=class_color(k)),
            hovertemplate=f"w{_sub(k)} = (%{{customdata[0]:.3g}}, %{{customdata[1]:.3g}})<extra>{names[k]}</extra>"),
            row=1, col=1)
    fig.add_trace(go.Scatter(x=[x[0]], y=[x[1]], mode="markers+text", name="x", text=["x"], showlegend=False,
                             textposition="bottom center", marker=dict(symbol="star", size=20, color=INK),
                             cliponaxis=False), row=1, col=1)
    texts = [f"w{_sub(k)}·x + b{_sub(k)} = {s:.3g}" + ("<br><b>← predicted</b>" if k == win else "")
             for k, s in enumerate(scores)]
    fig.add_trace(go.Bar(
        x=scores, y=names, orientation="h", text=texts, textposition="outside", constraintext="none",
        cliponaxis=False, showlegend=False, name="scores", hovertemplate="%{y}: %{x:.3f}<extra></extra>",
        marker=dict(color=[class_color(k) for k in range(C)],
                    line=dict(color=[INK if k == win else class_color(k) for k in range(C)],
                              width=[4 if k == win else 0 for k in range(C)]))), row=1, col=2)
    reach = 1.3 * max(np.abs(shown).max(initial=0.0), np.abs(x).max(initial=0.0), 1e-6)
    fig.update_xaxes(range=[-reach, reach], scaleanchor="y", scaleratio=1, constrain="domain",
                     title_text="x₁", row=1, col=1)
    fig.update_yaxes(range=[-reach, reach], constrain="domain", title_text="x₂", row=1, col=1)
    fig.update_xaxes(range=_score_axis_range(scores), zeroline=True, zerolinewidth=2, zerolinecolor="#444",
                     title_text="score", row=1, col=2)
    fig.update_yaxes(autorange="reversed", row=1, col=2)
    return _style(fig, height, subtitles=True)


# ---------------------------------------------------------------- loss landscapes
def _extent(v) -> list[float]:
    """[min, max] of a grid axis (A,)."""
    v = np.asarray(v, dtype=float)
    return [float(np.nanmin(v)), float(np.nanmax(v))] if np.isfinite(v).any() else [-1.0, 1.0]


def _contour(alphas, betas, values, *, log_color: bool = False, showscale: bool = True,
             colorscale="Viridis", colorbar: dict | None = None) -> go.Contour:
    """Filled contour of values (A, B), alpha on x (z = values.T); log_color labels the bar in real losses."""
    z = _clean(values).T
    bar = {"title": dict(text="loss"), "thickness": 18, **(colorbar or {})}
    hover = _HOVER_LOSS
    if log_color:
        positive = z[z > 0]
        z = np.log10(np.where(np.isnan(z) | (z > 0), z, positive.min() if positive.size else 1.0))
        lo, hi = _extent(z)
        ticks = _log_ticks(lo, hi) if hi > lo else np.array([lo])
        bar.update(tickvals=ticks, ticktext=[f"{10**t:.3g}" for t in ticks])
        hover = "α=%{x:.3g}, β=%{y:.3g}<br>log₁₀ loss=%{z:.3f}<extra></extra>"
    return go.Contour(x=np.asarray(alphas, dtype=float), y=np.asarray(betas, dtype=float), z=z,
                      ncontours=25, colorscale=colorscale, showscale=showscale, colorbar=bar, name="loss",
                      hovertemplate=hover, line=dict(width=0.6, color="rgba(255,255,255,0.35)"))


def _trajectory_traces(trajectory, current, showlegend: bool = True) -> list[go.Scatter]:
    """Path (T, 2): white line on a black halo, a start circle; current (2,): a big red star."""
    traces = []
    path = None if trajectory is None else _clean(trajectory).reshape(-1, 2)
    if path is not None and len(path):
        traces += [
            go.Scatter(x=path[:, 0], y=path[:, 1], mode="lines", line=dict(color="#000000", width=6),
                       hoverinfo="skip", showlegend=showlegend, legendgroup="path", name="trajectory"),
            go.Scatter(x=path[:, 0], y=path[:, 1], mode="lines+markers", name="trajectory",
                       legendgroup="path", line=dict(color="#FFFFFF", width=3), showlegend=False,
                       marker=dict(size=5, color="#FFFFFF", line=dict(color="#000000", width=1)),
                       hovertemplate="α=%{x:.3g}, β=%{y:.3g}<extra>step %{pointNumber}</extra>"),
            go.Scatter(x=path[:1, 0], y=path[:1, 1], mode="markers", name="start", showlegend=showlegend,
                       legendgroup="start", cliponaxis=False,
                       marker=dict(symbol="circle", size=14, color="#FFFFFF",
                                   line=dict(color="#000000", width=2.5)))]
    if current is not None:
        c = _clean(current).reshape(2)
        traces.append(go.Scatter(x=[c[0]], y=[c[1]], mode="markers", name="current", showlegend=showlegend,
                                 legendgroup="current", cliponaxis=False,
                                 marker=dict(symbol="star", size=24, color=STAR,
                                             line=dict(color="#000", width=1.5))))
    return traces


def landscape_figure(alphas, betas, values, *, title: str = "", trajectory=None, current=None,
                     axis_titles=("α", "β"), height: int = 520, showscale: bool = True,
                     log_color: bool = False, colorscale="Viridis") -> go.Figure:
    """Contour of values (A, B) over alphas (A,) x betas (B,), optional path (T, 2) and current (2,)."""
    fig = go.Figure(_contour(alphas, betas, values, log_color=log_color, showscale=showscale,
                             colorscale=colorscale))
    fig.add_traces(_trajectory_traces(trajectory, current))
    fig.update_xaxes(range=_extent(alphas), title_text=axis_titles[0], showgrid=False)
    fig.update_yaxes(range=_extent(betas), title_text=axis_titles[1], showgrid=False)
    return _style(fig, height, title)


def landscape_pair_figure(panels: dict, *, trajectory=None, current=None, height: int = 520,
                          log_color: bool = False, axis_titles=("α", "β")) -> go.Figure:
    """Side-by-side contours {title: (alphas (A,), betas (B,), values (A, B))}, one path overlaid on each."""
    if not panels:
        return _message_figure("no landscape to show", height)
    fig = make_subplots(rows=1, cols=len(panels), subplot_titles=list(panels), horizontal_spacing=0.16)
    for i, (alphas, betas, values) in enumerate(panels.values(), start=1):
        right = fig.get_subplot(1, i).xaxis.domain[1]
        fig.add_trace(_contour(alphas, betas, values, log_color=log_color,
                               colorbar=dict(x=right + 0.01, len=0.85, y=0.46, thickness=14)), row=1, col=i)
        fig.add_traces(_trajectory_traces(trajectory, current, showlegend=i == 1), rows=1, cols=i)
        fig.update_xaxes(range=_extent(alphas), title_text=axis_titles[0], showgrid=False, row=1, col=i)
        fig.update_yaxes(range=_extent(betas), title_text=axis_titles[1], showgrid=False, row=1, col=i)
    return _style(fig, height, subtitles=True)


def _grid_lookup(alphas, betas, values, coords) -> np.ndarray:
    """values (A, B) at the grid point nearest each of coords (T, 2); NaN outside the grid."""
    a, bt, v = np.asarray(alphas, dtype=float), np.asarray(betas, dtype=float), _clean(values)
    i = np.abs(a[None, :] - coords[:, :1]).argmin(axis=1)
    j = np.abs(bt[None, :] - coords[:, 1:]).argmin(axis=1)
    outside = ~((coords[:, 0] >= a.min()) & (coords[:, 0] <= a.max()) & (coords[:, 1] >= bt.min())
                & (coords[:, 1] <= bt.max()))
    return np.where(outside, np.nan, v[i, j])


def surface3d_figure(alphas, betas, values, *, trajectory=None, trajectory_loss=None, title: str = "",
                     height: int = 560) -> go.Figure:
    """3-D surface of values (A, B) (z = values.T), optional path (T, 2) at heights trajectory_loss (T,)."""
    z = _clean(values)
    fig = go.Figure(go.Surface(x=np.asarray(alphas, dtype=float), y=np.asarray(betas, dtype=float), z=z.T,
                               colorscale="Viridis", colorbar=dict(title=dict(text="loss"), thickness=18),
                               name="loss", hovertemplate=_HOVER_LOSS))
    path = None if trajectory is None else _clean(trajectory).reshape(-1, 2)
    if path is not None and len(path):
        h = (_grid_lookup(alphas, betas, z, path) if trajectory_loss is None
             else _clean(trajectory_loss).reshape(-1)[: len(path)])
        lift = 0.01 * float(np.ptp(_extent(z)))  # keep the path just above the surface
        fig.add_trace(go.Scatter3d(x=path[: len(h), 0], y=path[: len(h), 1], z=h + lift, mode="lines+markers",
                                   name="trajectory", showlegend=False, line=dict(color=STAR, width=7),
                                   marker=dict(size=3, color=STAR)))
    axis = dict(title=dict(font=dict(size=TITLE_SIZE - 1)), tickfont=dict(size=14))
    fig.update_layout(scene=dict(xaxis=dict(axis, title_text="α"), yaxis=dict(axis, title_text="β"),
                                 zaxis=dict(axis, title_text="loss"), aspectmode="cube",
                                 camera=dict(eye=dict(x=1.7, y=-1.7, z=1.1))))
    _style(fig, height, title)
    return fig.update_layout(margin=dict(l=10, r=10, b=10))


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
    """A run's label, plus '(diverged at step N)' when it diverged."""
    d = run.get("diverged_at")
    return str(run.get("label", "run")) + ("" if d is None else f" (diverged at step {d})")


def lr_comparison_figures(alphas, betas, values, runs: list[dict], *, height: int = 480,
                          log_color: bool = True, titles=("paths on the loss landscape", "loss per step"),
                          ) -> tuple[go.Figure, go.Figure]:
    """Runs {'label', 'coords' (T_k, 2), 'loss' (T_k,), 'diverged_at'}: their paths on one landscape
    (values (A, B), clipped to the view, '×' where a path leaves it) and their loss curves (log y)."""
    box = (*_extent(alphas), *_extent(betas))
    paths = landscape_figure(alphas, betas, values, height=height, log_color=log_color,
                             colorscale=[[0.0, "#FFFFFF"], [1.0, "#8C8C8C"]])
    curves = go.Figure()
    for r, run in enumerate(runs):
        color, label, group = RUN_COLORS[r % len(RUN_COLORS)], _run_label(run), f"run{r}"
        path, exit_point = _clip_path(run.get("coords", np.zeros((0, 2))), box)
        paths.add_trace(go.Scatter(x=path[:, 0], y=path[:, 1], mode="lines+markers", name=label,
                                   legendgroup=group, line=dict(color=color, width=3.5),
                                   marker=dict(size=5, color=color)))
        if exit_point is not None:
            paths.add_trace(go.Scatter(x=exit_point[:1], y=exit_point[1:], mode="markers", showlegend=False,
                                       legendgroup=group, name=f"{label}: leaves the view", cliponaxis=False,
                                       marker=dict(symbol="x", size=18, color=color,
                                                   line=dict(color="#FFF", width=1))))
        loss = _clean(run.get("loss", [])).reshape(-1)
        loss[loss <= 0] = np.nan  # a log axis cannot show them
        curves.add_trace(go.Scatter(x=np.arange(len(loss)), y=loss, mode="lines", name=label,
                                    legendgroup=group, line=dict(color=color, width=3)))
        ok = np.flatnonzero(np.isfinite(loss))
        if run.get("diverged_at") is not None and ok.size:
            curves.add_trace(go.Scatter(x=ok[-1:], y=loss[ok[-1:]], mode="markers", showlegend=False,
                                        legendgroup=group, name=f"{label}: diverged", cliponaxis=False,
                                        marker=dict(symbol="x", size=18, color=color)))
    all_losses = np.concatenate([_clean(run.get("loss", [])).reshape(-1) for run in runs] or [np.ones(1)])
    curves.update_xaxes(title_text="step")
    curves.update_yaxes(title_text="loss", **_log_axis(all_losses))
    return _style(paths, height, titles[0]), _style(curves, height, titles[1])
