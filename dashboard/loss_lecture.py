"""The Loss page's lecture example (issue 10 item 2): the slides' cat / car / frog score table, editable cell by
cell, with every L_i, the mean, the softmax pipeline, the losses as shapes and the slides' questions following it.

The table lives in the Config (lecture_scores, row-major by image; () = the slide's), so an edit survives a page
change and the address bar's link reproduces it. A cell that is not a usable number is refused with a message, and
the table stays as it was.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.common import chart
from dashboard.figures.format import fixed, paren, sig, tex
from dashboard.figures.format import short as short_number
from dashboard.lecture_scenes import lecture_shapes
from dashboard.lecture_scenes import lecture_table as lecture_scores
from dashboard.links import quote
from dashboard.loss_questions import answers, bounds_table, car_change
from linviz.lecture_examples import lecture_example
from linviz.losses import softmax_from_scores, svm_from_scores
from linviz.score_table import parse_score

ROOM = r"\,"  # a thin space after an aligned block: KaTeX ends it with a 2 px spacer past the formula
DELTA = 1.0  # the slides' margin
_ERROR, _REFUSED = "lecture_editor_error", "lecture_editor_refused"


def short(v: float, digits: int = 2) -> str:
    """A value for a formula as the slides write it: at most `digits` decimals, no trailing zeros: 2.9, 0, −3.9."""
    return tex(fixed(v, digits, trim=True))


def operand(v: float) -> str:
    """A score inside the working, in parentheses when negative: 2.20 - (-3.10)."""
    return paren(tex(fixed(v, 2)))


def slide_value(v: float) -> str:
    """exp(s) as the slide writes it: one decimal from 1 up (24.5, 164.0), two below (0.18)."""
    return fixed(v, 1 if abs(v) >= 1 else 2) if abs(v) < 1e6 else sig(v, 3)


def hinge_terms_latex(s: np.ndarray, y: int, margin: float, names) -> str:
    """The slide's working of L_i = sum_{j != y} max(0, s_j - s_y + Δ), aligned over several lines: one term a
    line with the scores put in, then max(0, margin_j), then the terms, then L_i."""
    js = [j for j in range(len(s)) if j != y]
    margins = [s[j] - s[y] + margin for j in js]
    terms = [rf"\max(0,\ {tex(fixed(s[j], 2))} - {operand(s[y])} + {margin:g})" for j in js]
    lines = [rf"L_{{\text{{{names[y]}}}}} &= {terms[0]}", *(rf"&\quad + {t}" for t in terms[1:]),
             "&= " + " + ".join(rf"\max(0,\ {short(m)})" for m in margins),
             "&= " + " + ".join(short(max(0.0, m)) for m in margins),
             f"&= {short(sum(max(0.0, m) for m in margins))}"]
    return r"\begin{aligned}" + r" \\ ".join(lines) + r"\end{aligned}" + ROOM


def cell(v: float) -> str:
    """A score as the editor shows it: the slide's one decimal (3.2, 2.0, −1.7), more digits when typed so."""
    return fixed(v, 1) if v == round(v, 1) else short_number(v, 8)


def editor_table(S: np.ndarray, names) -> pd.DataFrame:
    """The slide's layout: a row per class, a column per image (S transposed), the scores as text (true minus)."""
    return pd.DataFrame([[cell(v) for v in row] for row in S.T], index=list(names),
                        columns=[f"{n} image" for n in names])


def apply_edits(S: np.ndarray, edits: dict, names) -> np.ndarray:
    """S with the editor's edited_rows {row (class): {"<image> image": typed}} put in; ValueError in words, naming
    the cell, for a typed value that is not a usable score."""
    S = S.copy()
    columns = {f"{n} image": i for i, n in enumerate(names)}
    for row, changes in edits.items():
        for column, typed in changes.items():
            if column not in columns:
                continue
            try:
                S[columns[column], int(row)] = parse_score(typed)
            except ValueError as err:
                typed_text = "" if typed is None or not str(typed).strip() else f" ({quote(typed, 40)})"
                raise ValueError(f"The {names[int(row)]} score of the {column}{typed_text} {err}.") from None
    return S


def store(S: np.ndarray) -> None:
    """Keep the table in the Config: () when it is the slide's again."""
    slide = np.array(lecture_example().scores, dtype=float)
    state.update(lecture_scores=() if np.array_equal(S, slide) else tuple(float(v) for v in S.ravel()))


def refusal() -> None:
    """The message of a refused edit, once, across the page's width: inside the editor's column it would widen the
    column and push the mean's formula past the page's edge."""
    message = state.remember(_ERROR)
    if message:
        state.forget(_ERROR)
        st.warning(message, icon=":material/block:")


def editor(S: np.ndarray, names) -> None:
    """The editable table (its refusal message: refusal). An edit is read when the run after it
    draws the editor (the same path in the browser and in AppTest, which sends no on_change): a usable one is stored
    and the app reruns with it; a refused one is said, and a fresh editor shows the table as it was."""
    refused = state.remember(_REFUSED) or 0
    key = f"lecture_editor_{abs(hash((S.tobytes(), refused)))}"  # a new table (or a refusal) starts a fresh editor
    st.data_editor(editor_table(S, names), key=key, width="content",
                   column_config={f"{n} image": st.column_config.TextColumn(
                       f"{n} image", alignment="right",
                       help=f"The scores of the {n} image, one a class (a number from −1000 to 1000)")
                       for n in names})
    edits = (state.widget(key) or {}).get("edited_rows", {})
    if edits:
        try:
            new = apply_edits(S, edits, names)
        except ValueError as err:
            state.remember(_ERROR, f"{err} The table is kept as it was.")
            state.remember(_REFUSED, refused + 1)
        else:
            if np.array_equal(new, S):  # (3.20 for 3.2: nothing to store, but the editor must start afresh)
                state.remember(_REFUSED, refused + 1)
            store(new)
        st.rerun()  # the page again, from the stored table (or with the refusal said)


