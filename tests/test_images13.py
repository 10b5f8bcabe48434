"""Defects of the Images page left by the exploratory pass (issue 13), each with the test that failed before its fix:
the page follows a link's (and the sidebar's) image set and classes."""
from __future__ import annotations

import pytest

from dashboard.config import DEFAULT, image_defaults
from dashboard.links import from_query, to_query
from tests.test_app import run
from tests.test_images_page import chart_named, titles

PAGE = "app_pages/images.py"


@pytest.fixture(autouse=True)
def raise_errors(monkeypatch):
    monkeypatch.setenv("LINVIZ_RAISE", "1")


def link(at) -> dict:
    return {k: at.query_params[k] for k in at.query_params}


# ---------------------------------------------------------------- 1. ?dataset= and n_classes on the Images page
@pytest.mark.parametrize("query, data, classes", [
    ({"dataset": "digits"}, "digits", ["0", "1", "2"]),  # the sidebar's C = 3: the first three digits
    ({"dataset": "digits", "n_classes": "10"}, "digits", [str(d) for d in range(10)]),
    ({"dataset": "digits", "n_classes": "5"}, "digits", ["0", "1", "2", "3", "4"]),
    ({"dataset": "shapes", "n_classes": "5"}, "shapes", ["stripes", "ring", "cross", "blob", "diagonals"]),
])
def test_a_link_s_image_set_and_classes_open_on_the_images_page(query, data, classes):
    """?dataset=digits&n_classes=10 opened the Images page on its own 0 / 1 / 7 (the page had its own choice)."""
    at = run(page=PAGE, query=query)
    assert at.selectbox(key="im_data").value == data
    shown = titles(chart_named(at, "im_templates"))
    assert len(shown) == len(classes), shown
    assert all(name in title for name, title in zip(classes, shown)), shown
    assert link(at) == query  # nothing added to the link: the page shows what it asked for


def test_a_choice_made_on_the_images_page_is_kept_in_the_link_over_the_sidebar_s_set():
    at = run(page=PAGE, query={"dataset": "digits", "n_classes": "10"})
    at.selectbox(key="im_digits").set_value("38").run()
    assert link(at) == {"dataset": "digits", "n_classes": "10", "im_digits": "38"}
    again = run(page=PAGE, query=link(at))  # the reload
    assert again.selectbox(key="im_digits").value == "38" and len(titles(chart_named(again, "im_templates"))) == 2
    again.selectbox(key="im_data").set_value("shapes").run()
    again.slider(key="im_shapes").set_value(3).run()
    assert link(again)["im_data"] == "shapes" and link(again)["im_shapes"] == "3"
    third = run(page=PAGE, query=link(again))
    assert third.selectbox(key="im_data").value == "shapes" and len(titles(chart_named(third, "im_templates"))) == 3


def test_the_sidebar_s_image_set_moves_the_images_page():
    """Choosing digits and C = 10 in the sidebar, on the Images page, changed nothing on it."""
    at = run(page=PAGE)
    at.selectbox(key="dataset").set_value("digits").run()
    assert at.selectbox(key="im_digits").value == "012"
    at.slider(key="n_classes").set_value(10).run()
    assert at.selectbox(key="im_digits").value == "0123456789"
    assert len(titles(chart_named(at, "im_templates"))) == 10
    assert link(at) == {"dataset": "digits", "n_classes": "10"}
    at.selectbox(key="dataset").set_value("shapes").run()
    assert at.selectbox(key="im_data").value == "shapes" and at.slider(key="im_shapes").value == 6
    assert not at.exception


def test_a_choice_by_hand_is_not_moved_by_the_sidebar():
    at = run(page=PAGE, query={"dataset": "digits", "im_digits": "49"})
    at.slider(key="n_classes").set_value(6).run()
    assert at.selectbox(key="im_digits").value == "49"


@pytest.mark.parametrize("dataset, n_classes", [("blobs", 3), ("digits", 2), ("digits", 7), ("shapes", 2),
                                                ("shapes", 6)])
def test_the_image_fields_round_trip_through_the_link(dataset, n_classes):
    cfg, _ = from_query({"dataset": dataset, "n_classes": str(n_classes)})
    for field, value in image_defaults(dataset, n_classes).items():
        assert getattr(cfg, field) == value
    for changes in ({}, {"im_data": "pixels"}, {"im_digits": "017"}, {"im_data": "shapes", "im_shapes": 2},
                    {"im_digits": "0123456789"}):
        chosen = cfg.replace(**changes)
        assert from_query(to_query(chosen)) == (chosen, [])
    assert image_defaults("blobs", 3) == {f: getattr(DEFAULT, f) for f in ("im_data", "im_digits", "im_shapes")}


