"""RMSProp against hand-computed steps, and the searches' per-iteration records (issue 12)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from linviz import derivative_free, optim
from linviz.derivative_free import SEARCHES, get_search
from linviz.optim import check_options, get_optimizer

P = (np.array([1.0, -2.0]), np.array([3.0]))
G = (np.array([0.5, 4.0]), np.array([-1.0]))


# ---------------------------------------------------------------- RMSProp
def test_rmsprop_first_step_by_hand():
    # v = (1 - 0.9) g^2 = (0.025, 1.6), (0.1); step = 0.1 g / sqrt(v) = 0.1 sign(g) / sqrt(0.1) = 0.3162277660 sign(g)
    # (eps = 1e-8 in the denominator changes the step by less than 1e-7 of itself)
    new, state = optim.rmsprop(P, G, None, 0.1)
    np.testing.assert_allclose(state["v"][0], [0.025, 1.6], rtol=1e-15)
    np.testing.assert_allclose(state["v"][1], [0.1], rtol=1e-15)
    np.testing.assert_allclose(new[0], [1.0 - 0.3162277660, -2.0 - 0.3162277660], rtol=1e-7)
    np.testing.assert_allclose(new[1], [3.0 + 0.3162277660], rtol=1e-7)


def test_rmsprop_second_step_by_hand():
    g2 = (np.array([1.0, 1.0]), np.array([2.0]))
    p1, s1 = optim.rmsprop(P, G, None, 0.1, rho=0.5)
    p2, s2 = optim.rmsprop(p1, g2, s1, 0.1, rho=0.5)
    # v1 = 0.5 g1^2 = (0.125, 8), (0.5); v2 = 0.5 v1 + 0.5 g2^2 = (0.5625, 4.5), (2.25)
    np.testing.assert_allclose(s2["v"][0], [0.5625, 4.5], rtol=1e-15)
    np.testing.assert_allclose(s2["v"][1], [2.25], rtol=1e-15)
    np.testing.assert_allclose(p2[0], p1[0] - 0.1 * np.array([1 / 0.75, 1 / math.sqrt(4.5)]), rtol=1e-8)
    np.testing.assert_allclose(p2[1], p1[1] - 0.1 * 2.0 / 1.5, rtol=1e-8)


def test_rmsprop_naive_loop_twin():
    rng = np.random.default_rng(0)
    params, state = (rng.standard_normal((2, 3)), rng.standard_normal(2)), None
    p_naive = [params[0].ravel().tolist(), params[1].tolist()]
    v_naive = [[0.0] * 6, [0.0] * 2]
    for _ in range(5):
        grads = (rng.standard_normal((2, 3)), rng.standard_normal(2))
        params, state = optim.rmsprop(params, grads, state, 0.05, rho=0.8, eps=1e-6)
        for block, g in enumerate((grads[0].ravel(), grads[1])):
            for i, gi in enumerate(g):
                v_naive[block][i] = 0.8 * v_naive[block][i] + 0.2 * gi * gi
                p_naive[block][i] -= 0.05 * gi / (math.sqrt(v_naive[block][i]) + 1e-6)
    np.testing.assert_allclose(params[0].ravel(), p_naive[0], rtol=1e-12)
    np.testing.assert_allclose(params[1], p_naive[1], rtol=1e-12)


def test_rmsprop_converges_on_a_badly_scaled_quadratic():
    a = np.array([1.0, 100.0])  # f = sum a p^2 / 2; plain GD needs lr < 0.02 here
    p, state = (np.array([1.0, 1.0]),), None
    for t in range(2000):
        p, state = optim.rmsprop(p, (a * p[0],), state, 0.01 / (1 + 0.01 * t))
    assert np.abs(p[0]).max() < 1e-3


def test_rmsprop_is_in_the_registry_with_checked_options():
    assert get_optimizer("rmsprop") is optim.rmsprop
    assert check_options("rmsprop") == {"rho": 0.9, "eps": 1e-8}
    assert check_options("rmsprop", {"rho": 0.99}) == {"rho": 0.99, "eps": 1e-8}
    with pytest.raises(ValueError, match=r"rho must lie in \[0, 1\)"):
        check_options("rmsprop", {"rho": 1.0})
    with pytest.raises(ValueError, match="valid options are: eps, rho"):
        check_options("rmsprop", {"mu": 0.9})


def test_rmsprop_trains_a_classifier():
    from linviz.datasets import make_dataset
    from linviz.train import train
    X, y = make_dataset("blobs", 90, noise=0.5, seed=0)
    h = train(X, y, optimizer="rmsprop", lr=0.02, steps=200, rho=0.9)
    assert h.diverged_at is None and h.loss[-1] < 0.5 * h.loss[0]


# ---------------------------------------------------------------- per-iteration records
class Recorder:
    def __init__(self):
        self.points = []

    def __call__(self, x):
        self.points.append(np.array(x))
        return 0.5 * float(np.sum(np.arange(1, x.size + 1) * x.ravel() ** 2))


@pytest.mark.parametrize("name", sorted(SEARCHES))
@pytest.mark.parametrize("budget", [1, 7, 20, 45])
def test_samples_are_exactly_the_points_f_saw(name, budget):
    f = Recorder()
    res = get_search(name)(f, np.full((2, 2), 0.7), budget=budget, seed=3)
    assert res.samples.shape == (budget, 2, 2)
    np.testing.assert_array_equal(res.samples, np.array(f.points))
    np.testing.assert_array_equal(res.losses, [f(p) for p in f.points[:budget]])
    np.testing.assert_array_equal(res.best_so_far, res.losses[res.best_index])
    np.testing.assert_array_equal(res.best_index, [int(np.argmin(res.losses[:k + 1])) for k in range(budget)])
    assert np.all(np.diff(res.iteration) >= 0) and res.iteration[0] == 0
    assert len(res.populations) == res.iteration[-1] + 1
    for g, members in enumerate(res.populations):  # each iteration's new draws are among its members
        assert set(np.flatnonzero(res.iteration == g)) <= set(members.tolist())
        assert members.max() < budget


def test_random_and_local_populations():
    r = derivative_free.random_search(Recorder(), np.ones(3), budget=30, seed=0)
    np.testing.assert_array_equal(r.iteration, np.arange(30))
    assert all(p.tolist() == [g] for g, p in enumerate(r.populations))
    loc = derivative_free.random_local_search(Recorder(), np.ones(3), budget=30, seed=0)
    for g in range(1, 30):  # the best before the proposal, then the proposal
        assert loc.populations[g].tolist() == [loc.best_index[g - 1], g]


@pytest.mark.parametrize(("budget", "population", "elite"), [(100, 20, 4), (23, 5, 2), (7, 10, 3)])
def test_genetic_generations_keep_the_elite(budget, population, elite):
    res = derivative_free.genetic_search(Recorder(), np.ones(4), budget=budget, population=population, elite=elite,
                                         seed=2)
    pops = res.populations
    assert pops[0].tolist() == list(range(min(population, budget)))
    for prev, cur in zip(pops, pops[1:]):
        kept = cur[:elite]
        # the kept elite are the `elite` fittest of the previous generation, best first
        order = prev[np.argsort(res.losses[prev], kind="stable")][:elite]
        np.testing.assert_array_equal(kept, order)
        assert len(cur) <= population
    assert all(len(p) == population for p in pops[1:-1])
