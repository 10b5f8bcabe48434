"""Classifier: the geometric, algebraic and visual viewpoints of f(x) = Wx + b, in sync."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import streamlit as st

from dashboard import compute, figures, state, views
from dashboard.common import chart, context, fmt, page, sig
from dashboard.config import SCHEMA


def clicked_example(value) -> int | None:
    """The example a click on the chart selected: a training point's customdata is its index into X (an int;
    the templates carry their weights, floats)."""
    selection = (value or {}).get("selection") if isinstance(value, dict) else getattr(value, "selection", None)
    for p in (selection or {}).get("points", []):
        c = p.get("customdata")
        c = c[0] if isinstance(c, list) and c else c
        if type(c) is int:
            return c
    return None


def body():
    ctx = context(through_t=True)
    cfg = ctx.cfg
    st.header("Classifier · three viewpoints of f(x) = Wx + b")

    # The selected example, before anything is drawn, so that every view shows the same one: a new click on a data
    # point (only a new one, so the number input can still change the selection), else the number input.
    point = min(int(state.widget("point", cfg.point)), len(ctx.X) - 1)
    click = clicked_example(state.widget("classifier_fig"))
    if click is not None and click != state.remember("last_click"):
        state.remember("last_click", click)
        if 0 <= click < len(ctx.X):
            point = click
    if state.widget("point") is not None and state.widget("point") != point:
        state.set_widget("point", point)
    cfg, _ = state.commit(cfg.replace(point=point))
    ctx = replace(ctx, cfg=cfg)

    # The algebraic view and the controls sit above the chart but are filled in after it: the browser then draws
    # the chart (the slow part) first, while the previous formula stays on screen until the new one arrives.
    left, right = st.columns([0.68, 0.32], gap="medium")  # the matrix product fits at 1280 px
    score_class = state.widget("score_class") or "none"
    chart(views.classifier_views(ctx, score_class=None if score_class == "none" else int(score_class)),
          "classifier_fig", on_select="rerun", selection_mode="points")
    st.caption("**Geometric**: hyperplanes cutting the plane. Each dashed line is where one class's score is zero, "
               "wₖ·x + bₖ = 0, and its arrow is the normal wₖ (the direction in which sₖ grows); regions show "
               "argmaxₖ sₖ. Click a point to select it; hollow markers are test points. **Visual**: each row wₖ of W "
               "is a template, and the score is how well x matches it, sₖ = wₖ·x + bₖ: the best-matching template "
               "predicts the class.")

    with left:
        st.subheader("Algebraic view")
        x = ctx.X[point]
        s = ctx.W @ x + ctx.b
        k_hat = int(np.argmax(s))
        colors = [figures.class_color(k) for k in range(cfg.n_classes)]
        rows = r" \\ ".join(
            rf"\color{{{colors[k]}}}{{{sig(ctx.W[k, 0])}}} & \color{{{colors[k]}}}{{{sig(ctx.W[k, 1])}}}"
            rf" & \color{{{colors[k]}}}{{{sig(ctx.b[k])}}}" for k in range(cfg.n_classes))
        outs = r" \\ ".join(
            (rf"\boxed{{\color{{{colors[k]}}}{{{sig(s[k])}}}}}" if k == k_hat else
             rf"\color{{{colors[k]}}}{{{sig(s[k])}}}") for k in range(cfg.n_classes))
        st.latex(r"\underbrace{\begin{bmatrix}" + rows + r"\end{bmatrix}}_{[\,W \mid b\,]}"
                 r"\underbrace{\begin{bmatrix}" + fmt(x[0], 2) + r"\\" + fmt(x[1], 2) + r"\\ 1\end{bmatrix}}"
                 r"_{[\,x;\,1\,]} = \underbrace{\begin{bmatrix}" + outs + r"\end{bmatrix}}_{s}")
        st.caption("One matrix-vector product: the bias trick folds b into W as a last column and appends a 1 to x.")
    with right:
        truth = int(ctx.y[point])
        verdict = ":green[**correct**]" if k_hat == truth else ":red[**wrong**]"
        st.markdown(f"Example **i = {point}** of class **{truth}** · predicted "
                    f"**ŷ = argmax s = {k_hat}** — {verdict}. Step t = {ctx.t}.")
        st.number_input("Selected example i", 0, len(ctx.X) - 1, key=state.seed("point", point),
                        help="Or click a point in the plot")
        st.segmented_control("Score surface", ["none", *range(cfg.n_classes)], key=state.seed("score_class", "none"),
                             format_func=lambda k: "off" if k == "none" else f"s_{k}",
                             help="Shade the plane by one class's score s_k(x) = w_k·x + b_k")

    # ------------------------------------------------------------------ editable W (as in the CS231n demo)
    if st.toggle("Edit W and b directly (the current gradient is shown beside each entry)",
                 key=state.seed("edit_W", False), help="As in the CS231n demo: type a new value into the table"):
        import pandas as pd  # here, not at the top: ~0.7 s of the app's first start that the default view does not need

        res = compute.evaluate(cfg.loss, ctx.W, ctx.b, ctx.X, ctx.y, cfg.reg, cfg.penalty, cfg.margin)
        table = pd.DataFrame({
            "class": [f"class {k}" for k in range(cfg.n_classes)],
            "w₁": ctx.W[:, 0], "w₂": ctx.W[:, 1], "b": ctx.b,
            "∂L/∂w₁": res.dW[:, 0], "∂L/∂w₂": res.dW[:, 1], "∂L/∂b": res.db,
        })
        editor_key = f"W_editor_{abs(hash((ctx.W.tobytes(), ctx.b.tobytes())))}"

        current_Wb = np.hstack([ctx.W, ctx.b[:, None]])

        def apply_edit(key=editor_key, current=current_Wb):
            Wb = current.copy()
            edits = (state.widget(key) or {}).get("edited_rows", {})
            lo, hi = SCHEMA["W0"].lo, SCHEMA["W0"].hi
            for row, changes in edits.items():
                for col, value in changes.items():
                    j = {"w₁": 0, "w₂": 1, "b": 2}.get(col)
                    try:
                        value = float(value)
                    except (TypeError, ValueError):
                        value = float("nan")
                    if j is None:
                        continue
                    if not (np.isfinite(value) and lo <= value <= hi):
                        state.flash(f"Ignored {col} = {value!r} for class {row}: entries of W and b must be "
                                    f"numbers in [{lo:g}, {hi:g}]. W is unchanged.")
                        return
                    Wb[int(row), j] = value
            state.update(init="custom", W0=tuple(float(v) for v in Wb.ravel()), t=0)
            st.rerun()  # the whole app: the sidebar's initialization becomes "custom"

        st.data_editor(table, key=editor_key, on_change=apply_edit, hide_index=True, width="stretch",
                       disabled=["class", "∂L/∂w₁", "∂L/∂w₂", "∂L/∂b"],
                       column_config={c: st.column_config.NumberColumn(format="%.4f")
                                      for c in ["w₁", "w₂", "b", "∂L/∂w₁", "∂L/∂w₂", "∂L/∂b"]})
        st.caption(f"Loss ({cfg.loss}) at these parameters: **{res.loss:.4f}**. Editing an entry makes it the new "
                   "starting point (step 0) of training. A gradient step moves each entry by −α times its "
                   "gradient.")


page(body)