# ---------------------------------------------------------------- 2. the templates' likeness, said truly at every step
def captions(at) -> str:
    return "\n".join(c.value for c in at.caption)


def test_at_t_0_the_caption_does_not_call_the_random_templates_alike():
    """At t = 0 the caption said each template "correlates with its class's mean image ... at r = -0.19 … 0.23: red
    where this class has ink that the others lack", of templates that are the random initialization."""
    words = captions(run(page=PAGE))
    assert "red where" not in words and "chance, not likeness" in words
    assert "correlates with its class's mean image minus the mean of all training images" in words  # what is measured


def test_at_w_0_the_caption_says_there_is_nothing_to_compare():
    words = captions(run(page=PAGE, query={"init": "zeros"}))
    assert "At W = 0 every template is blank: there is nothing yet to compare" in words
    assert "red where" not in words


def test_after_training_the_caption_gives_the_measured_likeness():
    import numpy as np

    from dashboard import image_compute as ic
    from dashboard.image_scenes import likeness

    cfg = DEFAULT.replace(steps=60)
    spec = ic.ImageTrainSpec.of(cfg)
    data, hist = ic.image_data(spec.data), ic.history(spec)
    W = hist.W[60]
    mean = data.X_train.mean(axis=0)
    r = [np.corrcoef(W[k], data.X_train[data.y_train == k].mean(axis=0) - mean)[0, 1] for k in range(3)]  # naive
    words = likeness(W, data, 60)
    assert f"r = {min(r):.2f} ({data.class_names[int(np.argmin(r))]}) … {max(r):.2f}" in words
    assert "3 of 3 templates are most like their own class's mean" in words and "red where" in words
    assert f"{min(r):.2f}" in captions(run(page=PAGE, query={"t": "60", "steps": "60"}))
    noise = np.random.default_rng(0).normal(size=(3, 64)) * 1e-3  # trained or not, noise is not a picture
    assert "No template resembles its class more than noise would yet" in likeness(noise, data, 5)


# ---------------------------------------------------------------- 3. the Loss page's tables on ten digits
def test_the_loss_tables_of_ten_digits_are_split_into_tables_that_fit_with_rows_for_48_px_thumbnails():
    """One table per loss with 10 per-class columns (wider than the column at 1280 px) and 40 px rows (the
    thumbnails drawn 34 px): now as few tables as fit, each with y, the image and L_i, the classes in order."""
    from dashboard import loss_scene
    from dashboard.figures.thumbnails import PIXEL

    at = run(page="app_pages/loss.py", query={"dataset": "digits", "n_classes": "10", "t": "50"})
    tables = [df for df in at.dataframe if loss_scene.IMAGE_COLUMN in df.value.columns]
    assert len(tables) >= 8  # scores, hinge, softmax, one-vs-all: two tables each at least
    columns = [list(df.value.columns) for df in tables]
    scores = [c for cols in columns for c in cols if c.startswith("s_")]
    assert scores == [f"s_{k}" for k in range(10)]
    assert all(len(cols) <= 2 + 1 + 6 for cols in columns), columns  # y, image, L_i and at most 6 classes
    assert all(df.proto.row_height >= 8 * PIXEL + 6 for df in tables) and 8 * PIXEL >= 48
    hinge = [cols for cols in columns if "L_i" in cols and "j = 0" in cols]
    assert hinge and hinge[0][:3] == ["y", "image", "L_i"]


def test_the_loss_tables_of_three_classes_stay_one_table_each():
    from dashboard import loss_scene

    at = run(page="app_pages/loss.py", query={"dataset": "digits"})
    assert len([df for df in at.dataframe if loss_scene.IMAGE_COLUMN in df.value.columns]) == 4


# ---------------------------------------------------------------- 4. one text for one score on the Classifier page
def test_the_formula_the_chart_and_the_pipeline_write_a_score_alike():
    """s₃ = 5.351×10⁻⁵ was 0.0000535 in the formula (sig) and 5.351×10⁻⁵ in the pipeline beside it (short)."""
    import numpy as np

    from dashboard.app_pages.classifier import algebraic_latex, image_algebraic_latex
    from dashboard.figures.classifier import _score_lines, templates_figure
    from dashboard.figures.format import short, tex
    from dashboard.figures.probabilities import pipeline_bars_html

    s = np.array([0.5, -1.7, 2.5e-3, 5.351e-5])
    W, x = np.zeros((4, 64)), np.ones(64)
    latex, html, lines = image_algebraic_latex(W, s, x), pipeline_bars_html(s), " ".join(_score_lines(s))
    assert "5.351\\times10^{-5}" in latex and "0.0000535" not in latex
    for v in s:
        assert tex(short(v)) in latex and f"> {short(v)}</td>" in html and f"= {short(v)}" in lines, v
    assert "{0.5}" in algebraic_latex(np.zeros((4, 2)), s, np.ones(2)).replace(r"\color{#0072B2}", "")  # not 0.500
    bars = templates_figure(np.zeros((4, 2)), s, np.ones(2))
    scores = [t for t in bars.data if t.name == "scores"][0]
    assert list(scores.customdata) == [short(v) for v in s] and "%{customdata}" in scores.hovertemplate


