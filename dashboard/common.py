"""What every page starts from: the Config, the data and the cached training run at step t."""
from __future__ import annotations

import os
import traceback
from collections.abc import Callable

import numpy as np
import streamlit as st

from dashboard import controls, state, views
from dashboard.config import Config

PLOT_CONFIG = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}}


def sidebar() -> Config:
    """URL warnings, the shared sidebar (Data -> Model -> Loss -> Optimizer), then the URL update."""
    cfg = state.load()
    for message in state.url_warnings():
        st.warning(message, icon=":material/link:")
    for message in state.messages():
        st.warning(message, icon=":material/warning:")
    repairs = controls.repair_widgets(cfg)
    cfg = controls.sidebar(cfg)
    cfg, more = state.commit(cfg)
    for message in [*repairs, *more]:
        st.warning(message, icon=":material/warning:")
    # (no step number here: the sidebar is not redrawn when only the page reruns, and a fragment that writes
    # into the sidebar fails when rapid reruns interrupt the full run it depends on; each page shows t itself)
    st.sidebar.caption("Step, Reset and Run move the step t each page shows · the address bar's link reproduces "
                       "this view")
    return cfg


def guarded(fn):
    """Run fn; an unexpected error becomes a short message, never a traceback on the page."""
    try:
        return fn()
    except Exception as err:
        if os.environ.get("LINVIZ_RAISE"):  # tests want to see the error itself
            raise
        traceback.print_exc()
        st.error(f"Something went wrong while drawing this view ({type(err).__name__}: {err}). "
                 "The settings are kept; change one of them or press Reset.", icon=":material/error:")


def page(body: Callable[[], None]) -> None:
    """Draw a page in a fragment. A sidebar control that only the page depends on (see controls.PAGE_ONLY) then
    reruns just this fragment: the sidebar is neither run nor sent to the browser again, which made a slider
    change ~5% faster (399 -> 377 ms, benchmarks/bench_browser.py). The address bar is updated at its end."""

    @st.fragment(key=state.PAGE)
    def fragment():
        try:
            for message in state.messages():  # from a callback of the run that led here
                st.warning(message, icon=":material/warning:")
            guarded(body)
        finally:
            guarded(state.publish_url)

    fragment()


def context(through_t: bool = False) -> views.Context:
    """Draw the sidebar (unless the entry script did), then load the data and the cached run: the whole
    horizon, or with through_t (a page that shows step t only) the steps up to t rounded up to views.CHUNK."""
    cfg = state.load() if state.sidebar_drawn() else sidebar()
    ctx = views.load(cfg, through_t=through_t)  # (compute.history shows a spinner while it trains)
    hist = ctx.hist
    if hist.diverged_at is not None:
        st.warning(f"Training **diverged at step {hist.diverged_at}**: the loss or the parameters stopped "
                   f"being finite with learning rate α = {cfg.lr:g}. Everything shown stops at step "
                   f"{hist.steps}, the last finite one. Lower the learning rate or press Reset.",
                   icon=":material/error:")
    return ctx


def chart(fig, key: str, **kwargs):
    """st.plotly_chart with the project's defaults (PNG download at 2x from the modebar). A selectable chart
    gets the click, hover and drag modes Streamlit's chart component would set, so that the component leaves
    the layout as it is and the browser draws the figure once (see figures.LAYOUT_STYLE)."""
    if kwargs.get("on_select", "ignore") != "ignore":
        modes = kwargs.get("selection_mode", ("points", "box", "lasso"))
        modes = (modes,) if isinstance(modes, str) else tuple(modes)
        points = "points" in modes
        fig.update_layout(clickmode=fig.layout.clickmode or ("event+select" if points else "none"),
                          hovermode=fig.layout.hovermode or "closest",
                          dragmode=fig.layout.dragmode or ("pan" if points else "select" if "box" in modes
                                                           else "lasso"))
    return st.plotly_chart(fig, key=key, config=PLOT_CONFIG, theme=None, **kwargs)


def fmt(v: float, digits: int = 3) -> str:
    """A number for a formula: fixed digits, no '-0.000'."""
    s = f"{v:.{digits}f}"
    return s if s.strip("-0.") else f"{0:.{digits}f}"


def sig(v: float, digits: int = 3) -> str:
    """A number with `digits` significant digits, never in e-notation for |v| >= 1e-4: 0.0123, -4.56."""
    if v == 0 or not np.isfinite(v):
        return "0" if v == 0 else str(v)
    if abs(v) < 1e-4 or abs(v) >= 1e6:
        return f"{v:.{digits - 1}e}"
    decimals = max(0, digits - 1 - int(np.floor(np.log10(abs(v)))))
    return f"{v:.{decimals}f}"
