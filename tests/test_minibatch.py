"""linviz.minibatch: the gradient cloud, its 1/sqrt(M) spread, and constant vs decaying learning rates."""
from __future__ import annotations

import numpy as np
import pytest

from linviz.datasets import make_dataset
from linviz.landscape import parameter_directions, project, random_directions
from linviz.losses import LOSSES
from linviz.minibatch import compare_schedules, gradient_cloud, per_example_gradients, project_cloud, spread_slope
from linviz.model import init_params


@pytest.fixture(scope="module")
def setup():
    X, y = make_dataset("blobs", 120, noise=1.0, seed=0)
    rng = np.random.default_rng(2)
    return X, y, rng.standard_normal((3, 2)), rng.standard_normal(3)


@pytest.mark.parametrize("loss", sorted(LOSSES))
@pytest.mark.parametrize("penalty", ["l2", "l1", "none"])
def test_full_gradient_and_every_draw_are_the_losses_gradients(setup, loss, penalty):
    X, y, W, b = setup
    cloud = gradient_cloud(X, y, W, b, batch_sizes=(1, 5, 120), draws=6, loss=loss, reg=0.1, penalty=penalty,
                           margin=0.8, seed=1)
    fn = LOSSES[loss]
    full = fn(W, b, X, y, reg=0.1, penalty=penalty, margin=0.8)
    np.testing.assert_allclose(cloud.full_dW, full.dW, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(cloud.full_db, full.db, rtol=1e-12, atol=1e-14)
    for m, batches in enumerate(cloud.batches):
        for k, idx in enumerate(batches):
            assert len(set(idx.tolist())) == cloud.batch_sizes[m]  # without replacement
            r = fn(W, b, X[idx], y[idx], reg=0.1, penalty=penalty, margin=0.8)
            np.testing.assert_allclose(cloud.dW[m, k], r.dW, rtol=1e-11, atol=1e-13)
            np.testing.assert_allclose(cloud.db[m, k], r.db, rtol=1e-11, atol=1e-13)


def test_per_example_gradients_naive_twin(setup):
    X, y, W, b = setup
    G = per_example_gradients(X[:10], y[:10], W, b, loss="svm")
    for i in range(10):
        r = LOSSES["svm"](W, b, X[i:i + 1], y[i:i + 1], reg=0.0)
        np.testing.assert_allclose(G[i, :, :2], r.dW, atol=1e-14)
        np.testing.assert_allclose(G[i, :, 2], r.db, atol=1e-14)


@pytest.mark.parametrize("loss", ["softmax", "svm"])
def test_the_mean_of_the_cloud_is_the_full_gradient_within_its_standard_error(setup, loss):
    X, y, W, b = setup
    cloud = gradient_cloud(X, y, W, b, batch_sizes=(1, 8, 32), draws=200, loss=loss, reg=0.01, seed=5)
    for m in range(3):
        z = np.concatenate([((cloud.mean_dW[m] - cloud.full_dW) / cloud.se_dW[m]).ravel(),
                            (cloud.mean_db[m] - cloud.full_db) / cloud.se_db[m]])
        assert np.all(np.abs(z) < 4.0), z  # each coordinate within 4 standard errors
        assert np.mean(z**2) < 3.0  # and together about one standard error each (chi-square / P ~ 1)
    # the standard error falls with the batch size
    assert cloud.se_dW[0].sum() > cloud.se_dW[1].sum() > cloud.se_dW[2].sum()


def test_spread_falls_like_one_over_sqrt_m():
    X, y = make_dataset("blobs", 1000, noise=1.0, seed=3)
    W, b = init_params(3, 2, seed=0)
    cloud = gradient_cloud(X, y, W, b, batch_sizes=(1, 4, 16, 64, 256), draws=400, seed=0)
    assert spread_slope(cloud) == pytest.approx(-0.5, abs=0.04)
    # without the finite-population correction the largest batches fall faster than 1/sqrt(M)
    assert spread_slope(cloud, corrected=False) < spread_slope(cloud)
    np.testing.assert_allclose(cloud.spread, cloud.predicted_spread, rtol=0.1)


def test_predicted_spread_uses_the_finite_population_correction(setup):
    X, y, W, b = setup
    cloud = gradient_cloud(X, y, W, b, batch_sizes=(1, 60, 119, 120, 500), draws=300, seed=2)
    assert cloud.batch_sizes.tolist() == [1, 60, 119, 120, 120]  # capped at N
    N = 120
    M = cloud.batch_sizes
    np.testing.assert_allclose(cloud.predicted_spread, cloud.sigma / np.sqrt(M) * np.sqrt((N - M) / (N - 1)))
    assert cloud.spread[3] < 1e-12 and cloud.spread[4] < 1e-12  # the whole set: no noise at all
    np.testing.assert_allclose(cloud.spread[:3], cloud.predicted_spread[:3], rtol=0.15)
    # sigma from a loop over the per-example gradients
    G = per_example_gradients(X, y, W, b).reshape(N, -1)
    naive = np.sqrt(sum(np.sum((g - G.mean(axis=0)) ** 2) for g in G) / N)
    assert cloud.sigma == pytest.approx(naive, rel=1e-12)


def test_cloud_is_seeded(setup):
    X, y, W, b = setup
    a, c = (gradient_cloud(X, y, W, b, draws=20, seed=9) for _ in range(2))
    d = gradient_cloud(X, y, W, b, draws=20, seed=10)
    np.testing.assert_array_equal(a.dW, c.dW)
    assert not np.array_equal(a.dW, d.dW)


def test_projection_onto_a_slice(setup):
    X, y, W, b = setup
    cloud = gradient_cloud(X, y, W, b, batch_sizes=(1, 8), draws=10, seed=0)
    coords, full = project_cloud(cloud, W, b, parameter_directions(W, b, ("W", 0, 0), ("b", 2)))
    assert coords.shape == (2, 10, 2)
    np.testing.assert_allclose(coords[..., 0], cloud.dW[:, :, 0, 0], atol=1e-12)
    np.testing.assert_allclose(coords[..., 1], cloud.db[:, :, 2], atol=1e-12)
    np.testing.assert_allclose(full, [cloud.full_dW[0, 0], cloud.full_db[2]], atol=1e-12)
    dirs = random_directions(W, b, seed=1)
    coords, _ = project_cloud(cloud, W, b, dirs)
    ref = project((W + cloud.dW[1, 3][None], b + cloud.db[1, 3][None]), W, b, dirs)[0]
    np.testing.assert_allclose(coords[1, 3], ref, rtol=1e-12)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"batch_sizes": ()}, "batch_sizes must be a non-empty list"),
    ({"batch_sizes": (0, 4)}, "integers >= 1"),
    ({"batch_sizes": (2.5,)}, "integers >= 1"),
    ({"batch_sizes": "ab"}, "batch_sizes must be a list of integers"),
    ({"draws": 1}, "draws must be an integer >= 2"),
    ({"penalty": "l0"}, "unknown penalty"),
])
def test_bad_cloud_arguments(setup, kwargs, match):
    X, y, W, b = setup
    with pytest.raises(ValueError, match=match):
        gradient_cloud(X, y, W, b, **kwargs)


