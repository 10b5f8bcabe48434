"""Gradient check: the analytic gradient against the numerical one, entry by entry; planted bugs it catches; and
the slide's "slow vs fast", measured."""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import bug_settings as bs
from dashboard import gradient_compute as gc
from dashboard import pages, state
from dashboard.bug_settings import PENALTY_NAMES
from dashboard.common import chart, context, page
from dashboard.config import LOSS_LABELS
from dashboard.controls import HORIZON_OPTIONS, with_value
from dashboard.figures.format import short, sig, tick_label
from dashboard.lecture_scenes import check_figure
from linviz import cost
from linviz.gradcheck import FLOOR_MAX, KINK_NOTE, THRESHOLDS
from linviz.planted_bugs import VARIANTS

IMAGE_BATCH = 200  # images in the image-size measurement: P = 650 decides the count, N only each evaluation's time


def show_it_button(fix: dict) -> None:
    st.button(f"Show it: use {bs.describe(fix)}", key="gc_show_bug", icon=":material/bug_report:",
              on_click=show_bug, args=(fix,))


def show_bug(fix: dict) -> None:
    """The sidebar's settings where the chosen mistake matters (the whole app reruns: the sidebar shows them)."""
    cfg = state.load()
    if fix.get("t", 0) > cfg.steps:  # (a later step: the training horizon grows as Step's does)
        fix = {**fix, "steps": next(h for h in HORIZON_OPTIONS if h >= fix["t"])}
    state.update(**fix)
    st.rerun()


def controls(cfg):
    c1, c2, c3 = st.columns([0.4, 0.2, 0.4], gap="medium")
    h = c1.select_slider("Step size h", with_value(list(gc.H_OPTIONS), cfg.gc_h), key=state.seed("gc_h", cfg.gc_h),
                         format_func=tick_label, help="The numerical gradient's h (10⁻¹² … 1, log scale)")
    method = c2.radio("Difference", ["centered", "forward"], key=state.seed("gc_method", cfg.gc_method),
                      horizontal=True)
    bug = c3.selectbox("Analytic gradient", list(VARIANTS), key=state.seed("gc_bug", cfg.gc_bug),
                       format_func=lambda v: VARIANTS[v].title,
                       help="The engine's correct gradient, or one with a mistake people really make")
    return h, method, bug


def verdict(check, variant) -> None:
    """The check's answer in words: passes, fails, catches the bug, or cannot tell (every entry near a kink)."""
    away = ~check.near_kink
    if not away.any():
        st.warning(f"**The check cannot tell here**: every entry is within one probe (h = {check.h:g}) of a kink, "
                   "where a correct gradient can disagree with the difference quotient. Lower h.",
                   icon=":material/help:")
        return
    worst = int(np.argmax(np.where(away, check.error, -1.0)))
    where = f"worst entry {check.names[worst]}: relative error {check.error[worst]:.1e} ({check.grade[worst]})"
    if check.near_kink.any():
        where += f"; {int(check.near_kink.sum())} entries near a kink left out"
    if variant.name == "correct":
        if check.passed:
            st.success(f"**The check passes** — the gradient is right: every entry away from a kink is good or "
                       f"acceptable; {where}.", icon=":material/check_circle:")
        else:
            st.warning(f"**The check fails for the correct gradient** at this h: {where}. Try h = 10⁻⁵ centered — "
                       "a too large h (truncation) or a too small one (round-off) makes any gradient look wrong.",
                       icon=":material/warning:")
    elif check.passed:
        st.warning(f"**The check misses this bug** here: {where}. (Why: see above.)", icon=":material/help:")
    elif check.worst != "wrong":
        st.warning(f"**The check only finds this bug {check.worst}** here: {where}. (Why: see above.)",
                   icon=":material/help:")
    else:
        st.error(f"**The check catches the bug**: {where}. The mistake: {variant.mistake}.",
                 icon=":material/bug_report:")


def checkable(check, t: int) -> bool:
    """Whether the difference quotients of this check are numbers; if not (a loss near the largest float, after a
    diverging run), say so instead of grading them."""
    finite = all(np.isfinite(v).all() for v in (check.analytic, check.numerical, check.error, check.loss_value))
    if finite and check.floor < FLOOR_MAX:
        return True
    st.warning(f"**The check cannot run at step t = {t}**: the loss there is L = {sig(check.loss_value, 3)}, so "
               "large that L(θ ± h) overflows or rounds to L (float64 ends at 1.8×10³⁰⁸): the difference quotient "
               "is no number to compare. Pick an earlier step t or a smaller learning rate α.",
               icon=":material/warning:")
    return False


def check_table(check) -> pd.DataFrame:
    return pd.DataFrame({"entry": check.names, "analytic": check.analytic, "numerical": check.numerical,
                         "relative error": check.error, "grade": check.grade,
                         "near a kink": np.where(check.near_kink, "⚠ yes", "")}).set_index("entry")


def times(v: float) -> str:
    return f"{v:,.0f}×" if v >= 100 else f"{v:.3g}×"


def cost_table(tables: dict) -> pd.DataFrame:
    """One row per (problem, method) of the measured linviz.cost.CostTable's."""
    frames = []
    for where, t in tables.items():
        frames.append(pd.DataFrame({"problem": f"{where} (P = {t.n_params}, N = {t.n_examples})",
                                    "gradient": list(t.methods), "evaluations": t.evaluations.astype(int),
                                    "time (ms)": 1e3 * t.seconds, "× analytic": t.ratio,
                                    "error vs analytic": t.max_error}))
    return pd.concat(frames).set_index(["problem", "gradient"])


