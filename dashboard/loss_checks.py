"""The Loss page on the data (issue 10 items 1 and 7): the current model's examples on the hinge and cross-entropy
curves, and the lecture's sanity facts as live checks on the current model, with one click to W = 0."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.common import chart
from dashboard.figures.format import sig
from dashboard.lecture_scenes import data_shapes
from linviz.datasets import CLASS_RANGE
from linviz.sanity import sanity_checks


def shapes_section(ctx, selected: int) -> None:
    """Every training example at (its lead, its L_i) on the two curves, the selected one ringed."""
    cfg = ctx.cfg
    delta = cfg.margin
    st.subheader("The losses as shapes")
    st.latex(r"L_i^\text{hinge} = \sum_{j \neq y_i} \begin{cases} 0 & \text{if } s_{y_i} \geq s_j + \Delta \\ "
             r"s_j - s_{y_i} + \Delta & \text{otherwise} \end{cases} = \sum_{j \neq y_i} "
             r"\max(0,\ s_j - s_{y_i} + \Delta)")
    shapes, fig = data_shapes(ctx, selected)
    chart(fig, key="loss_shapes")
    done = int(shapes.done.sum())
    C = cfg.n_classes
    others = "its second rival adds" if C == 3 else f"its other {C - 2} rivals add"
    where = ("With C = 2 there is one rival: every dot lies on its curve." if C == 2 else
             f"With C = {C} classes a dot lies on or above its curve, by what {others} (for the hinge: a term for "
             "each other rival inside the margin).")
    st.caption(rf"x: the true class's lead over its strongest rival, $s_{{y_i}} - \max_{{j \neq y_i}} s_j$, at step "
               f"t = {ctx.t}; y: the example's own loss $L_i$ (data loss only). The curves are one rival's loss at "
               rf"that lead: the hinge $\max(0,\ \Delta - \text{{lead}})$, flat 0 from its kink at lead = Δ = "
               rf"{delta:g} on, and cross-entropy $\log(1 + e^{{-\text{{lead}}}})$. {where} {done} of {len(ctx.y)} "
               "examples are “done” for the hinge (lead ≥ Δ); cross-entropy still pushes every one of them. The "
               "selected example $i$ is ringed.")


def make_scores_equal() -> None:
    """W = 0 and b = 0 (the zeros initialization, at step 0): every score is 0."""
    state.update(init="zeros", W0=(), t=0)
    st.rerun()  # the whole app: the sidebar's initialization shows "zeros"


def predicted(check, hinge: float, ce: float, C: int, delta: float) -> str:
    """What the lecture predicts, worked out from the current model's data losses (hinge, ce)."""
    how = {"zero_weights_hinge": f"(C − 1)Δ = {C - 1} × {delta:g} = ", "zero_weights_softmax": f"log {C} = ",
           "true_class_term": f"{sig(hinge, 6)} + Δ = ", "mean_over_classes": f"{sig(hinge, 6)} / (C − 1) = ",
           "softmax_shift": "at c = 0: "}.get(check.name, "")
    return how + sig(check.expected, 6)


def sanity_table(checks, hinge: float, ce: float, C: int, delta: float) -> pd.DataFrame:
    """A row per fact (the engine's words, with the true minus): what the lecture predicts, what the engine
    measures, and whether they agree."""
    rows = [{"fact": c.statement.replace(" - ", " − "), "the lecture predicts": predicted(c, hinge, ce, C, delta),
             "measured": sig(c.actual, 6), "holds": "✓" if c.holds else "✗"} for c in checks]
    return pd.DataFrame(rows).set_index("fact")


def sanity_section(ctx, results) -> None:
    """The lecture's sanity facts, each checked on the current model (linviz.sanity)."""
    cfg, C = ctx.cfg, ctx.cfg.n_classes
    st.subheader("Sanity checks on the current model")
    shift = st.number_input("Constant c added to every score (softmax check)", -100.0, 100.0, step=1.0,
                            **state.number_field("loss_shift", 10.0, "The constant c", -100.0, 100.0), width=320)
    checks = sanity_checks(ctx.W, ctx.b, ctx.X, ctx.y, delta=cfg.margin, shift=shift)
    hinge, ce = results["svm"].data_loss, results["softmax"].data_loss
    st.dataframe(sanity_table(checks, hinge, ce, C, cfg.margin), width="stretch")
    st.caption(f"Measured on the data with the current W at step t = {ctx.t} (the first two at W = 0, b = 0); data "
               f"losses, without λR(W). Now: hinge {sig(results['svm'].data_loss, 4)}, cross-entropy "
               f"{sig(results['softmax'].data_loss, 4)}.")
    zero = not np.any(ctx.W) and not np.any(ctx.b)
    c1, c2 = st.columns([0.35, 0.65], vertical_alignment="center")
    c1.button("Make all scores equal (W = 0)", key="loss_zero_W", icon=":material/exposure_zero:", disabled=zero,
              on_click=make_scores_equal, help="Start training from W = 0, b = 0 and show step t = 0: every score "
                                               "is 0, as at a small initialization")
    if zero:
        c2.success(f"All scores are equal (W = 0, b = 0): hinge data loss = {sig(results['svm'].data_loss, 4)} = "
                   f"(C − 1)·Δ = {C - 1} × {cfg.margin:g}; cross-entropy = {sig(results['softmax'].data_loss, 4)} = "
                   f"log C = log {C}.", icon=":material/check:")
    else:
        c2.caption("One click sets the initialization to zeros and shows step t = 0: the metrics at the top then "
                   "read C − 1 and log C.")
    hi = CLASS_RANGE[cfg.dataset][1]
    st.caption(f"log C = log {C} = {math.log(C):.4f}. With C = 10 classes (Classes C in the sidebar"
               + (f"; up to {hi} for this data set" if hi < 10 else "") + f"), log 10 = {math.log(10):.4f} ≈ 2.3: "
               "a first loss far from that at a small initialization means a bug.")
