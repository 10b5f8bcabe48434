"""linviz.information (entropy, cross-entropy, KL, log-likelihood) and linviz.binary (the binary rule)."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from linviz.binary import binary_rule, sigmoid
from linviz.datasets import make_dataset
from linviz.information import (
    SLIDE_P_HAT,
    SLIDE_TRUE_CLASS,
    cross_entropy,
    divergence,
    edit_probability,
    entropy,
    kl_divergence,
    log_likelihood,
    normalize,
    one_hot,
    slide_kl_example,
)
from linviz.losses import softmax_loss
from linviz.model import predict


def kl_naive(p, q):
    total = 0.0
    for pk, qk in zip(p, q):
        if pk > 0:
            total += pk * math.log(pk / qk)
    return total


distributions = st.lists(st.floats(0.0, 1.0), min_size=1, max_size=10).filter(lambda w: sum(w) > 1e-3).map(
    lambda w: np.array(w) / sum(w))


# ---------------------------------------------------------------- the slide's numbers
def test_the_slide_example():
    ex = slide_kl_example()
    assert ex.p_hat.tolist() == [0.5, 0.01, 0.01, 0.01, 0.01, 0.01, 0.15, 0.3]
    assert ex.p_hat.sum() == pytest.approx(1.0, abs=1e-15)
    assert ex.p_star.tolist() == [0, 0, 0, 1, 0, 0, 0, 0]  # 8 classes; the slide's stray ninth 0 dropped
    assert ex.true_class == SLIDE_TRUE_CLASS == 3
    t = ex.terms
    assert t.entropy == 0.0  # a one-hot truth has no entropy
    assert t.kl == pytest.approx(-math.log(0.01)) == pytest.approx(4.60517, abs=1e-5)
    assert t.cross_entropy == t.kl  # -H(p*) + H(p*, p_hat) with H(p*) = 0
    np.testing.assert_array_equal(t.kl_terms[np.arange(8) != 3], 0.0)  # 0 log 0 = 0 for the other classes
    assert slide_kl_example(0).terms.kl == pytest.approx(-math.log(0.5))
    assert slide_kl_example(7).terms.kl == pytest.approx(-math.log(0.3))


@pytest.mark.parametrize("k", range(8))
def test_kl_with_one_hot_truth_is_minus_log_p_hat_y(k):
    ex = slide_kl_example(k)
    assert ex.terms.kl == pytest.approx(-math.log(SLIDE_P_HAT[k]), rel=1e-14)
    assert ex.terms.kl == pytest.approx(ex.terms.cross_entropy_terms.sum() - ex.terms.entropy_terms.sum())


# ---------------------------------------------------------------- identities
@given(p=distributions, data=st.data())
def test_kl_is_minus_entropy_plus_cross_entropy_term_by_term(p, data):
    weights = data.draw(st.lists(st.floats(1e-6, 1.0), min_size=len(p), max_size=len(p)), label="q")
    q = np.array(weights) / sum(weights)
    d = divergence(p, q)
    np.testing.assert_allclose(d.kl_terms, d.cross_entropy_terms - d.entropy_terms, rtol=1e-9, atol=1e-12)
    assert d.kl == pytest.approx(kl_naive(p, q), rel=1e-9, abs=1e-12)
    assert d.kl >= -1e-12
    assert d.entropy == pytest.approx(entropy(p)) and d.cross_entropy == pytest.approx(cross_entropy(p, q))
    assert kl_divergence(p, p) == pytest.approx(0.0, abs=1e-12)
    assert 0 <= entropy(p) <= math.log(len(p)) + 1e-12


def test_uniform_and_zero_conventions():
    assert entropy(np.full(10, 0.1)) == pytest.approx(math.log(10))
    assert entropy([1.0, 0.0]) == 0.0  # 0 log 0 = 0
    assert kl_divergence([0.5, 0.5, 0.0], [0.25, 0.25, 0.5]) == pytest.approx(math.log(2))
    assert kl_divergence([1.0, 0.0], [0.0, 1.0]) == math.inf  # the truth gets probability 0
    assert cross_entropy([0.0, 1.0], [0.0, 1.0]) == 0.0


def test_log_likelihood_is_minus_n_times_the_data_loss():
    X, y = make_dataset("blobs", 80, noise=1.0, seed=2)
    rng = np.random.default_rng(1)
    W, b = rng.standard_normal((3, 2)), rng.standard_normal(3)
    ll = log_likelihood(W, b, X, y)
    assert ll.n == 80
    assert ll.log_likelihood == pytest.approx(-80 * softmax_loss(W, b, X, y, reg=0.5).data_loss, rel=1e-12)
    naive = sum(math.log(math.exp(W[y[i]] @ X[i] + b[y[i]]) / sum(math.exp(W[k] @ X[i] + b[k]) for k in range(3)))
                for i in range(80))
    assert ll.log_likelihood == pytest.approx(naive, rel=1e-12)
    assert np.all(ll.log_probs <= 0)


# ---------------------------------------------------------------- editing p_hat
def test_edit_probability_keeps_the_rest_in_proportion():
    p = edit_probability(SLIDE_P_HAT, 3, 0.5)
    assert p[3] == 0.5 and p.sum() == pytest.approx(1.0, abs=1e-15)
    others = np.delete(p, 3)
    np.testing.assert_allclose(others / others.sum(), np.delete(SLIDE_P_HAT, 3) / 0.99)
    assert slide_kl_example(3, p).terms.kl == pytest.approx(math.log(2))
    np.testing.assert_allclose(edit_probability([1.0, 0.0, 0.0], 0, 0.4), [0.4, 0.3, 0.3])  # rest were all 0
    np.testing.assert_allclose(edit_probability([0.2, 0.8], 1, 1.0), [0.0, 1.0])


def test_normalize():
    np.testing.assert_allclose(normalize([2, 1, 1]), [0.5, 0.25, 0.25])
    np.testing.assert_allclose(normalize(SLIDE_P_HAT), SLIDE_P_HAT)


@pytest.mark.parametrize(("fn", "args", "match"), [
    (divergence, ([0.5, 0.6], [0.5, 0.5]), "p must sum to 1, but sums to 1.1; normalize it first"),
    (divergence, ([0.5, 0.5], [1.0]), "q has 1 entries, but there are 2 classes"),
    (divergence, ([1.5, -0.5], [0.5, 0.5]), "finite probabilities >= 0"),
    (divergence, ("ab", [1.0]), "must be a list of probabilities"),
    (normalize, ([0, 0],), "at least one probability must be greater than 0"),
    (normalize, ([1, -1],), ">= 0"),
    (edit_probability, ([0.5, 0.5], 2, 0.1), r"edited class must be an integer in \[0, 2\)"),
    (edit_probability, ([0.5, 0.5], 0, 1.5), r"must lie in \[0, 1\]"),
    (edit_probability, ([0.5, 0.5], 0, "x"), "must be a number"),
    (slide_kl_example, (8,), r"true class must be an integer in \[0, 8\)"),
    (one_hot, (0, 0), "n_classes must be an integer >= 1"),
])
def test_bad_input_is_a_clear_error(fn, args, match):
    with pytest.raises(ValueError, match=match):
        fn(*args)


# ---------------------------------------------------------------- the binary rule
def test_two_class_softmax_is_the_sigmoid_of_the_score_difference():
    X, y = make_dataset("moons", 100, noise=0.2, seed=0, n_classes=2)
    rng = np.random.default_rng(3)
    W, b = rng.standard_normal((2, 2)), rng.standard_normal(2)
    rule = binary_rule(W, b, X)
    np.testing.assert_allclose(rule.w, W[1] - W[0])
    assert rule.b == b[1] - b[0]
    np.testing.assert_allclose(rule.f, [(W[1] - W[0]) @ x + (b[1] - b[0]) for x in X])
    np.testing.assert_allclose(rule.p1, softmax_loss(W, b, X, y).probs[:, 1], rtol=1e-12)
    np.testing.assert_array_equal(rule.prediction, predict(W, b, X))  # no ties here
    np.testing.assert_array_equal(rule.prediction, (rule.p1 >= 0.5).astype(int))


def test_ties_go_to_class_one_under_the_slides_rule():
    W, b = np.array([[1.0, 0.0], [1.0, 0.0]]), np.zeros(2)
    rule = binary_rule(W, b, np.array([[2.0, 3.0]]))
    assert rule.f[0] == 0 and rule.prediction[0] == 1 and predict(W, b, [[2.0, 3.0]])[0] == 0


def test_sigmoid_is_stable_and_exact():
    z = np.array([-1000.0, -30.0, -1.0, 0.0, 1.0, 30.0, 1000.0])
    s = sigmoid(z)
    assert np.all(np.isfinite(s)) and s[3] == 0.5 and s[0] == 0.0 and s[-1] == 1.0
    np.testing.assert_allclose(s[1:-1], [1 / (1 + math.exp(-v)) for v in z[1:-1]], rtol=1e-14)
    np.testing.assert_allclose(s + sigmoid(-z), 1.0)


def test_binary_rule_needs_two_classes():
    with pytest.raises(ValueError, match="needs C = 2 classes, got C = 3"):
        binary_rule(np.zeros((3, 2)), np.zeros(3), np.zeros((1, 2)))
    with pytest.raises(ValueError, match=r"X must have shape \(N, 2\)"):
        binary_rule(np.zeros((2, 2)), np.zeros(2), np.zeros((1, 3)))
