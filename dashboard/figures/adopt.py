"""Figures that take their traces as they are (see `adopting`): the kernel's `_figure` builds every figure so."""
from __future__ import annotations

import plotly.graph_objects as go
from plotly.basedatatypes import BaseTraceType


def adopting(traces, layout: dict) -> go.Figure:
    """go.Figure(data=traces, layout=layout, _validate=False), without building every trace a second time.

    Plotly's constructor copies each trace's properties (a deepcopy) and builds a new trace object from the copy:
    for the Classifier page's 26 traces that was half of the figure's cost on the server (~10 ms a rerun). The
    traces built by `_trace` belong to nobody yet, so the figure takes them as they are, as its constructor ends:
    their properties become its data, each trace points back to it. A trace that belongs to another figure, or
    anything but a trace object (a dict), goes through the constructor (tests/test_fast_figure.py: same figure)."""
    traces = list(traces)
    if not all(isinstance(t, BaseTraceType) and t.parent is None for t in traces):
        return go.Figure(data=traces, layout=layout, _validate=False)
    fig = go.Figure(layout=layout, _validate=False)
    try:
        fig._data_objs = tuple(traces)
        fig._data = [t._orphan_props for t in traces]
        fig._data_defaults = [{} for _ in traces]
        for i, trace in enumerate(traces):
            trace._parent, trace._trace_ind = fig, i
    except AttributeError:  # pragma: no cover - a Plotly whose figures keep their traces otherwise
        for trace in traces:
            trace._parent = None
        return go.Figure(data=traces, layout=layout, _validate=False)
    return fig
