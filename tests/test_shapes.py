"""linviz.shapes: the hinge and cross-entropy curves against the lead, and the data set's dots on them."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from linviz.datasets import make_dataset
from linviz.lecture_examples import lecture_example
from linviz.losses import softmax_loss, svm_loss
from linviz.model import init_params
from linviz.shapes import loss_shapes, loss_shapes_at


def shapes_naive(S, y, delta):
    """Loop twin: per example, the leads over each rival, the hinge terms, and the soft lead."""
    N, C = S.shape
    pair_lead = np.full((N, C), np.nan)
    terms = np.full((N, C), np.nan)
    lead, soft_lead, ce = np.empty(N), np.empty(N), np.empty(N)
    for i in range(N):
        rivals = [j for j in range(C) if j != y[i]]
        for j in rivals:
            pair_lead[i, j] = S[i, y[i]] - S[i, j]
            terms[i, j] = max(0.0, S[i, j] - S[i, y[i]] + delta)  # the slide's max form
        lead[i] = S[i, y[i]] - max(S[i, j] for j in rivals)
        soft_lead[i] = S[i, y[i]] - math.log(sum(math.exp(S[i, j]) for j in rivals))
        ce[i] = -math.log(math.exp(S[i, y[i]]) / sum(math.exp(s) for s in S[i]))
    return pair_lead, terms, lead, soft_lead, ce


def test_lecture_example_dots():
    ex = lecture_example()
    sh = loss_shapes(ex.scores, ex.y, delta=1.0)
    # the cat image: leads over car and frog are 3.2 - 5.1 = -1.9 and 3.2 + 1.7 = 4.9 -> terms 2.9 and 0
    np.testing.assert_allclose(sh.pair_lead[0, 1:], [-1.9, 4.9], atol=1e-12)
    np.testing.assert_allclose(sh.hinge_terms[0, 1:], [2.9, 0.0], atol=1e-12)
    np.testing.assert_allclose(sh.hinge_loss, [2.9, 0.0, 12.9], atol=1e-12)
    assert sh.done.tolist() == [False, True, False]  # the car image is the only one past the margin
    np.testing.assert_allclose(sh.lead, [3.2 - 5.1, 4.9 - 2.0, -3.1 - 2.5], atol=1e-12)
    assert sh.rival.tolist() == [1, 2, 1]
    # the softmax pipeline for the cat: -log(0.13)
    assert sh.ce_loss[0] == pytest.approx(-math.log(math.exp(3.2) / (math.exp(3.2) + math.exp(5.1) + math.exp(-1.7))))
    assert round(float(np.exp(-sh.ce_loss[0])), 2) == 0.13


@pytest.mark.parametrize("delta", [0.0, 0.5, 1.0, 2.5])
def test_kink_position_and_flat_region(delta):
    ex = lecture_example()
    sh = loss_shapes(ex.scores, ex.y, delta=delta, resolution=101)
    assert np.all(np.diff(sh.x) > 0)
    k = int(np.flatnonzero(sh.x == delta)[0])  # the kink is a grid point
    assert sh.hinge[k] == 0.0
    np.testing.assert_array_equal(sh.hinge[k:], 0.0)  # flat zero region right of the kink
    slopes = np.diff(sh.hinge[: k + 1]) / np.diff(sh.x[: k + 1])
    np.testing.assert_allclose(slopes, -1.0, rtol=1e-9)  # slope -1 to its left
    # cross-entropy: smooth, decreasing, never 0
    np.testing.assert_allclose(sh.cross_entropy, np.log1p(np.exp(-sh.x)), rtol=1e-12)
    assert np.all(np.diff(sh.cross_entropy) < 0) and np.all(sh.cross_entropy > 0)
    # the curves' axis covers every dot
    assert sh.x[0] <= np.nanmin(sh.pair_lead) and sh.x[-1] >= np.nanmax(sh.pair_lead)
    assert sh.x[0] <= sh.soft_lead.min() and sh.x[-1] >= sh.soft_lead.max()


@pytest.mark.parametrize("n_classes", [2, 3, 5])
@pytest.mark.parametrize("delta", [0.3, 1.0])
def test_dots_lie_on_the_curves_and_equal_the_losses(n_classes, delta):
    X, y = make_dataset("blobs", 60, noise=1.0, seed=4, n_classes=n_classes)
    rng = np.random.default_rng(0)
    W, b = rng.standard_normal((n_classes, 2)), rng.standard_normal(n_classes)
    sh = loss_shapes_at(W, b, X, y, delta=delta)
    hinge, ce = svm_loss(W, b, X, y, margin=delta), softmax_loss(W, b, X, y)
    # hinge dots: on max(0, delta - x), summing to the per-example loss of linviz.losses
    np.testing.assert_allclose(sh.hinge_terms, np.maximum(0.0, delta - sh.pair_lead))
    np.testing.assert_allclose(sh.hinge_loss, hinge.per_example, rtol=1e-12, atol=1e-12)
    # cross-entropy dots: on log(1 + e^-x), equal to -log p_y
    np.testing.assert_allclose(sh.ce_loss, np.logaddexp(0, -sh.soft_lead), rtol=1e-12)
    np.testing.assert_allclose(sh.ce_loss, ce.per_example, rtol=1e-10, atol=1e-12)
    # the hinge loss is 0 exactly when the lead over the strongest rival reaches delta
    np.testing.assert_array_equal(sh.done, hinge.per_example == 0)
    # the soft rival is at least the strongest rival
    assert np.all(sh.soft_lead <= sh.lead + 1e-12)
    if n_classes == 2:  # one rival: both losses are functions of the same lead
        np.testing.assert_allclose(sh.soft_lead, sh.lead, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(np.nanmin(sh.pair_lead, axis=1), sh.lead)


@given(S=hnp.arrays(float, st.tuples(st.integers(1, 6), st.integers(2, 5)), elements=st.floats(-30, 30)),
       data=st.data(), delta=st.floats(0, 3))
def test_matches_naive_loop(S, data, delta):
    y = np.array(data.draw(st.lists(st.integers(0, S.shape[1] - 1), min_size=len(S), max_size=len(S))))
    sh = loss_shapes(S, y, delta=delta)
    pair_lead, terms, lead, soft_lead, ce = shapes_naive(S, y, delta)
    np.testing.assert_allclose(sh.pair_lead, pair_lead, atol=1e-12)
    np.testing.assert_allclose(sh.hinge_terms, terms, atol=1e-12)
    np.testing.assert_allclose(sh.lead, lead, atol=1e-12)
    np.testing.assert_allclose(sh.soft_lead, soft_lead, rtol=1e-12, atol=1e-11)
    np.testing.assert_allclose(sh.ce_loss, ce, rtol=1e-9, atol=1e-12)


def test_huge_scores_stay_finite():
    S = np.array([[1e6, -1e6, 0.0], [-1e6, 1e6, 1e6 - 1]])
    sh = loss_shapes(S, np.array([1, 2]))
    assert np.all(np.isfinite(sh.ce_loss)) and np.all(np.isfinite(sh.soft_lead))
    assert sh.ce_loss[1] == pytest.approx(1.0 + math.log1p(math.exp(-1.0)) + math.log1p(math.exp(-2e6 - 1)))


def test_x_range_and_zero_weights():
    W, b = init_params(4, 2, method="zeros")
    X, y = make_dataset("blobs", 20, seed=0, n_classes=4)
    sh = loss_shapes_at(W, b, X, y, x_range=(-3, 3), resolution=7)
    assert sh.x[0] == -3 and sh.x[-1] == 3 and 1.0 in sh.x
    # all scores equal: every lead is 0, the hinge is C - 1 and the cross-entropy log C
    np.testing.assert_array_equal(sh.lead, 0.0)
    np.testing.assert_allclose(sh.hinge_loss, 3.0)
    np.testing.assert_allclose(sh.ce_loss, math.log(4))


@pytest.mark.parametrize(("args", "kwargs", "match"), [
    (([[1.0, 2.0]], [0]), {"delta": -1}, "delta must be a finite number >= 0"),
    (([[1.0], [2.0]], [0, 0]), {}, "C >= 2"),
    (([[1.0, np.nan]], [0]), {}, "scores must be finite"),
    (([[1.0, 2.0]], [2]), {}, r"labels y must lie in \[0, 2\)"),
    (([[1.0, 2.0]], [0]), {"x_range": (2, 1)}, "low < high"),
    (([[1.0, 2.0]], [0]), {"x_range": "wide"}, "x_range must be"),
    (([[1.0, 2.0]], [0]), {"resolution": 2}, "resolution must be an integer >= 3"),
])
def test_bad_input_is_a_clear_error(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        loss_shapes(*args, **kwargs)
