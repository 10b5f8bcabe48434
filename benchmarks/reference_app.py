"""A minimal Streamlit + Plotly app: the floor that bench_browser.py compares linviz against.

One slider drives one figure: a 100x100 heatmap and 300 scatter points, both recomputed each rerun.

    python -m streamlit run benchmarks/reference_app.py
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="reference", layout="wide")
phase = st.slider("Phase", 0, 100, 50, key="phase")

grid = np.linspace(-3, 3, 100)
xx, yy = np.meshgrid(grid, grid)
a = phase / 100 * 2 * np.pi
z = np.sin(xx * np.cos(a) + yy * np.sin(a)) * np.exp(-(xx**2 + yy**2) / 8)
rng = np.random.default_rng(0)
pts = rng.standard_normal((300, 2))
rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
pts = pts @ rot.T

fig = go.Figure([go.Heatmap(x=grid, y=grid, z=z, colorscale="Viridis"),
                 go.Scatter(x=pts[:, 0], y=pts[:, 1], mode="markers", marker=dict(color="white", size=6))])
fig.update_layout(height=520, margin=dict(l=40, r=20, t=30, b=40))
st.plotly_chart(fig, key="reference_fig", theme=None)
