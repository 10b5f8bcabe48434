"""Plotly figures for the dashboard: numpy arrays in, go.Figure out (no Streamlit here).

Conventions: W (C, 2), b (C,), X (N, 2), y (N,) ints, bounds = (xmin, xmax, ymin, ymax);
values[i, j] is the loss at (alphas[i], betas[j]), so contours get z = values.T.
Every figure is styled for a lecture hall: 16 px fonts, thick lines, one colour per class.
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
INK, GREY, ALERT, ACC_COLOR = "#222222", "#777777", "#C00000", "#8C564B"
_OUTLINE = dict(color="#1a1a1a", width=1.2)
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def class_color(k: int) -> str:
    """Hex colour of class k (Okabe-Ito, cycling past 8)."""
    return PALETTE[int(k) % len(PALETTE)]


def region_color(k: int, alpha: float = 0.18) -> str:
    """Light 'rgba(r,g,b,alpha)' fill for class k's decision region."""
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


def _style(fig: go.Figure, height: int, title: str = "", top: int = 70, bottom: int = 60) -> go.Figure:
    """Shared lecture-hall layout: white template, big fonts, legend on top, constant uirevision."""
    fig.update_layout(
        template="plotly_white", height=height, font=dict(size=FONT_SIZE), uirevision=UIREVISION,
        title=dict(text=title, font=dict(size=TITLE_SIZE + 1), x=0.01, xanchor="left") if title else None,
        margin=dict(l=70, r=30, t=top + (30 if title else 0), b=bottom),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0.0, font=dict(size=FONT_SIZE)),
        hoverlabel=dict(font=dict(size=FONT_SIZE - 1)))
    fig.update_xaxes(title_font=dict(size=TITLE_SIZE - 1), linewidth=1.5, linecolor="#444", showline=True)
    fig.update_yaxes(title_font=dict(size=TITLE_SIZE - 1), linewidth=1.5, linecolor="#444", showline=True)
    return fig


def _subplot_title_font(fig: go.Figure) -> None:
    """Subplot titles (the only annotations so far) at title size."""
    fig.update_annotations(font=dict(size=TITLE_SIZE))


# ---------------------------------------------------------------- input-space geometry
def _box(bounds) -> tuple[float, float, float, float]:
    """(xmin, xmax, ymin, ymax) as floats, widened if degenerate."""
    xmin, xmax, ymin, ymax = (float(v) for v in bounds)
    if not xmax > xmin:
        xmin, xmax = xmin - 1.0, xmin + 1.0
    if not ymax > ymin:
        ymin, ymax = ymin - 1.0, ymin + 1.0
    return xmin, xmax, ymin, ymax


def _safe_params(W, b) -> tuple[np.ndarray, np.ndarray]:
    """W (C, 2), b (C,) finite and jointly rescaled to max |entry| <= 1 (same argmax, same lines)."""
    W = np.nan_to_num(np.asarray(W, dtype=float), nan=0.0, posinf=0.0, neginf=0.0).reshape(-1, 2)
    b = np.nan_to_num(np.asarray(b, dtype=float), nan=0.0, posinf=0.0, neginf=0.0).reshape(-1)
    scale = max(np.abs(W).max(initial=0.0), np.abs(b).max(initial=0.0))
    return (W / scale, b / scale) if scale > 1.0 else (W, b)


def _regions(W, b, bounds) -> list[np.ndarray]:
    """Decision regions (V_k, 2), ties to the lowest class (a duplicated class row gets no region)."""
    W, b = _safe_params(W, b)
    polys = decision_regions(W, b, _box(bounds))
    for k in range(len(W)):
        dup = [np.allclose(W[k], W[j], atol=1e-12) and abs(b[k] - b[j]) < 1e-12 for j in range(k)]
        if any(dup):
            polys[k] = np.zeros((0, 2))
    return polys


def _segment(w: np.ndarray, b: float, bounds) -> np.ndarray | None:
    """(2, 2) endpoints of the line w.x + b = 0 clipped to bounds, or None (w ~ 0 or line outside)."""
    norm = float(np.hypot(*w))
    if norm < 1e-9:
        return None
    xmin, xmax, ymin, ymax = _box(bounds)
    p0 = -b * w / norm**2  # the point of the line nearest the origin
    d = np.array([-w[1], w[0]]) / norm
    lo, hi = -np.inf, np.inf
    for p, dk, a, z in ((p0[0], d[0], xmin, xmax), (p0[1], d[1], ymin, ymax)):
        if abs(dk) < 1e-12:
            if not a <= p <= z:
                return None
            continue
        t1, t2 = sorted(((a - p) / dk, (z - p) / dk))
        lo, hi = max(lo, t1), min(hi, t2)
    return None if hi <= lo else np.array([p0 + lo * d, p0 + hi * d])


