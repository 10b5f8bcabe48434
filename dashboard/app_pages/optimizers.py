"""Optimizers: GD, momentum, Nesterov, Adam and RMSProp from the same start on ONE fair slice, the negative gradient
at the current point, learning-rate schedules compared, and why these losses have no bad local minima."""
from __future__ import annotations

import numpy as np
import streamlit as st

from dashboard import finding_compute as fc
from dashboard import finding_scenes as fs
from dashboard import finding_text as tex
from dashboard import pages, state
from dashboard.common import chart, context, page
from dashboard.config import LOSS_LABELS, OPTIMIZER_LABELS
from dashboard.controls import LR_OPTIONS, exact, with_value
from dashboard.finding_scenes import DECAY_LABELS
from linviz.optim import OPTIMIZERS

TABS = {"slice": "All optimizers on one fair slice", "schedules": "Constant vs decaying α",
        "convexity": "Convex: no bad local minima"}
BETA2_OPTIONS = [0.9, 0.99, 0.999, 0.9999]
RHO_OPTIONS = [0.5, 0.8, 0.9, 0.95, 0.99, 0.999]
SCHEDULE_RATES = [0.01, 0.03, 0.1, 0.2, 0.5, 1.0, 2.0]
SCHEDULE_BATCHES = [1, 2, 4, 8, 16, 32, 64]
SCHEDULE_STEPS = [100, 200, 500, 1000, 2000]

CONDITION_MET = {  # whether the decaying schedule meets the convergence condition written above its chart
    "inverse_time": "The 1/t decay meets both conditions.",
    "exponential": "Exponential decay does not: Σ αₜ = α₀ / (1 − γ) is finite, so over a long horizon it can "
                   "freeze before it reaches θ*; it is still widely used in practice.",
    "step": "Step decay does not: Σ αₜ = s α₀ / (1 − γ) is finite, so over a long horizon it can freeze before it "
            "reaches θ*; it is still widely used in practice."}


def knob_controls(cfg, focus: str, where) -> dict:
    """The focused optimizer's own knobs, in the columns `where`; returns {Config field: value}."""
    fields = fc.OPTIMIZER_KNOBS[focus]
    out = {}
    lr_field = fields["lr"]
    lr = getattr(cfg, lr_field)
    out[lr_field] = where[0].select_slider(f"{OPTIMIZER_LABELS[focus]}: α", with_value(LR_OPTIONS, lr),
                                           key=state.seed(lr_field, lr), format_func=exact)
    for col, (knob, field) in zip(where[1:], [(k, f) for k, f in fields.items() if k != "lr"]):
        value = getattr(cfg, field)
        if knob == "mu":
            out[field] = col.slider("μ (momentum)", 0.0, 0.99, step=0.01, key=state.seed(field, value))
        elif knob == "beta1":
            out[field] = col.slider("β₁ (mean of g)", 0.0, 0.99, step=0.01, key=state.seed(field, value))
        elif knob == "beta2":
            out[field] = col.select_slider("β₂ (mean of g²)", with_value(BETA2_OPTIONS, value),
                                           key=state.seed(field, value), format_func=exact)
        else:
            out[field] = col.select_slider("ρ (mean of g²)", with_value(RHO_OPTIONS, value),
                                           key=state.seed(field, value), format_func=exact)
    return {k: float(v) for k, v in out.items()}


def slice_tab(ctx, cfg) -> None:
    c = st.columns([0.34, 0.22, 0.22, 0.22], gap="medium")
    focus = c[0].selectbox("Optimizer (its knobs and arrows)", list(OPTIMIZERS), format_func=OPTIMIZER_LABELS.get,
                           key=state.seed("op_focus", cfg.op_focus))
    values = knob_controls(cfg, focus, c[1:])
    cfg, _ = state.commit(cfg.replace(op_focus=focus, **values))
    with st.spinner("Training the five optimizers and finding the common optimum…"):
        scene = fs.optimizer_slice(cfg, ctx.t)
    t, lr_t = scene.t, scene.lr_t
    st.latex(tex.update_rule(focus, fc.knobs(cfg, focus)))
    left, right = st.columns([0.55, 0.45], gap="small")
    with left:
        chart(scene.figures["optimizer_slice"], "op_slice")
    with right:
        chart(scene.figures["optimizer_curves"], "op_curves")
    batch = "full batch" if not cfg.batch_size else f"mini-batches of {cfg.batch_size}"
    own = ("its step is exactly that" if focus == "sgd" and not cfg.batch_size
           else "its own step differs: it follows its path")
    st.caption("○ the common start, ✕ the optimum θ*, ★ the current point. "
               f"All five from the sidebar's start, {scene.steps} steps each ({batch}, {LOSS_LABELS[cfg.loss]}, "
               f"λ = {cfg.reg:g}), drawn on ONE plane chosen for all of them together: through the common start "
               f"(−1, 0) and the optimum θ* (1, 0; L* = {scene.optimum_loss:.5f}, converged full-batch descent), "
               f"tilted towards the direction in which all runs together stray most from that line (no one run's "
               f"PCA). Both axes have the same unit. Points off the plane are projected (at most "
               f"{scene.off_plane:.2g} away). "
               f"At step t = {t} of {OPTIMIZER_LABELS[focus]} (the sidebar's Step moves it): −∇L, steepest "
               f"descent, and the step −α∇L a plain gradient step would take (α = {lr_t:.3g}); "
               f"{own}. An arrow too short or too long to see is drawn scaled; its key above the plot says by how "
               "much (×k).")


