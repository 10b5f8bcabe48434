"""Numerical gradients and the gradient check, as on the lecture slides.

"In practice: derive the analytic gradient, check your implementation with the numerical gradient.
This is called a gradient check."  The relative error of one entry is

    |a - n| / max(|a| + |n|, floor)

(CS231n's rel_error with an absolute floor: an analytic 1e-17 against a numerical 0 is agreement, not
an error of 1), graded with the usual thresholds: < 1e-7 good, < 1e-4 acceptable (near kinks of a hinge
or |w|), < 1e-2 suspicious, otherwise wrong.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from linviz._checks import check_data, check_nonnegative, check_params, check_positive
from linviz.losses import LossResult, canonical_loss_name, get_loss
from linviz.model import fold, unfold
from linviz.planted_bugs import planted_gradient

METHODS = ("centered", "forward")
H_RANGE = (1e-12, 1.0)  # the step sizes a page may ask for
FLOOR = 1e-8  # CS231n's floor of the denominator
MAX_PARAMS = 10_000  # a numerical gradient takes 2P evaluations of the whole loss: beyond this a page stalls
GRADES = ("good", "acceptable", "suspicious", "wrong")
THRESHOLDS = (1e-7, 1e-4, 1e-2)  # upper limits of the first three grades
KINK_NOTE = ("At a kink (a hinge margin or a |w| within one probe of zero) the loss has no derivative: the "
             "difference quotient averages the slopes on both sides, so a correct gradient can disagree there.")


def check_method(method: str) -> str:
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; valid names are: {', '.join(METHODS)}")
    return method


def check_h(h: float) -> float:
    """h as a float in H_RANGE, or a ValueError saying what is allowed."""
    h = check_nonnegative("h", h)  # a finite number
    if not H_RANGE[0] <= h <= H_RANGE[1]:
        raise ValueError(f"h must lie in [{H_RANGE[0]:g}, {H_RANGE[1]:g}], got {h!r}")
    return h


def check_size(n_params: int) -> int:
    if n_params > MAX_PARAMS:
        raise ValueError(f"the numerical gradient of P = {n_params} parameters takes {2 * n_params} loss "
                         f"evaluations; at most P = {MAX_PARAMS} here")
    return n_params


class Counted:
    """f with a count of its calls: `Counted(f)(x)` is f(x), and `.calls` grows by one."""

    def __init__(self, f: Callable[[np.ndarray], float]):
        self.f, self.calls = f, 0

    def __call__(self, x: np.ndarray) -> float:
        self.calls += 1
        return float(self.f(x))


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, *, h: float = 1e-5,
                       method: str = "centered") -> np.ndarray:
    """Finite-difference gradient of f at x, shaped like x.

    centered: (f(x + h) - f(x - h)) / 2h   error O(h^2), 2P evaluations of f for P entries
    forward:  (f(x + h) - f(x)) / h        error O(h), P + 1 evaluations: the slide's definition
    x is restored after every probe; f sees a float copy of x.
    """
    check_method(method)
    h = check_positive("h", h)
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    fx = float(f(x)) if method == "forward" else None
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        f_plus = float(f(x))
        if method == "centered":
            x[idx] = old - h
            f_minus = float(f(x))
            grad[idx] = (f_plus - f_minus) / (2 * h)
        else:
            grad[idx] = (f_plus - fx) / h
        x[idx] = old
    return grad


def relative_errors(a, b, *, floor: float = FLOOR) -> np.ndarray:
    """Per entry |a - b| / max(|a| + |b|, floor), shaped like a: 0 where equal, 1 where opposite."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} vs {b.shape}")
    floor = check_positive("floor", floor)
    return np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), floor)


def relative_error(a, b, *, floor: float = FLOOR) -> float:
    """The largest per-entry relative error (0 for empty arrays); scalars work too."""
    err = relative_errors(a, b, floor=floor)
    return float(err.max()) if err.size else 0.0


def grade(errors) -> np.ndarray:
    """The grade of each relative error: 'good' < 1e-7 <= 'acceptable' < 1e-4 <= 'suspicious' < 1e-2 <= 'wrong'."""
    errors = np.asarray(errors, dtype=float)
    index = np.searchsorted(THRESHOLDS, errors, side="right")
    index[np.isnan(errors)] = len(GRADES) - 1
    return np.array(GRADES)[index]


