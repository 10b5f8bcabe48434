"""Plane geometry of a linear classifier in 2-D: the one implementation every view uses.

A box is (xmin, xmax, ymin, ymax). Points are (x, y) pairs of plain floats: these functions run once per class
and per animation frame, where numpy's per-call overhead on a handful of numbers would dominate.

- `line_in_box`: where the line w.x + b = 0 crosses the box (a class's score-zero line).
- `clip_line`: the part of a line or segment p + t d inside the box (Liang-Barsky).
- `decision_polygons`: the exact region where each class wins, argmax ties going to the lowest class.
- `nearest_on_segment`: the point of a segment closest to a point.
"""
from __future__ import annotations

import math

import numpy as np

Box = tuple[float, float, float, float]
Point = tuple[float, float]


def as_box(bounds) -> Box:
    """(xmin, xmax, ymin, ymax) as floats; a degenerate side is widened to a width of 2."""
    xmin, xmax, ymin, ymax = (float(v) for v in bounds)
    xmin, xmax = (xmin, xmax) if xmax > xmin else (xmin - 1.0, xmin + 1.0)
    ymin, ymax = (ymin, ymax) if ymax > ymin else (ymin - 1.0, ymin + 1.0)
    return xmin, xmax, ymin, ymax


def clip_line(p: Point, d: Point, box: Box, t0: float = -math.inf, t1: float = math.inf) -> tuple[float, float] | None:
    """The range [lo, hi] of t in [t0, t1] for which p + t d lies in box, or None if there is none.

    Each side of the box cuts the parameter line at one t; entering sides raise lo, leaving sides lower hi
    (Liang-Barsky). A direction parallel to a side keeps everything or nothing of that slab.
    """
    lo, hi = t0, t1
    for pk, dk, a, z in ((p[0], d[0], box[0], box[1]), (p[1], d[1], box[2], box[3])):
        if abs(dk) < 1e-300:
            if not a <= pk <= z:
                return None
            continue
        ta, tz = (a - pk) / dk, (z - pk) / dk
        lo, hi = max(lo, min(ta, tz)), min(hi, max(ta, tz))
    return (lo, hi) if lo <= hi else None


def line_in_box(w0: float, w1: float, b: float, box: Box) -> list[Point] | None:
    """The two end points of the line w0 x + w1 y + b = 0 inside box, or None (w ~ 0, or the line misses)."""
    scale = max(abs(w0), abs(w1), abs(b))  # (w, b) and (w, b) / scale describe the same line
    if not math.isfinite(scale) or scale == 0 or math.hypot(w0, w1) < 1e-9 * scale:
        return None
    w0, w1, b = w0 / scale, w1 / scale, b / scale
    n2 = w0 * w0 + w1 * w1
    norm = math.sqrt(n2)
    p = (-b * w0 / n2, -b * w1 / n2)  # the point of the line nearest the origin
    d = (-w1 / norm, w0 / norm)  # along the line
    span = clip_line(p, d, box)
    if span is None or span[1] <= span[0]:
        return None
    return [(p[0] + t * d[0], p[1] + t * d[1]) for t in span]


def clip_half_plane(poly: list[Point], nx: float, ny: float, offset: float, strict: bool = False) -> list[Point]:
    """The part of a convex polygon where nx x + ny y + offset >= 0 (> 0 with strict), by Sutherland-Hodgman.

    Strictness only matters when the normal is zero, i.e. the two classes have the same w: then the constraint
    holds everywhere or nowhere, decided by the sign of offset alone.
    """
    if not poly:
        return poly
    if nx == 0.0 and ny == 0.0:
        return poly if (offset > 0 or (offset == 0 and not strict)) else []
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


def decision_polygons(W, b, box: Box) -> list[list[Point]]:
    """Polygon k (a list of vertices, maybe empty) is where class k wins inside box; W (C, 2), b (C,).

    Class k wins where s_k >= s_j for every j, i.e. inside the half-planes (w_k - w_j).x + (b_k - b_j) >= 0:
    an intersection of half-planes, hence convex. argmax breaks ties towards the lowest class, so against a
    lower class j the inequality is strict: a class whose row repeats an earlier one gets no region.
    """
    W, b = [[float(v) for v in row] for row in W], [float(v) for v in b]
    xmin, xmax, ymin, ymax = box
    square = [(xmin, ymin), (xmax, ymin), (xmax, ymax), (xmin, ymax)]
    out = []
    for k in range(len(b)):
        poly = square
        for j in range(len(b)):
            if j != k and poly:
                poly = clip_half_plane(poly, W[k][0] - W[j][0], W[k][1] - W[j][1], b[k] - b[j], strict=j < k)
        out.append(poly)
    return out


def decision_regions(W, b, bounds) -> list[np.ndarray]:
    """decision_polygons as arrays: region k of shape (V_k, 2), (0, 2) when class k wins nowhere in bounds."""
    return [np.array(poly, dtype=float).reshape(-1, 2) for poly in decision_polygons(W, b, as_box(bounds))]


def nearest_on_segment(p, a, b) -> np.ndarray:
    """The point of the segment a-b closest to p (all (2,)): the projection of p onto the line, kept on the
    segment."""
    p, a, b = (np.asarray(v, dtype=float) for v in (p, a, b))
    d = b - a
    t = np.clip(np.dot(p - a, d) / max(float(np.dot(d, d)), 1e-300), 0.0, 1.0)
    return a + t * d


def distance_to_segment(p, a, b) -> float:
    """Distance from p to the segment a-b."""
    return float(np.hypot(*(nearest_on_segment(p, a, b) - np.asarray(p, dtype=float))))
