"""Classifier: the geometric, algebraic and visual viewpoints of f(x) = Wx + b, in sync."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import compute, figures, state, views
from dashboard.common import chart, context, fmt, sig
from dashboard.config import SCHEMA

ctx = context()
cfg = ctx.cfg
st.header("Classifier · three viewpoints of f(x) = Wx + b")

point = min(int(state.widget("point", cfg.point)), len(ctx.X) - 1)
if state.widget("point") is not None and state.widget("point") != point:
    state.set_widget("point", point)  # fewer points than before: keep the selection in range
left, right = st.columns([0.58, 0.42], gap="medium")

with left:
    st.subheader("Geometric view")
    options = ["none", *range(cfg.n_classes)]
    score_class = st.segmented_control(
        "Score surface", options, key=state.seed("score_class", "none"),
        format_func=lambda k: "off" if k == "none" else f"s_{k}",
        help="Shade the plane by one class's score s_k(x) = w_k·x + b_k")
    scene = views.classifier_scene(replace(ctx, cfg=cfg.replace(point=point)),
                                   score_class=None if score_class in (None, "none") else int(score_class))
    event = chart(scene["classifier"], "classifier_fig", on_select="rerun", selection_mode="points")
    st.caption("Hyperplanes cutting the plane: each dashed line is where one class's score is zero, "
               "wₖ·x + bₖ = 0, and its arrow is the normal wₖ (the direction in which sₖ grows). Regions show "
               "argmaxₖ sₖ. Click a point to select it; hollow markers are test points.")

# a click on a data point selects it (its customdata is the example's index); only a new click counts,
# so the number input below can still change the selection
selection = getattr(event, "selection", None) or {}
clicked = [p.get("customdata") for p in selection.get("points", [])] if isinstance(selection, dict) else []
clicked = [c[0] if isinstance(c, list) else c for c in clicked if c is not None]
if clicked and clicked[0] != state.remember("last_click"):
    state.remember("last_click", clicked[0])
    if isinstance(clicked[0], (int, float)) and 0 <= int(clicked[0]) < len(ctx.X):
        point = int(clicked[0])
        state.set_widget("point", point)

with right:
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
    truth = int(ctx.y[point])
    verdict = ":green[**correct**]" if k_hat == truth else ":red[**wrong**]"
    st.markdown(f"Example **i = {point}** of class **{truth}** · predicted "
                f"**ŷ = argmax s = {k_hat}** — {verdict}. Step t = {ctx.t}.")
    st.number_input("Selected example i", 0, len(ctx.X) - 1, key=state.seed("point", point),
                    help="Or click a point in the plot")
cfg, _ = state.commit(cfg.replace(point=int(state.widget("point", point))))

st.subheader("Visual view: one template per class")
chart(scene["templates"] if point == cfg.point else
      views.classifier_scene(replace(ctx, cfg=cfg))["templates"], "templates_fig")
st.caption("Each row wₖ of W is a template; the score is how well x matches it: sₖ = wₖ·x + bₖ. "
           "The best-matching template predicts the class.")

# ------------------------------------------------------------------ editable W (as in the CS231n demo)
res = compute.evaluate(cfg.loss, ctx.W, ctx.b, ctx.X, ctx.y, cfg.reg, cfg.penalty, cfg.margin)
if st.toggle("Edit W and b directly (the current gradient is shown beside each entry)",
             key=state.seed("edit_W", False), help="As in the CS231n demo: type a new value into the table"):
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

    st.data_editor(table, key=editor_key, on_change=apply_edit, hide_index=True, width="stretch",
                   disabled=["class", "∂L/∂w₁", "∂L/∂w₂", "∂L/∂b"],
                   column_config={c: st.column_config.NumberColumn(format="%.4f")
                                  for c in ["w₁", "w₂", "b", "∂L/∂w₁", "∂L/∂w₂", "∂L/∂b"]})
    st.caption(f"Loss ({cfg.loss}) at these parameters: **{res.loss:.4f}**. Editing an entry makes it the new "
               "starting point (step 0) of training. A gradient step moves each entry by −α times its "
               "gradient.")
