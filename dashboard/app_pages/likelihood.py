"""Likelihood & KL: cross-entropy as maximum likelihood and as the KL divergence, with the slide's 8-class example."""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import links, pages, state
from dashboard.common import chart, context, page
from dashboard.figures.format import short
from dashboard.figures.probabilities import kl_figure
from dashboard.likelihood_text import kl_latex, likelihood_latex, p_hat_text, parse_p_hat
from linviz.information import SLIDE_P_HAT, SLIDE_TRUE_CLASS, edit_probability, log_likelihood, slide_kl_example

TEXT, SLIDER, ERROR = "kl_p_hat_text", "kl_p_y", "kl_p_hat_error"  # widget keys and the refusal shown once


def set_p_hat(p) -> None:
    """Store a new p̂ (the address bar follows, with 10 significant digits an entry) from a callback."""
    state.update(kl_p_hat=links.tidy_distribution(p))


def typed_p_hat() -> None:
    """The text box's callback: a valid p̂ is normalized and stored; anything else is refused in words, and the
    previous p̂ is kept (the box shows it again on the next run)."""
    if state.stale_text(TEXT):  # not typed: an older text of this page's, sent back late (it would undo a drag)
        return
    text = state.widget(TEXT, "")
    try:
        p, note = parse_p_hat(text, len(SLIDE_P_HAT))
    except ValueError as err:
        state.remember(ERROR, f"{err} p̂ is unchanged.")
        return
    set_p_hat(p)
    if note:
        state.flash(note, kind="note")


def moved_p_y(true_class: int) -> None:
    """The slider's callback: p̂_y takes the slider's value, the other classes share the rest in proportion."""
    value = round(float(state.widget(SLIDER)), 3)  # the slider's step (the browser can send 0.110000044)
    set_p_hat(edit_probability(state.load().kl_p_hat, true_class, value))


def body():
    ctx = context(through_t=True)
    cfg = ctx.cfg
    st.header(pages.by_file(__file__).heading)
    st.markdown("The slide's example: a one-hot truth **p*** and a prediction **p̂** over 8 classes. Choose the "
                "true class and drag its probability (or type a whole p̂ under the chart): p̂ is kept normalized.")
    y = int(cfg.kl_class)
    # the two controls a lecturer drags, then the chart (at 1280x720 its panels start above the middle of the
    # screen), then typing a whole p̂ and the reset, under it
    with st.container(horizontal=True, gap="medium", vertical_alignment="bottom"):
        st.segmented_control("True class y (the 1 of p*)", list(range(8)), **state.bound("kl_class", y),
                             format_func=lambda k: f"{k + 1}",
                             help="Classes are numbered 1 … 8 as on the slide (Y = 1 … 8); its p* is one-hot in "
                                  "its 4th row: y = 4")
        state.set_widget(SLIDER, float(min(max(cfg.kl_p_hat[y], 0.001), 0.999)))
        st.slider(f"p̂ of the true class y = {y + 1}", 0.001, 0.999, step=0.001, key=SLIDER, on_change=moved_p_y,
                  args=(y,), format="%.3f", width=320, help="The other classes share 1 − p̂_y in proportion")
    ex = slide_kl_example(y, cfg.kl_p_hat)
    chart(kl_figure(ex.p_star, ex.p_hat, y), "kl_fig")

    state.write_text(TEXT, p_hat_text(cfg.kl_p_hat))
    with st.container(horizontal=True, gap="medium", vertical_alignment="bottom"):
        st.text_input("p̂: 8 probabilities (k = 1 … 8), separated by commas", key=TEXT, on_change=typed_p_hat,
                      help="Any non-negative numbers: they are divided by their sum")
        st.button("Reset to the slide", key="kl_reset", on_click=state.update,
                  kwargs=dict(kl_p_hat=SLIDE_P_HAT, kl_class=SLIDE_TRUE_CLASS))
    refusal = state.remember(ERROR)
    if refusal:
        state.forget(ERROR)
        st.warning(refusal, icon=":material/block:")
    st.markdown("(The slide prints p* with a stray ninth entry for these eight probabilities; here it has 8.)")
    st.latex(kl_latex(ex.terms, y))
    if not np.isfinite(ex.terms.kl):
        st.info("p̂ gives the true class probability 0: the model calls the truth impossible, and "
                "KL = −log 0 = ∞.", icon=":material/info:")
    st.caption("With p* one-hot, H(p*) = 0: minimizing KL(p*‖p̂) is minimizing the cross-entropy H(p*, p̂) = "
               "−log p̂_y, the softmax loss L_i of this example.")
    t = ex.terms
    table = pd.DataFrame({"k": range(1, 9), "p*_k": ex.p_star, "p̂_k": ex.p_hat, "p*·log(p*/p̂)": t.kl_terms,
                          "p*·log p* (−H)": -t.entropy_terms, "−p*·log p̂ (H(p*,p̂))": t.cross_entropy_terms})
    sums = pd.DataFrame({"k": ["Σ"], **{c: [table[c].sum()] for c in table.columns[1:]}})
    table = pd.concat([table.astype({"k": str}), sums]).set_index("k")
    with st.expander("Every term of the three sums (a term with p*_k = 0 is 0: 0·log 0 = 0)"):
        st.dataframe(table.style.format(lambda v: short(v + 0.0)), width="content")

    st.subheader("Maximum likelihood on the current data set")
    ll = log_likelihood(ctx.W, ctx.b, ctx.X, ctx.y)
    st.markdown(f"The softmax classifier at step **t = {ctx.t}** gives each training example i a probability "
                "P(Y = yᵢ | xᵢ) of its own label. Their log-likelihood, and the softmax data loss (the mean of "
                f"−log P(Y = yᵢ | xᵢ), N = {ll.n}; training uses **{cfg.loss}**, this is the softmax loss at the "
                "same W):")
    st.latex(likelihood_latex(ll))
    st.caption("Maximizing the log-likelihood Σᵢ log p_yᵢ is minimizing the negative log-likelihood −Σᵢ log p_yᵢ "
               "= N · L_data: the same W is best for both. The log turns the product of probabilities into a sum "
               "(and keeps it from rounding to 0 in floating point).")


page(body)
