"""The planted bugs: each is the mistake it says (a naive loop twin writes the buggy code out), and the
gradient check catches every one of them, for each loss and penalty it applies to."""
import numpy as np
import pytest

from linviz.gradcheck import check_classifier
from linviz.losses import LOSSES
from linviz.planted_bugs import VARIANTS, get_variant, planted_gradient

BUGS = [name for name in VARIANTS if name != "correct"]
CASES = [(bug, loss, penalty) for bug in BUGS for loss in VARIANTS[bug].losses
         for penalty in VARIANTS[bug].penalties]


def problem(seed=0, N=20, D=3, C=3):
    rng = np.random.default_rng(seed)
    W, b = rng.standard_normal((C, D)), rng.standard_normal(C)
    return W, b, rng.standard_normal((N, D)), rng.integers(0, C, N)


# ------------------------------------------------------------ naive loop twins, bugs included
def naive_gradient(W, b, X, y, loss, reg, penalty, margin=1.0, bug=None):
    """CS231n-style loops over examples and classes; `bug` writes one mistake into them."""
    C, D = W.shape
    N = X.shape[0]
    dW, db = np.zeros((C, D)), np.zeros(C)
    for i in range(N):
        s = [float(W[k] @ X[i] + b[k]) for k in range(C)]
        for j in range(C):
            if loss == "svm":
                if j != y[i] and s[j] - s[y[i]] + margin > 0:
                    dW[j] += X[i]
                    db[j] += 1
                    if bug != "hinge_no_count":
                        dW[y[i]] -= X[i]
                        db[y[i]] -= 1
            elif loss == "softmax":
                top = max(s)
                p = np.exp(s[j] - top) / sum(np.exp(v - top) for v in s)
                g = p - (1.0 if (j == y[i] and bug != "softmax_no_onehot") else 0.0)
                dW[j] += g * X[i]
                db[j] += g
            else:
                t = 1.0 if j == y[i] else -1.0
                if margin - t * s[j] > 0:
                    dW[j] -= t * X[i]
                    db[j] -= t
    if bug != "mean_vs_sum":
        dW, db = dW / N, db / N
    if penalty == "l2":
        dW += (0.5 if bug == "reg_half" else 2.0) * reg * W
        if bug == "b_regularized":
            db += 2.0 * reg * b
    elif penalty == "l1":
        dW += reg * np.sign(W)
        if bug == "b_regularized":
            db += reg * np.sign(b)
    return dW, db


@pytest.mark.parametrize("loss", sorted(LOSSES))
@pytest.mark.parametrize("penalty", ["l2", "l1", "none"])
def test_correct_variant_is_the_engine_gradient(loss, penalty):
    W, b, X, y = problem()
    dW, db = planted_gradient("correct", W, b, X, y, loss=loss, reg=0.4, penalty=penalty)
    r = LOSSES[loss](W, b, X, y, reg=0.4, penalty=penalty)
    np.testing.assert_array_equal(dW, r.dW)
    np.testing.assert_array_equal(db, r.db)
    ndW, ndb = naive_gradient(W, b, X, y, loss, 0.4, penalty)
    np.testing.assert_allclose(dW, ndW, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(db, ndb, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("bug, loss, penalty", CASES)
def test_each_bug_is_the_mistake_it_names(bug, loss, penalty):
    W, b, X, y = problem(1)
    dW, db = planted_gradient(bug, W, b, X, y, loss=loss, reg=0.4, penalty=penalty, margin=0.8)
    ndW, ndb = naive_gradient(W, b, X, y, loss, 0.4, penalty, margin=0.8, bug=bug)
    np.testing.assert_allclose(dW, ndW, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(db, ndb, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("bug, loss, penalty", CASES)
def test_the_check_catches_every_planted_bug(bug, loss, penalty):
    W, b, X, y = problem(2)
    correct = check_classifier(W, b, X, y, loss=loss, reg=0.4, penalty=penalty)
    assert correct.passed and correct.worst == "good"
    check = check_classifier(W, b, X, y, loss=loss, reg=0.4, penalty=penalty, variant=bug)
    assert not check.passed and check.worst == "wrong", check.error.max()
    np.testing.assert_array_equal(check.numerical, correct.numerical)  # the same numerical gradient
    assert check.variant == bug


def test_where_each_bug_shows():
    """b regularized is wrong in db only; the regularization constant in dW only; the others in both."""
    W, b, X, y = problem(3)
    kw = dict(loss="svm", reg=0.4, penalty="l2")
    wrong = {bug: check_classifier(W, b, X, y, variant=bug, **kw).grade.reshape(3, 4) == "wrong"
             for bug in ("b_regularized", "reg_half", "hinge_no_count")}
    assert wrong["b_regularized"][:, -1].all() and not wrong["b_regularized"][:, :-1].any()
    assert wrong["reg_half"][:, :-1].any() and not wrong["reg_half"][:, -1].any()
    assert wrong["hinge_no_count"][:, :-1].any() and wrong["hinge_no_count"][:, -1].any()


def test_applicability():
    assert VARIANTS["hinge_no_count"].losses == ("svm",)
    assert VARIANTS["softmax_no_onehot"].losses == ("softmax",)
    assert VARIANTS["reg_half"].penalties == ("l2",)
    assert set(VARIANTS["mean_vs_sum"].losses) == set(LOSSES)
    assert not VARIANTS["b_regularized"].applies("svm", "l2", reg=0.0)  # nothing to see without λ
    assert VARIANTS["b_regularized"].applies("svm", "l1", reg=0.1)
    assert not VARIANTS["hinge_no_count"].applies("softmax", "l2")
    assert all(v.title and v.mistake for v in VARIANTS.values())
    W, b, X, y = problem()
    with pytest.raises(ValueError, match="applies to the losses svm"):
        planted_gradient("hinge_no_count", W, b, X, y, loss="softmax")
    with pytest.raises(ValueError, match="with the penalties l2;"):
        planted_gradient("reg_half", W, b, X, y, loss="svm", penalty="l1")
    with pytest.raises(ValueError, match="b_regularized, correct"):
        get_variant("typo")
    # an alias of a loss name is accepted
    np.testing.assert_array_equal(planted_gradient("hinge_no_count", W, b, X, y, loss="hinge")[0],
                                  planted_gradient("hinge_no_count", W, b, X, y, loss="svm")[0])


def test_a_small_regularization_bug_is_hard_to_see():
    """The CS231n demo's constant: with λ = 1e-3 and small weights the error 1.5·λ·W is tiny next to the data
    gradient and the check only calls it suspicious; with λ = 0.4 it is plainly wrong (a page should say so)."""
    W, b, X, y = problem(4)
    faint = check_classifier(0.01 * W, b, X, y, loss="softmax", reg=1e-3, variant="reg_half")
    plain = check_classifier(W, b, X, y, loss="softmax", reg=0.4, variant="reg_half")
    assert faint.worst in ("acceptable", "suspicious") and plain.worst == "wrong"
