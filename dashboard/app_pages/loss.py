"""Loss: hinge and softmax side by side, per example, as shapes and with the sanity checks; the lecture's worked
example (editable) in dashboard/loss_lecture.py."""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import loss_scene, pages, state
from dashboard.common import context, page, too_large_as_text
from dashboard.figures import format as numbers
from dashboard.figures.format import sig, tex
from dashboard.loss_checks import sanity_section, shapes_section
from dashboard.loss_lecture import ROOM, lecture

CHAR_PX, CELL_PX = 9, 22  # about how wide st.dataframe draws a column: 9 px a character of its longest text, + 22
THUMB_PX = 48  # an 8x8 thumbnail's size in a table (figures.thumbnails writes it 48 x 48): readable on a projector
ROW_PX = THUMB_PX + 2 * 3  # a table row of thumbnails: st.dataframe draws an image 3 px below its top and above its end
HEADER_PX = 38  # st.dataframe's header row and border
# the widest an example table may be (table_px) to fit the page's column at 1280 x 720 with the sidebar open (~790 px
# there; table_px came within 10 px of the drawn width of the hinge's): a wider one is split (split_classes)
TABLE_BUDGET_PX = 720


def tex_number(v: float, digits: int) -> str:
    """sig(v, digits) for a formula: 1.35\times10^{-5}."""
    return tex(sig(v, digits))


def total_latex(r) -> str:
    """L = data + reg = total, with enough digits that the shown sum adds up."""
    return (rf"L = \underbrace{{{tex_number(r.data_loss, 5)}}}_{{\frac1N\sum_i L_i}} + "
            rf"\underbrace{{{tex_number(r.reg_loss, 3)}}}_{{\lambda R(W)}} = {tex_number(r.loss, 5)}" + ROOM)


def body():
    ctx = context(through_t=True)
    st.header(pages.by_file(__file__).heading)
    source = st.segmented_control("Scores from", ["data", "lecture"], **state.bound("loss_source", ctx.cfg.loss_source),
                                  format_func={"data": "the current classifier on the data",
                                               "lecture": "the lecture example (cat · car · frog)"}.get)
    if source == "lecture":
        lecture(ctx.cfg)
        return  # (not st.stop(): it ends the run before the address bar is updated)
    on_the_data(ctx)


def on_the_data(ctx) -> None:
    """Hinge, softmax and one-vs-all at the same W, per example, with their totals and sanity values."""
    cfg = ctx.cfg
    st.markdown(f"Parameters at step **t = {ctx.t}**; λ = {cfg.reg:g}, penalty {cfg.penalty}, margin Δ = "
                f"{cfg.margin:g}. Both losses are computed at the same W; training uses **{cfg.loss}**.")
    C, N = cfg.n_classes, len(ctx.y)
    m = st.columns(3)  # (filled below, once the scene is computed for the examples shown)
    chosen = state.remember("loss_rows_chosen") or 8
    show = st.slider("Examples shown", 1, min(N, 50), key=state.seed("loss_rows", chosen, min(N, 50)))
    if show != min(chosen, min(N, 50)):  # the student's own choice, kept when N or the lecture example hides it
        state.remember("loss_rows_chosen", show)
    sel = selected_example(cfg, N)
    scene = loss_scene.loss_scene(ctx, sorted({*range(show), sel}))
    results, at_zero, tables = scene.results, scene.at_zero, scene.tables

    sanity = {"svm": f"W = 0 gives (C − 1)·Δ = {at_zero['svm']:.4g}", "softmax": f"W = 0 gives log C = {np.log(C):.4f}",
              "ova": f"W = 0 gives C·Δ = {at_zero['ova']:.4g}"}
    titles = [("svm", "Hinge (SVM)"), ("softmax", "Cross-entropy"), ("ova", "One-vs-all hinge")]
    for col, (key, title) in zip(m, titles):
        r = results[key]
        col.metric(title, sig(r.loss, 5), help="data loss + λR(W); the range of every loss here is [0, ∞)")
        col.caption(f"data loss {sig(r.data_loss, 5)} + λR(W) {sig(r.reg_loss, 3)}. {sanity[key]}.")

    def table(name: str) -> None:
        pictures = loss_scene.IMAGE_COLUMN in tables[name].columns
        rows = len(tables[name])  # ("auto" shows ten rows of the default height: fewer of a thumbnail's)
        extra = dict(row_height=ROW_PX, height="content" if rows <= 10 else HEADER_PX + 10 * ROW_PX, column_config={
            loss_scene.IMAGE_COLUMN: st.column_config.ImageColumn(
                "image", help="The example itself (8×8 pixels, dark = ink)", width=THUMB_PX + 16)}) if pictures else {}
        for part in split_classes(tables[name], C):  # (ten classes: two tables of five, one above the other)
            st.dataframe(styled(part), width="stretch", placeholder="—", **extra)

    st.markdown("**Scores** s = Wx + b of the examples shown (the selected example is included):")
    table("scores")
    # the two halves sit side by side where the page is wide enough for both tables and wrap, one above the other,
    # where it is not
    width = max(table_px(part) for k in ("hinge", "softmax") for part in split_classes(tables[k], C))
    halves = st.container(horizontal=True, gap="medium")
    with halves.container(width=max(width, 340)):
        st.subheader("Hinge (SVM)")
        st.latex(r"L_i = \sum_{j \neq y_i} \max(0,\ s_j - s_{y_i} + \Delta)")
        st.caption(r"$L_i$ is the sum of the terms $\max(0,\ s_j - s_{y_i} + \Delta)$ in the columns $j$.")
        table("hinge")
        st.latex(total_latex(results["svm"]))
    with halves.container(width=max(width, 340)):
        r = results["softmax"]
        st.subheader("Softmax (cross-entropy)")
        st.latex(r"p_k = \frac{e^{s_k}}{\sum_j e^{s_j}}, \qquad L_i = -\log p_{y_i}")
        st.caption(r"$L_i = -\log p_{y_i}$, from the probabilities $p_k$ in the columns.")
        table("softmax")
        st.latex(total_latex(r))
    st.markdown(f"Pipeline for the selected example **i = {sel}**: logits → exp → normalize → −log")
    st.dataframe(pipeline_texts(loss_scene.softmax_pipeline(r.scores[sel], ctx.class_names)), width="content")
    with st.expander("One-vs-all hinge (each class its own binary classifier)"):
        st.latex(r"L_i = \sum_j \max(0,\ \Delta - t_{ij} s_j), \quad t_{ij} = +1 \text{ if } j = y_i "
                 r"\text{ else } -1")
        st.caption(r"$L_i$ is the sum of the terms $\max(0,\ \Delta - t_{ij} s_j)$ in the columns $j$.")
        table("ova")
        st.latex(total_latex(results["ova"]))
    shapes_section(ctx, sel)
    sanity_section(ctx, results)


