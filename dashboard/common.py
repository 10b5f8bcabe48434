"""What every page starts from: the Config, the data and the cached training run at step t."""
from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import streamlit as st

from dashboard import behaviour, compute, controls, scenes, state
from dashboard.config import Config
from dashboard.links import quote

if TYPE_CHECKING:  # (pandas is imported where a table is drawn: the landing page does without it)
    import pandas as pd

PLOT_CONFIG = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}}


def show_messages(messages: list[tuple[str, str]]) -> None:
    """Each message once: "link" (a link's value that was not used), "warning" (an input that was not used) or
    "note" (a consequence of the user's choice, as information). User text in them is quoted (links.quote)."""
    for kind, message in dict.fromkeys(messages):
        if kind == "note":
            st.info(message, icon=":material/info:")
        else:
            st.warning(message, icon=":material/link:" if kind == "link" else ":material/warning:")


def sidebar() -> Config:
    """Link warnings, the shared sidebar (Step / Reset / Run, then Data -> Model -> Loss -> Optimizer)."""
    cfg = state.load()
    shown = state.messages()  # (a link's values that were not used among them, once)
    cfg = controls.sidebar(cfg)
    cfg, more = state.commit(cfg)  # (the controls' callbacks validate each change: normally nothing is left)
    show_messages(shown + [("note", m) for m in more])
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
        st.error(f"Something went wrong while drawing this view ({type(err).__name__}: {quote(err, 120)}). This "
                 "is a bug in linviz, not in your settings: they are kept, and the address bar's link reproduces "
                 "this view for a bug report. Other pages still work.", icon=":material/error:")


def page(body: Callable[[], None]) -> None:
    """Draw a page in a fragment. A sidebar control that only the page depends on (a page_only field of
    config.SCHEMA, see controls.apply) then reruns just this fragment: the sidebar is neither run nor sent to the
    browser again, which made a slider change ~5% faster (399 -> 377 ms, benchmarks/bench_browser.py). The address
    bar is updated at its end."""

    @st.fragment(key=state.PAGE)
    def fragment():
        try:
            show_messages(state.messages())  # from a callback of the run that led here
            guarded(body)
        finally:
            guarded(state.publish_url)

    fragment()


def context(through_t: bool = False) -> scenes.Context:
    """The data and the cached run of the Config (the entry script drew the sidebar): the whole horizon, or with
    through_t (a page that shows step t only) the steps up to t rounded up to scenes.CHUNK."""
    cfg = state.load()
    ctx = scenes.load(cfg, through_t=through_t)  # (compute.history shows a spinner while it trains)
    message = divergence_message(ctx.hist, cfg.lr)
    if message:
        st.warning(message, icon=":material/error:")
    return ctx


LARGEST_NUMBER_SHOWN = 2.0**53  # Streamlit's number columns show a larger value raw, in a red-cornered error cell


def too_large_as_text(table: pd.DataFrame, columns, fmt: Callable[[float], str]) -> tuple[pd.DataFrame, list]:
    """(table, the columns that stay numbers): each of `columns` holding a value beyond ±2⁵³ (a diverged run's
    10¹⁵³) becomes its text, written by fmt ("—" where a cell is empty), so that st.dataframe shows 1.7×10¹⁵³ as a
    number column would have."""
    import pandas as pd

    table, numeric = table.copy(), []
    for column in columns:
        values = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float)
        if (np.abs(values[np.isfinite(values)]) >= LARGEST_NUMBER_SHOWN).any():
            table[column] = ["—" if np.isnan(v) else fmt(v) for v in values]
        else:
            numeric.append(column)
    return table, numeric


def train_with_progress(runs: list[tuple[str, Config]], curves: bool = False) -> None:
    """Train the (label, Config) runs that are not cached yet, one at a time under a progress bar: a page that
    shows several runs of 2000 mini-batch steps on 1000 points needs seconds, and between runs the page can be
    interrupted by the student's next change (a cached run is skipped; the page then finds them all cached).
    curves: the runs of compute.curve (a page that draws their loss curves only), else of compute.history."""
    is_cached, train = (compute.is_curve_cached, compute.curve) if curves else (compute.is_cached, compute.history)
    todo = [(label, cfg) for label, cfg in runs if not is_cached(cfg)]
    if not todo:
        return
    bar = st.progress(0.0)
    for k, (label, cfg) in enumerate(todo):
        bar.progress(k / len(todo), text=f"Training {label} ({k + 1} of {len(todo)}, {cfg.steps:,} steps)")
        train(compute.TrainSpec.of(cfg))
    bar.empty()


def divergence_message(hist, lr: float) -> str | None:
    """What the pages say about a run that blew up, by the one rule the Learning-rates page also names runs by
    (scenes.blew_up: the first step whose loss is not finite or grew BLOWUP-fold, or from which a run that ends
    above ENDS_ABOVE x its start stayed there); None for a run that did not."""
    step = scenes.blew_up(hist)
    if step is None:
        return None
    if hist.diverged_at is not None and step >= hist.diverged_at:
        how = "the loss or the parameters stopped being finite"
    elif step < len(hist.loss) and hist.loss[step] <= scenes.BLOWUP * hist.loss[0]:  # (it ended far above)
        how = (f"its loss rose above {behaviour.ENDS_ABOVE:g}× its start (L₀ = {hist.loss[0]:.3g}) and stayed there "
               f"(it ends at {hist.loss[-1]:.3g})")
    else:  # grew 100-fold first (and may go non-finite later)
        how = f"its loss grew past {scenes.BLOWUP:g}× its start (L₀ = {hist.loss[0]:.3g})"
    shown = (f" Everything shown stops at step {hist.steps}, the last finite one." if hist.diverged_at is not None
             else "")
    return (f"Training **diverged at step {step}**: {how} with learning rate α = {lr:g}.{shown} "
            "A smaller learning rate avoids it.")


def chart(fig, key: str, **kwargs):
    """st.plotly_chart with the project's defaults (PNG download at 2x from the modebar). A selectable chart
    gets the click, hover and drag modes Streamlit's chart component would set, so that the component leaves
    the layout as it is and the browser draws the figure once (see figures.base.LAYOUT_STYLE)."""
    if kwargs.get("on_select", "ignore") != "ignore":
        modes = kwargs.get("selection_mode", ("points", "box", "lasso"))
        modes = (modes,) if isinstance(modes, str) else tuple(modes)
        points = "points" in modes
        fig.update_layout(clickmode=fig.layout.clickmode or ("event+select" if points else "none"),
                          hovermode=fig.layout.hovermode or "closest",
                          dragmode=fig.layout.dragmode or ("pan" if points else "select" if "box" in modes
                                                           else "lasso"))
    return st.plotly_chart(fig, key=key, config=PLOT_CONFIG, theme=None, **kwargs)
