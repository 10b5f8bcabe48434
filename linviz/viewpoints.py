"""The visual and geometric viewpoints of a linear classifier on images (numpy only).

Visual: row k of W has one weight per pixel, so reshaped to the image it is a *template*, and the score
    s_k = w_k . x + b_k = sum over pixels of (w_k * x) + b_k
is the sum of the *contribution map* w_k * x (elementwise) plus the bias.

Geometric: an image is a point of R^P (P pixels).  A plane through an origin o spanned by orthonormal
axes e1, e2 is the set of images x = o + z1 e1 + z2 e2.  On it the scores are
    W (o + E^T z) + b = (W E^T) z + (W o + b),
again a linear classifier, now in 2-D: W' = W E^T (C, 2), b' = W o + b (C,).  So its regions and lines
on the plane are exact, and every 2-D tool (landscape.decision_regions, ...) draws them.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from linviz._checks import check_data, check_params


# ---------------------------------------------------------------- visual viewpoint
def _check_shape(image_shape, P: int) -> tuple[int, int]:
    try:
        H, W = (int(v) for v in image_shape)
    except (TypeError, ValueError):
        raise ValueError(f"image_shape must be (height, width), got {image_shape!r}") from None
    if H < 1 or W < 1 or H * W != P:
        raise ValueError(f"image_shape {image_shape!r} does not hold the {P} pixels of each template")
    return H, W


def _limit(values: np.ndarray) -> float:
    """Half-width of a colour range centred at 0 that holds every value (1.0 when all are 0)."""
    top = float(np.abs(values).max()) if values.size else 0.0
    return top if top > 0 else 1.0


@dataclass(frozen=True)
class Templates:
    images: np.ndarray  # (..., C, H, W): template k is W[..., k, :] reshaped to the image
    limit: float  # one symmetric colour range [-limit, limit] for all of them (0 sits in the middle)


def templates(W: np.ndarray, image_shape: tuple[int, int]) -> Templates:
    """Rows of W (C, P) -- or of a training history's Ws (T, C, P) -- as images, on one colour range.

    A history gets one range over all its steps, so a template that fades in during playback does.
    """
    W = np.asarray(W, dtype=float)
    if W.ndim not in (2, 3) or not np.all(np.isfinite(W)):
        raise ValueError(f"W must be finite, of shape (C, P) or (T, C, P), got shape {W.shape}")
    H, Wd = _check_shape(image_shape, W.shape[-1])
    return Templates(W.reshape(*W.shape[:-1], H, Wd), _limit(W))


@dataclass(frozen=True)
class Contributions:
    maps: np.ndarray  # (C, H, W): w_k * x, pixel by pixel
    bias: np.ndarray  # (C,) b_k
    scores: np.ndarray  # (C,) maps[k].sum() + bias[k] = w_k . x + b_k
    limit: float  # one symmetric colour range for all C maps


def contributions(W: np.ndarray, b: np.ndarray, x: np.ndarray, image_shape: tuple[int, int]) -> Contributions:
    """How much each pixel of image x (P,) adds to each class's score: W (C, P), b (C,)."""
    W, b = check_params(W, b)
    x = np.asarray(x, dtype=float)
    if x.shape != (W.shape[1],) or not np.all(np.isfinite(x)):
        raise ValueError(f"x must be one finite image of {W.shape[1]} pixels, shape ({W.shape[1]},); got {x.shape}")
    H, Wd = _check_shape(image_shape, W.shape[1])
    maps = W * x  # (C, P): row k is w_k * x
    return Contributions(maps.reshape(-1, H, Wd), b.copy(), maps.sum(axis=1) + b, _limit(maps))


