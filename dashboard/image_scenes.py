"""The figures of the Images page, computed without Streamlit widgets: what the page draws (it calls these
functions) and what `python -m dashboard.export` writes for it, at the view a link describes (the image set, the
step t, the selected test image and class, the plane).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import plotly.graph_objects as go

from dashboard import image_compute as ic
from dashboard.config import Config
from dashboard.figures import images as fig
from dashboard.figures.base import FONT_SIZE
from dashboard.figures.format import short
from dashboard.scenes import Context
from linviz import images, viewpoints

GALLERY = 12  # wrong test images shown at most


def data_spec(cfg: Config) -> tuple[ic.ImageDataSpec, bool]:
    """(the data shown, whether the digits were asked for but scikit-learn is missing: then the shapes)."""
    spec = ic.ImageDataSpec.of(cfg)
    if spec.im_data == "digits" and not images.sklearn_available():
        return ic.ImageDataSpec("shapes", spec.im_digits, spec.im_shapes, spec.im_test, spec.seed), True
    return spec, False


def templates(W_all: np.ndarray | None, W: np.ndarray, data: ic.ImageData, steps=(0,), active: int = 0):
    """(figure, the colour scale's limit): each class's template at steps[active], on one scale for the whole run
    (W_all (T + 1, C, P)), playable through `steps`; without a run (the 4-pixel example), the templates of W."""
    names, shape = list(data.class_names), data.image_shape
    if W_all is None:
        tpl = viewpoints.templates(W, shape)
        return fig.templates_figure(tpl.images[None], [0], 0, tpl.limit, names), tpl.limit
    steps = list(steps)
    limit = viewpoints.templates(W_all, shape).limit  # one scale over the whole run
    frames = viewpoints.templates(W_all[steps], shape).images
    return fig.templates_figure(frames, steps, active, limit, names), limit


def likeness(W: np.ndarray, data: ic.ImageData, t: int) -> str:
    """What the templates W (C, P) at step t look like, measured: the correlation r_k of template w_k with its
    class's mean training image minus the mean of all training images (where class k has more ink than the
    average; a template that is that picture up to brightness and contrast has r = 1). Random noise over P pixels
    gives |r| ~ 1/√P, so |r| < 2/√P says no more than noise would."""
    if not np.any(W):
        return "At W = 0 every template is blank: there is nothing yet to compare with the class means."
    names, C, P = list(data.class_names), len(W), W.shape[1]
    mean = data.X_train.mean(axis=0)
    D = np.stack([data.X_train[data.y_train == k].mean(axis=0) - mean for k in range(C)])  # (C, P) centred means
    Wc, Dc = W - W.mean(axis=1, keepdims=True), D - D.mean(axis=1, keepdims=True)
    norms = np.linalg.norm(Wc, axis=1)[:, None] * np.linalg.norm(Dc, axis=1)[None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (Wc @ Dc.T) / norms  # r[k, j]: template k against class j's centred mean
    own = np.diag(r)
    if not np.all(np.isfinite(own)):
        return ""
    chance = 2 / np.sqrt(P)
    what = (f"Likeness, measured: template k correlates with its class's mean image minus the mean of all training "
            f"images at r = {own.min():.2f} ({names[int(own.argmin())]}) … {own.max():.2f} "
            f"({names[int(own.argmax())]}) (1: the same picture up to brightness and contrast, 0: unrelated; "
            f"random noise gives |r| < 2/√{P} = {chance:.2f}).")
    if t == 0:
        return what + " At t = 0 W is its random initialization: these r are chance, not likeness."
    if np.abs(own).max() < chance:
        return what + " No template resembles its class more than noise would yet."
    best = int((np.argmax(r, axis=1) == np.arange(C)).sum())
    return what + f" {best} of {C} templates are most like their own class's mean" + (
        ": red where the class has ink that the others lack." if own.min() >= 0.5 else ".")


def contribution(W, b, x, k: int, data: ic.ImageData, template_limit: float):
    """(figure, contributions): image x, template w_k and w_k ⊙ x, whose sum plus b_k is the score s_k."""
    shape = data.image_shape
    parts = viewpoints.contributions(W, b, x, shape)
    figure = fig.contribution_figure(x.reshape(shape), W[k].reshape(shape), parts.maps[k],
                                     template_limit=template_limit, contribution_limit=parts.limit,
                                     pixel_range=data.pixel_range, name=data.class_names[k], k=k, bias=float(b[k]),
                                     numbers=x.size <= 16)
    return figure, parts


def product(W, b, x, data: ic.ImageData) -> go.Figure:
    """[W | b] times [x; 1] = s as heatmaps (for an image larger than the 4-pixel example)."""
    Wb = np.column_stack([W, b])
    limit = float(np.abs(Wb).max()) or 1.0
    return fig.product_figure(Wb, np.r_[x, 1.0], W @ x + b, list(data.class_names), limit=limit,
                              pixel_range=data.pixel_range)


def plane(data: ic.ImageData, kind: str, a: int, b: int):
    """The plane of image space the geometric view draws: through two class means (a != b) or the top two PCs."""
    if kind == "means":
        return viewpoints.class_mean_plane(data.X_train, data.y_train, a, b, tuple(data.class_names))
    return viewpoints.pca_plane(data.X_train)


def plane_chart(W, b, data: ic.ImageData, view_plane, x_index: int) -> go.Figure:
    """The images projected on the plane with the classifier restricted to it, the selected test image starred."""
    W2, b2 = view_plane.restrict(W, b)
    Zte = view_plane.project(data.X_test)
    return fig.plane_figure(view_plane.project(data.X_train), data.y_train, Zte, data.y_test, W2, b2,
                            list(data.class_names), view_plane.labels, selected=Zte[x_index])


def gallery_caption(i: int, names: list[str], true: int, scores: np.ndarray) -> str:
    """Three lines over a wrong test image: its number, what it is and what the classifier said, each with its
    score (the said class's is the larger: that is the mistake). In words, so that it reads in black and white."""
    said = int(np.argmax(scores))
    return (f"test image #{i}<br>is {names[true]}: s = {short(scores[true], 3)}<br>"
            f"said {names[said]}: s = {short(scores[said], 3)}")


def mistakes(W, b, data: ic.ImageData):
    """(figure or None when every test image is right, the first GALLERY wrong ones, all scores, predictions,
    every wrong one)."""
    scores = data.X_test @ W.T + b
    predicted = np.argmax(scores, axis=1)
    wrong = np.flatnonzero(predicted != data.y_test)
    if not len(wrong):
        return None, wrong, scores, predicted, wrong
    names = list(data.class_names)
    shown = wrong[:GALLERY]
    titles = [gallery_caption(i, names, int(data.y_test[i]), scores[i]) for i in shown]
    pictures = data.X_test[shown].reshape(-1, *data.image_shape)
    return fig.gallery_figure(pictures, titles, data.pixel_range, cols=4), shown, scores, predicted, wrong


def plane_classes(cfg: Config, C: int) -> tuple[int, int]:
    """The two classes of a class-mean plane as the page shows them: each clipped to the data's C classes, the
    second another than the first."""
    a, b = min(cfg.im_a, C - 1), min(cfg.im_b, C - 1)
    others = [k for k in range(C) if k != a]
    return a, (b if b in others else others[0])


def images_figures(ctx: Context) -> dict[str, go.Figure]:
    """The Images page's charts at the link's view, the templates as the still of step t."""
    cfg = ctx.cfg
    spec, _ = data_spec(cfg)
    data = ic.image_data(spec)
    i, k = min(cfg.im_image, len(data.y_test) - 1), min(cfg.im_class, data.n_classes - 1)
    hist = None if spec.im_data == "pixels" else ic.history(replace(ic.ImageTrainSpec.of(cfg), data=spec))
    t = 0 if hist is None else min(cfg.t, hist.steps)
    W, b = ic.lecture_params() if hist is None else (hist.W[t], hist.b[t])
    x = data.X_test[i]
    out = {}
    out["image_templates"], limit = templates(None if hist is None else hist.W, W, data, [t], 0)
    if hist is not None:  # (the still says which step it is, as the page's step slider does)
        out["image_templates"].add_annotation(text=f"t = {t}", x=1.0, y=1.0, xref="paper", yref="paper",
                                              xanchor="left", yanchor="bottom", xshift=6, yshift=8, showarrow=False,
                                              font=dict(size=FONT_SIZE))  # (over the colour bar, right of the tiles)
    out["image_contribution"] = contribution(W, b, x, k, data, limit)[0]
    if x.size > 16:
        out["image_product"] = product(W, b, x, data)
    if len(data.X_train) >= 3:
        out["image_plane"] = plane_chart(W, b, data, plane(data, cfg.im_plane, *plane_classes(cfg, data.n_classes)),
                                         i)
    gallery = mistakes(W, b, data)[0]
    if gallery is not None:
        out["image_mistakes"] = gallery
    return out
