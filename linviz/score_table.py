"""The lecture's score table as a student edits it: reading a typed score, how far an image's scores may move
before its hinge loss changes, and the score vectors at the two ends of the losses' range.

Scores are a table S (N, C): row i = image i, column j = class j, the true class of image i is y_i.

* Room. With lead_i = s_{y_i} - max_{j != y_i} s_j (the true class's lead over its strongest rival), every
  hinge term max(0, s_j - s_{y_i} + Delta) of image i is 0 exactly when lead_i >= Delta. So an image with
  L_i = 0 keeps L_i = 0 while its lead shrinks by at most room_i = lead_i - Delta ("no change for small
  values"). The worst small change moves the true score down by eps and every other score up by eps: the lead
  shrinks by 2 eps, so L_i stays 0 for eps <= room_i / 2 (harmless_change).
* Bounds. The hinge loss of an image lies in [0, inf): it is 0 once the true class wins by Delta, and grows
  without bound with a wrong score far above the true one. Cross-entropy -log p_{y_i} lies in (0, inf): it
  approaches 0 as the true class wins by more and more, but never reaches it.
"""
from __future__ import annotations

import math

import numpy as np

MAX_SCORE = 1000.0  # |score| accepted in the editable table (exp(1000) is far past float64, but the losses are
# computed stably; a larger number is almost always a typing slip)


def parse_score(value, max_abs: float = MAX_SCORE) -> float:
    """One typed score as a float (the true minus − is read as -); ValueError saying what is wrong, to follow the
    cell's name ("... is not a number"), for text, an empty cell, NaN / inf or |value| > max_abs."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError("is empty")
    if isinstance(value, bool):
        raise ValueError("is not a number")
    try:
        number = float(str(value).replace("\N{MINUS SIGN}", "-")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise ValueError("is not a number") from None
    if math.isnan(number):
        raise ValueError("is not a number")
    if not math.isfinite(number):
        raise ValueError("is not a finite number")
    if abs(number) > max_abs:
        raise ValueError(f"is too large (scores here are from −{max_abs:g} to {max_abs:g})")
    return number


def _scores(S, y) -> tuple[np.ndarray, np.ndarray]:
    S = np.asarray(S, dtype=float)
    y = np.asarray(y)
    if S.ndim != 2 or S.shape[1] < 2 or y.shape != (S.shape[0],):
        raise ValueError(f"need scores (N, C) with C >= 2 and labels (N,), got {S.shape} and {y.shape}")
    if not np.all(np.isfinite(S)):
        raise ValueError("scores must be finite numbers")
    if not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= S.shape[1]:
        raise ValueError(f"labels must be integers in [0, {S.shape[1]})")
    return S, y.astype(np.intp)


def lead(S, y) -> np.ndarray:
    """(N,) s_{y_i} - max_{j != y_i} s_j: positive when image i is classified correctly."""
    S, y = _scores(S, y)
    rows = np.arange(len(y))
    rivals = S.copy()
    rivals[rows, y] = -np.inf  # the true class is not its own rival
    return S[rows, y] - rivals.max(axis=1)


def room(S, y, delta: float = 1.0) -> np.ndarray:
    """(N,) lead_i - Delta: how much image i's lead may shrink before its hinge loss leaves 0 (< 0: L_i > 0)."""
    return lead(S, y) - float(delta)


def harmless_change(S, y, delta: float = 1.0) -> np.ndarray:
    """(N,) the largest eps for which moving image i's true score down by eps and all its other scores up by eps
    keeps L_i = 0: room_i / 2 (0 for an image whose L_i is already > 0)."""
    return np.maximum(0.0, room(S, y, delta) / 2.0)


def nudged(s, y: int, eps: float) -> np.ndarray:
    """One image's scores s (C,) after the worst change of size eps: s_y - eps, every other s_j + eps."""
    s = np.array(s, dtype=float)
    out = s + eps
    out[y] = s[y] - eps
    return out


def far_ahead(s, y: int, by: float) -> np.ndarray:
    """s (C,) with the true score set to (strongest rival's score) + by: the true class wins by `by`."""
    s = np.array(s, dtype=float)
    rivals = np.delete(s, y)
    s[y] = rivals.max() + by
    return s


def far_behind(s, y: int, by: float) -> np.ndarray:
    """s (C,) with the strongest rival's score set to s_y + by: a wrong class beats the true one by `by`."""
    s = np.array(s, dtype=float)
    others = [j for j in range(len(s)) if j != y]
    j = others[int(np.argmax(s[others]))]
    s[j] = s[y] + by
    return s
