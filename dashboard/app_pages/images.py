"""Images: a linear classifier on tiny images (issue 13). Each row of W is a template that can be looked at as an
image; the three viewpoints of the lecture (visual, algebraic, geometric) on pixels, and the test images the
classifier gets wrong. The data is chosen here; the training follows the sidebar's Loss and Optimizer."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import image_compute as ic
from dashboard import image_scenes as isc
from dashboard import pages, playback, state
from dashboard.cache import unrecorded
from dashboard.common import chart, divergence_message, page, too_large_as_text
from dashboard.config import DIGIT_CHOICES, IMAGE_SETS, LOSS_LABELS, Config
from dashboard.controls import with_value
from dashboard.figures import images as fig
from dashboard.figures.format import short, sig, tex
from linviz import images, viewpoints
from linviz.lecture_examples import cs231n_pixels_example

FRAMES = 50  # steps of the templates' client-side playback (evenly spaced: 2 s at 25 frames per second)
TEMPLATES_BOX = "images_templates_box"  # the container the playback listener finds the animated chart in
OPENING = "_images_templates_opening"  # session state: (run, the step its animation opened at)
TEST_FRACTIONS = [0.1, 0.2, 0.25, 0.3, 0.4, 0.5]
PLANES = {"means": "two class means and the mean image", "pca": "the top two principal components"}


def digits_label(choice: str) -> str:
    return "all 10" if len(choice) == 10 else " / ".join(choice)


def data_controls(cfg: Config, columns) -> Config:
    """The image set, its classes and its split, in the first three of `columns`."""
    c1, c2, c3 = columns[:3]
    data = c1.selectbox("Images", list(IMAGE_SETS), format_func=IMAGE_SETS.get,
                        key=state.seed("im_data", cfg.im_data),
                        help="Starts as the sidebar's data set when that is an image set, with its classes C "
                             "(?dataset=digits&n_classes=10 opens all ten digits); a choice here is kept in the link")
    changes = dict(im_data=data)
    if data == "digits":
        changes["im_digits"] = c2.selectbox("Digits (the classes)", DIGIT_CHOICES, format_func=digits_label,
                                            key=state.seed("im_digits", cfg.im_digits))
    elif data == "shapes":
        changes["im_shapes"] = int(c2.slider("Shape classes C", 2, len(images.SHAPE_NAMES),
                                             key=state.seed("im_shapes", cfg.im_shapes),
                                             help=", ".join(images.SHAPE_NAMES)))
    if data != "pixels":
        changes["im_test"] = float(c3.select_slider("Test fraction", with_value(TEST_FRACTIONS, cfg.im_test),
                                                    key=state.seed("im_test", cfg.im_test),
                                                    format_func=lambda v: f"{v:.0%}"))
    cfg, _ = state.commit(cfg.replace(**changes))
    return cfg


def data_spec(cfg: Config) -> ic.ImageDataSpec:
    """The data the page shows: the digits need scikit-learn; without it, a clear message and the shapes."""
    spec, missing = isc.data_spec(cfg)
    if missing:
        st.warning("The handwritten digits need scikit-learn, which is not installed here "
                   f"(`{images.SKLEARN_HINT}`). Showing the generated shapes instead; the 4-pixel example works too.",
                   icon=":material/warning:")
    return spec


def trained(cfg: Config, spec: ic.ImageDataSpec):
    """The run on the images (a progress bar while it trains), or None for the lecture's 4-pixel image."""
    if spec.im_data == "pixels":
        return None
    bar = st.empty()

    def progress(done: int, total: int) -> None:
        bar.progress(done / max(total, 1), text=f"Training on the images: step {done:,} of {total:,}")

    hist = ic.history(replace(ic.ImageTrainSpec.of(cfg), data=spec), _progress=unrecorded(progress))
    bar.empty()
    message = divergence_message(hist, cfg.lr)
    if message:
        st.warning(message, icon=":material/error:")
    return hist


