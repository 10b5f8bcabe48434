"""Every page's charts can be exported, and an export is the chart the page draws for the same link: the scene of
each page (pages.PAGES, its `exports` and `scene`) gives the figures the page itself shows, trace for trace."""
from __future__ import annotations

import json

import plotly.io as pio
import pytest

from dashboard import pages
from dashboard.config import DEFAULT
from dashboard.links import from_query
from dashboard.scenes import all_figures, load
from tests.app_entry import run_app

# A view off the defaults for each exported page: the export must follow the link, not the defaults
VIEWS = {
    "loss.py": {"t": "12", "point": "5", "lecture_image": "1", "lecture_scores": "3.2,5.1,-1.7,1.3,4.9,2,2.2,2.5,-3.1"},
    "likelihood.py": {"kl_class": "5"},
    "regularization.py": {"rg_penalty": "l1", "rg_reg": "0.3", "rg_at": "t", "t": "40"},
    "numerical_gradient.py": {"t": "10", "ng_dims": "4", "ng_coord": "2", "ng_h": "0.01", "ng_method": "centered"},
    "gradient_check.py": {"loss": "svm", "t": "20", "gc_bug": "hinge_no_count"},
    "derivations.py": {"dv_rule": "sigmoid", "dv_steps": "7", "dv_dims": "2"},
    "search.py": {"sr_budget": "200", "sr_lr": "0.1", "sr_metric": "accuracy", "seed": "3"},
    "optimizers.py": {"op_focus": "adam", "t": "15", "steps": "60", "op_decay": "exponential",
                      "op_sched_steps": "200", "op_sched_batch": "4"},
    "minibatch.py": {"mb_sizes": "2,16,64", "mb_draws": "100", "t": "20", "steps": "80", "lr": "0.3"},
    "images.py": {"im_data": "shapes", "im_shapes": "4", "t": "10", "steps": "60", "im_image": "4", "im_class": "1",
                  "im_b": "2"},
}
# The tab or section that shows a chart only when it is open
OPEN = {"numerical_gradient.py": ("ng_view", ("walkthrough", "limit", "error")),
        "loss.py": ("loss_source", ("data", "lecture")),
        "optimizers.py": ("op_view", ("slice", "schedules", "convexity"))}
NOT_PLOTLY = {"computation_graph.py"}  # (a Graphviz graph, not a Plotly figure)


WALL_CLOCK = " s: "  # in the hover text of a curve against compute seconds (the Search page's right panel)


def comparable(data: list) -> str:
    """A figure's data as JSON, for comparing; the seconds of a curve against wall-clock time left out: a race
    computed again takes other seconds (each of them is measured, not computed)."""
    for trace in data:
        if WALL_CLOCK in trace.get("hovertemplate", "") and trace.get("xaxis") == "x2":
            trace["x"] = "(seconds)"
    return json.dumps(data, sort_keys=True)


def traces(fig) -> str:
    """The figure's data as the browser receives it (plotly's JSON), for comparing."""
    return comparable(json.loads(pio.to_json(fig, validate=False))["data"])


def page_traces(page: str, query: dict) -> list[str]:
    at = run_app(page, query)
    return [comparable(json.loads(e.proto.spec)["data"]) for e in at.get("plotly_chart")]


@pytest.mark.parametrize("file", sorted(VIEWS))
def test_an_export_is_the_chart_the_page_draws_for_the_same_link(file):
    page = pages.by_file(file)
    query = VIEWS[file]
    cfg, problems = from_query(query)
    assert not problems
    key, views = OPEN.get(file, (None, (None,)))
    drawn = []
    for view in views:
        drawn += page_traces(file, {**query, key: view} if key else query)
    figs = page.figures()(load(cfg))
    assert set(figs) == set(page.exports)
    for name, fig in figs.items():
        assert traces(fig) in drawn, f"the export {name!r} is not a chart {file} draws for {query}"


def test_every_page_with_a_plotly_chart_exports_it():
    missing = [p.file for p in pages.PAGES if p.charts and not p.exports and p.file not in NOT_PLOTLY]
    pending = set()  # (every page's scene is written)
    assert set(missing) <= pending, missing


def test_all_figures_writes_each_name_once_and_every_figure_has_data():
    figs = all_figures(DEFAULT.replace(steps=20))
    assert list(figs) == list(pages.EXPORTS) and len(set(pages.EXPORTS)) == len(pages.EXPORTS)
    assert all(fig.data for fig in figs.values())


def test_the_new_figures_print_at_a_width_and_their_curves_apart_in_black_and_white():
    from dashboard.printable import printable

    figs = all_figures(DEFAULT.replace(steps=20, t=10))
    for name in ("loss_shapes", "kl", "penalty_lines", "weight_paths", "ng_walkthrough", "ng_limit", "ng_error",
                 "gradient_check", "derivation_rule", "sigmoid"):
        fig, width, height = printable(name, figs[name])
        assert 600 <= width <= 1400 and height >= 300, (name, width, height)  # (a width of 0 made kaleido fail)
    for name in ("loss_shapes", "lecture_shapes", "sigmoid"):  # the hinge solid, cross-entropy dashed; σ and σ'
        fig, _, _ = printable(name, figs[name])
        curves = [t.line.dash or "solid" for t in fig.data if t.mode == "lines" and t.type == "scatter"]
        assert len(set(curves)) >= 2, (name, curves)
