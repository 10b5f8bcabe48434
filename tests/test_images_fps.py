"""The Images page's template playback made cheap per frame, its run in the shared cache, the colour bar next to the
tiles and a readable gallery of mistakes (issue 13).

The templates are tiles of one heatmap whose frames carry only its z (no layout), the playback listener redraws that
heatmap alone after each frame (playback.sync(heatmaps=True); the Training page does without), the figure is as
wide as its tiles and colour bar, and the run goes through cache.cached with a _progress callback.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from dashboard import image_compute as ic
from dashboard import playback
from dashboard.config import Config
from dashboard.figures import images as fig
from dashboard.figures.base import _COLORBAR_MARGIN

DIGITS10 = Config().replace(im_data="digits", im_digits="0123456789", steps=30)


def tiles(C: int, F: int = 3, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(F, C, 8, 8))


# ---------------------------------------------------------------- frames that carry only z
@pytest.mark.parametrize("C", [2, 3, 10])
def test_the_templates_are_one_heatmap_and_each_frame_carries_only_its_z(C):
    frames = tiles(C)
    f = fig.templates_figure(frames, [0, 5, 9], 1, 3.0, [str(k) for k in range(C)])
    go.Figure(f.to_dict())  # (a validating constructor: no misspelt property)
    (heat,) = f.data
    assert heat.type == "heatmap" and heat.coloraxis == "coloraxis"
    cols = fig.template_columns(C)
    for frame, images, step in zip(f.to_dict()["frames"], frames, [0, 5, 9]):
        assert set(frame) == {"name", "data", "traces"} and frame["name"] == str(step)  # no layout in a frame
        (only,) = frame["data"]
        assert set(only) <= {"type", "z"} and frame["traces"] == [0]
        z = np.array(only["z"], dtype=float)
        for k in range(C):  # tile k, naive: row k // cols, column k % cols, after one gap column / two title rows
            r, c = divmod(k, cols)
            np.testing.assert_allclose(z[r * 10:r * 10 + 8, c * 9:c * 9 + 8], np.round(images[k], 4))
        gaps = np.ones(z.shape, bool)
        for k in range(C):
            r, c = divmod(k, cols)
            gaps[r * 10:r * 10 + 8, c * 9:c * 9 + 8] = False
        assert np.isnan(z[gaps]).all()  # (None in the JSON: nothing is drawn between the tiles)
    np.testing.assert_allclose(np.array(heat.z, dtype=float), np.array(f.to_dict()["frames"][1]["data"][0]["z"],
                                                                        dtype=float))  # it opens at frame `active`
    play = f.layout.updatemenus[0].buttons[0].args[1]
    assert play["frame"]["redraw"] is False  # Plotly does not draw the whole chart per frame: the listener does
    assert all(s.args[1]["frame"]["redraw"] is False for s in f.layout.sliders[0].steps)


def test_the_hover_names_each_pixels_class_and_not_the_gaps():
    f = fig.templates_figure(tiles(3), [0, 1, 2], 0, 3.0, ["zero", "one", "seven"])
    names = np.array(f.data[0].customdata, dtype=object)
    assert names[0, 0] == "zero" and names[0, 9] == "one" and names[7, 25] == "seven" and names[0, 8] is None
    assert f.data[0].hoverongaps is False


def test_a_scrubbed_steps_frame_is_laid_out_as_the_figures():
    frames = tiles(10)
    f = fig.templates_figure(frames, [0, 1, 2], 0, 3.0, [str(k) for k in range(10)])
    added = fig.template_frame(frames[2], 7)
    assert added["name"] == "7"
    np.testing.assert_array_equal(np.array(added["data"][0]["z"], dtype=float),
                                  np.array(f.to_dict()["frames"][2]["data"][0]["z"], dtype=float))


# ---------------------------------------------------------------- the colour bar next to the tiles
@pytest.mark.parametrize("C", [2, 3, 4, 10])
def test_the_figure_is_as_wide_as_its_tiles_and_colour_bar(C):
    """The tiles keep square pixels (scaleanchor, constrain="domain"): in a chart wider than them they shrank to the
    middle and the colour bar stayed at the right edge, far from them (1920 x 1080). The figure has its own width,
    whose plot area has the tiles' aspect ratio exactly, so the bar sits next to the tiles on every screen."""
    f = fig.templates_figure(tiles(C), [0, 1, 2], 0, 3.0, [str(k) for k in range(C)])
    lay = f.layout
    z = np.array(f.data[0].z, dtype=float)
    n_y, n_x = z.shape
    plot_w = lay.width - lay.margin.l - lay.margin.r
    plot_h = lay.height - lay.margin.t - lay.margin.b
    assert plot_w / n_x == pytest.approx(plot_h / n_y, rel=0.01)  # no empty band beside the tiles
    assert lay.margin.r == _COLORBAR_MARGIN and lay.coloraxis.colorbar.x == 1.0
    assert lay.width <= fig.TILES_PX + _COLORBAR_MARGIN + 10 + 1  # (fits the page's column at 1280 px)


