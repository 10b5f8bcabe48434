"""Tests for linviz.datasets (generators, registry, validation, split) and linviz.lecture_examples (the lecture's
worked examples)."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linviz.datasets import (
    CLASS_RANGE,
    DATASETS,
    MAX_N,
    dataset_info,
    make_dataset,
    separable,
    separable_weights,
    train_test_split,
    xor,
)
from linviz.lecture_examples import cs231n_pixels_example, lecture_example

# the toy 2-D sets (the registry also holds the 8x8 image sets: tests/test_images*.py)
TOY = sorted(name for name in DATASETS if dataset_info(name).feature_shape == (2,))
ALL_CONFIGS = [(name, C) for name, (lo, hi) in CLASS_RANGE.items() if name in TOY for C in range(lo, hi + 1)]


def _ids(config):
    return f"{config[0]}-{config[1]}"


# ---------------------------------------------------------------- registry and shapes
def test_registry_and_class_range_cover_the_same_datasets():
    assert set(DATASETS) == set(CLASS_RANGE)
    assert set(TOY) == {"blobs", "separable", "xor", "circles", "moons", "spiral"}
    for name in ("xor", "circles", "moons"):
        assert CLASS_RANGE[name] == (2, 2)
    for name in ("blobs", "separable", "spiral"):
        assert CLASS_RANGE[name] == (2, 10)  # C up to 10: the lecture's log 10 ≈ 2.3


def _check_output(X, y, n, C):
    assert isinstance(X, np.ndarray) and isinstance(y, np.ndarray)
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,) and y.dtype == np.intp
    assert np.all(np.isfinite(X))
    assert y.min() >= 0 and y.max() < C
    counts = np.bincount(y, minlength=C)
    assert counts.max() - counts.min() <= 1, counts  # balanced
    assert counts.sum() == n


@pytest.mark.parametrize("config", ALL_CONFIGS, ids=_ids)
@pytest.mark.parametrize("extra", [0, 1, 6, 101, 999])
def test_shapes_dtypes_labels_balance(config, extra):
    name, C = config
    n = C + extra  # from the minimum n = C (one point per class) up
    X, y = make_dataset(name, n, noise=0.1, seed=3, n_classes=C)
    _check_output(X, y, n, C)
    # the function in the registry and make_dataset agree
    X2, y2 = DATASETS[name](n, noise=0.1, seed=3, n_classes=C)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)


@settings(max_examples=60, deadline=None)
@given(
    config=st.sampled_from(ALL_CONFIGS),
    extra=st.integers(0, 1500),
    noise=st.floats(0.0, 2.0),
    seed=st.integers(0, 2**32),
)
def test_property_shapes_labels_balance(config, extra, noise, seed):
    name, C = config
    X, y = make_dataset(name, C + extra, noise=noise, seed=seed, n_classes=C)
    _check_output(X, y, C + extra, C)


def test_max_n_is_accepted():
    X, y = make_dataset("blobs", MAX_N, noise=0.1, seed=0, n_classes=8)
    _check_output(X, y, MAX_N, 8)


# ---------------------------------------------------------------- determinism and randomness
@pytest.mark.parametrize("config", ALL_CONFIGS, ids=_ids)
def test_same_seed_same_data_different_seed_different_data(config):
    name, C = config
    X1, y1 = make_dataset(name, 200, seed=11, n_classes=C)
    X2, y2 = make_dataset(name, 200, seed=11, n_classes=C)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    X3, _ = make_dataset(name, 200, seed=12, n_classes=C)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("name", TOY)
def test_generator_seed_is_accepted_and_advanced(name):
    C = CLASS_RANGE[name][0]
    X_int, y_int = make_dataset(name, 100, seed=5, n_classes=C)
    rng = np.random.default_rng(5)
    X_gen, y_gen = make_dataset(name, 100, seed=rng, n_classes=C)
    np.testing.assert_array_equal(X_int, X_gen)  # an int seed means default_rng(seed)
    np.testing.assert_array_equal(y_int, y_gen)
    X_next, _ = make_dataset(name, 100, seed=rng, n_classes=C)  # the Generator's state moved on
    assert not np.array_equal(X_gen, X_next)


def test_global_rng_is_never_used():
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    for name, C in ALL_CONFIGS:
        make_dataset(name, 50, seed=1, n_classes=C)
    train_test_split(np.zeros((10, 2)), np.arange(10) % 2, seed=1)
    np.testing.assert_array_equal(np.random.get_state()[1], before)


# ---------------------------------------------------------------- geometry
@pytest.mark.parametrize("config", ALL_CONFIGS, ids=_ids)
def test_noise_zero_works(config):
    name, C = config
    X, y = make_dataset(name, 300, noise=0.0, seed=0, n_classes=C)
    _check_output(X, y, 300, C)


def test_noise_zero_puts_points_exactly_on_the_shapes():
    X, y = make_dataset("blobs", 90, noise=0.0, n_classes=3)
    assert len(np.unique(X.round(12), axis=0)) == 3  # every point sits on its class centre
    for k in range(3):
        assert np.ptp(X[y == k], axis=0).max() < 1e-12
    X, y = make_dataset("circles", 200, noise=0.0, n_classes=2)
    np.testing.assert_allclose(np.hypot(X[:, 0], X[:, 1]), np.where(y == 0, 1.0, 2.0), atol=1e-12)
    X, y = make_dataset("xor", 200, noise=0.0, n_classes=2)
    np.testing.assert_array_equal(X[:, 0] * X[:, 1] < 0, y == 1)


@pytest.mark.parametrize("config", ALL_CONFIGS, ids=_ids)
def test_default_noise_stays_in_plot_bounds_and_is_centred(config):
    name, C = config
    X, _ = make_dataset(name, 5000, noise=0.1, seed=0, n_classes=C)
    assert np.abs(X).max() <= 3.0
    assert np.abs(X.mean(axis=0)).max() < 0.15  # roughly centred on the origin
    assert np.abs(X).max() > 1.0  # and spread over the plot, not collapsed near 0


# ---------------------------------------------------------------- separable really is separable
@settings(max_examples=60, deadline=None)
@given(C=st.integers(2, 8), n=st.integers(8, 800), noise=st.floats(0.0, 3.0), seed=st.integers(0, 10**6))
def test_separable_is_perfectly_classified_by_the_known_weights(C, n, noise, seed):
    X, y = separable(n, noise=noise, seed=seed, n_classes=C)
    W, b = separable_weights(C)
    scores = X @ W.T + b
    assert np.array_equal(np.argmax(scores, axis=1), y)
    # with a strictly positive margin, not by a tie
    correct = scores[np.arange(n), y]
    others = np.where(np.arange(C) == y[:, None], -np.inf, scores)
    assert np.all(correct - others.max(axis=1) > 1e-3)


def _perceptron_accuracy(X, y, C, epochs=2000):
    """Multiclass perceptron on [x, 1]; converges to accuracy 1 on linearly separable data."""
    Xa = np.hstack([X, np.ones((len(X), 1))])
    W = np.zeros((C, Xa.shape[1]))
    for _ in range(epochs):
        mistakes = 0
        for xi, yi in zip(Xa, y):
            pred = int(np.argmax(W @ xi))
            if pred != yi:
                W[yi] += xi
                W[pred] -= xi
                mistakes += 1
        if mistakes == 0:
            break
    return float(np.mean(np.argmax(Xa @ W.T, axis=1) == y))


@pytest.mark.parametrize("C", [2, 3, 5, 8])
@pytest.mark.parametrize("noise", [0.0, 0.1, 0.5])
def test_separable_is_learned_to_accuracy_one_by_a_perceptron(C, noise):
    X, y = separable(200, noise=noise, seed=C, n_classes=C)
    assert _perceptron_accuracy(X, y, C) == 1.0


def test_blobs_with_much_noise_is_not_separable_by_a_perceptron_sanity_check():
    X, y = make_dataset("blobs", 300, noise=1.5, seed=0, n_classes=3)
    assert _perceptron_accuracy(X, y, 3, epochs=20) < 1.0  # the perceptron test above is not vacuous


# ---------------------------------------------------------------- validation
@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: make_dataset("gaussian", 100, n_classes=3), r"unknown dataset 'gaussian'.*blobs, circles"),
        (lambda: make_dataset(None, 100), r"valid names are"),
        (lambda: make_dataset("blobs", 2, n_classes=3), r"n must be an int from n_classes=3"),
        (lambda: make_dataset("blobs", 0, n_classes=2), r"n must be an int"),
        (lambda: make_dataset("blobs", -5), r"n must be an int"),
        (lambda: make_dataset("blobs", 10.0), r"n must be an int"),
        (lambda: make_dataset("blobs", True, n_classes=2), r"n must be an int"),
        (lambda: make_dataset("blobs", MAX_N + 1), r"to 100000"),
        (lambda: make_dataset("blobs", 100, noise=-0.1), r"noise must be a finite number >= 0"),
        (lambda: make_dataset("blobs", 100, noise=float("nan")), r"noise must be a finite number >= 0"),
        (lambda: make_dataset("blobs", 100, noise=float("inf")), r"noise must be a finite number >= 0"),
        (lambda: make_dataset("blobs", 100, noise="lots"), r"noise must be a number"),
        (lambda: make_dataset("blobs", 100, n_classes=11), r"'blobs' supports n_classes from 2 to 10"),
        (lambda: make_dataset("spiral", 100, n_classes=1), r"n_classes from 2 to 10; got n_classes=1"),
        (lambda: make_dataset("separable", 100, n_classes=2.0), r"n_classes from 2 to 10"),
        (lambda: make_dataset("xor", 100, n_classes=3), r"'xor' supports exactly 2 classes only"),
        (lambda: xor(100), r"'xor' supports exactly 2 classes only; got n_classes=3"),
        (lambda: make_dataset("circles", 100, n_classes=4), r"exactly 2 classes only"),
        (lambda: make_dataset("moons", 100, n_classes=3), r"exactly 2 classes only"),
        (lambda: make_dataset("blobs", 100, seed=-1), r"seed must be a non-negative int or a numpy"),
        (lambda: make_dataset("blobs", 100, seed=1.5), r"seed must be"),
        (lambda: make_dataset("blobs", 100, seed=np.random.RandomState(0)), r"seed must be"),
        (lambda: separable_weights(11), r"n_classes must be an int from 2 to 10"),
    ],
)
def test_bad_inputs_raise_helpful_value_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_numpy_integer_arguments_are_accepted():
    X, y = make_dataset("spiral", np.int64(40), seed=np.int32(2), n_classes=np.int64(4))
    _check_output(X, y, 40, 4)


# ---------------------------------------------------------------- train / test split
def _indexed_data(N, C, D=3):
    """X whose first column is the row index, so split rows can be traced back."""
    X = np.column_stack([np.arange(N, dtype=float), np.ones((N, D - 1))])
    return X, np.arange(N) % C


@settings(max_examples=80, deadline=None)
@given(N=st.integers(1, 500), C=st.integers(1, 6), frac=st.floats(0.0, 0.9), seed=st.integers(0, 10**6))
def test_split_sizes_disjoint_complete_and_stratified(N, C, frac, seed):
    X, y = _indexed_data(N, C)
    X_tr, y_tr, X_te, y_te = train_test_split(X, y, test_fraction=frac, seed=seed)
    M = min(round(frac * N), N - 1)
    assert X_te.shape == (M, 3) and y_te.shape == (M,)
    assert X_tr.shape == (N - M, 3) and y_tr.shape == (N - M,)
    assert X_tr.dtype == X_te.dtype == np.float64 and y_tr.dtype == y_te.dtype == np.intp
    idx_tr, idx_te = X_tr[:, 0].astype(int), X_te[:, 0].astype(int)
    assert not set(idx_tr) & set(idx_te)  # disjoint ...
    np.testing.assert_array_equal(np.sort(np.concatenate([idx_tr, idx_te])), np.arange(N))  # ... and complete
    np.testing.assert_array_equal(y[idx_tr], y_tr)  # labels travel with their rows
    np.testing.assert_array_equal(y[idx_te], y_te)
    # stratified: each class puts floor or ceil of its pro-rata share into the test set
    counts, test_counts = np.bincount(y, minlength=C), np.bincount(y_te, minlength=C)
    assert np.all(np.abs(test_counts - counts * M / N) < 1.0)


def test_split_is_deterministic_and_seed_dependent():
    X, y = make_dataset("blobs", 200, seed=0, n_classes=4)
    a = train_test_split(X, y, test_fraction=0.3, seed=7)
    b = train_test_split(X, y, test_fraction=0.3, seed=7)
    c = train_test_split(X, y, test_fraction=0.3, seed=8)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[2], c[2])
    d = train_test_split(X, y, test_fraction=0.3, seed=np.random.default_rng(7))
    for u, v in zip(a, d):
        np.testing.assert_array_equal(u, v)


def test_split_with_zero_test_fraction_gives_empty_test_arrays():
    X, y = make_dataset("moons", 50, n_classes=2)
    X_tr, y_tr, X_te, y_te = train_test_split(X, y, test_fraction=0.0)
    assert X_tr.shape == (50, 2) and y_tr.shape == (50,)
    assert X_te.shape == (0, 2) and y_te.shape == (0,)
    assert X_te.dtype == np.float64 and y_te.dtype == np.intp
    np.testing.assert_array_equal(np.sort(X_tr[:, 0]), np.sort(X[:, 0]))


def test_split_default_fraction_is_a_quarter():
    X, y = make_dataset("blobs", 100, n_classes=4)
    X_tr, _, X_te, y_te = train_test_split(X, y)
    assert len(X_tr) == 75 and len(X_te) == 25
    assert np.all(np.abs(np.bincount(y_te) - 25 / 4) < 1)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"test_fraction": 0.95}, r"test_fraction must lie in \[0, 0.9\]"),
        ({"test_fraction": -0.1}, r"test_fraction must be a finite number >= 0"),
        ({"test_fraction": float("nan")}, r"test_fraction must be a finite number >= 0"),
        ({"seed": "abc"}, r"seed must be"),
    ],
)
def test_split_bad_arguments(kwargs, match):
    X, y = make_dataset("blobs", 20, n_classes=2)
    with pytest.raises(ValueError, match=match):
        train_test_split(X, y, **kwargs)


def test_split_bad_data():
    with pytest.raises(ValueError, match="must have shape"):
        train_test_split(np.zeros((5, 2)), np.zeros(4, dtype=int))
    with pytest.raises(ValueError, match="2-D"):
        train_test_split(np.zeros(5), np.zeros(5, dtype=int))


# ---------------------------------------------------------------- the lecture's worked examples
def _svm_loss_naive(scores, y, margin=1.0):
    """CS231n's loop: L_i = sum_{j != y_i} max(0, s_j - s_{y_i} + margin)."""
    losses = []
    for i in range(scores.shape[0]):
        correct_class_score = scores[i, y[i]]
        loss_i = 0.0
        for j in range(scores.shape[1]):
            if j != y[i]:
                loss_i += max(0.0, scores[i, j] - correct_class_score + margin)
        losses.append(loss_i)
    return losses


