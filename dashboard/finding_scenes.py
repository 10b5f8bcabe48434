"""The figures of the Search, Optimizers and Mini-batch pages (issue 12: how W is found), computed from a Config
without Streamlit widgets: what the pages draw and what `python -m dashboard.export` writes for them. Each function
is the page's own chart at the view the link describes; the pages call them (one implementation per figure).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from dashboard import compute
from dashboard import finding_compute as fc
from dashboard.config import OPTIMIZER_LABELS, Config
from dashboard.figures import finding as ff
from dashboard.figures import minibatch as mbf
from dashboard.scenes import Context
from linviz.minibatch import project_cloud, spread_slope
from linviz.optim import OPTIMIZERS

SLICE_WIDE = 3.6  # the search slice's landscape reaches 3.6x as far sideways: a wide column shows more of it at 1:1
DECAY_LABELS = {"inverse_time": "1/t: α₀ / (1 + k t)", "exponential": "exponential: α₀ · 0.99ᵗ",
                "step": "step: ×0.5 every 100"}


# ---------------------------------------------------------------- Search
def race(cfg: Config, progress=None):
    """The cached race of the Search page's settings (progress: see finding_compute.race)."""
    return fc.race(fc.problem_key(cfg), compute.InitSpec.of(cfg), cfg.sr_data, int(cfg.sr_budget),
                   float(cfg.sr_lr), cfg.seed, _progress=progress)


def race_curves(result, metric: str) -> go.Figure:
    """Loss or accuracy of every method against its loss evaluations and against wall-clock time."""
    first = result.runs[0]
    start = float(first.loss[0]) if metric == "loss" else float(first.accuracy[0])
    runs = [{"method": r.method, "evaluations": r.evaluations, "seconds": r.seconds,
             "values": r.loss if metric == "loss" else r.accuracy} for r in result.runs]
    return ff.race_curves_figure(runs, metric=metric, start=start)


def race_samples(cfg: Config, result) -> tuple[go.Figure | None, list[str]]:
    """(the play-through of every evaluated point on the slice of the two entries analytic GD moved most, those
    entries' names); the figure is None where GD diverged and the loss overflows on the whole slice."""
    C, D = result.shape
    pair, centre = result.pair, result.centre.astype(float)
    methods = [{"method": r.method, "frames": r.frames} for r in result.runs]
    points = [p for m in methods for p, _ in m["frames"] if len(p)]
    reach = max(float(np.abs(np.concatenate(points) - centre).max()), 0.5)
    surface = fc.search_surface(fc.problem_key(cfg), compute.InitSpec.of(cfg), cfg.sr_data, result.W, result.b,
                                fc.entry_index(pair[0], D), fc.entry_index(pair[1], D), 1.1 * reach, wide=SLICE_WIDE)
    names = [fc.entry_name(i, D) for i in pair]
    if not np.isfinite(surface.values).any():
        return None, names
    fig = ff.search_samples_figure(centre[0] + SLICE_WIDE * surface.alphas, centre[1] + surface.betas,
                                   surface.values, methods, result.checkpoints, axis_titles=names,
                                   x_range=(centre[0] - 1.1 * reach, centre[0] + 1.1 * reach))
    return fig, names


def search_figures(ctx: Context) -> dict[str, go.Figure]:
    result = race(ctx.cfg)
    samples, _ = race_samples(ctx.cfg, result)
    return {"search_curves": race_curves(result, ctx.cfg.sr_metric),
            **({} if samples is None else {"search_samples": samples})}


# ---------------------------------------------------------------- Optimizers
@dataclass(frozen=True)
class OptimizerSlice:
    """The five optimizers on one fair slice at step t of the focused one, and what the captions read out."""

    figures: dict  # "optimizer_slice", "optimizer_curves"
    t: int  # the step shown (clipped to the run)
    steps: int  # steps of each run
    optimum_loss: float  # L* at the common optimum
    off_plane: float  # the farthest any path point lies off the plane
    lr_t: float  # the focused optimizer's learning rate at step t


def optimizer_slice(cfg: Config, t: int) -> OptimizerSlice:
    """GD, momentum, Nesterov, Adam and RMSProp from the sidebar's start on the plane chosen for all of them, with
    −∇L and −α∇L at step t of cfg.op_focus, and their loss curves."""
    key, ikey, focus = fc.problem_key(cfg), compute.InitSpec.of(cfg), cfg.op_focus
    run_keys = tuple((name, tuple(sorted(fc.knobs(cfg, name).items()))) for name in OPTIMIZERS)
    runs = [fc.optimizer_run(key, ikey, name, items, cfg.steps, cfg.batch_size, cfg.seed) for name, items in run_keys]
    plane, surface = fc.fair_slice(key, ikey, run_keys, cfg.steps, cfg.batch_size, cfg.seed)
    best = fc.minimum(key, ikey)
    k = list(OPTIMIZERS).index(focus)
    run = runs[k]
    t = min(t, run.steps)
    dW, db = fc.gradient(key, run.W[t], run.b[t])
    lr_t = float(run.lr[min(t, len(run.lr) - 1)]) if len(run.lr) else fc.knobs(cfg, focus)["lr"]
    arrows = fc.gradient_arrow_specs(run.W[t], run.b[t], dW, db, lr_t, plane.directions, plane.extent,
                                     at=plane.paths[k][t], min_length=fc.ARROW_MIN)
    labels = [f"{OPTIMIZER_LABELS[n]} (α = {fc.knobs(cfg, n)['lr']:g})" for n in OPTIMIZERS]
    paths = [{"name": n, "label": label, "coords": p} for n, label, p in zip(OPTIMIZERS, labels, plane.paths)]
    curves = [{"name": n, "label": label, "loss": h.loss} for n, label, h in zip(OPTIMIZERS, labels, runs)]
    figs = {"optimizer_slice": ff.optimizer_slice_figure(surface.alphas, surface.betas, surface.values, paths,
                                                         arrows=arrows, current=plane.paths[k][t]),
            "optimizer_curves": ff.optimizer_curves_figure(curves, optimum=best.loss, t=t)}
    off = max(float(np.max(o)) for o in plane.off_plane)
    return OptimizerSlice(figs, t, run.steps, float(best.loss), off, lr_t)


