"""The batch export command and the scenes it shares with the pages."""
import os
import shutil

import numpy as np
import pytest

from dashboard import export, scenes
from dashboard.config import DEFAULT
from dashboard.pages import EXPORTS


def test_all_figures_has_every_view():
    figs = scenes.all_figures(DEFAULT.replace(steps=20))
    assert {"classifier", "templates", "classifier_views", "training_animation", "loss_curves", "landscape_pair",
            "landscape_3d", "lr_landscape", "lr_curves", "loss_shapes", "kl", "ng_error", "gradient_check"} <= set(figs)
    assert all(fig.data for fig in figs.values())


def test_unknown_figure_name_is_an_error(tmp_path, capsys):
    assert export.main(["--out", str(tmp_path), "--only", "nope", "--query", "steps=20"]) == 2
    assert "unknown figure" in capsys.readouterr().err


def test_bad_query_warns_and_uses_defaults(tmp_path, capsys):
    if not shutil.which("chromium") and not os.environ.get("LINVIZ_REQUIRE_BROWSER"):
        pytest.skip("image export needs Chromium (apt-get install chromium)")
    code = export.main(["--out", str(tmp_path), "--only", "classifier", "--format", "svg", "png",
                        "--url", "http://localhost:8501/?lr=banana&steps=20"])
    assert code == 0
    assert "lr" in capsys.readouterr().err
    svg = (tmp_path / "classifier.svg").read_text()
    assert svg.startswith("<svg") and "x₁" in svg
    png = (tmp_path / "classifier.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000


def test_a_page_that_shows_step_t_trains_only_that_far():
    cfg = DEFAULT.replace(t=20, steps=300, lr=0.05)
    short, full = scenes.load(cfg, through_t=True), scenes.load(cfg)
    assert short.hist.steps == scenes.CHUNK and full.hist.steps == 300
    assert short.cfg == full.cfg == cfg and short.t == full.t == 20
    np.testing.assert_array_equal(short.W, full.W)
    assert scenes.load(cfg.replace(t=51), through_t=True).hist.steps == 2 * scenes.CHUNK
    assert scenes.load(cfg.replace(t=0), through_t=True).hist.steps == scenes.CHUNK


# ---------------------------------------------------------------- issue 8.14: print-ready exports
def needs_chromium():
    if not shutil.which("chromium") and not os.environ.get("LINVIZ_REQUIRE_BROWSER"):
        pytest.skip("image export needs Chromium (apt-get install chromium)")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Every figure of a 3-class view at t = 30, exported as PNG and SVG (one export run for these tests)."""
    needs_chromium()
    out = tmp_path_factory.mktemp("exports")
    assert export.main(["--out", str(out), "--format", "png", "svg", "--query", "t=30&steps=60"]) == 0
    return out


def png_size(path) -> tuple[int, int]:
    from PIL import Image  # (Pillow comes with Streamlit)

    with Image.open(path) as im:
        return im.size


def test_each_figure_is_exported_at_the_size_of_its_content(exported):
    sizes = {p.stem: png_size(p) for p in exported.glob("*.png")}
    assert len(sizes) == len(EXPORTS) and len(set(sizes.values())) >= 7, sizes  # not 2400x1000 for everything
    w, h = sizes["classifier"]
    assert 0.85 <= w / h <= 1.25, sizes["classifier"]  # a square plot in a square-ish picture
    w, h = sizes["landscape_pair"]
    assert 1.4 <= w / h <= 2.2, sizes["landscape_pair"]  # two square-ish panels
    for name in ("loss_curves", "templates"):
        assert sizes[name][0] > 2 * sizes[name][1], (name, sizes[name])
    figs = scenes.all_figures(DEFAULT.replace(t=30, steps=60))
    for name in ("loss_curves", "landscape_pair"):
        assert sizes[name][1] == 2 * figs[name].layout.height  # the figure's own height, at --scale 2


def white_margins(path, scale: float = 2.0) -> tuple[float, float]:
    """CSS px of white on the left and on the right of a picture exported at `scale`."""
    from PIL import Image, ImageChops

    with Image.open(path) as im:
        grey = im.convert("L")
        ink = ImageChops.invert(grey).point(lambda v: 255 if v > 24 else 0).getbbox()
        return ink[0] / scale, (grey.width - ink[2]) / scale


@pytest.mark.parametrize("name", ["classifier", "classifier_views", "training_animation", "landscape_pair",
                                  "templates", "loss_curves", "lr_landscape"])
def test_exports_have_no_wide_empty_margins(exported, name):
    left, right = white_margins(exported / f"{name}.png")  # (tick labels start ~60 px in; a wide strip had 300)
    assert left <= 80 and right <= 80, f"{name}: {left:.0f} px white on the left, {right:.0f} px on the right"


def test_the_training_animation_is_exported_as_a_still_of_step_t(exported):
    svg = (exported / "training_animation.svg").read_text()
    assert "Play" not in svg and "Pause" not in svg and "step t = " not in svg.split("decision regions")[0]
    assert "decision regions at step t = 30" in svg
    assert 'class="slider' not in svg and "updatemenu" not in svg


def test_hyperplanes_and_runs_are_told_apart_without_colour(exported):
    import re

    svg = (exported / "classifier.svg").read_text()
    # each class's line w_k.x + b_k = 0 is drawn with its own dash pattern (and shown in the legend)
    lines = re.findall(r'class="js-line" d="[^"]*" style="[^"]*stroke-dasharray: ([^;"]+)', svg)
    assert len(set(lines)) >= 3, lines
    assert all(f"s{s} = 0" in svg for s in "₀₁₂")
    for name in ("lr_curves", "lr_landscape"):  # each run its own pattern, on the curves and on the landscape
        runs = re.findall(r'stroke-dasharray: ([^;"]+)', (exported / f"{name}.svg").read_text())
        assert len(set(runs)) >= 3, (name, runs)  # (the good run solid, without a dash array)


def test_printable_dashes_each_class_differently():
    from dashboard.printable import CLASS_DASHES, printable

    figs = scenes.all_figures(DEFAULT.replace(n_classes=8, dataset="blobs", steps=20))
    for name in ("classifier", "classifier_views", "training_animation"):
        fig, width, height = printable(name, figs[name])
        dashes = [t.line.dash for t in fig.data if (t.name or "").endswith(" = 0")]
        assert dashes == list(CLASS_DASHES), (name, dashes)
        assert not fig.layout.updatemenus and not fig.layout.sliders and not fig.frames
        assert width >= 600 and height == fig.layout.height
    fig, width, _ = printable("classifier", figs["classifier"], width=800)
    assert width == 800


def test_the_learning_rate_landscape_is_exported_at_its_natural_width():
    from dashboard.printable import printable

    fig = scenes.all_figures(DEFAULT.replace(steps=20))["lr_landscape"]
    _, width, height = printable("lr_landscape", fig)
    # (a 1200-px picture of this ~600-px figure left its left half empty)
    assert (width, height) == (fig.layout.width, fig.layout.height)
