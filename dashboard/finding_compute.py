"""Cached engine calls of the pages that show how W is found (issue 12): Search, Optimizers, Mini-batch.

Arguments are named specs (gradient_compute.ProblemSpec, compute.InitSpec), plain values and arrays; every
result comes from linviz (no loss or gradient math here) and is a pure function of its arguments (cached through
dashboard/cache.py: st.cache_data in the app, a memo outside it).
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from dashboard import compute
from dashboard.cache import cached
from dashboard.config import Config
from dashboard.gradient_compute import ProblemSpec
from dashboard.search_view import RaceView, flat, frames_of, summarize  # noqa: F401 (flat, frames_of: as before)
from linviz import common_slice, images, landscape, losses, minibatch, search, slices
from linviz.model import init_params
from linviz.train import History, train

SHAPES_CLASSES = len(images.SHAPE_NAMES)  # the 8x8 shapes data has at most 6 classes
SLICE_RESOLUTION = 51  # grid per axis of the landscapes drawn under paths and clouds
OPTIMIZER_KNOBS = {  # the Config fields of each optimizer's own knobs (its learning rate first)
    "sgd": {"lr": "op_sgd_lr"},
    "momentum": {"lr": "op_momentum_lr", "mu": "op_momentum_mu"},
    "nesterov": {"lr": "op_nesterov_lr", "mu": "op_nesterov_mu"},
    "adam": {"lr": "op_adam_lr", "beta1": "op_adam_beta1", "beta2": "op_adam_beta2"},
    "rmsprop": {"lr": "op_rmsprop_lr", "rho": "op_rmsprop_rho"},
}


def problem_key(cfg: Config) -> ProblemSpec:
    return ProblemSpec.of(cfg)


def knobs(cfg: Config, optimizer: str) -> dict:
    """{"lr": ..., "mu": ...}: an optimizer's own settings on the Optimizers page."""
    return {k: getattr(cfg, field) for k, field in OPTIMIZER_KNOBS[optimizer].items()}


def _objective(key: ProblemSpec) -> dict:
    return dict(loss=key.loss, reg=key.reg, penalty=key.penalty, margin=key.margin)


# ---------------------------------------------------------------- Search
@cached(max_entries=8, show_spinner=False)
def search_problem(key: ProblemSpec, ikey: compute.InitSpec, data: str) -> tuple[np.ndarray, np.ndarray,
                   np.ndarray, np.ndarray]:
    """(X, y, W0, b0): the sidebar's 2-D training points from the sidebar's start, or as many 8x8 shape images
    (D = 64, C at most 6) from the seed's small start: the same race with P = C (D + 1) 22x larger."""
    dkey, C = key.data, key.data.n_classes
    X, y, *_ = compute.dataset(dkey)
    if data == "points":
        W0, b0 = compute.initial_params(ikey)
        return X, y, W0, b0
    C = min(C, SHAPES_CLASSES)
    X, y = images.shapes(max(len(y), 2 * C), seed=dkey.seed, n_classes=C)
    W0, b0 = init_params(C, X.shape[1], seed=dkey.seed)
    return X, y, W0, b0


@cached(max_entries=8, show_spinner=False)
def race(key: ProblemSpec, ikey: compute.InitSpec, data: str, budget: int, lr: float, seed: int,
         _progress: Callable[[str, int, int], None] | None = None) -> RaceView:
    """All five methods with `budget` loss evaluations each, from one start, seeded; GD at learning rate lr; kept
    as the page draws it (search_view: about 1 MB at the largest budget instead of the race's 60 MB).
    _progress(method, done, total) is called while a race is computed (not part of the cache key; wrap a callback
    that draws with cache.unrecorded)."""
    X, y, W0, b0 = search_problem(key, ikey, data)
    options = {"numerical_gd": {"lr": lr}, "analytic_gd": {"lr": lr}}
    return summarize(search.race(X, y, W0=W0, b0=b0, budget=int(budget), seed=int(seed), options=options,
                                 progress=_progress, **_objective(key)))


def entry_name(i: int, D: int) -> str:
    k, d = divmod(i, D + 1)
    return f"b{k}" if d == D else f"W[{k},{d}]"


