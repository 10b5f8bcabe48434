"""linviz dashboard: streamlit run dashboard/app.py"""
from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # so `dashboard` and `linviz` import without an install
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard import common, state  # noqa: E402

st.set_page_config(page_title="linviz · linear classifiers", page_icon=str(ROOT / "assets" / "icon.png"), layout="wide",
                   initial_sidebar_state="expanded")

PAGES = Path(__file__).parent / "app_pages"  # not "pages/": that name turns on the legacy multipage mode
pages = [
    st.Page(PAGES / "classifier.py", title="Classifier", icon=":material/scatter_plot:", default=True),
    st.Page(PAGES / "loss.py", title="Loss", icon=":material/functions:"),
    st.Page(PAGES / "training.py", title="Training", icon=":material/play_circle:"),
    st.Page(PAGES / "landscape.py", title="Landscape", icon=":material/landscape:"),
    st.Page(PAGES / "learning_rates.py", title="Learning rates", icon=":material/tune:"),
]
page = st.navigation(pages)


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


# The shared sidebar is drawn here, in the entry script, so its widgets keep their state across
# pages; a page run on its own (as in tests) draws it itself.
state.set_sidebar_drawn(False)
state.defer_url(True)
guarded(common.sidebar)
state.set_sidebar_drawn(True)
try:
    guarded(page.run)
finally:
    state.set_sidebar_drawn(False)
    state.defer_url(False)
    guarded(state.publish_url)
