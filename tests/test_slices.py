"""linviz.slices (the loss along a line, the convexity check) and linviz.regularization."""
from __future__ import annotations

import numpy as np
import pytest

from linviz.datasets import make_dataset
from linviz.landscape import loss_surface, random_directions
from linviz.losses import LOSSES
from linviz.regularization import PENALTY_NAMES, penalty_lines, penalty_surfaces, weight_direction, weight_paths
from linviz.slices import convexity_check, loss_line, random_line_directions, second_differences

LOSS_NAMES = sorted(LOSSES)


@pytest.fixture(scope="module")
def setup():
    X, y = make_dataset("blobs", 60, noise=1.0, seed=3)
    rng = np.random.default_rng(5)
    W, b = rng.standard_normal((3, 2)), rng.standard_normal(3)
    return X, y, W, b


def line_naive(X, y, W, b, d, ts, loss, reg, penalty, margin=1.0):
    fn = LOSSES[loss]
    return np.array([fn(W + t * d[0], b + t * d[1], X, y, reg=reg, penalty=penalty, margin=margin).loss for t in ts])


@pytest.mark.parametrize("loss", LOSS_NAMES)
@pytest.mark.parametrize("penalty", PENALTY_NAMES)
def test_loss_line_matches_naive_loop(setup, loss, penalty):
    X, y, W, b = setup
    d = random_line_directions(W, b, 1, seed=1)[0]
    line = loss_line(X, y, W, b, d, loss=loss, reg=0.1, penalty=penalty, margin=0.7, extent=2.0, resolution=21)
    np.testing.assert_allclose(line.ts, np.linspace(-2, 2, 21))
    np.testing.assert_allclose(line.values, line_naive(X, y, W, b, d, line.ts, loss, 0.1, penalty, 0.7),
                               rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(line.values, line.data_values + line.reg_values)
    assert line.values[10] == pytest.approx(LOSSES[loss](W, b, X, y, reg=0.1, penalty=penalty, margin=0.7).loss)


def test_loss_line_chunks_and_explicit_ts(setup, monkeypatch):
    import linviz.slices as slices
    X, y, W, b = setup
    d = random_line_directions(W, b, 1, seed=2)[0]
    ts = np.array([-3.0, 0.0, 0.25, 10.0])
    whole = loss_line(X, y, W, b, d, ts=ts)
    monkeypatch.setattr(slices, "_CHUNK", 200)  # ~1 point per block
    np.testing.assert_allclose(loss_line(X, y, W, b, d, ts=ts).values, whole.values, rtol=1e-13)
    np.testing.assert_allclose(whole.values, line_naive(X, y, W, b, d, ts, "softmax", 0.0, "l2"), rtol=1e-12)


def test_penalties_along_the_weight_direction(setup):
    X, y, W, b = setup
    lines = penalty_lines(X, y, W, b, loss="svm", reg=0.2, extent=1.5, resolution=31)
    assert set(lines) == {"l2", "l1", "none"}
    ts = lines["l2"].ts
    np.testing.assert_allclose(lines["l2"].reg_values, 0.2 * (1 + ts) ** 2 * np.sum(W**2), rtol=1e-12)
    np.testing.assert_allclose(lines["l1"].reg_values, 0.2 * np.abs(1 + ts) * np.abs(W).sum(), rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(lines["none"].reg_values, 0.0)
    for name in ("l1", "none"):  # the data term does not depend on the penalty
        np.testing.assert_array_equal(lines[name].data_values, lines["l2"].data_values)
    at_zero = int(np.argmin(np.abs(ts + 1)))  # t = -1 is W = 0: no penalty at all
    assert ts[at_zero] == pytest.approx(-1) and lines["l1"].reg_values[at_zero] == pytest.approx(0, abs=1e-15)
    dW, db = weight_direction(W, b)
    np.testing.assert_array_equal(dW, W)
    np.testing.assert_array_equal(db, 0)
    dW0, _ = weight_direction(np.zeros((3, 2)), b)
    assert np.linalg.norm(dW0) == pytest.approx(1.0)


def test_penalty_surfaces_split_data_and_penalty(setup):
    X, y, W, b = setup
    dirs = random_directions(W, b, seed=0)
    surfaces = penalty_surfaces(X, y, W, b, dirs, reg=0.3, resolution=9)
    for name, s in surfaces.items():
        ref = loss_surface(X, y, W, b, dirs, reg=0.3, penalty=name, resolution=9)
        np.testing.assert_array_equal(s.values, ref.values)
        np.testing.assert_array_equal(s.data_values, surfaces["none"].data_values)
    assert np.all(surfaces["l2"].reg_values > 0) and np.all(surfaces["none"].reg_values == 0)


def test_weight_paths_shrink_with_lambda():
    X, y = make_dataset("blobs", 90, noise=1.0, seed=0)
    for penalty in ("l2", "l1"):
        paths = weight_paths(X, y, regs=(0.0, 0.3), penalty=penalty, loss="softmax", lr=0.3, steps=150, seed=1)
        assert paths.regs == (0.0, 0.3) and paths.penalty == penalty
        assert [w.shape for w in paths.W] == [(151, 3, 2)] * 2
        np.testing.assert_array_equal(paths.W[0][0], paths.W[1][0])  # the same start
        assert np.abs(paths.W[1][-1]).sum() < 0.7 * np.abs(paths.W[0][-1]).sum()
        assert paths.diverged_at == (None, None)
        assert paths.loss[1][-1] == pytest.approx(LOSSES["softmax"](paths.W[1][-1], paths.b[1][-1], X, y, reg=0.3,
                                                                    penalty=penalty).loss)


# ---------------------------------------------------------------- convexity
@pytest.mark.parametrize("loss", LOSS_NAMES)
@pytest.mark.parametrize("penalty", PENALTY_NAMES)
def test_linear_classifier_losses_are_convex_along_random_lines(setup, loss, penalty):
    X, y, W, b = setup
    check = convexity_check(X, y, W, b, loss=loss, reg=0.05, penalty=penalty, n_directions=6, extent=3.0, seed=4)
    assert check.holds, check.worst
    assert check.values.shape == (6, 41) and check.second_differences.shape == (6, 39)
    assert len(check.directions) == 6
    assert check.worst <= 1.0
    # and they really curve: a strictly positive second difference somewhere on each line
    assert np.all(check.second_differences.max(axis=1) > 1e-6)


def test_the_check_can_fail():
    t = np.linspace(-3, 3, 41)
    diffs, tol = second_differences(np.sin(t))  # concave on (0, pi)
    assert np.any(diffs < -tol)
    diffs, tol = second_differences(np.abs(t))  # convex with a kink
    assert np.all(diffs >= -tol)
    diffs, tol = second_differences(1e6 + 0.0 * t)  # a constant at large magnitude: rounding only
    assert np.all(np.abs(diffs) <= tol)
    with pytest.raises(ValueError, match="at least 3"):
        second_differences([1.0, 2.0])


def test_naive_second_differences():
    v = np.array([3.0, 1.0, 0.5, 2.0, 8.0])
    diffs, _ = second_differences(v)
    np.testing.assert_allclose(diffs, [v[i - 1] - 2 * v[i] + v[i + 1] for i in range(1, 4)])


def test_directions_are_seeded_and_scaled(setup):
    X, y, W, b = setup
    a = random_line_directions(W, b, 3, seed=7)
    c = random_line_directions(W, b, 3, seed=7)
    for (dWa, dba), (dWc, dbc) in zip(a, c):
        np.testing.assert_array_equal(dWa, dWc)
        np.testing.assert_array_equal(dba, dbc)
        assert np.sqrt(np.sum(dWa**2) + np.sum(dba**2)) == pytest.approx(np.sqrt(np.sum(W**2) + np.sum(b**2)))


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"direction": (np.zeros((2, 2)), np.zeros(3))}, "a direction must have shapes"),
    ({"direction": "up"}, r"a direction must be a pair \(dW, db\)"),
    ({"extent": 0}, "extent must be > 0"),
    ({"resolution": 2}, "resolution must be an integer in"),
    ({"ts": [np.nan]}, "ts must be a non-empty list of finite numbers"),
    ({"penalty": "l3"}, "unknown penalty 'l3'"),
    ({"loss": "mse"}, "unknown loss 'mse'"),
])
def test_bad_line_arguments(setup, kwargs, match):
    X, y, W, b = setup
    args = {"direction": (np.ones_like(W), np.ones_like(b)), **kwargs}
    with pytest.raises(ValueError, match=match):
        loss_line(X, y, W, b, args.pop("direction"), **args)


def test_bad_convexity_arguments(setup):
    X, y, W, b = setup
    with pytest.raises(ValueError, match="n_directions must be an integer >= 1"):
        convexity_check(X, y, W, b, n_directions=0)
