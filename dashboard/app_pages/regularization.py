"""Regularization: the data loss and the penalty λR(W) drawn apart, and what each penalty does to the weights."""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import compute, pages, state
from dashboard import regularization_compute as rc
from dashboard.common import chart, context, page, train_with_progress
from dashboard.controls import with_value
from dashboard.figures.format import exact, fixed, short, sig, tex
from dashboard.figures.regularization import penalty_lines_figure, weight_paths_figure

REG_OPTIONS = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]
PENALTY_LABELS = {"l2": "L2: Σ W²", "l1": "L1: Σ |W|"}


def body():
    ctx = context()
    cfg = ctx.cfg
    st.header(pages.by_file(__file__).heading)
    st.latex(r"L(W, b) = \underbrace{\frac1N \sum_{i=1}^N L_i(f(x_i; W, b), y_i)}_{\text{data loss}} "
             r"+ \underbrace{\lambda R(W)}_{\text{penalty, added once}}\,")
    with st.container(horizontal=True, gap="medium", vertical_alignment="bottom"):
        reg = st.select_slider("λ on this page", with_value(REG_OPTIONS, cfg.rg_reg),
                               **state.bound("rg_reg", cfg.rg_reg), format_func=exact, width=300,
                               help="The sidebar's λ trains the classifier; this one is drawn here")
        penalty = st.segmented_control("Penalty of the weight paths", list(PENALTY_LABELS),
                                       **state.bound("rg_penalty", cfg.rg_penalty), format_func=PENALTY_LABELS.get)
        at = st.segmented_control("Line through", ["end", "t"], **state.bound("rg_at", cfg.rg_at),
                                  format_func={"end": f"W at the end (step {ctx.hist.steps})",
                                               "t": f"W at step t = {ctx.t}"}.get)
    step = ctx.hist.steps if at == "end" else ctx.t
    W, b = ctx.hist.W[step], ctx.hist.b[step]

    st.subheader("Data loss and penalty along a line through W")
    lines = rc.penalty_lines(compute.DataSpec.of(cfg), W, b, cfg.loss, reg, cfg.margin)
    chart(penalty_lines_figure(lines, reg), "rg_lines")
    st.caption(f"The line scales the weights, W → (1 + s)·W, b fixed, through W at step {step} (s = 0, dotted) and "
               f"W = 0 (s = −1, dotted), with the {cfg.loss} loss. The data loss is the same in every panel; L2 adds "
               "a parabola, L1 a V with its kink at W = 0, none nothing. Their sum has its minimum nearer W = 0: "
               "the penalty trades a little data loss for smaller weights.")
    rows = {name: compute.evaluate(cfg.loss, W, b, ctx.X, ctx.y, reg, name, cfg.margin)
            for name in ("l2", "l1", "none")}
    st.dataframe(penalty_table(rows), width="content",
                 column_config={c: st.column_config.TextColumn(c, alignment="right")
                                for c in ("data loss", "λR(W)", "total")})

    st.subheader("The weights during training, without and with the penalty")
    # its two runs, when not cached yet, one at a time under a progress bar (2000 steps on digits take a second each)
    train_with_progress([("without the penalty", cfg.replace(reg=0.0)),
                         (f"with λ = {exact(reg)}", cfg.replace(reg=float(reg), penalty=penalty))])
    paths = rc.weight_paths(compute.TrainSpec.of(cfg), penalty, reg)
    ends = [W_run[-1] for W_run in paths.W]
    too_large = rc.step_too_large(penalty, cfg.lr, reg, rc.largest_weight(ends[0]))
    if too_large:
        step_warning(penalty, cfg.lr, reg, rc.largest_weight(ends[0]))
    chart(weight_paths_figure(paths, jitter=too_large), "rg_paths")
    near = max(cfg.lr * reg, 1e-3)  # a gradient step on L1 moves a weight at 0 by about α·λ: "at 0" within that
    zeros = [int(np.sum(np.abs(e) < near)) for e in ends]
    counted = "" if too_large else f", entries within α·λ = {short(near)} of 0: {zeros[0]} → {zeros[1]}"
    st.caption(f"The sidebar's training ({cfg.optimizer}, α = {exact(cfg.lr)}, {cfg.steps} steps, same start), "
               f"once with λ = 0 and once with λ = {exact(reg)}. At the end: "
               f"‖W‖² = {short(float(np.sum(ends[0] ** 2)))} "
               f"→ {short(float(np.sum(ends[1] ** 2)))}, Σ|W| = {short(float(np.abs(ends[0]).sum()))} → "
               f"{short(float(np.abs(ends[1]).sum()))}{counted}. "
               "L2's gradient 2λW shrinks every weight in proportion to its size (large ones most, none to exactly "
               "0); L1's gradient λ·sign(W) pulls every weight by the same amount, so small ones reach 0 and "
               "(with gradient steps) jitter around it by about ±α·λ"
               + (": here α·λ is too large for that (above)." if too_large else ".")
               + (" The weights flip across 0 at every step (joined step to step they drew a band of stripes), so "
                  "the penalized run is drawn a dot a step: filled w_k1, open w_k2 (an image's many weights: a dot at "
                  "every few steps)."
                  if too_large else ""))

    st.subheader("The slide's form and the app's")
    slide = r"L_i = \lvert y_i - W x_i \rvert^2 + \lvert W \rvert"
    st.latex(slide + r"\qquad\longleftrightarrow\qquad L = \frac1N \sum_i L_i + \lambda R(W)\,")
    r = rows[penalty]
    per_example = r.per_example + r.reg_loss
    st.markdown(
        r"The slide writes a regression loss $\lvert y_i - W x_i \rvert^2$ with an L1 penalty $\lvert W \rvert$ "
        r"(λ = 1) inside each example's $L_i$. Averaged over the examples, a penalty in every $L_i$ is the penalty "
        rf"once: $\frac1N \sum_i (L_i + \lambda R(W))$ = **{fixed(per_example.mean(), 6)}** = "
        f"{fixed(r.data_loss, 6)} + {fixed(r.reg_loss, 6)} = **{fixed(r.loss, 6)}** here ({penalty.upper()}, "
        f"λ = {exact(reg)}, N = {len(ctx.y)}). "
        "Summed instead of averaged it would count N times, N·λR(W): the same as a λ N times larger. The app "
        "averages and adds λR(W) once, so λ means the same for any N.")
    st.latex(rf"\tfrac1N \textstyle\sum_i (L_i + \lambda R(W)) = {tex(fixed(per_example.mean(), 6))} "
             rf"= {tex(fixed(r.data_loss, 6))} + {tex(fixed(r.reg_loss, 6))}\,")
    st.markdown("**Why b is not regularized.** The penalty limits how strongly the scores react to x: that is W "
                "alone. b shifts each class's score by a constant, moving its boundary without making the classifier "
                "any more sensitive to the input; penalizing it would only pull the boundaries towards the origin, "
                "and the data set may need them elsewhere.")


