"""Loss: hinge and softmax side by side, per example, with the lecture's worked example."""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import compute, state
from dashboard.common import context, fmt, page, sig
from linviz.datasets import lecture_example
from linviz.losses import softmax_loss, svm_loss


def hinge_terms_latex(s: np.ndarray, y: int, margin: float, names) -> str:
    """The slide's working: L_i = sum_{j != y} max(0, s_j - s_y + Δ) with the numbers put in."""
    js = [j for j in range(len(s)) if j != y]
    terms = " + ".join(rf"\max(0,\ {fmt(s[j], 2)} - {fmt(s[y], 2)} + {margin:g})" for j in js)
    values = " + ".join(fmt(max(0.0, s[j] - s[y] + margin), 2) for j in js)
    total = sum(max(0.0, s[j] - s[y] + margin) for j in js)
    return rf"L_{{\text{{{names[y]}}}}} = {terms} = {values} = {fmt(total, 2)}"


def softmax_pipeline(s: np.ndarray, y: int, names) -> pd.DataFrame:
    with np.errstate(over="ignore"):
        e = np.exp(s)  # shown as inf when it overflows; p below is computed stably
    p = np.exp(s - s.max()) / np.exp(s - s.max()).sum()
    return pd.DataFrame({"class": list(names), "logit s": s, "exp(s)": e, "p = exp(s) / Σ exp": p,
                         "−log p": -np.log(np.maximum(p, 1e-300))}).set_index("class")


def total_latex(r) -> str:
    """L = data + reg = total, with enough digits that the shown sum adds up."""
    return (rf"L = \underbrace{{{sig(r.data_loss, 5)}}}_{{\frac1N\sum_i L_i}} + "
            rf"\underbrace{{{sig(r.reg_loss, 3)}}}_{{\lambda R(W)}} = {sig(r.loss, 5)}")


