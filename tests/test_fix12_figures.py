"""Figure fixes of the last exploratory pass over Search and Optimizers (issue 12); each test failed before its fix."""
from __future__ import annotations

import numpy as np
import pytest

from dashboard import finding_compute as fc
from dashboard.figures import finding as ff
from linviz import landscape, search
from linviz.datasets import make_dataset
from linviz.model import init_params


@pytest.fixture(scope="module")
def problem():
    X, y = make_dataset("blobs", 60, noise=1.0, seed=1, n_classes=3)
    W, b = init_params(3, 2, seed=0)
    return X, y, W, b


@pytest.fixture(scope="module")
def surface(problem):
    X, y, W, b = problem
    return landscape.loss_surface(X, y, W, b, landscape.random_directions(W, b, seed=0), extent=1.0, resolution=11)


def test_the_arrows_are_named_in_a_key_above_the_slice_not_at_their_heads(surface):
    """At step 0 every path leaves the start along −∇L: labels at the arrows' heads lay on the paths."""
    s = surface
    arrows = [dict(start=(-1.0, 0.0), end=(-0.4, 0.1), label="−∇L", color=fc.GRADIENT_COLOR),
              dict(start=(-1.0, 0.0), end=(-0.8, 0.03), label="−α∇L (α = 0.3)", color=fc.STEP_COLOR)]
    paths = [{"name": "sgd", "label": "GD", "coords": np.array([[-1.0, 0.0], [-0.5, 0.05], [1.0, 0.0]])}]
    fig = ff.optimizer_slice_figure(s.alphas, s.betas, s.values, paths, arrows=arrows, current=(-1.0, 0.0))
    notes = fig.layout.annotations
    lines = [a for a in notes if a.showarrow]
    assert [(a.x, a.y) for a in lines] == [(-0.4, 0.1), (-0.8, 0.03)]  # both arrows still drawn, in data units
    texts = [a for a in notes if a.text]
    assert texts and all(a.xref == "x domain" and a.yref == "y domain" and a.y >= 1 and a.yanchor == "bottom"
                         for a in texts)  # every label above the plot area, none in data coordinates
    key = " ".join(a.text for a in texts)
    assert "−∇L" in key and "−α∇L (α = 0.3)" in key
    assert fc.GRADIENT_COLOR in key and fc.STEP_COLOR in key  # each name in its arrow's colour
    assert fig.layout.margin.t >= ff.ARROW_KEY_PX


def test_no_arrow_no_key(surface):
    s = surface
    paths = [{"name": "sgd", "label": "GD", "coords": np.zeros((2, 2))}]
    still = [dict(start=(0.0, 0.0), end=(0.0, 0.0), label="−∇L", color=fc.GRADIENT_COLOR)]  # at the optimum
    fig = ff.optimizer_slice_figure(s.alphas, s.betas, s.values, paths, arrows=still)
    # (no arrow's key; what the paths follow is still said)
    assert [a.text for a in fig.layout.annotations if a.text] == [ff.PATHS_KEY]


def test_no_optimizer_path_has_an_arrows_colour():
    """Momentum's path was orange, the colour of −∇L: at step 0 it leaves the start along that arrow."""
    arrows = {fc.GRADIENT_COLOR.lower(), fc.STEP_COLOR.lower()}
    assert not arrows & {c.lower() for c in ff.OPTIMIZER_COLORS.values()}
    assert len(set(ff.OPTIMIZER_COLORS.values())) == len(ff.OPTIMIZER_COLORS)


def test_every_answer_is_drawn_over_every_methods_points(problem, surface):
    """The last frame of random search (a thousand draws at the largest budget) covered the other answers."""
    X, y, W, b = problem
    race = search.race(X, y, W0=W, b0=b, budget=120, seed=3)
    marks = np.array([1, 60, 120])
    methods = [{"method": r.method, "frames": fc.frames_of(r, [0, 1], marks)} for r in race.runs]
    s = surface
    fig = ff.search_samples_figure(s.alphas, s.betas, s.values, methods, marks, axis_titles=("a", "b"))
    names = [t.name for t in fig.data[1:]]
    answers = [i for i, n in enumerate(names) if n.endswith(": answer")]
    drawn = [i for i, n in enumerate(names) if not n.endswith(": answer")]
    assert len(answers) == len(drawn) == len(race.runs) and max(drawn) < min(answers)
    for k, frame in enumerate(fig.to_dict()["frames"]):  # each frame's data goes to its method's trace and kind
        assert list(frame["traces"]) == list(range(1, len(fig.data)))
        for i, m in enumerate(methods):
            points, answer = m["frames"][k]
            np.testing.assert_allclose(frame["data"][drawn[i]]["x"], np.asarray(points)[:, 0])
            np.testing.assert_allclose(frame["data"][answers[i]]["x"], [answer[0]])
            assert fig.data[1 + drawn[i]].name == ff.METHOD_LABELS[m["method"]]


def test_the_epochs_panel_starts_at_the_first_step_with_the_common_start_dotted():
    """Epoch 0 on the log axis was clipped far to the left: each curve seemed to start flat at its first step's
    loss (M = 64: flat at 0.73 from 0.01 to 0.53 epochs, where it was at the start's 1.11)."""
    from dashboard.figures import minibatch as mbf

    runs = [{"label": f"M = {m}", "M": m, "loss": np.array([1.1, 0.7, 0.5, 0.45])} for m in (1, 64)]
    fig = mbf.batch_curves_figure(runs, n=120)
    by_epoch = [t for t in fig.data if t.xaxis == "x2"]
    assert len(by_epoch) == 2 and all(np.all(np.asarray(t.x) > 0) for t in by_epoch)
    np.testing.assert_allclose(by_epoch[1].x, np.array([1, 2, 3]) * 64 / 120)
    np.testing.assert_allclose(by_epoch[1].y, [0.7, 0.5, 0.45])
    start = [s for s in fig.layout.shapes if s.yref == "y2"]
    assert len(start) == 1 and start[0].y0 == pytest.approx(1.1) and start[0].line.dash == "dot"
    by_step = [t for t in fig.data if t.xaxis in (None, "x")]
    np.testing.assert_allclose(by_step[0].x, [0, 1, 2, 3])  # the steps panel keeps step 0


def test_the_search_play_through_redraws_each_frame_so_the_landscape_stays(problem, surface):
    """Frames drawn with redraw False update only the scatter traces they name: Plotly dropped the contour's layer,
    and after ▶ Play or a scrub the slice was blank (tests/e2e/test_fix12_browser.py watches it in Chromium)."""
    X, y, W, b = problem
    race = search.race(X, y, W0=W, b0=b, budget=60, seed=3)
    marks = np.array([1, 20, 60])
    methods = [{"method": r.method, "frames": fc.frames_of(r, [0, 1], marks)} for r in race.runs]
    s = surface
    fig = ff.search_samples_figure(s.alphas, s.betas, s.values, methods, marks, axis_titles=("a", "b"))
    play, pause = fig.layout.updatemenus[0].buttons
    assert play.args[1]["frame"]["redraw"] is True
    assert all(step.args[1]["frame"]["redraw"] is True for step in fig.layout.sliders[0].steps)
    assert fig.data[0].type == "contour"
