"""Cached engine calls: the only place the dashboard runs linviz. Arguments are plain values so
Streamlit can hash them; every result is a pure function of its arguments."""
from __future__ import annotations

import numpy as np
import streamlit as st

from dashboard.config import Config, param_index
from linviz import landscape, losses
from linviz.datasets import make_dataset, train_test_split
from linviz.model import init_params
from linviz.train import History, train

SURFACE_RESOLUTION = 61  # grid per axis on the landscape pages: fine enough for smooth contours


def data_key(cfg: Config) -> tuple:
    return (cfg.dataset, cfg.n_points, cfg.noise, cfg.seed, cfg.n_classes, cfg.test_fraction)


def init_key(cfg: Config) -> tuple:
    return (cfg.init, cfg.W0, cfg.n_classes, cfg.seed)


def train_key(cfg: Config) -> tuple:
    return (data_key(cfg), init_key(cfg), cfg.loss, cfg.reg, cfg.penalty, cfg.margin, cfg.optimizer,
            cfg.lr, cfg.batch_size, cfg.schedule, tuple(sorted(cfg.optimizer_options.items())), cfg.steps)


@st.cache_data(max_entries=64, show_spinner=False)
def dataset(key: tuple):
    """(X_train, y_train, X_test, y_test, bounds) for data_key(cfg)."""
    name, n, noise, seed, n_classes, test_fraction = key
    X, y = make_dataset(name, n, noise=noise, seed=seed, n_classes=n_classes)
    Xtr, ytr, Xte, yte = train_test_split(X, y, test_fraction=test_fraction, seed=seed)
    half = float(np.ceil(np.abs(X).max() * 1.15 * 2) / 2) if len(X) else 3.0
    half = max(half, 1.0)
    return Xtr, ytr, Xte, yte, (-half, half, -half, half)


def initial_params(key: tuple) -> tuple[np.ndarray, np.ndarray]:
    init, W0, n_classes, seed = key
    if init == "custom":
        Wb = np.asarray(W0, dtype=float).reshape(n_classes, 3)
        return Wb[:, :2].copy(), Wb[:, 2].copy()
    return init_params(n_classes, 2, method=init, seed=seed)


@st.cache_data(max_entries=32, show_spinner="Training…")  # shown only while a run is computed (not when cached)
def history(key: tuple, lr: float | None = None) -> History:
    """Train for the whole horizon once; pages scrub it by step. `lr` overrides the config's."""
    dkey, ikey, loss, reg, penalty, margin, optimizer, cfg_lr, batch_size, schedule, options, steps = key
    Xtr, ytr, Xte, yte, _ = dataset(dkey)
    W0, b0 = initial_params(ikey)
    return train(Xtr, ytr, loss=loss, reg=reg, penalty=penalty, margin=margin, optimizer=optimizer,
                 lr=cfg_lr if lr is None else lr, steps=steps, batch_size=batch_size or None,
                 schedule=schedule, seed=dkey[3], W0=W0, b0=b0,
                 X_test=Xte if len(Xte) else None, y_test=yte if len(yte) else None, **dict(options))


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


@st.cache_data(max_entries=64, show_spinner=False)
def surface(dkey: tuple, W: np.ndarray, b: np.ndarray, dirs, loss: str, reg: float, penalty: str,
            margin: float, extent: float, resolution: int = SURFACE_RESOLUTION):
    Xtr, ytr, *_ = dataset(dkey)
    return landscape.loss_surface(Xtr, ytr, W, b, dirs, loss=loss, reg=reg, penalty=penalty, margin=margin,
                                  extent=extent, resolution=resolution)