def reset_button(S: np.ndarray) -> None:
    slide = np.array_equal(S, lecture_example().scores)
    st.button("Reset to the slide", key="lecture_reset", icon=":material/restart_alt:", disabled=slide,
              on_click=lambda: store(np.array(lecture_example().scores, dtype=float)),
              help="Back to the slide's scores 3.2, 5.1, −1.7 / 1.3, 4.9, 2.0 / 2.2, 2.5, −3.1")


def losses_row(hinge: np.ndarray, names) -> pd.DataFrame:
    return pd.DataFrame([hinge], index=["hinge loss L_i"], columns=[f"{n} image" for n in names])


def lecture(cfg) -> None:
    """The slides' cat / car / frog example: the editable table, hinge working, softmax pipeline, the losses as
    shapes and the slides' questions, all from the table shown."""
    names = lecture_example().class_names
    y = np.asarray(lecture_example().y)
    S = lecture_scores(cfg)
    hinge, _, _ = svm_from_scores(S, y, DELTA)
    ce, probs, _ = softmax_from_scores(S, y)
    st.markdown("Three training images, three classes; with some W the scores f(x, W) = Wx are (columns = images, "
                "as on the slide). **Click a cell to change a score**: everything below follows.")
    refusal()
    row = st.container(horizontal=True, gap="medium")  # side by side where they fit, one above the other if not
    with row.container(width="content"):
        editor(S, names)
        st.dataframe(losses_row(hinge, names).style.format(lambda v: fixed(v, 1)), width="content")
    with row.container():
        reset_button(S)
        st.latex(r"\begin{aligned} L &= \tfrac{1}{N}\textstyle\sum_i L_i \\ &= ("
                 + " + ".join(short(v, 1) for v in hinge) + rf")/3 = {tex(fixed(hinge.mean(), 2))}\end{{aligned}}"
                 + ROOM)
    c1, c2 = st.columns(2)
    with c1:
        st.subheader("Multiclass SVM (hinge)")
        st.latex(r"L_i = \sum_{j \neq y_i} \begin{cases} 0 & \text{if } s_{y_i} \geq s_j + 1 \\ "
                 r"s_j - s_{y_i} + 1 & \text{otherwise} \end{cases}")
        st.latex(r"\phantom{L_i} = \sum_{j \neq y_i} \max(0,\ s_j - s_{y_i} + 1)")
        for i in range(len(y)):
            st.latex(hinge_terms_latex(S[i], int(y[i]), DELTA, names))
    with c2:
        st.subheader("Softmax (cross-entropy)")
        image = st.selectbox("Image", range(3), format_func=lambda i: f"the {names[i]} image",
                             **state.bound("lecture_image", cfg.lecture_image))
        st.caption(f"The {names[image]} image: logits → exp → normalize → −log of the true class's probability.")
        st.latex(r"\begin{aligned} P(Y = k \mid x) &= \frac{e^{s_k}}{\sum_j e^{s_j}} \\ "
                 r"L_i &= -\log P(Y = y_i \mid x_i) \end{aligned}" + ROOM)
        st.dataframe(pipeline(S[image], names).style.format(
            {"logit s": lambda v: fixed(v, 1) if v == round(v, 1) else short_number(v), "exp(s)": slide_value,
             "p = exp(s) / Σ exp": lambda v: fixed(v, 2), "−log p": lambda v: fixed(v, 2)}), width="stretch")
        st.latex(rf"L_\text{{{names[image]}}} = -\log({tex(fixed(probs[image, image], 2))}) = "
                 rf"{tex(fixed(ce[image], 2))}")
        st.caption(log_base_note())
    st.subheader("The losses as shapes")
    chart(lecture_shapes(S, image), key="lecture_shapes")
    st.caption(r"x: the true class's lead over its strongest rival, $s_{y_i} - \max_{j \neq y_i} s_j$; y: each "
               r"image's own loss $L_i$. The hinge is 0 from the kink at lead = Δ = 1 on; cross-entropy is never 0. "
               "With three classes an image sits above a curve by what its second rival adds.")
    st.subheader("The lecture's questions, answered by the engine")
    car_change(S, y, names, cfg)
    bounds_table(S, y, names, image)
    st.markdown(answers(S, y, names))


def log_base_note() -> str:
    """Which log: the slide leaves −log(0.13) unevaluated; the loss takes the natural log (2.04), and the value 0.89
    that circulates with this example (the original CS231n slide) is the base-10 log of the same p."""
    s = np.asarray(lecture_example().scores[0])
    p = np.exp(s - s.max())[0] / np.exp(s - s.max()).sum()  # the cat's probability on the slide, 0.13
    p_text = fixed(p, 2)
    return (f"Which log? The cross-entropy loss uses the natural log, and so does this app: −ln {p_text} = "
            f"{fixed(-np.log(p), 2)} (the slide's log(10) ≈ 2 is the natural log too). The 0.89 printed with this "
            f"example in the original CS231n slide is the base-10 log: −log₁₀ {p_text} = {fixed(-np.log10(p), 2)}.")


def pipeline(s: np.ndarray, names) -> pd.DataFrame:
    """One image's logits s (C,) -> exp -> probabilities -> -log p, a row per class."""
    from dashboard import loss_scene

    return loss_scene.softmax_pipeline(s, names)
