import numpy as np
import pytest

from linviz.datasets import make_dataset
from linviz.losses import get_loss, losses_along, softmax_loss, svm_loss
from linviz.optim import OPTIMIZERS
from linviz.train import Trainer, train


@pytest.fixture
def data():
    return make_dataset("blobs", 120, noise=0.5, seed=3, n_classes=3)


def test_full_batch_gd_is_exactly_the_update_rule(data):
    X, y = data
    W0, b0 = np.full((3, 2), 0.1), np.zeros(3)
    h = train(X, y, loss="softmax", reg=0.01, lr=0.5, steps=3, W0=W0, b0=b0)
    W, b = W0.copy(), b0.copy()
    for t in range(3):
        r = softmax_loss(W, b, X, y, reg=0.01)
        assert h.loss[t] == pytest.approx(r.loss, rel=1e-12)
        np.testing.assert_allclose(h.W[t], W, rtol=1e-12)
        W, b = W - 0.5 * r.dW, b - 0.5 * r.db
    np.testing.assert_allclose(h.W[3], W, rtol=1e-12)
    np.testing.assert_allclose(h.b[3], b, rtol=1e-12)
    assert h.loss[3] == pytest.approx(softmax_loss(W, b, X, y, reg=0.01).loss)


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS) + ["gd"])
@pytest.mark.parametrize("loss", ["softmax", "svm", "ova"])
def test_training_reduces_loss(data, optimizer, loss):
    X, y = data
    lr = 0.05 if optimizer == "adam" else 0.1
    h = train(X, y, loss=loss, optimizer=optimizer, lr=lr, steps=150, seed=1)
    assert h.diverged_at is None
    assert h.loss[-1] < 0.5 * h.loss[0]
    assert h.accuracy[-1] > 0.9
    T = h.steps
    assert h.W.shape == (T + 1, 3, 2) and h.b.shape == (T + 1, 3)
    assert h.loss.shape == h.accuracy.shape == (T + 1,)
    assert h.grad_norm.shape == h.lr.shape == (T,)
    assert len(h.batch_indices) == T == 150


def test_minibatches_cover_each_epoch_without_replacement(data):
    X, y = data
    h = train(X, y, lr=0.1, steps=12, batch_size=50, seed=7)  # 120 = 50 + 50 + 20 per epoch
    sizes = [len(b) for b in h.batch_indices]
    assert sizes == [50, 50, 20] * 4
    for e in range(4):
        epoch = np.concatenate(h.batch_indices[3 * e: 3 * e + 3])
        assert sorted(epoch.tolist()) == list(range(120))
    # loss is still the FULL-data objective at each W[t]
    for t in (0, 5, 12):
        assert h.loss[t] == pytest.approx(softmax_loss(h.W[t], h.b[t], X, y).loss)
    # the step used the mini-batch gradient
    r = softmax_loss(h.W[0], h.b[0], X[h.batch_indices[0]], y[h.batch_indices[0]])
    np.testing.assert_allclose(h.W[1], h.W[0] - 0.1 * r.dW)


def test_determinism(data):
    X, y = data
    a = train(X, y, lr=0.3, steps=20, batch_size=16, seed=5, optimizer="adam")
    b = train(X, y, lr=0.3, steps=20, batch_size=16, seed=5, optimizer="adam")
    c = train(X, y, lr=0.3, steps=20, batch_size=16, seed=6, optimizer="adam")
    np.testing.assert_array_equal(a.W, b.W)
    np.testing.assert_array_equal(a.loss, b.loss)
    assert not np.array_equal(a.W, c.W)


@pytest.mark.parametrize("loss", ["softmax", "svm"])
def test_divergence_stops_cleanly(data, loss):
    X, y = data
    h = train(X * 100, y, loss=loss, lr=1e3, steps=500, optimizer="sgd", reg=1.0)
    assert h.diverged_at is not None and h.diverged_at <= 500
    assert h.steps == h.diverged_at - 1
    for arr in (h.W, h.b, h.loss, h.accuracy, h.grad_norm, h.lr):
        assert np.isfinite(arr).all()


def test_trainer_step_by_step_equals_train(data):
    X, y = data
    tr = Trainer(X, y, loss="svm", lr=0.2, optimizer="momentum", mu=0.8, seed=2)
    for _ in range(5):
        assert tr.step()
    tr.run(5)
    h = train(X, y, loss="svm", lr=0.2, optimizer="momentum", mu=0.8, seed=2, steps=10)
    np.testing.assert_array_equal(tr.history.W, h.W)
    assert tr.t == 10 and tr.history.loss_evaluations == 10


def test_schedule_and_test_set(data):
    X, y = data
    h = train(X[:90], y[:90], lr=1.0, steps=10, schedule="step",
              schedule_options={"gamma": 0.5, "step_size": 4}, X_test=X[90:], y_test=y[90:])
    np.testing.assert_allclose(h.lr, [1, 1, 1, 1, .5, .5, .5, .5, .25, .25])
    assert h.test_loss.shape == (11,) and h.test_accuracy.shape == (11,)
    assert h.test_loss[0] == pytest.approx(softmax_loss(h.W[0], h.b[0], X[90:], y[90:]).loss)


