"""Tests for linviz.images: the 4-pixel example, generated shapes, scikit-learn's digits, the registry."""
from __future__ import annotations

import inspect
import subprocess
import sys
from decimal import Decimal
from importlib.util import find_spec

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from linviz import images
from linviz.datasets import CLASS_RANGE, DATASETS, train_test_split
from linviz.images import (
    IMAGE_DATASETS,
    SHAPE_NAMES,
    digits,
    digits_available,
    digits_split,
    pixel_images,
    registry_entries,
    shapes,
)
from linviz.lecture_examples import cs231n_pixels_example
from linviz.model import accuracy, scores
from linviz.train import train
from linviz.viewpoints import contributions

HAS_SKLEARN = find_spec("sklearn") is not None
needs_sklearn = pytest.mark.skipif(not HAS_SKLEARN, reason="scikit-learn is not installed "
                                   "(pip install 'scikit-learn>=1.4,<2'): the digits tests need it")


# ---------------------------------------------------------------- the lecture's 4-pixel image
def test_pixel_data_set_is_the_slide_image():
    X, y = pixel_images(1)
    assert X.shape == (1, 4) and X.dtype == np.float64 and y.tolist() == [0]
    np.testing.assert_array_equal(X[0].reshape(IMAGE_DATASETS["pixels"].image_shape), [[56, 231], [24, 2]])
    entry = IMAGE_DATASETS["pixels"]
    assert entry.class_names == ("cat", "dog", "ship") and entry.class_range == (3, 3)
    W, b = entry.params()
    ex = cs231n_pixels_example()  # reused, not copied: the same numbers
    np.testing.assert_array_equal(W, ex.W)
    np.testing.assert_array_equal(b, ex.b)


def test_pixel_scores_are_the_slides_numbers_exactly():
    X, _ = pixel_images(1)
    W, b = IMAGE_DATASETS["pixels"].params()
    s = scores(W, b, X)[0]
    np.testing.assert_allclose(s, [-96.8, 437.9, 60.75], rtol=0, atol=1e-12)
    # In exact decimal arithmetic: cat and dog as printed on the slide; the slide's ship 61.95 is W x
    # without the bias -1.2.
    dec = [[Decimal(repr(float(v))) for v in row] for row in W]
    x = [Decimal(repr(float(v))) for v in X[0]]
    wx = [sum(w * xi for w, xi in zip(row, x)) for row in dec]
    bias = [Decimal(repr(float(v))) for v in b]
    assert [wx[0] + bias[0], wx[1] + bias[1], wx[2]] == [Decimal("-96.8"), Decimal("437.9"), Decimal("61.95")]
    assert wx[2] + bias[2] == Decimal("60.75")
    assert int(np.argmax(s)) == 1  # the slide's W calls the cat a dog


def test_pixel_contributions_add_up_to_the_cat_score():
    X, _ = pixel_images(1)
    W, b = IMAGE_DATASETS["pixels"].params()
    c = contributions(W, b, X[0], (2, 2))
    # cat template (0.2, -0.5, 0.1, 2.0) times pixels (56, 231, 24, 2), pixel by pixel
    np.testing.assert_allclose(c.maps[0], [[11.2, -115.5], [2.4, 4.0]], rtol=0, atol=1e-12)
    assert c.maps[0].sum() + b[0] == pytest.approx(-96.8, abs=1e-12)


@pytest.mark.parametrize("kwargs", [{"n": 2}, {"n": 0}, {"n": 1, "n_classes": 2}])
def test_pixel_images_reject_other_sizes(kwargs):
    with pytest.raises(ValueError, match="exactly 1 image and 3 classes"):
        pixel_images(**kwargs)


def test_pixel_noise_stays_in_0_255():
    X, _ = pixel_images(1, noise=500.0, seed=3)
    assert X.min() >= 0 and X.max() <= 255 and not np.array_equal(X, pixel_images(1)[0])


# ---------------------------------------------------------------- generated shapes
@given(n=st.integers(6, 300), C=st.integers(2, 6), seed=st.integers(0, 2**31), noise=st.floats(0, 2))
def test_shapes_are_balanced_images_in_range(n, C, seed, noise):
    X, y = shapes(n, noise=noise, seed=seed, n_classes=C)
    assert X.shape == (n, 64) and X.dtype == np.float64 and y.dtype == np.intp
    assert X.min() >= 0.0 and X.max() <= 1.0
    counts = np.bincount(y, minlength=C)
    assert len(counts) == C and counts.max() - counts.min() <= 1


