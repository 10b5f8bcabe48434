"""The Learning-rates page's scene: runs from the same start, one per rate, drawn on one landscape and one loss
chart, each named by what it did (dashboard/behaviour.py). Pure, like dashboard/scenes.py (no Streamlit runtime).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go

from dashboard import behaviour, compute, figures
from dashboard.config import Config
from dashboard.scenes import Context, blew_up
from linviz.landscape import pca_directions, project
from linviz.losses import canonical_loss_name
from linviz.train import History
from linviz.train_kernels import FullDataScores, loss_upper_bounds

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class LearningRateScene:
    figures: dict
    histories: list
    diverged: list  # blew_up() of each run
    behaviours: list  # behaviour.describe() of each run: 'crawls', ..., 'diverges at step 3'


def comparison_runs(cfg: Config, progress=None) -> list[History]:
    """One run per rate in cfg.lrs, from the same start, all trained together (compute.curves; mini-batch runs
    scored at the steps their curves are drawn at). The sidebar's α is not part of their cache key (changing α
    retrains nothing here). progress(done, steps): called now and then while they train (compute.curves)."""
    return compute.curves(compute.TrainSpec.of(cfg), cfg.lrs, _progress=progress)


def _scores(cfg: Config) -> FullDataScores:
    X, y, *_ = compute.dataset(compute.DataSpec.of(cfg))
    return FullDataScores(canonical_loss_name(cfg.loss), X, y, cfg.n_classes, cfg.reg, cfg.penalty, cfg.margin)


def blow_up(cfg: Config, h: History) -> tuple[int | None, float]:
    """(scenes.blew_up(h), the loss at that step: inf where it was not finite) exactly, for a run scored at some
    steps only too (History.loss_steps): the steps whose loss a cheap upper bound (loss_upper_bounds) cannot keep
    below BLOWUP x L_0 are evaluated, in order, until one is above it."""
    if h.loss_steps is None:
        d = blew_up(h)
        return d, (np.inf if d is None or d >= len(h.loss) else float(h.loss[d]))
    limit = behaviour.BLOWUP * h.loss[0] if h.loss[0] > 0 else np.inf  # (start at 0: only non-finite counts)
    end = h.steps if h.diverged_at is None else min(h.steps, h.diverged_at - 1)
    if np.isfinite(limit) and end >= 1:
        X, *_ = compute.dataset(compute.DataSpec.of(cfg))
        with np.errstate(all="ignore"):
            bound = loss_upper_bounds(canonical_loss_name(cfg.loss), h.W[1:end + 1], h.b[1:end + 1],
                                      np.abs(X).max(axis=0), cfg.reg, cfg.penalty, cfg.margin)
        suspects = 1 + np.flatnonzero(~(bound <= limit))
        scores = _scores(cfg) if suspects.size else None
        for lo in range(0, suspects.size, 64):
            steps = suspects[lo:lo + 64]
            with np.errstate(all="ignore"):
                loss = scores(h.W[steps], h.b[steps])[0]
            over = np.flatnonzero(~(loss <= limit))
            if over.size:
                return int(steps[over[0]]), float(loss[over[0]])
    if h.diverged_at is not None:
        return h.diverged_at, np.inf
    return _stayed_above(cfg, h)


def _stayed_above(cfg: Config, h: History) -> tuple[int | None, float]:
    """behaviour.stayed_above for a run scored at some steps only: its scored losses say whether it ends above
    ENDS_ABOVE x L_0; the steps from the last scored one under that line to the end are then scored, so the step
    from which it stayed above is exact (a rare, diverging run: the cost of a full curve only for it)."""
    k = behaviour.stayed_above(h.loss)
    if k is None:
        return None, np.inf
    steps = np.arange(int(h.loss_steps[k - 1]) + 1, int(h.loss_steps[-1]) + 1)
    with np.errstate(all="ignore"):
        loss = _scores(cfg)(h.W[steps], h.b[steps])[0]
    under = np.flatnonzero(loss <= behaviour.ENDS_ABOVE * h.loss[0])
    first = 0 if not under.size else int(under[-1]) + 1
    return int(steps[first]), float(loss[first])


def _curve(h: History, d: int | None, loss_at_d: float) -> tuple[np.ndarray, np.ndarray]:
    """(steps, loss) of a run's drawn curve up to the step d where it blew up, that step's loss included."""
    steps = np.arange(len(h.loss)) if h.loss_steps is None else h.loss_steps
    if d is None:
        return steps, h.loss
    keep = steps < d
    return np.r_[steps[keep], d], np.r_[h.loss[keep], loss_at_d]


def _view_extent(coords: list, kinds: list) -> float:
    """Half-width of the landscape view: 1.3 x the reach of the runs that settle (crawl or converge), so that their
    paths fill the view (an overshooting run's zigzag around the minimum stays in view, its far jumps leave it);
    without a settling run, the overshooting ones; without those, the start."""
    def reach(kind_set):
        pts = [c for c, k in zip(coords, kinds) if k in kind_set and len(c)]
        return float(np.abs(np.concatenate(pts)).max()) if pts else 0.0
    fitted = reach({"crawls", "converges"}) or reach({"overshoots"}) or max(
        (float(np.abs(c[0]).max()) for c in coords if len(c)), default=0.0)
    return float(max(1.3 * fitted, 0.1))


def learning_rate_scene(ctx: Context | Config) -> LearningRateScene:
    """Runs from the same start with each of cfg.lrs, drawn on the plane of the best run's path (of a Context, only
    its cfg is used)."""
    cfg = ctx if isinstance(ctx, Config) else ctx.cfg
    hists = comparison_runs(cfg)
    blown = [blow_up(cfg, h) for h in hists]
    diverged = [d for d, _ in blown]
    curves = [_curve(h, d, at_d) for h, (d, at_d) in zip(hists, blown)]
    # what each run did, read from its drawn curve, with the exact step it blew up at
    kinds = [behaviour.behaviour(loss, d) for (_, loss), d in zip(curves, diverged)]
    words = [behaviour.describe(loss, d) for (_, loss), d in zip(curves, diverged)]
    finite_end = [h.loss[-1] if d is None else np.inf for h, d in zip(hists, diverged)]
    best = int(np.argmin(finite_end)) if np.isfinite(min(finite_end)) else 0
    ref = hists[best]
    W, b = ref.W[-1], ref.b[-1]
    dirs = pca_directions(ref, W, b)
    # a run that blew up is drawn up to the step where it did
    coords = [project(h, W, b, dirs)[: None if d is None else d + 1] for h, d in zip(hists, diverged)]
    extent = _view_extent(coords, kinds)
    s = compute.surface(compute.DataSpec.of(cfg), W, b, dirs, cfg.loss, cfg.reg, cfg.penalty, cfg.margin, extent)
    runs = [{"label": f"α = {lr:g}", "behaviour": kind, "description": word, "coords": c, "steps": steps,
             "loss": loss, "diverged_at": d}
            for lr, c, (steps, loss), d, kind, word in zip(cfg.lrs, coords, curves, diverged, kinds, words)]
    land, curve_figure = figures.lr_comparison_figures(s.alphas, s.betas, s.values, runs)
    return LearningRateScene({"lr_landscape": land, "lr_curves": curve_figure}, hists, diverged, words)


def learning_rate_figures(ctx: Context) -> dict[str, go.Figure]:
    return learning_rate_scene(ctx).figures


def learning_rate_table(scene: LearningRateScene, lrs) -> pd.DataFrame:
    """One row per run: its rate, what it did, and its final loss and accuracy (NaN for a run that blew up)."""
    import pandas as pd

    ends = [(np.nan, np.nan) if d is not None else (float(h.loss[-1]), float(h.accuracy[-1]))
            for h, d in zip(scene.histories, scene.diverged)]
    return pd.DataFrame({"learning rate α": [float(lr) for lr in lrs], "what it did": scene.behaviours,
                         "final loss": [e[0] for e in ends], "final accuracy": [e[1] for e in ends]},
                        index=[f"run {k + 1}" for k in range(len(lrs))])
