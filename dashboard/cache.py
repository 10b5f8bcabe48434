"""One cache for the engine calls, inside the app and outside it (the export command, tests, a notebook).

Inside a running app (`streamlit run`, AppTest) a call goes through st.cache_data: one cache shared by every
session, with its spinner while a result is computed. Outside one, st.cache_data still works but logs "No runtime
found" when it is created and first called, and its spinner "missing ScriptRunContext" each time it computes:
eleven warnings on every export. There a call goes through a small memo of its own instead (least recently used
first out), so that the same scene code runs silently in both. Either way each caller gets its own copy of a
result, as st.cache_data gives, so that writing into one cannot change what the next caller gets.
"""
from __future__ import annotations

import copy
import functools
from collections import OrderedDict
from collections.abc import Callable

from streamlit import runtime


def cached(max_entries: int, show_spinner: bool | str = False) -> Callable[[Callable], Callable]:
    """Decorate a pure function of hashable (inside an app: Streamlit-hashable) arguments.

    The st.cache_data wrapper is made on the first call inside an app (making it at import, outside one, is what
    logged). Outside an app, arguments that cannot be hashed (numpy arrays) are computed each time. Keyword
    arguments whose name starts with "_" (a progress callback) are not part of the key, as in st.cache_data."""
    def decorate(fn: Callable) -> Callable:
        in_app: list[Callable] = []  # the st.cache_data wrapper, once made
        memo: OrderedDict = OrderedDict()

        @functools.wraps(fn)
        def call(*args, **kwargs):
            if runtime.exists():
                if not in_app:
                    import streamlit as st

                    in_app.append(st.cache_data(max_entries=max_entries, show_spinner=show_spinner)(fn))
                return in_app[0](*args, **kwargs)
            key = (args, tuple(sorted((k, v) for k, v in kwargs.items() if not k.startswith("_"))))
            try:
                hash(key)
            except TypeError:
                return fn(*args, **kwargs)
            if key in memo:
                memo.move_to_end(key)
            else:
                memo[key] = fn(*args, **kwargs)
                if len(memo) > max_entries:
                    memo.popitem(last=False)
            return copy.deepcopy(memo[key])

        def clear() -> None:
            memo.clear()
            if in_app:
                in_app[0].clear()

        call.clear = clear
        return call

    return decorate


def unrecorded(callback: Callable) -> Callable:
    """A progress callback for a cached function that updates an element drawn outside it (a progress bar).

    st.cache_data records every element a cached function writes, to replay it on a cache hit; an element drawn
    before the call cannot be found in that replay (the page fails). The callback's writes are therefore made as
    if outside any cached function: nothing is recorded, and a cache hit shows no bar (it has nothing to wait for).
    """
    def call(*args, **kwargs):
        if not runtime.exists():
            return callback(*args, **kwargs)
        from streamlit.runtime.caching.cached_message_replay import in_cached_function

        token = in_cached_function.set(False)
        try:
            return callback(*args, **kwargs)
        finally:
            in_cached_function.reset(token)

    return call