def _line_xy(W, b, bounds, k: int, placeholder: bool) -> tuple[np.ndarray, np.ndarray]:
    """x, y of class k's boundary line; empty (or a zero-length stub for animation frames) if none."""
    seg = _segment(*(a[k] for a in _safe_params(W, b)), bounds)
    if seg is None:
        xmin, xmax, ymin, ymax = _box(bounds)
        seg = np.full((2, 2), [(xmin + xmax) / 2, (ymin + ymax) / 2]) if placeholder else np.zeros((0, 2))
    return seg[:, 0], seg[:, 1]


def _poly_xy(poly: np.ndarray, bounds, placeholder: bool) -> tuple[np.ndarray, np.ndarray]:
    """x, y of a region polygon; an empty region becomes a zero-area stub in animation frames."""
    if len(poly) == 0 and placeholder:
        xmin, xmax, ymin, ymax = _box(bounds)
        poly = np.full((3, 2), [(xmin + xmax) / 2, (ymin + ymax) / 2])
    return poly[:, 0].astype(float), poly[:, 1].astype(float)


def _geometry_xy(W, b, bounds, placeholder: bool = False) -> list[tuple[np.ndarray, np.ndarray]]:
    """(x, y) of the C region polygons, then of the C boundary lines w_k.x + b_k = 0."""
    regions = _regions(W, b, bounds)
    return ([_poly_xy(poly, bounds, placeholder) for poly in regions]
            + [_line_xy(W, b, bounds, k, placeholder) for k in range(len(regions))])


def _geometry_traces(W, b, bounds, names: list[str], placeholder: bool = False,
                     alpha: float = 0.18) -> list[go.Scatter]:
    """C filled region polygons (no hover), then C dashed boundary lines in the class colours."""
    xy = _geometry_xy(W, b, bounds, placeholder)
    C = len(xy) // 2
    regions = [go.Scatter(x=x, y=y, mode="lines", fill="toself", fillcolor=region_color(k, alpha), line=dict(width=0),
                          hoverinfo="skip", showlegend=False, name=f"region: {names[k]}")
               for k, (x, y) in enumerate(xy[:C])]
    lines = [go.Scatter(x=x, y=y, mode="lines", line=dict(color=class_color(k), width=3, dash="dash"),
                        hoverinfo="skip", showlegend=False, name=f"s{_sub(k)} = 0")
             for k, (x, y) in enumerate(xy[C:])]
    return regions + lines


def _point_traces(X, y, C: int, names: list[str], test: bool = False) -> list[go.Scatter]:
    """One marker trace per class; test points hollow and out of the legend."""
    X = np.asarray(X, dtype=float).reshape(-1, 2)
    y = np.asarray(y, dtype=int).reshape(-1)
    traces = []
    for k in range(C):
        pts = X[y == k]
        symbol = SYMBOLS[k % len(SYMBOLS)] + ("-open" if test else "")
        marker = (dict(color=class_color(k), size=10, symbol=symbol, line=dict(color=class_color(k), width=2.5))
                  if test else dict(color=class_color(k), size=9, symbol=symbol, line=_OUTLINE))
        label = f"{names[k]} (test)" if test else names[k]
        traces.append(go.Scatter(
            x=pts[:, 0], y=pts[:, 1], mode="markers", marker=marker, name=label, legendgroup=f"class{k}",
            showlegend=not test, hovertemplate=f"{label}<br>x₁=%{{x:.2f}}, x₂=%{{y:.2f}}<extra></extra>"))
    return traces


def _normal_annotations(W, b, bounds, xref: str = "x", yref: str = "y") -> list[dict]:
    """Arrow + label per class: w_k from the point of its line nearest the view centre, ~12% of the width."""
    xmin, xmax, ymin, ymax = _box(bounds)
    centre, length = np.array([(xmin + xmax) / 2, (ymin + ymax) / 2]), 0.12 * (xmax - xmin)
    Ws, bs = _safe_params(W, b)
    notes = []
    for k, (w, bk) in enumerate(zip(Ws, bs)):
        seg = _segment(w, bk, bounds)
        if seg is None:
            continue
        d = seg[1] - seg[0]
        t = np.clip(np.dot(centre - seg[0], d) / max(np.dot(d, d), 1e-300), 0.0, 1.0)
        tail = seg[0] + t * d
        unit = w / np.hypot(*w)
        head, label = tail + length * unit, tail + 1.35 * length * unit
        notes.append(dict(x=head[0], y=head[1], ax=tail[0], ay=tail[1], xref=xref, yref=yref, axref=xref,
                          ayref=yref, showarrow=True, arrowhead=2, arrowsize=1.2, arrowwidth=3,
                          arrowcolor=class_color(k), text=""))
        notes.append(dict(x=label[0], y=label[1], xref=xref, yref=yref, showarrow=False, text=f"w{_sub(k)}",
                          font=dict(size=FONT_SIZE + 2, color=class_color(k)), bgcolor="rgba(255,255,255,0.85)",
                          bordercolor=class_color(k), borderwidth=1.5, borderpad=1))
    return notes


