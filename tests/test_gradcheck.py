import numpy as np
import pytest

from linviz.gradcheck import (
    GRADES,
    ParameterLoss,
    check_classifier,
    check_gradient,
    grade,
    numerical_gradient,
    relative_error,
    relative_errors,
    roundoff_floor,
)


def test_centered_is_second_order_forward_first_order():
    f = lambda x: float(np.sum(np.sin(x)))  # noqa: E731
    x = np.array([0.3, -1.2, 2.0])
    exact = np.cos(x)
    centered = numerical_gradient(f, x, h=1e-3)
    forward = numerical_gradient(f, x, h=1e-3, method="forward")
    assert np.abs(centered - exact).max() < 1e-6
    assert 1e-5 < np.abs(forward - exact).max() < 1e-3


def test_shape_and_input_untouched():
    x = np.arange(6.0).reshape(2, 3)
    before = x.copy()
    g = numerical_gradient(lambda v: float(np.sum(v**2)), x)
    assert g.shape == x.shape
    np.testing.assert_allclose(g, 2 * x, atol=1e-6)
    np.testing.assert_array_equal(x, before)


def test_relative_error():
    assert relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert relative_error([0.0], [0.0]) == 0.0
    assert relative_error([1.0], [-1.0]) == 1.0
    assert relative_error([1.0], [1.0 + 1e-9]) == pytest.approx(5e-10, rel=1e-3)
    with pytest.raises(ValueError, match="shapes"):
        relative_error([1.0], [1.0, 2.0])


def test_check_gradient_detects_a_wrong_gradient():
    x = np.array([1.0, 2.0])
    f = lambda v: float(v @ v)  # noqa: E731
    assert check_gradient(f, 2 * x, x) < 1e-8
    assert check_gradient(f, x, x) > 0.3


def test_bad_arguments():
    with pytest.raises(ValueError, match="centered, forward"):
        numerical_gradient(lambda v: 0.0, np.zeros(2), method="backward")
    with pytest.raises(ValueError, match="h"):
        numerical_gradient(lambda v: 0.0, np.zeros(2), h=0)


# ------------------------------------------------------------ defect 16 (issue 8)
def test_relative_error_of_two_scalars():
    """relative_error(1.0, 1.1) raised TypeError: a 0-d error could not be indexed."""
    assert relative_error(1.0, 1.1) == pytest.approx(0.1 / 2.1, rel=1e-12)
    assert relative_error(0.0, 0.0) == 0.0


def test_relative_error_has_an_absolute_floor():
    """A correct db of 1e-17 against a numerical 0 showed 1.0 (the worst possible score)."""
    assert relative_error(1e-17, 0.0) < 1e-7
    assert relative_error([2.0, 1e-17], [2.0, 0.0]) < 1e-7
    # the floor only matters for tiny values: large disagreements are still relative
    assert relative_error(1.0, -1.0) == 1.0
    assert relative_error(1e-17, 0.0, floor=1e-20) == 1.0


def test_relative_errors_per_entry():
    e = relative_errors([[1.0, 2.0], [0.0, 1e-17]], [[1.0, 2.2], [0.0, 0.0]])
    assert e.shape == (2, 2)
    np.testing.assert_allclose(e, [[0.0, 0.2 / 4.2], [0.0, 1e-9]], rtol=1e-12, atol=0)


# ------------------------------------------------------------ grading and the round-off floor
def test_grades_follow_the_usual_thresholds():
    errors = [0.0, 9e-8, 1e-7, 5e-5, 1e-4, 5e-3, 1e-2, 0.7, np.nan]
    assert list(grade(errors)) == ["good", "good", "acceptable", "acceptable", "suspicious", "suspicious",
                                   "wrong", "wrong", "wrong"]
    assert GRADES == ("good", "acceptable", "suspicious", "wrong")


def test_roundoff_floor_scales_with_the_loss_and_h():
    eps = np.finfo(float).eps
    assert roundoff_floor(1.0, 1e-5) == pytest.approx(10 * eps / 1e-5 / 1e-7)
    assert roundoff_floor(3.0, 1e-5) == pytest.approx(3 * roundoff_floor(1.0, 1e-5))
    assert roundoff_floor(0.01, 1e-5) == roundoff_floor(1.0, 1e-5)  # |L| < 1 counts as 1
    assert roundoff_floor(1.0, 10.0) == 1e-8  # never below CS231n's floor


# ------------------------------------------------------------ the classifier's gradient check
PENALTIES = ["l2", "l1", "none"]
LOSS_NAMES = ["svm", "softmax", "ova"]


def small_problem(seed=0, scale=1.0, N=15, D=3, C=4):
    rng = np.random.default_rng(seed)
    W, b = scale * rng.standard_normal((C, D)), rng.standard_normal(C)
    return W, b, rng.standard_normal((N, D)), rng.integers(0, C, N)