# ---------------------------------------------------------------- the listener's heatmap redraw
class Mounted:
    def __init__(self):
        self.calls = []

    def __call__(self, **kwargs):
        self.calls.append(kwargs)


def test_sync_asks_for_the_heatmap_redraw_only_when_told(monkeypatch):
    mounted = Mounted()
    monkeypatch.setattr(playback, "_mount", mounted)
    playback.sync("box", 3, "run", lambda step: None)  # the Training page's call
    playback.sync("box", 3, "run", lambda step: None, heatmaps=True)  # the Images page's
    assert [c["data"]["heatmaps"] for c in mounted.calls] == [False, True]


def test_the_listener_redraws_heatmaps_after_each_frame_and_only_when_asked():
    js = playback.JS
    assert "plotly_transitioned: () => { if (heatmaps) drawHeatmaps(); }" in js
    assert 'trace.type === "heatmap"' in js and "module.plot(gd, info, cds" in js


def test_the_images_page_asks_for_it():
    from pathlib import Path
    source = Path(__file__).resolve().parent.parent.joinpath("dashboard", "app_pages", "images.py").read_text()
    assert "heatmaps=True" in source and 'width="content"' in source


# ---------------------------------------------------------------- the run in the shared cache
def test_the_run_is_cached_by_the_shared_cache_with_a_progress_callback():
    spec = ic.ImageTrainSpec.of(DIGITS10)
    ic.history.clear()
    seen = []
    first = ic.history(spec, _progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1] == (30, 30)  # a bar while it trains
    seen.clear()
    again = ic.history(spec, _progress=lambda done, total: seen.append((done, total)))
    assert seen == []  # a hit: nothing to wait for, no bar
    np.testing.assert_array_equal(first.W, again.W)
    again.W[0, 0, 0] = 99.0  # each caller gets its own copy (as st.cache_data gives)
    assert ic.history(spec).W[0, 0, 0] != 99.0


def test_the_page_passes_an_unrecorded_progress_bar():
    from pathlib import Path
    source = Path(__file__).resolve().parent.parent.joinpath("dashboard", "app_pages", "images.py").read_text()
    assert "_progress=unrecorded(progress)" in source
    assert not hasattr(ic, "_RUNS")  # no memo of its own any more


# ---------------------------------------------------------------- the gallery of mistakes
def test_the_gallery_frames_each_image():
    pictures = np.random.default_rng(0).random((5, 8, 8))
    captions = [f"test image #{i}<br>is 3: s = 1<br>said 8: s = 2" for i in range(5)]
    f = fig.gallery_figure(pictures, captions, (0, 1), cols=4)
    go.Figure(f.to_dict())
    for i in range(5):
        s = "" if i == 0 else str(i + 1)
        for axis in (f.layout[f"xaxis{s}"], f.layout[f"yaxis{s}"]):
            assert axis.showline and axis.mirror is True and axis.linewidth == 1  # a frame on all four sides
    notes = f.layout.annotations
    assert [a.text for a in notes] == captions and all(a.font.color == "#222222" for a in notes)  # ink, not colour
    # three lines of caption fit above each row: the second row's panels start below the first row's captions
    y_top_row2 = f.layout.yaxis5.domain[1]
    assert (f.layout.yaxis.domain[0] - y_top_row2) * (f.layout.height - f.layout.margin.t - f.layout.margin.b) >= 60


def test_a_gallery_caption_says_what_it_is_what_was_said_and_both_scores():
    from dashboard.image_scenes import gallery_caption
    caption = gallery_caption(12, ["0", "1", "7"], 0, np.array([0.5, -1.25, 2.0]))
    assert caption == "test image #12<br>is 0: s = 0.5<br>said 7: s = 2"
