import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from linviz.gradcheck import numerical_gradient, relative_error
from linviz.lecture_examples import lecture_example
from linviz.losses import LOSSES, get_loss, ova_loss, softmax_loss, svm_loss

PENALTIES = ["l2", "l1", "none"]


# ------------------------------------------------------------ naive loop twins (oracles)
def reg_term(W, reg, penalty):
    if penalty == "l2":
        return reg * sum(w * w for w in W.ravel())
    if penalty == "l1":
        return reg * sum(abs(w) for w in W.ravel())
    return 0.0


def svm_loss_naive(W, b, X, y, reg=0.0, penalty="l2", margin=1.0):
    total = 0.0
    for i in range(X.shape[0]):
        scores = [float(np.dot(W[k], X[i]) + b[k]) for k in range(W.shape[0])]
        for j in range(W.shape[0]):
            if j != y[i]:
                total += max(0.0, scores[j] - scores[y[i]] + margin)
    return total / X.shape[0] + reg_term(W, reg, penalty)


def softmax_loss_naive(W, b, X, y, reg=0.0, penalty="l2", margin=1.0):
    total = 0.0
    for i in range(X.shape[0]):
        scores = [float(np.dot(W[k], X[i]) + b[k]) for k in range(W.shape[0])]
        top = max(scores)
        log_sum = top + np.log(sum(np.exp(s - top) for s in scores))
        total += log_sum - scores[y[i]]
    return total / X.shape[0] + reg_term(W, reg, penalty)


def ova_loss_naive(W, b, X, y, reg=0.0, penalty="l2", margin=1.0):
    total = 0.0
    for i in range(X.shape[0]):
        for j in range(W.shape[0]):
            s = float(np.dot(W[j], X[i]) + b[j])
            t = 1.0 if j == y[i] else -1.0
            total += max(0.0, margin - t * s)
    return total / X.shape[0] + reg_term(W, reg, penalty)


NAIVE = {"svm": svm_loss_naive, "softmax": softmax_loss_naive, "ova": ova_loss_naive}


def min_kink_distance(name, W, b, X, y, margin=1.0):
    S = X @ W.T + b
    if name == "svm":
        d = S - S[np.arange(len(y)), y][:, None] + margin
        d[np.arange(len(y)), y] = np.inf
    elif name == "ova":
        t = -np.ones_like(S)
        t[np.arange(len(y)), y] = 1
        d = margin - t * S
    else:
        return np.inf
    return np.abs(d).min()


# ------------------------------------------------------------ the lecture's numbers
def test_svm_lecture_table():
    ex = lecture_example()
    r = svm_loss(ex.W, ex.b, ex.X, ex.y, reg=0.0)
    np.testing.assert_allclose(r.scores, ex.scores)
    np.testing.assert_allclose(r.per_example, [2.9, 0.0, 12.9], atol=1e-12)
    assert round(r.loss, 2) == 5.27
    assert r.loss == pytest.approx((2.9 + 0 + 12.9) / 3, abs=1e-12)
    # the slide's term-by-term working for the cat image: max(0, 2.9) + max(0, -3.9)
    np.testing.assert_allclose(r.margins[0], [0.0, 2.9, 0.0], atol=1e-12)


def test_svm_lecture_questions():
    ex = lecture_example()
    base = svm_loss(ex.W, ex.b, ex.X, ex.y).loss
    # Q: car scores change a bit -> no change (the car example is 1.9 beyond the margin)
    X2 = ex.X.copy()
    X2[1] += np.array([0.1, -0.1, 0.2])
    assert svm_loss(ex.W, ex.b, X2, ex.y).per_example[1] == 0.0
    # Q: sum over all classes (j = y_i included) -> each L_i grows by exactly the margin
    r = svm_loss(ex.W, ex.b, ex.X, ex.y)
    S = r.scores
    with_true = np.maximum(0, S - S[np.arange(3), ex.y][:, None] + 1).sum(axis=1)
    np.testing.assert_allclose(with_true, r.per_example + 1.0, atol=1e-12)
    # Q: mean vs sum -> scaling by a constant (N = 3)
    assert r.per_example.sum() == pytest.approx(3 * base)
    # Q: min/max: >= 0 always
    assert (r.per_example >= 0).all()


