"""linviz dashboard: streamlit run dashboard/app.py"""
from __future__ import annotations

import sys
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


# The shared sidebar is drawn here, in the entry script, so its widgets keep their state across pages (a page run
# on its own, as in tests, draws it itself). Each page draws itself in a fragment (common.page), and the URL is
# written at the end of the run.
common.guarded(common.sidebar)
state.set_sidebar_drawn(True)
try:
    common.guarded(page.run)
finally:
    common.guarded(state.publish_url)