def clipped(name: str, value: int, hi: int, what: str) -> int:
    """A selection that must lie in 0 .. hi - 1 for this data: clipped, with a note when it was out."""
    if value < hi:
        return value
    st.info(f"{what} {value} does not exist here (0 … {hi - 1}): showing {hi - 1}.", icon=":material/info:")
    if state.widget(name) is not None:
        state.set_widget(name, hi - 1)
    return hi - 1


def step_slider(cfg: Config, hist) -> int:
    if hist is None:
        st.caption("The slide's W and b (not trained): the dog's score wins although the image is a cat.")
        return 0
    hi = max(hist.steps, 1)
    t = min(st.slider("Step t", 0, hi, key=state.seed("t", cfg.t, hi),
                      help="Scrub through the training run on the images; Step / Run / Reset are in the sidebar"),
            hist.steps)
    return t


def opening_step(run_name: str, t: int) -> int:
    """The step the template animation opens at: t when its run is first drawn, then kept while the page scrubs, so
    that the figure sent is the same and is not drawn again (the listener moves it to t in the browser). Sending it
    again with t's frame on each scrub, while the listener also moved it, left it a step behind the page."""
    run0, t0 = st.session_state.get(OPENING, (None, 0))
    if run0 != run_name:
        st.session_state[OPENING] = (run_name, t)
        return t
    return t0


def frame_steps(steps: int, t: int) -> list[int]:
    return sorted({*np.linspace(0, steps, min(FRAMES, steps + 1)).round().astype(int).tolist(), t})


def start_note(W_all: np.ndarray, limit: float) -> str:
    """Why the first templates are nearly white: W starts near 0, on the run's one colour scale."""
    start = float(np.abs(W_all[0]).max())
    return (f"W starts near 0 (|w| ≤ {sig(start, 2)} at t = 0, {start / limit:.0%} of the scale's ±{sig(limit, 2)}), "
            "so at the first steps the templates are nearly white; they darken as training grows them. "
            if limit > 0 else "")


def visual_section(W_all, W, b, x, k, data, t, run_name) -> None:
    shape = data.image_shape
    st.subheader("Visual viewpoint · one template per class")
    if W_all is None:
        figure, limit = isc.templates(None, W, data)
        chart(figure, "im_templates", width="content")
    else:
        opening = opening_step(run_name, t)
        steps = frame_steps(len(W_all) - 1, opening)
        figure, limit = isc.templates(W_all, W, data, steps, steps.index(opening))
        with st.container(key=TEMPLATES_BOX):
            chart(figure, "im_templates", width="content")  # (its own width: the colour bar next to the tiles)
        # the same figure on every scrub: the listener moves it to t in the browser, adding t's frame if it has none
        frame = None if t in steps else fig.template_frame(viewpoints.templates(W_all[t], shape).images, t)
        playback.sync(TEMPLATES_BOX, t, playback.run_id(run_name, opening),
                      lambda step: state.update(t=max(0, min(int(step), len(W_all) - 1))), frame=frame,
                      heatmaps=True)
    st.caption(f"Row k of W has one weight per pixel: reshaped to the {shape[0]}×{shape[1]} image it is class k's "
               f"template, on one colour scale centred at 0 for every class and every step (red: a bright pixel "
               f"there raises the score, blue: it lowers it)." + ("" if W_all is None else
                                                                    " ▶ Play replays the training in your browser. "
                                                                    + start_note(W_all, limit)
                                                                    + isc.likeness(W, data, t)))
    figure, parts = isc.contribution(W, b, x, k, data, limit)
    chart(figure, "im_contribution")
    total = float(parts.maps[k].sum())
    st.latex(rf"s_{{{k}}} = \sum_{{\text{{pixels}}}} (w_{{{k}}} \odot x) + b_{{{k}}} = {tex(short(total, 5))} "
             rf"{'+' if b[k] >= 0 else '-'} {tex(short(abs(b[k]), 5))} = {tex(short(parts.scores[k], 5))}")


