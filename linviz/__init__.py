"""linviz: linear classifiers, their losses and gradient descent, exactly and fast (numpy only).

Submodules load on first use (`linviz.losses`, `linviz.train`, ...), so `import linviz` is instant.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"
__all__ = ["datasets", "derivative_free", "gradcheck", "landscape", "losses", "model", "optim", "train",
           "autodiff", "compgraph", "cost", "derivations", "limit", "planted_bugs", "walkthrough",
           "binary", "common_slice", "information", "minibatch", "regularization", "sanity", "search", "shapes",
           "slices", "images", "viewpoints"]


def __getattr__(name: str):
    if name in __all__:
        return importlib.import_module(f"linviz.{name}")
    raise AttributeError(f"module 'linviz' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *__all__])