def test_softmax_lecture_pipeline():
    ex = lecture_example()
    r = softmax_loss(ex.W, ex.b, ex.X, ex.y)
    logits = r.scores[0]
    np.testing.assert_allclose(logits, [3.2, 5.1, -1.7])
    np.testing.assert_allclose(np.round(np.exp(logits), 2), [24.53, 164.02, 0.18])
    assert [round(v, 1) for v in np.exp(logits)[:2]] == [24.5, 164.0]
    np.testing.assert_allclose(np.round(r.probs[0], 2), [0.13, 0.87, 0.00])
    assert r.per_example[0] == pytest.approx(-np.log(r.probs[0, 0]), rel=1e-12)
    assert round(r.per_example[0], 2) == round(-np.log(0.13), 2) == 2.04


@pytest.mark.parametrize("C", [2, 3, 5, 10])
def test_at_initialization(C):
    rng = np.random.default_rng(C)
    X, y = rng.standard_normal((50, 4)), rng.integers(0, C, 50)
    W, b = np.zeros((C, 4)), np.zeros(C)
    assert svm_loss(W, b, X, y).loss == pytest.approx(C - 1)
    assert softmax_loss(W, b, X, y).loss == pytest.approx(np.log(C))
    assert ova_loss(W, b, X, y).loss == pytest.approx(C)


def test_softmax_invariant_to_constant_shift(problem):
    W, b, X, y = problem
    r1 = softmax_loss(W, b, X, y)
    r2 = softmax_loss(W, b + 123.0, X, y)
    np.testing.assert_allclose(r1.per_example, r2.per_example, rtol=1e-12)
    np.testing.assert_allclose(r1.probs, r2.probs, rtol=1e-12, atol=1e-15)


def test_softmax_extreme_scores_stable():
    W = np.array([[1e6, 0.0], [-1e6, 0.0], [0.0, 1e6]])
    X = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, -1.0]])
    y = np.array([0, 1, 2])
    r = softmax_loss(W, np.zeros(3), X, y)
    assert np.isfinite(r.loss) and np.isfinite(r.dW).all()
    np.testing.assert_allclose(r.per_example, [0.0, 2e6, 1e6 + np.log(2)], rtol=1e-12)


# ------------------------------------------------------------ gradients vs numerical gradients
@pytest.mark.parametrize("name", sorted(LOSSES))
@pytest.mark.parametrize("penalty", PENALTIES)
def test_gradients_match_numerical(problem, name, penalty):
    W, b, X, y = problem
    W = W + 0.01  # keep L1's |w| away from 0
    assert min_kink_distance(name, W, b, X, y) > 1e-3
    assert np.abs(W).min() > 1e-3
    fn = LOSSES[name]
    r = fn(W, b, X, y, reg=0.3, penalty=penalty)
    num_dW = numerical_gradient(lambda w: fn(w, b, X, y, reg=0.3, penalty=penalty).loss, W)
    num_db = numerical_gradient(lambda v: fn(W, v, X, y, reg=0.3, penalty=penalty).loss, b)
    assert relative_error(r.dW, num_dW) < 1e-7
    assert relative_error(r.db, num_db) < 1e-7


@pytest.mark.parametrize("name", sorted(LOSSES))
@pytest.mark.parametrize("penalty", PENALTIES)
def test_vectorized_matches_naive(problem, name, penalty):
    W, b, X, y = problem
    r = LOSSES[name](W, b, X, y, reg=0.2, penalty=penalty, margin=0.7)
    assert r.loss == pytest.approx(NAIVE[name](W, b, X, y, 0.2, penalty, 0.7), rel=1e-12)
    assert r.loss == pytest.approx(r.data_loss + r.reg_loss)
    assert r.data_loss == pytest.approx(r.per_example.mean())


