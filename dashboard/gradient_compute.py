"""Cached engine calls of the gradient pages (issue 11): the numerical gradient, the gradient check, the derived
update rules and the computation graph. Arguments are plain values and arrays so Streamlit can hash them; every
result comes from linviz (no gradient math here) and is a pure function of its arguments.

A ProblemSpec names the classifier's training loss L as a function of the slide's flat list theta = [W | b]
(linviz.gradcheck.ParameterLoss): the data, the loss and its regularization.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dashboard import compute
from dashboard.cache import cached
from dashboard.config import Config
from linviz import compgraph, cost, derivations, gradcheck, limit, losses, walkthrough
from linviz.planted_bugs import VARIANTS

H_OPTIONS = tuple(float(f"{m}e{e}") for e in range(-12, 1) for m in (1, 2, 5) if m * 10.0**e <= 1.0)  # 1e-12 .. 1
LIMIT_HS = (1.0, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001)  # the frames of "shrink h"
LIMIT_WIDTH = 1.0  # the 1-D curve spans a +- 1 around the coordinate's value: room for the secant of h = 1
DV_POINTS = {1: 20, 2: 30}  # examples of the derivation data sets (1-D, 2-D)
DV_DATA = {("least_squares", 1): "line", ("least_squares", 2): "plane",
           ("sigmoid", 1): "binary_line", ("sigmoid", 2): "binary_plane"}


@dataclass(frozen=True)
class ProblemSpec:
    """What the training loss L(theta) depends on (a cache key of the gradient pages)."""

    data: compute.DataSpec
    loss: str
    reg: float
    penalty: str
    margin: float

    @classmethod
    def of(cls, cfg: Config) -> ProblemSpec:
        return cls(compute.DataSpec.of(cfg), cfg.loss, cfg.reg, cfg.penalty, cfg.margin)


def objective(key: ProblemSpec) -> gradcheck.ParameterLoss:
    """L(theta) on the training set (compute.dataset is cached)."""
    X, y, *_ = compute.dataset(key.data)
    return gradcheck.ParameterLoss(X, y, key.data.n_classes, loss=key.loss, reg=key.reg, penalty=key.penalty,
                                   margin=key.margin)


def analytic(key: ProblemSpec, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(P,) the engine's gradient at [W | b], in the order of theta."""
    f = objective(key)
    return f.gradient(f.theta(W, b))


# ---------------------------------------------------------------- the numerical gradient page
@cached(max_entries=64, show_spinner=False)
def walk(key: ProblemSpec, W: np.ndarray, b: np.ndarray, h: float, method: str) -> walkthrough.Walkthrough:
    """Every dimension probed (P <= 24): the page shows the first ng_dims steps."""
    f = objective(key)
    return walkthrough.walkthrough(f, f.theta(W, b), h=h, method=method)


@cached(max_entries=32, show_spinner="Evaluating L along the coordinate…")  # (only while computed)
def limit_view(key: ProblemSpec, W: np.ndarray, b: np.ndarray, k: int, h: float, method: str):
    """(curve, secants, hs): L along coordinate k, and the secant for each h of LIMIT_HS plus h (descending)."""
    f = objective(key)
    theta = f.theta(W, b)
    exact = float(f.gradient(theta)[k])
    hs = tuple(sorted({*LIMIT_HS, float(h)}, reverse=True))
    curve = limit.coordinate_curve(f, theta, k, width=LIMIT_WIDTH, n=201)
    return curve, [limit.secant(f, theta, k, v, method=method, exact=exact) for v in hs], hs


@cached(max_entries=32, show_spinner="Sweeping h from 10⁻¹² to 1…")
def error_sweeps(key: ProblemSpec, W: np.ndarray, b: np.ndarray, k: int) -> dict[tuple[str, str], limit.ErrorSweep]:
    """(method, dtype) -> the error of the difference quotient against h at coordinate k."""
    f = objective(key)
    theta = f.theta(W, b)
    exact = float(f.gradient(theta)[k])
    return {(m, d): limit.error_sweep(f, theta, k, exact=exact, method=m, dtype=d)
            for m in ("forward", "centered") for d in ("float64", "float32")}