def _input_axes(fig: go.Figure, bounds, row=None, col=None, anchor: str = "y") -> None:
    """Fix the input-space axes to bounds with equal aspect; titles x₁, x₂."""
    xmin, xmax, ymin, ymax = _box(bounds)
    fig.update_xaxes(range=[xmin, xmax], title_text="x₁", constrain="domain", scaleanchor=anchor,
                     scaleratio=1, zeroline=False, row=row, col=col)
    fig.update_yaxes(range=[ymin, ymax], title_text="x₂", constrain="domain", zeroline=False, row=row, col=col)


def _score_heatmap(W, b, bounds, k: int) -> go.Heatmap:
    """Class k's score s_k(x) on a 60x60 grid, diverging colours centred at 0."""
    grid = decision_grid(np.nan_to_num(np.asarray(W, dtype=float)), np.nan_to_num(np.asarray(b, dtype=float)),
                         _box(bounds), 60)
    scale = [[0.0, "#4D4D4D"], [0.5, "#FFFFFF"], [1.0, class_color(k)]]  # negative grey, positive class colour
    return go.Heatmap(x=grid.xs, y=grid.ys, z=grid.scores[:, :, k], colorscale=scale, zmid=0.0, opacity=0.7,
                      colorbar=dict(title=dict(text=f"s{_sub(k)}"), thickness=18), name=f"s{_sub(k)}(x)",
                      hovertemplate=f"s{_sub(k)} = %{{z:.2f}}<extra></extra>")


def classifier_figure(X, y, W, b, bounds, *, X_test=None, y_test=None, selected: int | None = None,
                      class_names=None, show_normals: bool = True, score_class: int | None = None,
                      height: int = 600, title: str = "") -> go.Figure:
    """Geometric viewpoint: regions, boundary lines, normals w_k, points (X (N, 2), W (C, 2)) in bounds."""
    C = len(np.asarray(b).reshape(-1))
    names = _names(class_names, C)
    fig = go.Figure()
    show_score = isinstance(score_class, (int, np.integer)) and 0 <= score_class < C
    if show_score:
        fig.add_trace(_score_heatmap(W, b, bounds, int(score_class)))
    fig.add_traces(_geometry_traces(W, b, bounds, names, alpha=0.08 if show_score else 0.18))
    fig.add_traces(_point_traces(X, y, C, names))
    if X_test is not None and y_test is not None and len(np.asarray(y_test).reshape(-1)) > 0:
        fig.add_traces(_point_traces(X_test, y_test, C, names, test=True))
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name="test (hollow)",
                                 marker=dict(symbol="circle-open", size=10, color=GREY, line=dict(width=2.5))))
    X = np.asarray(X, dtype=float).reshape(-1, 2)
    if selected is not None and 0 <= int(selected) < len(X):
        p = X[int(selected)]
        fig.add_trace(go.Scatter(x=[p[0]], y=[p[1]], mode="markers", name="selected",
                                 marker=dict(symbol="circle-open", size=26, color=INK, line=dict(width=3.5)),
                                 hovertemplate="selected example<extra></extra>"))
    if show_normals:
        for note in _normal_annotations(W, b, bounds):
            fig.add_annotation(**note)
    _style(fig, height, title)
    _input_axes(fig, bounds)
    return fig


# ---------------------------------------------------------------- animation of training
def _animation_controls(labels: list[str], frame_ms: int) -> dict:
    """Play/Pause buttons and a 'step t' slider over frames named by labels, starting at the last."""
    still = {"frame": {"duration": 0, "redraw": False}, "mode": "immediate", "transition": {"duration": 0}}
    play = [None, {"frame": {"duration": int(frame_ms), "redraw": False}, "fromcurrent": True,
                   "transition": {"duration": 0}, "mode": "immediate"}]
    pause = [[None], {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}]
    buttons = dict(type="buttons", direction="left", x=0.0, y=-0.1, xanchor="left", yanchor="top",
                   showactive=False, pad=dict(t=10, r=10), font=dict(size=FONT_SIZE),
                   buttons=[dict(label="▶ Play", method="animate", args=play),
                            dict(label="❚❚ Pause", method="animate", args=pause)])
    slider = dict(active=len(labels) - 1, x=0.2, len=0.8, y=-0.1, xanchor="left", yanchor="top",
                  pad=dict(t=10), ticklen=0, minorticklen=0, font=dict(size=1, color="rgba(0,0,0,0)"),
                  currentvalue=dict(prefix="step t = ", font=dict(size=FONT_SIZE + 1, color=INK)),
                  steps=[dict(method="animate", label=s, args=[[s], still]) for s in labels])
    return dict(updatemenus=[buttons], sliders=[slider])


