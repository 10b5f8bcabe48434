"""linviz.sanity: the lecture's sanity facts as live checks, each against an independent computation."""
from __future__ import annotations

import inspect
import math

import numpy as np
import pytest

from linviz.datasets import make_dataset
from linviz.lecture_examples import lecture_example
from linviz.sanity import SANITY_CHECKS, Check, sanity_checks


def model(C, seed=0):
    X, y = make_dataset("blobs", 60, noise=1.0, seed=seed, n_classes=C)
    rng = np.random.default_rng(seed)
    return rng.standard_normal((C, 2)), rng.standard_normal(C), X, y


def hinge_naive(S, y, delta, include_true=False, mean=False):
    total = 0.0
    for i, s in enumerate(S):
        terms = [max(0.0, s[j] - s[y[i]] + delta) for j in range(len(s)) if include_true or j != y[i]]
        total += sum(terms) / (len(terms) if mean else 1)
    return total / len(S)


@pytest.mark.parametrize("C", [2, 3, 5, 8])
@pytest.mark.parametrize("delta", [1.0, 0.5, 2.0])
def test_every_check_holds_on_a_random_model(C, delta):
    W, b, X, y = model(C)
    checks = sanity_checks(W, b, X, y, delta=delta, shift=7.5)
    assert [c.name for c in checks] == list(SANITY_CHECKS)
    assert all(isinstance(c, Check) and c.holds for c in checks), [(c.name, c.expected, c.actual) for c in checks]
    by = {c.name: c for c in checks}
    S = X @ W.T + b
    assert by["zero_weights_hinge"].expected == (C - 1) * delta
    assert by["zero_weights_softmax"].expected == pytest.approx(math.log(C))
    assert by["true_class_term"].actual == pytest.approx(hinge_naive(S, y, delta, include_true=True), rel=1e-12)
    assert by["true_class_term"].expected == pytest.approx(hinge_naive(S, y, delta) + delta, rel=1e-12)
    assert by["mean_over_classes"].actual == pytest.approx(hinge_naive(S, y, delta, mean=True), rel=1e-12)
    assert by["mean_over_classes"].expected == pytest.approx(hinge_naive(S, y, delta) / (C - 1), rel=1e-12)


def test_log_ten_for_ten_classes():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((40, 3)), np.arange(40) % 10
    check = SANITY_CHECKS["zero_weights_softmax"](np.ones((10, 3)), np.ones(10), X, y)
    assert check.holds and round(check.actual, 1) == 2.3  # the slide's log(10) ~ 2.3
    assert SANITY_CHECKS["zero_weights_hinge"](np.ones((10, 3)), np.ones(10), X, y).actual == pytest.approx(9.0)


def test_the_lecture_table():
    ex = lecture_example()
    by = {c.name: c for c in sanity_checks(ex.W, ex.b, ex.X, ex.y)}
    assert by["true_class_term"].actual == pytest.approx(5.2666666 + 1, abs=1e-6)  # 5.27 + 1
    assert by["mean_over_classes"].actual == pytest.approx(5.2666666 / 2, abs=1e-6)
    assert by["zero_weights_hinge"].actual == 2.0  # C - 1 for three classes


def test_holds_forgives_rounding_but_not_a_real_difference():
    wrong = Check("x", "wrong", expected=1.0, actual=1.0 + 1e-6)
    assert not wrong.holds
    assert Check("x", "rounding", expected=1.0, actual=1.0 + 1e-15).holds


def test_one_signature():
    for fn in SANITY_CHECKS.values():
        params = inspect.signature(fn).parameters
        assert list(params) == ["W", "b", "X", "y", "delta", "shift"]
        assert params["delta"].kind is inspect.Parameter.KEYWORD_ONLY


@pytest.mark.parametrize(("kwargs", "match"), [({"delta": -1.0}, "delta must be"), ({"shift": "x"}, "shift must be"),
                                                ({"shift": math.inf}, "shift must be finite")])
def test_bad_arguments(kwargs, match):
    W, b, X, y = model(3)
    with pytest.raises(ValueError, match=match):
        sanity_checks(W, b, X, y, **kwargs)


def test_labels_beyond_the_classes():
    W, b, X, y = model(3)
    with pytest.raises(ValueError, match=r"labels y must lie in \[0, 2\)"):
        sanity_checks(W[:2], b[:2], X, y)