def entry_index(i: int, D: int) -> tuple:
    k, d = divmod(i, D + 1)
    return ("b", k) if d == D else ("W", k, d)


@cached(max_entries=8, show_spinner=False)
def search_surface(key: ProblemSpec, ikey: compute.InitSpec, data: str, W: np.ndarray, b: np.ndarray,
                   p1: tuple, p2: tuple,
                   extent: float, wide: float = 1.0) -> landscape.Surface:
    """The loss over two entries of [W | b] around (W, b), the other entries held there: +- extent along p2 and
    +- wide * extent along p1 (its alphas are in units of wide: multiply them by it), on a grid fine enough
    for the wider side."""
    X, y, *_ = search_problem(key, ikey, data)
    (dW1, db1), second = landscape.parameter_directions(W, b, p1, p2)
    dirs = ((wide * dW1, wide * db1), second)
    return landscape.loss_surface(X, y, W, b, dirs, extent=extent, resolution=int(SLICE_RESOLUTION * min(wide, 2)),
                                  **_objective(key))


# ---------------------------------------------------------------- Optimizers
@cached(max_entries=64, show_spinner=False)
def optimizer_run(key: ProblemSpec, ikey: compute.InitSpec, optimizer: str, knob_items: tuple, steps: int,
                  batch_size: int,
                  seed: int) -> History:
    """One optimizer with its own knobs (sorted (name, value) pairs) from the sidebar's start."""
    X, y, *_ = compute.dataset(key.data)
    W0, b0 = compute.initial_params(ikey)
    options = dict(knob_items)
    lr = options.pop("lr")
    return train(X, y, optimizer=optimizer, lr=lr, steps=steps, batch_size=batch_size or None, seed=seed,
                 W0=W0, b0=b0, **_objective(key), **options)


@cached(max_entries=16, show_spinner=False)
def minimum(key: ProblemSpec, ikey: compute.InitSpec) -> common_slice.Minimum:
    """The common optimum: converged full-batch descent from the sidebar's start."""
    X, y, *_ = compute.dataset(key.data)
    W0, b0 = compute.initial_params(ikey)
    return common_slice.find_minimum(X, y, W0=W0, b0=b0, **_objective(key))


@cached(max_entries=16, show_spinner=False)
def fair_slice(key: ProblemSpec, ikey: compute.InitSpec, run_keys: tuple, steps: int, batch_size: int, seed: int):
    """(CommonSlice, Surface): the one plane for every run of run_keys ((optimizer, knob_items), ...) and the loss
    on it."""
    runs = [optimizer_run(key, ikey, name, items, steps, batch_size, seed) for name, items in run_keys]
    best = minimum(key, ikey)
    plane = common_slice.common_slice(runs, best, seed=seed)
    X, y, *_ = compute.dataset(key.data)
    surface = landscape.loss_surface(X, y, plane.W, plane.b, plane.directions, extent=plane.extent,
                                     resolution=SLICE_RESOLUTION, **_objective(key))
    return plane, surface


