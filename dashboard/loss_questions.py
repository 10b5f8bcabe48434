"""The slides' questions about the lecture example, answered live from the (editable) score table S (3, 3): what a
small change of the car image's scores does, where the bounds of the losses are approached, and the sanity facts
(init, sum over all classes, mean instead of sum)."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.figures.format import fixed, sci
from dashboard.links import EPS_STEP
from linviz.losses import softmax_from_scores, svm_from_scores
from linviz.score_table import far_ahead, far_behind, harmless_change, lead, nudged, room
from linviz.shapes import loss_shapes

DELTA = 1.0
CAR = 1  # the car image (row) and the car class (column)
FAR = (1.0, 10.0, 100.0)  # how far ahead or behind in the bounds table


def one(s: np.ndarray, y: int) -> tuple[float, float]:
    """(hinge L_i, cross-entropy L_i) of one image's scores s (C,) with true class y. The cross-entropy as
    log(1 + e^(−soft lead)) (linviz.shapes): −log p_y computed from p_y = 1 − 10⁻⁴⁴ would round to 0."""
    shapes = loss_shapes(s[None, :], np.array([y]), delta=DELTA, resolution=3, x_range=(-1.0, 1.0))
    return float(shapes.hinge_loss[0]), float(shapes.ce_loss[0])


def t(v: float) -> str:
    """A score or loss in the text: 2 decimals at most, as the slides write them."""
    return fixed(v, 2, trim=True)


def car_change(S: np.ndarray, y: np.ndarray, names, cfg) -> None:
    """'What happens to the loss if the car image's scores change a bit?': move them by ε the worst way (ε: the
    Config's lecture_eps, so a link keeps it)."""
    s, rivals = S[CAR], [j for j in range(3) if j != CAR]
    strongest = rivals[int(np.argmax(S[CAR, rivals]))]
    before = one(s, CAR)[0]
    room_car, harmless = float(room(S, y, DELTA)[CAR]), float(harmless_change(S, y, DELTA)[CAR])
    st.markdown("**Q: What happens to the loss if the car image's scores change a bit?**")
    eps = st.slider("Change the car image's scores by ε (car score − ε, every other score + ε)", 0.0, 3.0,
                    step=EPS_STEP, **state.bound("lecture_eps", cfg.lecture_eps))
    after = nudged(s, CAR, eps)
    L_after = one(after, CAR)[0]
    scores = ", ".join(f"{names[j]} {t(after[j])}" for j in range(3))
    st.markdown(f"Car image's scores now: {scores} → **L_car = {t(L_after)}** (was {t(before)}).")
    if room_car >= 0:
        st.markdown(f"No change for small values: the car class leads its strongest rival ({names[strongest]}) by "
                    f"{t(s[CAR])} − {t(s[strongest])} = {t(float(lead(S, y)[CAR]))} = Δ + {t(room_car)}, so L_car "
                    f"stays 0 while ε ≤ {t(room_car)}/2 = **{t(harmless)}** and grows once ε crosses it "
                    "(the margin is crossed).")
    else:
        st.markdown(f"L_car is already {t(before)} > 0: the car class does not lead by the margin Δ = 1, so any "
                    "change of its scores changes the loss.")


def bounds_table(S: np.ndarray, y: np.ndarray, names, image: int) -> None:
    """'What is the min / max of the loss?': the chosen image far ahead and far behind."""
    rows = {}
    for by in FAR:
        rows[f"{names[image]} wins by {by:g}"] = one(far_ahead(S[image], image, by), image)
    for by in FAR:
        rows[f"a wrong class ahead by {by:g}"] = one(far_behind(S[image], image, by), image)
    table = pd.DataFrame(rows.values(), index=list(rows), columns=["hinge L_i", "cross-entropy L_i"])
    st.markdown(f"**Q: What is the min / max of the loss?** Hinge: **[0, ∞)**; cross-entropy: **(0, ∞)** (0 is "
                f"approached, never reached). The {names[image]} image (chosen above) with its true score moved "
                "ahead of, or its strongest rival moved past, the other scores:")
    # one format a column: the hinge's values are whole or simple (0, 2, 11, 101), cross-entropy's span dozens of
    # powers of ten (0.314 ... 3.72×10⁻⁴⁴ ... 100)
    st.dataframe(table.style.format({"hinge L_i": lambda v: fixed(v, 2), "cross-entropy L_i": sci}),
                 width="content")


def answers(S: np.ndarray, y: np.ndarray, names) -> str:
    """Initialization, the sum over all classes and the mean instead of the sum, from the table S."""
    C = len(names)
    hinge, margins, _ = svm_from_scores(S, y, DELTA)
    zeros = np.zeros_like(S)
    at_zero = svm_from_scores(zeros, y, DELTA)[0].mean()
    log_c = softmax_from_scores(zeros, y)[0].mean()
    rows = np.arange(len(y))
    # over all classes: the j = y_i term is max(0, s_y - s_y + 1) = 1 more in every L_i
    with_own = margins.sum(axis=1) + np.maximum(0.0, S[rows, y] - S[rows, y] + DELTA)
    # the mean over the C - 1 classes j != y_i instead of their sum: each L_i divided by C - 1
    mean_terms = margins.sum(axis=1) / (C - 1)
    per_image = ", ".join(f"{n} {t(L)}/{C - 1} = {fixed(m, 3, trim=True)}"
                          for n, L, m in zip(names, hinge, mean_terms))
    return (
        f"- *At initialization (W ≈ 0, all s ≈ 0)?* hinge = C − 1 = **{at_zero:.0f}**; cross-entropy = log C = "
        f"**{log_c:.3f}** (log 10 ≈ {math.log(10):.1f} for 10 classes).\n"
        f"- *Sum over all classes ($j = y_i$ too)?* L = **{with_own.mean():.2f}** = {hinge.mean():.2f} + 1: a "
        "constant, no difference to the minimizer.\n"
        f"- *Mean instead of sum (over the classes $j \\neq y_i$)?* Each $L_i$ is divided by C − 1 = {C - 1}: "
        f"{per_image}; "
        f"L = **{mean_terms.mean():.2f}** = {hinge.mean():.2f} / {C - 1}. Scaling by a constant: no difference to "
        "the minimizer.")