def test_regularization_applies_to_W_only(problem):
    W, b, X, y = problem
    for name, fn in LOSSES.items():
        r0 = fn(W, b, X, y, reg=0.0)
        r1 = fn(W, b, X, y, reg=0.5)
        np.testing.assert_allclose(r1.db, r0.db, err_msg=name)
        np.testing.assert_allclose(r1.dW - r0.dW, 2 * 0.5 * W, err_msg=name)
        assert r1.reg_loss == pytest.approx(0.5 * np.sum(W**2))


@given(
    N=st.integers(1, 20), D=st.integers(1, 5), C=st.integers(2, 6),
    scale=st.floats(0.01, 100), seed=st.integers(0, 2**31), name=st.sampled_from(sorted(LOSSES)),
    penalty=st.sampled_from(PENALTIES), reg=st.floats(0, 10),
)
def test_property_random_problems(N, D, C, scale, seed, name, penalty, reg):
    rng = np.random.default_rng(seed)
    W, b = scale * rng.standard_normal((C, D)), rng.standard_normal(C)
    X, y = rng.standard_normal((N, D)), rng.integers(0, C, N)
    r = LOSSES[name](W, b, X, y, reg=reg, penalty=penalty)
    assert r.dW.shape == (C, D) and r.db.shape == (C,)
    assert r.per_example.shape == (N,) and r.scores.shape == (N, C)
    assert np.isfinite(r.loss) and r.loss >= 0 and (r.per_example >= 0).all()
    assert r.loss == pytest.approx(NAIVE[name](W, b, X, y, reg, penalty), rel=1e-9, abs=1e-9)
    if name == "softmax":
        np.testing.assert_allclose(r.probs.sum(axis=1), 1.0)
        # the gradient of the mean cross-entropy w.r.t. b sums to zero over classes
        assert abs(r.db.sum()) < 1e-9
    else:
        assert r.margins.shape == (N, C) and (r.margins >= 0).all()
        if name == "svm":
            assert (r.margins[np.arange(N), y] == 0).all()


# ------------------------------------------------------------ bad input
@pytest.mark.parametrize("bad, message", [
    (dict(X=np.ones((3, 5))), "features"),
    (dict(X=np.ones(3)), "2-D"),
    (dict(y=np.array([0, 1, 7])), "labels"),
    (dict(y=np.array([0, -1, 1])), "labels"),
    (dict(y=np.array([0, 1])), "shape"),
    (dict(y=np.array([0.5, 1, 1])), "integer"),
    (dict(X=np.array([[1.0, np.nan], [0, 0], [1, 1]])), "non-finite"),
    (dict(b=np.zeros(4)), "b must have shape"),
    (dict(reg=-1.0), "reg"),
    (dict(reg=float("nan")), "reg"),
    (dict(penalty="l3"), "l1, l2, none"),
    (dict(W=np.full((3, 2), np.inf)), "finite"),
])
def test_bad_input_raises_clear_value_error(bad, message):
    args = dict(W=np.ones((3, 2)), b=np.zeros(3), X=np.ones((3, 2)), y=np.array([0, 1, 2]))
    kwargs = {k: bad.pop(k) for k in list(bad) if k in ("reg", "penalty")}
    args.update(bad)
    for fn in LOSSES.values():
        with pytest.raises(ValueError, match=message):
            fn(args["W"], args["b"], args["X"], args["y"], **kwargs)


def test_unknown_loss_lists_valid_names():
    with pytest.raises(ValueError, match="ova, softmax, svm"):
        get_loss("mse")
    assert get_loss("hinge") is LOSSES["svm"] and get_loss("hinge").name == "svm"
    assert get_loss("cross_entropy") is LOSSES["softmax"]
