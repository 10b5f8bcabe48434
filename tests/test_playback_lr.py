"""The Learning-rates page (runs named by what they did, one divergence step, a landscape that shows every path,
no retraining on an α change) and the Training page's playback (the step where it stops reaches the server)."""
from __future__ import annotations

import math
import os
import shutil

import numpy as np
import pytest
import streamlit as st
from hypothesis import given, settings
from hypothesis import strategies as hst
from hypothesis.extra import numpy as hnp

from dashboard import behaviour, compute, figures, learning_rate_scene, scenes
from dashboard.config import DEFAULT
from dashboard.figures import learning_rates
from tests.app_entry import open_app

ROLE_WORDS = ("too small", "good", "too large", "divergent")


@pytest.fixture(autouse=True)
def raise_errors(monkeypatch):
    monkeypatch.setenv("LINVIZ_RAISE", "1")


def scene(lrs, **changes) -> learning_rate_scene.LearningRateScene:
    return learning_rate_scene.learning_rate_scene(scenes.load(DEFAULT.replace(lrs=tuple(lrs), **changes)))


# ---------------------------------------------------------------- where a run blew up: one rule
def test_blew_up_is_the_first_of_non_finite_and_a_hundred_fold_growth():
    grows = [1.0, 3.0, 150.0, 1e5]
    assert behaviour.blew_up(grows) == 2  # 150 > 100 x 1
    assert behaviour.blew_up(grows, diverged_at=40) == 2  # grew 100-fold long before it stopped being finite
    assert behaviour.blew_up([1.0, 2.0, 3.0], diverged_at=3) == 3  # non-finite first (the History stops at 2)
    assert behaviour.blew_up([1.0, np.nan, 2.0]) == 1
    assert behaviour.blew_up([1.0, 99.0, 0.5]) is None
    assert behaviour.blew_up([0.0, 5.0, 0.0]) is None  # a run that starts at 0 cannot grow some-fold
    assert behaviour.blew_up([]) is None


def test_a_run_that_grew_at_step_1_is_said_to_diverge_at_step_1_everywhere():
    """lrs=0.0001,0.5,12,1000: α = 1000 grows 100-fold at step 1 and stops being finite at step 120. The legend,
    the table and the × all say step 1 (they said 120 while the × was drawn at step 1)."""
    s = scene((0.0001, 0.5, 12, 1000))
    h = s.histories[3]
    assert h.diverged_at == 120 and h.loss[1] > scenes.BLOWUP * h.loss[0]
    assert s.diverged[3] == scenes.blew_up(h) == 1
    assert s.behaviours[3] == "diverges at step 1"
    land, curves = s.figures["lr_landscape"], s.figures["lr_curves"]
    for fig in (land, curves):
        names = [t.name for t in fig.data if t.showlegend is not False and t.name]
        assert "α = 1000: diverges at step 1" in names and not any("120" in n for n in names)
    cross = [t for t in curves.data if t.name == "α = 1000: diverges at step 1: diverged"][0]
    assert cross.marker.symbol == "x" and 0 < cross.x[0] <= 1


def test_a_run_that_stops_being_finite_rises_off_the_chart_at_that_step():
    steps, shown, cross = learning_rates._capped_curve(np.array([1.0, 0.8, 0.9, 1.2]), 4, top=20.0)
    assert cross == (4.0, 20.0) and list(steps) == [0, 1, 2, 3, 4] and shown[-1] == 20.0


# ---------------------------------------------------------------- what a run did, by its own loss curve
T = np.arange(201)


@pytest.mark.parametrize("curve, expected", [
    (1.0 - 0.001 * T, "crawls"),  # a straight line down: its second half brought half of its decrease
    (0.2 + 0.8 * 0.97**T, "converges"),  # levelled off early
    (0.2 + 0.8 * 0.985**T, "crawls"),  # its second half still brought 18% of its decrease
    (np.r_[0.2 + 0.8 * 0.9 ** T[:50], 0.45 + 0.05 * (-1.0) ** T[50:]], "overshoots"),  # bounces above its best
    (0.2 + 0.8 * 0.9**T + 0.002 * (-1.0) ** T, "converges"),  # wiggles under 1% of the start do not count
    (np.r_[1.0, 0.3, 0.25 + 0.2 * (T[2:] % 40 == 0)], "overshoots"),  # climbs back by 0.2 now and then
    (1.0 * 1.05**T, "diverges"),  # grows 100-fold at step 95
    (np.full(201, 0.7), "converges"),  # never moved: it started where the gradient is zero
    (np.r_[1.0, 150.0, 2.0], "diverges"),
])
def test_behaviour_rules_on_constructed_curves(curve, expected):
    assert behaviour.behaviour(curve) == expected