def test_parameter_loss_is_the_slide_list():
    W, b, X, y = small_problem()
    obj = ParameterLoss(X, y, 4, loss="svm", reg=0.1)
    theta = obj.theta(W, b)
    assert theta.shape == (16,) and obj.shape == (4, 4)
    assert obj.names[:5] == ("W[0,0]", "W[0,1]", "W[0,2]", "b[0]", "W[1,0]")
    assert theta[3] == b[0] and theta[4] == W[1, 0]
    W2, b2 = obj.params(theta)
    np.testing.assert_array_equal(W2, W)
    np.testing.assert_array_equal(b2, b)
    from linviz.losses import svm_loss
    assert obj(theta) == svm_loss(W, b, X, y, reg=0.1).loss
    np.testing.assert_array_equal(obj.gradient(theta)[:3], svm_loss(W, b, X, y, reg=0.1).dW[0])


@pytest.mark.parametrize("loss", LOSS_NAMES)
@pytest.mark.parametrize("penalty", PENALTIES)
@pytest.mark.parametrize("scale", [0.01, 1.0])
def test_correct_gradients_pass_every_loss_and_penalty(loss, penalty, scale):
    """Small W (all scores near 0, where the hinge's db is exactly 0 and the numerical db is round-off)
    and unit W; every entry away from kinks is graded good."""
    for seed in range(3):
        W, b, X, y = small_problem(seed, scale)
        check = check_classifier(W, b, X, y, loss=loss, reg=0.3, penalty=penalty)
        assert check.passed and check.worst == "good", (seed, check.error.max())
        assert check.analytic.shape == check.numerical.shape == check.error.shape == (16,)
        assert check.evaluations == 2 * 16


def test_the_defect_case_a_tiny_db_against_a_numerical_zero_is_good():
    """At W = 0, b = 0 with balanced classes the softmax db is 0 up to rounding (about 1e-17)."""
    X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.3, -2.0]])
    y = np.array([0, 1, 2])
    check = check_classifier(np.zeros((3, 2)), np.zeros(3), X, y, loss="softmax")
    db = check.analytic.reshape(check.shape)[:, -1]
    assert np.abs(db).max() < 1e-15
    assert set(check.grade) == {"good"}


def test_forward_differences_are_first_order_so_only_acceptable():
    W, b, X, y = small_problem(1)
    check = check_classifier(W, b, X, y, loss="softmax", method="forward", h=1e-5)
    assert check.passed and check.worst in ("good", "acceptable") and check.error.max() > 1e-9
    assert check.evaluations == 16 + 1


def test_hinge_kinks_are_flagged_and_explain_a_failing_correct_gradient():
    """Example 0's margin s_1 - s_0 + 1 is exactly 0: the centered quotient averages the slopes 0 and 1."""
    W = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])
    b = np.zeros(3)
    X = np.array([[2.0, 1.0], [0.0, 3.0], [-2.0, -2.0]])  # example 0: s = (2, 1, -3), margin to class 1 = 0
    y = np.array([0, 1, 2])
    check = check_classifier(W, b, X, y, loss="svm", h=1e-5)
    assert list(check.kink_examples) == [0]
    near = check.near_kink.reshape(check.shape)
    assert near[0].all() and near[1].all() and not near[2].any()  # classes y_0 = 0 and j = 1
    assert check.error[check.near_kink].max() > 1e-2  # the correct gradient "fails" there ...
    assert check.passed  # ... and everywhere else it is good
    far = check_classifier(W, b + np.array([0.0, -0.5, 0.0]), X, y, loss="svm")
    assert far.kink_examples.size == 0 and not far.near_kink.any()


def test_l1_kink_at_zero_weight_is_flagged():
    W, b, X, y = small_problem(2)
    W[1, 2] = 3e-6  # |w| has its kink at 0, within one probe h = 1e-5
    check = check_classifier(W, b, X, y, loss="softmax", reg=0.5, penalty="l1")
    flagged = [n for n, k in zip(check.names, check.near_kink) if k]
    assert flagged == ["W[1,2]"]
    # the quotient of |w| is (|w + h| - |w - h|) / 2h = w / h = 0.3 instead of sign(w) = 1
    assert check.grade[check.names.index("W[1,2]")] == "wrong"
    assert check.passed


def test_check_classifier_bad_arguments():
    W, b, X, y = small_problem()
    with pytest.raises(ValueError, match=r"h must lie in \[1e-12, 1\]"):
        check_classifier(W, b, X, y, h=2.0)
    with pytest.raises(ValueError, match="centered, forward"):
        check_classifier(W, b, X, y, method="backward")
    with pytest.raises(ValueError, match="gradient variant"):
        check_classifier(W, b, X, y, variant="nope")
    with pytest.raises(ValueError, match="loss"):
        check_classifier(W, b, X, y, loss="mse")
    with pytest.raises(ValueError, match="labels"):
        check_classifier(W[:2], b[:2], X, y)
    with pytest.raises(ValueError, match="at most P = 10000"):
        check_classifier(np.zeros((10, 1000)), np.zeros(10), np.zeros((3, 1000)), [0, 1, 2])