def _finite_range(values, log: bool = False) -> list[float]:
    """A padded [lo, hi] over the finite (and, for log axes, positive) values, log10 for log axes."""
    v = np.asarray(values, dtype=float).ravel()
    v = v[np.isfinite(v) & ((v > 0) if log else True)]
    if v.size == 0:
        return [-1.0, 1.0] if log else [0.0, 1.0]
    lo, hi = (np.log10(v.min()), np.log10(v.max())) if log else (v.min(), v.max())
    pad = 0.06 * (hi - lo) if hi > lo else 0.5
    return [float(lo - pad), float(hi + pad)]


def _log_axis(values) -> dict:
    """Log-axis settings with full-size labels at 1-2-5 or decade ticks over the positive finite values."""
    lo, hi = _finite_range(values, log=True)
    ticks = _log_ticks(lo, hi)
    return dict(type="log", range=[lo, hi], tickvals=10.0 ** ticks, ticktext=[f"{10 ** t:.3g}" for t in ticks])


def classifier_animation(X, y, Ws, bs, bounds, steps, *, losses, accuracies, class_names=None,
                         test_losses=None, height: int = 560, frame_ms: int = 50,
                         log_y: bool = False) -> go.Figure:
    """Client-side playback: Ws (F, C, 2), bs (F, C) at steps (F,); losses, accuracies (T+1,)."""
    if len(steps) == 0:
        return _style(go.Figure(layout=dict(annotations=[dict(text="no training steps to show", showarrow=False)])),
                      height)
    Ws = np.asarray(Ws, dtype=float).reshape(len(steps), -1, 2)
    bs = np.asarray(bs, dtype=float).reshape(len(Ws), -1)
    C, names = bs.shape[1], _names(class_names, bs.shape[1])
    losses, accuracies = np.asarray(losses, dtype=float), np.asarray(accuracies, dtype=float)
    steps = np.clip(np.asarray(steps, dtype=int), 0, max(len(losses) - 1, 0))
    fig = make_subplots(rows=1, cols=2, column_widths=[0.58, 0.42], horizontal_spacing=0.1,
                        specs=[[{}, {"secondary_y": True}]], subplot_titles=("decision regions", "loss and accuracy"))
    _subplot_title_font(fig)
    fig.add_traces(_geometry_traces(Ws[-1], bs[-1], bounds, names, placeholder=True), rows=1, cols=1)
    fig.add_traces(_point_traces(X, y, C, names), rows=1, cols=1)
    t_all = np.arange(len(losses))
    fig.add_trace(go.Scatter(x=t_all, y=losses, mode="lines", name="train loss", line=dict(color=INK, width=3)),
                  row=1, col=2)
    if test_losses is not None:
        fig.add_trace(go.Scatter(x=np.arange(len(test_losses)), y=np.asarray(test_losses, dtype=float),
                                 mode="lines", name="test loss", line=dict(color=GREY, width=3, dash="dash")),
                      row=1, col=2)
    fig.add_trace(go.Scatter(x=t_all, y=accuracies, mode="lines", name="accuracy",
                             line=dict(color=ACC_COLOR, width=3, dash="dot")), row=1, col=2, secondary_y=True)
    moving = list(range(2 * C)) + [len(fig.data), len(fig.data) + 1]
    xmin, xmax, ymin, ymax = _box(bounds)
    digits = max(0, 5 - int(np.floor(np.log10(max(xmax - xmin, ymax - ymin)))))

    def frame_data(f: int) -> list[dict]:
        """Moving traces at frame f as small dicts (rounded lists are smaller than base64 for a few points)."""
        t = int(steps[f])
        data = [dict(type="scatter", x=np.round(x, digits).tolist(), y=np.round(y, digits).tolist())
                for x, y in _geometry_xy(Ws[f], bs[f], bounds, placeholder=True)]
        loss_t = float(losses[t]) if t < len(losses) and np.isfinite(losses[t]) else None
        acc_t = float(accuracies[t]) if t < len(accuracies) and np.isfinite(accuracies[t]) else None
        return data + [dict(type="scatter", x=[t], y=[loss_t]), dict(type="scatter", x=[t], y=[acc_t])]

    last = frame_data(len(steps) - 1)[-2:]
    fig.add_trace(go.Scatter(last[0], mode="markers", showlegend=False, name="loss at t", cliponaxis=False,
                             marker=dict(color=ALERT, size=14, line=_OUTLINE)), row=1, col=2)
    fig.add_trace(go.Scatter(last[1], mode="markers", showlegend=False, name="accuracy at t", cliponaxis=False,
                             marker=dict(color=ACC_COLOR, size=12, line=_OUTLINE)), row=1, col=2, secondary_y=True)
    labels = [str(int(t)) for t in steps]
    fig.frames = [dict(name=labels[f], traces=moving, data=frame_data(f)) for f in range(len(steps))]
    _style(fig, height, top=100, bottom=130)
    fig.update_layout(**_animation_controls(labels, frame_ms),
                      legend=dict(y=1.1, font=dict(size=FONT_SIZE - 1)))
    _input_axes(fig, bounds, row=1, col=1)
    fig.update_xaxes(title_text="step", range=[0, max(len(losses) - 1, 1)], row=1, col=2)
    all_losses = np.r_[losses, test_losses if test_losses is not None else []]
    loss_axis = _log_axis(all_losses) if log_y else dict(type="linear", range=_finite_range(all_losses))
    fig.update_yaxes(title_text="loss", row=1, col=2, secondary_y=False, **loss_axis)
    fig.update_yaxes(title_text="accuracy", range=[0, 1.05], tickformat=".0%", tickmode="auto", showgrid=False,
                     row=1, col=2, secondary_y=True)
    return fig


