"""The Images page (issue 13): figure unit tests against the engine (no browser), and AppTest for each control."""
import json

import numpy as np
import plotly.graph_objects as go
import pytest

from dashboard import image_compute as ic
from dashboard.app_pages.images import frame_steps, pixel_latex
from dashboard.config import DEFAULT
from dashboard.figures import images as fig
from linviz import images, viewpoints
from linviz.lecture_examples import cs231n_pixels_example
from tests.test_app import charts, run

PAGE = "app_pages/images.py"


@pytest.fixture(autouse=True)
def raise_errors(monkeypatch):
    monkeypatch.setenv("LINVIZ_RAISE", "1")


@pytest.fixture(scope="module")
def run017():
    cfg = DEFAULT.replace(steps=60)
    spec = ic.ImageTrainSpec.of(cfg)
    return ic.image_data(spec.data), ic.history(spec)


def heatmaps(figure) -> list[dict]:
    return [t for t in figure.to_dict()["data"] if t["type"] == "heatmap"]


def text(at) -> str:
    return "\n".join(e.value for e in [*at.markdown, *at.caption, *at.warning, *at.info, *at.latex, *at.success])


def titles(spec: dict) -> list[str]:
    return [a["text"] for a in spec["layout"].get("annotations", [])]


def chart_named(at, key: str) -> dict:
    """The figure of the chart drawn with `key` (its id ends with the key)."""
    for c in at.get("plotly_chart"):
        if c.proto.id.endswith(key):
            return json.loads(c.proto.spec)
    raise AssertionError(f"no chart {key}")


# ---------------------------------------------------------------- figures
def test_templates_share_one_colour_scale_centred_at_zero(run017):
    data, hist = run017
    steps = frame_steps(hist.steps, 30)
    tpl = viewpoints.templates(hist.W[steps], (8, 8))
    limit = viewpoints.templates(hist.W, (8, 8)).limit
    f = fig.templates_figure(tpl.images, steps, steps.index(30), limit, list(data.class_names))
    go.Figure(f.to_dict())  # (a validating constructor: no misspelt property)
    (tiles,) = f.data  # every template a tile of one heatmap: one colour scale
    assert tiles.type == "heatmap" and tiles.coloraxis == "coloraxis"
    axis = f.layout.coloraxis
    assert axis.cmin == -axis.cmax == -limit and axis.cmid == 0
    assert limit == pytest.approx(np.abs(hist.W).max())  # the whole run fits: one scale for every step too
    middle = dict((round(p, 3), c) for p, c in axis.colorscale)[0.5]
    assert middle.lower() == "#f7f7f7"  # 0 is white, not Plotly.js's grey
    z = np.array(tiles.z, dtype=float)
    np.testing.assert_allclose(z[:, 9:17], np.round(hist.W[30][1].reshape(8, 8), 4))  # class 1, after one gap
    assert np.isnan(z[:, 8]).all() and np.isnan(z[:, 17]).all()
    assert [a.text for a in f.layout.annotations] == ["<b>w₀: 0</b>", "<b>w₁: 1</b>", "<b>w₂: 7</b>"]
    frames = f.to_dict()["frames"]
    assert [fr["name"] for fr in frames] == [str(s) for s in steps]
    last = np.array(frames[-1]["data"][0]["z"], dtype=float)
    np.testing.assert_allclose(last[:, 18:26], np.round(hist.W[steps[-1]][2].reshape(8, 8), 4))
    assert f.layout.sliders[0].active == steps.index(30)
    play = f.layout.updatemenus[0].buttons[0].args[1]
    assert play["frame"]["redraw"] is False  # the listener redraws the heatmap alone: fast playback


