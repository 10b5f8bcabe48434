"""The pages that draw only the loss curves of mini-batch runs train them scored at the drawn steps
(compute.curve, issue 14 item 1): what they draw is the full run's at those steps."""
from __future__ import annotations

import numpy as np

from dashboard import compute
from dashboard.config import Config
from dashboard.figures import minibatch as mbf


def test_curve_steps_hold_both_ends_and_the_first_steps():
    for steps in (0, 1, 7, 200, 2000):
        s = compute.curve_steps(steps)
        assert s[0] == 0 and s[-1] == steps and len(s) <= compute.CURVE_POINTS
        assert np.all(np.diff(s) > 0)
        np.testing.assert_array_equal(s[:min(steps, 10) + 1], np.arange(min(steps, 10) + 1))  # log axis: 1, 2, ...


def test_a_curve_is_the_full_run_at_its_steps():
    cfg = Config().replace(dataset="spiral", n_classes=4, n_points=300, steps=400, batch_size=3, lr=0.3)
    spec = compute.TrainSpec.of(cfg)
    thin, full = compute.curve(spec), compute.history(spec)
    np.testing.assert_array_equal(thin.loss_steps, compute.curve_steps(400))
    np.testing.assert_allclose(thin.loss, full.loss[thin.loss_steps], rtol=1e-12, atol=0)
    np.testing.assert_array_equal(thin.accuracy, full.accuracy[thin.loss_steps])
    np.testing.assert_array_equal(thin.W, full.W)
    assert thin.diverged_at == full.diverged_at and thin.test_loss is None
    # a full-batch run is history's own (its loss comes with its gradient)
    spec = compute.TrainSpec.of(cfg.replace(batch_size=0))
    np.testing.assert_array_equal(compute.curve(spec).loss, compute.history(spec).loss)


def test_the_batch_curves_are_drawn_at_their_steps():
    steps = np.array([0, 1, 2, 5, 10])
    loss = np.array([2.0, 1.5, 1.2, 1.0, 0.9])
    fig = mbf.batch_curves_figure([{"label": "M = 4", "M": 4, "loss": loss, "steps": steps},
                                   {"label": "M = N", "M": 100, "loss": loss}], n=100)
    np.testing.assert_array_equal(fig.data[0].x, steps)
    np.testing.assert_allclose(fig.data[1].x, steps[1:] * 4 / 100)  # (epochs on a log axis: from the first step)
    np.testing.assert_array_equal(fig.data[1].y, loss[1:])
    np.testing.assert_array_equal(fig.data[2].x, np.arange(5))


# ---------------------------------------------------------------- Learning rates at a mini-batch size
from dashboard import behaviour, learning_rate_scene  # noqa: E402
from dashboard.figures.learning_rates import _capped_curve  # noqa: E402
from linviz.losses import evaluate  # noqa: E402
from linviz.train_kernels import loss_upper_bounds  # noqa: E402


def naive_upper_bound(kind, W, b, x_max, reg, penalty, margin):
    """The loop twin of loss_upper_bounds for one parameter set."""
    C = len(b)
    delta = max(sum(abs(W[j, d] - W[k, d]) * x_max[d] for d in range(W.shape[1])) + abs(b[j] - b[k])
                for j in range(C) for k in range(C))
    big = max(sum(abs(W[j, d]) * x_max[d] for d in range(W.shape[1])) + abs(b[j]) for j in range(C))
    data = {"softmax": np.log(C) + delta, "svm": (C - 1) * max(0.0, delta + margin), "ova": C * (margin + big)}[kind]
    return data + evaluate(kind, W, b, np.zeros((1, W.shape[1])), np.zeros(1, dtype=int), reg, penalty, margin).reg_loss


