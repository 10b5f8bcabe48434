"""Pieces several viewpoints draw: log and step axes, reference lines, the animation's controls, contours."""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from dashboard.figures.base import DEFAULT_UV, FONT_SIZE, INK, _clean, _compact, _short, _trace
from dashboard.figures.format import sig, tick_label

MODEBAR_PX = 32  # Plotly's mode bar (the toolbar a hover shows) spans the top 28 px of the figure at its right


def below_the_mode_bar(layout: dict, height: int) -> int:
    """Move a legend at the top of the figure down into a band under the mode bar, and the plot with it, the figure
    taller by as much (the plot keeps its size); the new height. A legend's rows reach under the toolbar at the
    right at some page widths (1280 px: the Search slice's two rows, the Loss page's shapes)."""
    legend_top = round((1.0 - layout["legend"]["y"]) * height)
    added = max(MODEBAR_PX - legend_top, 0)
    height += added
    layout["height"] = height
    layout["legend"]["y"] = 1.0 - MODEBAR_PX / height
    layout["margin"]["t"] += added
    return height


def _nice_step(raw: float) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10^k that is >= raw."""
    if not raw > 0 or not math.isfinite(raw):
        return 1.0
    e = math.floor(math.log10(raw))
    return next(m * 10.0**e for m in (1, 2, 2.5, 5, 10) if m * 10.0**e >= raw * (1 - 1e-9))



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
    past 8 decades), with 1-2-5 in between over less than 3.5 decades and 1-2-3-4-5-6-8 within one decade (a
    Mini-batch loss axis from 0.2 to 1.2 had only 0.5 and 1)."""
    span = hi - lo
    if span >= 3.5:
        stride, mantissas = int(np.ceil(span / 8)), [1.0]
    else:
        stride, mantissas = 1, [1.0, 2.0, 5.0] if span >= 1.0 else [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0]
    ticks = np.array([e + np.log10(m) for e in range(int(np.floor(lo)), int(np.ceil(hi)) + 1)
                      if e % stride == 0 for m in mantissas])
    ticks = ticks[(ticks >= lo - 1e-9) & (ticks <= hi + 1e-9)] if ticks.size else ticks
    return ticks if len(ticks) >= 2 else np.linspace(lo, hi, 4)


def _tick_texts(ticks) -> list[str]:
    """Labels of log10 tick positions: tick_label's, or, where two of them would read the same (a narrow range:
    the ticks fall between 1-2-5 marks), as many significant digits as keep them apart."""
    values = 10.0 ** np.asarray(ticks, dtype=float)
    labels = [tick_label(v) for v in values]
    for digits in range(2, 7):
        if len(set(labels)) == len(labels):
            break
        labels = [sig(v, digits) for v in values]
    return labels


def _log_axis(values=None, *, bounds: tuple[float, float] | None = None) -> dict:
    """Log-axis settings with full-size tick labels: over the positive finite values, or bounds (log10 units)."""
    lo, hi = bounds if bounds is not None else _finite_range(values, log=True)
    ticks = _log_ticks(lo, hi)
    return dict(type="log", range=[lo, hi], tickmode="array", tickvals=(10.0**ticks).tolist(),
                ticktext=_tick_texts(ticks))


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
                  # (at the right end: at the left, the Play and Pause buttons cover it in a narrow chart)
                  currentvalue=dict(prefix="step t = ", xanchor="right", font=dict(size=FONT_SIZE + 1, color=INK)),
                  steps=[dict(method="animate", label=s, args=[[s], still]) for s in labels])
    return dict(updatemenus=[buttons], sliders=[slider])


def _step_range(last: float) -> list[float]:
    """x range of a step axis 0..last, padded so marks at 0 and at the end stay clear of the axes."""
    last = max(float(last), 1.0)
    return [-0.02 * last, 1.02 * last]