EPS = float(np.finfo(float).eps)  # (a Python float: its overflow is inf, without numpy's warning)
FLOOR_MAX = float(np.finfo(float).max)  # a floor this large: the loss is too large for any difference quotient


def roundoff_floor(loss_value: float, h: float) -> float:
    """The floor at which a difference quotient's round-off stops mattering.

    f(x + h) and f(x) each carry a rounding error of about eps |f|, so their quotient is only known to
    about eps |f| / h (2e-11 for |f| = 1, h = 1e-5). Entries smaller than the floor are compared in absolute
    terms: a disagreement of ten times that resolution then scores 1e-7, the edge of "good".
    """
    resolution = EPS * max(abs(float(loss_value)), 1.0) / check_positive("h", h)
    # (a loss near the largest float over a tiny h overflows: the floor is then the largest float, FLOOR_MAX)
    return min(max(FLOOR, 10.0 * resolution / THRESHOLDS[0]), FLOOR_MAX)


def check_gradient(f: Callable[[np.ndarray], float], analytic: np.ndarray, x: np.ndarray, *,
                   h: float = 1e-5, floor: float | None = None) -> float:
    """Largest relative error between an analytic gradient and the centered numerical one."""
    if floor is None:
        floor = roundoff_floor(f(np.array(x, dtype=float)), h)
    return relative_error(analytic, numerical_gradient(f, x, h=h), floor=floor)


