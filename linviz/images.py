"""Tiny image data sets: the lecture's 4-pixel cat, generated 8x8 shapes, and real 8x8 handwritten digits.

An image of height H and width W is flattened row by row: pixel (r, c) is feature r * W + c, so a data
set is X (n, H * W), y (n,) and a template w_k (one row of W) reshapes back to an (H, W) image.

Every generator has the signature of ``linviz.datasets`` -- ``(n, *, noise, seed, n_classes) -> (X, y)``
-- so the same registry can hold them; ``IMAGE_DATASETS`` adds what a page needs to draw pixels
(image shape, pixel range, class names).  Pixel ranges:

* ``pixels``: the slide's raw values in [0, 255];
* ``shapes`` and ``digits``: [0, 1] (digits are scikit-learn's 0..16 grey levels divided by 16).

``noise`` is the std of Gaussian noise added to every pixel, in the units of that range; the result is
clipped back into the range.  ``digits`` needs scikit-learn installed: its data file is read on first
use, without importing scikit-learn (which takes seconds).
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

import numpy as np

from linviz._checks import check_nonnegative

# linviz.datasets is imported inside the functions, never at the top: then linviz.datasets can itself
# import this module to register these sets, in whichever order the two are first imported.

Data = tuple[np.ndarray, np.ndarray]  # X (n, H * W) float64, y (n,) intp
MAX_N = 100_000  # as linviz.datasets.MAX_N
SKLEARN_HINT = "pip install 'scikit-learn>=1.4,<2'"
DIGITS_CSV = "datasets/data/digits.csv.gz"  # inside the scikit-learn package


def _is_int(value: object) -> bool:  # as linviz.datasets._is_int (that module is not imported at the top)
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _check_count(name: str, n: int, n_classes: int, max_n: int) -> None:
    if not _is_int(n) or not n_classes <= n <= max_n:
        raise ValueError(f"{name}: n must be an int from {n_classes} (one image per class) to {max_n}, got {n!r}")


def _noisy(X: np.ndarray, noise: float, rng: np.random.Generator, lo: float, hi: float) -> np.ndarray:
    """X plus Gaussian noise of std `noise` on every pixel, clipped to [lo, hi]; X itself if noise = 0."""
    if noise == 0:
        return X
    return np.clip(X + noise * rng.standard_normal(X.shape), lo, hi)


# ---------------------------------------------------------------- the lecture's 4-pixel image
def pixel_images(n: int = 1, *, noise: float = 0.0, seed=0, n_classes: int = 3) -> Data:
    """The slide's 2x2 cat image as a data set of one image: X (1, 4) = [[56, 231, 24, 2]], y = [0].

    Scored by the slide's W and b (``IMAGE_DATASETS["pixels"].params``) it gives (-96.8, 437.9, 60.75).
    """
    from linviz.datasets import _rng
    from linviz.lecture_examples import cs231n_pixels_example

    if n != 1 or n_classes != 3:
        raise ValueError(f"the 4-pixel example is exactly 1 image and 3 classes (cat, dog, ship); "
                         f"got n={n!r}, n_classes={n_classes!r}")
    noise = check_nonnegative("noise", noise)
    ex = cs231n_pixels_example()
    X = _noisy(np.array(ex.x)[None, :], noise, _rng(seed), 0.0, 255.0)
    return X, np.array([ex.y], dtype=np.intp)


def _pixel_params() -> tuple[np.ndarray, np.ndarray]:
    from linviz.lecture_examples import cs231n_pixels_example

    ex = cs231n_pixels_example()
    return ex.W, ex.b


# ---------------------------------------------------------------- generated shapes
SHAPE_NAMES = ("stripes", "ring", "cross", "blob", "diagonals", "frame")
SIZE = 8  # shapes are SIZE x SIZE images


def _shape(k: int, u: np.ndarray, v: np.ndarray, rng: np.random.Generator, n: int) -> np.ndarray:
    """Intensity in [0, 1] of class k's shape, (n, SIZE, SIZE), at centred coordinates u (column), v (row).

    Every shape is smooth (Gaussian edges of width 0.6 pixel), so a sub-pixel shift changes each pixel a
    little: the classes stay linearly separable, and a template (the average image) looks like its shape.
    """
    def line(d):  # a soft line at signed distance d from the point
        return np.exp(-(d * d) / (2 * 0.6 ** 2))

    radius = np.hypot(u, v)
    if k == 0:  # horizontal stripes, two pixels on and two off: period 4
        return 0.5 + 0.5 * np.cos(2 * np.pi * v / 4)
    if k == 1:  # a ring of radius 2.2 .. 2.8
        return line(radius - rng.uniform(2.2, 2.8, (n, 1, 1)))
    if k == 2:  # a plus sign through the centre
        return np.maximum(line(u), line(v))
    if k == 3:  # a filled blob of width 1.2 .. 1.8
        return np.exp(-radius ** 2 / (2 * rng.uniform(1.2, 1.8, (n, 1, 1)) ** 2))
    if k == 4:  # the two diagonals, an x: the distance to the line u = +-v is |u -+ v| / sqrt(2)
        return np.maximum(line((u - v) / np.sqrt(2)), line((u + v) / np.sqrt(2)))
    return line(np.maximum(np.abs(u), np.abs(v)) - 3.0)  # k == 5: a square frame 3 pixels from the centre


def shapes(n: int, *, noise: float = 0.2, seed=0, n_classes: int = 4) -> Data:
    """Generated 8x8 images of simple shapes: X (n, 64) in [0, 1], y (n,); class k is SHAPE_NAMES[k].

    Each image is its class's shape shifted by up to half a pixel in each direction, drawn with a random
    contrast in [0.7, 1] on a random background level in [0, 0.15], plus Gaussian pixel noise of std
    `noise`, then clipped to [0, 1].  Classes are balanced (counts differ by at most 1) and shuffled.
    Deterministic per seed.
    """
    from linviz.datasets import _rng

    if not _is_int(n_classes) or not 2 <= n_classes <= len(SHAPE_NAMES):
        raise ValueError(f"shapes supports n_classes from 2 to {len(SHAPE_NAMES)}; got n_classes={n_classes!r}")
    _check_count("shapes", n, n_classes, MAX_N)
    noise = check_nonnegative("noise", noise)
    rng = _rng(seed)
    y = rng.permutation(np.arange(n) % n_classes).astype(np.intp)
    grid = np.arange(SIZE) - (SIZE - 1) / 2  # pixel centres at -3.5 .. 3.5
    images = np.empty((n, SIZE, SIZE))
    for k in range(n_classes):
        idx = np.flatnonzero(y == k)
        m = len(idx)
        shift = rng.uniform(-0.5, 0.5, (2, m, 1, 1))
        u = grid[None, None, :] - shift[0]  # (m, 1, SIZE)
        v = grid[None, :, None] - shift[1]  # (m, SIZE, 1)
        u, v = np.broadcast_arrays(u, v)
        contrast = rng.uniform(0.7, 1.0, (m, 1, 1))
        background = rng.uniform(0.0, 0.15, (m, 1, 1))
        images[idx] = background + contrast * (1 - background) * _shape(k, u, v, rng, m)
    X = images.reshape(n, SIZE * SIZE)
    return np.clip(X + noise * rng.standard_normal(X.shape), 0.0, 1.0), y


# ---------------------------------------------------------------- real handwritten digits
def _read_digits() -> np.ndarray:
    """The (1797, 65) table of scikit-learn's digits: 64 grey levels 0..16 and the digit, per row.

    Importing scikit-learn takes seconds (it loads scipy), so the CSV file that ships inside its wheel
    is read directly; `find_spec` locates the package without importing it.  If a future version moves
    the file, `load_digits` is used instead.
    """
    spec = find_spec("sklearn")
    if spec is None or spec.origin is None:
        raise ImportError(f"the digits data set needs scikit-learn, which is not installed: {SKLEARN_HINT}")
    path = Path(spec.origin).parent / DIGITS_CSV
    if path.is_file():
        table = np.loadtxt(path, delimiter=",")
        if table.shape == (1797, 65):
            return table
    from sklearn.datasets import load_digits

    data = load_digits()
    return np.column_stack([data.data, data.target])


@functools.lru_cache(maxsize=1)
def _digits_arrays() -> Data:
    """All 1,797 digits: X (1797, 64) in [0, 1], y (1797,) in 0..9, both read-only."""
    table = _read_digits()
    X = table[:, :64] / 16.0  # grey levels 0..16 -> [0, 1]
    y = table[:, 64].astype(np.intp)
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y


def _digit_classes(n_classes: int, classes) -> tuple[int, ...]:
    if classes is None:
        if not _is_int(n_classes) or not 2 <= n_classes <= 10:
            raise ValueError(f"digits supports n_classes from 2 to 10; got n_classes={n_classes!r}")
        return tuple(range(n_classes))
    chosen = tuple(classes)
    if (len(chosen) < 2 or len(set(chosen)) != len(chosen)
            or not all(_is_int(d) and 0 <= d <= 9 for d in chosen)):
        raise ValueError(f"classes must be 2 to 10 different digits from 0 to 9, got {classes!r}")
    return tuple(int(d) for d in chosen)


def digits_available(n_classes: int = 10, classes=None) -> int:
    """How many images the digits `classes` (default 0 .. n_classes - 1) have in all."""
    _, target = _digits_arrays()
    return int(np.isin(target, _digit_classes(n_classes, classes)).sum())


def digits(n: int, *, noise: float = 0.0, seed=0, n_classes: int = 10, classes=None) -> Data:
    """Real handwritten 8x8 digits (scikit-learn's `load_digits`): X (n, 64) in [0, 1], y (n,).

    `classes` picks the digits, in order: classes=(0, 1, 7) makes label 0 the digit 0, label 1 the
    digit 1 and label 2 the digit 7.  Without it, the first n_classes digits 0 .. n_classes - 1.
    n images are drawn without replacement and stratified (each digit in proportion to its count);
    n = digits_available(...) takes them all.  Deterministic per seed; needs scikit-learn.
    """
    from linviz.datasets import _rng

    chosen = _digit_classes(n_classes, classes)
    images, target = _digits_arrays()
    keep = np.flatnonzero(np.isin(target, chosen))
    _check_count("digits", n, len(chosen), len(keep))
    noise = check_nonnegative("noise", noise)
    rng = _rng(seed)
    label = np.argmax(target[keep, None] == np.array(chosen), axis=1)  # position of each digit in `chosen`
    # Stratified pick of n of the N kept images: random order within each class, classes end to end,
    # then n evenly spaced positions (as in datasets.train_test_split), so each class gets its share.
    N = len(keep)
    order = rng.permutation(N)
    order = order[np.argsort(label[order], kind="stable")]
    j = np.arange(N)
    pick = rng.permutation(order[((j + 1) * n) // N > (j * n) // N])
    return _noisy(images[keep[pick]], noise, rng, 0.0, 1.0), label[pick].astype(np.intp)


def digits_split(classes=(0, 1, 7), *, test_fraction: float = 0.25, seed=0) -> tuple[np.ndarray, ...]:
    """All images of the chosen digits, split stratified and seeded: (X_train, y_train, X_test, y_test)."""
    from linviz.datasets import train_test_split

    X, y = digits(digits_available(classes=classes), classes=classes, seed=seed)
    return train_test_split(X, y, test_fraction=test_fraction, seed=seed)


# ---------------------------------------------------------------- the registry
@dataclass(frozen=True)
class ImageSet:
    """What a page needs to know about an image data set besides its (X, y)."""

    generate: Callable[..., Data]  # (n, *, noise, seed, n_classes) -> X (n, H * W), y (n,)
    image_shape: tuple[int, int]  # (H, W)
    class_names: tuple[str, ...]  # label k is class_names[k]; the first n_classes are used
    class_range: tuple[int, int]  # (min, max) n_classes
    pixel_range: tuple[float, float]  # every pixel lies in [lo, hi]
    default_noise: float  # a noise level at which the images still look like their class
    max_n: Callable[[int], int]  # max_n(n_classes): the most images generate() can return
    params: Callable[[], tuple[np.ndarray, np.ndarray]] | None = None  # the lecture's (W, b), if any
    requires: str | None = None  # the package it needs beyond numpy, as a pip requirement


IMAGE_DATASETS: dict[str, ImageSet] = {
    "pixels": ImageSet(pixel_images, (2, 2), ("cat", "dog", "ship"), (3, 3), (0.0, 255.0), 0.0,
                       lambda n_classes: 1, params=_pixel_params),
    "shapes": ImageSet(shapes, (SIZE, SIZE), SHAPE_NAMES, (2, len(SHAPE_NAMES)), (0.0, 1.0), 0.2,
                       lambda n_classes: MAX_N),
    "digits": ImageSet(digits, (8, 8), tuple(str(d) for d in range(10)), (2, 10), (0.0, 1.0), 0.0,
                       lambda n_classes: digits_available(n_classes), requires="scikit-learn>=1.4,<2"),
}


def registry_entries() -> tuple[dict[str, Callable[..., Data]], dict[str, tuple[int, int]]]:
    """(generators, class ranges) in the form of linviz.datasets.DATASETS and CLASS_RANGE, to update them."""
    return ({name: s.generate for name, s in IMAGE_DATASETS.items()},
            {name: s.class_range for name, s in IMAGE_DATASETS.items()})


def sklearn_available() -> bool:
    """Whether the digits can be loaded (scikit-learn is installed)."""
    try:
        _digits_arrays()
    except ImportError:
        return False
    return True
