"""What each page shows, as figures computed from a Config: used by the pages and by the export command.

No widgets here: a page draws its controls, then asks for its scene; `python -m dashboard.export`
asks for every scene of a Config and writes the figures to files.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import plotly.graph_objects as go

from dashboard import compute, figures
from dashboard.config import LOSS_LABELS, Config
from linviz.landscape import pca_directions, project
from linviz.train import History

CLASS_NAMES = tuple(f"class {k}" for k in range(8))
CHUNK = 50  # a page that shows step t only trains up to t rounded up to this
MAX_FRAMES = 100  # frames in the client-side training animation (evenly spaced steps)
ROLES = ("too small", "good", "too large", "divergent", "run 5", "run 6")
BLOWUP = 100.0  # a learning-rate run whose loss grows past this multiple of its start is called divergent


@dataclass(frozen=True)
class Context:
    """The data and the cached training run at the step shown."""

    cfg: Config
    X: np.ndarray  # training inputs (N, 2)
    y: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    bounds: tuple
    hist: History
    t: int  # the step shown (clipped to where training stopped)

    @property
    def W(self) -> np.ndarray:
        return self.hist.W[self.t]

    @property
    def b(self) -> np.ndarray:
        return self.hist.b[self.t]

    @property
    def class_names(self) -> tuple:
        return CLASS_NAMES[: self.cfg.n_classes]


def load(cfg: Config, through_t: bool = False) -> Context:
    """Data and training run for cfg; with through_t only the first steps, up to t rounded up to CHUNK (the
    same steps: a run is a prefix of any longer one), for a page that shows step t only."""
    X, y, Xt, yt, bounds = compute.dataset(compute.data_key(cfg))
    run = cfg.replace(steps=min(cfg.steps, CHUNK * max(1, -(-cfg.t // CHUNK)))) if through_t else cfg
    hist = compute.history(compute.train_key(run))
    return Context(cfg, X, y, Xt, yt, bounds, hist, min(cfg.t, hist.steps))


def classifier_views(ctx: Context, score_class: int | None = None) -> go.Figure:
    """The Classifier page's chart: the geometric and the visual view side by side, in one figure."""
    return figures.classifier_views_figure(
        ctx.X, ctx.y, ctx.W, ctx.b, ctx.bounds, X_test=ctx.X_test, y_test=ctx.y_test,
        selected=min(ctx.cfg.point, len(ctx.X) - 1), class_names=ctx.class_names, score_class=score_class)


def classifier_scene(ctx: Context, score_class: int | None = None) -> dict[str, go.Figure]:
    """The geometric and the visual view as separate figures (for export)."""
    point = min(ctx.cfg.point, len(ctx.X) - 1)
    return {
        "classifier": figures.classifier_figure(
            ctx.X, ctx.y, ctx.W, ctx.b, ctx.bounds, X_test=ctx.X_test, y_test=ctx.y_test, selected=point,
            class_names=ctx.class_names, score_class=score_class),
        "templates": figures.templates_figure(ctx.W, ctx.b, ctx.X[point], class_names=ctx.class_names),
    }


def animation_frames(hist: History) -> np.ndarray:
    """At most MAX_FRAMES evenly spaced steps, first and last included."""
    return np.unique(np.linspace(0, hist.steps, min(MAX_FRAMES, hist.steps + 1)).round().astype(int))


def training_animation(ctx: Context) -> go.Figure:
    hist = ctx.hist
    frames = animation_frames(hist)
    return figures.classifier_animation(
        ctx.X, ctx.y, hist.W[frames], hist.b[frames], ctx.bounds, frames, losses=hist.loss,
        accuracies=hist.accuracy, class_names=ctx.class_names, test_losses=hist.test_loss, start_step=ctx.t)


def loss_curves(ctx: Context, t: int, log_y: bool = False) -> go.Figure:
    h = ctx.hist
    return figures.loss_curves_figure(h.loss, h.accuracy, test_loss=h.test_loss, test_accuracy=h.test_accuracy,
                                      current=t, diverged_at=h.diverged_at, log_y=log_y)


@dataclass(frozen=True)
class LandscapeScene:
    figures: dict
    extent: float
    centre: dict  # loss name -> loss value at the centre of the slice


