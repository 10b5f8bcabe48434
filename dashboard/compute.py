"""Cached engine calls (dashboard/cache.py: st.cache_data in the app, a memo outside it): the only place the
dashboard runs linviz. Arguments are named specs built from a Config
(DataSpec.of(cfg), TrainSpec.of(cfg)) and plain values, so they can be hashed; every result is a pure function of
its arguments."""
from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np

from dashboard.cache import cached
from dashboard.config import Config, param_index
from linviz import landscape, losses
from linviz.datasets import dataset_info, make_dataset, train_test_split
from linviz.model import init_params
from linviz.train import History, Trainer, train
from linviz.train_stacked import train_batch_sizes, train_rates
from linviz.viewpoints import ImagePlane, pca_plane

SURFACE_RESOLUTION = 61  # grid per axis on the landscape pages: fine enough for smooth contours
CURVE_POINTS = 200  # steps a loss curve of a mini-batch run is scored at (curve): half evenly, half log-spaced


class Spec:
    """A cache key: the Config fields one cached call depends on, by name (frozen, so Streamlit can hash it and
    equal settings share one entry). `of(cfg)` picks them from a Config."""

    @classmethod
    def of(cls, cfg: Config):
        return cls(**{f.name: getattr(cfg, f.name) for f in fields(cls)})


@dataclass(frozen=True)
class DataSpec(Spec):
    """What the data set and its train / test split depend on."""

    dataset: str
    n_points: int
    noise: float
    seed: int
    n_classes: int
    test_fraction: float

    @classmethod
    def of(cls, cfg: Config) -> DataSpec:
        """The fields of cfg, with what an image set ignores taken out: it comes with its own noise, and it has at
        most info.most(C) images (a larger N takes them all), so equal data shares one cache entry."""
        info = dataset_info(cfg.dataset)
        noise = cfg.noise if info.noise_applies else info.default_noise
        n = min(cfg.n_points, info.most(cfg.n_classes))
        return cls(cfg.dataset, n, noise, cfg.seed, cfg.n_classes, cfg.test_fraction)


@dataclass(frozen=True)
class InitSpec(Spec):
    """What the initial parameters depend on: W is (C, P), P the data set's features."""

    init: str
    W0: tuple
    n_classes: int
    seed: int
    n_features: int = 2

    @classmethod
    def of(cls, cfg: Config) -> InitSpec:
        P = dataset_info(cfg.dataset).n_features
        if P != 2 and cfg.init == "custom":  # the custom [W | b] is C x 3: it fits 2-D points only
            return cls("small", (), cfg.n_classes, cfg.seed, P)
        return cls(cfg.init, cfg.W0, cfg.n_classes, cfg.seed, P)


@dataclass(frozen=True)
class Recipe:
    """The sidebar's recipe of a training run (loss, optimizer, horizon), whatever the data: TrainSpec and
    image_compute.ImageTrainSpec add their data and initialization to it."""

    loss: str
    reg: float
    penalty: str
    margin: float
    optimizer: str
    lr: float
    batch_size: int
    schedule: str
    options: tuple  # the optimizer's own settings, as sorted (name, value) pairs: (("mu", 0.9),) for momentum
    steps: int

    @staticmethod
    def settings(cfg: Config) -> dict:
        """The recipe's fields of cfg, by name."""
        return dict(loss=cfg.loss, reg=cfg.reg, penalty=cfg.penalty, margin=cfg.margin, optimizer=cfg.optimizer,
                    lr=cfg.lr, batch_size=cfg.batch_size, schedule=cfg.schedule,
                    options=tuple(sorted(cfg.optimizer_options.items())), steps=cfg.steps)


@dataclass(frozen=True)
class TrainSpec(Recipe):
    """Everything a training run depends on, and nothing else: a run with another learning rate is
    TrainSpec.of(cfg.replace(lr=...))."""

    data: DataSpec
    init: InitSpec

    @classmethod
    def of(cls, cfg: Config) -> TrainSpec:
        return cls(data=DataSpec.of(cfg), init=InitSpec.of(cfg), **Recipe.settings(cfg))