def test_the_loss_upper_bound_is_its_loop_twin_and_bounds_the_loss():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((50, 3)) * [1.0, 3.0, 0.2]
    y = rng.integers(0, 4, 50)
    x_max = np.abs(X).max(axis=0)
    Ws = rng.standard_normal((30, 4, 3)) * 10.0 ** rng.uniform(-2, 3, (30, 1, 1))
    bs = rng.standard_normal((30, 4)) * 10.0 ** rng.uniform(-2, 3, (30, 1))
    for kind in ("softmax", "svm", "ova"):
        for penalty, reg in (("l2", 0.1), ("l1", 0.01), ("none", 0.0)):
            bound = loss_upper_bounds(kind, Ws, bs, x_max, reg, penalty, 1.5)
            naive = [naive_upper_bound(kind, W, b, x_max, reg, penalty, 1.5) for W, b in zip(Ws, bs)]
            np.testing.assert_allclose(bound, naive, rtol=1e-12)
            exact = np.array([evaluate(kind, W, b, X, y, reg, penalty, 1.5).loss for W, b in zip(Ws, bs)])
            assert np.all(bound >= exact * (1 - 1e-12))


LR_CFG = Config().replace(dataset="spiral", n_classes=4, n_points=250, steps=600, batch_size=1,
                          lrs=(0.003, 0.5, 12.0, 120.0, 3000.0))


def test_a_mini_batch_learning_rate_scene_is_the_full_runs_at_the_steps_it_draws():
    scene = learning_rate_scene.learning_rate_scene(LR_CFG)
    fig = scene.figures["lr_curves"]
    full = [compute.history(compute.TrainSpec.of(LR_CFG.replace(lr=lr))) for lr in LR_CFG.lrs]
    assert all(h.loss_steps is not None for h in scene.histories)
    for h, f in zip(scene.histories, full):
        np.testing.assert_allclose(h.loss, f.loss[h.loss_steps], rtol=1e-12, atol=0)
        np.testing.assert_array_equal(h.W, f.W)
    # the step each run blew up at is the full run's, though the curves do not hold every step
    assert scene.diverged == [learning_rate_scene.blew_up(f) for f in full]
    assert sum(d is not None for d in scene.diverged) >= 2
    words = [behaviour.describe(f.loss, f.diverged_at) for f in full]
    assert [w for w in scene.behaviours if w.startswith("diverges")] == [w for w in words if w.startswith("diverges")]
    # every point a curve draws (the cut at the top of the view aside) is the full run's loss at its step
    for trace in fig.data:
        if trace.mode != "lines":
            continue
        run = [k for k, lr in enumerate(LR_CFG.lrs) if trace.name.split(":")[0] == f"α = {lr:g}"][0]
        x, yv = np.asarray(trace.x, dtype=float), np.asarray(trace.y, dtype=float)
        if scene.diverged[run] is not None:  # (its last point is where it leaves the view, or its × there)
            x, yv = x[:-1], yv[:-1]
        assert len(x) >= 1 and np.array_equal(x, np.round(x))
        drawn = np.isfinite(yv)
        np.testing.assert_allclose(yv[drawn], full[run].loss[x[drawn].astype(int)], rtol=1e-12)


def test_a_curve_with_its_steps_is_capped_as_the_curve_of_every_step():
    loss = np.r_[2.0, 1.0, 3.0, 50.0, 900.0, np.nan]
    for d in (None, 4, 5, 6):
        a = _capped_curve(loss[: (None if d is None else d + 1)], d, 100.0)
        b = _capped_curve(loss[: (None if d is None else d + 1)], d, 100.0, np.arange(len(loss))[: (None if d is None
                                                                                                  else d + 1)])
        for u, v in zip(a[:2], b[:2]):
            np.testing.assert_array_equal(u, v)
        assert a[2] == b[2]
    steps, shown, cross = _capped_curve(np.r_[2.0, 1.0, 1000.0], 40, 100.0, [0, 10, 40])
    assert steps[-1] == cross[0] and 10 < cross[0] < 40 and shown[-1] == 100.0
