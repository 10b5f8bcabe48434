"""The cost of a gradient: exact evaluation counts (times are benchmarks/bench_gradients.py's business)."""
import numpy as np
import pytest

from linviz.cost import IMAGE_SIZE, METHODS, evaluations, image_size_problem, measure_cost
from linviz.gradcheck import MAX_PARAMS, Counted, ParameterLoss, numerical_gradient
from linviz.walkthrough import walkthrough


@pytest.mark.parametrize("P", [1, 9, 650])
def test_evaluation_counts_are_what_numerical_gradient_does(P):
    f = Counted(lambda v: float(v @ v))
    numerical_gradient(f, np.ones(P), method="centered")
    assert f.calls == evaluations("centered", P) == 2 * P
    f = Counted(lambda v: float(v @ v))
    numerical_gradient(f, np.ones(P), method="forward")
    assert f.calls == evaluations("forward", P) == P + 1
    assert evaluations("analytic", P) == 1
    # the walkthrough counts the same calls (its f(x) is only shown when centered)
    assert walkthrough(lambda v: float(v @ v), np.ones(P), method="forward").evaluations[-1] == P + 1
    assert walkthrough(lambda v: float(v @ v), np.ones(P), method="centered").evaluations[-1] == 2 * P + 1


def test_image_size_is_650_parameters():
    objective, theta = image_size_problem()
    assert (IMAGE_SIZE["n_classes"], IMAGE_SIZE["n_features"]) == (10, 64)
    assert objective.shape == (10, 65) and theta.size == 650
    assert objective.X.shape == (1797, 64) and set(objective.y) == set(range(10))
    assert evaluations("centered", theta.size) == 1300 and evaluations("forward", theta.size) == 651
    again, theta2 = image_size_problem()
    np.testing.assert_array_equal(again.X, objective.X)  # seeded
    np.testing.assert_array_equal(theta2, theta)


def test_measure_cost_counts_and_compares():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((40, 2)), rng.integers(0, 3, 40)
    objective = ParameterLoss(X, y, 3, loss="softmax", reg=0.01)
    theta = objective.theta(rng.standard_normal((3, 2)), rng.standard_normal(3))
    seen = []
    table = measure_cost(objective, theta, repeat=2, progress=lambda done, total: seen.append((done, total)))
    assert table.methods == METHODS == ("analytic", "forward", "centered")
    assert list(table.evaluations) == [1, 10, 18] and table.n_params == 9 and table.n_examples == 40
    assert seen == [(k, 6) for k in range(1, 7)]
    assert (table.seconds > 0).all() and np.isfinite(table.seconds).all() and table.ratio[0] == 1.0
    assert table.max_error[0] == 0.0
    assert table.max_error[2] < 1e-7 < table.max_error[1] < 1e-2  # centered exact to ~1e-10, forward ~1e-5


def test_bounds():
    objective, theta = image_size_problem(20)
    with pytest.raises(ValueError, match="repeat"):
        measure_cost(objective, theta, repeat=0)
    with pytest.raises(ValueError, match=r"h must lie in"):
        measure_cost(objective, theta, h=0.0)
    with pytest.raises(ValueError, match=f"at most P = {MAX_PARAMS}"):
        measure_cost(objective, np.zeros(MAX_PARAMS + 1))
    with pytest.raises(ValueError, match="n_examples"):
        image_size_problem(5)
    with pytest.raises(ValueError, match="analytic, forward, centered"):
        evaluations("symbolic", 3)
