"""A Plotly chart that is updated in place, for WebGL (3-D) figures: st.plotly_chart redraws them from scratch.

Why: st.plotly_chart gives a chart whose figure changed a new element id, so the browser mounts a new Plotly
chart for it. For a 3-D figure that means a new WebGL context and every shader compiled again: 1.1-1.5 CPU-seconds
per Step in Chromium without GPU acceleration, against 0.06 s for Plotly.react on the chart already there
(benchmarks/bench_surface3d.py, issue 8.13); a rotated camera was reset on every Step, too.

This Streamlit component (components v2, drawn into the page itself, not an iframe) keeps one chart element for
its key and hands each new figure to Plotly.react. It uses the Plotly that Streamlit's own charts load
(window.Plotly), so a page that draws this chart draws an st.plotly_chart as well (the Landscape page's pair).
"""
from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

# The browser side: wait for Streamlit's Plotly, then draw or update the chart. layout.datarevision is set per
# figure so that Plotly.react compares no data arrays (figures/ writes a constant one for st.plotly_chart, whose
# charts are new for every figure). WebGL resolution = the screen's (Plotly's default is twice that).
_JS = """
export default function ({ parentElement, data }) {
  const root = parentElement.querySelector('.linviz-webgl-chart > div');
  const figure = JSON.parse(data.figure);
  let tries = 0;
  const draw = () => {
    const Plotly = window.Plotly;
    if (!Plotly) {
      if (++tries > 400) { root.textContent = 'The 3-D view could not start: reload the page.'; return; }
      setTimeout(draw, 25);
      return;
    }
    root.style.height = (figure.layout.height || 450) + 'px';
    figure.layout.datarevision = data.revision;
    const config = {...data.config, responsive: true,
                    plotGlPixelRatio: Math.min(Math.max(window.devicePixelRatio || 1, 1), 2)};
    Plotly.react(root, figure.data, figure.layout, config);
  };
  draw();
  return () => { if (window.Plotly) window.Plotly.purge(root); };
}
"""
# data-testid: tests and benchmarks find this chart as they find Streamlit's Plotly charts
_HTML = '<div class="linviz-webgl-chart" data-testid="stPlotlyChart"><div style="width: 100%"></div></div>'
_component = st.components.v2.component("linviz_webgl_chart", html=_HTML, js=_JS, isolate_styles=False)


def webgl_chart(fig: go.Figure, key: str, config: dict) -> None:
    """Draw fig (a Plotly figure, e.g. 3-D) under key; a later figure for the same key updates it in place."""
    spec = fig.to_json()
    _component(key=key, data={"figure": spec, "config": config, "revision": str(hash(spec))}, height="content")