def test_slope_needs_two_sizes_below_n(setup):
    X, y, W, b = setup
    with pytest.raises(ValueError, match="at least two batch sizes smaller than N"):
        spread_slope(gradient_cloud(X, y, W, b, batch_sizes=(8, 500), draws=5))


# ---------------------------------------------------------------- schedules
def test_decaying_learning_rate_ends_closer_to_the_optimum():
    X, y = make_dataset("blobs", 120, noise=1.0, seed=0)
    race = compare_schedules(X, y, lr=0.5, batch_size=4, steps=600, seed=0)
    const, decay = race.distance
    assert race.names == ("constant", "inverse_time")
    assert const[0] == decay[0]  # the same start
    np.testing.assert_array_equal(race.lr[0], 0.5)
    assert race.lr[1][0] == 0.5 and race.lr[1][-1] == pytest.approx(0.5 / (1 + 20 / 600 * 599))
    # constant alpha hovers; decaying alpha converges: over the last 100 steps it is closer throughout
    assert decay[-1] < 0.5 * const[-1]
    assert decay[-100:].max() < const[-100:].mean()
    assert race.optimum_loss <= min(race.loss[0].min(), race.loss[1].min()) + 1e-12


def test_other_decays_and_bad_ones():
    X, y = make_dataset("blobs", 60, noise=1.0, seed=1)
    race = compare_schedules(X, y, lr=0.3, batch_size=8, steps=100, decay="exponential", decay_options={"gamma": 0.97})
    assert race.names == ("constant", "exponential")
    np.testing.assert_allclose(race.lr[1], 0.3 * 0.97 ** np.arange(100))
    with pytest.raises(ValueError, match="needs a decaying schedule"):
        compare_schedules(X, y, decay="constant")