def schedules_tab(ctx, cfg) -> None:
    c = st.columns([1, 1, 1, 1.3], gap="medium")  # (the schedule's name needs the widest)
    lr = c[0].select_slider("α₀", with_value(SCHEDULE_RATES, cfg.op_sched_lr), format_func=exact,
                            key=state.seed("op_sched_lr", cfg.op_sched_lr))
    batch = c[1].select_slider("Batch size M", with_value(SCHEDULE_BATCHES, cfg.op_sched_batch),
                               key=state.seed("op_sched_batch", cfg.op_sched_batch))
    steps = c[2].select_slider("Steps", with_value(SCHEDULE_STEPS, cfg.op_sched_steps),
                               key=state.seed("op_sched_steps", cfg.op_sched_steps))
    decay = c[3].selectbox("Decaying schedule", list(DECAY_LABELS), format_func=DECAY_LABELS.get,
                           key=state.seed("op_decay", cfg.op_decay))
    cfg, _ = state.commit(cfg.replace(op_sched_lr=float(lr), op_sched_batch=int(batch), op_sched_steps=int(steps),
                                      op_decay=decay))
    with st.spinner(f"Two runs of {steps} mini-batch steps and the optimum…"):
        race, figure = fs.schedules(cfg)
    st.latex(tex.convergence_condition(lr, decay, float(race.lr[1][-1]), int(steps), race.decay_options))
    chart(figure, "op_schedules")
    tail = max(1, int(steps) // 5)
    hover = [float(np.mean(d[-tail:])) for d in race.distance]
    st.markdown(f"Over the last {tail} steps the constant α stays on average **{hover[0]:.3g}** from θ* — the "
                f"mini-batch noise keeps it hovering — and the decaying α **{hover[1]:.3g}**, ending at "
                f"**{race.distance[1][-1]:.3g}**.")
    st.caption(f"Mini-batch SGD (M = {batch}) from the sidebar's start with the same batches; θ* is the full-batch "
               f"optimum from that start (L* = {race.optimum_loss:.5f}). The lecture: gradient descent converges "
               "when the learning rate is reduced appropriately; with a constant α each noisy step keeps it "
               "jittering around the optimum at a distance that grows with α. " + CONDITION_MET[decay])


def convexity_tab(ctx, cfg) -> None:
    check, figure = fs.convexity(cfg, ctx.W, ctx.b)
    if check.holds:
        st.success(f"**Convex along all {len(check.directions)} random lines** through θ at step t = {ctx.t}: every "
                   "second difference L(θ + (s − h)d) − 2L(θ + s d) + L(θ + (s + h)d) ≥ 0 (up to rounding).",
                   icon=":material/check_circle:")
    else:
        st.error(f"A line bends down (worst second difference {check.worst:.3g}× its rounding tolerance): this "
                 "would contradict convexity — please report it.", icon=":material/error:")
    chart(figure, "op_convexity")
    st.latex(r"L(W, b) = \tfrac{1}{N}\textstyle\sum_i L_i(\underbrace{W x_i + b}_{\text{linear in }(W, b)}) + "
             r"\lambda R(W): \quad \text{convex} \circ \text{linear} + \text{convex} = \text{convex}")
    st.markdown(f"The {LOSS_LABELS[cfg.loss]} is a convex function of the scores (a sum of hinges max(0, ·), or a "
                "log-sum-exp minus a linear term), the scores are linear in (W, b), and the L2 and L1 penalties are "
                "convex. So L is convex in (W, b): **every local minimum is a global one**, and gradient descent "
                "with a small enough (or decaying) α finds the best W from any start. A deep network composes "
                "non-linear layers: its loss is not convex in the weights, it has many local minima and saddle "
                "points, and where it ends depends on the start.")
    st.caption("Each line: L along θ + s d for a Gaussian direction d scaled to |θ| (s from −1 to 1), minus L(θ), so "
               "all start at 0; the check uses 41 points per line. Change the data, the loss or the step t: it "
               "still holds.")


def body():
    cfg = state.load()
    state.seed("op_tab", TABS[cfg.op_view])
    view = next((v for v, label in TABS.items() if label == state.widget("op_tab")), "slice")
    # the schedules race starts from the sidebar's start but does not use its run: that is not trained there (2000
    # full-batch steps on 1000 points cost seconds), nor warned about
    ctx = None if view == "schedules" else context(through_t=True)
    st.header(pages.by_file(__file__).heading)
    tabs = st.tabs(list(TABS.values()), key="op_tab", on_change="rerun")
    cfg, _ = state.commit(cfg.replace(op_view=view))
    for name, draw in (("slice", slice_tab), ("schedules", schedules_tab), ("convexity", convexity_tab)):
        with tabs[list(TABS).index(name)]:
            if view == name:
                draw(ctx, cfg)


page(body)