def styled(table: pd.DataFrame):
    """The numbers as short writes them; "—" in the cells a table leaves empty (NaN: the hinge's j = y_i)."""
    table, numeric = too_large_as_text(table, number_columns(table), numbers.short)
    return table.style.format(numbers.short, subset=numeric, na_rep="—")


def pipeline_texts(pipeline: pd.DataFrame) -> pd.DataFrame:
    """The softmax pipeline as shown: exp(s) written from s, also where it overflows a float (e^1000 = 1.97×10⁴³⁴,
    not ∞)."""
    shown = pipeline.map(numbers.short)
    shown["exp(s)"] = [numbers.short_exp(s) for s in pipeline["logit s"]]
    return shown


def number_columns(table: pd.DataFrame) -> list:
    """The columns of an example table that hold numbers: all but y and an image set's thumbnails."""
    return [c for c in table.columns[1:] if c != loss_scene.IMAGE_COLUMN]


def table_px(table: pd.DataFrame) -> int:
    """About how many px wide st.dataframe draws `table` (styled): each column as wide as its longest text."""
    texts = [[str(table.index.name), *map(str, table.index)], ["y", *map(str, table["y"])]]
    texts += [[str(c), *("—" if np.isnan(v) else numbers.short(v) for v in table[c])] for c in number_columns(table)]
    thumbnails = THUMB_PX + 16 if loss_scene.IMAGE_COLUMN in table.columns else 0
    return sum(CELL_PX + CHAR_PX * max(map(len, column)) for column in texts) + 2 + thumbnails


def split_classes(table: pd.DataFrame, C: int, budget: int = TABLE_BUDGET_PX) -> list[pd.DataFrame]:
    """The example table as few tables as fit `budget` px each (table_px): its last C columns (one per class) in
    consecutive groups of (nearly) equal size, each with the columns before them (y, the image, L_i), so that no
    table scrolls sideways on a projector; the table itself when it fits."""
    lead, per_class = list(table.columns[:-C]), list(table.columns[-C:])
    for parts in range(1, C + 1):
        tables = [table[lead + list(group)] for group in np.array_split(np.array(per_class, dtype=object), parts)]
        if all(table_px(t) <= budget for t in tables):
            return tables
    return tables


def selected_example(cfg, n_train: int) -> int:
    """The selected example (the Classifier page's), in the training set: one at or past its end (N shrank, or a
    link) becomes the last one, with a message, and the address bar follows."""
    if cfg.point < n_train:
        return max(cfg.point, 0)
    st.info(f"Example i = {cfg.point} is not in the training set, which has {n_train} examples (i = 0 … "
            f"{n_train - 1}): the pipeline below shows the last one, i = {n_train - 1}.", icon=":material/info:")
    state.commit(cfg.replace(point=n_train - 1))
    if state.widget("point") is not None:  # the Classifier's number input, when Streamlit still holds its value
        state.set_widget("point", n_train - 1)
    return n_train - 1


page(body)