IDENTITY = ImagePlane(np.zeros(2), np.eye(2), ("x₁", "x₂"))  # the input plane of 2-D points: itself


@cached(max_entries=64, show_spinner=False)
def dataset(spec: DataSpec):
    """(X_train, y_train, X_test, y_test, bounds): X (N, P); bounds (x0, x1, y0, y1) of the view plane (plane())."""
    X, y = make_dataset(spec.dataset, spec.n_points, noise=spec.noise, seed=spec.seed, n_classes=spec.n_classes)
    Xtr, ytr, Xte, yte = train_test_split(X, y, test_fraction=spec.test_fraction, seed=spec.seed)
    Z = plane(spec).project(X)
    half = float(np.ceil(np.abs(Z).max() * 1.15 * 2) / 2) if len(Z) else 3.0
    half = max(half, 1.0)
    return Xtr, ytr, Xte, yte, (-half, half, -half, half)


@cached(max_entries=64, show_spinner=False)
def plane(spec: DataSpec) -> ImagePlane:
    """The plane of input space the 2-D views draw: the plane itself for 2-D points (IDENTITY: project and restrict
    change nothing); for images, the plane through the mean image of all the set's images along their two
    principal components (linviz.viewpoints.pca_plane), on which the classifier is again a 2-D linear one."""
    if dataset_info(spec.dataset).n_features == 2:
        return IDENTITY
    X, _ = make_dataset(spec.dataset, spec.n_points, noise=spec.noise, seed=spec.seed, n_classes=spec.n_classes)
    return pca_plane(X)


def initial_params(spec: InitSpec) -> tuple[np.ndarray, np.ndarray]:
    if spec.init == "custom":
        Wb = np.asarray(spec.W0, dtype=float).reshape(spec.n_classes, 3)
        return Wb[:, :2].copy(), Wb[:, 2].copy()
    return init_params(spec.n_classes, spec.n_features, method=spec.init, seed=spec.seed)


_TRAINED: set = set()  # the TrainSpecs history() has trained in this process (its cache is the process's too)


def is_cached(cfg: Config) -> bool:
    """Whether cfg's run was trained in this process, so that history() most likely returns it at once (a page
    shows progress for the others; one the cache has evicted trains again under history's own spinner)."""
    return TrainSpec.of(cfg) in _TRAINED


@cached(max_entries=32, show_spinner="Training…")  # shown only while a run is computed (not when cached)
def history(spec: TrainSpec) -> History:
    """Train for the whole horizon once; pages scrub it by step."""
    if len(_TRAINED) > 4096:  # (a bound on what it remembers)
        _TRAINED.clear()
    _TRAINED.add(spec)
    run = _PRETRAINED.pop(spec, None)  # (trained together with others: full_batch_runs)
    if run is not None:
        return run
    Xtr, ytr, Xte, yte, _ = dataset(spec.data)
    W0, b0 = initial_params(spec.init)
    return train(Xtr, ytr, loss=spec.loss, reg=spec.reg, penalty=spec.penalty, margin=spec.margin,
                 optimizer=spec.optimizer, lr=spec.lr, steps=spec.steps, batch_size=spec.batch_size or None,
                 schedule=spec.schedule, seed=spec.data.seed, W0=W0, b0=b0,
                 X_test=Xte if len(Xte) else None, y_test=yte if len(yte) else None, **dict(spec.options))


def evaluate(loss: str, W, b, X, y, reg: float, penalty: str, margin: float) -> losses.LossResult:
    return losses.get_loss(loss)(W, b, X, y, reg=reg, penalty=penalty, margin=margin)


