"""What each page shows, computed from a Config: its figures and the numbers of its tables and metrics. Used by
the pages and by the export command; pure, and importable without a Streamlit runtime (dashboard/cache.py).

No widgets here: a page draws its controls, then asks for its scene and lays it out (formatting its numbers);
`python -m dashboard.export` asks for every scene of a Config and writes the figures to files. The Loss page's
scene and tables are in dashboard/loss_scene.py, the other pages' in the modules named in dashboard/pages.py.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import plotly.graph_objects as go

from dashboard import behaviour, compute, figures, pages
from dashboard.config import LOSS_LABELS, OPTIMIZER_LABELS, Config
from linviz.datasets import DataSet, dataset_info
from linviz.landscape import project
from linviz.train import History
from linviz.viewpoints import ImagePlane

CLASS_NAMES = tuple(f"class {k}" for k in range(10))  # C <= 10 (config.n_classes)
CHUNK = 50  # a page that shows step t only trains up to t rounded up to this
MAX_FRAMES = 100  # frames in the client-side training animation (evenly spaced steps)
BLOWUP = behaviour.BLOWUP  # a learning-rate run whose loss grows past this multiple of its start diverged


@dataclass(frozen=True)
class Context:
    """The data and the cached training run at the step shown."""

    cfg: Config
    X: np.ndarray  # training inputs (N, P): P = 2 for points, 64 for 8x8 images
    y: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    bounds: tuple  # of the view plane
    hist: History
    t: int  # the step shown (clipped to where training stopped)
    plane: ImagePlane = compute.IDENTITY  # the plane of input space the 2-D views draw (compute.plane)

    @property
    def W(self) -> np.ndarray:
        return self.hist.W[self.t]

    @property
    def b(self) -> np.ndarray:
        return self.hist.b[self.t]

    @property
    def info(self) -> DataSet:
        return dataset_info(self.cfg.dataset)

    @property
    def class_names(self) -> tuple:
        return self.info.names(self.cfg.n_classes)

    @property
    def projected(self) -> bool:
        """Whether the 2-D views show a projection (of images onto a plane of image space), not the data itself."""
        return self.info.n_features != 2

    @property
    def Z(self) -> np.ndarray:
        """The training inputs on the view plane, (N, 2) (X itself for 2-D points)."""
        return self.X if not self.projected else self.plane.project(self.X)

    @property
    def Z_test(self) -> np.ndarray:
        return self.X_test if not self.projected else self.plane.project(self.X_test)

    def on_plane(self, W: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The classifier (W, b) restricted to the view plane: W' (..., C, 2), b' (..., C), exact on the plane (for
        2-D points, W and b themselves). Stacks of parameters (T, C, P) restrict all at once."""
        if not self.projected:
            return W, b
        return W @ self.plane.axes.T, W @ self.plane.origin + b

    @property
    def plane_note(self) -> str:
        """What a chart title adds when it shows the projection ("" for 2-D points)."""
        if not self.projected:
            return ""
        return " · images projected onto the plane of their top 2 principal components (classifier exact on it)"