def step_warning(penalty: str, lr: float, reg: float, largest: float) -> None:
    """Say, in words, that the penalty's own step α·λ is too large for the weights to settle, and offer the λ where
    it is not (one click)."""
    step = lr * reg
    if penalty == "l1":
        st.warning(f"α·λ = {short(step)} (the sidebar's α = {exact(lr)} times λ = {exact(reg)}) is not small next to "
                   f"the weights (the largest is {short(largest)} without the penalty). Each step the penalty alone "
                   f"moves every weight by α·λ = {short(step)} towards 0, and past it once the weight is smaller: "
                   f"the weights jitter by about ±{short(step)} instead of settling, and none stays at 0. L1 makes "
                   "weights exactly 0 only with a step α·λ small next to them.", icon=":material/warning:")
    else:
        st.warning(f"2αλ = {short(2 * step)} ≥ 1 (the sidebar's α = {exact(lr)}, λ = {exact(reg)}): the penalty's "
                   f"own step multiplies W by 1 − 2αλ = {short(1 - 2 * step)} each step, so it overshoots 0 and flips "
                   "the weights' signs" + (", growing without bound (2αλ ≥ 2)." if step >= 1 else "."),
                   icon=":material/warning:")
    calm = rc.calm_reg(penalty, lr, largest, REG_OPTIONS)
    if calm is None:
        st.caption(f"Every λ here is too large for α = {exact(lr)}: lower the sidebar's learning rate α.")
        return
    what = "some weights exactly 0" if penalty == "l1" else "W shrink smoothly"
    st.button(f"Show λ = {exact(calm)} (α·λ = {short(lr * calm)}: {what})", key="rg_calm",
              icon=":material/tune:", on_click=state.update, kwargs={"rg_reg": calm})


def penalty_table(rows: dict) -> pd.DataFrame:
    """Data loss, λR(W) and total per penalty, as the texts shown (5 significant digits): the grid sizes a column by
    the text it is given, and sized by the numbers it clipped 0.00087210 to 00087210."""
    return pd.DataFrame({"data loss": [sig(r.data_loss, 5) for r in rows.values()],
                         "λR(W)": [sig(r.reg_loss, 5) for r in rows.values()],
                         "total": [sig(r.loss, 5) for r in rows.values()]},
                        index=pd.Index(list(rows), name="penalty"))


page(body)
