"""The only module that touches st.session_state and st.query_params.

The Config in session_state is the source of truth. Widgets are keyed by Config field name;
a widget's state is seeded from the Config before it renders (Streamlit forgets the state of
widgets a page did not draw) and read back after. The URL mirrors the Config, so a link
reproduces a view, and a bad URL value falls back to the default with a visible warning.

The browser's Back and Forward buttons undo and redo. Streamlit 1.67's frontend pushes a history
entry for every new query string a run publishes (`handlePageInfoChanged` calls
`history.pushState`, or `replaceState` only during a history navigation), and on Back / Forward
(`popstate`) it reruns the app with that entry's query string and `isHistoryNavigation`. The
other choice, replacing the entry on each change, is not open to an app: st.query_params has no
"replace" and the push happens in the frontend. So each entry restores its view: on a history
navigation the Config is read again from the URL and every widget drawn is given its value
(begin_run). One wrinkle: on a click in the page menu the frontend pushes the new page's address
without our query (`maybeUpdatePageUrl`), and the run then pushes the full one. Back onto such an
entry must not reset every setting to its default: `_HISTORY` mirrors this tab's entries, so such an
entry keeps the view (and the run writes the full query into it).
"""
from __future__ import annotations

from dataclasses import fields

import streamlit as st
from streamlit.errors import StreamlitAPIException
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard.config import DEFAULT, Config
from dashboard.links import from_query, to_query, validate

_CFG = "_config"
_MESSAGES = "_messages"
_HISTORY = "_history"  # this tab's history entries since the session started: [page, query, pushed by a page menu]
_AT = "_history_at"  # the entry shown
_PAGE = "_page"  # the page (URL path) of the last full run
_WRITTEN = "_written:"  # + a text box's key: the texts the server last wrote into it, newest last
_FIELDS = frozenset(f.name for f in fields(Config))
_KEPT = "_kept:"  # + a number field's key: the number it showed last (given back when it is emptied)
PAGE = "page"  # the key of the fragment each page is drawn in (common.page)
MAX_RATES = 6  # the Learning-rates page keys its inputs lr_0 ... lr_5


def _history_navigation() -> bool:
    """Whether the browser's Back / Forward started this run (Streamlit then sends the entry's query string)."""
    return bool(getattr(get_script_run_ctx(), "is_history_navigation", False))


def _read_link() -> Config:
    """The Config of the URL; what in it was not used is flashed as "link" messages (shown once, in the sidebar)."""
    try:
        cfg, warnings = from_query(st.query_params.to_dict())
    except Exception as err:  # a URL must never break the page (from_query reports bad values itself)
        cfg, warnings = DEFAULT, [f"Could not read the link ({type(err).__name__}); using the defaults."]
    st.session_state[_CFG] = cfg
    for warning in warnings:
        flash(warning, kind="link")
    return cfg


def _restore_widgets(cfg: Config) -> None:
    """After a history navigation: every widget keyed by a Config field shows the entry's value (its state came
    from the browser, which still shows the view we are leaving). Called before any widget is drawn."""
    for f in fields(Config):
        if f.name in st.session_state:
            st.session_state[f.name] = getattr(cfg, f.name)
    for k in range(MAX_RATES):
        if k < len(cfg.lrs):
            st.session_state[f"lr_{k}"] = float(cfg.lrs[k])
        else:
            st.session_state.pop(f"lr_{k}", None)


def load() -> Config:
    """The current Config; on a session's first run, read from the URL."""
    if _CFG not in st.session_state:
        _read_link()
    return st.session_state[_CFG]