def algebraic_section(W, b, x, data) -> None:
    st.subheader("Algebraic viewpoint · one matrix-vector product")
    if x.size <= 16:
        st.latex(pixel_latex(W, b, x))
        ex = cs231n_pixels_example()
        if np.allclose(W, ex.W) and np.allclose(b, ex.b):
            st.caption(f"The slide prints the ship's score as {short(ex.slide_scores[2], 5)}: that is w·x = "
                       f"{short(ex.W[2] @ ex.x, 5)} without its bias b = {short(ex.b[2], 5)}; with it, "
                       f"{short(ex.scores[2], 5)}. The cat's {short(ex.slide_scores[0], 5)} and the dog's "
                       f"{short(ex.slide_scores[1], 5)} include theirs.")
        return
    chart(isc.product(W, b, x, data), "im_product")
    st.caption(f"[W | b] ({len(b)} × {W.shape[1] + 1}) times the flattened image with a 1 appended (the bias trick) "
               f"is the column of {len(b)} scores: each score is one row of W dotted with the {W.shape[1]} pixels.")


def pixel_latex(W, b, x) -> str:
    """W x + b = s with every number (the 4-pixel example), as the slide writes them."""
    def column(v):
        return r"\begin{bmatrix}" + r"\\".join(tex(short(e, 6)) for e in v) + r"\end{bmatrix}"

    rows = r"\\".join(" & ".join(tex(short(w, 6)) for w in row) for row in W)
    return (r"\underbrace{\begin{bmatrix}" + rows + r"\end{bmatrix}}_{W}\underbrace{" + column(x) + r"}_{x} + "
            r"\underbrace{" + column(b) + r"}_{b} = \underbrace{" + column(W @ x + b) + r"}_{s}")


def geometric_section(W, b, data, cfg: Config, x_index: int) -> None:
    st.subheader("Geometric viewpoint · a plane through image space")
    C = data.n_classes
    if len(data.X_train) < 3:
        st.caption("One image is one point of R⁴: a plane needs more images (choose the shapes or the digits).")
        return
    c1, c2, c3 = st.columns([0.5, 0.25, 0.25], gap="medium")
    plane_kind = c1.radio("Plane", list(PLANES), format_func=PLANES.get, key=state.seed("im_plane", cfg.im_plane),
                          horizontal=True)
    names = list(data.class_names)
    a, bb = cfg.im_a, cfg.im_b
    if plane_kind == "means":
        a = clipped("im_a", a, C, "The plane's first class")
        bb = clipped("im_b", bb, C, "The plane's second class")
        a = c2.selectbox("Through the mean of", range(C), format_func=names.__getitem__, key=state.seed("im_a", a))
        others = [k for k in range(C) if k != a]
        bb = bb if bb in others else others[0]
        if state.widget("im_b") is not None and state.widget("im_b") not in others:
            state.set_widget("im_b", bb)
        bb = c3.selectbox("and the mean of", others, format_func=names.__getitem__, key=state.seed("im_b", bb))
    plane = isc.plane(data, plane_kind, a, bb)
    state.commit(state.load().replace(im_plane=plane_kind, im_a=int(a), im_b=int(bb)))
    chart(isc.plane_chart(W, b, data, plane, x_index), "im_plane_chart")
    drop = float(np.median(plane.distance(data.X_test)))
    st.caption(f"Every image is a point of R^{W.shape[1]}; this plane through the mean image is spanned by "
               f"{PLANES[plane_kind]} (axes orthonormal, equal units). On it the classifier is again linear in 2-D, "
               f"W' = W Eᵀ ({C} × 2) and b' = W o + b, so its regions and lines are drawn exactly. An image off the "
               f"plane (median distance {sig(drop, 3)}) is drawn at its projection: its own score also depends on "
               f"what the projection drops, so it may sit in another class's region. Hollow: test images; star: the "
               f"selected one" + ("; a disc with a class's name: the mean of its training images."
                                  if len(data.X_train) + len(data.X_test) >= fig.CROWDED else "."))


SCORES_PER_TABLE = 6  # class scores in one table of the mistakes: six fit the page's column at 1280 x 720


