"""The figures of the loss and gradient pages, computed from a Config without Streamlit widgets: what
`python -m dashboard.export` writes for the Loss, Likelihood & KL, Regularization, Numerical gradient, Gradient
check and Derivations pages. Each scene is the page's own chart at the view the link describes (its step, its
coordinate, its planted bug …); the pages draw the same figures through the functions here.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from dashboard import compute
from dashboard import gradient_compute as gc
from dashboard import regularization_compute as rc
from dashboard.figures import gradients as gfig
from dashboard.figures.loss_shapes import loss_shapes_figure, shapes_view
from dashboard.figures.probabilities import kl_figure
from dashboard.figures.regularization import penalty_lines_figure, weight_paths_figure
from dashboard.scenes import Context
from linviz import derivations
from linviz.information import slide_kl_example
from linviz.lecture_examples import lecture_example
from linviz.planted_bugs import VARIANTS
from linviz.score_table import lead
from linviz.shapes import LossShapes, loss_shapes

LECTURE_DELTA = 1.0  # the slides' margin


def data_shapes(ctx: Context, selected: int) -> tuple[LossShapes, go.Figure]:
    """The training examples at (their lead, their L_i) on the hinge and cross-entropy curves at step t."""
    S = ctx.X @ ctx.W.T + ctx.b
    delta = ctx.cfg.margin
    shapes = loss_shapes(S, ctx.y, delta=delta, resolution=401, x_range=shapes_view(lead(S, ctx.y), delta))
    return shapes, loss_shapes_figure(shapes, selected)


def lecture_shapes(S: np.ndarray, image: int) -> go.Figure:
    """The lecture's three images (score table S (3, 3), row = image) on the two curves, `image` ringed."""
    ex = lecture_example()
    y = np.asarray(ex.y)
    shapes = loss_shapes(S, y, delta=LECTURE_DELTA, resolution=401, x_range=shapes_view(lead(S, y), LECTURE_DELTA))
    return loss_shapes_figure(shapes, image, names=[f"{n} image" for n in ex.class_names])


def lecture_table(cfg) -> np.ndarray:
    """The score table shown (3, 3): row i = image i, column j = class j; the slide's unless edited."""
    if len(cfg.lecture_scores) == 9:
        return np.array(cfg.lecture_scores, dtype=float).reshape(3, 3)
    return np.array(lecture_example().scores, dtype=float)


def loss_figures(ctx: Context) -> dict[str, go.Figure]:
    cfg = ctx.cfg
    selected = min(max(cfg.point, 0), len(ctx.y) - 1)
    return {"loss_shapes": data_shapes(ctx, selected)[1],
            "lecture_shapes": lecture_shapes(lecture_table(cfg), cfg.lecture_image)}


def likelihood_figures(ctx: Context) -> dict[str, go.Figure]:
    ex = slide_kl_example(int(ctx.cfg.kl_class), ctx.cfg.kl_p_hat)
    return {"kl": kl_figure(ex.p_star, ex.p_hat, int(ctx.cfg.kl_class))}


def regularization_step(ctx: Context) -> int:
    """The step whose W the penalty's line goes through: the end of training or step t."""
    return ctx.hist.steps if ctx.cfg.rg_at == "end" else ctx.t


def regularization_figures(ctx: Context) -> dict[str, go.Figure]:
    cfg = ctx.cfg
    step = regularization_step(ctx)
    lines = rc.penalty_lines(compute.DataSpec.of(cfg), ctx.hist.W[step], ctx.hist.b[step], cfg.loss, cfg.rg_reg,
                             cfg.margin)
    paths = rc.weight_paths(compute.TrainSpec.of(cfg), cfg.rg_penalty, cfg.rg_reg)
    jitter = rc.step_too_large(cfg.rg_penalty, cfg.lr, cfg.rg_reg, rc.largest_weight(paths.W[0][-1]))
    return {"penalty_lines": penalty_lines_figure(lines, cfg.rg_reg),
            "weight_paths": weight_paths_figure(paths, jitter=jitter)}


def walkthrough_figure(wk, k: int, names, analytic) -> go.Figure:
    """The slopes after k probes of Walkthrough wk (the last one marked) against the analytic gradient."""
    return gfig.walkthrough_figure(names, wk.gradient_after(k), analytic, current=int(wk.dims[k - 1]) if k else None)


def limit_figure(key: gc.ProblemSpec, W, b, coord: int, h: float, method: str):
    """(figure, curve, the secant at h): L along one coordinate with the secants for h = 1 … 0.001 and h."""
    curve, secants, hs = gc.limit_view(key, W, b, coord, h, method)
    active = hs.index(float(h))
    arrays = {f: np.array([getattr(s, f) for s in secants])
              for f in ("h", "left", "right", "loss_left", "loss_right", "slope")}
    fig = gfig.limit_figure(curve.t, curve.loss, a=curve.a, loss_a=curve.loss_a, exact=secants[active].exact,
                            secants=arrays, active=active)
    return fig, curve, secants[active]