def test_behaviour_thresholds_are_the_documented_ones():
    still = 0.3 + 0.7 * (1 - T / 200) ** 2  # a parabola: its second half brings a quarter of the decrease
    assert behaviour.behaviour(still) == "crawls"
    flat_tail = np.r_[np.linspace(1.0, 0.2, 100), np.linspace(0.2, 0.2 - 0.8 * 0.09 / 0.91, 101)]
    assert behaviour.behaviour(flat_tail) == "converges"  # its second half: 9% of the decrease (< 10%)
    settled = np.r_[np.linspace(1.0, 0.2, 20), np.full(130, 0.2), np.full(51, 0.2 + 0.8 * 0.09)]
    assert behaviour.behaviour(settled) == "converges"  # ends 9% of its decrease above its best
    unsettled = np.r_[np.linspace(1.0, 0.2, 20), np.full(130, 0.2), np.full(51, 0.2 + 0.8 * 0.11)]
    assert behaviour.behaviour(unsettled) == "overshoots"  # ends 11% above
    assert behaviour.describe(1.05**T) == "diverges at step 95" and behaviour.describe(0.2 + 0.8 * 0.9**T) == \
        "converges"


def test_six_rates_are_named_by_what_they_did_not_by_their_position():
    s = scene((0.001, 0.01, 0.1, 1.0, 10.0, 100.0))
    assert s.behaviours == ["crawls", "crawls", "converges", "converges", "overshoots", "diverges at step 1"]
    names = [t.name for t in s.figures["lr_curves"].data if t.mode == "lines"]
    assert "α = 1: converges" in names and not any(w in n for n in names for w in ROLE_WORDS)


def test_the_defaults_read_as_the_lecture_says():
    assert scene(DEFAULT.lrs).behaviours == ["crawls", "converges", "overshoots", "diverges at step 1"]


def test_runs_are_drawn_by_behaviour_not_position():
    line = np.c_[np.linspace(0, 1, 20), np.zeros(20)]
    runs = [dict(label="a", behaviour="diverges", description="diverges at step 3", coords=line, loss=np.ones(20),
                 diverged_at=3),
            dict(label="b", behaviour="converges", coords=line, loss=np.ones(20), diverged_at=None),
            dict(label="c", behaviour="crawls", coords=line[:5], loss=np.ones(20), diverged_at=None),
            dict(label="d", behaviour="overshoots", coords=line, loss=np.ones(20), diverged_at=None)]
    grid = np.linspace(-2, 2, 5)
    land, curves = figures.lr_comparison_figures(grid, grid, np.ones((5, 5)), runs)
    paths = [t for t in land.data if getattr(t, "mode", None) == "lines+markers"]
    assert [t.name for t in paths] == ["d", "a: diverges at step 3", "b", "c"]  # the crawling run on top
    assert [t.line.width for t in paths] == [3.0, 3.0, 4.5, 4.5]  # the runs that settle are thicker
    assert [t.legendrank for t in paths] == [4, 1, 2, 3]  # the legend keeps the order of the rates


# ---------------------------------------------------------------- the landscape shows every path
def test_the_landscape_is_fitted_to_the_runs_that_settle():
    """The view used to fit the overshooting run too (±6 around a 'good' path of length ~1, a 'too small' path
    of ~0.2): now it is 1.3 x the reach of the settled runs."""
    s = scene(DEFAULT.lrs)
    land = s.figures["lr_landscape"]
    half = land.layout.xaxis.range[1]
    good = [t for t in land.data if t.name == "α = 0.5: converges"][0]
    reach = np.abs(np.c_[good.x, good.y]).max()
    assert reach == pytest.approx(half / 1.3), f"the converging path reaches {reach:.2f} of a ±{half:.2f} view"
    small = [t for t in land.data if t.name == "α = 0.003: crawls"][0]
    travelled = np.hypot(small.x[-1] - small.x[0], small.y[-1] - small.y[0])
    assert travelled / (2 * half) * 420 >= 30, "the crawling path is under 30 px long (it was 3 px)"
    start = [t for t in land.data if t.name == "start"][0]
    assert (start.x[0], start.y[0]) == (small.x[0], small.y[0])