def directions(cfg: Config, hist: History, t: int):
    """The slice of parameter space the landscape pages show, centred on the parameters at step t."""
    W, b = hist.W[t], hist.b[t]
    if cfg.slice == "params":
        return landscape.parameter_directions(W, b, param_index(cfg.param1), param_index(cfg.param2))
    if cfg.slice == "random":
        return landscape.random_directions(W, b, seed=cfg.seed)
    return landscape.pca_directions(hist, W, b)


@cached(max_entries=64, show_spinner=False)
def surface(data: DataSpec, W: np.ndarray, b: np.ndarray, dirs, loss: str, reg: float, penalty: str,
            margin: float, extent: float, resolution: int = SURFACE_RESOLUTION):
    Xtr, ytr, *_ = dataset(data)
    return landscape.loss_surface(Xtr, ytr, W, b, dirs, loss=loss, reg=reg, penalty=penalty, margin=margin,
                                  extent=extent, resolution=resolution)


def curve_steps(steps: int, points: int = CURVE_POINTS) -> np.ndarray:
    """At most `points` steps of 0 .. steps to draw a loss curve at, 0 and `steps` included: half of them evenly
    spaced (a linear step axis), half log-spaced (an epoch axis on a log scale, where the first steps spread out)."""
    half = max(points // 2, 2)
    even = np.linspace(0, steps, min(half, steps + 1))
    logs = np.geomspace(1, max(steps, 1), half) if steps >= 1 else np.zeros(1)
    return np.unique(np.r_[even, logs].round().astype(int))


_CURVES: set = set()  # the TrainSpecs curve() has trained in this process


def is_curve_cached(cfg: Config) -> bool:
    """As is_cached, for curve()."""
    return TrainSpec.of(cfg) in _CURVES if cfg.batch_size else is_cached(cfg)


@cached(max_entries=32, show_spinner="Training…")
def curve(spec: TrainSpec) -> History:
    """The run of history(spec) for a page that draws its training loss only: a mini-batch run is scored at
    curve_steps(spec.steps) (History.loss_steps; every other value is history's), without the test set; a full-batch
    run (whose loss comes with its gradient at every step) is history's."""
    if not spec.batch_size:
        return history(spec)
    if len(_CURVES) > 4096:
        _CURVES.clear()
    _CURVES.add(spec)
    Xtr, ytr, *_ = dataset(spec.data)
    W0, b0 = initial_params(spec.init)
    trainer = Trainer(Xtr, ytr, loss=spec.loss, reg=spec.reg, penalty=spec.penalty, margin=spec.margin,
                      optimizer=spec.optimizer, lr=spec.lr, batch_size=spec.batch_size, schedule=spec.schedule,
                      seed=spec.data.seed, W0=W0, b0=b0, score_at=curve_steps(spec.steps), **dict(spec.options))
    return trainer.run(spec.steps)


def trains_together(spec: TrainSpec) -> bool:
    """Whether curves() trains spec's rates as mini-batch runs (stacked_curves, scored at curve_steps): batches
    smaller than the training set (a batch of all of it is full-batch training: full_batch_runs)."""
    return bool(spec.batch_size) and spec.batch_size < len(dataset(spec.data)[1])


def curves(spec: TrainSpec, lrs, _progress=None) -> list[History]:
    """curve(spec with lr = each rate in lrs), the runs trained together (linviz.train_stacked.train_rates): a
    mini-batch spec's by stacked_curves, a full-batch spec's by full_batch_runs. spec.lr is not used (the sidebar's
    α is no part of their key); a rate given twice shares its run. _progress(done, steps): see full_batch_runs."""
    unique = tuple(dict.fromkeys(float(lr) for lr in lrs))
    spec = replace(spec, lr=0.0)
    if trains_together(spec):
        runs = stacked_curves(spec, unique, _progress=_progress)
    else:
        runs = full_batch_runs(spec, unique, _progress=_progress)
    by_rate = dict(zip(unique, runs))
    return [by_rate[float(lr)] for lr in lrs]


def _rates_options(spec: TrainSpec) -> dict:
    """train_rates' settings of spec's runs (all but the rate)."""
    W0, b0 = initial_params(spec.init)
    return dict(loss=spec.loss, reg=spec.reg, penalty=spec.penalty, margin=spec.margin, optimizer=spec.optimizer,
                batch_size=spec.batch_size or None, schedule=spec.schedule, seed=spec.data.seed, W0=W0, b0=b0,
                **dict(spec.options))


@cached(max_entries=16, show_spinner=False)
def stacked_curves(spec: TrainSpec, lrs: tuple, _progress=None) -> list[History]:
    """The mini-batch runs of curve(spec with lr = each of lrs) (spec.lr is not used), trained together: they share
    the data, the start and the batches, so each step is one stacked computation for all of them
    (linviz.train_stacked.train_rates; each run is its single run's, to round-off). _progress: as full_batch_runs'."""
    Xtr, ytr, *_ = dataset(spec.data)
    return train_rates(Xtr, ytr, lrs, steps=spec.steps, score_at=curve_steps(spec.steps), _progress=_progress,
                       **_rates_options(spec))


_PRETRAINED: dict = {}  # TrainSpec -> its History, trained together with others, for history() to take once


def full_batch_runs(spec: TrainSpec, lrs, _progress=None) -> list[History]:
    """history(spec with lr = each of lrs), each cached as history's (shared with the pages that draw that run, and
    a change of one rate trains that run only): the runs not trained yet in this process trained together (one
    batched product and one pass of the loss terms per step: linviz.train_stacked_full; each run is its single run's,
    bit for bit), handed to history() to keep. _progress(done, steps) is called now and then while they train (wrap
    a callback that draws with cache.unrecorded)."""
    specs = {float(lr): replace(spec, lr=float(lr)) for lr in lrs}
    todo = tuple(lr for lr, run in specs.items() if run not in _TRAINED)
    if todo:
        if len(_PRETRAINED) > 64:  # (runs history() never took: a page stopped half-way)
            _PRETRAINED.clear()
        Xtr, ytr, Xte, yte, _ = dataset(spec.data)
        runs = train_rates(Xtr, ytr, todo, steps=spec.steps, X_test=Xte if len(Xte) else None,
                           y_test=yte if len(yte) else None, _progress=_progress, **_rates_options(spec))
        _PRETRAINED.update((specs[lr], run) for lr, run in zip(todo, runs))
    return [history(specs[float(lr)]) for lr in lrs]


def batch_size_curves(spec: TrainSpec, sizes, _progress=None) -> list[History]:
    """curve(spec with batch_size = each M in sizes) (spec.batch_size is not used): the mini-batch runs (M < N)
    trained together (stacked_sizes), a batch of all N the full-batch run (history's, shared with the pages that
    draw it). _progress(done, steps): see full_batch_runs."""
    spec = replace(spec, batch_size=0)
    n = len(dataset(spec.data)[1])
    small = tuple(sorted({int(M) for M in sizes if int(M) < n}))
    runs = dict(zip(small, stacked_sizes(spec, small, _progress=_progress))) if small else {}
    return [runs[int(M)] if int(M) < n else curve(spec) for M in sizes]


@cached(max_entries=16, show_spinner=False)
def stacked_sizes(spec: TrainSpec, sizes: tuple, _progress=None) -> list[History]:
    """The mini-batch runs of curve(spec with batch_size = each of sizes, all below N), trained together
    (linviz.train_stacked.train_batch_sizes: each run bit for bit its single run). _progress: as full_batch_runs'."""
    Xtr, ytr, *_ = dataset(spec.data)
    options = {k: v for k, v in _rates_options(spec).items() if k != "batch_size"}
    return train_batch_sizes(Xtr, ytr, sizes, steps=spec.steps, lr=spec.lr, score_at=curve_steps(spec.steps),
                             _progress=_progress, **options)