def error_figure(key: gc.ProblemSpec, W, b, coord: int, h: float):
    """(figure, sweeps): the error of the difference quotient against h, forward and centered, float64 and 32."""
    sweeps = gc.error_sweeps(key, W, b, coord)
    return gfig.error_figure([gc.sweep_curve(s) for s in sweeps.values()], current_h=h), sweeps


def numerical_gradient_figures(ctx: Context) -> dict[str, go.Figure]:
    cfg = ctx.cfg
    key = gc.ProblemSpec.of(cfg)
    names = gc.objective(key).names
    k, coord = min(cfg.ng_dims, len(names)), min(cfg.ng_coord, len(names) - 1)
    wk = gc.walk(key, ctx.W, ctx.b, cfg.ng_h, cfg.ng_method)
    return {"ng_walkthrough": walkthrough_figure(wk, k, names, gc.analytic(key, ctx.W, ctx.b)),
            "ng_limit": limit_figure(key, ctx.W, ctx.b, coord, cfg.ng_h, cfg.ng_method)[0],
            "ng_error": error_figure(key, ctx.W, ctx.b, coord, cfg.ng_h)[0]}


def check_figure(check) -> go.Figure:
    return gfig.gradcheck_figure(check.names, check.analytic, check.numerical, check.error, check.grade,
                                 check.near_kink)


def gradient_check_figures(ctx: Context) -> dict[str, go.Figure]:
    cfg = ctx.cfg
    variant = VARIANTS[cfg.gc_bug]
    if not variant.applies(cfg.loss, cfg.penalty, cfg.reg):  # (the page then checks the correct gradient)
        variant = VARIANTS["correct"]
    check = gc.check(gc.ProblemSpec.of(cfg), ctx.W, ctx.b, cfg.gc_h, cfg.gc_method, variant.name)
    return {"gradient_check": check_figure(check)}


def fit_arrays(rule: str, X: np.ndarray, w: np.ndarray, w_prev):
    """The grid and the unit's output on it (1-D: a line / curve; 2-D: a surface), now and one step before."""
    if X.shape[1] == 2:
        grid = np.linspace(X[:, 0].min() - 0.5, X[:, 0].max() + 0.5, 121)
        inputs = np.column_stack([grid, np.ones_like(grid)])
        prev = None if w_prev is None else gc.unit_output(rule, w_prev, inputs)
        return grid, gc.unit_output(rule, w, inputs), prev
    gx = np.linspace(X[:, 0].min() - 0.5, X[:, 0].max() + 0.5, 41)
    gy = np.linspace(X[:, 1].min() - 0.5, X[:, 1].max() + 0.5, 41)
    xx, yy = np.meshgrid(gx, gy)
    inputs = np.column_stack([xx.ravel(), yy.ravel(), np.ones(xx.size)])
    return (gx, gy), gc.unit_output(rule, w, inputs).reshape(xx.shape), None


def rule_figure(rule: str, X: np.ndarray, y: np.ndarray, run) -> go.Figure:
    """The data, the unit's fit after the run's last step (and the one before) and the loss so far."""
    t = len(run.w) - 1
    grid, fit, prev = fit_arrays(rule, X, run.w[t], run.w[t - 1] if t else None)
    return gfig.rule_figure(X[:, :-1], y, grid=grid, fit=fit, previous=prev, losses=run.loss, step=t,
                            binary=rule == "sigmoid")


def sigmoid_figure(curves: derivations.SigmoidCurves, d=None) -> go.Figure:
    """σ and σ' = σ(1 − σ) against the centered difference quotient; d: the sigmoid rule's δ values."""
    return gfig.sigmoid_figure(curves.z, curves.sigma, curves.sigma_prime, curves.numerical, d=d)


def derivations_figures(ctx: Context) -> dict[str, go.Figure]:
    cfg = ctx.cfg
    X, y = gc.rule_data(cfg.dv_rule, int(cfg.dv_dims), cfg.seed)
    run = gc.descent(cfg.dv_rule, int(cfg.dv_dims), cfg.seed, cfg.dv_alpha, cfg.dv_steps)
    step = derivations.rule_step(cfg.dv_rule, run.w[-1], X, y, alpha=cfg.dv_alpha)
    return {"derivation_rule": rule_figure(cfg.dv_rule, X, y, run),
            "sigmoid": sigmoid_figure(derivations.sigmoid_curves(), step.d if cfg.dv_rule == "sigmoid" else None)}
