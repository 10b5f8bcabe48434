"""linviz.common_slice: one fair plane for all optimizers, and the common optimum."""
from __future__ import annotations

import numpy as np
import pytest

from linviz.common_slice import common_slice, find_minimum
from linviz.datasets import make_dataset
from linviz.landscape import loss_surface
from linviz.losses import LOSSES
from linviz.model import init_params
from linviz.train import train

OPTIMIZERS = {"sgd": 0.3, "momentum": 0.05, "nesterov": 0.05, "adam": 0.05, "rmsprop": 0.02}


@pytest.fixture(scope="module")
def problem():
    X, y = make_dataset("blobs", 90, noise=1.0, seed=0)
    W0, b0 = init_params(3, 2, seed=1)
    runs = [train(X, y, optimizer=name, lr=lr, steps=60 + 20 * k, reg=0.01, W0=W0, b0=b0)
            for k, (name, lr) in enumerate(OPTIMIZERS.items())]
    best = find_minimum(X, y, reg=0.01, W0=W0, b0=b0)
    return X, y, W0, b0, runs, best


def flat(W, b):
    return np.concatenate([np.ravel(W), np.ravel(b)])


def test_start_and_optimum_lie_on_the_plane_exactly(problem):
    X, y, W0, b0, runs, best = problem
    sl = common_slice(runs, best)
    (dW1, db1), (dW2, db2) = sl.directions
    d1, d2, c = flat(dW1, db1), flat(dW2, db2), flat(sl.W, sl.b)
    scale = np.linalg.norm(d1)
    # the start is c - d1, the optimum c + d1: on the plane, at (-1, 0) and (1, 0)
    np.testing.assert_allclose(c - d1, flat(W0, b0), rtol=0, atol=1e-14 * scale)
    np.testing.assert_allclose(c + d1, flat(best.W, best.b), rtol=0, atol=1e-14 * scale)
    for path, off in zip(sl.paths, sl.off_plane):
        np.testing.assert_allclose(path[0], [-1.0, 0.0], atol=1e-12)
        assert off[0] <= 1e-12 * scale
    np.testing.assert_array_equal(sl.start, [-1.0, 0.0])
    np.testing.assert_array_equal(sl.optimum, [1.0, 0.0])
    # d1 and d2: orthogonal, equally long
    assert abs(d1 @ d2) <= 1e-12 * scale**2
    assert np.linalg.norm(d2) == pytest.approx(scale, rel=1e-12)


def test_the_optimum_projects_to_one_zero(problem):
    X, y, W0, b0, runs, best = problem
    path = np.stack([flat(W0, b0), flat(best.W, best.b)])
    sl = common_slice([(np.stack([W0, best.W]), np.stack([b0, best.b]))] + list(runs), best)
    np.testing.assert_allclose(sl.paths[0], [[-1, 0], [1, 0]], atol=1e-12)
    assert sl.off_plane[0].max() <= 1e-12 * np.linalg.norm(path[1] - path[0])


