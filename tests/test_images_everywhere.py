"""Image data on every page (issue 13, item 4): the data registry says what a set is, the 2-D views draw images on a
plane of image space with the classifier restricted to it, and every page opens with ?dataset=digits and shapes."""
from __future__ import annotations

import base64
import re
import struct
import zlib
from importlib.util import find_spec

import numpy as np
import pytest

from dashboard import compute, loss_scene, scenes
from dashboard.config import DEFAULT, default_params, param_index, param_names
from dashboard.figures.thumbnails import PIXEL, thumbnail, thumbnails
from dashboard.links import from_query
from dashboard.pages import PAGES
from linviz.datasets import CLASS_RANGE, DATASETS, DEFAULT_NOISE, REGISTRY, dataset_info, make_dataset
from tests.app_entry import open_app, page_shown

HAS_SKLEARN = find_spec("sklearn") is not None
IMAGE_SETS = [pytest.param("shapes"),
              pytest.param("digits", marks=pytest.mark.skipif(not HAS_SKLEARN, reason="needs scikit-learn"))]


# ---------------------------------------------------------------- the registry
def test_the_old_tables_are_read_from_the_registry():
    assert list(DATASETS) == list(REGISTRY)
    for name, entry in REGISTRY.items():
        assert DATASETS[name] is entry.generate
        assert CLASS_RANGE[name] == entry.class_range and DEFAULT_NOISE[name] == entry.default_noise
    assert {"shapes", "digits"} <= set(REGISTRY) and "pixels" not in REGISTRY  # (one image is not a training set)


@pytest.mark.parametrize("name", [n for n in REGISTRY if n != "digits" or HAS_SKLEARN])
def test_every_entry_generates_what_it_says(name):
    info = dataset_info(name)
    for C in info.class_range:
        n = min(60, info.most(C))
        X, y = make_dataset(name, n, noise=info.default_noise, seed=3, n_classes=C)
        assert X.shape == (n, info.n_features) and y.shape == (n,)
        assert set(np.unique(y)) == set(range(C))
        assert len(info.names(C)) == C and len(set(info.names(C))) == C
    assert info.is_image == (info.n_features == 64) and info.noise_applies == (not info.is_image)


def test_the_entries_describe_points_and_images():
    assert dataset_info("blobs").feature_shape == (2,) and dataset_info("blobs").names(2) == ("class 0", "class 1")
    assert dataset_info("shapes").feature_shape == (8, 8) and dataset_info("shapes").names(2) == ("stripes", "ring")
    assert dataset_info("blobs").most(3) == 100_000
    with pytest.raises(ValueError, match="valid names are"):
        dataset_info("mnist")


@pytest.mark.skipif(not HAS_SKLEARN, reason="needs scikit-learn")
def test_digits_entry_counts_the_images_of_the_first_C_digits():
    info = dataset_info("digits")
    assert info.names(3) == ("0", "1", "2") and info.most(10) == 1797
    assert info.most(2) == 178 + 182  # scikit-learn's 0s and 1s


def test_data_spec_ignores_what_an_image_set_does_not_use():
    spec = compute.DataSpec.of(DEFAULT.replace(dataset="shapes", noise=2.5, n_points=200))
    assert spec.noise == dataset_info("shapes").default_noise and spec.n_points == 200
    blobs = compute.DataSpec.of(DEFAULT.replace(noise=2.5))
    assert blobs.noise == 2.5  # (a 2-D set keeps its noise)
    init = compute.InitSpec.of(DEFAULT.replace(dataset="shapes", init="custom", W0=(1.0,) * 9))
    assert init.init == "small" and init.n_features == 64
    W, b = compute.initial_params(init)
    assert W.shape == (3, 64) and b.shape == (3,)


# ---------------------------------------------------------------- the view plane
def _context(dataset: str, steps: int = 30) -> scenes.Context:
    return scenes.load(DEFAULT.replace(dataset=dataset, n_points=120, steps=steps, t=steps))


def test_points_are_their_own_plane():
    ctx = _context("blobs")
    assert not ctx.projected and ctx.plane_note == ""
    assert ctx.Z is ctx.X and ctx.Z_test is ctx.X_test
    W2, b2 = ctx.on_plane(ctx.W, ctx.b)
    np.testing.assert_array_equal(W2, ctx.W)
    np.testing.assert_array_equal(b2, ctx.b)


