"""One simulated browser tab that speaks Streamlit 1.67's websocket protocol, as Chromium does.

Learned from the frames a real Chromium session exchanges with the app (captured with Playwright):

- The tab loads `/`, `/_stcore/health` (sets the `_streamlit_xsrf` cookie) and `/_stcore/host-config`,
  then opens `/_stcore/stream` with the subprotocols `streamlit, <xsrf cookie>` and the page's cookies
  (through nginx: the replica-affinity cookie).
- Every rerun is one `BackMsg.rerun_script` (a `ClientState`) that carries the *whole* widget state: every
  widget the last run drew, with the value the browser holds (the sidebar's too, although a page-only
  rerun does not redraw it), the current query string, the page's script hash and the hashes of the big
  messages the browser has cached (the server then sends a `ref_hash` instead of the message).
- A sidebar control whose `on_change` calls `st.rerun` on the "page" fragment is still sent as a full
  rerun: the server answers `script_finished(FINISHED_EARLY_FOR_RERUN)`, reruns only the fragment, and
  ends with `script_finished(FINISHED_FRAGMENT_RUN_SUCCESSFULLY)`. That last message is the real end of
  the rerun; `page_info_changed` before it carries the new query string (the address bar).
"""
from __future__ import annotations

import asyncio
import http.cookiejar
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

EARLY = ForwardMsg.FINISHED_EARLY_FOR_RERUN
DONE = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)
CONTEXT = {"timezone": "UTC", "timezone_offset": 0, "locale": "en-US", "is_embedded": False, "color_scheme": "light"}


