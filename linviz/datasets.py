"""Toy 2-D datasets, a seeded stratified train/test split, and the lecture's worked examples as data.

Every generator has the one signature ``(n, *, noise=0.1, seed=0, n_classes=3) -> (X, y)`` with
X : (n, 2) float64 and y : (n,) intp in [0, n_classes).  Classes are balanced (counts differ by at
most 1), the cloud is centred on the origin and, at the default noise, lies inside [-3, 3]^2 so a
plot can use fixed axes.  ``noise`` is always the std of Gaussian jitter in plot units.  ``seed`` is
an int (a fresh private Generator) or a ``np.random.Generator`` (used and advanced in place); the
global numpy RNG is never touched.  The 2-class datasets (xor, circles, moons) reject the default
n_classes=3: pass n_classes=2, or read the allowed range from ``CLASS_RANGE``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from linviz._checks import check_choice, check_data, check_nonnegative

Seed = int | np.random.Generator
Data = tuple[np.ndarray, np.ndarray]  # X (n, 2) float64, y (n,) intp
MAX_N = 100_000
SECTOR_OFFSET = np.pi / 6  # rotates the `separable` sectors so no boundary is axis-aligned

# (min_classes, max_classes) per dataset, so a UI can constrain its class slider.
CLASS_RANGE: dict[str, tuple[int, int]] = {
    "blobs": (2, 8), "separable": (2, 8), "xor": (2, 2), "circles": (2, 2), "moons": (2, 2), "spiral": (2, 8),
}


def _is_int(value: object) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _rng(seed: Seed) -> np.random.Generator:
    """A private Generator: an int seeds a new one; a Generator is used (and advanced) as is."""
    if isinstance(seed, np.random.Generator):
        return seed
    if not _is_int(seed) or seed < 0:
        raise ValueError(f"seed must be a non-negative int or a numpy Generator, got {seed!r}")
    return np.random.default_rng(int(seed))


def _setup(name: str, n: int, noise: float, seed: Seed, n_classes: int):
    """Validate the shared arguments; return (noise, rng, y) with y (n,) balanced and shuffled."""
    lo, hi = CLASS_RANGE[name]
    if not _is_int(n_classes) or not lo <= n_classes <= hi:
        allowed = f"exactly {lo} classes only" if lo == hi else f"n_classes from {lo} to {hi}"
        raise ValueError(f"dataset {name!r} supports {allowed}; got n_classes={n_classes!r}")
    if not _is_int(n) or not n_classes <= n <= MAX_N:
        raise ValueError(
            f"n must be an int from n_classes={n_classes} (one point per class) to {MAX_N}, got {n!r}")
    noise = check_nonnegative("noise", noise)
    rng = _rng(seed)
    # i % C gives every class floor(n/C) or ceil(n/C) points; shuffling the order helps SGD demos.
    y = rng.permutation(np.arange(n) % n_classes).astype(np.intp)
    return noise, rng, y


def _polar(r, theta) -> np.ndarray:
    """Points (N, 2) at radius r and angle theta (scalars or (N,) arrays)."""
    r, theta = np.broadcast_arrays(np.asarray(r, dtype=float), np.asarray(theta, dtype=float))
    return np.column_stack([r * np.cos(theta), r * np.sin(theta)])


def _angles(n_classes: int, offset: float) -> np.ndarray:
    """Angles (C,) evenly spaced around the circle: offset + 2 pi k / C."""
    return offset + 2.0 * np.pi * np.arange(n_classes) / n_classes


def blobs(n: int, *, noise: float = 0.1, seed: Seed = 0, n_classes: int = 3) -> Data:
    """Gaussian blobs: X (n, 2), y (n,); class k ~ N(mu_k, noise^2 I), mu_k on the circle of radius 2."""
    noise, rng, y = _setup("blobs", n, noise, seed, n_classes)
    mu = _polar(2.0, _angles(n_classes, np.pi / 2))  # (C, 2); the first centre is at the top
    return mu[y] + noise * rng.standard_normal((n, 2)), y


def separable_weights(n_classes: int) -> tuple[np.ndarray, np.ndarray]:
    """A perfect classifier for `separable`: W (C, 2) of unit sector directions and b = 0 (C,)."""
    if not _is_int(n_classes) or not 2 <= n_classes <= 8:
        raise ValueError(f"n_classes must be an int from 2 to 8, got {n_classes!r}")
    return _polar(1.0, _angles(n_classes, SECTOR_OFFSET)), np.zeros(n_classes)


def separable(n: int, *, noise: float = 0.1, seed: Seed = 0, n_classes: int = 3) -> Data:
    """Linearly separable angular sectors: X (n, 2), y (n,).

    Class k lives in the sector of half-width h = pi / C around the direction theta_k.  With
    w_k = (cos theta_k, sin theta_k) and b = 0 the score w_k . x = |x| cos(phi - theta_k) is largest
    for the centre direction nearest to the point's angle phi, so argmax recovers the sector.
    """
    noise, rng, y = _setup("separable", n, noise, seed, n_classes)
    half = np.pi / n_classes
    theta = _angles(n_classes, SECTOR_OFFSET)[y]  # (n,) centre direction of each point's class
    X = _polar(rng.uniform(0.8, 2.4, n), theta + rng.uniform(-0.6 * half, 0.6 * half, n))
    X += noise * rng.standard_normal((n, 2))
    # Jitter may push points across a boundary, so clamp them back in polar coordinates: the angle
    # offset to |phi - theta_k| <= 0.75 h (every other centre is then >= 1.25 h away) and the radius
    # to [0.5, 2.7].  Hence s_k - s_j >= 0.5 (cos(0.75 h) - cos(1.25 h)) > 0: separable for any noise.
    offset = np.arctan2(X[:, 1], X[:, 0]) - theta
    offset = (offset + np.pi) % (2.0 * np.pi) - np.pi  # wrap to [-pi, pi)
    r = np.clip(np.hypot(X[:, 0], X[:, 1]), 0.5, 2.7)
    return _polar(r, theta + np.clip(offset, -0.75 * half, 0.75 * half)), y


def xor(n: int, *, noise: float = 0.1, seed: Seed = 0, n_classes: int = 3) -> Data:
    """XOR quadrants (2 classes only): X (n, 2), y (n,); class 0 in quadrants I and III, class 1 in II, IV."""
    noise, rng, y = _setup("xor", n, noise, seed, n_classes)
    # |x1|, |x2| uniform in [0.15, 2]; class 0 gets equal signs and class 1 opposite signs, so the
    # label is [x1 x2 < 0]: a product of coordinates, which no single line through the plane can split.
    s1 = rng.choice([-1.0, 1.0], n)
    signs = np.column_stack([s1, np.where(y == 0, s1, -s1)])
    return signs * rng.uniform(0.15, 2.0, (n, 2)) + noise * rng.standard_normal((n, 2)), y


def circles(n: int, *, noise: float = 0.1, seed: Seed = 0, n_classes: int = 3) -> Data:
    """Two concentric circles (2 classes only): X (n, 2), y (n,); class 0 at radius 1, class 1 at radius 2."""
    noise, rng, y = _setup("circles", n, noise, seed, n_classes)
    # Separable by |x| (a feature x1^2 + x2^2 would make it linear), but by no line in the raw plane.
    X = _polar(np.where(y == 0, 1.0, 2.0), rng.uniform(0.0, 2.0 * np.pi, n))
    return X + noise * rng.standard_normal((n, 2)), y


def moons(n: int, *, noise: float = 0.1, seed: Seed = 0, n_classes: int = 3) -> Data:
    """Two interleaving half-moons (2 classes only): X (n, 2), y (n,)."""
    noise, rng, y = _setup("moons", n, noise, seed, n_classes)
    # Upper arc (cos t, sin t) and lower arc (1 - cos t, 1/2 - sin t) for t in [0, pi] (as in sklearn);
    # their joint mean (1/2, 1/4) is moved to the origin and the result scaled by 1.5 to fill the plot.
    t = rng.uniform(0.0, np.pi, n)
    upper = np.column_stack([np.cos(t), np.sin(t)])
    lower = np.column_stack([1.0 - np.cos(t), 0.5 - np.sin(t)])
    X = 1.5 * (np.where((y == 0)[:, None], upper, lower) - [0.5, 0.25])
    return X + noise * rng.standard_normal((n, 2)), y


def spiral(n: int, *, noise: float = 0.1, seed: Seed = 0, n_classes: int = 3) -> Data:
    """Interleaved spiral arms, one per class: X (n, 2), y (n,)."""
    noise, rng, y = _setup("spiral", n, noise, seed, n_classes)
    # Arm k at arc position s in [0, 1]: radius 2.4 s, angle 2 pi k / C + 4 s (CS231n's spiral winds
    # 4 radians per arm).  Each arm is the first one rotated by 2 pi k / C, so the classes interleave.
    s = rng.uniform(0.0, 1.0, n)
    X = _polar(2.4 * s, _angles(n_classes, 0.0)[y] + 4.0 * s)
    return X + noise * rng.standard_normal((n, 2)), y


DATASETS: dict[str, Callable[..., Data]] = {
    "blobs": blobs, "separable": separable, "xor": xor, "circles": circles, "moons": moons, "spiral": spiral,
}


def make_dataset(name: str, n: int, *, noise: float = 0.1, seed: Seed = 0,
                 n_classes: int = 3) -> Data:
    """Generate DATASETS[name]: X (n, 2), y (n,); an unknown name raises ValueError listing the valid ones."""
    generator = check_choice("dataset", name, DATASETS)
    return generator(n, noise=noise, seed=seed, n_classes=n_classes)


def train_test_split(X: np.ndarray, y: np.ndarray, *, test_fraction: float = 0.25,
                     seed: Seed = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Stratified shuffled split: X_train (N - M, D), y_train (N - M,), X_test (M, D), y_test (M,).

    M = round(test_fraction * N), capped at N - 1 so the training set is never empty.
    """
    X, y = check_data(X, y)
    test_fraction = check_nonnegative("test_fraction", test_fraction)
    if test_fraction > 0.9:
        raise ValueError(f"test_fraction must lie in [0, 0.9], got {test_fraction!r}")
    rng = _rng(seed)
    N = y.shape[0]
    M = min(round(test_fraction * N), N - 1)
    # Random order within each class, classes laid end to end (a stable sort keeps the shuffle) ...
    order = rng.permutation(N)
    order = order[np.argsort(y[order], kind="stable")]
    # ... then pick M evenly spaced positions: position j is picked when floor(j M / N) steps up.  A run
    # of c same-class positions then holds floor or ceil of c M / N picks: each class is split pro rata.
    j = np.arange(N)
    pick = ((j + 1) * M) // N > (j * M) // N
    train, test = rng.permutation(order[~pick]), rng.permutation(order[pick])
    return X[train], y[train], X[test], y[test]


