"""linviz: linear classifiers, their losses and gradient descent, exactly and fast (numpy only)."""
from linviz import datasets, gradcheck, landscape, losses, model, optim, train  # noqa: F401

__version__ = "0.1.0"