def test_shapes_are_deterministic_per_seed():
    a, b = shapes(120, seed=5, n_classes=6), shapes(120, seed=5, n_classes=6)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    c = shapes(120, seed=6, n_classes=6)
    assert not np.array_equal(a[0], c[0])
    rng = np.random.default_rng(5)  # a Generator is used and advanced
    first, second = shapes(50, seed=rng), shapes(50, seed=rng)
    assert not np.array_equal(first[0], second[0])


def _mean_image(name, noise=0.0):
    X, y = shapes(600, noise=noise, seed=0, n_classes=6)
    return X[y == SHAPE_NAMES.index(name)].mean(axis=0).reshape(8, 8)


def test_each_shape_looks_like_its_name():
    stripes = _mean_image("stripes")
    assert stripes[[0, 3, 4, 7]].mean() > stripes[[1, 2, 5, 6]].mean() + 0.3  # rows on, off, off, on, on ...
    ring = _mean_image("ring")
    assert ring[1, 3:5].mean() > ring[3:5, 3:5].mean() + 0.3  # bright ring, dark middle
    cross = _mean_image("cross")
    assert cross[3:5, :].mean() > cross[0, 0] + 0.4 and cross[:, 3:5].mean() > cross[7, 7] + 0.4
    blob = _mean_image("blob")
    assert blob[3:5, 3:5].mean() > blob[0].mean() + 0.4  # bright middle fading outwards
    x = _mean_image("diagonals")
    assert np.diag(x).mean() > x[0, 3:5].mean() + 0.3 and np.diag(x[::-1]).mean() > x[3:5, 0].mean() + 0.3
    frame = _mean_image("frame")
    assert frame[0].mean() > frame[3:5, 3:5].mean() + 0.3 and frame[:, 7].mean() > frame[3:5, 3:5].mean() + 0.3


def test_shapes_are_learnable_by_a_linear_classifier():
    X, y = shapes(600, noise=0.2, seed=0, n_classes=6)
    X_test, y_test = shapes(600, noise=0.2, seed=1, n_classes=6)
    h = train(X, y, loss="softmax", reg=1e-3, lr=1.0, steps=300)
    assert h.accuracy[-1] >= 0.98
    assert accuracy(h.W[-1], h.b[-1], X_test, y_test) >= 0.97


@pytest.mark.parametrize("kwargs, message", [
    ({"n": 10, "n_classes": 7}, "n_classes from 2 to 6"),
    ({"n": 10, "n_classes": 1}, "n_classes from 2 to 6"),
    ({"n": 3, "n_classes": 4}, "n must be an int from 4"),
    ({"n": 10.0}, "n must be an int"),
    ({"n": 10, "noise": -1}, "noise must be a finite number >= 0"),
    ({"n": 10, "seed": -1}, "seed must be a non-negative int"),
])
def test_shapes_reject_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        shapes(**kwargs)


# ---------------------------------------------------------------- digits
@pytest.fixture
def fresh_digits_cache():
    images._digits_arrays.cache_clear()
    yield
    images._digits_arrays.cache_clear()


def test_digits_without_sklearn_say_what_to_install(monkeypatch, fresh_digits_cache):
    monkeypatch.setattr(images, "find_spec", lambda name: None)
    with pytest.raises(ImportError, match=r"needs scikit-learn.*pip install 'scikit-learn>=1.4,<2'"):
        digits(100)
    assert not images.sklearn_available()