def body():
    ctx = context(through_t=True)
    cfg = ctx.cfg
    st.header("Loss · how wrong is the classifier?")
    source = st.segmented_control("Scores from", ["data", "lecture"], key=state.seed("loss_source", "data"),
                                  format_func={"data": "the current classifier on the data",
                                               "lecture": "the lecture example (cat · car · frog)"}.get)

    if source == "lecture":
        ex = lecture_example()
        names = ex.class_names
        svm = svm_loss(ex.W, ex.b, ex.X, ex.y)
        soft = softmax_loss(ex.W, ex.b, ex.X, ex.y)
        st.markdown("Three training images, three classes; with some W the scores f(x, W) = Wx are "
                    "(columns = images, as on the slide):")
        table = pd.DataFrame(ex.scores.T, index=list(names), columns=[f"{n} image" for n in names])
        table.loc["hinge loss L_i"] = svm.per_example
        st.dataframe(table.style.format("{:.1f}"), width="content")
        c1, c2 = st.columns(2)
        with c1:
            st.subheader("Multiclass SVM (hinge)")
            st.latex(r"L_i = \sum_{j \neq y_i} \max(0,\ s_j - s_{y_i} + 1)")
            for i in range(3):
                st.latex(hinge_terms_latex(ex.scores[i], int(ex.y[i]), 1.0, names))
            st.latex(rf"L = \tfrac{{1}}{{N}}\textstyle\sum_i L_i = ({fmt(svm.per_example[0], 1)} + "
                     rf"{fmt(svm.per_example[1], 1)} + {fmt(svm.per_example[2], 1)})/3 = {fmt(svm.loss, 2)}")
        with c2:
            st.subheader("Softmax (cross-entropy), cat image")
            st.latex(r"P(Y=k \mid x) = \frac{e^{s_k}}{\sum_j e^{s_j}}, \qquad L_i = -\log P(Y = y_i \mid x_i)")
            st.dataframe(softmax_pipeline(ex.scores[0], 0, names).style.format("{:.2f}"), width="stretch")
            st.latex(rf"L_\text{{cat}} = -\log({fmt(soft.probs[0, 0], 2)}) = {fmt(soft.per_example[0], 2)}")
        st.subheader("The lecture's questions, answered by the engine")
        S = ex.scores.copy()
        nudged = S.copy()
        nudged[1] += [0.1, -0.1, 0.2]
        all_classes = np.maximum(0, S - S[np.arange(3), ex.y][:, None] + 1).sum(axis=1).mean()
        zeros = svm_loss(np.zeros((3, 3)), np.zeros(3), ex.X, ex.y).loss
        st.markdown(
            f"- *Car scores change a bit?* Car loss stays **{svm_loss(ex.W, ex.b, nudged, ex.y).per_example[1]:.1f}**"
            " — it already wins by more than the margin.\n"
            f"- *Min / max of the hinge loss?* **[0, ∞)**; of cross-entropy: infimum **0**, unbounded above.\n"
            f"- *At initialization (W ≈ 0, all s ≈ 0)?* hinge = C − 1 = **{zeros:.0f}**; cross-entropy = log C = "
            f"**{softmax_loss(np.zeros((3, 3)), np.zeros(3), ex.X, ex.y).loss:.3f}** (log 10 ≈ 2.3 for 10 classes).\n"
            f"- *Sum over all classes (j = y_i too)?* L = **{all_classes:.2f}** = {svm.loss:.2f} + 1: a constant, "
            "no difference to the minimizer.\n"
            f"- *Mean instead of sum?* sum = **{svm.per_example.sum():.1f}** = 3 × {svm.loss:.2f}: scaling by a "
            "constant.")
        return  # (not st.stop(): it ends the run before the address bar is updated)

    # ------------------------------------------------------------------ the current classifier on the data
    st.markdown(f"Parameters at step **t = {ctx.t}**; λ = {cfg.reg:g}, penalty {cfg.penalty}, margin Δ = "
                f"{cfg.margin:g}. Both losses are computed at the same W; training uses **{cfg.loss}**.")
    names = ctx.class_names
    results = {
        "svm": compute.evaluate("svm", ctx.W, ctx.b, ctx.X, ctx.y, cfg.reg, cfg.penalty, cfg.margin),
        "softmax": compute.evaluate("softmax", ctx.W, ctx.b, ctx.X, ctx.y, cfg.reg, cfg.penalty, cfg.margin),
        "ova": compute.evaluate("ova", ctx.W, ctx.b, ctx.X, ctx.y, cfg.reg, cfg.penalty, cfg.margin),
    }
    C, N = cfg.n_classes, len(ctx.y)
    zero_W, zero_b = np.zeros_like(ctx.W), np.zeros_like(ctx.b)
    at_zero = {k: compute.evaluate(k, zero_W, zero_b, ctx.X, ctx.y, 0.0, "none", cfg.margin).loss for k in results}
    m = st.columns(3)
    sanity = {"svm": f"W = 0 gives (C − 1)·Δ = {at_zero['svm']:.4g}", "softmax": f"W = 0 gives log C = {np.log(C):.4f}",
              "ova": f"W = 0 gives C·Δ = {at_zero['ova']:.4g}"}
    titles = [("svm", "Hinge (SVM)"), ("softmax", "Cross-entropy"), ("ova", "One-vs-all hinge")]
    for col, (key, title) in zip(m, titles):
        r = results[key]
        col.metric(title, sig(r.loss, 5), help="data loss + λR(W); the range of every loss here is [0, ∞)")
        col.caption(f"data loss {sig(r.data_loss, 5)} + λR(W) {sig(r.reg_loss, 3)}. {sanity[key]}.")

    chosen = state.remember("loss_rows_chosen") or 8
    show = st.slider("Examples shown", 1, min(N, 50), key=state.slider_key("loss_rows", chosen, min(N, 50)))
    if show != min(chosen, min(N, 50)):  # the student's own choice, kept when N or the lecture example hides it
        state.remember("loss_rows_chosen", show)
    sel = int(state.widget("point", cfg.point))
    rows = sorted({*range(show)} | ({sel} if sel < N else set()))

    def table(columns: dict) -> None:
        """One row per shown example: i, y, then the given columns (name -> (N, ) values)."""
        df = pd.DataFrame({"i": rows, "y": ctx.y[rows], **{k: v[rows] for k, v in columns.items()}}).set_index("i")
        st.dataframe(df.style.format("{:.4g}", subset=list(columns)), width="stretch", placeholder="—")

    st.markdown("**Scores** s = Wx + b of the examples shown (the selected example is included):")
    table({f"s_{k}": results["svm"].scores[:, k] for k in range(C)})
    col_h, col_s = st.columns(2, gap="medium")
    with col_h:
        st.subheader("Hinge (SVM)")
        st.latex(r"L_i = \sum_{j \neq y_i} \max(0,\ s_j - s_{y_i} + \Delta)")
        r = results["svm"]
        # the j = y_i term is not part of the sum: shown as a dash
        terms = np.where(np.arange(C)[None, :] == ctx.y[:, None], np.nan, r.margins)
        st.caption("Column j holds the term max(0, s_j − s_y + Δ); L_i is their sum.")
        table({**{f"j = {k}": terms[:, k] for k in range(C)}, "L_i": r.per_example})
        st.latex(total_latex(r))
    with col_s:
        st.subheader("Softmax (cross-entropy)")
        st.latex(r"p_k = \frac{e^{s_k}}{\sum_j e^{s_j}}, \qquad L_i = -\log p_{y_i}")
        r = results["softmax"]
        table({**{f"p_{k}": r.probs[:, k] for k in range(C)}, "−log p_y": r.per_example})
        st.latex(total_latex(r))
        st.markdown(f"Pipeline for the selected example **i = {sel}**: logits → exp → normalize → −log")
        st.dataframe(softmax_pipeline(r.scores[sel], int(ctx.y[sel]), names).style.format("{:.4g}"),
                     width="stretch")
    with st.expander("One-vs-all hinge (each class its own binary classifier)"):
        st.latex(r"L_i = \sum_j \max(0,\ \Delta - t_{ij} s_j), \quad t_{ij} = +1 \text{ if } j = y_i "
                 r"\text{ else } -1")
        r = results["ova"]
        st.caption("Column j holds the term max(0, Δ − t_ij s_j); L_i is their sum.")
        table({**{f"j = {k}": r.margins[:, k] for k in range(C)}, "L_i": r.per_example})
        st.latex(total_latex(r))


page(body)