def test_projection_matches_a_naive_orthogonal_projection(problem):
    X, y, W0, b0, runs, best = problem
    sl = common_slice(runs, best)
    (dW1, db1), (dW2, db2) = sl.directions
    d1, d2, c = flat(dW1, db1), flat(dW2, db2), flat(sl.W, sl.b)
    for run, path, off in zip(runs, sl.paths, sl.off_plane):
        assert path.shape == (len(run.W), 2) and off.shape == (len(run.W),)
        for t in (0, len(run.W) // 2, len(run.W) - 1):
            z = flat(run.W[t], run.b[t]) - c
            a, b = z @ d1 / (d1 @ d1), z @ d2 / (d2 @ d2)
            np.testing.assert_allclose(path[t], [a, b], rtol=1e-9, atol=1e-12)
            assert off[t] == pytest.approx(np.linalg.norm(z - a * d1 - b * d2), rel=1e-7, abs=1e-12)
    assert sl.extent >= max(np.abs(p).max() for p in sl.paths) and sl.extent >= 1.0


def test_the_second_direction_is_the_runs_top_direction_together(problem):
    X, y, W0, b0, runs, best = problem
    sl = common_slice(runs, best)
    (dW1, db1), (dW2, db2) = sl.directions
    d1, d2, c = flat(dW1, db1), flat(dW2, db2), flat(sl.W, sl.b)
    u = d1 / np.linalg.norm(d1)

    def captured(v):  # weighted squared length of every run's points along v, d1 parts removed
        total = 0.0
        for r in runs:
            Z = np.concatenate([r.W.reshape(len(r.W), -1), r.b], axis=1) - c
            Z = Z - np.outer(Z @ u, u)
            total += np.sum((Z @ v) ** 2) / len(Z)
        return total

    best_v = captured(d2 / np.linalg.norm(d2))
    rng = np.random.default_rng(0)
    for _ in range(50):  # no other direction orthogonal to d1 captures more
        v = rng.standard_normal(d1.size)
        v -= (v @ u) * u
        assert captured(v / np.linalg.norm(v)) <= best_v * (1 + 1e-9)
    # the plane is usable by loss_surface directly; its centre is the midpoint
    s = loss_surface(X, y, sl.W, sl.b, sl.directions, reg=0.01, extent=1.0, resolution=3)
    assert s.values[2, 1] == pytest.approx(best.loss, rel=1e-10)  # (alpha, beta) = (1, 0)
    assert s.values[0, 1] == pytest.approx(LOSSES["softmax"](W0, b0, X, y, reg=0.01).loss, rel=1e-10)


def test_runs_on_the_line_get_a_seeded_orthogonal_direction(problem):
    X, y, W0, b0, runs, best = problem
    line = [(np.stack([W0 + s * (best.W - W0) for s in np.linspace(0, 1, 5)]),
             np.stack([b0 + s * (best.b - b0) for s in np.linspace(0, 1, 5)]))]
    a, b = common_slice(line, best, seed=3), common_slice(line, best, seed=3)
    np.testing.assert_array_equal(a.directions[1][0], b.directions[1][0])
    np.testing.assert_allclose(a.paths[0][:, 1], 0.0, atol=1e-12)
    np.testing.assert_allclose(a.paths[0][:, 0], np.linspace(-1, 1, 5), atol=1e-12)


def test_bad_runs(problem):
    X, y, W0, b0, runs, best = problem
    other = train(X, y, lr=0.3, steps=5, seed=9)
    with pytest.raises(ValueError, match="the runs start at different points"):
        common_slice([runs[0], other], best)
    with pytest.raises(ValueError, match="the start is already the optimum"):
        common_slice([(W0[None], b0[None])], (W0, b0))
    with pytest.raises(ValueError, match="at least one run"):
        common_slice([], best)
    with pytest.raises(ValueError, match="History or a pair"):
        common_slice([(W0, b0)], best)
    with pytest.raises(ValueError, match="but the optimum has"):
        common_slice(runs, (np.zeros((2, 2)), np.zeros(2)))


# ---------------------------------------------------------------- find_minimum
def test_smooth_minimum_has_zero_gradient_and_beats_every_run(problem):
    X, y, W0, b0, runs, best = problem
    assert best.grad_norm < 1e-6
    assert all(best.loss <= r.loss.min() + 1e-12 for r in runs)
    # gradient steps never change what the loss cannot see: the mean of b over the classes
    assert best.b.mean() == pytest.approx(b0.mean(), abs=1e-12)


@pytest.mark.parametrize(("loss", "penalty"), [("svm", "l2"), ("softmax", "l1"), ("ova", "l2"), ("svm", "none")])
def test_kinked_minimum_beats_long_runs(loss, penalty):
    X, y = make_dataset("blobs", 90, noise=1.0, seed=0)
    W0, b0 = init_params(3, 2, seed=1)
    best = find_minimum(X, y, loss=loss, reg=0.01, penalty=penalty, W0=W0, b0=b0, steps=800)
    long = train(X, y, loss=loss, reg=0.01, penalty=penalty, lr=0.05, steps=800, W0=W0, b0=b0)
    assert best.loss <= long.loss.min() + 1e-4
    assert best.loss == pytest.approx(LOSSES[loss](best.W, best.b, X, y, reg=0.01, penalty=penalty).loss)


def test_find_minimum_defaults_to_the_seeds_start():
    X, y = make_dataset("blobs", 60, noise=1.0, seed=0)
    a = find_minimum(X, y, reg=0.01, seed=4, steps=300)
    W0, b0 = init_params(3, 2, seed=4)
    b = find_minimum(X, y, reg=0.01, W0=W0, b0=b0, steps=300)
    np.testing.assert_array_equal(a.W, b.W)
    assert a.steps == 300
