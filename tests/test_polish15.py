"""Leftovers of the exploratory pass: the engine's module size, the Loss page's lecture note, and the figures'
layout and labels that are checked without a browser."""
from __future__ import annotations

from pathlib import Path

import pytest

from linviz._checks import check_batch_size, check_test_set
from tests.app_entry import run_app

ROOT = Path(__file__).resolve().parents[1]


def test_train_module_stays_under_300_lines():
    """STYLE.md: modules under ~300 lines; linviz/train.py had grown to 304."""
    n_lines = len((ROOT / "linviz" / "train.py").read_text().splitlines())
    assert n_lines < 300, n_lines


def test_the_trainer_argument_checks_kept_their_rules_and_messages():
    assert check_batch_size(None, 10) is None
    assert check_batch_size(4, 10) == 4
    assert check_batch_size(10, 10) is None  # a batch of every example is the full batch
    for bad in (0, 2.5, True):
        with pytest.raises(ValueError, match="batch_size must be None"):
            check_batch_size(bad, 10)
    assert check_test_set(None, None, 3, 2) is None
    with pytest.raises(ValueError, match="give both X_test and y_test"):
        check_test_set([[0.0, 1.0]], None, 3, 2)
    with pytest.raises(ValueError, match="X_test has 3 features, X has 2"):
        check_test_set([[0.0, 1.0, 2.0]], [0], 3, 2)


def test_the_lecture_softmax_example_says_the_slide_took_log10_and_the_app_the_natural_log(monkeypatch):
    """−log(0.13): the slides leave it unevaluated, the page shows 2.04 (natural log), and the original CS231n slide
    printed 0.89 (base 10), so a student comparing them saw a disagreement. Both numbers, and the bases, are on the
    page now, beside L_cat."""
    monkeypatch.setenv("LINVIZ_RAISE", "1")
    at = run_app("loss.py", {"loss_source": "lecture"})
    assert not at.exception
    latex = " ".join(x.value for x in at.latex)
    assert r"L_\text{cat} = -\log(0.13) = 2.04" in latex
    text = " ".join(c.value for c in at.caption)
    assert "0.89" in text and "log₁₀ 0.13 = 0.89" in text, text
    assert "natural log" in text and "ln 0.13 = 2.04" in text, text


def _paths(T: int, C: int, D: int):
    import numpy as np

    from linviz.regularization import WeightPaths

    steps = np.arange(T)[:, None, None]
    W = np.broadcast_to(np.where(steps % 2, 1.0, -1.0), (T, C, D)).copy()  # a weight flipping across 0 every step
    b, loss = np.zeros((T, C)), np.zeros(T)
    return WeightPaths(penalty="l1", regs=(0.0, 10.0), W=(W * 0.1, W), b=(b, b), loss=(loss, loss),
                       diverged_at=(None, None))


def test_jittering_weights_are_drawn_a_dot_a_step_and_the_free_run_as_lines():
    from dashboard.figures.regularization import weight_paths_figure

    fig = weight_paths_figure(_paths(201, 3, 2), jitter=True)
    free = [t for t in fig.data if t.xaxis == "x"]
    penalized = [t for t in fig.data if t.xaxis == "x2"]
    assert len(free) == len(penalized) == 6
    assert all(t.mode == "lines" for t in free)
    assert all(t.mode == "markers" and len(t.y) == 201 for t in penalized)  # every step of every entry
    assert {t.marker.symbol for t in penalized} == {"circle", "circle-open"}  # w_k1 filled, w_k2 open
    assert "a dot a step" in " ".join(a.text for a in fig.layout.annotations)
    assert all(t.mode == "lines" for t in weight_paths_figure(_paths(201, 3, 2)).data)  # (no jitter: lines)


def test_an_image_classifiers_jittering_weights_are_dots_at_a_bounded_number_of_steps():
    from dashboard.figures.regularization import MANY_DOTS, weight_paths_figure

    fig = weight_paths_figure(_paths(2001, 10, 64), jitter=True)
    penalized = [t for t in fig.data if t.xaxis == "x2"]
    assert len(penalized) == 10 and all(t.mode == "markers" for t in penalized)
    dots = sum(sum(v is not None for v in t.y) for t in penalized)
    assert 10 * 64 * 20 <= dots <= max(MANY_DOTS, 10 * 64 * 20), dots


@pytest.mark.parametrize(("reg", "mode"), [("10", "markers"), ("0.1", "lines")])
def test_the_regularization_page_draws_l1_at_lambda_10_as_dots(monkeypatch, reg, mode):
    import json

    monkeypatch.setenv("LINVIZ_RAISE", "1")
    at = run_app("regularization.py", {"rg_reg": reg, "rg_penalty": "l1"})
    paths = json.loads(at.get("plotly_chart")[1].proto.spec)
    assert paths["layout"]["title"]["text"] == "The entries of W during training"
    assert {t["mode"] for t in paths["data"] if t.get("xaxis") == "x2"} == {mode}
    text = " ".join(c.value for c in at.caption)
    assert ("a dot a step" in text) == (mode == "markers")


def test_the_landscape_names_its_path_by_what_each_step_follows():
    from dashboard.config import Config
    from dashboard.scenes import descent_label

    assert descent_label(Config()) == "path: steps −α∇L"
    assert descent_label(Config(batch_size=16)) == "path: steps −α∇L<sub>B</sub> (mini-batch)"
    assert descent_label(Config(optimizer="momentum")) == "path: Momentum steps from −∇L"


def test_the_gradient_metric_stays_at_the_last_step_and_says_why():
    """At the run's last step the ‖∇L‖ metric vanished, leaving a gap in the row (found by an exploratory pass):
    no step is taken from it, so there is no step's gradient; it now reads "—" and its help says why."""
    from tests.app_entry import run_app

    at = run_app("training.py", {"t": "200"})
    metric = next(m for m in at.metric if m.label == "‖∇L‖ at step t")
    assert metric.value == "—" and "last" in metric.help
    at = run_app("training.py", {"t": "199"})
    assert next(m for m in at.metric if m.label == "‖∇L‖ at step t").value != "—"