def test_lecture_example_reproduces_the_slides():
    ex = lecture_example()
    assert ex.class_names == ("cat", "car", "frog")
    expected = np.array([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]])
    np.testing.assert_array_equal(ex.scores, expected)
    np.testing.assert_array_equal(ex.X @ ex.W.T + ex.b, ex.scores)  # exactly, not approximately
    np.testing.assert_array_equal(ex.y, [0, 1, 2])
    assert ex.X.shape == ex.W.shape == (3, 3) and ex.b.shape == (3,) and ex.y.dtype == np.intp
    losses = _svm_loss_naive(ex.scores, ex.y)
    np.testing.assert_allclose(losses, [2.9, 0.0, 12.9], rtol=0, atol=1e-12)
    assert abs(np.mean(losses) - 5.27) < 0.005


def test_lecture_example_softmax_numbers():
    s = lecture_example().scores[0]
    e = np.exp(s)
    np.testing.assert_allclose(e, [24.5, 164.0, 0.18], atol=0.05)
    np.testing.assert_allclose(e / e.sum(), [0.13, 0.87, 0.00], atol=0.005)


def test_lecture_example_is_read_only():
    ex = lecture_example()
    with pytest.raises(ValueError):
        ex.scores[0, 0] = 0.0
    with pytest.raises(AttributeError):
        ex.W = np.zeros((3, 3))  # frozen dataclass


def test_cs231n_pixels_example():
    ex = cs231n_pixels_example()
    assert ex.class_names == ("cat", "dog", "ship") and ex.y == 0
    np.testing.assert_array_equal(ex.x, [56, 231, 24, 2])
    assert ex.W.shape == (3, 4) and ex.b.shape == (3,)
    np.testing.assert_allclose(ex.scores, ex.W @ ex.x + ex.b, rtol=0, atol=1e-12)
    # cat and dog match the slide; the ship score is 60.75 (the slide's 61.95 omits the bias -1.2)
    np.testing.assert_allclose(ex.scores, [-96.8, 437.9, 60.75], rtol=0, atol=1e-12)
    np.testing.assert_allclose(ex.slide_scores, [-96.8, 437.9, 61.95], rtol=0, atol=1e-12)
    np.testing.assert_allclose(ex.slide_scores[2], (ex.W @ ex.x)[2], rtol=0, atol=1e-12)
    assert int(np.argmax(ex.scores)) == 1  # this W calls the cat a dog
