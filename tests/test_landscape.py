import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from linviz.datasets import make_dataset
from linviz.landscape import decision_grid, loss_surface, parameter_directions, project, random_directions
from linviz.losses import LOSSES, evaluate
from linviz.train import train


def naive_surface(X, y, W, b, directions, loss, reg, penalty, extent, R, margin=1.0):
    (dW1, db1), (dW2, db2) = directions
    grid = np.linspace(-extent, extent, R)
    out = np.empty((R, R))
    for i, a in enumerate(grid):
        for j, c in enumerate(grid):
            out[i, j] = LOSSES[loss](W + a * dW1 + c * dW2, b + a * db1 + c * db2, X, y,
                                     reg=reg, penalty=penalty, margin=margin).loss
    return out


@pytest.fixture(scope="module")
def setup():
    X, y = make_dataset("blobs", 60, noise=0.8, seed=1, n_classes=3)
    rng = np.random.default_rng(0)
    W, b = rng.standard_normal((3, 2)), rng.standard_normal(3)
    return X, y, W, b


@pytest.mark.parametrize("loss", sorted(LOSSES))
@pytest.mark.parametrize("penalty", ["l2", "l1", "none"])
@pytest.mark.parametrize("extent", [0.5, 30.0, 1e5])
def test_matches_naive_loop(setup, loss, penalty, extent):
    X, y, W, b = setup
    dirs = random_directions(W, b, seed=2)
    s = loss_surface(X, y, W, b, dirs, loss=loss, reg=0.05, penalty=penalty, extent=extent, resolution=15)
    ref = naive_surface(X, y, W, b, dirs, loss, 0.05, penalty, extent, 15)
    assert np.isfinite(s.values).all()
    np.testing.assert_allclose(s.values, ref, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(s.values, s.data_values + s.reg_values)


def test_indexing_convention_and_grid(setup):
    X, y, W, b = setup
    dirs = parameter_directions(W, b, ("W", 0, 1), ("b", 2))
    s = loss_surface(X, y, W, b, dirs, loss="softmax", extent=2.0, resolution=5)
    np.testing.assert_allclose(s.alphas, np.linspace(-2, 2, 5))
    np.testing.assert_allclose(s.betas, s.alphas)
    W2, b2 = W.copy(), b.copy()
    W2[0, 1] += s.alphas[1]
    b2[2] += s.betas[4]
    assert s.values[1, 4] == pytest.approx(LOSSES["softmax"](W2, b2, X, y).loss, rel=1e-12)
    # the centre of the grid is the current parameters
    assert s.values[2, 2] == pytest.approx(LOSSES["softmax"](W, b, X, y).loss, rel=1e-12)


def test_regularization_changes_the_surface(setup):
    X, y, W, b = setup
    dirs = random_directions(W, b, seed=4)
    s0 = loss_surface(X, y, W, b, dirs, loss="svm", reg=0.0, resolution=11)
    s1 = loss_surface(X, y, W, b, dirs, loss="svm", reg=1.0, resolution=11)
    assert (s1.values >= s0.values).all() and (s1.values - s0.values).max() > 0.1


@given(seed=st.integers(0, 10_000), C=st.integers(2, 6), N=st.integers(1, 40),
       scale=st.sampled_from([0.01, 1.0, 100.0]), loss=st.sampled_from(sorted(LOSSES)))
def test_property_random(seed, C, N, scale, loss):
    rng = np.random.default_rng(seed)
    X, y = scale * rng.standard_normal((N, 3)), rng.integers(0, C, N)
    W, b = rng.standard_normal((C, 3)), rng.standard_normal(C)
    dirs = random_directions(W, b, seed=seed, filter_normalize=bool(seed % 2))
    s = loss_surface(X, y, W, b, dirs, loss=loss, reg=0.1, extent=3.0, resolution=7)
    ref = naive_surface(X, y, W, b, dirs, loss, 0.1, "l2", 3.0, 7)
    np.testing.assert_allclose(s.values, ref, rtol=1e-9, atol=1e-12)


def test_filter_normalized_rows(setup):
    _, _, W, b = setup
    (dW, db), _ = random_directions(W, b, seed=0)
    d = np.hstack([dW, db[:, None]])
    theta = np.hstack([W, b[:, None]])
    np.testing.assert_allclose(np.linalg.norm(d, axis=1), np.linalg.norm(theta, axis=1))
    # a zero row (W = 0 at initialization) gets a unit-norm direction, not a zero one
    (dW0, db0), _ = random_directions(np.zeros((3, 2)), np.zeros(3), seed=0)
    np.testing.assert_allclose(np.linalg.norm(np.hstack([dW0, db0[:, None]]), axis=1), 1.0)


def test_project_recovers_plane_coordinates(setup):
    X, y, W, b = setup
    dirs = random_directions(W, b, seed=9)
    (dW1, db1), (dW2, db2) = dirs
    coords = np.array([[0.0, 0.0], [0.5, -1.0], [2.0, 3.0]])
    Ws = np.stack([W + a * dW1 + c * dW2 for a, c in coords])
    bs = np.stack([b + a * db1 + c * db2 for a, c in coords])
    np.testing.assert_allclose(project((Ws, bs), W, b, dirs), coords, atol=1e-12)
    h = train(X, y, lr=0.1, steps=5, W0=W, b0=b)
    assert project(h, W, b, dirs).shape == (6, 2)


def test_decision_grid():
    W = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0]])
    b = np.array([0.0, 0.0, -0.5])
    g = decision_grid(W, b, (-2, 2, -1, 3), resolution=50)
    assert g.classes.shape == (50, 50) and g.scores.shape == (50, 50, 3)
    ix, iy = 40, 5
    x = np.array([g.xs[ix], g.ys[iy]])
    np.testing.assert_allclose(g.scores[iy, ix], W @ x + b)
    assert g.classes[iy, ix] == np.argmax(W @ x + b)


