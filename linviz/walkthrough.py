"""The slide's numerical gradient, one dimension at a time.

    current W: [0.34, -1.11, 0.78, ...]            loss 1.25347
    W + h (first dim): [0.34 + 0.0001, ...]         loss 1.25322
    gradient dW: [-2.5, ?, ?, ...]                  (1.25322 - 1.25347) / 0.0001 = -2.5

`walkthrough` records every line of that story for any loss f and any coordinates: which dimension
was probed, W + h there, the new loss, the slope filled into dW and how many times f was evaluated so
far. `slide_walkthrough` replays the slide with its own numbers.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from linviz.gradcheck import Counted, check_h, check_method

MAX_DIMS = 2000  # the most coordinates one walkthrough probes (P = 650 for 8x8 images and 10 classes)

# The slide: nine visible weights, the loss, h, and the losses after W + h in the first three dimensions.
SLIDE_W = (0.34, -1.11, 0.78, 0.12, 0.55, 2.81, -3.1, -1.5, 0.33)
SLIDE_LOSS = 1.25347
SLIDE_H = 0.0001
SLIDE_LOSSES_PLUS = (1.25322, 1.25353, 1.25347)
SLIDE_SLOPES = (-2.5, 0.6, 0.0)


@dataclass(frozen=True, eq=False)
class Walkthrough:
    """K probes of f at x (P,), in order. Step k probes coordinate dims[k].

    For the forward method x_minus and loss_minus are NaN (the slide's definition needs only f(x)).
    """

    x: np.ndarray  # (P,) the current parameters, flattened ("current W")
    shape: tuple[int, ...]  # the shape f takes its argument in
    loss: float  # f(x)
    h: float
    method: str
    dims: np.ndarray  # (K,) the coordinate probed at each step
    x_plus: np.ndarray  # (K,) x[dims[k]] + h
    loss_plus: np.ndarray  # (K,) f(x + h e_k)
    x_minus: np.ndarray  # (K,) x[dims[k]] - h (centered)
    loss_minus: np.ndarray  # (K,) f(x - h e_k) (centered)
    slope: np.ndarray  # (K,) the difference quotient
    evaluations: np.ndarray  # (K,) calls of f made up to and including step k (f(x) is the first)

    @property
    def steps(self) -> int:
        return len(self.dims)

    def gradient_after(self, steps: int) -> np.ndarray:
        """dW (P,) after the first `steps` steps: the slopes found so far, NaN ("?") elsewhere."""
        if not 0 <= steps <= self.steps:
            raise ValueError(f"steps must lie in [0, {self.steps}], got {steps!r}")
        dW = np.full(self.x.shape, np.nan)
        dW[self.dims[:steps]] = self.slope[:steps]
        return dW

    def quotient(self, k: int, digits: int = 5) -> str:
        """Step k's arithmetic as the slide writes it: '(1.25322 - 1.25347) / 0.0001 = -2.5'."""
        if not 0 <= k < self.steps:
            raise ValueError(f"step k must lie in [0, {self.steps - 1}], got {k!r}")
        slope = round(float(self.slope[k]), digits + 1) + 0.0  # + 0.0 turns -0.0 into 0.0
        if self.method == "forward":
            return f"({self.loss_plus[k]:.{digits}f} - {self.loss:.{digits}f}) / {self.h:g} = {slope:g}"
        return f"({self.loss_plus[k]:.{digits}f} - {self.loss_minus[k]:.{digits}f}) / (2 * {self.h:g}) = {slope:g}"


def walkthrough(f: Callable[[np.ndarray], float], x: np.ndarray, *, h: float = SLIDE_H, method: str = "forward",
                dims: Iterable[int] | None = None) -> Walkthrough:
    """Probe f at x one coordinate at a time (dims, default all, in order; at most MAX_DIMS).

    f takes an array shaped like x; coordinates are numbered in x.ravel() order.
    forward:  slope = (f(x + h e_k) - f(x)) / h            1 + k evaluations after k steps
    centered: slope = (f(x + h e_k) - f(x - h e_k)) / 2h   1 + 2k (the first, f(x), is only shown)
    """
    h, method = check_h(h), check_method(method)
    x = np.array(x, dtype=float)
    P = x.size
    dims = np.arange(min(P, MAX_DIMS)) if dims is None else np.asarray(list(dims), dtype=np.intp).ravel()
    if dims.size > MAX_DIMS:
        raise ValueError(f"a walkthrough probes at most {MAX_DIMS} coordinates, got {dims.size}")
    if dims.size and (dims.min() < 0 or dims.max() >= P):
        raise ValueError(f"coordinates must lie in [0, {P - 1}], got {dims.min()} .. {dims.max()}")
    counted = Counted(lambda flat: f(flat.reshape(x.shape)))
    flat = x.ravel().copy()
    loss = counted(flat)
    K = dims.size
    x_plus, loss_plus, x_minus, loss_minus, slope = (np.full(K, np.nan) for _ in range(5))
    evaluations = np.zeros(K, dtype=int)
    for k, d in enumerate(dims):
        old = flat[d]
        flat[d] = x_plus[k] = old + h
        loss_plus[k] = counted(flat)
        if method == "centered":
            flat[d] = x_minus[k] = old - h
            loss_minus[k] = counted(flat)
            slope[k] = (loss_plus[k] - loss_minus[k]) / (2 * h)
        else:
            slope[k] = (loss_plus[k] - loss) / h
        flat[d] = old
        evaluations[k] = counted.calls
    return Walkthrough(x=x.ravel().copy(), shape=x.shape, loss=loss, h=h, method=method, dims=dims,
                       x_plus=x_plus, loss_plus=loss_plus, x_minus=x_minus, loss_minus=loss_minus,
                       slope=slope, evaluations=evaluations)


def slide_loss(w: np.ndarray) -> float:
    """A loss through the slide's numbers: L(w) = 1.25347 + g . (w - W_slide), g = (-2.5, 0.6, 0, 0, ...).

    The slide shows a loss value, not the function behind it; the simplest function that gives every
    number it shows is linear, with the slide's slopes in its first three dimensions (the rest are '?'
    on the slide; 0 here).
    """
    w = np.asarray(w, dtype=float)
    g = np.zeros(len(SLIDE_W))
    g[:len(SLIDE_SLOPES)] = SLIDE_SLOPES
    return SLIDE_LOSS + float(g @ (w - np.array(SLIDE_W)))


def slide_walkthrough() -> Walkthrough:
    """The slide's three steps: forward differences with h = 0.0001 in the first three dimensions."""
    return walkthrough(slide_loss, np.array(SLIDE_W), h=SLIDE_H, method="forward", dims=range(len(SLIDE_SLOPES)))
