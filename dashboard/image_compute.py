"""Cached engine calls of the Images page (issue 13): the image data set, its split and the training run.

The data comes from the page's own settings (im_data, im_digits, im_shapes, im_test) and the sidebar's seed; the
run follows the sidebar's training recipe (loss, λ, penalty, Δ, optimizer, α, batch size, schedule, horizon,
initialization), so Step / Reset / Run and the step t mean on this page what they mean on every other one. The
lecture's 4-pixel image is not trained: its W and b are the slide's.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields

import numpy as np

from dashboard.cache import cached
from dashboard.compute import Recipe
from dashboard.config import Config
from dashboard.threads import single_blas as one_blas_thread  # (while a run trains: also outside the app)
from linviz import images
from linviz.datasets import train_test_split
from linviz.model import INITS, init_params
from linviz.train import History, Trainer

SHAPES_PER_CLASS = 100  # generated images per shape class
CHUNK = 100  # training steps between two updates of the progress bar


@dataclass(frozen=True)
class ImageDataSpec:
    """What the image set and its train / test split depend on."""

    im_data: str
    im_digits: str
    im_shapes: int
    im_test: float
    seed: int

    @classmethod
    def of(cls, cfg: Config) -> ImageDataSpec:
        return cls(**{f.name: getattr(cfg, f.name) for f in fields(cls)})

    @property
    def digits(self) -> tuple[int, ...]:
        return tuple(int(d) for d in self.im_digits)


@dataclass(frozen=True)
class ImageData:
    X_train: np.ndarray  # (N, P) flattened images
    y_train: np.ndarray  # (N,)
    X_test: np.ndarray  # (M, P)
    y_test: np.ndarray  # (M,)
    image_shape: tuple[int, int]  # (H, W), H * W = P
    class_names: tuple[str, ...]  # label k is class_names[k]
    pixel_range: tuple[float, float]

    @property
    def n_classes(self) -> int:
        return len(self.class_names)


@dataclass(frozen=True)
class ImageTrainSpec(Recipe):
    """Everything the run on the images depends on: the data and the sidebar's recipe."""

    data: ImageDataSpec
    init: str

    @classmethod
    def of(cls, cfg: Config) -> ImageTrainSpec:
        init = cfg.init if cfg.init in INITS else "small"  # (a custom W is 2-D: it does not fit images)
        return cls(data=ImageDataSpec.of(cfg), init=init, **Recipe.settings(cfg))


@cached(max_entries=16, show_spinner=False)
def image_data(spec: ImageDataSpec) -> ImageData:
    """The chosen image set split into train and test (stratified, seeded). Needs scikit-learn for the digits."""
    kind = images.IMAGE_DATASETS[spec.im_data]
    if spec.im_data == "pixels":  # one image: it is both what is shown and what is "tested"
        X, y = images.pixel_images()
        return ImageData(X, y, X.copy(), y.copy(), kind.image_shape, kind.class_names, kind.pixel_range)
    if spec.im_data == "digits":
        Xtr, ytr, Xte, yte = images.digits_split(spec.digits, test_fraction=spec.im_test, seed=spec.seed)
        return ImageData(Xtr, ytr, Xte, yte, kind.image_shape, tuple(spec.im_digits), kind.pixel_range)
    C = spec.im_shapes
    X, y = images.shapes(SHAPES_PER_CLASS * C, noise=kind.default_noise, seed=spec.seed, n_classes=C)
    Xtr, ytr, Xte, yte = train_test_split(X, y, test_fraction=spec.im_test, seed=spec.seed)
    return ImageData(Xtr, ytr, Xte, yte, kind.image_shape, kind.class_names[:C], kind.pixel_range)


def lecture_params() -> tuple[np.ndarray, np.ndarray]:
    """The slide's W (3, 4) and b (3,)."""
    W, b = images.IMAGE_DATASETS["pixels"].params()
    return np.array(W), np.array(b)


RUN_ENTRIES = 8


@cached(max_entries=RUN_ENTRIES, show_spinner=False)
def history(spec: ImageTrainSpec, _progress: Callable[[int, int], None] | None = None) -> History:
    """The whole training run on the images (cached, shared by every session and every visit: the shared
    cache). _progress(done, total) is called every CHUNK steps while a run is computed (not part of the cache key;
    wrap a callback that draws with cache.unrecorded: a cache hit draws nothing)."""
    data = image_data(spec.data)
    W0, b0 = init_params(data.n_classes, data.X_train.shape[1], method=spec.init, seed=spec.data.seed)
    has_test = len(data.y_test) > 0
    trainer = Trainer(data.X_train, data.y_train, loss=spec.loss, reg=spec.reg, penalty=spec.penalty,
                      margin=spec.margin, optimizer=spec.optimizer, lr=spec.lr, batch_size=spec.batch_size or None,
                      schedule=spec.schedule, seed=spec.data.seed, W0=W0, b0=b0,
                      X_test=data.X_test if has_test else None, y_test=data.y_test if has_test else None,
                      **dict(spec.options))
    with one_blas_thread():
        while trainer.t < spec.steps and trainer.diverged_at is None:
            trainer.run(min(CHUNK, spec.steps - trainer.t))
            if _progress is not None:
                _progress(trainer.t, spec.steps)
        return trainer.history