def load(cfg: Config, through_t: bool = False) -> Context:
    """Data and training run for cfg; with through_t only the first steps, up to t rounded up to CHUNK (the
    same steps: a run is a prefix of any longer one), for a page that shows step t only."""
    spec = compute.DataSpec.of(cfg)
    X, y, Xt, yt, bounds = compute.dataset(spec)
    run = cfg.replace(steps=min(cfg.steps, CHUNK * max(1, -(-cfg.t // CHUNK)))) if through_t else cfg
    hist = compute.history(compute.TrainSpec.of(run))
    return Context(cfg, X, y, Xt, yt, bounds, hist, min(cfg.t, hist.steps), compute.plane(spec))


def classifier_views(ctx: Context, score_class: int | None = None) -> go.Figure:
    """The Classifier page's chart: the geometric and the visual view side by side, in one figure. For images, the
    geometric view alone, on the view plane (the templates are images: template_images)."""
    point = min(ctx.cfg.point, len(ctx.X) - 1)
    if ctx.projected:
        W2, b2 = ctx.on_plane(ctx.W, ctx.b)
        return figures.classifier_figure(
            ctx.Z, ctx.y, W2, b2, ctx.bounds, X_test=ctx.Z_test, y_test=ctx.y_test, selected=point,
            class_names=ctx.class_names, score_class=score_class, height=560, axis_titles=PLANE_AXES,
            title="geometric: images projected onto a plane of image space (the classifier is exact on it)")
    return figures.classifier_views_figure(
        ctx.X, ctx.y, ctx.W, ctx.b, ctx.bounds, X_test=ctx.X_test, y_test=ctx.y_test,
        selected=point, class_names=ctx.class_names, score_class=score_class)


def template_images(ctx: Context) -> go.Figure:
    """The visual view of an image classifier: each row w_k of W at step t as an image, one colour scale centred at 0
    shared by all classes."""
    from dashboard.figures.images import templates_figure

    H, Wd = ctx.info.feature_shape
    frames = ctx.W.reshape(1, -1, H, Wd)
    limit = float(max(np.abs(frames).max(), 1e-12))
    return templates_figure(frames, [ctx.t], 0, limit, list(ctx.class_names))


def classifier_scene(ctx: Context, score_class: int | None = None) -> dict[str, go.Figure]:
    """The geometric and the visual view as separate figures (for export)."""
    point = min(ctx.cfg.point, len(ctx.X) - 1)
    if ctx.projected:
        return {"classifier": classifier_views(ctx, score_class), "templates": template_images(ctx)}
    return {
        "classifier": figures.classifier_figure(
            ctx.X, ctx.y, ctx.W, ctx.b, ctx.bounds, X_test=ctx.X_test, y_test=ctx.y_test, selected=point,
            class_names=ctx.class_names, score_class=score_class),
        "templates": figures.templates_figure(ctx.W, ctx.b, ctx.X[point], class_names=ctx.class_names),
    }


def animation_frames(hist: History, t: int | None = None) -> np.ndarray:
    """At most MAX_FRAMES evenly spaced steps, first and last included, and step t (the one shown, exactly)."""
    even = np.linspace(0, hist.steps, min(MAX_FRAMES, hist.steps + 1)).round().astype(int)
    return np.unique(even if t is None else np.r_[even, min(max(int(t), 0), hist.steps)])


def training_animation(ctx: Context) -> go.Figure:
    """The client-side playback of the run, opened at step ctx.t (a frame of its own, so that the figure shows
    exactly the step the rest of the page shows)."""
    hist = ctx.hist
    frames = animation_frames(hist, ctx.t)
    Ws, bs = ctx.on_plane(hist.W[frames], hist.b[frames])
    return figures.classifier_animation(
        ctx.Z, ctx.y, Ws, bs, ctx.bounds, frames, losses=hist.loss, accuracies=hist.accuracy,
        class_names=ctx.class_names, test_losses=hist.test_loss, start_step=ctx.t,
        regions_title="decision regions on the images' PCA plane" if ctx.projected else "decision regions",
        axis_titles=PLANE_AXES if ctx.projected else ("x₁", "x₂"))


def training_frame(ctx: Context, t: int) -> dict | None:
    """The animation frame of step t when training_animation(ctx) has none (the page's scrubber moved to it):
    the browser adds it to the chart instead of the server sending the whole animation again."""
    hist = ctx.hist
    t = min(max(int(t), 0), hist.steps)
    if t in set(animation_frames(hist, ctx.t).tolist()):
        return None
    W2, b2 = ctx.on_plane(hist.W[t], hist.b[t])
    return figures.animation_frame(W2, b2, ctx.bounds, t, losses=hist.loss, accuracies=hist.accuracy)


PLANE_AXES = ("principal component 1", "principal component 2")  # the axes of the images' view plane
@dataclass(frozen=True)
class StepMetrics:
    """What the Training page reads out at step t."""

    loss: float  # L(W_t) on the whole training set
    change: float | None  # L(W_t) - L(W_{t-1}); None at t = 0
    train_accuracy: float
    test_accuracy: float | None  # None without a test set
    grad_norm: float | None  # |grad L(W_t)| and the learning rate of the step from t; None at the last step
    lr: float | None
    w00: float  # the first entry of W at t, and after the step from t (None at the last step)
    w00_next: float | None


def step_metrics(hist: History, t: int) -> StepMetrics:
    stepped = t < hist.steps  # (no step is taken from the last one)
    test = hist.test_accuracy
    return StepMetrics(
        loss=float(hist.loss[t]), change=None if t == 0 else float(hist.loss[t] - hist.loss[t - 1]),
        train_accuracy=float(hist.accuracy[t]), test_accuracy=None if test is None else float(test[t]),
        grad_norm=float(hist.grad_norm[t]) if stepped else None, lr=float(hist.lr[t]) if stepped else None,
        w00=float(hist.W[t, 0, 0]), w00_next=float(hist.W[t + 1, 0, 0]) if stepped else None)


def loss_curves(ctx: Context, t: int, log_y: bool = False) -> go.Figure:
    h = ctx.hist
    return figures.loss_curves_figure(h.loss, h.accuracy, test_loss=h.test_loss, test_accuracy=h.test_accuracy,
                                      current=t, diverged_at=h.diverged_at, blew_up_at=blew_up(h),
                                      log_y=log_y)


@dataclass(frozen=True)
class LandscapeScene:
    figures: dict
    extent: float
    centre: dict  # loss name -> loss value at the centre of the slice


def gradient_arrows(ctx: Context, dirs, extent: float) -> list[dict]:
    """−∇L and the step −α∇L at step t on the slice (issue 12): the full-batch gradient of the training loss, and
    the learning rate of step t (the schedule's)."""
    from dashboard import finding_compute as fc

    cfg, hist = ctx.cfg, ctx.hist
    lr = float(hist.lr[min(ctx.t, len(hist.lr) - 1)]) if len(hist.lr) else cfg.lr
    r = compute.evaluate(cfg.loss, ctx.W, ctx.b, ctx.X, ctx.y, cfg.reg, cfg.penalty, cfg.margin)
    # (at least fc.ARROW_MIN of the half-width: late in a run −α∇L is a few pixels, hidden under the star)
    return fc.gradient_arrow_specs(ctx.W, ctx.b, r.dW, r.db, lr, dirs, extent, min_length=fc.ARROW_MIN)


def descent_label(cfg) -> str:
    """The training path's name in the legend: what each of its steps follows, −∇L of the training loss (a
    mini-batch's −∇L_B; momentum and the adaptive rules build their step from it)."""
    if cfg.optimizer != "sgd":
        return f"path: {OPTIMIZER_LABELS[cfg.optimizer]} steps from −∇L"
    return "path: steps −α∇L<sub>B</sub> (mini-batch)" if cfg.batch_size else "path: steps −α∇L"


def landscape_scene(ctx: Context) -> LandscapeScene:
    """Hinge and cross-entropy on the same slice through the parameters at step t, with the run on it."""
    cfg, hist = ctx.cfg, ctx.hist
    dirs = compute.directions(cfg, hist, ctx.t)
    coords = project(hist, ctx.W, ctx.b, dirs)
    extent = float(max(1.3 * np.abs(coords).max(), 0.1)) if cfg.auto_extent else cfg.extent
    surfaces = {loss: compute.surface(compute.DataSpec.of(cfg), ctx.W, ctx.b, dirs, loss, cfg.reg, cfg.penalty,
                                      cfg.margin, extent) for loss in ("svm", "softmax", cfg.loss)}
    axis = ((f"u ({cfg.param1})", f"v ({cfg.param2})") if cfg.slice == "params"
            else ("u (along d₁)", "v (along d₂)"))
    panels = {LOSS_LABELS[k]: (s.alphas, s.betas, s.values) for k, s in surfaces.items() if k != "ova"}
    out = {"landscape_pair": figures.landscape_pair_figure(panels, trajectory=coords, current=np.zeros(2),
                                                           axis_titles=axis, log_color=cfg.log_color,
                                                           path_label=descent_label(cfg),
                                                           arrows={LOSS_LABELS[cfg.loss]: gradient_arrows(ctx, dirs,
                                                                                                          extent)})}
    if cfg.show3d:
        s = surfaces[cfg.loss]
        out["landscape_3d"] = figures.surface3d_figure(s.alphas, s.betas, s.values, trajectory=coords, axis_titles=axis,
                                                       title=LOSS_LABELS[cfg.loss], log_color=cfg.log_color)
    mid = len(surfaces["svm"].alphas) // 2
    return LandscapeScene(out, extent, {k: float(s.values[mid, mid]) for k, s in surfaces.items()})


def blew_up(h: History) -> int | None:
    """The step where a run blew up: its first non-finite step or the first step whose loss grew BLOWUP-fold,
    whichever comes first (one rule for the legends, the table and the × on the Learning-rates page)."""
    return behaviour.blew_up(h.loss, h.diverged_at)


def classifier_figures(ctx: Context) -> dict[str, go.Figure]:
    """The Classifier page's exported figures."""
    return {**classifier_scene(ctx), "classifier_views": classifier_views(ctx)}


def training_figures(ctx: Context) -> dict[str, go.Figure]:
    return {"training_animation": training_animation(ctx), "loss_curves": loss_curves(ctx, ctx.t)}


def landscape_figures(ctx: Context) -> dict[str, go.Figure]:
    """Both landscapes, the 3-D surface included."""
    return landscape_scene(replace(ctx, cfg=ctx.cfg.replace(show3d=True))).figures


def all_figures(cfg: Config) -> dict[str, go.Figure]:
    """Every figure the pages export (pages.PAGES) for this Config, by name (for the export command)."""
    ctx = load(cfg)
    return {name: fig for page in pages.PAGES if page.exports for name, fig in page.figures()(ctx).items()}