def _vline(x: float, line: dict, axis: str = "x") -> dict:
    """A vertical line at x across the whole height of the panel with x axis `axis` ('x', 'x2', ...)."""
    return dict(type="line", xref=axis, yref="y" + axis[1:] + " domain", x0=x, x1=x, y0=0, y1=1, line=line)


def _hline(y: float, line: dict, axis: str = "y") -> dict:
    """A horizontal line at y across the whole width of the panel with y axis `axis` ('y', 'y2', ...)."""
    return dict(type="line", xref="x" + axis[1:] + " domain", yref=axis, x0=0, x1=1, y0=y, y1=y, line=line)



def _extent(v) -> list[float]:
    """[min, max] of a grid axis (A,)."""
    v = np.asarray(v, dtype=float)
    return [float(np.nanmin(v)), float(np.nanmax(v))] if np.isfinite(v).any() else [-1.0, 1.0]


def _hover_uv(axis_titles) -> str:
    """'u=%{x:.3g}, v=%{y:.3g}' with the short names of the two landscape axes."""
    u, v = (_short(t) for t in axis_titles)
    return f"{u}=%{{x:.3g}}, {v}=%{{y:.3g}}"


def log_colour(z) -> tuple[np.ndarray, dict]:
    """log₁₀ of the losses z (a loss ≤ 0 takes the smallest positive one's colour) and the colour bar's ticks,
    labelled in real losses: the one log colour scale of the 2-D contours and the 3-D surface."""
    z = np.asarray(z, dtype=float)
    positive = z[z > 0]
    logz = np.log10(np.where(np.isnan(z) | (z > 0), z, positive.min() if positive.size else 1.0))
    lo, hi = _extent(logz)
    ticks = _log_ticks(lo, hi) if hi > lo else np.array([lo])
    return logz, dict(tickmode="array", tickvals=ticks.tolist(), ticktext=_tick_texts(ticks))


def _contour(alphas, betas, values, *, log_color: bool = False, showscale: bool = True,
             colorscale="Viridis", colorbar: dict | None = None, axis_titles=DEFAULT_UV,
             axes: tuple[str, str] = ("x", "y")) -> go.Contour:
    """Filled contour of values (A, B), alpha on x (z = values.T, float32); log_color labels the bar in real
    losses."""
    z = _clean(values).T
    bar = {"title": dict(text="loss"), "thickness": 18, **(colorbar or {})}
    hover = _hover_uv(axis_titles) + "<br>loss=%{z:.4g}<extra></extra>"
    if log_color:
        z, ticks = log_colour(z)
        bar.update(ticks)
        hover = _hover_uv(axis_titles) + "<br>log₁₀ loss=%{z:.3f}<extra></extra>"
    return _trace(go.Contour, x=np.asarray(alphas, dtype=float), y=np.asarray(betas, dtype=float),
                  z=_compact(z), autocontour=False, contours=_contour_levels(z), colorscale=colorscale,
                  showscale=showscale, colorbar=bar, name="loss", hovertemplate=hover,
                  line=dict(width=0.6, color="rgba(255,255,255,0.35)"), xaxis=axes[0], yaxis=axes[1])


def _contour_levels(z, n: int = 25) -> dict:
    """Contour levels at a round step, about n of them between the finite min and max of z, as Plotly's
    autocontour would pick them. Given explicitly: Plotly computes its automatic levels only while it calculates
    a trace and writes them into the trace it was given, but Streamlit hands Plotly.react a copy of the figure
    taken before the first drawing; a layout.datarevision that did not change skips the calculation, so the
    levels were missing and the colour bar was drawn with NaN heights (issue 8.1)."""
    lo, hi = _extent(z)
    if not hi > lo:  # a flat surface: one level at its value
        return dict(start=lo - 0.5, end=lo + 0.5, size=1.0)
    size = _nice_step((hi - lo) / n)
    start, end = math.ceil(lo / size) * size, math.floor(hi / size) * size
    return dict(start=start, end=max(end, start), size=size)