# ---------------------------------------------------------------- the lecture's worked examples
def _frozen(values, dtype=float) -> np.ndarray:
    """A read-only array, so a shared example cannot be edited by accident."""
    a = np.array(values, dtype=dtype)
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class LectureExample:
    """Three images, three classes: X (3, 3), y (3,), W (3, 3), b (3,), scores (3, 3) = X W^T + b."""

    class_names: tuple[str, ...]
    X: np.ndarray  # (3, 3); the slides give scores, not pixels, so X holds the scores themselves
    y: np.ndarray  # (3,) true class of each image
    W: np.ndarray  # (3, 3) identity ...
    b: np.ndarray  # (3,) zeros ... so X W^T + b reproduces the slide's scores exactly
    scores: np.ndarray  # (3, 3); row i = the score vector of image i, column j = class j


def lecture_example() -> LectureExample:
    """The slides' cat / car / frog scores: with margin 1 the SVM losses are 2.9, 0, 12.9 (mean 5.27)."""
    # Image 0 (a cat): hinge max(0, 5.1 - 3.2 + 1) + max(0, -1.7 - 3.2 + 1) = 2.9 + 0.  Softmax of
    # (3.2, 5.1, -1.7): exp = (24.5, 164.0, 0.18), probabilities (0.13, 0.87, 0.00).
    scores = [[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]]
    return LectureExample(
        class_names=("cat", "car", "frog"), X=_frozen(scores), y=_frozen([0, 1, 2], np.intp),
        W=_frozen(np.eye(3)), b=_frozen(np.zeros(3)), scores=_frozen(scores),
    )


