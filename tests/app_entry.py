"""The app as production runs it, for AppTest: the entry script dashboard/app.py (page config, st.navigation, the
shared sidebar, the URL written at the end of the run), opened at one of its pages.

A page is chosen as a click in the page menu chooses it: AppTest.switch_page before the first run asks the
navigation for the page whose URL path is the file's name (st.Page's default), and the entry script runs it.

One difference from the browser is made up for: a control that only the page depends on reruns only the page's
fragment (common.page), and AppTest's element tree then holds only what that run drew, while the browser keeps the
sidebar of the last full run on screen, its controls usable. BrowserAppTest keeps it too.
"""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block, Button, ChatInput, DownloadButton, MenuButton

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
PAGES = Path(APP).parent / "app_pages"


class BrowserAppTest(AppTest):
    """An AppTest whose tree keeps the sidebar on screen after a run that did not draw it (a page-only rerun), as
    the browser does: its widgets can be used, and their values go with the next run. `drawn_sidebar` is the
    sidebar the last run itself drew (empty after a page-only rerun)."""

    drawn_sidebar: Block | None = None

    def _run(self, widget_state=None, timeout=None) -> AppTest:
        before = self._tree
        result = super()._run(widget_state, timeout)
        after = self._tree
        self.drawn_sidebar = after.sidebar
        if not after.sidebar.children and 1 in before.children and before.sidebar.children:
            kept = before.children[1]
            for node in kept:
                node.root = after  # (an element runs the tree it belongs to: the new one)
                if isinstance(node, (Button, DownloadButton)):  # a click was sent with the run it started
                    node._value = False
                elif isinstance(node, (MenuButton, ChatInput)):
                    node._value = None
            after.children[1] = kept
        return result


def open_app(page: str | None = None, query: dict | None = None, timeout: float = 60) -> AppTest:
    """The entry script at `page` (a file of dashboard/app_pages, "loss.py" or "app_pages/loss.py"; None: the
    landing page) with the URL query `query`, not run yet."""
    at = BrowserAppTest(APP, default_timeout=timeout)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    if page:
        at.switch_page(f"{PAGES.name}/{Path(page).name}")
    return at


def page_shown(at: AppTest) -> str:
    """The file name of the page the last run drew (AppTest keeps the pages st.navigation registered)."""
    info = at._registered_pages.get(at._finished_page_script_hash, {})
    return Path(str(info.get("script_path", ""))).name


def run_app(page: str | None = None, query: dict | None = None) -> AppTest:
    """open_app(page, query), run once: no exception, and the page asked for is the page drawn."""
    at = open_app(page, query).run()
    assert not at.exception, [e.value for e in at.exception]
    if page:  # (a page whose URL path is not its file name would open the landing page instead)
        assert page_shown(at) == Path(page).name, f"asked for {page}, the app drew {page_shown(at)}"
    return at
