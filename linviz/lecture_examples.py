"""The lecture's worked examples as data: the slides' cat / car / frog score table and CS231n's 4-pixel image, as
read-only arrays (a shared example cannot be edited by accident)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def _frozen(values, dtype=float) -> np.ndarray:
    """A read-only array, so a shared example cannot be edited by accident."""
    a = np.array(values, dtype=dtype)
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class LectureExample:
    """Three images, three classes: X (3, 3), y (3,), W (3, 3), b (3,), scores (3, 3) = X W^T + b."""

    class_names: tuple[str, ...]
    X: np.ndarray  # (3, 3); the slides give scores, not pixels, so X holds the scores themselves
    y: np.ndarray  # (3,) true class of each image
    W: np.ndarray  # (3, 3) identity ...
    b: np.ndarray  # (3,) zeros ... so X W^T + b reproduces the slide's scores exactly
    scores: np.ndarray  # (3, 3); row i = the score vector of image i, column j = class j


def lecture_example() -> LectureExample:
    """The slides' cat / car / frog scores: with margin 1 the SVM losses are 2.9, 0, 12.9 (mean 5.27)."""
    # Image 0 (a cat): hinge max(0, 5.1 - 3.2 + 1) + max(0, -1.7 - 3.2 + 1) = 2.9 + 0.  Softmax of
    # (3.2, 5.1, -1.7): exp = (24.5, 164.0, 0.18), probabilities (0.13, 0.87, 0.00).
    scores = [[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]]
    return LectureExample(
        class_names=("cat", "car", "frog"), X=_frozen(scores), y=_frozen([0, 1, 2], np.intp),
        W=_frozen(np.eye(3)), b=_frozen(np.zeros(3)), scores=_frozen(scores),
    )


@dataclass(frozen=True, eq=False)
class PixelExample:
    """CS231n's 4-pixel image: x (4,), W (3, 4), b (3,), scores (3,) = W x + b, slide_scores (3,)."""

    class_names: tuple[str, ...]
    x: np.ndarray  # (4,) pixel values of the (cat) image, flattened
    y: int  # true class: 0, "cat"
    W: np.ndarray  # (3, 4)
    b: np.ndarray  # (3,)
    scores: np.ndarray  # (3,) W x + b = (-96.8, 437.9, 60.75)
    # The slide prints (-96.8, 437.9, 61.95): its ship score 61.95 is W x without the bias -1.2.
    slide_scores: np.ndarray


def cs231n_pixels_example() -> PixelExample:
    """The classic 4-pixel, 3-class example; the dog score wins although the image is a cat."""
    x = np.array([56.0, 231.0, 24.0, 2.0])
    W = np.array([[0.2, -0.5, 0.1, 2.0], [1.5, 1.3, 2.1, 0.0], [0.0, 0.25, 0.2, -0.3]])
    b = np.array([1.1, 3.2, -1.2])
    return PixelExample(
        class_names=("cat", "dog", "ship"), x=_frozen(x), y=0, W=_frozen(W), b=_frozen(b),
        scores=_frozen(W @ x + b), slide_scores=_frozen([-96.8, 437.9, 61.95]),
    )