# ---------------------------------------------------------------- curves and templates
def loss_curves_figure(loss, accuracy, *, test_loss=None, test_accuracy=None, current: int | None = None,
                       diverged_at: int | None = None, lr: float | None = None, height: int = 380,
                       log_y: bool = False) -> go.Figure:
    """Loss (T+1,) and accuracy (T+1,) per step side by side, train solid and test dashed."""
    loss_title = "loss" if lr is None else f"loss (learning rate {lr:g})"
    fig = make_subplots(rows=1, cols=2, subplot_titles=(loss_title, "accuracy"), horizontal_spacing=0.1)
    _subplot_title_font(fig)
    series = [(loss, "train", 1), (test_loss, "test", 1), (accuracy, "train", 2), (test_accuracy, "test", 2)]
    n, shown = 1, set()
    for values, name, col in series:
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
        fig.add_annotation(x=diverged_at, y=0.97, xref="x", yref="y domain", text=f"diverged at step {diverged_at}",
                           showarrow=False, xanchor="right", font=dict(color=ALERT, size=FONT_SIZE),
                           bgcolor="rgba(255,255,255,0.85)")
    x_hi = max(n - 1, current or 0, diverged_at or 0, 1)
    _style(fig, height, top=70)
    fig.update_xaxes(title_text="step", range=[0, x_hi])
    losses = np.r_[_clean(loss).reshape(-1), [] if test_loss is None else _clean(test_loss).reshape(-1)]
    fig.update_yaxes(row=1, col=1, **(_log_axis(losses) if log_y else dict(type="linear")))
    fig.update_yaxes(range=[0, 1.03], tickformat=".0%", row=1, col=2)
    fig.update_layout(legend=dict(y=1.1))
    return fig


def _score_axis_range(scores: np.ndarray, text_share: float = 0.4) -> list[float]:
    """x range for score bars leaving text_share of the width for outside labels on each side with bars."""
    lo, hi = min(0.0, float(scores.min())), max(0.0, float(scores.max()))
    span = max(hi - lo, 1e-9)
    sides = (lo < 0) + (hi > 0)
    total = span / max(1.0 - sides * text_share, 0.2)
    pad = 0.04 * span
    return [lo - (text_share * total if lo < 0 else pad), hi + (text_share * total if hi > 0 else pad)]


def templates_figure(W, b, x, *, class_names=None, height: int = 380) -> go.Figure:
    """Visual viewpoint: templates w_k (C, 2) as arrows with the point x (2,), and bars s_k = w_k.x + b_k."""
    W = np.nan_to_num(np.asarray(W, dtype=float)).reshape(-1, 2)
    b = np.nan_to_num(np.asarray(b, dtype=float)).reshape(-1)
    x = np.nan_to_num(np.asarray(x, dtype=float)).reshape(2)
    C, names = len(b), _names(class_names, len(b))
    scores = W @ x + b
    win = int(np.argmax(scores))
    fig = make_subplots(rows=1, cols=2, column_widths=[0.4, 0.6], horizontal_spacing=0.14,
                        subplot_titles=("templates wₖ and the point x", "scores sₖ = wₖ·x + bₖ"))
    _subplot_title_font(fig)
    for k in range(C):
        fig.add_trace(go.Scatter(
            x=[0.0, W[k, 0]], y=[0.0, W[k, 1]], mode="lines+markers+text", name=names[k], showlegend=False,
            line=dict(color=class_color(k), width=4), text=["", f"w{_sub(k)}"], textposition="top center",
            textfont=dict(color=class_color(k), size=FONT_SIZE + 1), cliponaxis=False,
            marker=dict(symbol=["circle", "arrow"], angleref="previous", size=[0, 18], color=class_color(k)),
            hovertemplate=f"w{_sub(k)} = (%{{x:.2f}}, %{{y:.2f}})<extra>{names[k]}</extra>"), row=1, col=1)
    fig.add_trace(go.Scatter(x=[x[0]], y=[x[1]], mode="markers+text", name="x", text=["x"], showlegend=False,
                             textposition="bottom center", marker=dict(symbol="star", size=20, color=INK),
                             cliponaxis=False), row=1, col=1)
    texts = [f"w{_sub(k)}·x + b{_sub(k)} = {s:.2f}" + ("<br><b>← predicted</b>" if k == win else "")
             for k, s in enumerate(scores)]
    fig.add_trace(go.Bar(
        x=scores, y=names, orientation="h", text=texts, textposition="outside", cliponaxis=False, showlegend=False,
        textfont=dict(size=FONT_SIZE), name="scores", hovertemplate="%{y}: %{x:.3f}<extra></extra>",
        marker=dict(color=[class_color(k) for k in range(C)],
                    line=dict(color=[INK if k == win else class_color(k) for k in range(C)],
                              width=[4 if k == win else 0 for k in range(C)]))), row=1, col=2)
    reach = 1.3 * max(np.abs(W).max(initial=0.0), np.abs(x).max(initial=0.0), 1e-6)
    _style(fig, height, top=60)
    fig.update_xaxes(range=[-reach, reach], scaleanchor="y", scaleratio=1, constrain="domain", title_text="x₁",
                     row=1, col=1)
    fig.update_yaxes(range=[-reach, reach], constrain="domain", title_text="x₂", row=1, col=1)
    fig.update_xaxes(range=_score_axis_range(scores), zeroline=True, zerolinewidth=2, zerolinecolor="#444",
                     title_text="score", row=1, col=2)
    fig.update_yaxes(autorange="reversed", row=1, col=2)
    return fig


