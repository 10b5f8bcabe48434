"""Headless app tests: every page renders, reacts to each control type, and keeps the URL in sync."""
import json
import os

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.pages import PAGES
from tests.app_entry import APP, open_app, run_app


@pytest.fixture(autouse=True)
def raise_errors(monkeypatch):
    monkeypatch.setenv("LINVIZ_RAISE", "1")  # the page guard re-raises, so at.exception sees errors


def run(query=None, page=None) -> AppTest:
    """The app (its entry script, as production runs it) at one page, run once (tests/app_entry.py)."""
    return run_app(page, query)


def charts(at):
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


@pytest.mark.parametrize("entry", PAGES, ids=lambda entry: entry.name)
def test_every_page_renders_at_defaults(entry):
    at = run(page=entry.script)
    assert not at.error
    assert any(h.value == entry.heading for h in at.header), f"{entry.file} has no heading {entry.heading!r}"
    assert len(charts(at)) >= entry.charts, f"{entry.file} drew {len(charts(at))} charts, not {entry.charts}"


@pytest.mark.parametrize("entry", PAGES, ids=lambda entry: entry.name)
def test_every_page_after_each_control_type(entry):
    at = run(page=entry.script)
    at.select_slider(key="lr").set_value(0.01).run()          # select_slider
    at.selectbox(key="optimizer").set_value("momentum").run()  # selectbox
    at.slider(key="mu").set_value(0.5).run()                  # slider
    at.radio(key="loss").set_value("svm").run()               # radio
    at.number_input(key="seed").set_value(3).run()            # number_input
    at.button(key="step").click().run()                       # button
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error
    assert at.query_params["lr"] == "0.01" and at.query_params["loss"] == "svm"


def test_step_changes_the_parameters():
    at = run(page="app_pages/training.py")
    before = charts(at)
    at.button(key="step").click().run()
    assert at.query_params["t"] == "1"
    at.button(key="run").click().run()
    assert at.query_params["t"] == "11"
    assert charts(at) != before
    at.button(key="reset").click().run()
    assert "t" not in at.query_params


def test_step_on_classifier_page_moves_the_hyperplanes():
    at = run()
    fig0 = charts(at)[0]
    at.button(key="step").click().run()
    fig1 = charts(at)[0]
    assert fig0["data"] != fig1["data"]


def test_a_control_only_the_page_depends_on_reruns_just_the_page():
    at = run({"t": "20"})
    before = charts(at)[0]
    at.select_slider(key="lr").set_value(0.1).run()
    assert not at.exception, [e.value for e in at.exception]
    assert charts(at)[0]["data"] != before["data"] and at.query_params["lr"] == "0.1"
    assert at.session_state["_config"].lr == 0.1
    # only the page's fragment ran: the sidebar's controls are not in what that run drew (tests/app_entry.py)
    assert not at.drawn_sidebar.select_slider and not at.drawn_sidebar.caption
    assert "Step t = 20." in " ".join(m.value for m in at.markdown)
    at.run()  # a full run draws them again, with the new value
    assert at.select_slider(key="lr").value == 0.1


def test_a_control_that_changes_the_sidebar_reruns_the_whole_app():
    at = run({"t": "20"})
    assert "mu" not in [w.key for w in at.slider]
    at.selectbox(key="optimizer").set_value("momentum").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.slider(key="mu").value == 0.9 and at.select_slider(key="lr").value == 0.3


def test_query_params_round_trip():
    at = run({"lr": "0.03", "loss": "svm", "dataset": "spiral", "n_classes": "4", "t": "5"})
    assert at.select_slider(key="lr").value == 0.03
    assert at.radio(key="loss").value == "svm"
    assert at.selectbox(key="dataset").value == "spiral"
    assert at.slider(key="n_classes").value == 4
    assert at.query_params["lr"] == "0.03" and at.query_params["t"] == "5"


def test_bad_url_values_warn_and_fall_back():
    at = run({"lr": "banana", "loss": "mse", "n_points": "-5", "whatever": "1"})
    text = " ".join(w.value for w in at.warning)
    assert "lr" in text and "loss" in text and "n_points" in text and "whatever" in text
    assert at.select_slider(key="lr").value == 0.3
    assert not at.exception


def test_divergence_is_a_warning_not_an_error():
    at = run({"lr": "10", "reg": "10"}, page="app_pages/training.py")
    assert any("diverged" in w.value for w in at.warning)
    for fig in charts(at):
        assert "NaN" not in json.dumps(fig)


def test_lecture_example_reproduces_the_slides():
    at = run(page="app_pages/loss.py")
    at.segmented_control(key="loss_source").set_value("lecture").run()
    latex = " ".join(x.value for x in at.latex)
    assert "= 2.9" in latex and "= 12.9" in latex and "= 5.27" in latex and "-\\log(0.13)" in latex


def test_custom_W_from_url():
    at = run({"init": "custom", "W0": "1,0,0,0,1,0,-1,-1,0.5"})
    assert not at.warning
    assert at.query_params["init"] == "custom"