def mistakes_section(W, b, data) -> None:
    st.subheader("Mistakes · the test images the classifier gets wrong")
    gallery, shown, scores, predicted, wrong = isc.mistakes(W, b, data)
    names = list(data.class_names)
    if gallery is None:
        st.success(f"All {len(data.y_test)} test images are classified correctly at this step.")
        return
    chart(gallery, "im_gallery")
    table = pd.DataFrame(scores[shown], index=[f"#{i}" for i in shown], columns=[f"s ({n})" for n in names])
    table.insert(0, "said", [names[predicted[i]] for i in shown])
    table.insert(0, "is", [names[data.y_test[i]] for i in shown])
    table, numeric = too_large_as_text(table, table.columns[2:], lambda v: short(v, 5))  # (a run that blew up)
    # at most SCORES_PER_TABLE classes' scores a table, each with "is" and "said": ten classes' scores in one table
    # scrolled sideways at 1280 px
    parts = -(-len(names) // SCORES_PER_TABLE)
    for group in np.array_split(np.arange(len(names)), parts):
        part = table[["is", "said", *(table.columns[2 + k] for k in group)]]
        st.dataframe(part.style.format({c: lambda v: short(v, 5) for c in numeric if c in part.columns}),
                     width="stretch")
    verb = "is" if len(wrong) == 1 else "are"
    st.caption(f"{len(wrong)} of {len(data.y_test)} test images {verb} wrong ({len(wrong) / len(data.y_test):.1%})"
               + (f"; the first {isc.GALLERY} are shown" if len(wrong) > isc.GALLERY else "") +
               ": above each, what it is and what the classifier said, with their scores; below, every class's "
               "score.")


def body():
    cfg = state.load()
    st.header(pages.by_file(__file__).heading)
    # (the first column wide enough for "Digits 8×8 (handwritten)" whole at 1280 px)
    columns = st.columns([0.29, 0.17, 0.16, 0.16, 0.22], gap="small", vertical_alignment="bottom")
    cfg = data_controls(cfg, columns)
    spec = data_spec(cfg)
    data = ic.image_data(spec)
    C, M, names = data.n_classes, len(data.y_test), list(data.class_names)
    i = clipped("im_image", cfg.im_image, M, "Test image")
    i = int(columns[3].number_input("Test image i", 0, M - 1,
                                    **state.number_field("im_image", i, "Test image i", 0, M - 1)))
    k = clipped("im_class", cfg.im_class, C, "Class")
    k = int(columns[4].selectbox("Class k (its contribution)", range(C), format_func=names.__getitem__,
                                 key=state.seed("im_class", k)))
    hist = trained(cfg, spec)
    row = st.columns([0.62, 0.38], gap="medium", vertical_alignment="bottom")
    with row[0]:
        t = step_slider(cfg, hist)
    W, b = ic.lecture_params() if hist is None else (hist.W[t], hist.b[t])
    x = data.X_test[i]
    said = int(np.argmax(W @ x + b))
    verdict = ":green[correct]" if said == data.y_test[i] else ":red[wrong]"
    row[1].markdown(f"Test image **#{i}** is **{names[data.y_test[i]]}**; the classifier says **{names[said]}** "
                    f"({verdict})" + ("" if hist is None else f" at step **t = {t}**") + ".")
    cfg, _ = state.commit(state.load().replace(t=t if hist is not None else cfg.t, im_image=i, im_class=k))
    if hist is not None:
        st.caption(f"{LOSS_LABELS[cfg.loss]}, λ = {cfg.reg:g}, α = {cfg.lr:g}, {hist.steps} steps (the sidebar's "
                   f"Loss and Optimizer) on {len(data.y_train)} training images; train accuracy "
                   f"{hist.accuracy[t]:.1%}, test {hist.test_accuracy[t]:.1%} at step t.")
    run_name = playback.run_id(ic.ImageTrainSpec.of(cfg), hist.steps if hist is not None else 0)
    visual_section(None if hist is None else hist.W, W, b, x, k, data, t, run_name)
    algebraic_section(W, b, x, data)
    geometric_section(W, b, data, cfg, i)
    mistakes_section(W, b, data)


page(body)