@pytest.mark.parametrize("loss", ["softmax", "svm", "ova"])
@pytest.mark.parametrize("penalty", ["l2", "l1", "none"])
def test_test_curves_equal_a_loss_evaluation_at_every_step(data, loss, penalty):
    """The test curves are computed for all steps at once; each value is the loss at that step's W, b."""
    X, y = data
    tr = Trainer(X[:80], y[:80], loss=loss, reg=0.05, penalty=penalty, lr=0.5, batch_size=16, seed=3,
                 X_test=X[80:], y_test=y[80:])
    tr.run(7)
    first = tr.history  # computed for 8 parameter sets, then extended by 5 more
    tr.run(5)
    h = tr.history
    np.testing.assert_array_equal(first.test_loss, h.test_loss[:8])
    for t in range(h.steps + 1):
        r = get_loss(loss)(h.W[t], h.b[t], X[80:], y[80:], reg=0.05, penalty=penalty)
        assert h.test_loss[t] == pytest.approx(r.loss, rel=1e-12, abs=1e-15)
        assert h.test_accuracy[t] == np.mean(np.argmax(r.scores, axis=1) == y[80:])


def test_losses_along_in_chunks_is_the_same(data):
    X, y = data
    Ws, bs = np.random.default_rng(0).normal(size=(2, 9, 3, 2)), np.random.default_rng(1).normal(size=(9, 3))
    whole = losses_along("svm", Ws[0], bs, X, y, 0.1, "l2", 1.0)
    pieces = losses_along("svm", Ws[0], bs, X, y, 0.1, "l2", 1.0, chunk=1)  # one parameter set per pass
    np.testing.assert_array_equal(whole[1], pieces[1])
    np.testing.assert_allclose(whole[0], pieces[0], rtol=1e-14)


@pytest.mark.parametrize("kw", [dict(), dict(batch_size=8, optimizer="momentum", mu=0.9),
                                dict(optimizer="adam", schedule="step", schedule_options={"step_size": 20})])
def test_a_shorter_run_is_a_prefix_of_a_longer_one(data, kw):
    """The dashboard trains only up to the step a page shows: those steps must be the long run's."""
    X, y = data
    short, full = (train(X[:90], y[:90], lr=0.2, steps=n, seed=5, X_test=X[90:], y_test=y[90:], **kw)
                   for n in (50, 120))
    np.testing.assert_array_equal(short.W, full.W[:51])
    np.testing.assert_array_equal(short.loss, full.loss[:51])
    np.testing.assert_array_equal(short.test_loss, full.test_loss[:51])


def test_reg_shrinks_weights(data):
    X, y = data
    h0 = train(X, y, loss="svm", lr=0.1, steps=200, reg=0.0)
    h1 = train(X, y, loss="svm", lr=0.1, steps=200, reg=0.5)
    assert np.abs(h1.W[-1]).sum() < np.abs(h0.W[-1]).sum()
    assert h1.loss[-1] == pytest.approx(svm_loss(h1.W[-1], h1.b[-1], X, y, reg=0.5).loss)


@pytest.mark.parametrize("kwargs, message", [
    (dict(lr=-1), "lr"), (dict(lr=0), "lr"), (dict(lr=float("nan")), "lr"),
    (dict(reg=-0.1), "reg"), (dict(optimizer="adagrad"), "rmsprop"), (dict(loss="mse"), "softmax"),
    (dict(schedule="cosine"), "exponential"), (dict(batch_size=0), "batch_size"),
    (dict(steps=-1), "steps"), (dict(optimizer="sgd", mu=0.9), "mu"),
    (dict(W0=np.zeros((3, 5)), b0=np.zeros(3)), "features"), (dict(W0=np.zeros((3, 2))), "both"),
])
def test_bad_arguments(data, kwargs, message):
    X, y = data
    with pytest.raises(ValueError, match=message):
        train(X, y, **kwargs)


@pytest.mark.parametrize("loss", ["softmax", "svm", "ova"])
@pytest.mark.parametrize("penalty", ["l2", "l1", "none"])
def test_training_kernel_equals_the_public_loss(loss, penalty):
    from linviz.losses import LOSSES, ClassMajor
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((50, 3)), rng.integers(0, 4, 50)
    W, b = rng.standard_normal((4, 3)), rng.standard_normal(4)
    value, dW, db, n_correct = ClassMajor(loss, X, y, 4, 0.3, penalty, 0.8)(W, b)
    r = LOSSES[loss](W, b, X, y, reg=0.3, penalty=penalty, margin=0.8)
    assert value == pytest.approx(r.loss, rel=1e-12)
    np.testing.assert_allclose(dW, r.dW, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(db, r.db, rtol=1e-10, atol=1e-14)
    assert n_correct == np.sum(np.argmax(r.scores, axis=1) == y)


def test_training_kernel_ties_follow_argmax():
    from linviz.losses import ClassMajor
    X, y = np.ones((6, 2)), np.array([0, 1, 2, 0, 1, 2])
    for kind in ("softmax", "svm", "ova"):
        # W = 0: every class ties, argmax picks class 0, so exactly the two class-0 examples are right
        assert ClassMajor(kind, X, y, 3, 0.0, "none", 1.0)(np.zeros((3, 2)), np.zeros(3))[3] == 2