# ---------------------------------------------------------------- loss landscapes
def _clean(values) -> np.ndarray:
    """Float copy with non-finite entries as NaN (gaps)."""
    v = np.array(values, dtype=float)
    v[~np.isfinite(v)] = np.nan
    return v


def _log_ticks(lo: float, hi: float) -> np.ndarray:
    """Tick positions in log10 units: decades, or 1-2-5 steps over short spans."""
    mantissas = [1.0] if hi - lo >= 3 else [1.0, 2.0, 5.0]
    ticks = np.array([np.log10(m) + e for e in range(int(np.floor(lo)), int(np.ceil(hi)) + 1) for m in mantissas])
    ticks = ticks[(ticks >= lo - 1e-9) & (ticks <= hi + 1e-9)]
    return ticks if len(ticks) >= 2 else np.linspace(lo, hi, 4)


def _contour(alphas, betas, values, *, log_color: bool = False, showscale: bool = True,
             colorscale="Viridis", colorbar: dict | None = None, opacity: float = 1.0) -> go.Contour:
    """Filled contour of values (A, B) with alpha on x: z = values.T; log_color shows real losses on the bar."""
    z = _clean(values).T
    bar = {"title": dict(text="loss"), "thickness": 18, **(colorbar or {})}
    hover = "α=%{x:.3g}, β=%{y:.3g}<br>loss=%{z:.4g}<extra></extra>"
    if log_color:
        positive = z[z > 0]
        floor = positive.min() if positive.size else 1.0
        z = np.log10(np.where(z > 0, z, floor))
        finite = z[np.isfinite(z)]
        ticks = _log_ticks(finite.min(), finite.max()) if finite.size else np.array([0.0])
        bar.update(tickvals=ticks, ticktext=[f"{10 ** t:.3g}" for t in ticks])
        hover = "α=%{x:.3g}, β=%{y:.3g}<br>log₁₀ loss=%{z:.3f}<extra></extra>"
    return go.Contour(x=np.asarray(alphas, dtype=float), y=np.asarray(betas, dtype=float), z=z, ncontours=25,
                      colorscale=colorscale, showscale=showscale, colorbar=bar, opacity=opacity, name="loss",
                      line=dict(width=0.6, color="rgba(255,255,255,0.35)"), hovertemplate=hover)


def _trajectory_traces(trajectory, current, showlegend: bool = True) -> list[go.Scatter]:
    """Path (T, 2) as a white line on a black halo, a start circle, and the current point (2,) as a red star."""
    traces = []
    if trajectory is not None and len(np.asarray(trajectory).reshape(-1, 2)):
        path = _clean(trajectory).reshape(-1, 2)
        traces += [
            go.Scatter(x=path[:, 0], y=path[:, 1], mode="lines", line=dict(color="#000000", width=6),
                       hoverinfo="skip", showlegend=showlegend, legendgroup="path", name="trajectory"),
            go.Scatter(x=path[:, 0], y=path[:, 1], mode="lines+markers", name="trajectory", legendgroup="path",
                       line=dict(color="#FFFFFF", width=3), showlegend=False,
                       marker=dict(size=5, color="#FFFFFF", line=dict(color="#000000", width=1)),
                       hovertemplate="α=%{x:.3g}, β=%{y:.3g}<extra>step %{pointNumber}</extra>"),
            go.Scatter(x=path[:1, 0], y=path[:1, 1], mode="markers", name="start", showlegend=showlegend,
                       legendgroup="start", marker=dict(symbol="circle", size=14, color="#FFFFFF",
                                                        line=dict(color="#000000", width=2.5)))]
    if current is not None:
        c = _clean(current).reshape(2)
        traces.append(go.Scatter(x=[c[0]], y=[c[1]], mode="markers", name="current", showlegend=showlegend,
                                 legendgroup="current",
                                 marker=dict(symbol="star", size=24, color="#E41A1C", line=dict(color="#000", width=1.5))))
    return traces