def cost_section(cfg, key, W, b, P: int) -> None:
    st.subheader("Numerical: slow · analytic: fast — measured")
    image_P = cost.IMAGE_SIZE["n_classes"] * (cost.IMAGE_SIZE["n_features"] + 1)
    counts = pd.DataFrame({f"this problem (P = {P})": [cost.evaluations(m, P) for m in cost.METHODS],
                           f"8×8 images, 10 classes (P = {image_P})": [cost.evaluations(m, image_P)
                                                                         for m in cost.METHODS]},
                          index=[f"{m} gradient" for m in cost.METHODS])
    st.markdown("**Loss evaluations for one gradient** (exact: analytic 1, forward P + 1, centered 2P):")
    st.dataframe(counts, width="stretch")
    spec = (key, W.tobytes(), b.tobytes())
    if st.button("Measure the time", key="gc_measure", icon=":material/timer:",
                 help=f"Times the three at this size (best of 3) and at P = {image_P} ({IMAGE_BATCH} images, once): "
                      "a few seconds"):
        bar = st.progress(0.0, text="Measuring …")
        tables = gc.measure(key, W, b, lambda done, text: bar.progress(min(done, 1.0), text=f"Measuring: {text}"),
                            n_images=IMAGE_BATCH)
        bar.empty()
        state.remember("gc_cost", (spec, tables))
    stored = state.remember("gc_cost")
    if stored and stored[0] == spec:
        st.dataframe(cost_table(stored[1]).style.format({"time (ms)": "{:.3g}", "× analytic": times,
                                                         "error vs analytic": "{:.1e}"}), width="stretch")
        st.caption("Times are of this machine, now (shared and busy: they vary from run to run); the counts are "
                   "exact. The numerical gradient costs what its evaluations cost: about P or 2P analytic gradients.")
    else:
        st.caption("Press *Measure the time* to time them on this machine.")


def body():
    ctx = context(through_t=True)
    cfg = ctx.cfg
    st.header(pages.by_file(__file__).heading)
    h, method, bug = controls(cfg)
    cfg, _ = state.commit(cfg.replace(gc_h=float(h), gc_method=method, gc_bug=bug))
    variant = VARIANTS[bug]
    key = gc.ProblemSpec.of(cfg)
    st.markdown(f"At step **t = {ctx.t}**: {LOSS_LABELS[cfg.loss]}, λ = {cfg.reg:g}, penalty "
                f"{PENALTY_NAMES[cfg.penalty]} (the sidebar's loss × penalty) · analytic gradient: "
                f"**{variant.title}**.")
    if not variant.applies(cfg.loss, cfg.penalty, cfg.reg):
        fix = bs.catching_settings(variant, cfg) or bs.settings_where_it_applies(variant, cfg)
        st.info(f"“{variant.title}” is a mistake in the {bs.where_it_applies(variant)}: it changes nothing with "
                f"{bs.missing(variant, cfg)} chosen in the sidebar, so the check has nothing to catch. Shown below: "
                "the correct gradient.", icon=":material/info:")
        show_it_button(fix)
        variant = VARIANTS["correct"]
    check = gc.check(key, ctx.W, ctx.b, float(h), method, variant.name)
    if not checkable(check, ctx.t):
        return
    if variant.name != "correct" and bs.worst_error(check) < bs.CLEAR:
        fix = bs.catching_settings(variant, cfg)
        st.info(f"**Why the check misses it here.** {bs.why_missed(variant, cfg, ctx.t, check, ctx.b)}"
                + (f" With {bs.describe(fix)} it is caught clearly." if fix else ""), icon=":material/info:")
        if fix:
            show_it_button(fix)
    verdict(check, variant)
    chart(check_figure(check), "gc_fig")
    st.latex(r"\text{relative error} = \frac{|a - n|}{\max(|a| + |n|,\ \text{floor})}")
    st.markdown("a: the analytic gradient, n: the numerical one, entry by entry. Graded **good** below 10⁻⁷, "
                "**acceptable** below 10⁻⁴ (near kinks), **suspicious** below 10⁻², otherwise **wrong**.")
    st.caption(f"Dashed lines: the grade thresholds {', '.join(f'{v:g}' for v in THRESHOLDS)}. Relative errors "
               f"use an absolute floor of {check.floor:.1e} (tied to h and |L|: below it the difference quotient is "
               f"round-off), so that 10⁻¹⁷ against 0 counts as agreement. {check.evaluations} loss evaluations.")
    if check.near_kink.any() or len(check.kink_examples):
        st.warning(f"**{len(check.kink_examples)} examples** have a hinge margin within one probe of 0 (entries "
                   f"ringed in the chart, ⚠ in the table). {KINK_NOTE}", icon=":material/warning:")
    elif cfg.loss != "softmax" or cfg.penalty == "l1":
        st.caption(f"No kink within h of any probe here. {KINK_NOTE} Raise h (e.g. to 0.1) to meet some.")
    st.dataframe(check_table(check).style.format({"analytic": lambda v: short(v, 6), "numerical": lambda v: short(v, 6),
                                                  "relative error": "{:.1e}"}), width="stretch")
    cost_section(cfg, key, ctx.W, ctx.b, len(check.names))


page(body)