def begin_run(page: str) -> None:
    """At the start of each full run of the app on `page` (its URL path), before any widget: follow this tab's
    history. On Back / Forward the entry's view comes back (read from its URL), unless it is an entry the page menu
    pushed without a query."""
    navigated = _history_navigation()
    query = st.query_params.to_dict()
    history, at = st.session_state.get(_HISTORY), st.session_state.get(_AT, 0)
    if history is None:  # the session's first run
        st.session_state[_HISTORY], st.session_state[_AT], st.session_state[_PAGE] = [[page, query, False]], 0, page
        load()
        return
    if navigated:
        near = [i for i in (at - 1, at + 1) if 0 <= i < len(history) and history[i][0] == page
                and (history[i][2] or history[i][1] == query)]  # Back, Forward
        st.session_state[_AT] = at = near[0] if near else at
        menu_entry = bool(near) and history[at][2]
        if not menu_entry and query != to_query(load()):
            _restore_widgets(_read_link())
        if not near:  # (the tab's history went further than this session knows): start the mirror again
            st.session_state[_HISTORY], st.session_state[_AT] = [[page, query, False]], 0
    elif page != st.session_state.get(_PAGE):  # a click in the page menu pushed this page's address, no query
        _push([page, query, True])
    st.session_state[_PAGE] = page


def _push(entry: list) -> None:
    at = st.session_state.get(_AT, 0) + 1
    st.session_state[_HISTORY] = [*st.session_state.get(_HISTORY, [])[:at], entry]
    st.session_state[_AT] = at


def seed(name: str, value, hi=None) -> str:
    """Give widget `name` the value `value` unless it already holds one; return its key.

    With `hi`, the upper end of a slider whose range changes with the settings (a horizon, a divergence step, N):
    Streamlit makes a slider with a new range a new widget that starts at its minimum, and forgets a widget a run
    did not draw. Then (and when it holds nothing) the slider gets `value`, clipped to hi; otherwise it keeps its
    own, clipped to hi."""
    if hi is None:
        if name not in st.session_state:
            st.session_state[name] = value
        return name
    mark = f"_range_{name}"
    if st.session_state.get(name) is None or st.session_state.get(mark) != hi:
        st.session_state[name] = min(value, hi)
    elif st.session_state[name] > hi:
        st.session_state[name] = hi
    st.session_state[mark] = hi
    return name


def number_field(name: str, value, label: str, lo, hi, on_change=None, shown=None) -> dict:
    """key, value=None and on_change for an st.number_input keyed `name` (seeded with `value`), from lo to hi.

    A browser's number field holds nothing for text that is not a number ("abc"), and Streamlit took an emptied
    field as its minimum: α = 1e-05 or w₁ = −5, silently, in the link. With value=None an emptied field arrives
    as None instead; it then gets back the number it showed, and the user is told in words. That number is
    shown() if given, else the Config field `name` if there is one (the Config changes only after the callback),
    else the field's last number. on_change runs for a real number."""
    key = seed(name, value)
    if st.session_state.get(key) is not None:
        st.session_state[_KEPT + key] = st.session_state[key]

    def changed():
        new = st.session_state.get(key)
        if new is not None:
            st.session_state[_KEPT + key] = new
            if on_change is not None:
                on_change()
            return
        if shown is not None:
            kept = shown()
        elif key in _FIELDS:
            kept = getattr(load(), key)
        else:
            kept = st.session_state.get(_KEPT + key, value)
        st.session_state[key] = kept
        flash(f"{label} must be a number from {lo:g} to {hi:g}: it stays {kept:g}.")

    return {"key": key, "value": None, "on_change": changed}


def bound(name: str, value) -> dict:
    """key and on_change for a page's widget that shows Config field `name` (seeded with `value`): a change is
    stored in the Config, so the URL keeps it. A control that can be emptied (a segmented control clicked twice)
    keeps the value it had."""
    def changed():
        if st.session_state.get(name) is None:
            st.session_state[name] = getattr(load(), name)
        update(**{name: st.session_state[name]})

    return {"key": seed(name, value), "on_change": changed}


def widget(name: str, default=None):
    """The value the widget keyed `name` holds (default if none)."""
    return st.session_state.get(name, default)