def landscape_scene(ctx: Context) -> LandscapeScene:
    """Hinge and cross-entropy on the same slice through the parameters at step t, with the run on it."""
    cfg, hist = ctx.cfg, ctx.hist
    dirs = compute.directions(cfg, hist, ctx.t)
    coords = project(hist, ctx.W, ctx.b, dirs)
    extent = float(max(1.3 * np.abs(coords).max(), 0.1)) if cfg.auto_extent else cfg.extent
    surfaces = {loss: compute.surface(compute.data_key(cfg), ctx.W, ctx.b, dirs, loss, cfg.reg, cfg.penalty,
                                      cfg.margin, extent) for loss in ("svm", "softmax", cfg.loss)}
    axis = ((f"u ({cfg.param1})", f"v ({cfg.param2})") if cfg.slice == "params"
            else ("u (along d₁)", "v (along d₂)"))
    panels = {LOSS_LABELS[k]: (s.alphas, s.betas, s.values) for k, s in surfaces.items() if k != "ova"}
    out = {"landscape_pair": figures.landscape_pair_figure(panels, trajectory=coords, current=np.zeros(2),
                                                           axis_titles=axis, log_color=cfg.log_color)}
    if cfg.show3d:
        s = surfaces[cfg.loss]
        out["landscape_3d"] = figures.surface3d_figure(s.alphas, s.betas, s.values, trajectory=coords, axis_titles=axis,
                                                       title=LOSS_LABELS[cfg.loss])
    mid = len(surfaces["svm"].alphas) // 2
    return LandscapeScene(out, extent, {k: float(s.values[mid, mid]) for k, s in surfaces.items()})


def blew_up(h: History) -> int | None:
    """The step where a run diverged: not finite, or its loss grew BLOWUP-fold."""
    if h.diverged_at is not None:
        return h.diverged_at
    over = np.nonzero(h.loss > BLOWUP * h.loss[0])[0]
    return int(over[0]) if len(over) else None


@dataclass(frozen=True)
class LearningRateScene:
    figures: dict
    histories: list
    diverged: list  # blew_up() of each run


def learning_rate_scene(ctx: Context) -> LearningRateScene:
    """Runs from the same start with each of cfg.lrs, drawn on the plane of the best run's path."""
    cfg = ctx.cfg
    key = compute.train_key(cfg)
    hists = [compute.history(key, lr=lr) for lr in cfg.lrs]
    diverged = [blew_up(h) for h in hists]
    finite_end = [h.loss[-1] if d is None else np.inf for h, d in zip(hists, diverged)]
    best = int(np.argmin(finite_end)) if np.isfinite(min(finite_end)) else 0
    ref = hists[best]
    W, b = ref.W[-1], ref.b[-1]
    dirs = pca_directions(ref, W, b)
    coords = [project(h, W, b, dirs) for h in hists]
    inside = np.concatenate([c for c, d in zip(coords, diverged) if d is None] or [coords[best]])
    extent = float(max(1.3 * np.abs(inside).max(), 0.1))
    s = compute.surface(compute.data_key(cfg), W, b, dirs, cfg.loss, cfg.reg, cfg.penalty, cfg.margin, extent)
    # a run that blew up is drawn up to the step where it did
    runs = [{"label": f"α = {lr:g} ({ROLES[k]})", "coords": c[: None if d is None else d + 1],
             "loss": h.loss[: None if d is None else d + 1], "diverged_at": d}
            for k, (lr, c, h, d) in enumerate(zip(cfg.lrs, coords, hists, diverged))]
    land, curves = figures.lr_comparison_figures(s.alphas, s.betas, s.values, runs)
    return LearningRateScene({"lr_landscape": land, "lr_curves": curves}, hists, diverged)


def all_figures(cfg: Config) -> dict[str, go.Figure]:
    """Every figure the dashboard draws for this Config, by name (for the export command)."""
    ctx = load(cfg)
    out = dict(classifier_scene(ctx))
    out["classifier_views"] = classifier_views(ctx)
    out["training_animation"] = training_animation(ctx)
    out["loss_curves"] = loss_curves(ctx, ctx.t)
    out.update(landscape_scene(replace(ctx, cfg=cfg.replace(show3d=True))).figures)
    out.update(learning_rate_scene(ctx).figures)
    return out