def test_the_landscape_declares_the_size_it_fills():
    land, curves = (scene(DEFAULT.lrs).figures[k] for k in ("lr_landscape", "lr_curves"))
    lay = land.layout
    plot_w, plot_h = lay.width - lay.margin.l - lay.margin.r, lay.height - lay.margin.t - lay.margin.b
    assert plot_w == plot_h == 420  # square, as its equal aspect draws it: the plot fills the paper
    bar = land.data[0].colorbar
    assert bar.x == 1.0 and bar.xanchor == "left" and lay.margin.r <= 100  # right beside it, in the margin
    # in a frame of another shape the plot shrinks toward the bar, the legend stays aligned with it
    assert lay.xaxis.constrain == "domain" and lay.xaxis.constraintoward == "right"
    assert (lay.legend.x, lay.legend.xanchor) == (1.0, "right")
    assert curves.layout.height == lay.height


@pytest.mark.skipif(not shutil.which("chromium") and not os.environ.get("LINVIZ_REQUIRE_BROWSER"),
                    reason="image export needs Chromium (apt-get install chromium)")
def test_the_exported_landscape_fills_its_frame(tmp_path):
    """Rendered at the size it declares, the figure's ink spans its frame (it used to put a small plot in the
    left third of a 2400 x 1000 image)."""
    from PIL import Image

    land = scene(DEFAULT.lrs).figures["lr_landscape"]
    path = tmp_path / "lr_landscape.png"
    land.write_image(path, scale=1)
    image = np.asarray(Image.open(path).convert("L"), dtype=float)
    assert image.shape == (land.layout.height, land.layout.width)
    ink = np.argwhere(image < 200)
    (top, left), (bottom, right) = ink.min(axis=0), ink.max(axis=0)
    assert (right - left) / image.shape[1] > 0.9 and (bottom - top) / image.shape[0] > 0.9