# ---------------------------------------------------------------- geometric viewpoint
@dataclass(frozen=True)
class ImagePlane:
    """The plane {origin + z @ axes : z in R^2} of image space, with orthonormal axes."""

    origin: np.ndarray  # (P,)
    axes: np.ndarray  # (2, P), orthonormal rows e1, e2
    labels: tuple[str, str]  # what each axis means, for a plot

    def project(self, X: np.ndarray) -> np.ndarray:
        """Coordinates (N, 2) of the images X (N, P) projected orthogonally onto the plane."""
        return (np.asarray(X, dtype=float) - self.origin) @ self.axes.T

    def lift(self, Z: np.ndarray) -> np.ndarray:
        """The images (N, P) at plane coordinates Z (N, 2)."""
        return self.origin + np.asarray(Z, dtype=float) @ self.axes

    def distance(self, X: np.ndarray) -> np.ndarray:
        """Distance (N,) of each image from the plane: what the projection drops."""
        X = np.asarray(X, dtype=float)
        return np.linalg.norm(X - self.lift(self.project(X)), axis=1)

    def restrict(self, W: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The classifier on the plane, W' (C, 2) and b' (C,): scores(lift(z)) = z W'^T + b' exactly."""
        W, b = check_params(W, b, D=self.origin.shape[0])
        return W @ self.axes.T, W @ self.origin + b


def _check_images(X) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[0] == 0 or not np.all(np.isfinite(X)):
        raise ValueError(f"X must be finite images of shape (N, P) with N >= 1, got shape {X.shape}")
    return X


def _add_axis(axes: list, v: np.ndarray, tol: float) -> bool:
    """Gram-Schmidt: append the part of v orthogonal to `axes`, normalized, unless it is ~0."""
    r = v - sum((v @ e) * e for e in axes)
    norm = float(np.linalg.norm(r))
    if norm <= tol:
        return False
    axes.append(r / norm)
    return True


def _complete(axes: list, Xc: np.ndarray, tol: float) -> np.ndarray:
    """Add to `axes` the directions of largest variance of the centred images Xc (N, P) orthogonal to them, until
    there are two; rows (2, P).  Each new one's sign makes its largest-magnitude entry positive.

    One eigendecomposition of the P x P scatter matrix of what the axes leave over, R^T R with R = Xc (I - A^T A):
    its eigenvectors are R's right singular vectors and its eigenvalues their squared singular values, so the top
    two are the principal directions, at the cost of one (N, P) x (P, N) product and a P x P eigh (an SVD of the
    N x P data, once per axis, took 0.3-0.75 s at N = 1797, P = 64 on a loaded machine)."""
    if len(axes) >= 2:
        return np.array(axes)
    scatter = Xc.T @ Xc  # (P, P)
    if axes:  # what the axes leave over: Q S Q with the projection Q = I - A^T A onto their complement
        A = np.array(axes)
        Q = np.eye(Xc.shape[1]) - A.T @ A
        scatter = Q @ scatter @ Q
    variances, vectors = np.linalg.eigh(scatter)  # ascending; scatter = V diag(variances) V^T
    # below this a direction is flat: the data's own tolerance, or the rounding of the squared scatter (relative
    # eps: eigh's error on a matrix of norm lambda_max, which an SVD of Xc would not have squared)
    flat = max(len(Xc) * tol**2, 1e3 * np.finfo(float).eps * max(float(variances[-1]), 0.0))
    for j in range(1, 3 - len(axes)):
        if variances[-j] <= flat:
            raise ValueError("the images span less than a plane (all on one line or one point): no 2-D slice")
        v = vectors[:, -j]
        _add_axis(axes, v if v[np.argmax(np.abs(v))] > 0 else -v, 0.0)
    return np.array(axes)


def pca_plane(X: np.ndarray) -> ImagePlane:
    """The plane through the mean image along the two directions of largest variance; X (N, P)."""
    X = _check_images(X)
    mean = X.mean(axis=0)
    tol = 1e-9 * max(float(np.abs(X).max()), 1e-300)
    return ImagePlane(mean, _complete([], X - mean, tol), ("principal component 1", "principal component 2"))


def class_mean_plane(X: np.ndarray, y: np.ndarray, first: int, second: int,
                     class_names: tuple[str, ...] | None = None) -> ImagePlane:
    """The plane through the overall mean image m and the mean images m_a, m_b of classes a and b.

    Axis 1 points from m to m_a; axis 2 is m_b - m made orthogonal to it, so both class means lie on
    the plane.  With two classes m lies on the line through m_a and m_b; then (and whenever the three
    are on one line) axis 2 is the data's direction of largest variance orthogonal to axis 1.
    """
    X, y = check_data(X, y)
    present = np.unique(y).tolist()
    for k in (first, second):
        if isinstance(k, (bool, np.bool_)) or not isinstance(k, (int, np.integer)) or k not in present:
            raise ValueError(f"class {k!r} has no images here; choose among {present}")
    if first == second:
        raise ValueError(f"the plane needs two different classes, got {first!r} twice")
    mean = X.mean(axis=0)
    tol = 1e-9 * max(float(np.abs(X).max()), 1e-300)
    name = (lambda k: class_names[k]) if class_names else str
    axes, labels = [], []
    for k in (first, second):
        if _add_axis(axes, X[y == k].mean(axis=0) - mean, tol):
            labels.append(f"towards the mean {name(k)}")
    labels += ["largest remaining variance"] * (2 - len(labels))
    return ImagePlane(mean, _complete(axes, X - mean, tol), (labels[0], labels[1]))
