"""Landscape: the real hinge and cross-entropy losses on a 2-D slice around the current parameters."""
from __future__ import annotations

from dataclasses import replace

import streamlit as st

from dashboard import pages, scenes, state
from dashboard.common import PLOT_CONFIG, chart, context, page
from dashboard.config import LOSS_LABELS, SLICE_LABELS, param_names
from dashboard.controls import with_value
from dashboard.figures.format import fixed
from dashboard.webgl_chart import webgl_chart

SURFACE_WIDTH = 820  # px: the 3-D chart, 560 px tall, with its colour bar (a cube fits the height)
EXTENTS = [0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 25.0, 50.0]


def body():
    ctx = context()
    cfg, hist = ctx.cfg, ctx.hist
    st.header(pages.by_file(__file__).heading)
    st.latex(r"\theta(u, v) = \theta_t + u\, d_1 + v\, d_2, \qquad "
             r"\text{colour} = L(\theta(u, v)) = \tfrac{1}{N}\textstyle\sum_i L_i + \lambda R(W)")

    c1, c2, c3 = st.columns([0.4, 0.35, 0.25])
    slice_kind = c1.radio("Slice through parameter space", list(SLICE_LABELS), key=state.seed("slice", cfg.slice),
                          format_func=SLICE_LABELS.get, horizontal=False,
                          help="PCA: the plane the optimizer moved in. Random: Li et al. 2018 filter-normalized "
                               "directions. Parameters: vary two entries of W or b, keep the rest fixed.")
    names = list(param_names(cfg.n_classes, ctx.info.n_features))
    param1, param2 = cfg.param1, cfg.param2
    if slice_kind == "params":
        param1 = c1.selectbox("u varies", names, key=state.seed("param1", cfg.param1))
        others = [n for n in names if n != param1]
        if state.seed("param2", cfg.param2) and state.widget("param2") not in others:
            state.set_widget("param2", others[0])
        param2 = c1.selectbox("v varies", others, key="param2")
    auto = c2.toggle("Fit the view to the trajectory", key=state.seed("auto_extent", cfg.auto_extent))
    extent = cfg.extent
    if not auto:
        extent = c2.select_slider("Extent (half-width of the view)", with_value(EXTENTS, cfg.extent),
                                  key=state.seed("extent", cfg.extent),
                                  help="The view spans −extent … extent along d₁ and d₂")
    show3d = c3.toggle("3-D surface", key=state.seed("show3d", cfg.show3d))
    log_color = c3.toggle("Log colour scale", key=state.seed("log_color", cfg.log_color))
    cfg, _ = state.commit(cfg.replace(slice=slice_kind, param1=param1, param2=param2, extent=float(extent),
                                      auto_extent=auto, show3d=show3d, log_color=log_color))

    with st.spinner("Computing the landscapes…"):
        scene = scenes.landscape_scene(replace(ctx, cfg=cfg))
    chart(scene.figures["landscape_pair"], "landscape_pair")
    along = f"{cfg.param1} and {cfg.param2}" if slice_kind == "params" else "d₁ and d₂"  # (as the axes say)
    st.caption(f"Both losses on the same slice, centred on the parameters at step t = {ctx.t} (red star); "
               f"the line is the whole training run of {hist.steps} steps projected onto the slice "
               f"(training minimizes **{LOSS_LABELS[cfg.loss]}**). Regularization λ = {cfg.reg:g} "
               f"({cfg.penalty}) is part of both surfaces. The view spans ±{scene.extent:.3g} along {along}. "
               f"On the {LOSS_LABELS[cfg.loss]} panel the arrows at the star: −∇L, the steepest way down (projected "
               f"on the slice), and the step −α∇L a gradient step takes from here.")
    if "landscape_3d" in scene.figures:  # updated in place: a new 3-D chart per Step cost ~1.5 s (webgl_chart)
        # (a cube fits the chart's height: at 1920 px a full-width chart left the surface a third of its box and
        # its colour bar far to the right)
        with st.container(width=SURFACE_WIDTH):
            webgl_chart(scene.figures["landscape_3d"], "landscape_3d", PLOT_CONFIG)
    if slice_kind == "params":
        st.caption("With two chosen parameters the other entries stay at their step-t values, so the projected "
                   "trajectory shows how those two entries moved while all of them changed.")
    st.markdown(f"At the centre (step t): hinge **{fixed(scene.centre['svm'], 4)}**, "
                f"cross-entropy **{fixed(scene.centre['softmax'], 4)}**.")


page(body)