def test_importing_the_modules_or_loading_digits_imports_no_heavy_library():
    code = ("import sys, linviz.images as m, linviz.viewpoints; heavy = ('sklearn', 'streamlit', 'plotly', 'pandas'); "
            "a = [h for h in heavy if h in sys.modules]; m.digits(50) if m.find_spec('sklearn') else None; "
            "print(a, [h for h in heavy if h in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["[]", "[]"]  # importing scikit-learn takes seconds; the CSV is read directly


@needs_sklearn
def test_digits_are_scikit_learns_digits_scaled_to_0_1(fresh_digits_cache):
    from sklearn.datasets import load_digits

    data = load_digits()
    X, y = images._digits_arrays()
    np.testing.assert_array_equal(X, data.data / 16.0)
    np.testing.assert_array_equal(y, data.target)
    assert X.shape == (1797, 64) and X.min() == 0.0 and X.max() == 1.0


@needs_sklearn
def test_digits_fall_back_to_load_digits_when_the_file_moves(monkeypatch, tmp_path, fresh_digits_cache):
    reference = images._read_digits()
    images._digits_arrays.cache_clear()
    monkeypatch.setattr(images, "DIGITS_CSV", "no/such/file.csv.gz")
    np.testing.assert_array_equal(images._read_digits(), reference)


@needs_sklearn
def test_digits_pick_the_chosen_classes_in_order():
    all_X, all_y = images._digits_arrays()
    X, y = digits(digits_available(classes=(0, 1, 7)), classes=(0, 1, 7), seed=0)
    assert set(np.unique(y)) == {0, 1, 2}
    for label, digit in enumerate((0, 1, 7)):
        # the images labelled `label` are exactly all the images of `digit`, as a multiset
        mine, theirs = X[y == label], all_X[all_y == digit]
        np.testing.assert_array_equal(mine[np.lexsort(mine.T)], theirs[np.lexsort(theirs.T)])
    assert np.all(X * 16 == np.round(X * 16))  # grey levels k / 16


@needs_sklearn
def test_digits_subset_is_stratified_and_seeded():
    n, chosen = 300, (0, 1, 7)
    X, y = digits(n, classes=chosen, seed=4)
    _, all_y = images._digits_arrays()
    counts = np.array([np.count_nonzero(all_y == d) for d in chosen])
    assert X.shape == (n, 64) and len(y) == n
    assert np.all(np.abs(np.bincount(y, minlength=3) - n * counts / counts.sum()) <= 1)
    X2, y2 = digits(n, classes=chosen, seed=4)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert not np.array_equal(X, digits(n, classes=chosen, seed=5)[0])
    assert len(np.unique(X, axis=0)) > 0.95 * n  # drawn without replacement (a few digits repeat in the data)


@needs_sklearn
def test_digits_default_classes_and_noise():
    X, y = digits(200, n_classes=4, noise=0.3, seed=1)
    assert set(np.unique(y)) == {0, 1, 2, 3} and X.min() >= 0 and X.max() <= 1
    assert not np.all(X * 16 == np.round(X * 16))
    assert digits_available(10) == 1797


@needs_sklearn
@pytest.mark.parametrize("kwargs, message", [
    ({"n": 10, "classes": (3,)}, "2 to 10 different digits"),
    ({"n": 10, "classes": (3, 3)}, "2 to 10 different digits"),
    ({"n": 10, "classes": (3, 10)}, "2 to 10 different digits"),
    ({"n": 10, "n_classes": 11}, "n_classes from 2 to 10"),
    ({"n": 2000}, "to 1797"),
    ({"n": 1, "classes": (0, 1)}, "from 2"),
])
def test_digits_reject_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        digits(**kwargs)


@needs_sklearn
def test_digits_split_is_stratified_disjoint_and_learnable():
    X_train, y_train, X_test, y_test = digits_split((0, 1, 7), test_fraction=0.25, seed=0)
    assert len(X_train) + len(X_test) == digits_available(classes=(0, 1, 7))
    share_train = np.bincount(y_train) / len(y_train)
    share_test = np.bincount(y_test) / len(y_test)
    np.testing.assert_allclose(share_train, share_test, atol=0.02)
    h = train(X_train, y_train, loss="softmax", reg=1e-3, lr=0.5, steps=300)
    assert accuracy(h.W[-1], h.b[-1], X_test, y_test) >= 0.97


# ---------------------------------------------------------------- the registry
def test_registry_entries_fit_linviz_datasets():
    generators, class_ranges = registry_entries()
    assert set(generators) == set(class_ranges) == set(IMAGE_DATASETS) == {"pixels", "shapes", "digits"}
    # linviz.datasets registers the shapes and the digits itself (the 4-pixel image, one image, is no training set)
    assert set(generators) & set(DATASETS) == {"shapes", "digits"}
    assert all(DATASETS[k] is generators[k] and CLASS_RANGE[k] == class_ranges[k] for k in ("shapes", "digits"))
    for fn in generators.values():
        params = inspect.signature(fn).parameters
        assert list(params)[0] == "n"
        for key in ("noise", "seed", "n_classes"):
            assert params[key].kind is inspect.Parameter.KEYWORD_ONLY


@pytest.mark.parametrize("name", sorted(IMAGE_DATASETS))
def test_every_image_set_generates_what_its_entry_says(name):
    entry = IMAGE_DATASETS[name]
    if entry.requires and not HAS_SKLEARN:
        pytest.skip(f"{name} needs {entry.requires}")
    lo, hi = entry.class_range
    H, W = entry.image_shape
    assert len(entry.class_names) >= hi
    for C in (lo, hi):
        n = min(40, entry.max_n(C))
        X, y = entry.generate(n, noise=entry.default_noise, seed=2, n_classes=C)
        assert X.shape == (n, H * W) and y.shape == (n,) and 0 <= y.min() and y.max() < C
        assert entry.pixel_range[0] <= X.min() and X.max() <= entry.pixel_range[1]
        # and the dashboard's split works on it
        train_test_split(X, y, test_fraction=0.25, seed=0)
    with pytest.raises(ValueError):
        entry.generate(entry.max_n(hi) + 1, noise=0.0, seed=0, n_classes=hi)