def _extent(v) -> list[float]:
    """[min, max] of a grid axis."""
    v = np.asarray(v, dtype=float)
    return [float(np.nanmin(v)), float(np.nanmax(v))] if v.size else [-1.0, 1.0]


def landscape_figure(alphas, betas, values, *, title: str = "", trajectory=None, current=None,
                     axis_titles=("α", "β"), height: int = 520, showscale: bool = True, log_color: bool = False,
                     colorscale="Viridis") -> go.Figure:
    """Contour of values (A, B) over alphas (A,) x betas (B,), with an optional path (T, 2) and current (2,)."""
    fig = go.Figure(_contour(alphas, betas, values, log_color=log_color, showscale=showscale, colorscale=colorscale))
    fig.add_traces(_trajectory_traces(trajectory, current))
    _style(fig, height, title)
    fig.update_xaxes(range=_extent(alphas), title_text=axis_titles[0], showgrid=False)
    fig.update_yaxes(range=_extent(betas), title_text=axis_titles[1], showgrid=False)
    return fig


def landscape_pair_figure(panels: dict, *, trajectory=None, current=None, height: int = 520,
                          log_color: bool = False, axis_titles=("α", "β")) -> go.Figure:
    """Side-by-side contours {title: (alphas (A,), betas (B,), values (A, B))} sharing one path overlay."""
    if not panels:
        fig = go.Figure()
        fig.add_annotation(text="no landscape to show", showarrow=False, font=dict(size=TITLE_SIZE))
        return _style(fig, height)
    n = len(panels)
    gap = 0.16 if n > 1 else 0.0
    fig = make_subplots(rows=1, cols=n, subplot_titles=list(panels), horizontal_spacing=gap)
    _subplot_title_font(fig)
    for i, (alphas, betas, values) in enumerate(panels.values(), start=1):
        domain = fig.layout[f"xaxis{i if i > 1 else ''}"].domain
        bar = dict(x=domain[1] + 0.01, len=0.85, y=0.46, thickness=14)
        fig.add_trace(_contour(alphas, betas, values, log_color=log_color, colorbar=bar), row=1, col=i)
        fig.add_traces(_trajectory_traces(trajectory, current, showlegend=i == 1), rows=1, cols=i)
        fig.update_xaxes(range=_extent(alphas), title_text=axis_titles[0], showgrid=False, row=1, col=i)
        fig.update_yaxes(range=_extent(betas), title_text=axis_titles[1], showgrid=False, row=1, col=i)
    _style(fig, height, top=90)
    fig.update_layout(legend=dict(y=1.1))
    return fig


def _grid_interp(alphas, betas, values, coords) -> np.ndarray:
    """Bilinear interpolation of values (A, B) at coords (T, 2); NaN outside the grid."""
    a, bt, v = np.asarray(alphas, float), np.asarray(betas, float), _clean(values)
    out = np.full(len(coords), np.nan)
    if len(a) < 2 or len(bt) < 2:
        return out
    for n, (p, q) in enumerate(coords):
        if not (a[0] <= p <= a[-1] and bt[0] <= q <= bt[-1]):
            continue
        i, j = min(np.searchsorted(a, p, "right") - 1, len(a) - 2), min(np.searchsorted(bt, q, "right") - 1, len(bt) - 2)
        s, t = (p - a[i]) / (a[i + 1] - a[i]), (q - bt[j]) / (bt[j + 1] - bt[j])
        out[n] = (v[i, j] * (1 - s) * (1 - t) + v[i + 1, j] * s * (1 - t) + v[i, j + 1] * (1 - s) * t
                  + v[i + 1, j + 1] * s * t)
    return out


def surface3d_figure(alphas, betas, values, *, trajectory=None, trajectory_loss=None, title: str = "",
                     height: int = 560) -> go.Figure:
    """3-D surface of values (A, B) (z = values.T) with an optional path (T, 2) at heights (T,)."""
    z = _clean(values)
    fig = go.Figure(go.Surface(x=np.asarray(alphas, float), y=np.asarray(betas, float), z=z.T, colorscale="Viridis",
                               colorbar=dict(title=dict(text="loss"), thickness=18), name="loss",
                               hovertemplate="α=%{x:.3g}, β=%{y:.3g}<br>loss=%{z:.4g}<extra></extra>"))
    if trajectory is not None and len(np.asarray(trajectory).reshape(-1, 2)):
        path = _clean(trajectory).reshape(-1, 2)
        h = (_grid_interp(alphas, betas, z, path) if trajectory_loss is None
             else _clean(trajectory_loss).reshape(-1)[: len(path)])
        path = path[: len(h)]
        lift = 0.01 * (np.nanmax(z) - np.nanmin(z)) if np.isfinite(z).any() else 0.0
        fig.add_trace(go.Scatter3d(x=path[:, 0], y=path[:, 1], z=h + lift, mode="lines+markers", name="trajectory",
                                   line=dict(color="#E41A1C", width=7), marker=dict(size=3, color="#E41A1C")))
    _style(fig, height, title)
    axis = dict(title=dict(font=dict(size=TITLE_SIZE - 1)), tickfont=dict(size=14))
    fig.update_layout(scene=dict(xaxis=dict(axis, title_text="α"), yaxis=dict(axis, title_text="β"),
                                 zaxis=dict(axis, title_text="loss"), aspectmode="cube",
                                 camera=dict(eye=dict(x=1.5, y=-1.5, z=1.0))),
                      margin=dict(l=10, r=10, b=10, t=50 if title else 20))
    return fig


