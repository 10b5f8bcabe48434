"""Plotly figures of the gradient pages (issue 11): numpy arrays in, go.Figure out (no Streamlit here).

Built with the kernel of dashboard.figures.base (its contract: no validation, drawn once, fixed margins) in its
palette and lecture-hall fonts; tests/test_gradient_figures.py rebuilds every figure with validation.
Each function draws what linviz computed; none computes a gradient itself.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from dashboard.figures.base import (
    _CONTROLS_MARGIN,
    _OUTLINE,
    ALERT,
    FONT_SIZE,
    GREY,
    INK,
    PALETTE,
    STAR,
    _axis,
    _clean,
    _figure,
    _layout,
    _panels,
    _trace,
)
from dashboard.figures.format import sig, tick_label
from dashboard.figures.shared import _animation_controls, _finite_range, _hline, _log_axis, _vline

METHOD_COLORS = {"forward": PALETTE[0], "centered": PALETTE[1]}
DTYPE_DASH = {"float64": "solid", "float32": "dash"}
GRADE_COLORS = {"good": PALETTE[2], "acceptable": PALETTE[4], "suspicious": PALETTE[1], "wrong": ALERT}
ERROR_FLOOR = 1e-18  # a relative error of exactly 0 is drawn here on a log axis (its hover says 0)


def _padded(*arrays, pad: float = 0.12) -> list[float]:
    """[lo, hi] of every finite value (and 0), padded."""
    v = np.concatenate([_clean(a).ravel() for a in arrays] + [np.zeros(1)])
    v = v[np.isfinite(v)]
    lo, hi = float(v.min()), float(v.max())
    span = hi - lo if hi > lo else 1.0
    return [lo - pad * span, hi + pad * span]


# ---------------------------------------------------------------- the numerical gradient, one dimension at a time
def walkthrough_figure(names, slopes, analytic, *, current: int | None = None, height: int = 360) -> go.Figure:
    """dW as the walkthrough fills it: slopes (P,) found so far (NaN: not yet, drawn '?'), the analytic gradient
    (P,) as diamonds, the dimension just probed (current) in red."""
    names, slopes, analytic = list(names), _clean(slopes), _clean(analytic)
    found = np.isfinite(slopes)
    lo, hi = _padded(slopes, analytic)
    band = 0.14 * (hi - lo)  # an empty band above the data holds the '?'s: at 0 they sat on diamonds near 0
    colors = [ALERT if i == current else PALETTE[0] for i in range(len(names))]
    traces = [
        _trace(go.Bar, x=names, y=np.where(found, slopes, 0.0), marker=dict(color=colors), name="numerical slope",
               hovertemplate="%{x}: %{y:.6g}<extra>numerical</extra>"),
        _trace(go.Scatter, x=names, y=analytic, mode="markers", name="analytic gradient",
               marker=dict(symbol="diamond", size=14 if len(names) <= 30 else 6, color=INK,
                           line=dict(color="#fff", width=1.5 if len(names) <= 30 else 0.5)),
               hovertemplate="%{x}: %{y:.6g}<extra>analytic</extra>"),
        _trace(go.Scatter, x=[n for n, f in zip(names, found) if not f], y=[hi + band / 2] * int((~found).sum()),
               mode="text", text=["?"] * int((~found).sum()), textfont=dict(size=FONT_SIZE + 6, color=GREY),
               name="not probed yet", showlegend=False, hoverinfo="skip")]
    axes = dict(xaxis=_axis(None, type="category"), yaxis=_axis("∂L/∂θ", range=[lo, hi + band]))
    return _figure(traces, _layout(traces, height, axes=axes, bargap=0.35))


# ---------------------------------------------------------------- the limit h -> 0
def limit_figure(t, loss, *, a: float, loss_a: float, exact: float, secants: dict, active: int,
                 height: int = 520) -> go.Figure:
    """L along one coordinate, t (n,) -> loss (n,), with its tangent at a (slope exact) and one secant per h:
    secants = dict(h, left, right, loss_left, loss_right, slope), each (S,). Frames step through the secants
    (▶ shrinks h); the figure opens at secant `active`."""
    t, loss = np.asarray(t, dtype=float), _clean(loss)
    s = {k: np.asarray(v, dtype=float) for k, v in secants.items()}
    t0, t1 = float(t[0]), float(t[-1])
    lo, hi = _finite_range(loss)  # the secant's line leaves the view rather than squeezing the curve
    yr = [lo - 0.2 * (hi - lo), hi + 0.2 * (hi - lo)]

    def secant_data(i: int) -> list[dict]:
        line = s["loss_left"][i] + s["slope"][i] * (np.array([t0, t1]) - s["left"][i])
        label = f"h = {tick_label(s['h'][i])}:  secant slope {sig(s['slope'][i], 4)},  tangent {sig(exact, 4)}"
        return [dict(type="scatter", x=[t0, t1], y=line.tolist()),
                dict(type="scatter", x=[s["left"][i], s["right"][i]], y=[s["loss_left"][i], s["loss_right"][i]]),
                dict(type="scatter", x=[t0], y=[yr[1]], text=[label])]

    start = secant_data(active)
    traces = [  # the secant under the dashed tangent: where they agree both stay visible
        _trace(go.Scatter, x=t, y=loss, mode="lines", name="L along this coordinate", line=dict(color=INK, width=3),
               hovertemplate="θ = %{x:.4g}: L = %{y:.6g}<extra></extra>"),
        _trace(go.Scatter, **{k: start[0][k] for k in "xy"}, mode="lines", name="secant",
               line=dict(color=PALETTE[1], width=4), hoverinfo="skip"),
        _trace(go.Scatter, x=[t0, t1], y=[loss_a + exact * (t0 - a), loss_a + exact * (t1 - a)], mode="lines",
               name="tangent (analytic slope)", line=dict(color=PALETTE[2], width=3, dash="dash"), hoverinfo="skip"),
        _trace(go.Scatter, **{k: start[1][k] for k in "xy"}, mode="markers", name="the secant's two points",
               showlegend=False, marker=dict(color=PALETTE[1], size=12, line=_OUTLINE), cliponaxis=False,
               hovertemplate="θ = %{x:.6g}: L = %{y:.6g}<extra></extra>"),
        _trace(go.Scatter, x=start[2]["x"], y=start[2]["y"], text=start[2]["text"], mode="text", showlegend=False,
               textposition="bottom right", textfont=dict(size=FONT_SIZE + 1, color=INK), hoverinfo="skip",
               name="slopes"),
        _trace(go.Scatter, x=[a], y=[loss_a], mode="markers", name="a: the current value", showlegend=False,
               marker=dict(symbol="star", size=18, color=STAR, line=dict(color="#000", width=1)),
               hovertemplate="a = %{x:.6g}: L(a) = %{y:.6g}<extra></extra>")]
    labels = [tick_label(h) for h in s["h"]]
    frames = [dict(name=labels[i], traces=[1, 3, 4], data=secant_data(i)) for i in range(len(labels))]
    axes = dict(xaxis=_axis("the coordinate's value θ", range=[t0, t1]), yaxis=_axis("L", range=yr))
    layout = _layout(traces, height, axes=axes, bottom=_CONTROLS_MARGIN)
    plot_px = max(height - layout["margin"]["t"] - _CONTROLS_MARGIN, 100)
    layout.update(_animation_controls(labels, 700, y=-70 / plot_px, active=active))
    slider, play = layout["sliders"][0], layout["updatemenus"][0]["buttons"][0]
    slider.update(x=0.34, len=0.66)  # right of the two (wider) buttons
    slider["currentvalue"]["prefix"] = "h = "
    play.update(label="▶ Shrink h")
    play["args"][1]["fromcurrent"] = False  # always from h = 1 down
    return _figure(traces, layout, frames)


# ---------------------------------------------------------------- the error against h
def error_figure(curves: list[dict], *, current_h: float | None = None, height: int = 520) -> go.Figure:
    """|difference quotient − exact| against h on log-log axes, one curve per dict(label, h, error, method,
    dtype, best_h, best_error, fit_h, fit, slope): the truncation fit (dotted) labelled with its slope, the best h
    (star), the h chosen on the page (grey line). Errors of exactly 0 leave a gap."""
    traces, notes, positive = [], [], []
    for c in curves:
        color, dash = METHOD_COLORS.get(c["method"], INK), DTYPE_DASH.get(c["dtype"], "solid")
        err = _clean(c["error"])
        err[err <= 0] = np.nan
        positive.append(err)
        traces.append(_trace(go.Scatter, x=np.asarray(c["h"], dtype=float), y=err, mode="lines+markers",
                             name=c["label"], line=dict(color=color, width=3, dash=dash), marker=dict(size=5),
                             hovertemplate="h = %{x:.1e}: error %{y:.2e}<extra>" + c["label"] + "</extra>"))
        traces.append(_trace(go.Scatter, x=[c["best_h"]], y=[c["best_error"]], mode="markers", showlegend=False,
                             name=f"best h, {c['label']}", marker=dict(symbol="star", size=18, color=color,
                                                                       line=dict(color="#000", width=1)),
                             hovertemplate="best h = %{x:.1e}: error %{y:.2e}<extra>" + c["label"] + "</extra>"))
        if c.get("fit") is not None and len(c["fit"]) >= 3:
            fit_h, fit = np.asarray(c["fit_h"], dtype=float), np.asarray(c["fit"], dtype=float)
            traces.append(_trace(go.Scatter, x=fit_h, y=fit, mode="lines", showlegend=False, hoverinfo="skip",
                                 name=f"truncation fit, {c['label']}", line=dict(color=GREY, width=2, dash="dot")))
            if c["dtype"] == "float64":
                mid = len(fit) // 2
                notes.append(dict(x=np.log10(fit_h[mid]), y=np.log10(fit[mid]), xref="x", yref="y",
                                  text=f"slope {sig(c['slope'], 2)}", showarrow=True, arrowcolor=color, ax=50, ay=-28,
                                  font=dict(color=color, size=FONT_SIZE), bgcolor="rgba(255,255,255,0.85)"))
    shapes = [] if current_h is None else [_vline(current_h, dict(color=GREY, width=2))]
    if current_h is not None:
        notes.append(dict(x=np.log10(current_h), y=1.0, xref="x", yref="y domain", yanchor="bottom", showarrow=False,
                          text=f"your h = {tick_label(current_h)}", font=dict(color=GREY, size=FONT_SIZE - 1)))
    hs = np.concatenate([np.asarray(c["h"], dtype=float) for c in curves]) if curves else np.array([1e-12, 1.0])
    axes = dict(xaxis=_axis("step size h", **_log_axis(hs)),
                yaxis=_axis("|quotient − exact|", **_log_axis(np.concatenate(positive) if positive else None)))
    return _figure(traces, _layout(traces, height, axes=axes, annotations=notes, shapes=shapes, legend_width=760))


# ---------------------------------------------------------------- the gradient check
MARKERS_FULL_SIZE = 40  # up to this many entries (a 2-D problem's 3 to 30) the check's markers keep their full size
def gradcheck_figure(names, analytic, numerical, error, grade, near_kink, *, height: int = 460) -> go.Figure:
    """Left: the analytic (bars) and numerical (diamonds) gradient (P,) entry by entry. Right: the relative error
    (P,) on a log axis, coloured by grade, entries near a kink ringed; the thresholds between the grades dashed."""
    names = list(names)
    err, grade, kink = _clean(error), np.asarray(grade), np.asarray(near_kink, dtype=bool)
    shown = np.where(err > ERROR_FLOOR, err, ERROR_FLOOR)
    axes, titles = _panels([1, 1], 0.1, ("the gradient: analytic and numerical", "relative error"))
    # markers shrink with many entries (an 8x8 image's 650 get < 1 px each: 13 px diamonds hid every bar)
    scale = min(1.0, (MARKERS_FULL_SIZE / max(len(names), 1)) ** 0.5)
    traces = [
        _trace(go.Bar, x=names, y=_clean(analytic), name="analytic", marker=dict(color=PALETTE[0]),
               hovertemplate="%{x}: %{y:.6g}<extra>analytic</extra>"),
        _trace(go.Scatter, x=names, y=_clean(numerical), mode="markers", name="numerical",
               marker=dict(symbol="diamond", size=max(4.0, 13 * scale), color=INK,
                           line=dict(color="#fff", width=1.5 * scale)),
               hovertemplate="%{x}: %{y:.6g}<extra>numerical</extra>")]
    for g, color in GRADE_COLORS.items():
        pick = grade == g
        if pick.any():
            traces.append(_trace(go.Scatter, x=[n for n, p in zip(names, pick) if p], y=shown[pick], mode="markers",
                                 name=g, xaxis="x2", yaxis="y2", customdata=err[pick],
                                 marker=dict(size=max(5.0, 15 * scale), color=color,
                                             line=dict(color="#000", width=scale)),
                                 hovertemplate="%{x}: %{customdata:.2e}<extra>" + g + "</extra>"))
    if kink.any():
        traces.append(_trace(go.Scatter, x=[n for n, k in zip(names, kink) if k], y=shown[kink], mode="markers",
                             name="near a kink", xaxis="x2", yaxis="y2", hoverinfo="skip",
                             marker=dict(symbol="circle-open", size=28, color=ALERT, line=dict(width=3))))
    shapes = [_hline(v, dict(color=GREY, width=1.5, dash="dash"), "y2") for v in (1e-7, 1e-4, 1e-2)]
    lo = float(np.log10(min(shown.min(), 1e-9))) - 0.5
    axes["xaxis"].update(type="category", categoryorder="array", categoryarray=names)
    axes["xaxis2"].update(type="category", categoryorder="array", categoryarray=names)
    axes["yaxis"].update(_axis("∂L/∂θ", range=_padded(analytic, numerical)))
    axes["yaxis2"].update(_axis(None, **_log_axis(bounds=(lo, 0.5))))
    return _figure(traces, _layout(traces, height, axes=axes, annotations=titles, shapes=shapes, subtitles=True,
                                   bargap=0.35, legend_width=760))


# ---------------------------------------------------------------- the derived update rules
def rule_figure(X, y, *, grid, fit, previous=None, losses=None, step: int = 0, binary: bool = False,
                height: int = 460) -> go.Figure:
    """Left: the data and the unit's output. 1-D: X (N, 1), grid (G,), fit and previous (G,): the fitted line or
    sigmoid curve now and one step before (dashed). 2-D: X (N, 2), grid = (gx (G,), gy (H,)), fit (H, G): the
    output as a contour, the points in the same colours. Right: the loss (T + 1,) per step, step t marked."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    # 2-D: the colour bar and its tick labels sit in the gap, left of the loss panel's tick labels (at 1280 px a
    # gap of 0.1 ran the two into each other: "0.6 4")
    gap = 0.1 if X.shape[1] == 1 else 0.17
    axes, titles = _panels([0.58, 0.42], gap, ("σ(wᵀx) and the data" if binary else "wᵀx and the data",
                                               "loss L = Σᵢ δᵢ² per step"))
    traces = []
    if X.shape[1] == 1:
        traces.append(_trace(go.Scatter, x=X[:, 0], y=y, mode="markers", name="data",
                             marker=dict(size=11, color=PALETTE[0], line=_OUTLINE),
                             hovertemplate="x = %{x:.3g}, y = %{y:.3g}<extra></extra>"))
        if previous is not None:
            traces.append(_trace(go.Scatter, x=grid, y=_clean(previous), mode="lines", name="one step before",
                                 line=dict(color=GREY, width=2, dash="dash"), hoverinfo="skip"))
        traces.append(_trace(go.Scatter, x=grid, y=_clean(fit), mode="lines", name=f"step {step}",
                             line=dict(color=PALETTE[1], width=4), hoverinfo="skip"))
        axes["xaxis"].update(_axis("x", range=[float(np.min(grid)), float(np.max(grid))]))
        axes["yaxis"].update(_axis("y", range=[-0.15, 1.15] if binary else _padded(y, fit, pad=0.08)))
    else:
        gx, gy = (np.asarray(g, dtype=float) for g in grid)
        scale = dict(colorscale="RdBu", cmin=0.0 if binary else float(y.min()), cmax=1.0 if binary else float(y.max()))
        bar = dict(x=axes["xaxis"]["domain"][1] + 0.005, len=0.9, thickness=14, title=dict(text="σ" if binary else "ŷ"))
        traces.append(_trace(go.Contour, x=gx, y=gy, z=_clean(fit), ncontours=20, showscale=True, colorbar=bar,
                             contours=dict(coloring="heatmap"), name="output", zmin=scale["cmin"], zmax=scale["cmax"],
                             colorscale="RdBu", line=dict(width=0.5, color="rgba(255,255,255,0.4)"),
                             hovertemplate="x₁ = %{x:.2f}, x₂ = %{y:.2f}: %{z:.3g}<extra>output</extra>"))
        traces.append(_trace(go.Scatter, x=X[:, 0], y=X[:, 1], mode="markers", name="data (colour = y)",
                             marker=dict(size=12, color=y, line=dict(color="#000", width=1.5), **scale),
                             hovertemplate="x = (%{x:.2f}, %{y:.2f}), y = %{marker.color:.3g}<extra></extra>"))
        axes["xaxis"].update(_axis("x₁", range=[float(gx[0]), float(gx[-1])], showgrid=False))
        axes["yaxis"].update(_axis("x₂", range=[float(gy[0]), float(gy[-1])], showgrid=False))
    loss = _clean([] if losses is None else losses)
    traces.append(_trace(go.Scatter, x=np.arange(len(loss)), y=loss, mode="lines", name="loss", showlegend=False,
                         line=dict(color=INK, width=3), xaxis="x2", yaxis="y2",
                         hovertemplate="step %{x}: L = %{y:.5g}<extra></extra>"))
    if len(loss):
        k = min(step, len(loss) - 1)
        traces.append(_trace(go.Scatter, x=[k], y=[loss[k]], mode="markers", name="step t", showlegend=False,
                             xaxis="x2", yaxis="y2", cliponaxis=False, marker=dict(color=STAR, size=14, line=_OUTLINE)))
    axes["xaxis2"].update(_axis("step", range=[-0.5, max(len(loss) - 1, 1) + 0.5]))
    axes["yaxis2"].update(_axis(None, range=_finite_range(loss) if len(loss) else [0, 1]))
    return _figure(traces, _layout(traces, height, axes=axes, annotations=titles, subtitles=True, legend_width=500))


