"""The only module that touches st.session_state and st.query_params.

The Config in session_state is the source of truth. Widgets are keyed by Config field name;
a widget's state is seeded from the Config before it renders (Streamlit forgets the state of
widgets a page did not draw) and read back after. The URL mirrors the Config, so a link
reproduces a view, and a bad URL value falls back to the default with a visible warning.
"""
from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAPIException

from dashboard.config import DEFAULT, Config, from_query, to_query, validate

_CFG = "_config"
_WARN = "_warnings"
_MESSAGES = "_messages"
PAGE = "page"  # the key of the fragment each page is drawn in (common.page)


def load() -> Config:
    """The current Config; on a session's first run, read from the URL."""
    if _CFG not in st.session_state:
        try:
            cfg, warnings = from_query(st.query_params.to_dict())
        except Exception as err:  # a URL must never break the page
            cfg, warnings = DEFAULT, [f"Could not read the link ({err}); using the defaults."]
        st.session_state[_CFG] = cfg
        st.session_state[_WARN] = warnings
    return st.session_state[_CFG]


def url_warnings() -> list[str]:
    """Warnings about the URL this session started from (shown once, then cleared)."""
    return st.session_state.pop(_WARN, [])


def seed(name: str, value) -> str:
    """Give widget `name` the value `value` unless it already holds one; return its key."""
    if name not in st.session_state:
        st.session_state[name] = value
    return name


def slider_key(name: str, value, hi) -> str:
    """Key for a slider whose upper end `hi` changes with the settings (a horizon, a divergence step, N). Streamlit
    makes a slider with a new range a new widget that starts at its minimum, and forgets a widget a run did not
    draw: then (and when it holds nothing) the slider gets `value`, clipped to hi; otherwise it keeps its own."""
    mark = f"_range_{name}"
    if st.session_state.get(name) is None or st.session_state.get(mark) != hi:
        st.session_state[name] = min(value, hi)
    elif st.session_state[name] > hi:
        st.session_state[name] = hi
    st.session_state[mark] = hi
    return name


def widget(name: str, default=None):
    return st.session_state.get(name, default)


def set_widget(name: str, value) -> None:
    """Set a widget's value; only call from callbacks or before the widget is drawn."""
    st.session_state[name] = value


def forget(name: str) -> None:
    st.session_state.pop(name, None)


def commit(cfg: Config) -> tuple[Config, list[str]]:
    """Validate and store; returns the stored Config and repair messages. The URL follows at the end of the run
    (publish_url): a new address makes the browser re-render the whole app, which then no longer delays the
    charts (~10% of a slider change's latency)."""
    cfg, warnings = validate(cfg)
    st.session_state[_CFG] = cfg
    return cfg, warnings


def publish_url() -> None:
    """Mirror the stored Config to the URL (if it changed): at the end of the app's run, of a page's fragment and
    of any fragment that commits on its own."""
    query = to_query(load())
    if query != st.query_params.to_dict():
        st.query_params.from_dict(query)


def flash(message: str) -> None:
    """A message to show on the next run (e.g. from a callback that rejected an input)."""
    st.session_state.setdefault(_MESSAGES, []).append(message)


def messages() -> list[str]:
    return st.session_state.pop(_MESSAGES, [])


def remember(name: str, value=None):
    """Per-session memory that is not a Config field (e.g. cached UI choices)."""
    if value is not None:
        st.session_state[name] = value
    return st.session_state.get(name)


def update(**changes) -> list[str]:
    """Change Config fields from a callback: the stored Config and any drawn widgets follow. Returns the widgets
    given a value (it reaches the browser in a whole-app rerun, not in a page-only one)."""
    st.session_state[_CFG] = st.session_state.get(_CFG, DEFAULT).replace(**changes)
    widgets = [name for name in changes if name in st.session_state]
    for name in widgets:
        st.session_state[name] = changes[name]
    return widgets


def set_sidebar_drawn(drawn: bool) -> None:
    """The entry script draws the shared sidebar (and it stays on screen while only a page fragment reruns)."""
    st.session_state["_sidebar_drawn"] = drawn


def sidebar_drawn() -> bool:
    return bool(st.session_state.get("_sidebar_drawn"))


def store(cfg: Config) -> None:
    """Store a Config that validate() left as it is (from a callback; the URL follows at the end of the run)."""
    st.session_state[_CFG] = cfg


def rerun_page() -> None:
    """From a widget callback: rerun only the page fragment, not the whole app (the sidebar is not drawn and
    not sent again). If the last run drew no page fragment, the callback returns and the whole app reruns."""
    try:
        st.rerun(PAGE)
    except StreamlitAPIException:  # an unknown fragment key (the last run drew no page)
        return
