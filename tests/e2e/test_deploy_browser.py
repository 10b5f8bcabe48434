"""The dashboard in Chromium through deploy/serve.sh (nginx + 2 replicas): every page renders under the
Content-Security-Policy nginx sends, other sites cannot frame it, and a replica stopped under an open tab
reconnects the tab to the other replica with the same view.

Needs nginx as tests/test_deploy.py does (skip, or fail under LINVIZ_REQUIRE_BROWSER=1). The replica test
stops a replica of the module's deployment, so it is the last test of this file.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from benchmarks.deployment import Deployment, nginx_binary
from dashboard.pages import PAGES as REGISTRY
from tests.e2e.conftest import skip_or_fail

pytestmark = pytest.mark.e2e

# path, a heading the page draws, the Plotly charts it draws (at least): every page, and the 3-D landscape
PAGES = {p.name: (p.url, p.heading, p.charts) for p in REGISTRY}
PAGES["landscape_3d"] = ("/landscape?show3d=true", PAGES["landscape"][1], 2)
LR_LABEL = "Learning rate α"
# Every CSP violation of the page, as the browser reports it (before any of the page's scripts run).
CSP_LISTENER = """window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`
                         + ` (${e.sourceFile}:${e.lineNumber})`));"""
READY_JS = """(n) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  if (document.querySelector('[data-stale="true"] [data-testid="stPlotlyChart"]')) return false;
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  return charts.length >= n && charts.every(c => c.querySelector('.js-plotly-plot .main-svg'));
}"""


@pytest.fixture(scope="module")
def deployment(chromium):
    if not nginx_binary():
        skip_or_fail("nginx not found: the deployment tests need Debian's nginx (apt-get install -y nginx)")
    d = Deployment(replicas=2)
    try:
        d.wait_ready()
    except RuntimeError as err:
        d.stop()
        pytest.fail(str(err), pytrace=False)
    yield d
    d.stop()


@pytest.fixture
def tab(chromium, deployment):
    """A new browser (its own cookies, so its own replica) with one tab that records errors and CSP violations."""
    context = chromium.new_context(viewport={"width": 1280, "height": 720}, accept_downloads=True)
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda err: page.js_errors.append(str(err)))
    page.add_init_script(CSP_LISTENER)
    yield page
    context.close()
    for i in (1, 2):
        assert "Traceback" not in deployment.replica_log(i), deployment.replica_log(i)[-3000:]


def wait_ready(page: Page, n_charts: int = 0, timeout: float = 90_000) -> None:
    page.wait_for_function(READY_JS, arg=n_charts, polling=100, timeout=timeout)


def assert_clean(page: Page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_test_id("stAlert").filter(has_text="Something went wrong")).to_have_count(0)
    assert page.evaluate("window.__csp") == [], "the Content-Security-Policy blocked part of the app"
    assert not page.js_errors, page.js_errors


def lr_in_url(page: Page) -> str | None:
    return parse_qs(urlparse(page.url).query).get("lr", [None])[0]


def replicas_of(page: Page, d: Deployment) -> set[str]:
    """The replicas that served this browser (by its affinity cookie, from nginx's access log; "-" is nginx's
    cache of static files)."""
    (route,) = [c["value"] for c in page.context.cookies() if c["name"] == "linviz_route"]
    return {row["served_by"] for row in d.access_log() if row["route"] == route} - {"-"}


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_renders_under_the_content_security_policy(tab: Page, deployment, screenshot_dir, name):
    path, heading, n_charts = PAGES[name]
    response = tab.goto(deployment.url + path)
    assert "frame-ancestors 'self'" in response.headers["content-security-policy"]
    expect(tab.get_by_role("heading", name=heading)).to_be_visible(timeout=90_000)
    wait_ready(tab, n_charts)
    # (under load the sidebar's widgets were seen drawn after the page: CI, computation_graph, 5 s)
    expect(tab.get_by_test_id("stSidebar").get_by_role("slider", name=LR_LABEL)).to_be_visible(timeout=30_000)
    if name == "loss":
        expect(tab.get_by_test_id("stDataFrame").first).to_be_visible(timeout=60_000)
    if name == "landscape_3d":  # a WebGL surface
        expect(tab.locator(".gl-container canvas").first).to_be_visible(timeout=60_000)
    (screenshot_dir / "deploy").mkdir(exist_ok=True)
    for width, height in ((1280, 720), (1920, 1080)):
        tab.set_viewport_size({"width": width, "height": height})
        tab.wait_for_timeout(700)  # Plotly relayouts on resize
        tab.screenshot(path=str(screenshot_dir / "deploy" / f"{name}_{width}.png"))
    assert_clean(tab)


def test_a_slider_change_and_a_png_download_work_under_the_policy(tab: Page, deployment):
    tab.goto(deployment.url + "/")
    wait_ready(tab, 1)
    slider = tab.get_by_test_id("stSidebar").get_by_role("slider", name=LR_LABEL)
    slider.focus()
    tab.keyboard.press("ArrowRight")  # the websocket round trip (connect-src 'self')
    expect(tab).to_have_url(re.compile(r"lr=0\.38"))
    wait_ready(tab, 1)
    tab.locator('[data-testid="stPlotlyChart"]').first.hover()
    with tab.expect_download() as download:  # Plotly builds the PNG in a canvas and saves it from a data: URL
        tab.get_by_role("button", name="Download plot as a PNG").first.click()
    assert download.value.suggested_filename.endswith(".png")
    assert_clean(tab)


def test_another_site_cannot_frame_the_app(tab: Page, deployment):
    messages = []
    tab.on("console", lambda m: messages.append(m.text))
    tab.set_content(f'<iframe id="app" src="{deployment.url}/" width="800" height="600"></iframe>')
    tab.wait_for_timeout(3000)
    frame = tab.frame_locator("#app")
    expect(frame.locator('[data-testid="stApp"]')).to_have_count(0)
    assert any("frame-ancestors 'self'" in m for m in messages), messages


def test_a_stopped_replica_reconnects_the_tab_to_the_other_with_the_same_view(tab: Page, deployment,
                                                                              screenshot_dir):
    sockets = []
    tab.on("websocket", lambda ws: sockets.append(ws.url))
    tab.goto(deployment.url + "/?seed=7")
    wait_ready(tab, 1)
    slider = tab.get_by_test_id("stSidebar").get_by_role("slider", name=LR_LABEL)
    slider.focus()
    tab.keyboard.press("ArrowRight")
    expect(tab).to_have_url(re.compile(r"lr=0\.38"))
    wait_ready(tab, 1)
    (home,) = replicas_of(tab, deployment)
    ports = [f"127.0.0.1:{p}" for p in deployment.replica_ports()]
    requests_before = len(deployment.access_log())

    deployment.stop_replica(ports.index(home) + 1)
    for _ in range(300):  # Streamlit's client notices the closed websocket and opens a new one
        if len(sockets) > 1:
            break
        tab.wait_for_timeout(200)
    # (a reconnect tried while nginx still counts the stopped replica as up fails and is retried: 2 or more)
    assert len(sockets) >= 2, sockets
    wait_ready(tab, 1)
    # the same view, now from the other replica: the address bar, the slider and the chart; no error, no traceback
    assert lr_in_url(tab) == "0.38" and "seed=7" in tab.url
    expect(slider).to_have_attribute("aria-valuetext", "0.38")
    assert_clean(tab)
    tab.screenshot(path=str(screenshot_dir / "deploy" / "after_replica_stopped.png"))
    # (a websocket is logged when it closes: the old one's line comes after the stop, and the new one's later)
    later = [row for row in deployment.access_log()[requests_before:]
             if "/_stcore/stream" not in row["request"] and row["served_by"] != "-"]
    assert later and {row["served_by"] for row in later} == set(ports) - {home}, later
    # and it goes on working there
    slider.focus()
    tab.keyboard.press("ArrowRight")
    expect(tab).to_have_url(re.compile(r"lr=0\.46"))
    wait_ready(tab, 1)
    expect(slider).to_have_attribute("aria-valuetext", "0.46")
    assert_clean(tab)