def test_on_digits_the_classifier_s_formula_and_pipeline_agree():
    import re

    from dashboard import scenes
    from dashboard.figures.format import short, tex
    from dashboard.links import from_query

    query = {"dataset": "digits", "n_classes": "10"}
    at = run(page="app_pages/classifier.py", query=query)
    ctx = scenes.load(from_query(query)[0], through_t=True)
    s = ctx.W @ ctx.X[0] + ctx.b
    latex = at.latex[0].value
    html = "".join(h.proto.body for h in at.get("html"))
    for v in s:
        assert tex(short(v)) in latex and f"> {short(v)}</td>" in html, v
    assert not re.search(r"0\.0000\d", latex + html)


# ---------------------------------------------------------------- 5. the weights' sign in a black-and-white print
def luminance(color: str) -> float:
    """Relative luminance (WCAG, sRGB) of '#rrggbb' or 'rgb(r, g, b)': what a greyscale print keeps of a colour."""
    import re

    if color.startswith("#"):
        rgb = [int(color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    else:
        rgb = [float(v) / 255 for v in re.findall(r"[\d.]+", color)[:3]]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def signed_scales(fig) -> list:
    """The colour scales of the figure's colour axes that are centred at 0 (the weights')."""
    keys = [k for k in fig.layout if k.startswith("coloraxis")]
    return [fig.layout[k].colorscale for k in keys if fig.layout[k].cmid == 0]


def test_the_screen_s_diverging_scale_loses_the_sign_in_grey():
    from dashboard.figures.images import DIVERGING

    ends = luminance(DIVERGING[0][1]), luminance(DIVERGING[-1][1])
    assert abs(ends[0] - ends[1]) < 0.05  # blue and red: both dark in grey (what the printable export fixes)


@pytest.mark.parametrize("query, names", [({}, ("image_templates", "image_contribution", "image_product")),
                                          ({"dataset": "digits", "t": "30"}, ("templates",))])
def test_the_printed_weights_are_darker_below_0_and_lighter_above(query, names):
    """In the printable export the templates, the contribution and the product were drawn in RdBu: −limit and
    +limit the same dark grey on paper."""
    from dashboard import image_scenes, scenes
    from dashboard.printable import printable

    cfg = from_query({"steps": "30", "t": "30", **query})[0]
    ctx = scenes.load(cfg)
    figs = image_scenes.images_figures(ctx) if not query else scenes.classifier_scene(ctx)
    for name in names:
        printed = printable(name, figs[name])[0]
        scales = signed_scales(printed)
        assert scales, name
        for scale in scales:
            grey = [luminance(c) for _, c in scale]
            assert grey[-1] - grey[0] > 0.5, (name, grey)  # the positive end far lighter than the negative end
            assert all(a < b for a, b in zip(grey, grey[1:])), (name, grey)  # and lighter all the way: no shade
            # stands for two values
        assert signed_scales(figs[name]) != scales  # the screen keeps its red and blue


def test_the_exported_colour_bar_is_dark_at_its_negative_end_and_light_at_its_positive_end(tmp_path):
    """The SVG the export command writes: the templates' colour bar (its gradient, bottom = −limit to top)."""
    import re

    from dashboard import export

    assert export.main(["--out", str(tmp_path), "--only", "image_templates", "--format", "svg",
                        "--query", "steps=20&t=20"]) == 0
    svg = (tmp_path / "image_templates.svg").read_text()
    gradient = re.search(r'<linearGradient x1="0" y1="1" x2="0" y2="0"[^>]*>(.*?)</linearGradient>', svg).group(1)
    stops = re.findall(r'stop-color="(rgb\([^)]*\))"', gradient)
    grey = [luminance(c) for c in stops]
    assert len(grey) >= 5 and grey[-1] - grey[0] > 0.5 and all(a < b for a, b in zip(grey, grey[1:])), grey


# ---------------------------------------------------------------- 6. pca_plane from one P x P eigendecomposition
def pca_axes_naive(X):
    """The naive twin: the top right singular vector of the centred images, then of what it leaves over (an SVD of
    the N x P data per axis, as pca_plane did), each with its largest-magnitude entry positive."""
    import numpy as np

    Xc = X - X.mean(axis=0)
    axes = []
    for _ in range(2):
        residual = Xc - (Xc @ np.array(axes).T) @ np.array(axes) if axes else Xc
        v = np.linalg.svd(residual, full_matrices=False)[2][0]
        axes.append(v if v[np.argmax(np.abs(v))] > 0 else -v)
    return np.array(axes)


@pytest.mark.parametrize("data", ["digits", "shapes", "random"])
def test_pca_plane_agrees_with_its_svd_twin(data):
    import numpy as np

    from linviz import images
    from linviz.viewpoints import class_mean_plane, pca_plane

    if data == "digits":
        X, y = images.digits(images.digits_available(10), n_classes=10)
    elif data == "shapes":
        X, y = images.shapes(400, n_classes=4)
    else:
        X, y = np.random.default_rng(3).normal(size=(50, 7)) * [5, 4, 3, 2, 1, 1, 1], np.arange(50) % 3
    plane = pca_plane(X)
    naive = pca_axes_naive(X)
    np.testing.assert_allclose(np.abs(plane.axes @ naive.T), np.eye(2), atol=1e-8)  # the same lines ...
    np.testing.assert_allclose(plane.axes, naive, atol=1e-6)  # ... with the same signs
    np.testing.assert_allclose(plane.axes @ plane.axes.T, np.eye(2), atol=1e-12)
    two = (y % 2).astype(np.intp)  # two classes: the mean lies on the line of their means, one axis from them ...
    means = class_mean_plane(X, two, 0, 1)
    Xc = X - X.mean(axis=0)
    residual = Xc - np.outer(Xc @ means.axes[0], means.axes[0])  # ... the other the residual's top direction
    v = np.linalg.svd(residual, full_matrices=False)[2][0]
    np.testing.assert_allclose(means.axes[1], v if v[np.argmax(np.abs(v))] > 0 else -v, atol=1e-6)


def test_pca_plane_takes_no_svd_of_the_images(monkeypatch):
    """Two SVDs of the (N, P) images cost 0.3-0.75 s cold at N = 1797, P = 64: one P x P eigh instead."""
    import numpy as np

    from linviz import images
    from linviz.viewpoints import pca_plane

    calls = []
    svd, eigh = np.linalg.svd, np.linalg.eigh
    monkeypatch.setattr(np.linalg, "svd", lambda a, *k, **kw: calls.append(("svd", np.shape(a))) or svd(a, *k, **kw))
    monkeypatch.setattr(np.linalg, "eigh", lambda a, *k, **kw: calls.append(("eigh", np.shape(a))) or eigh(a, *k,
                                                                                                          **kw))
    X, _ = images.digits(images.digits_available(10), n_classes=10)
    pca_plane(X)
    assert calls == [("eigh", (64, 64))]


# ---------------------------------------------------------------- 7. the ten digits' plane, readable
def test_a_crowded_plane_draws_small_faint_markers_thin_lines_and_names_each_cloud():
    """Ten digits on the plane of the Images page were ~1,800 markers of 9-10 px with dark outlines (one black mass)
    under ten 3 px dashed lines."""
    import numpy as np

    from dashboard.figures import images as fig

    rng = np.random.default_rng(0)
    names = [str(k) for k in range(10)]
    W2, b2 = rng.normal(size=(10, 2)), np.zeros(10)

    def plane(n):
        Z, y = rng.normal(size=(n, 2)), np.arange(n) % 10
        return fig.plane_figure(Z, y, Z[:n // 4], y[:n // 4], W2, b2, names, ("a", "b"), selected=Z[0]), Z, y

    crowded, Z, y = plane(1200)
    points = [t for t in crowded.data if t.mode == "markers" and t.name in names]
    assert len(points) == 10 and all(t.marker.size <= 5 and t.marker.opacity <= 0.5 for t in points)
    assert all(t.line.width <= 1.5 for t in crowded.data if t.mode == "lines" and (t.name or "").endswith("= 0"))
    labels = [t for t in crowded.data if t.name == "class means"][0]
    assert list(labels.text) == names
    np.testing.assert_allclose(np.c_[labels.x, labels.y], [Z[y == k].mean(axis=0) for k in range(10)])
    assert crowded.layout.legend.itemsizing == "constant"
    assert [t for t in crowded.data if t.name == "selected image"][0].marker.size == 20  # the star stays large
    few, _, _ = plane(60)  # a few images: as before
    assert all(t.marker.size == 9 for t in few.data if t.mode == "markers" and t.name in names)
    assert not [t for t in few.data if t.name == "class means"]
