"""App-level findings of the exploratory pass on image data (digits and shapes): each test is a defect seen in the
browser and fixed (the browser-only ones are in tests/e2e/test_explore_images_browser.py)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from tests.app_entry import run_app

CLASSIFIER = "app_pages/classifier.py"


def _first_trace_type(at) -> str:
    return json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]["type"]


@pytest.mark.parametrize("dataset", ["digits", "blobs"])
def test_the_score_surface_is_kept_in_the_link(dataset):
    """Choosing the score surface s_k on the Classifier page changed the chart but not the address bar: a reload or a
    shared link lost it."""
    at = run_app(CLASSIFIER, {"dataset": dataset})
    at.segmented_control(key="score_class").set_value(1).run()
    assert not at.exception
    assert at.query_params["score_class"] == "1"
    again = run_app(CLASSIFIER, {"dataset": dataset, "score_class": "1"})
    assert again.segmented_control(key="score_class").value == 1
    assert _first_trace_type(again) == "heatmap"  # the shaded surface is drawn from the link alone


def test_a_score_class_the_data_lacks_is_turned_off_with_a_note():
    at = run_app(CLASSIFIER, {"dataset": "digits", "n_classes": "2", "score_class": "7"})
    assert at.segmented_control(key="score_class").value == -1
    assert _first_trace_type(at) != "heatmap"
    assert any("s₇" in i.value for i in at.info)


def test_an_image_set_link_does_not_carry_its_default_landscape_parameters():
    """After any click on image data the address bar gained &param1=W0_35&param2=W0_36: the image sets' own default
    pair of the Landscape's "Two chosen parameters", written out because it differs from the 2-D default W00, W01."""
    at = run_app("app_pages/training.py", {"dataset": "digits"})
    at.button(key="step").click().run()
    assert not at.exception
    assert {k: at.query_params[k] for k in at.query_params} == {"dataset": "digits", "t": "1"}


@pytest.mark.parametrize("dataset", ["digits", "shapes", "blobs"])
def test_the_landscape_parameters_survive_the_link(dataset):
    from dashboard.config import DEFAULT, default_params
    from dashboard.links import from_query, to_query
    from linviz.datasets import dataset_info

    start, _ = from_query({"dataset": dataset})
    assert (start.param1, start.param2) == default_params(dataset_info(dataset).n_features)
    assert "param1" not in to_query(start) and "param2" not in to_query(start)
    chosen = start.replace(param1="b1", param2=default_params(dataset_info(dataset).n_features)[1])
    back, notes = from_query(to_query(chosen))
    assert back == chosen and not notes and to_query(chosen)["param1"] == "b1"
    assert DEFAULT.param1 == "W00"


def test_the_gradient_check_markers_shrink_for_an_image_s_650_entries():
    """On digits (P = 650) the check's 13 px diamonds, < 1 px apart, hid every analytic bar under one black band."""
    from dashboard.figures.gradients import gradcheck_figure

    def sizes(P):
        g = np.linspace(-1, 1, P)
        fig = gradcheck_figure([f"W[{i}]" for i in range(P)], g, g, np.full(P, 1e-9), np.array(["good"] * P),
                               np.zeros(P, bool))
        return fig.data[1].marker.size, fig.data[2].marker.size

    assert sizes(9) == (13, 15)  # a 2-D problem: as before
    numerical, grade = sizes(650)
    assert numerical <= 4 and grade <= 5