# ---------------------------------------------------------------- the classifier's loss as f(theta)
@dataclass(frozen=True, eq=False)
class ParameterLoss:
    """L as a function of the slide's flat list theta = [W | b] read row by row: P = C (D + 1) numbers.

    X (N, D), y (N,); theta (P,) is fold(W, b).ravel(), so theta[k (D + 1) + d] = W[k, d] and
    theta[k (D + 1) + D] = b[k]. Calling it evaluates the public loss function of linviz.losses.
    """

    X: np.ndarray
    y: np.ndarray
    n_classes: int
    loss: str = "softmax"
    reg: float = 0.0
    penalty: str = "l2"
    margin: float = 1.0

    def __post_init__(self):
        X, y = check_data(self.X, self.y, int(self.n_classes))
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "loss", canonical_loss_name(self.loss))
        object.__setattr__(self, "reg", check_nonnegative("reg", self.reg))

    @property
    def shape(self) -> tuple[int, int]:
        """The shape (C, D + 1) of [W | b]."""
        return int(self.n_classes), self.X.shape[1] + 1

    @property
    def names(self) -> tuple[str, ...]:
        """'W[k,d]' and 'b[k]' in the order of theta."""
        C, D1 = self.shape
        return tuple(f"W[{k},{d}]" if d < D1 - 1 else f"b[{k}]" for k in range(C) for d in range(D1))

    def theta(self, W: np.ndarray, b: np.ndarray) -> np.ndarray:
        W, b = check_params(W, b, D=self.X.shape[1])
        if W.shape[0] != self.n_classes:
            raise ValueError(f"W has {W.shape[0]} rows but the problem has C = {self.n_classes} classes")
        return fold(W, b).ravel()

    def params(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return unfold(np.asarray(theta, dtype=float).reshape(self.shape))

    def evaluate(self, theta: np.ndarray) -> LossResult:
        W, b = self.params(theta)
        return get_loss(self.loss)(W, b, self.X, self.y, reg=self.reg, penalty=self.penalty, margin=self.margin)

    def __call__(self, theta: np.ndarray) -> float:
        return self.evaluate(theta).loss

    def gradient(self, theta: np.ndarray, variant: str = "correct") -> np.ndarray:
        """The analytic gradient (P,), or a planted bug's version of it (linviz.planted_bugs)."""
        W, b = self.params(theta)
        dW, db = planted_gradient(variant, W, b, self.X, self.y, loss=self.loss, reg=self.reg,
                                  penalty=self.penalty, margin=self.margin)
        return fold(dW, db).ravel()


def kinks(objective: ParameterLoss, theta: np.ndarray, h: float) -> tuple[np.ndarray, np.ndarray]:
    """Where a probe of size h can cross a kink: (examples (K,), near_kink (P,) bool).

    A hinge term max(0, m) has a kink at m = 0. A probe of W[c, d] moves a score of example i by h |x_id|,
    of b[c] by h, so entry (c, d) is near a kink when some margin m_ij that depends on class c is within
    that distance of 0. Under L1, |w| has a kink at w = 0: W entries with |w| <= h are flagged too.
    """
    C, D1 = objective.shape
    X, y = objective.X, objective.y
    near = np.zeros((C, D1), dtype=bool)
    examples: set[int] = set()
    W, b = objective.params(theta)
    S = X @ W.T + b
    rows = np.arange(len(y))
    if objective.loss == "svm":
        m = S - S[rows, y][:, None] + objective.margin  # m_ij = s_j - s_{y_i} + margin, j != y_i
        m[rows, y] = np.inf
    elif objective.loss == "ova":
        t = np.where(np.arange(C) == y[:, None], 1.0, -1.0)
        m = objective.margin - t * S  # m_ij = margin - t_ij s_j
    else:
        m = np.full_like(S, np.inf)  # softmax is smooth
    reach = h * np.append(np.abs(X), np.ones((len(y), 1)), axis=1)  # (N, D + 1): how far one probe moves
    for i, j in zip(*np.nonzero(np.abs(m) <= reach.max(axis=1)[:, None])):
        classes = (j, y[i]) if objective.loss == "svm" else (j,)
        for c in classes:
            near[c] |= np.abs(m[i, j]) <= reach[i]
        examples.add(int(i))
    if objective.penalty == "l1" and objective.reg > 0:
        near[:, :-1] |= np.abs(W) <= h
    return np.array(sorted(examples), dtype=np.intp), near.ravel()


@dataclass(frozen=True, eq=False)
class GradientCheck:
    """Analytic vs numerical gradient, entry by entry, in the order of ParameterLoss.names."""

    names: tuple[str, ...]  # (P,)
    shape: tuple[int, int]  # (C, D + 1): reshape any (P,) array into [W | b]
    analytic: np.ndarray  # (P,)
    numerical: np.ndarray  # (P,)
    error: np.ndarray  # (P,) relative error with the floor
    grade: np.ndarray  # (P,) str, one of GRADES
    near_kink: np.ndarray  # (P,) bool
    kink_examples: np.ndarray  # (K,) examples with a hinge margin within one probe of 0
    loss_value: float
    h: float
    method: str
    floor: float
    variant: str
    evaluations: int  # loss evaluations the numerical gradient took

    @property
    def worst(self) -> str:
        """The worst grade away from kinks."""
        away = self.error[~self.near_kink]
        return grade([away.max()])[0] if away.size else GRADES[0]

    @property
    def passed(self) -> bool:
        """Every entry away from kinks is good or acceptable."""
        return GRADES.index(self.worst) <= 1


def check_classifier(W, b, X, y, *, loss: str = "softmax", reg: float = 0.0, penalty: str = "l2",
                     margin: float = 1.0, h: float = 1e-5, method: str = "centered", variant: str = "correct",
                     floor: float | None = None) -> GradientCheck:
    """The gradient check of one of the engine's losses (or a planted bug) at (W, b).

    W (C, D), b (C,), X (N, D), y (N,). floor=None uses roundoff_floor(L, h).
    """
    W, b = check_params(W, b)
    objective = ParameterLoss(X, y, W.shape[0], loss=loss, reg=reg, penalty=penalty, margin=margin)
    theta = objective.theta(W, b)
    check_size(theta.size)
    h, method = check_h(h), check_method(method)
    analytic = objective.gradient(theta, variant)
    counted = Counted(objective)
    numerical = numerical_gradient(counted, theta, h=h, method=method)
    loss_value = objective(theta)
    floor = roundoff_floor(loss_value, h) if floor is None else check_positive("floor", floor)
    error = relative_errors(analytic, numerical, floor=floor)
    kink_examples, near_kink = kinks(objective, theta, h)
    return GradientCheck(
        names=objective.names, shape=objective.shape, analytic=analytic, numerical=numerical, error=error,
        grade=grade(error), near_kink=near_kink, kink_examples=kink_examples, loss_value=loss_value, h=h,
        method=method, floor=floor, variant=variant, evaluations=counted.calls,
    )
