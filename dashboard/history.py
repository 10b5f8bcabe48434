"""One browser-history entry per page change, so that Back after opening a page goes back to the page before.

A click in the page menu makes Streamlit's frontend push the new page's bare address (`/loss`, no query:
maybeUpdatePageUrl), and the run that follows publishes the view's query, which the frontend pushes as a second
entry (`/loss?t=2`). Back from there landed on the bare entry: nothing visible changed, and a second Back was needed.
This element (components v2: no iframe, it runs in the app's page and draws nothing) turns that second push into a
replacement of the bare entry: the push of the same page with a query, right after a bare push and before any key
or pointer input. Every other push (each change a user makes) stays its own entry, so Back still undoes one change.
state.publish_url keeps its mirror of the tab's history in step (it replaces the menu's entry in the same case).
"""
from __future__ import annotations

import streamlit as st

JS = r"""
export default function () {
  if (window.__linvizOneEntryPerPage) return;
  window.__linvizOneEntryPerPage = true;
  const push = window.history.pushState.bind(window.history);
  let bare = null;  // the page path Streamlit just pushed without a query, until the next push or user input
  const forget = () => { bare = null; };
  window.addEventListener("pointerdown", forget, true);
  window.addEventListener("keydown", forget, true);
  window.history.pushState = (state, title, url) => {
    const next = new URL(String(url), window.location.href);
    const merge = bare !== null && !window.location.search && window.location.pathname === bare
      && next.pathname === bare && next.search;
    bare = next.search ? null : next.pathname;
    return merge ? window.history.replaceState(state, title, url) : push(state, title, url);
  };
}
"""
CSS = ".st-key-one_entry_per_page { display: none; }"
_mount = st.components.v2.component("linviz_history", js=JS, css=CSS, isolate_styles=False)


def one_entry_per_page() -> None:
    """Install the rule in the tab (once; drawn by the entry script on every full run)."""
    _mount(key="one_entry_per_page")
