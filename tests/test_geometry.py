"""linviz.geometry: the one implementation of the classifier's plane geometry, against brute-force oracles."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linviz.geometry import (
    as_box,
    clip_line,
    decision_polygons,
    decision_regions,
    distance_to_segment,
    line_in_box,
    nearest_on_segment,
)

BOX = (-3.0, 3.0, -2.0, 2.0)


def inside(poly, p, tol=1e-9) -> bool:
    """p inside the convex polygon poly (counter-clockwise or clockwise), by the signs of the edge cross products."""
    n, signs = len(poly), set()
    for k in range(n):
        (ax, ay), (bx, by) = poly[k], poly[(k + 1) % n]
        cross = (bx - ax) * (p[1] - ay) - (by - ay) * (p[0] - ax)
        if abs(cross) > tol:
            signs.add(cross > 0)
    return len(signs) <= 1


def polygon_area(poly) -> float:
    return 0.5 * abs(sum(poly[k][0] * poly[(k + 1) % len(poly)][1] - poly[(k + 1) % len(poly)][0] * poly[k][1]
                         for k in range(len(poly))))


def test_line_in_box_endpoints_lie_on_the_line_and_the_box():
    seg = line_in_box(1.0, -2.0, 0.5, BOX)
    assert seg is not None
    for x, y in seg:
        assert abs(x - 2 * y + 0.5) < 1e-12
        on_edge = min(abs(x - BOX[0]), abs(x - BOX[1]), abs(y - BOX[2]), abs(y - BOX[3]))
        assert on_edge < 1e-12


def test_line_in_box_misses_and_degenerate_rows():
    assert line_in_box(1.0, 0.0, -10.0, BOX) is None  # x = 10 is outside
    assert line_in_box(0.0, 0.0, 1.0, BOX) is None  # w = 0: no line
    assert line_in_box(0.0, 0.0, 0.0, BOX) is None
    assert line_in_box(float("nan"), 1.0, 0.0, BOX) is None
    assert line_in_box(0.0, 1.0, 0.0, BOX) == [(-3.0, 0.0), (3.0, 0.0)] or \
        sorted(line_in_box(0.0, 1.0, 0.0, BOX)) == [(-3.0, 0.0), (3.0, 0.0)]


def test_clip_line_as_a_segment_gives_where_a_path_leaves_the_box():
    lo, hi = clip_line((0.0, 0.0), (6.0, 0.0), BOX, 0.0, 1.0)  # from the centre to x = 6
    assert lo == 0.0 and hi == pytest.approx(0.5)
    assert clip_line((5.0, 5.0), (1.0, 0.0), BOX, 0.0, 1.0) is None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-3, 3), min_size=9, max_size=9), st.integers(0, 2**31 - 1))
def test_decision_polygons_match_argmax_on_random_points(params, seed):
    W = np.array(params[:6]).reshape(3, 2)
    b = np.array(params[6:])
    polys = decision_polygons(W, b, BOX)
    rng = np.random.default_rng(seed)
    pts = rng.uniform([BOX[0], BOX[2]], [BOX[1], BOX[3]], size=(40, 2))
    scores = pts @ W.T + b
    for p, s in zip(pts, scores):
        winner = int(np.argmax(s))
        top = np.sort(s)[-2:]
        if top[1] - top[0] < 1e-6 * (1 + abs(top[1])):
            continue  # on a boundary: either side is right
        assert polys[winner] and inside(polys[winner], p), (W, b, p, winner)
    total = sum(polygon_area(p) for p in polys if len(p) >= 3)
    assert total == pytest.approx((BOX[1] - BOX[0]) * (BOX[3] - BOX[2]), rel=1e-9)


def test_identical_rows_the_tie_goes_to_the_lowest_class_as_argmax():
    W = np.array([[1.0, 0.5], [1.0, 0.5], [-1.0, 0.0]])
    b = np.array([0.2, 0.2, 0.0])
    polys = decision_polygons(W, b, BOX)
    assert polys[1] == []  # the repeated row wins nowhere: argmax picks class 0 on every tie
    assert polys[0] and polys[2]
    x = np.array([2.0, 0.0])
    assert int(np.argmax(W @ x + b)) == 0 and inside(polys[0], x)
    areas = [polygon_area(p) for p in polys if p]
    assert sum(areas) == pytest.approx(24.0)  # no overlap: the regions tile the box


def test_parallel_rows_and_all_zero_weights():
    # same w, different b: the class with the larger b wins everywhere
    polys = decision_polygons([[1.0, 1.0], [1.0, 1.0]], [0.0, 1.0], BOX)
    assert polys[0] == [] and polygon_area(polys[1]) == pytest.approx(24.0)
    # W = 0, b = 0: every score ties, class 0 wins everywhere
    polys = decision_polygons(np.zeros((3, 2)), np.zeros(3), BOX)
    assert polygon_area(polys[0]) == pytest.approx(24.0) and polys[1] == [] and polys[2] == []


def test_decision_regions_arrays_and_degenerate_bounds():
    regions = decision_regions(np.eye(2), np.zeros(2), (0, 0, -1, 1))  # xmin == xmax: widened
    assert all(r.shape[1] == 2 for r in regions)
    assert as_box((0, 0, -1, 1)) == (-1.0, 1.0, -1.0, 1.0)
    assert decision_regions([[1.0, 0.0], [1.0, 0.0]], [0.0, 0.0], BOX)[1].shape == (0, 2)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(-5, 5), min_size=6, max_size=6))
def test_nearest_on_segment_against_a_dense_sample(v):
    p, a, b = np.array(v[:2]), np.array(v[2:4]), np.array(v[4:])
    ts = np.linspace(0, 1, 2001)
    samples = a + ts[:, None] * (b - a)
    brute = np.hypot(*(samples - p).T).min()
    assert distance_to_segment(p, a, b) <= brute + 1e-12
    assert distance_to_segment(p, a, b) >= brute - 1e-2 * max(1.0, math.hypot(*(b - a)))
    q = nearest_on_segment(p, a, b)
    assert distance_to_segment(q, a, b) < 1e-9
