"""The whole reproducible state of the dashboard: one frozen Config and its URL schema.

No Streamlit here: `to_query` / `from_query` map a Config to and from plain string dicts, so the
URL round trip is unit-tested without a browser. Unknown or out-of-range values fall back to
their defaults and are reported, never raised.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from typing import Any

from linviz.datasets import CLASS_RANGE, DATASETS
from linviz.model import INITS
from linviz.optim import OPTIMIZERS, SCHEDULES


@dataclass(frozen=True)
class Field:
    """How one Config field looks in a URL and which values it accepts."""

    kind: str  # "choice" | "int" | "float" | "bool" | "floats"
    lo: float | None = None
    hi: float | None = None
    choices: tuple = ()
    log: bool = False  # sliders on a log scale


LOSS_LABELS = {"svm": "Multiclass SVM (hinge)", "softmax": "Softmax (cross-entropy)", "ova": "One-vs-all hinge"}
OPTIMIZER_LABELS = {"sgd": "GD / SGD", "momentum": "Momentum", "nesterov": "Nesterov", "adam": "Adam"}
SLICE_LABELS = {"pca": "PCA of the trajectory", "random": "Random (filter-normalized)",
                "params": "Two chosen parameters"}

SCHEMA: dict[str, Field] = {
    # Data
    "dataset": Field("choice", choices=tuple(DATASETS)),
    "n_points": Field("int", 10, 1000),
    "n_classes": Field("int", 2, 8),
    "noise": Field("float", 0.0, 3.0),
    "test_fraction": Field("float", 0.0, 0.5),
    "seed": Field("int", 0, 10_000),
    # Model
    "init": Field("choice", choices=(*INITS, "custom")),
    "W0": Field("floats", -100.0, 100.0),  # custom initial [W | b], row-major, C * (D + 1) values
    # Loss
    "loss": Field("choice", choices=("svm", "softmax", "ova")),
    "margin": Field("float", 0.0, 5.0),
    "reg": Field("float", 0.0, 10.0),
    "penalty": Field("choice", choices=("l2", "l1", "none")),
    # Optimizer
    "optimizer": Field("choice", choices=tuple(OPTIMIZERS)),
    "lr": Field("float", 1e-4, 10.0, log=True),
    "batch_size": Field("int", 0, 1000),  # 0 = full batch
    "schedule": Field("choice", choices=tuple(SCHEDULES)),
    "mu": Field("float", 0.0, 0.99),
    "steps": Field("int", 1, 2000),  # training horizon
    # View
    "t": Field("int", 0, 2000),  # the step being shown
    "point": Field("int", 0, 999),  # the selected example
    "slice": Field("choice", choices=tuple(SLICE_LABELS)),
    "param1": Field("choice", choices=()),  # filled per C: "W00", "b1", ...
    "param2": Field("choice", choices=()),
    "extent": Field("float", 0.05, 100.0, log=True),
    "auto_extent": Field("bool"),
    "show3d": Field("bool"),
    "log_color": Field("bool"),
    "lrs": Field("floats", 1e-5, 1000.0),
}


@dataclass(frozen=True)
class Config:
    dataset: str = "blobs"
    n_points: int = 150
    n_classes: int = 3
    noise: float = 1.0
    test_fraction: float = 0.2
    seed: int = 0
    init: str = "small"
    W0: tuple = ()
    loss: str = "softmax"
    margin: float = 1.0
    reg: float = 0.01
    penalty: str = "l2"
    optimizer: str = "sgd"
    lr: float = 0.3
    batch_size: int = 0
    schedule: str = "constant"
    mu: float = 0.9
    steps: int = 200
    t: int = 0
    point: int = 0
    slice: str = "pca"
    param1: str = "W00"
    param2: str = "W01"
    extent: float = 2.0
    auto_extent: bool = True
    show3d: bool = False
    log_color: bool = True
    lrs: tuple = (0.003, 0.5, 12.0, 120.0)  # too small, good, too large, divergent

    def replace(self, **changes) -> Config:
        return replace(self, **changes)

    @property
    def optimizer_options(self) -> dict:
        return {"mu": self.mu} if self.optimizer in ("momentum", "nesterov") else {}


DEFAULT = Config()


def param_names(n_classes: int, n_features: int = 2) -> tuple[str, ...]:
    """Names of the entries of W and b: W00 .. W{C-1}{D-1}, b0 .. b{C-1}."""
    return tuple(f"W{k}{d}" for k in range(n_classes) for d in range(n_features)) + tuple(
        f"b{k}" for k in range(n_classes))


def param_index(name: str) -> tuple:
    """'W12' -> ('W', 1, 2); 'b0' -> ('b', 0): the form linviz.landscape.parameter_directions takes."""
    if name.startswith("W"):
        return ("W", int(name[1]), int(name[2]))
    return ("b", int(name[1:]))


# ---------------------------------------------------------------- parsing
def _format(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return repr(value)  # shortest string that parses back to the same float
    if isinstance(value, tuple):
        return ",".join(repr(float(v)) for v in value)
    return str(value)


def _parse(name: str, raw: str, spec: Field, cfg: Config) -> Any:
    """Parse one URL value; raise ValueError with a message a student can read."""
    if spec.kind == "choice":
        choices = spec.choices or _dynamic_choices(name, cfg)
        if raw not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}")
        return raw
    if spec.kind == "bool":
        if raw not in ("0", "1", "true", "false"):
            raise ValueError("must be 0 or 1")
        return raw in ("1", "true")
    if spec.kind == "floats":
        values = tuple(float(v) for v in raw.split(",") if v.strip())
        for v in values:
            if not math.isfinite(v) or not spec.lo <= v <= spec.hi:
                raise ValueError(f"values must be numbers in [{spec.lo:g}, {spec.hi:g}]")
        return values
    value = float(raw)  # raises ValueError for junk
    if spec.kind == "int":
        if value != int(value):
            raise ValueError("must be a whole number")
        value = int(value)
    if not math.isfinite(value) or not spec.lo <= value <= spec.hi:
        raise ValueError(f"must be in [{spec.lo:g}, {spec.hi:g}]")
    return value


def _dynamic_choices(name: str, cfg: Config) -> tuple:
    if name in ("param1", "param2"):
        return param_names(cfg.n_classes)
    return ()


def validate(cfg: Config) -> tuple[Config, list[str]]:
    """Repair cross-field constraints (class range per dataset, t <= steps, ...) with messages."""
    warnings = []
    lo, hi = CLASS_RANGE[cfg.dataset]
    if not lo <= cfg.n_classes <= hi:
        fixed = min(max(cfg.n_classes, lo), hi)
        warnings.append(f"{cfg.dataset!r} supports {lo}–{hi} classes; using {fixed}.")
        cfg = cfg.replace(n_classes=fixed)
    if cfg.n_points < cfg.n_classes * 2:
        cfg = cfg.replace(n_points=cfg.n_classes * 2)
    if cfg.init == "custom" and len(cfg.W0) != cfg.n_classes * 3:
        warnings.append(f"custom W needs {cfg.n_classes * 3} numbers ([W | b] for {cfg.n_classes} classes); "
                        "using small random values instead.")
        cfg = cfg.replace(init="small", W0=())
    names = param_names(cfg.n_classes)
    for key in ("param1", "param2"):
        if getattr(cfg, key) not in names:
            cfg = cfg.replace(**{key: getattr(DEFAULT, key) if getattr(DEFAULT, key) in names else names[0]})
    if cfg.param1 == cfg.param2:
        cfg = cfg.replace(param2=next(n for n in names if n != cfg.param1))
    if cfg.t > cfg.steps:
        cfg = cfg.replace(t=cfg.steps)
    if cfg.point >= cfg.n_points:
        cfg = cfg.replace(point=0)
    if not 1 <= len(cfg.lrs) <= 6:
        warnings.append("the learning-rate comparison takes 1 to 6 learning rates; using the defaults.")
        cfg = cfg.replace(lrs=DEFAULT.lrs)
    return cfg, warnings


def from_query(query: dict[str, str], base: Config = DEFAULT) -> tuple[Config, list[str]]:
    """Config from URL parameters over `base`; bad values keep the base value and add a warning."""
    warnings, values = [], {}
    for name, raw in query.items():
        if name not in SCHEMA:
            warnings.append(f"Ignored unknown URL parameter {name!r}.")
            continue
        raw = raw[-1] if isinstance(raw, list) else str(raw)
        try:
            values[name] = _parse(name, raw, SCHEMA[name], replace(base, **values))
        except (ValueError, TypeError, IndexError) as err:
            warnings.append(f"Ignored URL parameter {name}={raw!r}: {err}.")
    cfg, more = validate(replace(base, **values))
    return cfg, warnings + more


def to_query(cfg: Config) -> dict[str, str]:
    """Only the fields that differ from the defaults, as strings: short, readable URLs."""
    out = {}
    for f in fields(Config):
        value = getattr(cfg, f.name)
        if value != getattr(DEFAULT, f.name):
            out[f.name] = _format(value)
    return out