def test_contribution_sum_plus_bias_is_the_score(run017):
    data, hist = run017
    W, b, x = hist.W[40], hist.b[40], data.X_test[3]
    parts = viewpoints.contributions(W, b, x, (8, 8))
    for k in range(3):
        f = fig.contribution_figure(x.reshape(8, 8), W[k].reshape(8, 8), parts.maps[k], template_limit=1.0,
                                    contribution_limit=parts.limit, pixel_range=(0, 1), name=str(k), k=k,
                                    bias=float(b[k]))
        go.Figure(f.to_dict())
        drawn = np.array(heatmaps(f)[2]["z"])
        naive = sum(W[k, p] * x[p] for p in range(64))  # the loop twin
        assert drawn.sum() + b[k] == pytest.approx(W[k] @ x + b[k], abs=64 * 5e-5)
        assert naive + b[k] == pytest.approx(parts.scores[k])
        title = f.layout.annotations[2].text
        from dashboard.figures.format import short
        assert title.endswith(f"= {short(parts.scores[k], 5)}")
        assert f.layout.coloraxis3.cmin == -f.layout.coloraxis3.cmax  # the map's own scale, centred at 0


@pytest.mark.parametrize("C, tile_px", [(3, 192), (4, 192), (10, 125)])
def test_templates_are_large_and_their_row_fits_the_column_at_1280_px(C, tile_px):
    """An 8x8 template is drawn 192 px tall (readable from the back of a room), or as large as a row of them fits
    the page's column at 1280 x 720."""
    f = fig.templates_figure(np.zeros((2, C, 8, 8)), [0, 1], 0, 1.0, [str(k) for k in range(C)])
    n_x = np.array(f.data[0].z, dtype=float).shape[1]
    cell = (f.layout.width - f.layout.margin.l - f.layout.margin.r) / n_x
    cols = (n_x + 1) // 9
    assert cell * 8 == pytest.approx(tile_px, abs=1)
    assert cols * 9 * cell <= fig.TILES_PX + cell and cols == (C if C <= 3 else -(-C // 2))
    assert f.layout.coloraxis.colorbar.title.text == "weight w"


def test_the_caption_says_why_the_first_templates_are_nearly_white():
    from dashboard.app_pages.images import start_note
    W_all = np.zeros((3, 2, 4))
    W_all[0, 0, 0], W_all[2, 1, 3] = 0.01, -0.5
    assert "|w| ≤ 0.010 at t = 0, 2% of the scale's ±0.50" in start_note(W_all, 0.5)


def test_ten_templates_tile_in_two_rows_with_room_for_their_titles():
    f = fig.templates_figure(np.zeros((1, 10, 8, 8)), [0], 0, 1.0, [str(k) for k in range(10)])
    z = np.array(f.data[0].z, dtype=float)
    assert z.shape == (18, 44)  # 2 rows of 5 templates: a gap column between two, two title rows between the rows
    assert np.isfinite(z[10:18, 9:17]).all() and np.isnan(z[8:10]).all()  # row 1, column 1 after the gaps


def test_the_four_pixel_scores_are_the_slides():
    ex = cs231n_pixels_example()
    latex = pixel_latex(ex.W, ex.b, ex.x)
    for number in ("56", "231", "24", "0.25", "-0.3", "1.1", "3.2", "-1.2", "-96.8", "437.9", "60.75"):
        assert number in latex, number
    np.testing.assert_allclose(ex.W @ ex.x + ex.b, [-96.8, 437.9, 60.75])
    np.testing.assert_allclose(ex.W @ ex.x, [-97.9, 434.7, 61.95])  # the slide's ship score is w·x without b


def test_the_heatmap_product_is_w_b_times_x_1(run017):
    data, hist = run017
    W, b, x = hist.W[-1], hist.b[-1], data.X_test[0]
    Wb, xb = np.column_stack([W, b]), np.r_[x, 1.0]
    scores = Wb @ xb
    f = fig.product_figure(Wb, xb, scores, list(data.class_names), limit=1.0, pixel_range=(0, 1))
    go.Figure(f.to_dict())
    m, col, s = heatmaps(f)
    assert np.shape(m["z"]) == (3, 65) and np.shape(col["z"]) == (65, 1) and np.shape(s["z"]) == (3, 1)
    np.testing.assert_allclose(np.array(s["z"])[:, 0], np.round(W @ x + b, 4))


def test_the_plane_figure_draws_the_restricted_classifier(run017):
    data, hist = run017
    plane = viewpoints.class_mean_plane(data.X_train, data.y_train, 0, 2)
    W2, b2 = plane.restrict(hist.W[-1], hist.b[-1])
    Z = plane.project(data.X_test)
    f = fig.plane_figure(plane.project(data.X_train), data.y_train, Z, data.y_test, W2, b2, ["0", "1", "7"],
                         plane.labels, selected=Z[0])
    go.Figure(f.to_dict())
    regions = [t for t in f.data if t.fill == "toself"]
    assert len(regions) == 3
    # a point of the plane is classified by the restricted classifier as by the full one
    z = Z[:5]
    np.testing.assert_array_equal(np.argmax(z @ W2.T + b2, axis=1),
                                  np.argmax(plane.lift(z) @ hist.W[-1].T + hist.b[-1], axis=1))


def test_the_gallery_shows_each_image_with_its_title():
    pictures = np.random.default_rng(0).random((7, 8, 8))
    f = fig.gallery_figure(pictures, [f"#{i}" for i in range(7)], (0, 1))
    go.Figure(f.to_dict())
    assert len(heatmaps(f)) == 7 and [a.text for a in f.layout.annotations] == [f"#{i}" for i in range(7)]


# ---------------------------------------------------------------- the page
def test_opens_on_the_digits_and_names_the_wrong_test_images():
    at = run(page=PAGE, query={"t": "60"})
    assert not at.error and not at.warning
    assert len(charts(at)) == 5
    words = text(at)
    assert "Visual viewpoint" in " ".join(h.value for h in at.subheader)
    assert "train accuracy" in words and "correlates with its class's mean image" in words


def test_the_four_pixel_example_shows_the_slides_numbers():
    at = run(page=PAGE, query={"im_data": "pixels"})
    words = text(at)
    for number in ("-96.8", "437.9", "60.75"):
        assert number in words, number
    assert "61.95" in words  # what the slide prints for the ship, explained
    gallery = json.dumps(chart_named(at, "im_gallery"), ensure_ascii=False)
    assert "says **dog**" in words and "is cat: s = " in gallery and "said dog: s = " in gallery


def test_each_data_control_changes_the_data_and_the_url():
    at = run(page=PAGE)
    at.selectbox(key="im_digits").set_value("0123456789").run()
    assert at.query_params["im_digits"] == "0123456789"
    assert len(titles(chart_named(at, "im_templates"))) == 10
    at.select_slider(key="im_test").set_value(0.5).run()
    assert at.query_params["im_test"] == "0.5"
    at.selectbox(key="im_data").set_value("shapes").run()
    assert at.query_params["im_data"] == "shapes"
    at.slider(key="im_shapes").set_value(6).run()
    assert at.query_params["im_shapes"] == "6"
    assert len(titles(chart_named(at, "im_templates"))) == 6
    at.selectbox(key="im_data").set_value("pixels").run()
    assert "437.9" in text(at)
    assert not at.exception, [e.value for e in at.exception]


def playback_data(at) -> dict:
    """What the page sends the template animation's listener (dashboard.playback): its step t and frame."""
    (comp,) = [c for c in at.get("bidi_component") if c.proto.component_name.endswith("linviz_playback")]
    return json.loads(comp.proto.json)


def test_the_step_scrubber_and_the_sidebar_step_move_the_templates():
    """A scrub sends the same template figure (the browser moves it to t: sending it again with t's frame while the
    listener moved it too left it a step behind) and the listener the step t, with t's frame when it has none."""
    at = run(page=PAGE, query={"steps": "300"})
    before = chart_named(at, "im_templates")
    hist = ic.history(ic.ImageTrainSpec.of(DEFAULT.replace(steps=300)))
    at.slider(key="t").set_value(32).run()
    assert at.query_params["t"] == "32"
    assert chart_named(at, "im_templates") == before
    sent = playback_data(at)
    names = [f["name"] for f in before["frames"]]
    assert sent["t"] == 32 and "32" not in names and len(names) == 50  # (every sixth step or so)
    z = np.array(sent["frame"]["data"][0]["z"], dtype=float)  # the heatmap's tiles: class 1 after one gap column
    np.testing.assert_allclose(z[:, 9:17], np.round(hist.W[32][1].reshape(8, 8), 4))
    assert sent["heatmaps"] is True  # the listener draws the heatmap after each frame
    at.button(key="step").click().run()
    assert at.query_params["t"] == "33" and playback_data(at)["t"] == 33


def test_selecting_an_image_a_class_and_a_plane():
    at = run(page=PAGE, query={"t": "20"})
    at.number_input(key="im_image").set_value(5).run()
    at.selectbox(key="im_class").set_value(2).run()
    assert at.query_params["im_image"] == "5" and at.query_params["im_class"] == "2"
    assert "s_{2}" in text(at)
    at.selectbox(key="im_a").set_value(2).run()
    at.selectbox(key="im_b").set_value(0).run()
    assert at.query_params["im_a"] == "2" and at.query_params["im_b"] == "0"
    assert "towards the mean 7" in json.dumps(chart_named(at, "im_plane_chart"), ensure_ascii=False)
    at.radio(key="im_plane").set_value("pca").run()
    assert at.query_params["im_plane"] == "pca"
    assert "principal component 1" in json.dumps(chart_named(at, "im_plane_chart"), ensure_ascii=False)
    assert not at.exception, [e.value for e in at.exception]


def test_a_link_reproduces_the_view_and_bad_values_warn():
    at = run(page=PAGE, query={"im_data": "shapes", "im_shapes": "3", "im_image": "7", "t": "10"})
    assert at.selectbox(key="im_data").value == "shapes" and at.slider(key="im_shapes").value == 3
    assert at.number_input(key="im_image").value == 7
    at = run(page=PAGE, query={"im_data": "cats", "im_digits": "12", "im_test": "2"})
    words = " ".join(w.value for w in at.warning)
    assert "im_data" in words and "im_digits" in words and "im_test" in words
    assert at.selectbox(key="im_data").value == "digits" and at.selectbox(key="im_digits").value == "017"


def test_a_selection_this_data_does_not_have_is_clipped_with_a_note():
    at = run(page=PAGE, query={"im_image": "900", "im_class": "9"})
    words = " ".join(i.value for i in at.info)
    assert "Test image 900" in words and "Class 9" in words
    assert at.number_input(key="im_image").value < 900 and at.selectbox(key="im_class").value == 2


def test_without_scikit_learn_the_digits_say_so_and_the_shapes_show(monkeypatch):
    monkeypatch.setattr(images, "sklearn_available", lambda: False)
    at = run(page=PAGE)
    words = " ".join(w.value for w in at.warning)
    assert "scikit-learn" in words and "pip install" in words
    assert "ring" in json.dumps(chart_named(at, "im_templates"), ensure_ascii=False)  # the shapes' class names
    assert not at.exception


def test_on_the_plane_each_of_ten_classes_has_its_own_colour_and_marker():
    Z = np.random.default_rng(1).normal(size=(40, 2))
    y = np.arange(40) % 10
    W2, b2 = np.random.default_rng(2).normal(size=(10, 2)), np.zeros(10)
    f = fig.plane_figure(Z, y, Z[:10], y[:10], W2, b2, [str(k) for k in range(10)], ("a", "b"))
    go.Figure(f.to_dict())
    points = {t.name: (t.marker.color, t.marker.symbol) for t in f.data if t.mode == "markers" and t.name in
              [str(k) for k in range(10)]}
    assert len(set(points.values())) == 10, points
    fills = [t.fillcolor for t in f.data if t.fill == "toself"]
    assert len(set(fills)) == 10


def test_a_run_that_diverges_on_the_images_is_a_warning():
    at = run(page=PAGE, query={"lr": "10", "reg": "10", "t": "50"})
    assert any("diverged" in w.value for w in at.warning)
    assert not at.exception and "NaN" not in json.dumps(charts(at))