def gradient(key: ProblemSpec, W: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(dW, db): the full-batch gradient of the objective at (W, b)."""
    X, y, *_ = compute.dataset(key.data)
    r = losses.get_loss(key.loss)(W, b, X, y, reg=key.reg, penalty=key.penalty, margin=key.margin)
    return r.dW, r.db


@cached(max_entries=16, show_spinner=False)
def schedules(key: ProblemSpec, ikey: compute.InitSpec, lr: float, batch_size: int, steps: int, decay: str,
              seed: int) -> minibatch.ScheduleRace:
    X, y, *_ = compute.dataset(key.data)
    W0, b0 = compute.initial_params(ikey)
    return minibatch.compare_schedules(X, y, lr=lr, batch_size=batch_size, steps=steps, decay=decay, W0=W0, b0=b0,
                                       seed=seed, score_at=(), **_objective(key))  # (the page shows no loss)


@cached(max_entries=32, show_spinner=False)
def convexity(key: ProblemSpec, W: np.ndarray, b: np.ndarray, seed: int) -> slices.ConvexityCheck:
    X, y, *_ = compute.dataset(key.data)
    return slices.convexity_check(X, y, W, b, n_directions=8, seed=seed, **_objective(key))


# ---------------------------------------------------------------- Mini-batch
@cached(max_entries=32, show_spinner=False)
def cloud(key: ProblemSpec, W: np.ndarray, b: np.ndarray, sizes: tuple, draws: int,
          seed: int) -> minibatch.GradientCloud:
    X, y, *_ = compute.dataset(key.data)
    return minibatch.gradient_cloud(X, y, W, b, batch_sizes=sizes, draws=draws, seed=seed, **_objective(key))


def batch_loss(key: ProblemSpec, W: np.ndarray, b: np.ndarray, batch: np.ndarray) -> tuple[float, float, float]:
    """(full L, mini-batch L_B, λR(W)) at (W, b): L = (1/N) Σ L_i + λR, L_B = (1/M) Σ_{i in B} L_i + λR."""
    X, y, *_ = compute.dataset(key.data)
    r = losses.get_loss(key.loss)(W, b, X, y, reg=key.reg, penalty=key.penalty, margin=key.margin)
    return r.loss, float(r.per_example[batch].mean() + r.reg_loss), r.reg_loss


def per_example(key: ProblemSpec, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(N,) L_i at (W, b)."""
    X, y, *_ = compute.dataset(key.data)
    return losses.get_loss(key.loss)(W, b, X, y, reg=key.reg, penalty=key.penalty, margin=key.margin).per_example


def batch_run_configs(cfg: Config, sizes: tuple) -> list[Config]:
    """The sidebar's run with each batch size M (0 = full batch when M >= N)."""
    n = len(compute.dataset(compute.DataSpec.of(cfg))[1])
    return [cfg.replace(batch_size=0 if int(m) >= n else int(m)) for m in sizes]


def batch_runs(cfg: Config, sizes: tuple, progress=None) -> list[History]:
    """The sidebar's training run with each batch size M (full batch when M >= N): same start, same seed; the
    mini-batch ones scored at the steps their loss curves are drawn at, trained together (compute.batch_size_curves;
    progress(done, steps) while they train)."""
    return compute.batch_size_curves(compute.TrainSpec.of(cfg), sizes, _progress=progress)


# ---------------------------------------------------------------- the negative gradient on a slice
GRADIENT_COLOR, STEP_COLOR = "#E69F00", "#FF2E63"  # −∇L orange, the step −α∇L a bright red (on Viridis and white)
ARROW_MIN = 0.3  # an arrow is drawn at least 0.3 x the slice's half-width (its label says how much longer)


def gradient_arrow_specs(W: np.ndarray, b: np.ndarray, dW: np.ndarray, db: np.ndarray, lr: float, directions,
                         extent: float, *, at=(0.0, 0.0), min_length: float = 0.0) -> list[dict]:
    """The arrows −∇L and −α∇L from the point `at` (slice coordinates of (W, b)) on the slice through (W, b):
    the gradient's displacement (−dW, −db) projected (least squares, landscape.project). An arrow longer than
    0.8 x extent is drawn shortened to that, and its label says by how much (−∇L ×0.25); −∇L shorter than
    min_length x extent is drawn lengthened to that (−∇L ×12), −α∇L to half of it (shorter: the two do not hide
    each other), so that both show past the current point's mark."""
    g = landscape.project((W[None] - dW[None], b[None] - db[None]), W, b, directions)[0]
    start = np.asarray(at, dtype=float)
    out = []
    for label, vec, color, least in (("−∇L", g, GRADIENT_COLOR, min_length),
                                     (f"−α∇L (α = {lr:.3g})", lr * g, STEP_COLOR, min_length / 2)):
        norm = float(np.hypot(*vec))
        scale = min(1.0, 0.8 * extent / norm) if norm > 0 else 1.0
        if 0 < norm < least * extent:
            scale = least * extent / norm
        if scale != 1.0:
            label += f" ×{scale:.2g}" if scale < 10 else f" ×{scale:,.0f}"
        out.append(dict(start=start, end=start + scale * vec, label=label, color=color, length=norm, scale=scale))
    return out
