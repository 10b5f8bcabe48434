"""Class labels in the forms the class-major loss terms use (computed once per data set, not once per step)."""
from __future__ import annotations

import numpy as np


class Labels:
    """Labels y (N,) in [0, C) for class-major scores S (C, N): the flat index of each correct-class score
    s_{y_i} in S, and, made on first use, the one-hot mask and -t (t_ij = +1 if j = y_i, else -1)."""

    def __init__(self, y: np.ndarray, C: int):
        self.y, self.C, self.N = y, int(C), len(y)
        self.true = y * self.N + np.arange(self.N)  # S.ravel()[true] = s_{y_i}
        self._onehot = self._minus_t = None
        self._scaled = (None, None)

    @property
    def onehot(self) -> np.ndarray:
        """(C, N): 1 at (y_i, i), else 0."""
        if self._onehot is None:
            self._onehot = np.zeros((self.C, self.N))
            self._onehot.ravel()[self.true] = 1.0
        return self._onehot

    def onehot_times(self, scale) -> np.ndarray:
        """scale * onehot, kept for the last scale asked for (a dense subtraction is ~3x cheaper than a
        scattered one); scale: a number, or (N,) one per example (not kept)."""
        if np.ndim(scale):
            return self.onehot * scale
        if self._scaled[0] != scale:
            self._scaled = (scale, self.onehot * scale)
        return self._scaled[1]

    @property
    def minus_t(self) -> np.ndarray:
        """(C, N): -1 at the true class, +1 elsewhere (minus the one-vs-all targets)."""
        if self._minus_t is None:
            self._minus_t = 1.0 - 2.0 * self.onehot
        return self._minus_t
