"""Classifier: the geometric, algebraic and visual viewpoints of f(x) = Wx + b, in sync."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import streamlit as st

from dashboard import compute, figures, pages, scenes, state
from dashboard.common import chart, context, page
from dashboard.figures.classifier import MANY_CLASSES
from dashboard.figures.format import fixed, short, sig, tex
from dashboard.figures.probabilities import binary_figure, pipeline_bars_html
from dashboard.parameter_editor import edit_parameters
from linviz.binary import binary_rule

SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_CLICK, _SHOWN = "classifier_click", "classifier_fig_shown"  # per-session memory of the selection (see below)


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


def new_click() -> int | None:
    """The index of a point clicked since the last run, else None.

    Streamlit gives the chart a new identity (and an empty selection) whenever its figure changes, and keeps the
    selection of an unchanged figure from run to run. So a selection is new the first time it is seen on the
    figure drawn last: it is remembered together with that figure, and the same point clicked again on a new
    figure (after typing another index) counts as a new click."""
    click = clicked_example(state.widget("classifier_fig"))
    token = (state.remember(_SHOWN), click)
    if click is None or token == state.remember(_CLICK):
        return None
    state.remember(_CLICK, token)
    return click


def select_example(requested: int, n_train: int) -> tuple[int, str | None]:
    """The example every view shows, in [0, n_train): a new click, else `requested` (the number input or the
    link), clipped to the training set; with a message when it had to be clipped."""
    click = new_click()
    if click is not None and 0 <= click < n_train:
        return click, None
    if requested < n_train:
        return max(requested, 0), None
    return n_train - 1, (f"Example i = {requested} is not in the training set, which has {n_train} examples "
                         f"(i = 0 … {n_train - 1}): showing the last one, i = {n_train - 1}.")


def algebraic_latex(W: np.ndarray, b: np.ndarray, x: np.ndarray) -> str:
    """[W | b] [x; 1] = s with the numbers, each class's row in its colour and the winning score boxed."""
    s = W @ x + b
    k_hat = int(np.argmax(s))
    colors = [figures.class_color(k) for k in range(len(b))]
    rows = r" \\ ".join(
        rf"\color{{{colors[k]}}}{{{tex(sig(W[k, 0]))}}} & \color{{{colors[k]}}}{{{tex(sig(W[k, 1]))}}}"
        rf" & \color{{{colors[k]}}}{{{tex(sig(b[k]))}}}" for k in range(len(b)))
    outs = r" \\ ".join(
        (rf"\boxed{{\color{{{colors[k]}}}{{{tex(short(s[k]))}}}}}" if k == k_hat
         else rf"\color{{{colors[k]}}}{{{tex(short(s[k]))}}}")
        for k in range(len(b)))
    # many classes: rows closer together (KaTeX's \arraystretch), so that the chart below starts higher
    compact = r"\def\arraystretch{0.8}" if len(b) >= MANY_CLASSES else ""
    return (compact + r"\underbrace{\begin{bmatrix}" + rows + r"\end{bmatrix}}_{[\,W \mid b\,]}"
            r"\underbrace{\begin{bmatrix}" + tex(fixed(x[0], 2)) + r"\\" + tex(fixed(x[1], 2)) + r"\\ 1\end{bmatrix}}"
            r"_{[\,x;\,1\,]} = \underbrace{\begin{bmatrix}" + outs + r"\end{bmatrix}}_{s}\,")  # (\,: see loss.ROOM)