def set_widget(name: str, value) -> None:
    """Set a widget's value; only call from callbacks or before the widget is drawn."""
    st.session_state[name] = value


def write_text(name: str, text: str) -> None:
    """Put `text` into the text box keyed `name` (before it is drawn), remembering the texts written into it."""
    written = st.session_state.get(_WRITTEN + name, ())
    if not written or written[-1] != text:
        st.session_state[_WRITTEN + name] = (*written[-4:], text)
    st.session_state[name] = text


def stale_text(name: str) -> bool:
    """Whether the text box `name` holds a text the server wrote into it before the latest (for its on_change):
    not typed, but sent back by a browser that had not yet received the newer one. Quick slider moves rerun
    faster than the box updates, and taking such a text as typed would undo them."""
    return st.session_state.get(name) in st.session_state.get(_WRITTEN + name, ())[:-1]


def commit(cfg: Config) -> tuple[Config, list[str]]:
    """Validate and store; returns the stored Config and repair messages. The URL follows at the end of the run
    (publish_url): a new address makes the browser re-render the whole app, which then no longer delays the
    charts (~10% of a slider change's latency)."""
    cfg, warnings = validate(cfg)
    st.session_state[_CFG] = cfg
    return cfg, warnings


def publish_url() -> None:
    """Mirror the stored Config to the URL (if it changed): at the end of the app's run, of a page's fragment and
    of any fragment that commits on its own. Each new address is a new entry in the browser's history."""
    query = to_query(load())
    if query != st.query_params.to_dict():
        st.query_params.from_dict(query)
        page, history = st.session_state.get(_PAGE), st.session_state.get(_HISTORY)
        if history is not None and _history_navigation():  # the frontend replaces the entry shown
            history[st.session_state[_AT]] = [page, query, False]
        elif history is not None and history[st.session_state[_AT]][2] and history[st.session_state[_AT]][0] == page:
            history[st.session_state[_AT]] = [page, query, False]  # the page menu's bare entry gets the query
            # (dashboard/history.py makes the browser replace that entry too: one entry per page change)
        elif history is not None:  # ... else it pushes a new one
            _push([page, query, False])


def flash(message: str, kind: str = "warning") -> None:
    """A message to show on the next run (e.g. from a callback that rejected an input). kind "warning" is for
    input that was not used, "link" for a value of the URL that was not used, "note" for a consequence the user
    should know about (shown as information)."""
    st.session_state.setdefault(_MESSAGES, []).append((kind, message))


def messages() -> list[tuple[str, str]]:
    """(kind, message) pairs flashed since the last call, each once."""
    return list(dict.fromkeys(st.session_state.pop(_MESSAGES, [])))


def remember(name: str, value=None):
    """Per-session memory that is not a Config field (e.g. cached UI choices)."""
    if value is not None:
        st.session_state[name] = value
    return st.session_state.get(name)


def forget(name: str) -> None:
    """Drop what remember(name, ...) kept (e.g. a message shown once)."""
    st.session_state.pop(name, None)


def update(**changes) -> list[str]:
    """Change Config fields from a callback: the stored Config and any drawn widgets follow. Returns the widgets
    given a new value (it reaches the browser in a whole-app rerun, not in a page-only one)."""
    st.session_state[_CFG] = st.session_state.get(_CFG, DEFAULT).replace(**changes)
    widgets = [name for name in changes if name in st.session_state and st.session_state[name] != changes[name]]
    for name in widgets:
        st.session_state[name] = changes[name]
    return widgets


def rerun_page() -> None:
    """From a widget callback: rerun only the page fragment, not the whole app (the sidebar is not drawn and
    not sent again). If the last run drew no page fragment, the callback returns and the whole app reruns."""
    try:
        st.rerun(PAGE)
    except StreamlitAPIException:  # an unknown fragment key (the last run drew no page)
        return
