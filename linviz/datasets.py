"""Toy 2-D datasets and a seeded stratified train/test split (the lecture's worked examples as data:
linviz/lecture_examples.py).

Every generator has the one signature ``(n, *, noise=0.1, seed=0, n_classes=3) -> (X, y)`` with
X : (n, 2) float64 and y : (n,) intp in [0, n_classes).  Classes are balanced (counts differ by at
most 1), the cloud is centred on the origin and, at the default noise, lies inside [-3, 3]^2 so a
plot can use fixed axes.  ``noise`` is always the std of Gaussian jitter in plot units.  ``seed`` is
an int (a fresh private Generator) or a ``np.random.Generator`` (used and advanced in place); the
global numpy RNG is never touched.  The 2-class datasets (xor, circles, moons) reject the default
n_classes=3: pass n_classes=2, or read the allowed range from ``CLASS_RANGE``.

``REGISTRY`` says what each data set is (``DataSet``: generator, feature shape, class names, sizes, noise); besides
the toy 2-D sets it holds the 8x8 image sets of linviz.images (``shapes``, ``digits``: X (n, 64) in [0, 1]), so
every page that reads the registry works on images too.
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

# (min_classes, max_classes) per dataset, so a UI can constrain its class slider (filled from REGISTRY below).
CLASS_RANGE: dict[str, tuple[int, int]] = {}

# The noise (std of the jitter, plot units) a UI should start each dataset with: the largest at which its shape is
# still plain to see. Blobs overlap a little at 1.0 (the classes are not separable, which is the point); circles,
# moons, the spiral and XOR are one shapeless cloud at 1.0, and separable clamps most points to its sector edges.
# (Filled from REGISTRY below.)
DEFAULT_NOISE: dict[str, float] = {}


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
    if not _is_int(n_classes) or not 2 <= n_classes <= CLASS_RANGE["separable"][1]:
        raise ValueError(f"n_classes must be an int from 2 to {CLASS_RANGE['separable'][1]}, got {n_classes!r}")
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


@dataclass(frozen=True)
class DataSet:
    """What a data set is, in the one place every page reads it from: its generator (which makes X, y), the
    shape of one example, its class names, how many classes and examples it can have, and its noise.

    A 2-D toy set has feature_shape (2,); an image set (H, W), its X then holds the images flattened row by
    row, X (n, H * W).  Pages that draw the input plane draw an image set projected onto a plane of image space.
    """

    generate: Callable[..., Data]  # (n, *, noise, seed, n_classes) -> X (n, P), y (n,)
    class_range: tuple[int, int]  # (min, max) n_classes
    default_noise: float
    feature_shape: tuple[int, ...] = (2,)  # one example's shape: (2,) for points, (H, W) for an image
    class_names: tuple[str, ...] = ()  # label k is class_names[k]; () means "class 0", "class 1", ...
    max_n: Callable[[int], int] | None = None  # max_n(n_classes): the most examples it has (None: MAX_N)
    noise_applies: bool = True  # False: the set comes with its own noise (a UI hides the noise control)

    @property
    def n_features(self) -> int:
        """P, the number of features of one example (the columns of X)."""
        return int(np.prod(self.feature_shape))

    @property
    def is_image(self) -> bool:
        return len(self.feature_shape) == 2

    def names(self, n_classes: int) -> tuple[str, ...]:
        """The names of classes 0 .. n_classes - 1."""
        if self.class_names:
            return tuple(self.class_names[:n_classes])
        return tuple(f"class {k}" for k in range(n_classes))

    def most(self, n_classes: int) -> int:
        """The largest n this set can generate with n_classes classes."""
        return MAX_N if self.max_n is None else min(MAX_N, int(self.max_n(n_classes)))


def _image_entries() -> dict[str, DataSet]:
    """The generated shapes and the handwritten digits of linviz.images, as entries of this registry."""
    from linviz import images

    out = {}
    for name in ("shapes", "digits"):
        s = images.IMAGE_DATASETS[name]
        out[name] = DataSet(s.generate, s.class_range, s.default_noise, s.image_shape, s.class_names, s.max_n,
                            noise_applies=False)
    return out


REGISTRY: dict[str, DataSet] = {
    "blobs": DataSet(blobs, (2, 10), 1.0), "separable": DataSet(separable, (2, 10), 0.2),
    "xor": DataSet(xor, (2, 2), 0.15), "circles": DataSet(circles, (2, 2), 0.1),
    "moons": DataSet(moons, (2, 2), 0.1), "spiral": DataSet(spiral, (2, 10), 0.1),
    **_image_entries(),
}
DATASETS: dict[str, Callable[..., Data]] = {name: entry.generate for name, entry in REGISTRY.items()}
CLASS_RANGE.update({name: entry.class_range for name, entry in REGISTRY.items()})
DEFAULT_NOISE.update({name: entry.default_noise for name, entry in REGISTRY.items()})


def dataset_info(name: str) -> DataSet:
    """REGISTRY[name]; an unknown name raises ValueError listing the valid ones."""
    return check_choice("dataset", name, REGISTRY)


def make_dataset(name: str, n: int, *, noise: float = 0.1, seed: Seed = 0,
                 n_classes: int = 3) -> Data:
    """Generate DATASETS[name]: X (n, P), y (n,) (P = 2 for the toy sets, 64 for the 8x8 images); an unknown name
    raises ValueError listing the valid ones."""
    generator = check_choice("dataset", name, DATASETS)
    return generator(n, noise=noise, seed=seed, n_classes=n_classes)


def split_sizes(n: int, test_fraction: float) -> tuple[int, int]:
    """(N - M, M): the training- and test-set sizes train_test_split gives N = n examples.

    M = round(test_fraction * N), capped at N - 1 so the training set is never empty.
    """
    test_fraction = check_nonnegative("test_fraction", test_fraction)
    if test_fraction > 0.9:
        raise ValueError(f"test_fraction must lie in [0, 0.9], got {test_fraction!r}")
    if not _is_int(n) or n < 1:
        raise ValueError(f"n must be a positive int, got {n!r}")
    M = min(round(test_fraction * n), n - 1)
    return n - M, M


def train_test_split(X: np.ndarray, y: np.ndarray, *, test_fraction: float = 0.25,
                     seed: Seed = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Stratified shuffled split: X_train (N - M, D), y_train (N - M,), X_test (M, D), y_test (M,).

    M = round(test_fraction * N), capped at N - 1 so the training set is never empty (see split_sizes).
    """
    X, y = check_data(X, y)
    N = y.shape[0]
    M = split_sizes(N, test_fraction)[1]
    rng = _rng(seed)
    # Random order within each class, classes laid end to end (a stable sort keeps the shuffle) ...
    order = rng.permutation(N)
    order = order[np.argsort(y[order], kind="stable")]
    # ... then pick M evenly spaced positions: position j is picked when floor(j M / N) steps up.  A run
    # of c same-class positions then holds floor or ceil of c M / N picks: each class is split pro rata.
    j = np.arange(N)
    pick = ((j + 1) * M) // N > (j * M) // N
    train, test = rng.permutation(order[~pick]), rng.permutation(order[pick])
    return X[train], y[train], X[test], y[test]
