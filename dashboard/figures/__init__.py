"""Plotly figures for the dashboard: numpy arrays in, go.Figure out (no Streamlit here).

`base` is the fast-Plotly kernel and states the contract every figure keeps; `format` writes every number;
one module per viewpoint: `classifier` (geometric and visual), `training`, `landscape`, `learning_rates`,
`gradients` (the gradient pages), `loss_shapes` (the Loss page), with `input_space` and `shared` holding what
several of them draw.
The figure builders and the palette are re-exported here: `from dashboard import figures as F;
F.classifier_figure(...)`.
"""
from dashboard.figures.base import PALETTE, RUN_COLORS, SYMBOLS, class_color, region_color
from dashboard.figures.classifier import (
    CLASSIFIER_VIEWS_HEIGHT,
    classifier_figure,
    classifier_views_figure,
    templates_figure,
)
from dashboard.figures.landscape import landscape_figure, landscape_pair_figure, surface3d_figure
from dashboard.figures.learning_rates import lr_comparison_figures
from dashboard.figures.loss_shapes import loss_shapes_figure
from dashboard.figures.training import animation_frame, classifier_animation, loss_curves_figure

__all__ = [
    "CLASSIFIER_VIEWS_HEIGHT", "PALETTE", "RUN_COLORS", "SYMBOLS", "animation_frame", "class_color",
    "classifier_animation", "classifier_figure", "classifier_views_figure", "landscape_figure",
    "landscape_pair_figure", "loss_curves_figure", "loss_shapes_figure", "lr_comparison_figures", "region_color",
    "surface3d_figure", "templates_figure",
]