@pytest.mark.parametrize("dataset", IMAGE_SETS)
def test_the_classifier_on_the_plane_agrees_with_the_full_one_on_points_of_the_plane(dataset):
    ctx = _context(dataset)
    assert ctx.projected and ctx.X.shape[1] == 64 and ctx.Z.shape == (len(ctx.X), 2)
    W2, b2 = ctx.on_plane(ctx.W, ctx.b)
    Z = np.random.default_rng(0).normal(size=(25, 2)) * 3
    on_plane = ctx.plane.lift(Z)  # images (25, 64) that lie on the plane
    np.testing.assert_allclose(Z @ W2.T + b2, on_plane @ ctx.W.T + ctx.b, rtol=1e-10, atol=1e-10)
    # the bounds hold every projected image
    x0, x1, y0, y1 = ctx.bounds
    Zall = np.r_[ctx.Z, ctx.Z_test]
    assert x0 <= Zall[:, 0].min() and Zall[:, 0].max() <= x1 and y0 <= Zall[:, 1].min() and Zall[:, 1].max() <= y1


@pytest.mark.parametrize("dataset", IMAGE_SETS)
def test_a_stack_of_parameters_restricts_as_each_one_does(dataset):
    ctx = _context(dataset)
    Ws, bs = ctx.on_plane(ctx.hist.W, ctx.hist.b)
    for t in range(ctx.hist.steps + 1):  # the naive twin: one step at a time
        W2, b2 = ctx.plane.restrict(ctx.hist.W[t], ctx.hist.b[t])
        np.testing.assert_allclose(Ws[t], W2, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(bs[t], b2, rtol=1e-12, atol=1e-14)


# ---------------------------------------------------------------- parameters and links
def test_parameter_names_of_images_name_their_pixel():
    names = param_names(3, 64)
    assert len(names) == 3 * 64 + 3 and names[0] == "W0_0" and "W2_63" in names and names[-1] == "b2"
    assert all(param_index(n) == (("W", k, d) if n[0] == "W" else ("b", k))
               for n in names for k, d in [tuple(map(int, re.findall(r"\d+", n))) + (0,) * (n[0] == "b")][:1])
    assert set(default_params(64)) <= set(names) and default_params(2) == ("W00", "W01")
    assert param_names(2) == ("W00", "W01", "W10", "W11", "b0", "b1")  # (2-D points: as before)


def test_a_link_to_digits_opens_them():
    cfg, notes = from_query({"dataset": "shapes"})
    assert cfg.dataset == "shapes" and cfg.noise == DEFAULT_NOISE["shapes"] and not notes
    assert (cfg.param1, cfg.param2) == default_params(64)


def test_a_custom_W_on_images_is_refused_in_words():
    cfg, notes = from_query({"dataset": "shapes", "init": "custom", "W0": ",".join(["0.5"] * 9)})
    assert cfg.init == "small" and cfg.W0 == ()
    assert any("custom W is for the 2-D data sets" in n for n in notes)


@pytest.mark.skipif(not HAS_SKLEARN, reason="needs scikit-learn")
def test_a_link_asking_for_more_digits_than_there_are_gets_them_all():
    cfg, notes = from_query({"dataset": "digits", "n_classes": "2", "n_points": "1000"})
    assert cfg.n_points == 360 and any("has 360 images" in n for n in notes)


# ---------------------------------------------------------------- thumbnails
def _png(url: str) -> np.ndarray:
    """The grey levels (h, w) of a thumbnail's PNG, decoded here (filter type 0 rows, as thumbnails writes them)."""
    head, data = url.split(",", 1)
    assert head == "data:image/png;base64"
    raw = base64.b64decode(data)
    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    w, h = struct.unpack(">II", raw[16:24])
    pos, idat = 8, b""
    while pos < len(raw):  # chunks: length, type, data, CRC (checked)
        n, kind = struct.unpack(">I", raw[pos:pos + 4])[0], raw[pos + 4:pos + 8]
        body = raw[pos + 8:pos + 8 + n]
        assert struct.unpack(">I", raw[pos + 8 + n:pos + 12 + n])[0] == zlib.crc32(kind + body) & 0xFFFFFFFF
        idat += body if kind == b"IDAT" else b""
        pos += 12 + n
    rows = zlib.decompress(idat)
    assert all(rows[r * (w + 1)] == 0 for r in range(h))
    return np.array([list(rows[r * (w + 1) + 1:(r + 1) * (w + 1)]) for r in range(h)])


def test_a_thumbnail_is_the_image_in_grey_each_pixel_a_square():
    image = np.zeros((8, 8))
    image[0, 1] = 1.0
    image[2, 3] = 0.5
    grey = _png(thumbnail(image))
    assert grey.shape == (8 * PIXEL, 8 * PIXEL)
    small = grey[::PIXEL, ::PIXEL]  # one value a PIXEL x PIXEL square ...
    np.testing.assert_array_equal(np.kron(small, np.ones((PIXEL, PIXEL))), grey)  # ... all of it
    assert small[0, 1] == 0 and small[2, 3] == 128 and small[0, 0] == 255  # ink is dark, paper white
    assert len(thumbnails(np.zeros((3, 4)), (2, 2))) == 3


# ---------------------------------------------------------------- every page
@pytest.fixture
def raise_errors(monkeypatch):
    monkeypatch.setenv("LINVIZ_RAISE", "1")  # an error in a page raises (at.exception) instead of a message


@pytest.mark.parametrize("dataset", IMAGE_SETS)
@pytest.mark.parametrize("page", [p.file for p in PAGES])
def test_every_page_opens_on_image_data(page, dataset, raise_errors):
    at = open_app(page, {"dataset": dataset}, timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert page_shown(at) == page
    assert at.query_params.get("dataset") in ([dataset], dataset)


@pytest.mark.parametrize("dataset", IMAGE_SETS)
def test_the_loss_tables_show_each_image(dataset, raise_errors):
    at = open_app("loss.py", {"dataset": dataset}, timeout=120).run()
    assert not at.exception
    tables = [df.value for df in at.dataframe if loss_scene.IMAGE_COLUMN in df.value.columns]
    assert len(tables) >= 3  # scores, hinge, softmax (and the one-vs-all table)
    for table in tables:
        assert all(_png(url).shape == (8 * PIXEL, 8 * PIXEL) for url in table[loss_scene.IMAGE_COLUMN])


@pytest.mark.parametrize("dataset", IMAGE_SETS)
def test_the_classifier_draws_the_plane_and_the_templates_as_images(dataset, raise_errors):
    import json

    at = open_app("classifier.py", {"dataset": dataset}, timeout=120).run()
    assert not at.exception
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    titles = [s["layout"].get("title", {}).get("text", "") for s in specs]
    assert any("plane of image space" in t for t in titles)
    annotations = [re.sub(r"<[^>]+>", "", a.get("text", "")) for s in specs for a in s["layout"].get("annotations", [])]
    assert sum(a.startswith("w") and ":" in a for a in annotations) == DEFAULT.n_classes  # one template a class
    assert not any(w.value.startswith("Editing") for w in at.warning)


# ---------------------------------------------------------------- what the screenshots showed (each failed before)
def test_the_weight_paths_of_an_image_classifier_name_the_classes_not_192_entries():
    """The Regularization page's legend listed W₀₁ … W₂₆₃ and covered the chart."""
    from dashboard.figures.regularization import weight_paths_figure
    from linviz.regularization import WeightPaths

    W = np.zeros((5, 3, 64))
    b, loss = np.zeros((5, 3)), np.zeros(5)
    paths = WeightPaths(penalty="l2", regs=(0.0, 0.1), W=(W, W), b=(b, b), loss=(loss, loss), diverged_at=(None, None))
    fig = weight_paths_figure(paths)
    shown = [t.name for t in fig.data if t.showlegend is not False]
    assert shown == [f"class {k} (its 64 weights)" for k in range(3)]
    # every weight still drawn, in its class's colour: one trace a class and run (2 x 3 x 64 traces took seconds to
    # build and send, issue 14), its 64 paths separated by gaps
    assert len(fig.data) == 2 * 3
    for trace in fig.data:
        assert sum(v is None for v in trace.y) == 64
        assert trace.line.color == [t.line.color for t in fig.data][int(trace.name.split()[1])]
    small = weight_paths_figure(WeightPaths(penalty="l2", regs=(0.0,), W=(np.zeros((5, 3, 2)),), b=(b,), loss=(loss,),
                                            diverged_at=(None,)))
    assert len([t for t in small.data if t.showlegend is not False]) == 6  # (2-D points: one entry a weight)


def test_the_numerical_gradient_lists_show_the_rows_around_the_probed_one():
    """The walkthrough typeset all 195 rows of an image classifier's [W | b] (a page 6,000 px long), and a link could
    not say that 100 of them were probed (ng_dims went to 30)."""
    from dashboard.gradient_text import entry

    assert entry("W[0,10]") == "W_{0,10}" and entry("W[1,2]") == "W_{12}" and entry("b[2]") == "b_{2}"
    at = open_app("numerical_gradient.py", {"dataset": "digits" if HAS_SKLEARN else "shapes", "ng_dims": "100"},
                  timeout=120).run()
    assert not at.exception and not at.warning, [w.value for w in at.warning]
    lists = next(x.value for x in at.latex if "current W" in x.value)
    assert lists.count(r"\vdots") == 6  # ⋮ above and below, in each of the three lists
    assert "W_{1,33}" in lists and "W_{0,0}" not in lists  # (the 100th entry is W[1,35]: rows 94 .. 105)