def schedules(cfg: Config):
    """(the race of a constant against a decaying α, its figure)."""
    race = fc.schedules(fc.problem_key(cfg), compute.InitSpec.of(cfg), float(cfg.op_sched_lr),
                        int(cfg.op_sched_batch), int(cfg.op_sched_steps), cfg.op_decay, cfg.seed)
    names = ["constant α", DECAY_LABELS[cfg.op_decay]]
    return race, ff.schedules_figure(names, list(race.distance), list(race.lr))


def convexity(cfg: Config, W: np.ndarray, b: np.ndarray):
    """(the check that L is convex along random lines through (W, b), its figure)."""
    check = fc.convexity(fc.problem_key(cfg), W, b, cfg.seed)
    return check, ff.convexity_figure(check.ts, check.values, holds=check.holds)


def optimizers_figures(ctx: Context) -> dict[str, go.Figure]:
    """All three tabs' charts."""
    cfg = ctx.cfg
    return {**optimizer_slice(cfg, ctx.t).figures, "schedules": schedules(cfg)[1],
            "convexity": convexity(cfg, ctx.W, ctx.b)[1]}


# ---------------------------------------------------------------- Mini-batch
@dataclass(frozen=True)
class CloudScene:
    figures: dict  # "batch_cloud", "batch_spread"
    cloud: object  # linviz.minibatch.GradientCloud at step t
    slope: float  # the fitted log-log slope of the spread (NaN with fewer than two M below N)


def gradient_cloud(ctx: Context, cfg: Config | None = None) -> CloudScene:
    """Where one step −α∇L_B would take θ at step t for each batch drawn, on the Landscape page's slice, and the
    spread of the estimate against M. cfg: the page's settings (default ctx.cfg)."""
    cfg = cfg or ctx.cfg
    sizes = tuple(int(m) for m in cfg.mb_sizes)
    cloud = fc.cloud(fc.problem_key(cfg), ctx.W, ctx.b, sizes, int(cfg.mb_draws), cfg.seed)
    dirs = compute.directions(cfg, ctx.hist, ctx.t)
    moves, full = project_cloud(cloud, ctx.W, ctx.b, dirs)
    tips, full_tip = -cfg.lr * moves, -cfg.lr * full
    # the view is centred half-way along the full-batch step (θ on one side, the cloud around its tip on the other)
    # and holds 95% of the steps (a few of the widest M = 1 steps may leave it), θ and the full step's tip
    middle = full_tip / 2
    reach = float(np.quantile(np.abs(tips - middle).max(axis=-1), 0.95))
    extent = float(max(1.15 * max(reach, np.abs(middle).max()), 1e-3))
    (dW1, db1), (dW2, db2) = dirs
    s = compute.surface(compute.DataSpec.of(cfg), ctx.W + middle[0] * dW1 + middle[1] * dW2,
                        ctx.b + middle[0] * db1 + middle[1] * db2, dirs, cfg.loss, cfg.reg, cfg.penalty, cfg.margin,
                        extent)
    axis = (f"u ({cfg.param1})", f"v ({cfg.param2})") if cfg.slice == "params" else ("u (along d₁)", "v (along d₂)")
    slope = spread_slope(cloud) if (cloud.batch_sizes < cloud.n).sum() >= 2 else float("nan")
    figs = {"batch_cloud": mbf.cloud_figure(middle[0] + s.alphas, middle[1] + s.betas, s.values, tips, full_tip,
                                            cloud.batch_sizes, lr=cfg.lr, axis_titles=axis),
            "batch_spread": mbf.spread_figure(cloud.batch_sizes, cloud.spread, cloud.predicted_spread, cloud.sigma,
                                              cloud.n, height=600)}
    return CloudScene(figs, cloud, slope)


def batch_curves(cfg: Config, cloud) -> go.Figure:
    """The sidebar's run with each batch size of cfg.mb_sizes (as the cloud has them: at most N)."""
    runs = fc.batch_runs(cfg, tuple(int(m) for m in cfg.mb_sizes))
    n = cloud.n
    curves = [{"label": f"M = {int(m)}" if m < n else f"M = N = {n} (full)", "M": int(m), "loss": h.loss,
               "steps": h.loss_steps} for m, h in zip(cloud.batch_sizes, runs)]
    return mbf.batch_curves_figure(curves, n=n)


def minibatch_figures(ctx: Context) -> dict[str, go.Figure]:
    scene = gradient_cloud(ctx)
    return {**scene.figures, "batch_curves": batch_curves(ctx.cfg, scene.cloud)}