@pytest.mark.parametrize("kwargs, message", [
    (dict(resolution=2), r"\[3, 1001\]"), (dict(resolution=1002), r"\[3, 1001\]"),
    (dict(resolution=10.5), "integer"), (dict(extent=0), "extent"), (dict(extent=np.inf), "extent"),
    (dict(loss="mse"), "softmax"), (dict(reg=-1), "reg"), (dict(penalty="l0"), "l1, l2, none"),
    (dict(directions=((np.zeros((2, 2)), np.zeros(3)),) * 2), "shapes"),
    (dict(directions=(1, 2, 3)), "directions"),
])
def test_bad_input(setup, kwargs, message):
    X, y, W, b = setup
    args = dict(directions=random_directions(W, b, seed=0))
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        loss_surface(X, y, W, b, **args)


def test_bad_parameter_choice(setup):
    _, _, W, b = setup
    with pytest.raises(ValueError, match="differ"):
        parameter_directions(W, b, ("W", 0, 0), ("W", 0, 0))
    with pytest.raises(ValueError, match="parameter"):
        parameter_directions(W, b, ("W", 5, 0), ("b", 0))
    with pytest.raises(ValueError, match="bounds"):
        decision_grid(W, b, (1, 0, 0, 1))


def test_evaluate_is_the_same_as_public(setup):
    X, y, W, b = setup
    assert evaluate("svm", W, b, X, y, 0.1, "l2", 1.0).loss == LOSSES["svm"](W, b, X, y, reg=0.1).loss


def test_decision_regions_agree_with_argmax():
    from linviz.landscape import decision_regions
    rng = np.random.default_rng(3)
    for C in (2, 3, 5):
        W, b = rng.standard_normal((C, 2)), rng.standard_normal(C)
        bounds = (-3, 3, -2, 2)
        regions = decision_regions(W, b, bounds)
        assert len(regions) == C
        # the polygons tile the box: their areas add up to its area
        def area(p):
            return 0.0 if len(p) < 3 else 0.5 * abs(np.dot(p[:, 0], np.roll(p[:, 1], 1))
                                                   - np.dot(p[:, 1], np.roll(p[:, 0], 1)))
        assert sum(area(p) for p in regions) == pytest.approx(24.0)
        # each region's centroid is predicted as its class
        for k, p in enumerate(regions):
            if area(p) > 1e-6:
                assert np.argmax(W @ p.mean(axis=0) + b) == k


def test_pca_directions_contain_a_straight_trajectory(setup):
    from linviz.landscape import pca_directions
    X, y, W, b = setup
    h = train(X, y, lr=0.05, steps=30, W0=W, b0=b)
    dirs = pca_directions(h)
    coords = project(h, h.W[-1], h.b[-1], dirs)
    (dW1, db1), (dW2, db2) = dirs
    rebuilt = h.W[-1] + coords[:, 0, None, None] * dW1 + coords[:, 1, None, None] * dW2
    # two directions capture a gradient-descent path almost exactly
    assert np.abs(rebuilt - h.W).max() < 0.05 * np.abs(h.W - h.W[-1]).max()