def body():
    ctx = context(through_t=True)
    cfg = ctx.cfg
    st.header(pages.by_file(__file__).heading)

    # The selected example, before anything is drawn, so that every view shows the same one.
    n_train = len(ctx.X)
    point, notice = select_example(int(state.widget("point", cfg.point)), n_train)
    if state.widget("point") is not None and state.widget("point") != point:
        state.set_widget("point", point)
    cfg, _ = state.commit(cfg.replace(point=point))
    ctx = replace(ctx, cfg=cfg)
    if notice:
        st.info(notice, icon=":material/info:")

    # The algebraic view sits above the chart but is filled in after it: the browser then draws the chart (the slow
    # part) first, while the previous formula stays on screen until the new one arrives. Formula and verdict share
    # a row that wraps (the verdict under the formula) where the page is too narrow for both.
    row = st.container(horizontal=True, gap="small", vertical_alignment="center")
    formula_box, verdict_box = row.container(width="content"), row.container(width=280, gap=None)
    if cfg.score_class >= cfg.n_classes:  # (a link's s_7 on a 2-class set)
        st.info(f"There is no score s{str(cfg.score_class).translate(SUBSCRIPTS)} with C = {cfg.n_classes} "
                "classes: the score surface is off.", icon=":material/info:")
        state.set_widget("score_class", -1)
        cfg, _ = state.commit(cfg.replace(score_class=-1))
        ctx = replace(ctx, cfg=cfg)
    score_class = None if cfg.score_class < 0 else cfg.score_class
    state.remember(_SHOWN, (compute.DataSpec.of(cfg), ctx.W.tobytes(), ctx.b.tobytes(), point, score_class))
    chart(scenes.classifier_views(ctx, score_class=score_class), "classifier_fig", on_select="rerun",
          selection_mode="points")

    x = ctx.X[point]
    k_hat, truth = int(np.argmax(ctx.W @ x + ctx.b)), int(ctx.y[point])
    with formula_box:
        latex = image_algebraic_latex if ctx.projected else algebraic_latex
        st.latex(latex(ctx.W, ctx.b, x), width="content")
    with verdict_box:
        verdict = ":green[**correct**]" if k_hat == truth else ":red[**wrong**]"
        st.markdown(f"Example **i = {point}** (class **{truth}**): **ŷ = argmax s = {k_hat}** — {verdict}. "
                    f"Step t = {ctx.t}.")
        # the Loss page's pipeline (loss_scene.softmax_pipeline) of this example, as bars
        st.html(pipeline_bars_html(ctx.W @ x + ctx.b, ctx.class_names))

    # the controls under the chart: the views above them fill a 1280x720 screen
    with st.container(horizontal=True, gap="medium", vertical_alignment="bottom"):
        st.number_input("Selected example i", 0, n_train - 1, width=190,
                        **state.number_field("point", point, "Selected example i", 0, n_train - 1),
                        help="Or click a point in the plot")
        st.segmented_control("Score surface", [-1, *range(cfg.n_classes)],
                             **state.bound("score_class", cfg.score_class),
                             format_func=lambda k: "off" if k < 0 else "s" + str(k).translate(SUBSCRIPTS),
                             help="Shade the plane by one class's score s_k(x) = w_k·x + b_k")
    if ctx.projected:
        image_views(ctx, point)
        return
    st.caption("**Algebraic**: one matrix-vector product; the bias trick folds b into W as a last column and "
               "appends a 1 to x. **Geometric**: hyperplanes cutting the plane. Each dashed line is where one "
               "class's score is zero, wₖ·x + bₖ = 0, and its arrow is the normal wₖ (the direction in which sₖ "
               "grows); regions show argmaxₖ sₖ. Click a point to select it; hollow markers are test points. "
               "**Visual**: each row wₖ of W is a template, and the score is how well x matches it, sₖ = wₖ·x + bₖ: "
               "the best-matching template predicts the class. **Top right**: the selected example's scores s, "
               "exp(s) and probabilities p = exp(s) / Σ exp(s), as in the Loss page's pipeline, with a bar for "
               "each p on one scale from 0 to 1 (the grey length is p = 1): scores are not interpretable, "
               "probabilities are.")
    if cfg.n_classes == 2:
        binary_view(ctx, point)
    edit_parameters(ctx)


def image_algebraic_latex(W: np.ndarray, b: np.ndarray, x: np.ndarray) -> str:
    """For an image: W (C x P) times the flattened image [x; 1] = s, with the scores' numbers (the P pixels and the
    C x P weights are the pictures below), the winning score boxed."""
    s = W @ x + b
    k_hat = int(np.argmax(s))
    colors = [figures.class_color(k) for k in range(len(b))]
    outs = r" \\ ".join(
        (rf"\boxed{{\color{{{colors[k]}}}{{{tex(short(s[k]))}}}}}" if k == k_hat
         else rf"\color{{{colors[k]}}}{{{tex(short(s[k]))}}}") for k in range(len(b)))
    compact = r"\def\arraystretch{0.8}" if len(b) >= MANY_CLASSES else ""
    C, P = W.shape
    return (compact + rf"\underbrace{{[\,W \mid b\,]}}_{{{C} \times {P + 1}}}\;"
            rf"\underbrace{{[\,x;\,1\,]}}_{{{P + 1} \text{{ numbers: the image, then 1}}}} = "
            r"\underbrace{\begin{bmatrix}" + outs + r"\end{bmatrix}}_{s}\,")