@dataclass(frozen=True, eq=False)
class PixelExample:
    """CS231n's 4-pixel image: x (4,), W (3, 4), b (3,), scores (3,) = W x + b, slide_scores (3,)."""

    class_names: tuple[str, ...]
    x: np.ndarray  # (4,) pixel values of the (cat) image, flattened
    y: int  # true class: 0, "cat"
    W: np.ndarray  # (3, 4)
    b: np.ndarray  # (3,)
    scores: np.ndarray  # (3,) W x + b = (-96.8, 437.9, 60.75)
    # The slide prints (-96.8, 437.9, 61.95): its ship score 61.95 is W x without the bias -1.2.
    slide_scores: np.ndarray


def cs231n_pixels_example() -> PixelExample:
    """The classic 4-pixel, 3-class example; the dog score wins although the image is a cat."""
    x = np.array([56.0, 231.0, 24.0, 2.0])
    W = np.array([[0.2, -0.5, 0.1, 2.0], [1.5, 1.3, 2.1, 0.0], [0.0, 0.25, 0.2, -0.3]])
    b = np.array([1.1, 3.2, -1.2])
    return PixelExample(
        class_names=("cat", "dog", "ship"), x=_frozen(x), y=0, W=_frozen(W), b=_frozen(b),
        scores=_frozen(W @ x + b), slide_scores=_frozen([-96.8, 437.9, 61.95]),
    )