def run_sync(coroutine):
    """Run a coroutine to its end from synchronous code, in a thread of its own: this thread may already run an
    event loop (Playwright's sync API keeps one running for a whole pytest session)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@dataclass
class Run:
    """What one rerun looked like from the browser: its latency to the real end, and what it showed."""

    seconds: float
    status: str  # "finished", "fragment", "compile_error", "timeout", "disconnected"
    exceptions: list[str] = field(default_factory=list)  # st.exception elements (a traceback on the page)
    errors: list[str] = field(default_factory=list)  # st.error boxes
    warnings: list[str] = field(default_factory=list)
    query: str = ""  # the query string after the run (what the address bar shows)
    bytes_received: int = 0

    @property
    def ok(self) -> bool:
        return self.status in ("finished", "fragment") and not self.exceptions and not self.errors


def _widget_value(kind: str, el) -> WidgetState | None:
    """The value the browser sends for a widget element it was just given (None: not a stateful widget)."""
    ws = WidgetState(id=el.id)
    if kind in ("selectbox", "radio"):
        if el.set_value:
            ws.string_value = el.raw_value
        elif el.HasField("default") and el.options:
            ws.string_value = el.options[el.default]
        else:
            return None
    elif kind == "slider":
        if el.type == el.SELECT_SLIDER:
            labels = list(el.raw_value) if el.raw_value else [el.options[int(i)] for i in el.default]
            ws.string_array_value.data.extend(labels)
        else:
            ws.double_array_value.data.extend(el.value if el.set_value else el.default)
    elif kind == "number_input":
        v = el.value if el.set_value else el.default
        if el.data_type == el.INT:
            ws.int_value = int(v)
        else:
            ws.double_value = v
    elif kind == "checkbox":
        ws.bool_value = el.value if el.set_value else el.default
    elif kind == "button_group":
        values = list(el.raw_values) if el.set_value else [el.options[i].content for i in el.default]
        ws.string_array_value.data.extend(values)
    else:
        return None
    return ws


class Session:
    """A browser tab on `base_url` (e.g. http://127.0.0.1:8080) that opened `base_url/?query`."""

    def __init__(self, base_url: str, query: str = "", timeout: float = 60.0):
        self.base_url = base_url.rstrip("/")
        self.query = query
        self.timeout = timeout
        self.cookies = http.cookiejar.CookieJar()
        self.ws = None
        self.widgets: dict[str, WidgetState] = {}  # widget id -> the value this tab holds
        self.elements: dict[str, tuple[str, object]] = {}  # widget id -> (element kind, element proto)
        self.page_script_hash = ""
        self.cache: dict[str, int] = {}  # hash of a cacheable message -> the run that last used it
        self.max_cache_age = 2
        self.runs = 0
        self.session_id = ""

    # ------------------------------------------------------------------ connecting
    def _http_get(self, path: str) -> int:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        with opener.open(self.base_url + path, timeout=self.timeout) as r:
            r.read()
            return r.status

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.cookies if c.name == name), None)

    async def open(self) -> Run:
        """Load the page as a browser does, open the websocket and wait for the first run to end."""
        t0 = time.perf_counter()
        await asyncio.to_thread(self._http_get, "/" + (f"?{self.query}" if self.query else ""))
        await self._connect()
        return await self.rerun(started=t0)

    async def reconnect(self) -> Run:
        """What the browser does when its websocket closes (its replica stopped): check the server again, open a
        new websocket offering the old session id, and rerun with the query string and every widget it holds."""
        await self.close()
        t0 = time.perf_counter()
        await self._connect()
        return await self.rerun(started=t0)

    async def _connect(self) -> None:
        for path in ("/_stcore/health", "/_stcore/host-config"):
            await asyncio.to_thread(self._http_get, path)
        url = urlsplit(self.base_url)
        headers = {"Origin": self.base_url}
        jar = "; ".join(f"{c.name}={c.value}" for c in self.cookies)
        if jar:
            headers["Cookie"] = jar
        # Streamlit reads the subprotocol list by position: "streamlit", the XSRF token, the session to resume
        protocols = ["streamlit", self.cookie("_streamlit_xsrf") or "", self.session_id]
        while not protocols[-1]:
            protocols.pop()
        scheme = "wss" if url.scheme == "https" else "ws"
        self.ws = await websockets.connect(f"{scheme}://{url.netloc}/_stcore/stream", additional_headers=headers,
                                           subprotocols=protocols, max_size=None,
                                           open_timeout=self.timeout, compression=None)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    # ------------------------------------------------------------------ widgets
    def widget_id(self, key: str) -> str:
        """The id of the widget with user key `key` (Streamlit ends keyed widget ids with '-<key>')."""
        for wid in self.elements:
            if wid.endswith("-" + key):
                return wid
        raise KeyError(f"no widget with key {key!r} in the last run (have {sorted(self.elements)})")

    def options(self, key: str) -> list:
        """The values widget `key` can take: its labels (select_slider, selectbox, radio) or its steps (slider)."""
        kind, el = self.elements[self.widget_id(key)]
        if kind == "slider" and el.type != el.SELECT_SLIDER:
            n = int(round((el.max - el.min) / el.step))
            return [el.min + i * el.step for i in range(n + 1)]
        return list(el.options)

    def value(self, key: str):
        ws = self.widgets[self.widget_id(key)]
        kind = ws.WhichOneof("value")
        v = getattr(ws, kind)
        return list(v.data) if kind.endswith("array_value") else v

    def _set(self, key: str, value) -> None:
        wid = self.widget_id(key)
        kind, el = self.elements[wid]
        ws = WidgetState(id=wid)
        labelled = kind in ("selectbox", "radio") or (kind == "slider" and el.type == el.SELECT_SLIDER)
        if labelled and str(value) not in el.options:  # (the server would silently pick another option)
            raise ValueError(f"{value!r} is not one of the labels of {key!r}: {list(el.options)}")
        if kind == "slider" and el.type == el.SELECT_SLIDER:
            ws.string_array_value.data.append(str(value))
        elif kind == "slider":
            ws.double_array_value.data.append(float(value))
        elif kind in ("selectbox", "radio"):
            ws.string_value = str(value)
        elif kind == "checkbox":
            ws.bool_value = bool(value)
        elif kind == "number_input":
            if el.data_type == el.INT:
                ws.int_value = int(value)
            else:
                ws.double_value = float(value)
        else:
            raise ValueError(f"setting a {kind} is not supported")
        self.widgets[wid] = ws

    # ------------------------------------------------------------------ one rerun
    def _rerun_message(self) -> bytes:
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query
        cs.widget_states.widgets.extend(self.widgets.values())
        if self.page_script_hash:
            cs.page_script_hash = self.page_script_hash
        cs.cached_message_hashes.extend(self.cache)
        for name, value in CONTEXT.items():
            setattr(cs.context_info, name, value)
        cs.context_info.url = self.base_url + "/"
        return msg.SerializeToString()

    async def rerun(self, changes: dict | None = None, started: float | None = None) -> Run:
        """Change widgets (by key), send the rerun a browser sends, and read until the run really ends."""
        for key, value in (changes or {}).items():
            self._set(key, value)
        t0 = started or time.perf_counter()
        run = Run(seconds=0.0, status="timeout")
        seen: set[str] = set()
        deadline = time.monotonic() + self.timeout
        try:
            await self.ws.send(self._rerun_message())
            while True:
                data = await asyncio.wait_for(self.ws.recv(), timeout=max(0.0, deadline - time.monotonic()))
                run.bytes_received += len(data)
                msg = ForwardMsg()
                msg.ParseFromString(data)
                status = self._handle(msg, run, seen)
                if status is not None:
                    run.status = status
                    break
        except asyncio.TimeoutError:
            run.status = "timeout"
        except websockets.ConnectionClosed:
            run.status = "disconnected"
        run.seconds = time.perf_counter() - t0
        run.query = self.query
        return run

    def _handle(self, msg: ForwardMsg, run: Run, seen: set[str]) -> str | None:
        """Apply one ForwardMsg as the browser would; the run's final status once it has really ended."""
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.page_script_hash = msg.new_session.page_script_hash or self.page_script_hash
            self.max_cache_age = msg.new_session.config.max_cached_message_age or self.max_cache_age
            self.session_id = msg.new_session.initialize.session_id or self.session_id
        elif kind == "navigation":  # st.navigation names the page shown: the browser reruns that page
            self.page_script_hash = msg.navigation.page_script_hash or self.page_script_hash
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "ref_hash":
            self.cache[msg.ref_hash] = self.runs
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self._element(msg, run, seen)
        elif kind == "script_finished":
            status = msg.script_finished
            if status == EARLY:
                return None
            self.runs += 1
            self.cache = {h: r for h, r in self.cache.items() if self.runs - r <= self.max_cache_age}
            if status == ForwardMsg.FINISHED_SUCCESSFULLY:  # a full run: widgets it did not draw are gone
                self.widgets = {k: v for k, v in self.widgets.items() if k in seen}
                self.elements = {k: v for k, v in self.elements.items() if k in seen}
            return {ForwardMsg.FINISHED_SUCCESSFULLY: "finished",
                    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY: "fragment"}.get(status, "compile_error")
        return None

    def _element(self, msg: ForwardMsg, run: Run, seen: set[str]) -> None:
        if msg.metadata.cacheable:
            self.cache[msg.hash] = self.runs
        el = msg.delta.new_element
        kind = el.WhichOneof("type")
        if kind == "exception":
            run.exceptions.append(f"{el.exception.type}: {el.exception.message}")
        elif kind == "alert":
            (run.errors if el.alert.format == el.alert.ERROR else run.warnings).append(el.alert.body)
        proto = getattr(el, kind) if kind else None
        wid = getattr(proto, "id", "") if proto is not None else ""
        if not wid:
            return
        seen.add(wid)
        self.elements[wid] = (kind, proto)
        state = _widget_value(kind, proto)
        if state is not None and (getattr(proto, "set_value", False) or wid not in self.widgets):
            self.widgets[wid] = state
