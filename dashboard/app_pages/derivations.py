"""Derivations: the slides' least-squares and sigmoid update rules, every line with live numbers, applied step by
step."""
from __future__ import annotations

import numpy as np
import streamlit as st

from dashboard import gradient_compute as gc
from dashboard import gradient_text as tex
from dashboard import lecture_scenes as scenes
from dashboard import pages, state
from dashboard.common import chart, context, page
from dashboard.config import SCHEMA
from dashboard.controls import LR_OPTIONS, with_value
from dashboard.figures.format import exact, short
from linviz import derivations
from linviz.gradcheck import relative_error

RULE_LABELS = {"least_squares": "Least squares: f = wᵀx", "sigmoid": "Sigmoid unit: f = σ(wᵀx)"}
ALPHAS = [a for a in LR_OPTIONS if a <= SCHEMA["dv_alpha"].hi]
MAX_STEPS = int(SCHEMA["dv_steps"].hi)
BLOWUP = 100.0  # a loss this many times its start: the rule is diverging (as scenes.BLOWUP for training runs)


def take(n: int | None) -> None:
    """n more steps of the rule (None: back to w = 0)."""
    steps = 0 if n is None else min(state.load().dv_steps + n, MAX_STEPS)
    state.update(dv_steps=steps)


def controls(cfg):
    c1, c2, c3, c4 = st.columns([0.3, 0.16, 0.2, 0.34], gap="medium")
    rule = c1.radio("Unit", list(RULE_LABELS), key=state.seed("dv_rule", cfg.dv_rule), format_func=RULE_LABELS.get)
    dims = c2.radio("Inputs", [1, 2], key=state.seed("dv_dims", cfg.dv_dims), format_func=lambda d: f"{d}-D")
    D = dims + 1
    asked = state.widget("dv_j", cfg.dv_j) or 0
    if asked >= D:  # 2-D -> 1-D, or a link's dv_j: w_2 is gone
        st.info(f"w{'₀₁₂'[asked]} does not exist with {dims}-D inputs (w₀ … w{'₀₁₂'[D - 1]}, the last the "
                f"intercept): showing w{'₀₁₂'[D - 1]}.", icon=":material/info:")
        if state.widget("dv_j") is not None:
            state.set_widget("dv_j", D - 1)
    j = c3.selectbox("Typeset ∂L/∂wⱼ for", range(D), key=state.seed("dv_j", min(cfg.dv_j, D - 1)),
                     format_func=lambda k: f"j = {k}" + (" (intercept)" if k == D - 1 else f" (x{'₁₂'[k]})"))
    alpha = c4.select_slider("Learning rate α", with_value(ALPHAS, cfg.dv_alpha), format_func=exact,
                             key=state.seed("dv_alpha", cfg.dv_alpha), help="The rule's step size (10⁻⁴ … 1)")
    return rule, dims, min(int(j), D - 1), float(alpha)


def body():
    ctx = context(through_t=True)
    cfg = ctx.cfg
    st.header(pages.by_file(__file__).heading)
    rule, dims, j, alpha = controls(cfg)
    cfg, _ = state.commit(cfg.replace(dv_rule=rule, dv_dims=int(dims), dv_j=j, dv_alpha=alpha))
    X, y = gc.rule_data(rule, int(dims), cfg.seed)
    run = gc.descent(rule, int(dims), cfg.seed, alpha, cfg.dv_steps)
    t = len(run.w) - 1  # steps taken (fewer than asked if the rule diverged)
    w = run.w[t]
    step = derivations.rule_step(rule, w, X, y, alpha=alpha)
    numerical = gc.rule_numerical(rule, w, X, y)

    b = st.columns([0.2, 0.2, 0.2, 0.4])
    b[0].button("Apply the rule", key="dv_step", icon=":material/skip_next:", on_click=take, args=(1,), width="stretch",
                disabled=run.diverged_at is not None or t >= MAX_STEPS, help="Apply the rule once: w ← w_new")
    b[1].button("Apply 10 times", key="dv_run", icon=":material/fast_forward:", on_click=take, args=(10,),
                width="stretch", disabled=run.diverged_at is not None or t >= MAX_STEPS)
    b[2].button("Reset", key="dv_reset", icon=":material/replay:", on_click=take, args=(None,), width="stretch",
                disabled=cfg.dv_steps == 0, help="Back to w = 0")
    b[3].markdown(f"**Step {t}** from w = 0 · L = {step.loss:.5g} · N = {len(y)} examples")
    if run.diverged_at is not None:
        st.warning(f"The rule **diverged at step {run.diverged_at}** with α = {alpha:g}: w or L stopped being "
                   "finite. Lower α or press Reset.", icon=":material/error:")
    elif run.loss[t] > BLOWUP * run.loss[0]:
        st.warning(f"The loss **grew** from {run.loss[0]:.4g} to {run.loss[t]:.4g}: with α = {alpha:g} each step "
                   "overshoots the minimum by more than it gains. Lower α or press Reset.", icon=":material/error:")
    chart(scenes.rule_figure(rule, X, y, run), "dv_fig")

    st.subheader(f"∂L/∂w{'₀₁₂'[j]}, with the numbers of step {t}")
    for line in tex.derivation(step, X, y, j, float(numerical[j])):
        st.latex(line)
    err = relative_error(step.gradient, numerical)
    grad = ", ".join(short(g) for g in step.gradient)
    st.markdown(f"Analytic gradient (every j) against the centered numerical gradient of L: relative error "
                f"**{err:.1e}** — the derived rule is the gradient. ∇L = ({grad}).")
    st.info(f"**Sum vs mean.** The slides sum over the N = {len(y)} examples (L = Σ δ²); linviz.losses and the "
            f"classifier pages average (L = (1/N) Σ Lᵢ). The same step therefore takes a learning rate N times "
            f"larger on a mean: α = {alpha:g} here is α = {alpha * len(y):g} on the classifier's scale.",
            icon=":material/functions:")

    with st.expander("σ and its derivative σ' = σ(1 − σ), checked numerically", expanded=rule == "sigmoid"):
        curves = derivations.sigmoid_curves()
        chart(scenes.sigmoid_figure(curves, step.d if rule == "sigmoid" else None), "dv_sigmoid_fig")
        st.latex(r"\sigma'(z) = \frac{e^{-z}}{(1 + e^{-z})^2} = \sigma(z)\big(1 - \sigma(z)\big)")
        st.latex(rf"\max_z \Big|\sigma(z)(1 - \sigma(z)) - \frac{{\sigma(z + h) - \sigma(z - h)}}{{2h}}\Big| = "
                 rf"{tex.num(float(np.max(np.abs(curves.sigma_prime - curves.numerical))), 2)}")


page(body)