# ---------------------------------------------------------------- the page: no roles, no retraining on α
def test_inputs_and_table_name_runs_by_number_and_behaviour():
    at = open_app("learning_rates.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [at.number_input(key=f"lr_{k}").label for k in range(4)] == [f"α of run {k}" for k in range(1, 5)]
    table = at.dataframe[0].value
    assert list(table.index) == ["run 1", "run 2", "run 3", "run 4"]
    assert list(table["what it did"]) == ["crawls", "converges", "overshoots", "diverges at step 1"]
    words = " ".join(map(str, [*table.index, *table.columns])) + " ".join(
        at.number_input(key=f"lr_{k}").label for k in range(4))
    assert not any(w in words for w in ROLE_WORDS)


def test_changing_alpha_in_the_sidebar_does_not_retrain_the_comparison_runs(monkeypatch):
    """The runs' cache key held the sidebar's α although they do not use it: every α change retrained them all
    (1.5-2.1 s at large settings). Then an α change trained the sidebar's own run, which this page does not draw
    (issue 14): now it trains nothing."""
    st.cache_data.clear()
    trained = []
    real, real_rates = compute.train, compute.train_rates
    monkeypatch.setattr(compute, "train", lambda *a, **kw: trained.append(kw["lr"]) or real(*a, **kw))
    # (the runs not trained yet are trained together: each counts once)
    monkeypatch.setattr(compute, "train_rates", lambda X, y, lrs, **kw: trained.extend(lrs) or real_rates(X, y, lrs,
                                                                                                           **kw))
    at = open_app("learning_rates.py")
    at.run()
    assert sorted(trained) == sorted(DEFAULT.lrs)
    trained.clear()
    at.select_slider(key="lr").set_value(0.01).run()
    assert not at.exception, [e.value for e in at.exception]
    assert trained == [], f"an α change trained runs with α = {trained}"
    trained.clear()
    at.number_input(key="lr_1").set_value(0.7).run()  # a new comparison rate trains that run only
    assert trained == [0.7]
    trained.clear()
    at.number_input(key="lr_2").set_value(0.7).run()  # a rate equal to another shares its run
    assert trained == []


# ---------------------------------------------------------------- playback: one step on the whole Training page
def frame_dicts(fig) -> dict:
    return {f["name"]: f for f in fig.to_dict()["frames"]}


def test_the_animation_opens_at_exactly_the_step_shown():
    ctx = scenes.load(DEFAULT.replace(t=37))
    assert 37 not in scenes.animation_frames(ctx.hist) and 37 in scenes.animation_frames(ctx.hist, 37)
    fig = scenes.training_animation(ctx)
    slider = fig.layout.sliders[0]
    assert slider.steps[slider.active].label == "37" and "37" in frame_dicts(fig)
    assert [t for t in fig.data if t.name == "loss at t"][0].x == (37,)


def test_a_frame_sent_on_its_own_is_the_frame_the_animation_would_have():
    """The scrubber moves the chart in the browser, adding the frame of a step the figure has none of: it must be
    exactly the frame classifier_animation builds for that step (the twin of its frames)."""
    ctx = scenes.load(DEFAULT.replace(t=20))
    assert scenes.training_frame(ctx, 20) is None and scenes.training_frame(ctx, 40) is None  # it has those
    extra = scenes.training_frame(ctx, 21)
    assert extra["name"] == "21" and "traces" not in extra  # (the browser takes the traces from the chart's frames)
    built = frame_dicts(scenes.training_animation(scenes.load(DEFAULT.replace(t=21))))["21"]
    assert extra["data"] == built["data"]
    wild = figures.animation_frame(np.array([[np.inf, 1e300], [np.nan, 2.0]]), np.array([1e308, -np.inf]),
                                   (-3, 3, -3, 3), 7, losses=np.r_[np.ones(7), 1e300], accuracies=np.ones(8))
    coords = [v for d in wild["data"][:-2] for v in (*d["x"], *d["y"])]
    assert coords and np.isfinite(coords).all() and wild["data"][-2]["x"] == [7]


def test_playback_reports_are_kept_to_the_run_on_the_page(monkeypatch):
    """The listener's trigger {"step", "run"} reaches on_stop only for the page's run and an integer step."""
    from dashboard import playback

    seen, mounted = [], {}
    monkeypatch.setattr(playback, "_mount", lambda **kw: mounted.update(kw))
    state = {}
    monkeypatch.setattr(st, "session_state", state)
    playback.sync("box", 3, "run-a", seen.append)
    callback = mounted["on_stopped_change"]
    assert mounted["data"]["t"] == 3 and mounted["data"]["run"] == "run-a" and mounted["data"]["frame"] is None
    for report in ({"step": 40, "run": "run-b"}, {"step": "40", "run": "run-a"}, None, {"step": 41, "run": "run-a"}):
        state["playback"] = {"stopped": report}
        callback()
    assert seen == [41]


def naive_stayed_above(loss):
    """Loop twin of behaviour.stayed_above."""
    loss = [float(v) for v in loss]
    if len(loss) < 2 or not loss[0] > 0 or not math.isfinite(loss[-1]) or not loss[-1] > ENDS * loss[0]:
        return None
    step = len(loss) - 1
    while step > 0 and loss[step - 1] > ENDS * loss[0]:
        step -= 1
    return step


ENDS = behaviour.ENDS_ABOVE


@settings(max_examples=200, deadline=None)
@given(hnp.arrays(float, hst.integers(0, 30), elements=hst.floats(0.0, 50.0)))
def test_stayed_above_equals_its_loop_twin(loss):
    assert behaviour.stayed_above(loss) == naive_stayed_above(loss)


def test_a_run_that_ends_far_above_its_start_diverges_where_it_left_for_good():
    """α = 50 on the Learning rates page rose from 1.1 to 40-100 and stayed there: it was called "overshoots"
    although the page (and the lecture) say "too large overshoots, larger still diverges" (found by an exploratory
    pass). A run that ends above 2x its start, without going non-finite or 100-fold, now diverges at the step from
    which it stayed above that; one that overshoots and comes back down is still "overshoots"."""
    away = [1.1, 60.0, 80.0, 1.5, 45.0, 100.0, 40.0]
    assert behaviour.describe(away) == "diverges at step 4"  # (at step 3 it was back under 2.2)
    assert behaviour.behaviour([1.1, 2.75, 0.5, 1.8, 0.39]) == "overshoots"  # α = 12: up, then down for good
    assert behaviour.describe(1.05 ** T) == "diverges at step 95"  # 100-fold first: that rule's step stays
    s = scene((50, 0.5, 12, 120))
    assert s.behaviours[0].startswith("diverges at step") and s.diverged[0] is not None
    assert s.behaviours[2] == "overshoots"  # the default demo keeps its four behaviours
    from dashboard.common import divergence_message

    message = divergence_message(s.histories[0], 50)
    assert "rose above 2× its start" in message and "stayed there" in message
