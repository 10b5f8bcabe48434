"""The Images page's geometric view: images projected onto a plane of image space, with the classifier restricted
to that plane (again a linear classifier, in 2-D), drawn exactly: its regions, its lines w'_k·z + b'_k = 0, and
the images as points, readable with ten classes and ~1,800 images (pure: arrays in, go.Figure out)."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from dashboard.figures.base import FONT_SIZE, INK, _axis, _figure, _layout, _sub, _trace
from dashboard.figures.input_space import _geometry_traces, _point_traces

# the shared palette has 8 colours and 8 markers: the digits 8 and 9 get their own (Paul Tol's wine and olive)
EXTRA = {8: ("#882255", "hexagram"), 9: ("#999933", "star-square")}


def _own_colours(traces, names: list[str]) -> None:
    """Give the classes past the palette (k >= 8) their own colour and marker in place of the repeated ones."""
    for k, (colour, symbol) in EXTRA.items():
        if k >= len(names):
            continue
        for t in traces:
            if t.name == f"region: {names[k]}":
                t.fillcolor = "rgba({},{},{},0.18)".format(*(int(colour[i:i + 2], 16) for i in (1, 3, 5)))
            elif t.name == f"s{_sub(k)} = 0":
                t.line.color = colour
            elif t.name in (names[k], f"{names[k]} (test)"):
                t.marker.color = colour
                t.marker.symbol = symbol + ("-open" if t.name.endswith("(test)") else "")


CROWDED = 300  # images on the plane from which markers shrink and fade (ten digits: ~1,800 points in one cloud)


def _uncrowd(traces, n_points: int, C: int) -> None:
    """Many images on the plane: small, half-transparent markers with a thin outline, so that the clouds show where
    they overlap instead of one black mass, and with many classes thinner lines s_k = 0 (ten dashed 3 px lines hid
    the regions)."""
    for t in traces:
        if t.mode == "markers" and t.name != "selected image" and n_points >= CROWDED:
            test = t.name.endswith("(test)")
            t.marker.update(size=6 if test else 5, opacity=0.75 if test else 0.5,
                            line=dict(width=1.2 if test else 0.4))
        elif t.mode == "lines" and t.name.endswith("= 0") and C >= 6:
            t.line.width = 1.5


def _class_labels(Z: np.ndarray, y: np.ndarray, names: list[str], traces) -> go.Scatter:
    """Each class's name at the mean of its training images on the plane, in its colour on a white disc: which
    cloud is which, without looking the marker up in the legend."""
    colours = {t.name: t.marker.color for t in traces if t.mode == "markers"}
    present = [k for k in range(len(names)) if np.any(y == k)]
    centres = np.array([Z[y == k].mean(axis=0) for k in present]).reshape(-1, 2)
    return _trace(go.Scatter, x=centres[:, 0], y=centres[:, 1], mode="markers+text", name="class means",
                  text=[names[k] for k in present], textfont=dict(size=FONT_SIZE, color=[colours[names[k]]
                                                                                         for k in present]),
                  marker=dict(size=24, color="rgba(255,255,255,0.85)",
                              line=dict(width=2.5, color=[colours[names[k]] for k in present])),
                  showlegend=False, hovertemplate="mean of the %{text} images<extra></extra>")


def plane_figure(Z_train: np.ndarray, y_train: np.ndarray, Z_test: np.ndarray, y_test: np.ndarray, W2: np.ndarray,
                 b2: np.ndarray, names: list[str], axis_titles: tuple[str, str],
                 selected: np.ndarray | None = None, height: int = 520) -> go.Figure:
    """Images projected onto a plane of image space, coordinates Z (N, 2), with the classifier restricted to the
    plane, W2 (C, 2) and b2 (C,): its regions and lines w'_k·z + b'_k = 0, exact for the images on the plane."""
    Z = np.concatenate([Z_train, Z_test]) if len(Z_test) else Z_train
    lo, hi = Z.min(axis=0), Z.max(axis=0)
    pad = 0.08 * max(float((hi - lo).max()), 1e-9)
    bounds = (lo[0] - pad, hi[0] + pad, lo[1] - pad, hi[1] + pad)
    C = len(b2)
    traces = _geometry_traces(W2, b2, bounds, names) + _point_traces(Z_train, y_train, C, names)
    if len(Z_test):
        traces += _point_traces(Z_test, y_test, C, names, test=True)
    _own_colours(traces, names)
    _uncrowd(traces, len(Z), C)
    if len(Z) >= CROWDED:
        traces.append(_class_labels(Z_train, y_train, names, traces))
    if selected is not None:
        traces.append(_trace(go.Scatter, x=[selected[0]], y=[selected[1]], mode="markers", name="selected image",
                             marker=dict(symbol="star", size=20, color="#FFD700", line=dict(color=INK, width=2)),
                             hovertemplate="the selected test image<extra></extra>"))
    axes = dict(xaxis=_axis(axis_titles[0], range=list(bounds[:2]), constrain="domain"),
                yaxis=_axis(axis_titles[1], range=list(bounds[2:]), scaleanchor="x", constrain="domain"))
    layout = _layout(traces, height, axes=axes)
    layout["margin"]["t"] += 10  # (the legend's row of markers is taller than _layout's estimate for text)
    if len(Z) >= CROWDED:  # the legend's symbols at their own size, not the small markers'
        layout.setdefault("legend", {})["itemsizing"] = "constant"
    return _figure(traces, layout)