def sweep_curve(s: limit.ErrorSweep) -> dict:
    """What figures.gradients.error_figure draws of one sweep."""
    fit = s.truncation_coef * s.h[s.truncation] ** s.truncation_slope if np.isfinite(s.truncation_slope) else None
    return {"label": f"{s.method}, {s.dtype}", "h": s.h, "error": s.error, "best_h": s.best_h,
            "best_error": s.best_error, "fit_h": s.h[s.truncation] if fit is not None else None, "fit": fit,
            "slope": s.truncation_slope, "method": s.method, "dtype": s.dtype}


# ---------------------------------------------------------------- the gradient check page
def variants_for(loss: str, penalty: str, reg: float) -> list[str]:
    """The planted bugs that change anything for this loss, penalty and strength (the correct gradient first)."""
    return [name for name, v in VARIANTS.items() if v.applies(loss, penalty, reg)]


@cached(max_entries=64, show_spinner=False)
def check(key: ProblemSpec, W: np.ndarray, b: np.ndarray, h: float, method: str,
          variant: str) -> gradcheck.GradientCheck:
    f = objective(key)
    return gradcheck.check_classifier(W, b, f.X, f.y, loss=f.loss, reg=f.reg, penalty=f.penalty, margin=f.margin,
                                      h=h, method=method, variant=variant)


def measure(key: ProblemSpec, W: np.ndarray, b: np.ndarray, progress, n_images: int = 200) -> dict[str, cost.CostTable]:
    """Time one gradient three ways at this size (3 repeats) and at image size, P = 650 (1 repeat: 1 + 651 + 1300
    evaluations of an n_images-example loss; about 2 s for 200 images). progress(fraction, text) is called as it
    goes. Not cached: a measurement is of this machine, now."""
    f = objective(key)
    here = cost.measure_cost(f, f.theta(W, b), repeat=3, progress=lambda d, n: progress(0.1 * d / n, "this size"))
    image, theta = cost.image_size_problem(n_images, loss=f.loss, reg=f.reg)
    big = cost.measure_cost(image, theta, repeat=1,
                            progress=lambda d, n: progress(0.1 + 0.9 * d / n, f"P = {theta.size}"))
    return {"this size": here, "image size": big}


# ---------------------------------------------------------------- the derivations page
@cached(max_entries=16, show_spinner=False)
def rule_data(rule: str, dims: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """X (N, dims + 1) with the constant 1 last, y (N,)."""
    return derivations.DATA[DV_DATA[rule, dims]](DV_POINTS[dims], seed=seed)


@cached(max_entries=32, show_spinner=False)
def descent(rule: str, dims: int, seed: int, alpha: float, steps: int) -> derivations.Descent:
    X, y = rule_data(rule, dims, seed)
    return derivations.descend(rule, np.zeros(X.shape[1]), X, y, alpha=alpha, steps=steps)


def rule_numerical(rule: str, w: np.ndarray, X: np.ndarray, y: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """The centered numerical gradient of the rule's loss at w."""
    return gradcheck.numerical_gradient(lambda v: derivations.rule_loss(rule, v, X, y), w, h=h)


def unit_output(rule: str, w: np.ndarray, X: np.ndarray) -> np.ndarray:
    """f(w^T x) for each row of X: the fitted line / plane or the sigmoid unit's output."""
    return derivations.RULES[rule](np.asarray(X, dtype=float) @ w)[0]


# ---------------------------------------------------------------- the computation graph page
@cached(max_entries=32, show_spinner=False)
def logistic(w: tuple, x: tuple):
    """(graph, closed form (L, dL/dw, dL/dx), numerical dL/dw, four ways) of -log(1 / (1 + e^(-w.x)))."""
    graph = compgraph.logistic_graph(w, x)
    closed = compgraph.logistic_closed_form(w, x)
    numerical = gradcheck.numerical_gradient(lambda v: compgraph.logistic_value(v, x).data, np.array(w))
    return graph, closed, numerical, compgraph.four_ways(w, x)


@cached(max_entries=32, show_spinner=False)
def example_graph(W: np.ndarray, b: np.ndarray, x: np.ndarray, y: int, loss: str, margin: float):
    """(autodiff of one example's L_i, linviz.losses' result for the same single example)."""
    through_graph = compgraph.classifier_graph(W, b, x, y, loss=loss, margin=margin)
    engine = losses.get_loss(loss)(W, b, x[None, :], np.array([y]), reg=0.0, penalty="none", margin=margin)
    return through_graph, engine
