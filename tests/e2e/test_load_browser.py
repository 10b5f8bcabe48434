"""The load tool's simulated tab (benchmarks/stclient.py) sends what Chromium sends.

Chromium opens the Classifier page and moves α twice (0.3 -> 0.38 -> 0.46; the first move
reruns the whole app's script, the second
follows a page-only fragment rerun); the rerun messages it sends over the websocket are compared, field by field,
with those the simulated tab builds for the same moves on the same link.
"""
from __future__ import annotations

import pytest
from google.protobuf.json_format import MessageToDict
from playwright.sync_api import Page
from streamlit.proto.BackMsg_pb2 import BackMsg

from benchmarks.stclient import Session, run_sync

pytestmark = pytest.mark.e2e

READY_JS = """() => { const app = document.querySelector('[data-testid="stApp"]');
  return app && app.getAttribute('data-test-script-state') === 'notRunning'
         && document.querySelector('[data-testid="stPlotlyChart"] .main-svg'); }"""


def browser_reruns(page: Page, url: str) -> list[BackMsg]:
    sent: list[BackMsg] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(BackMsg.FromString(payload))))
    page.goto(url + "/?seed=3")
    page.wait_for_function(READY_JS, timeout=60_000)
    before = len(sent)
    slider = page.get_by_role("slider", name="Learning rate α")
    for lr in ("0.38", "0.46"):  # 0.3 -> 0.38 -> 0.46 (controls.LR_OPTIONS)
        slider.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"() => location.search.includes('lr={lr}')", timeout=60_000)
        page.wait_for_function(READY_JS, timeout=60_000)
    moves = [m for m in sent[before:] if m.WhichOneof("type") == "rerun_script"]
    assert len(moves) == 2, moves
    return moves


def tool_reruns(url: str) -> list[BackMsg]:
    async def scenario():
        tab = Session(url, query="seed=3")
        assert (await tab.open()).ok
        tab._set("lr", "0.38")
        first = BackMsg.FromString(tab._rerun_message())
        assert (await tab.rerun()).status == "fragment"
        tab._set("lr", "0.46")
        second = BackMsg.FromString(tab._rerun_message())
        await tab.close()
        return [first, second]

    return run_sync(scenario())  # (Playwright's sync API keeps an event loop running in this thread)


def widgets(message: BackMsg) -> dict[str, dict]:
    return {w.id: MessageToDict(w) for w in message.rerun_script.widget_states.widgets}


def test_the_simulated_tab_sends_the_reruns_chromium_sends(app_page: Page, app_server):
    for browser, tool in zip(browser_reruns(app_page, app_server.url), tool_reruns(app_server.url)):
        assert widgets(tool) == widgets(browser)  # every widget the last full run drew, with the browser's value
        b, t = browser.rerun_script, tool.rerun_script
        assert (t.query_string, t.page_script_hash, t.fragment_id) == (b.query_string, b.page_script_hash,
                                                                         b.fragment_id)
        assert set(t.cached_message_hashes) == set(b.cached_message_hashes)  # so the server sends the same refs
        assert len(widgets(tool)) >= 15
