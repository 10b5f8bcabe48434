"""Tests for linviz.viewpoints: templates, contribution maps, and the 2-D planes of image space."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from linviz.images import shapes
from linviz.landscape import decision_grid, decision_regions
from linviz.model import predict, scores
from linviz.train import train
from linviz.viewpoints import class_mean_plane, contributions, pca_plane, templates


@pytest.fixture(scope="module")
def trained():
    """Shapes (4 classes) and a softmax classifier trained on them."""
    X, y = shapes(200, noise=0.2, seed=0, n_classes=4)
    h = train(X, y, loss="softmax", reg=1e-3, lr=1.0, steps=100)
    return X, y, h


# ---------------------------------------------------------------- templates and contributions
def _templates_naive(W, H, Wd):
    out = np.zeros((W.shape[0], H, Wd))
    for k in range(W.shape[0]):
        for r in range(H):
            for c in range(Wd):
                out[k, r, c] = W[k, r * Wd + c]  # row-major: pixel (r, c) is feature r * width + c
    return out


def test_templates_are_the_rows_of_W_as_images(trained):
    _, _, h = trained
    W = h.W[-1]
    t = templates(W, (8, 8))
    np.testing.assert_array_equal(t.images, _templates_naive(W, 8, 8))
    assert t.limit == np.abs(W).max()


def test_templates_of_a_history_share_one_colour_range(trained):
    _, _, h = trained
    t = templates(h.W, (8, 8))
    assert t.images.shape == (len(h.W), 4, 8, 8)
    np.testing.assert_array_equal(t.images[-1], templates(h.W[-1], (8, 8)).images)
    assert t.limit == np.abs(h.W).max() > templates(h.W[0], (8, 8)).limit  # the start is small, the range is not


def test_templates_of_zeros_get_a_usable_range():
    assert templates(np.zeros((3, 4)), (2, 2)).limit == 1.0


@pytest.mark.parametrize("shape", [(3, 3), (8,), "8x8", (0, 16)])
def test_templates_reject_a_wrong_image_shape(shape):
    with pytest.raises(ValueError, match="image_shape"):
        templates(np.zeros((3, 16)), shape)


def test_templates_reject_non_finite_weights():
    with pytest.raises(ValueError, match="finite"):
        templates(np.full((3, 4), np.nan), (2, 2))


@given(seed=st.integers(0, 2**31), C=st.integers(1, 5), H=st.integers(1, 4), Wd=st.integers(1, 4))
def test_contributions_sum_to_the_scores(seed, C, H, Wd):
    rng = np.random.default_rng(seed)
    W, b, x = rng.standard_normal((C, H * Wd)), rng.standard_normal(C), rng.uniform(0, 1, H * Wd)
    c = contributions(W, b, x, (H, Wd))
    for k in range(C):  # naive twin: pixel by pixel
        for r in range(H):
            for col in range(Wd):
                assert c.maps[k, r, col] == W[k, r * Wd + col] * x[r * Wd + col]
    np.testing.assert_allclose(c.maps.sum(axis=(1, 2)) + b, scores(W, b, x[None])[0], rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(c.scores, c.maps.sum(axis=(1, 2)) + c.bias)
    assert c.limit >= np.abs(c.maps).max()


def test_contributions_reject_a_wrong_image():
    with pytest.raises(ValueError, match="one finite image of 4 pixels"):
        contributions(np.zeros((3, 4)), np.zeros(3), np.zeros(5), (2, 2))


# ---------------------------------------------------------------- planes of image space
def _check_orthonormal(plane):
    np.testing.assert_allclose(plane.axes @ plane.axes.T, np.eye(2), atol=1e-12)


def test_class_mean_plane_holds_both_class_means(trained):
    X, y, _ = trained
    plane = class_mean_plane(X, y, 1, 3, class_names=("stripes", "ring", "cross", "blob"))
    _check_orthonormal(plane)
    np.testing.assert_allclose(plane.origin, X.mean(axis=0), atol=1e-12)
    means = np.array([X[y == 1].mean(axis=0), X[y == 3].mean(axis=0)])
    np.testing.assert_allclose(plane.distance(means), 0.0, atol=1e-12)
    z = plane.project(means)
    assert z[0, 0] > 0 and abs(z[0, 1]) < 1e-12  # axis 1 points from the mean to the ring's mean
    assert z[1, 1] > 0  # and the blob's mean is on the positive side of axis 2
    assert plane.labels == ("towards the mean ring", "towards the mean blob")


def test_with_two_classes_axis_2_is_the_largest_remaining_variance():
    X, y = shapes(200, noise=0.2, seed=0, n_classes=2)
    plane = class_mean_plane(X, y, 0, 1)  # the overall mean lies on the line through the two means
    _check_orthonormal(plane)
    assert plane.labels == ("towards the mean 0", "largest remaining variance")
    e1 = X[y == 0].mean(axis=0) - X.mean(axis=0)
    e1 /= np.linalg.norm(e1)
    np.testing.assert_allclose(plane.axes[0], e1, atol=1e-12)
    # oracle: the top eigenvector of the covariance of the data with its e1 component removed
    Xc = X - X.mean(axis=0)
    Xc -= np.outer(Xc @ e1, e1)
    _, vecs = np.linalg.eigh(Xc.T @ Xc)
    assert abs(vecs[:, -1] @ plane.axes[1]) == pytest.approx(1.0, abs=1e-9)
    np.testing.assert_allclose(plane.distance(X[y == 1].mean(axis=0)[None]), 0.0, atol=1e-12)


def test_pca_plane_is_the_top_two_principal_components(trained):
    X, _, _ = trained
    plane = pca_plane(X)
    _check_orthonormal(plane)
    Xc = X - X.mean(axis=0)
    _, vecs = np.linalg.eigh(Xc.T @ Xc)  # oracle: eigenvectors of the scatter matrix, ascending
    for k, v in enumerate((vecs[:, -1], vecs[:, -2])):
        assert abs(v @ plane.axes[k]) == pytest.approx(1.0, abs=1e-9)
        assert plane.axes[k][np.argmax(np.abs(plane.axes[k]))] > 0  # a fixed sign: reproducible pictures


def test_project_and_lift_are_inverse_on_the_plane(trained):
    X, _, _ = trained
    plane = pca_plane(X)
    Z = np.random.default_rng(0).standard_normal((20, 2))
    np.testing.assert_allclose(plane.project(plane.lift(Z)), Z, atol=1e-12)
    np.testing.assert_allclose(plane.distance(plane.lift(Z)), 0.0, atol=1e-12)
    # projecting drops only the part orthogonal to the plane: Pythagoras
    d = X - plane.origin
    np.testing.assert_allclose((d * d).sum(axis=1),
                               (plane.project(X) ** 2).sum(axis=1) + plane.distance(X) ** 2, rtol=1e-10)


@pytest.mark.parametrize("which", ["class means", "pca"])
def test_restricted_classifier_agrees_with_the_full_one_on_the_plane(trained, which):
    X, y, h = trained
    W, b = h.W[-1], h.b[-1]
    plane = class_mean_plane(X, y, 0, 2) if which == "class means" else pca_plane(X)
    W2, b2 = plane.restrict(W, b)
    assert W2.shape == (4, 2) and b2.shape == (4,)
    Z = np.random.default_rng(1).uniform(-3, 3, (500, 2))
    full = scores(W, b, plane.lift(Z))
    np.testing.assert_allclose(Z @ W2.T + b2, full, rtol=1e-12, atol=1e-12 * np.abs(full).max())
    np.testing.assert_array_equal(predict(W2, b2, Z), predict(W, b, plane.lift(Z)))
    # the projected data: each projection is classified in 2-D exactly as its lift is in image space
    Zx = plane.project(X)
    np.testing.assert_array_equal(predict(W2, b2, Zx), predict(W, b, plane.lift(Zx)))


def test_restricted_classifier_draws_with_the_2d_tools(trained):
    X, y, h = trained
    plane = class_mean_plane(X, y, 0, 1)
    W2, b2 = plane.restrict(h.W[-1], h.b[-1])
    grid = decision_grid(W2, b2, (-3, 3, -3, 3), resolution=41)
    gx, gy = np.meshgrid(grid.xs, grid.ys)
    lifted = plane.lift(np.column_stack([gx.ravel(), gy.ravel()]))
    np.testing.assert_array_equal(grid.classes.ravel(), predict(h.W[-1], h.b[-1], lifted))
    assert len(decision_regions(W2, b2, (-3, 3, -3, 3))) == 4


def test_restrict_rejects_a_classifier_of_another_size(trained):
    X, _, _ = trained
    with pytest.raises(ValueError, match="columns"):
        pca_plane(X).restrict(np.zeros((3, 10)), np.zeros(3))


@pytest.mark.parametrize("first, second, message", [
    (1, 1, "two different classes"), (0, 9, "class 9 has no images"), (True, 1, "has no images"),
])
def test_class_mean_plane_rejects_bad_classes(trained, first, second, message):
    X, y, _ = trained
    with pytest.raises(ValueError, match=message):
        class_mean_plane(X, y, first, second)


def test_images_on_a_line_have_no_plane():
    X = np.outer(np.arange(5.0), np.ones(4))  # five images on one line through the origin
    with pytest.raises(ValueError, match="span less than a plane"):
        pca_plane(X)
    with pytest.raises(ValueError, match="span less than a plane"):
        class_mean_plane(X, np.array([0, 0, 1, 1, 1]), 0, 1)
    with pytest.raises(ValueError, match="finite images"):
        pca_plane(np.zeros((0, 4)))
