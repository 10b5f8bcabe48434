"""The figures take their traces as they are (figures.base._adopting): the same figure as Plotly's constructor
makes of the same traces, for every figure the app draws; a trace is never shared by two figures."""
from __future__ import annotations

import plotly.graph_objects as go
import pytest

from dashboard import scenes
from dashboard.config import DEFAULT
from dashboard.figures import base


def _by_constructor(traces, layout):
    return go.Figure(data=list(traces), layout=layout, _validate=False)


@pytest.fixture(scope="module")
def both():
    """Every exported figure at the defaults, built with and without adopting the traces."""
    fast = scenes.all_figures(DEFAULT)
    adopting, base._adopting = base._adopting, _by_constructor
    try:
        slow = scenes.all_figures(DEFAULT)
    finally:
        base._adopting = adopting
    return fast, slow


def test_every_figure_is_the_one_plotlys_constructor_makes(both):
    fast, slow = both
    assert fast.keys() == slow.keys() and len(fast) >= 30
    for name in fast:
        assert fast[name].to_dict() == slow[name].to_dict(), name
        assert fast[name].to_plotly_json() == slow[name].to_plotly_json(), name


def test_the_traces_belong_to_their_figure(both):
    fig = both[0]["classifier_views"]
    for i, trace in enumerate(fig.data):
        assert trace.parent is fig and trace._props is fig._data[i]
    fig.data[0].name = "renamed"  # a change through a trace is a change of the figure
    assert fig.to_dict()["data"][0]["name"] == "renamed"
    fig.update_traces(opacity=0.5, selector=dict(name="renamed"))
    assert fig.data[0].opacity == 0.5


def test_a_trace_of_another_figure_is_copied_not_taken():
    trace = base._trace(go.Scatter, x=[0, 1], y=[1, 2], name="a")
    first = base._figure([trace], {})
    second = base._figure([trace], {})  # (the trace belongs to `first` now)
    second.data[0].name = "b"
    assert first.data[0].name == "a" and second.data[0].name == "b"
    assert first.data[0].parent is first and second.data[0].parent is second