# ---------------------------------------------------------------- learning-rate comparison
def _clip_path(coords, box) -> tuple[np.ndarray, np.ndarray | None]:
    """The path (T, 2) up to where it first leaves box = (xmin, xmax, ymin, ymax), and that exit point."""
    p = np.asarray(coords, dtype=float).reshape(-1, 2)
    xmin, xmax, ymin, ymax = box
    inside = np.isfinite(p).all(axis=1) & (p[:, 0] >= xmin) & (p[:, 0] <= xmax) & (p[:, 1] >= ymin) & (p[:, 1] <= ymax)
    if inside.all() or not inside[0]:
        return (p, None) if inside.all() else (p[:0], None)
    i = int(np.argmin(inside))
    a, q = p[i - 1], p[i]
    t = 1.0
    if np.isfinite(q).all():
        for k, (lo, hi) in enumerate(((xmin, xmax), (ymin, ymax))):
            d = q[k] - a[k]
            if abs(d) > 0:
                t = min(t, max((lo - a[k]) / d, (hi - a[k]) / d))
    exit_point = a + max(t, 0.0) * (q - a) if np.isfinite(q).all() else a
    return np.vstack([p[:i], exit_point]), exit_point


def _run_label(run: dict) -> str:
    """Run label plus '(diverged at step N)' when it diverged."""
    d = run.get("diverged_at")
    return str(run.get("label", "run")) + ("" if d is None else f" (diverged at step {d})")


def lr_comparison_figures(alphas, betas, values, runs: list[dict], *, height: int = 480,
                          log_color: bool = True) -> tuple[go.Figure, go.Figure]:
    """Paths of several runs {'label', 'coords' (T_k, 2), 'loss' (T_k,), 'diverged_at'} on one landscape,
    and their loss curves (log y)."""
    box = (*_extent(alphas), *_extent(betas))
    greys = [[0.0, "#FFFFFF"], [1.0, "#8C8C8C"]]
    path_fig = landscape_figure(alphas, betas, values, height=height, log_color=log_color, colorscale=greys,
                                title="paths on the loss landscape")
    curve_fig = _style(go.Figure(), height, "loss per step")
    for r, run in enumerate(runs):
        color, label = RUN_COLORS[r % len(RUN_COLORS)], _run_label(run)
        path, exit_point = _clip_path(run.get("coords", np.zeros((0, 2))), box)
        path_fig.add_trace(go.Scatter(x=path[:, 0], y=path[:, 1], mode="lines+markers", name=label,
                                      legendgroup=f"run{r}", line=dict(color=color, width=3.5),
                                      marker=dict(size=5, color=color)))
        if exit_point is not None:
            path_fig.add_trace(go.Scatter(x=[exit_point[0]], y=[exit_point[1]], mode="markers", showlegend=False,
                                          legendgroup=f"run{r}", name=f"{label}: leaves the view",
                                          cliponaxis=False, marker=dict(symbol="x", size=18, color=color,
                                                                        line=dict(color="#FFF", width=1))))
        loss = _clean(run.get("loss", [])).reshape(-1)
        loss[loss <= 0] = np.nan  # a log axis cannot show them
        curve_fig.add_trace(go.Scatter(x=np.arange(len(loss)), y=loss, mode="lines", name=label,
                                       legendgroup=f"run{r}", line=dict(color=color, width=3)))
        ok = np.flatnonzero(np.isfinite(loss))
        if run.get("diverged_at") is not None and ok.size:
            curve_fig.add_trace(go.Scatter(x=[ok[-1]], y=[loss[ok[-1]]], mode="markers", showlegend=False,
                                           legendgroup=f"run{r}", name=f"{label}: diverged",
                                           marker=dict(symbol="x", size=18, color=color)))
    curve_fig.update_xaxes(title_text="step")
    all_losses = np.concatenate([_clean(run.get("loss", [])).reshape(-1) for run in runs] or [np.ones(1)])
    curve_fig.update_yaxes(title_text="loss", **_log_axis(all_losses))
    return path_fig, curve_fig