def test_figure_json_under_one_megabyte_per_rerun():
    for entry in PAGES:
        at = run(page=entry.script)
        size = sum(len(c.proto.spec) for c in at.get("plotly_chart"))
        assert size < 1_000_000, (entry.file, size)


def test_an_unexpected_error_is_a_short_message_not_a_traceback(monkeypatch):
    from dashboard import scenes

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.delenv("LINVIZ_RAISE")
    monkeypatch.setattr(scenes, "classifier_views", broken)
    at = open_app().run()
    assert not at.exception
    assert any("Something went wrong" in e.value and "boom" in e.value for e in at.error)
    assert at.select_slider(key="lr").value == 0.3  # the sidebar and the settings survive


def test_the_landing_page_does_not_import_pandas():
    """pandas takes ~0.7 s to import: the Classifier page loads it only when the W editor is opened."""
    import subprocess
    import sys

    code = ("import os, sys; from streamlit.testing.v1 import AppTest; "
            f"at = AppTest.from_file({APP!r}, default_timeout=60); at.run(); "
            "assert not at.exception, list(at.exception); print('pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "LINVIZ_RAISE": "1"})
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "False"


def test_the_W_editor_shows_W_b_and_their_gradients():
    at = run(page="app_pages/classifier.py")
    assert not at.get("dataframe")
    at.toggle(key="edit_W").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.get("dataframe")[0].value
    assert list(table.columns) == ["class", "w₁", "w₂", "b", "∂L/∂w₁", "∂L/∂w₂", "∂L/∂b"] and len(table) == 3
    assert any("Loss (softmax) at these parameters" in c.value for c in at.caption)


def test_score_surface_and_selected_example_reach_the_chart():
    at = run(page="app_pages/classifier.py")
    assert "heatmap" not in [t["type"] for t in charts(at)[0]["data"]]
    at.segmented_control(key="score_class").set_value(1).run()
    assert [t["type"] for t in charts(at)[0]["data"]][0] == "heatmap"
    at.number_input(key="point").set_value(7).run()
    fig = charts(at)[0]
    star = next(t for t in fig["data"] if t.get("name") == "x")
    ring = next(t for t in fig["data"] if t.get("name") == "selected")
    assert (star["x"], star["y"]) == (ring["x"], ring["y"]) and ring["customdata"] == [7]
    assert "i = 7" in " ".join(m.value for m in at.markdown) and at.query_params["point"] == "7"


def test_the_hinge_table_leaves_out_the_true_class_and_sums_to_L_i():
    import numpy as np

    at = run(page="app_pages/loss.py")
    hinge = next(d.value for d in at.dataframe if "L_i" in d.value.columns and "j = 0" in d.value.columns)
    terms = hinge[[f"j = {k}" for k in range(3)]].to_numpy()
    for row, y in zip(terms, hinge["y"]):
        assert np.isnan(row[y]) and not np.isnan(np.delete(row, y)).any()  # shown as "—" in the browser
    np.testing.assert_allclose(np.nansum(terms, axis=1), hinge["L_i"].to_numpy(), rtol=1e-12)


def test_a_custom_W_follows_the_number_of_classes_without_a_warning():
    # (issue 8, defect 6: a menu choice never produces a warning.) A custom W for 3 classes keeps its three rows when
    # C becomes 4; the new class starts from small random values, and the initialization stays "custom".
    at = run({"init": "custom", "W0": "1,0,0,0,1,0,-1,-1,0.5"})
    at.slider(key="n_classes").set_value(4).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.warning, [w.value for w in at.warning]
    cfg = at.session_state["_config"]
    assert cfg.init == "custom" and len(cfg.W0) == 12 and cfg.W0[:9] == (1.0, 0.0, 0.0, 0.0, 1.0, 0.0, -1.0, -1.0, 0.5)
    assert at.query_params["init"] == "custom" and at.query_params["n_classes"] == "4"
    at.run()
    assert not at.warning and at.selectbox(key="init").value == "custom"


def test_settings_changed_while_the_lecture_example_is_shown_reach_the_url():
    at = run({"lr": "0.5", "t": "7"}, page="app_pages/loss.py")
    at.segmented_control(key="loss_source").set_value("lecture").run()
    at.select_slider(key="lr").set_value(0.56).run()
    at.button(key="step").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["lr"] == "0.56" and at.query_params["t"] == "8"


def test_examples_shown_survive_the_lecture_example_and_a_smaller_N():
    at = run(page="app_pages/loss.py")
    at.slider(key="loss_rows").set_value(12).run()
    at.segmented_control(key="loss_source").set_value("lecture").run()
    at.segmented_control(key="loss_source").set_value("data").run()
    assert at.slider(key="loss_rows").value == 12
    at.slider(key="n_points").set_value(20).run()  # 16 training points: at most 16 rows
    assert at.slider(key="loss_rows").value == 12