def image_views(ctx: scenes.Context, point: int) -> None:
    """The visual view of an image classifier (templates as images) and what the 2-D-only tools become."""
    H, Wd = ctx.info.feature_shape
    # the templates take the whole width: their tiles are sized in px for it (in a 62 % column at 1280 px, the
    # ten digits' tiles overlapped)
    st.markdown(f"**Visual**: each row wₖ of W as a {H}×{Wd} image at step t = {ctx.t} (one colour scale, "
                "centred at 0): red pixels raise the class's score where the image is bright, blue ones lower it.")
    chart(scenes.template_images(ctx), "classifier_templates")
    left, right = st.columns([0.62, 0.38], gap="medium")
    with right:
        st.markdown(f"**The selected image i = {point}** (class {ctx.class_names[int(ctx.y[point])]})")
        from dashboard.figures.images import gallery_figure

        picture = ctx.X[point].reshape(1, H, Wd)
        chart(gallery_figure(picture, [f"image {point}"], (0.0, float(max(1.0, ctx.X.max()))), cols=1),
              "classifier_image")
    left.caption("**Algebraic**: one matrix-vector product of W (C × 64) and the flattened image. **Geometric**: "
                 "images live in a 64-dimensional space; the chart shows the plane of image space through the mean "
                 "image along the two directions in which the images vary most, the images projected onto it, and "
                 "the classifier restricted to that plane — again a linear classifier in 2-D, exact on the plane "
                 "(a projected image can lie in another region than the image itself). **Visual**: the score of "
                 "class k is how well the image matches the template wₖ, sₖ = wₖ·x + bₖ.")
    st.info("Editing W and b entry by entry is for the 2-D data sets (an image's W has C × 64 entries); "
            "on images, W is learned by training.", icon=":material/info:")


def binary_latex(W: np.ndarray, b: np.ndarray, x: np.ndarray) -> str:
    """f(x) = (w_1 − w_0)·x + (b_1 − b_0) with the numbers of the selected x, its sign and the rule's class."""
    r = binary_rule(W, b, x[None, :])
    w, f = r.w, float(r.f[0])
    label, relation = ("1", r"\geq") if f >= 0 else ("0", "<")
    return (r"\begin{aligned} f(x) &= (w_1 - w_0)\cdot x + (b_1 - b_0) \\ "
            rf"&= {tex(sig(w[0]))}\cdot{paren_tex(x[0])} + {paren_tex(w[1])}\cdot{paren_tex(x[1])} "
            rf"+ {paren_tex(r.b)} = {tex(sig(f, 4))} \\ "
            rf"y &= {label} \quad\text{{since }} f(x) {relation} 0 "
            r"\end{aligned}\,")


def paren_tex(v: float) -> str:
    """A factor or term of the working: sig(v) for LaTeX, in parentheses when negative."""
    text = tex(sig(v))
    return f"({text})" if text.startswith("-") else text


def sigmoid_latex(W: np.ndarray, b: np.ndarray, x: np.ndarray) -> str:
    """The two-class softmax p_1 = e^{s_1} / (e^{s_0} + e^{s_1}) and σ(f) = 1 / (1 + e^{−f}), with the numbers."""
    s = W @ x + b
    r = binary_rule(W, b, x[None, :])
    z = np.exp(s - s.max())
    p1 = float(z[1] / z.sum())
    return (rf"p_1 = \frac{{e^{{s_1}}}}{{e^{{s_0}} + e^{{s_1}}}} = \frac{{e^{{{tex(short(s[1]))}}}}}"
            rf"{{e^{{{tex(short(s[0]))}}} + e^{{{tex(short(s[1]))}}}}} = {tex(short(p1, 6))}"
            rf"\qquad \sigma(f) = \frac{{1}}{{1 + e^{{-f}}}} = \frac{{1}}{{1 + e^{{{tex(sig(-float(r.f[0]), 4))}}}}}"
            rf" = {tex(short(float(r.p1[0]), 6))}\,")


def binary_view(ctx: scenes.Context, point: int) -> None:
    """With C = 2 only the difference of the two scores matters: one score f(x), one line, and σ(f) = p_1."""
    st.subheader("The binary rule (C = 2): one score f(x), one line")
    x = ctx.X[point]
    r = binary_rule(ctx.W, ctx.b, ctx.X)
    st.latex(binary_latex(ctx.W, ctx.b, x))
    chart(binary_figure(ctx.X, ctx.y, r.w, r.b, ctx.bounds, selected=point, class_names=ctx.class_names),
          "classifier_binary")
    st.latex(sigmoid_latex(ctx.W, ctx.b, x))
    agree = int(np.sum(r.prediction == np.argmax(ctx.X @ ctx.W.T + ctx.b, axis=1)))
    st.caption(f"The rule y = 1 if f(x) ≥ 0 predicts as argmax of the two scores for {agree} of {len(ctx.X)} "
               "training points (they differ only at an exact tie f = 0). The two-class softmax is the sigmoid of "
               "the score difference: dividing e^(s₁) / (e^(s₀) + e^(s₁)) above and below by e^(s₁) gives "
               "1 / (1 + e^(−(s₁ − s₀))). "
               "One-vs-all (the Loss page) still trains two separate scores, each with its own line.")


page(body)
