"""linviz dashboard: streamlit run dashboard/app.py"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # so `dashboard` and `linviz` import without an install
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard import common, history, pages, state, threads  # noqa: E402

threads.one_blas_thread()  # (small products, one rerun per core: see dashboard/threads.py)

st.set_page_config(page_title="linviz · linear classifiers", page_icon=str(ROOT / "assets" / "icon.png"), layout="wide",
                   initial_sidebar_state="expanded")

# The number fields can hold nothing (state.number_field: text that is not a number arrives as None and is
# refused in words), but emptying one is never a choice: no clear button. And the page starts 3 rem from the top,
# not Streamlit's 6 (the minimal toolbar needs no more): at 1280x720 the 6 rem were 14% of a projected screen.
st.html("<style>[data-testid='stNumberInputClearButton'] {display: none}"
        " [data-testid='stMainBlockContainer'] {padding-top: 3rem}</style>")

page = st.navigation([st.Page(p.script, title=p.title, icon=p.icon, url_path=p.name, default=i == 0)
                      for i, p in enumerate(pages.PAGES)])


# The shared sidebar is drawn here, in the entry script, so its widgets keep their state across pages (the tests go
# through this script too: tests/app_entry.py). Each page draws itself in a fragment (common.page), and the URL is
# written at the end of the run (state.begin_run follows the tab's history: Back / Forward undo and redo).
common.guarded(lambda: state.begin_run(page.url_path))
common.guarded(history.one_entry_per_page)
common.guarded(common.sidebar)
try:
    common.guarded(page.run)
finally:
    common.guarded(state.publish_url)
