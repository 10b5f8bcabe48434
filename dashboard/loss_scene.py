"""The Loss page's scene: hinge, cross-entropy and one-vs-all hinge at the parameters of step t, and the tables of
the examples shown (scores, margin terms, probabilities, the softmax pipeline of one example, the slide's score
table). Pure, like dashboard/scenes.py (no Streamlit runtime); pandas is imported only where a table is built.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from dashboard import compute
from dashboard.scenes import Context

if TYPE_CHECKING:
    import pandas as pd

IMAGE_COLUMN = "image"  # the thumbnails' column of an image set's example tables
LOSSES_SHOWN = ("svm", "softmax", "ova")  # the Loss page's three losses, at the same W


@dataclass(frozen=True)
class LossScene:
    """The three losses at the parameters shown, and the tables of the examples shown (index i, then y)."""

    results: dict  # loss name -> LossResult on the training set, with the Config's λ, penalty and margin
    at_zero: dict  # loss name -> its data loss at W = 0, b = 0 (the sanity values: (C - 1)Δ, log C, CΔ)
    tables: dict  # "scores", "hinge", "softmax", "ova" -> DataFrame, one row per example shown


def loss_scene(ctx: Context, rows: list[int]) -> LossScene:
    """Hinge, cross-entropy and one-vs-all hinge at (W, b) of step t, with the rows `rows` of their tables."""
    cfg, C = ctx.cfg, ctx.cfg.n_classes
    results = {k: compute.evaluate(k, ctx.W, ctx.b, ctx.X, ctx.y, cfg.reg, cfg.penalty, cfg.margin)
               for k in LOSSES_SHOWN}
    zero_W, zero_b = np.zeros_like(ctx.W), np.zeros_like(ctx.b)
    at_zero = {k: compute.evaluate(k, zero_W, zero_b, ctx.X, ctx.y, 0.0, "none", cfg.margin).loss for k in results}
    svm, soft, ova = (results[k] for k in LOSSES_SHOWN)
    terms = np.where(np.arange(C)[None, :] == ctx.y[:, None], np.nan, svm.margins)  # j = y_i is not in the sum
    columns = {  # L_i and -log p_y first, so that they are always in view
        "scores": {f"s_{k}": svm.scores[:, k] for k in range(C)},
        "hinge": {"L_i": svm.per_example, **{f"j = {k}": terms[:, k] for k in range(C)}},
        "softmax": {"−log p_y": soft.per_example, **{f"p_{k}": soft.probs[:, k] for k in range(C)}},
        "ova": {"L_i": ova.per_example, **{f"j = {k}": ova.margins[:, k] for k in range(C)}},
    }
    pictures = None
    if ctx.info.is_image:  # a thumbnail of each image shown, right after its label
        from dashboard.figures.thumbnails import thumbnails

        pictures = thumbnails(ctx.X[rows], ctx.info.feature_shape)
    return LossScene(results, at_zero, {k: example_table(rows, ctx.y, cols, pictures) for k, cols in columns.items()})


def example_table(rows: list[int], y: np.ndarray, columns: dict, pictures: list | None = None) -> pd.DataFrame:
    """One row per shown example: i (the index), y, for images their picture (a thumbnail data URL a row, see
    figures.thumbnails), then the given columns (name -> (N,) values)."""
    import pandas as pd

    image = {} if pictures is None else {IMAGE_COLUMN: pictures}
    return pd.DataFrame({"i": rows, "y": y[rows], **image, **{k: v[rows] for k, v in columns.items()}}).set_index("i")


def softmax_pipeline(s: np.ndarray, names) -> pd.DataFrame:
    """One example's logits s (C,) -> exp -> probabilities -> -log p, a row per class."""
    import pandas as pd

    with np.errstate(over="ignore"):
        e = np.exp(s)  # shown as inf when it overflows; p below is computed stably
    shifted = s - s.max()  # (exp of the largest is 1: no overflow)
    total = np.exp(shifted).sum()
    p = np.exp(shifted) / total
    # −log p_k = log Σ_j exp(s_j) − s_k, from the shifted scores: exact where p_k rounds to 0 (not log 10³⁰⁰)
    return pd.DataFrame({"class": list(names), "logit s": s, "exp(s)": e, "p = exp(s) / Σ exp": p,
                         "−log p": np.log(total) - shifted}).set_index("class")


def lecture_scores_table(scores: np.ndarray, per_example: np.ndarray, names) -> pd.DataFrame:
    """The slide's table: a column per image with its scores (N, C), and each image's hinge loss L_i under them."""
    import pandas as pd

    table = pd.DataFrame(scores.T, index=list(names), columns=[f"{n} image" for n in names])
    table.loc["hinge loss L_i"] = per_example
    return table