def sigmoid_figure(z, sigma, sigma_prime, numerical, *, d=None, height: int = 380) -> go.Figure:
    """σ (n,) and σ' = σ(1 − σ) (n,) on z (n,), the centered difference quotient of σ (n,) as rings on σ',
    and the examples' d_i = wᵀx_i (optional) where the rule evaluates σ'."""
    z = np.asarray(z, dtype=float)
    every = max(1, len(z) // 24)
    traces = [
        _trace(go.Scatter, x=z, y=_clean(sigma), mode="lines", name="σ(z)", line=dict(color=PALETTE[0], width=3),
               hovertemplate="z = %{x:.2f}: σ = %{y:.4f}<extra></extra>"),
        _trace(go.Scatter, x=z, y=_clean(sigma_prime), mode="lines", name="σ(z)(1 − σ(z))",
               line=dict(color=PALETTE[1], width=3), hovertemplate="z = %{x:.2f}: σ' = %{y:.5f}<extra></extra>"),
        _trace(go.Scatter, x=z[::every], y=_clean(numerical)[::every], mode="markers", name="numerical σ'",
               marker=dict(symbol="circle-open", size=12, color=INK, line=dict(width=2)),
               hovertemplate="z = %{x:.2f}: (σ(z+h) − σ(z−h))/2h = %{y:.5f}<extra></extra>")]
    if d is not None:
        traces.append(_trace(go.Scatter, x=np.asarray(d, dtype=float), y=np.zeros(len(d)), mode="markers",
                             name="the examples' dᵢ", marker=dict(symbol="line-ns-open", size=16, color=GREY,
                                                                 line=dict(width=2)),
                             hovertemplate="dᵢ = %{x:.3f}<extra></extra>"))
    axes = dict(xaxis=_axis("z", range=[float(z[0]), float(z[-1])]), yaxis=_axis(None, range=[-0.05, 1.05]))
    return _figure(traces, _layout(traces, height, axes=axes, legend_width=700))
