"""What the exploratory pass of issue 8 found (real browser, 1280x720 and 1920x1080, as a lecturer and a student).

One rule for where a run blew up, on every page (the Learning-rates page said α = 10 "diverges at step 1" while
the Training page said "diverged at step 121" for the same run); a loss change of zero without an arrow; the
Landscape caption names the axes it draws."""
from __future__ import annotations

from dashboard import common, scenes
from dashboard.config import DEFAULT
from tests.app_entry import run_app

BLOWN = {"lr": "10", "reg": "1"}  # the loss grows from 1.1 to 158 at step 1, and overflows at step 121


def test_the_rule_names_the_first_of_non_finite_and_100_fold():
    hist = scenes.load(DEFAULT.replace(lr=10.0, reg=1.0)).hist
    assert hist.diverged_at == 121 and hist.loss[1] > 100 * hist.loss[0]
    assert scenes.blew_up(hist) == 1
    message = common.divergence_message(hist, 10.0)
    assert "diverged at step 1**" in message and "grew past 100×" in message and "step 120" in message
    assert common.divergence_message(scenes.load(DEFAULT).hist, DEFAULT.lr) is None


def test_training_and_learning_rates_name_the_same_step():
    training = run_app("training.py", BLOWN)
    said = [w.value for w in training.warning if "diverged at step" in w.value]
    assert said and all("diverged at step 1**" in w for w in said), said
    curves = scenes.loss_curves(scenes.load(DEFAULT.replace(lr=10.0, reg=1.0)), 0)
    assert [a.text for a in curves.layout.annotations if "diverged" in (a.text or "")] == ["diverged at step 1"]
    rates = run_app("learning_rates.py", {"reg": "1", "lrs": "0.01,0.1,1,10"})
    table = rates.dataframe[0].value
    assert table.loc[table["learning rate α"].astype(str) == "10", "what it did"].item() == "diverges at step 1"


def test_a_loss_change_that_rounds_to_zero_has_no_arrow():
    """The exploratory pass: at steady state the Training page read '↓ −0.0000'."""
    at = run_app("training.py", {"t": "200", "steps": "200", "lr": "3"})
    metric = next(m for m in at.metric if m.label == "Loss L(W_t)").proto
    assert metric.delta == "±0.0000" and metric.direction == metric.NONE and metric.color == metric.GRAY


def test_the_landscape_caption_names_the_chosen_parameters_it_spans():
    at = run_app("landscape.py", {"slice": "params", "param1": "W11", "param2": "W01"})
    caption = next(c.value for c in at.caption if "The view spans" in c.value)
    assert "along W11 and W01" in caption and "d₁" not in caption


def test_leaving_xor_brings_back_the_default_number_of_classes():
    """XOR has exactly 2 classes; back on Gaussian blobs C stayed 2 although nobody chose it."""
    at = run_app("classifier.py")
    at.selectbox(key="dataset").set_value("xor").run()
    assert at.query_params.get("n_classes") in (None, "2") and at.query_params["dataset"] == "xor"
    at.selectbox(key="dataset").set_value("blobs").run()
    assert "n_classes" not in at.query_params  # C = 3, the default
    at.slider(key="n_classes").set_value(5).run()
    at.selectbox(key="dataset").set_value("spiral").run()
    assert at.query_params["n_classes"] == "5"  # a C the user chose stays


def test_a_planted_bug_that_does_not_apply_says_why_and_one_click_shows_it_caught():
    """The second exploratory pass: with softmax chosen, 'hinge: no −count' showed a green 'the gradient is right'
    under a hint to 'choose that loss (or λ > 0)' although λ was 0.01."""
    at = run_app("gradient_check.py", {"gc_bug": "hinge_no_count"})
    note = next(i.value for i in at.info if "changes nothing" in i.value)
    assert "the loss Softmax (cross-entropy)" in note and "λ" not in note.split("changes nothing")[1]
    at.button(key="gc_show_bug").click().run()
    assert not at.exception and at.query_params["loss"] == "svm"
    assert any("catches the bug" in e.value for e in at.error), [e.value for e in at.error]
