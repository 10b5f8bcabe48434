"""Real-browser tests: every page renders, the sidebar drives the charts, playback runs, bad links warn.

Run with `python -m pytest tests/e2e -q`; screenshots of every page land in artifacts/screenshots/.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from dashboard.pages import PAGES as REGISTRY

pytestmark = pytest.mark.e2e

# url path, a heading the page draws, the number of Plotly charts it draws (at least) at the defaults
PAGES = {p.name: (p.url, p.heading, p.charts) for p in REGISTRY}
LR_LABEL = "Learning rate α"
STEP_BUTTON = re.compile(r"^Step\b")  # its accessible name also holds its keyboard shortcut: "Step Shortcut S"
LIVE_CHARTS = '[data-testid="stPlotlyChart"]:not([data-stale="true"] *)'

# True once the script run is over, no stale chart is left and every chart has drawn its SVG.
READY_JS = """(n) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-stale="true"] [data-testid="stPlotlyChart"]')) return false;
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  if (charts.length < n) return false;
  return charts.every(c => { const gd = c.querySelector('.js-plotly-plot');
                             return gd && gd._fullLayout && gd.querySelector('.main-svg'); });
}"""
# What each live chart shows: its trace data (as sent) and the SVG paths Plotly drew from it.
CHART_STATE_JS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
  .filter(c => !c.closest('[data-stale="true"]'))
  .map(c => { const gd = c.querySelector('.js-plotly-plot');
              return {data: JSON.stringify(gd ? gd.data : null),
                      paths: gd ? [...gd.querySelectorAll('.scatterlayer path.js-line, .barlayer path')]
                                    .map(p => p.getAttribute('d')).join('|') : ''}; })"""

# Per live chart, how many px Plotly's automargin grew each side (l, r, t, b) of the margins its figure asks for.
MARGIN_GROWTH_JS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
  .filter(c => !c.closest('[data-stale="true"]'))
  .map(c => { const fl = c.querySelector('.js-plotly-plot')._fullLayout;
              return Object.fromEntries(['l', 'r', 't', 'b'].map(s => [s, fl._size[s] - fl.margin[s]])); })"""
# url, the number of Plotly charts it draws (at least); none of them may need automargin to grow a margin
MARGIN_CASES = [
    pytest.param("/", 1, id="classifier"),
    pytest.param("/?t=20", 1, id="classifier_t20"),
    pytest.param("/training", 2, id="training"),
    pytest.param("/landscape", 1, id="landscape"),
    pytest.param("/landscape?show3d=true", 2, id="landscape_3d"),
    pytest.param("/learning_rates", 2, id="learning_rates"),
]


def open_page(page: Page, base: str, path: str = "/", n_charts: int = 1, heading: str | None = None) -> None:
    """Load a page and wait until its run is over and its charts are drawn."""
    page.goto(base + path)
    if heading:
        expect(page.get_by_role("heading", name=heading)).to_be_visible(timeout=60_000)
    wait_ready(page, n_charts)


def wait_ready(page: Page, n_charts: int = 1, timeout: float = 60_000) -> None:
    page.wait_for_function(READY_JS, arg=n_charts, polling=100, timeout=timeout)


def chart_states(page: Page, remember: bool = False) -> list[dict]:
    """The live charts' data and SVG paths; `remember` keeps them in the page for wait_changed."""
    return page.evaluate(f"() => {{ const s = ({CHART_STATE_JS})(); if ({int(remember)}) window.__snap = s; "
                         "return s; }")


def wait_changed(page: Page, field: str, charts: str = "all") -> None:
    """Wait until the remembered charts' `field` changed (for every chart, or for the first one)."""
    page.wait_for_function(f"""() => {{
        const now = ({CHART_STATE_JS})(), old = window.__snap;
        if (now.length !== old.length) return false;
        const idx = '{charts}' === 'all' ? now.map((_, i) => i) : [0];
        return idx.every(i => now[i].{field} !== old[i].{field}); }}""", polling=100)


def margin_growth(page: Page, settle_ms: int = 500) -> list[dict]:
    """MARGIN_GROWTH_JS once it has not changed for settle_ms (a redraw for automargin may still be on)."""
    page.wait_for_function(f"""() => {{ const now = JSON.stringify(({MARGIN_GROWTH_JS})());
        if (now !== window.__margins) {{ window.__margins = now; window.__since = performance.now(); return false; }}
        return performance.now() - window.__since >= {settle_ms}; }}""", polling=100)
    return page.evaluate(MARGIN_GROWTH_JS)


def query(page: Page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(page.url).query).items()}


def assert_no_errors(page: Page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_test_id("stAlert").filter(has_text="Something went wrong")).to_have_count(0)
    assert not page.js_errors, f"JavaScript errors: {page.js_errors}"


def console_problem(message) -> bool:
    """A console error, but not the 404s of Streamlit's own probes of /<page>/_stcore/health and host-config: its
    frontend asks the page's path first when a page other than the first is opened by its address."""
    return message.type == "error" and "/_stcore/" not in (message.location or {}).get("url", "")


@contextmanager
def sized_page(chromium, app_server, width: int, height: int, scale: float = 1.0, wait: float = 30_000):
    """A new tab of width x height CSS px at device scale `scale` (1.5: a 1920x1080 screen at 150%); afterwards no
    console or JavaScript error, no error box and no traceback in the server's log."""
    context = chromium.new_context(viewport={"width": width, "height": height}, device_scale_factor=scale)
    context.set_default_timeout(60_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.on("console", lambda m: errors.append(f"{m.text} ({m.location})") if console_problem(m) else None)
    log_start = len(app_server.log_text())
    try:
        yield page
        expect(page.get_by_test_id("stException")).to_have_count(0, timeout=wait)
        expect(page.get_by_text("Something went wrong")).to_have_count(0, timeout=wait)
        assert not errors, f"console or JavaScript errors: {errors}"
    finally:
        context.close()
    new_log = app_server.log_text()[log_start:]
    assert "Traceback" not in new_log, f"the server logged an error:\n{new_log[-3000:]}"


def full_page_screenshot(page: Page, path) -> None:
    """Streamlit scrolls inside its main section, so grow the window to the content for a full shot."""
    height = page.evaluate("""() => Math.max(window.innerHeight,
        ...['stMain', 'stSidebarContent'].map(t => {
            const e = document.querySelector(`[data-testid="${t}"]`); return e ? e.scrollHeight : 0; }))""")
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": int(height)})
    page.wait_for_timeout(700)  # Plotly relayouts on resize
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)


@pytest.mark.parametrize("name", list(PAGES))
def test_page_renders_without_errors(app_page: Page, app_server, screenshot_dir, name):
    path, heading, n_charts = PAGES[name]
    open_page(app_page, app_server.url, path, n_charts, heading)
    charts = app_page.locator(LIVE_CHARTS)
    assert charts.count() >= n_charts, f"{name} drew {charts.count()} charts, expected {n_charts}"
    for i in range(n_charts):  # (the charts drawn at the defaults; a page may hold more in a closed tab)
        expect(charts.nth(i).locator(".js-plotly-plot .main-svg").first).to_be_visible()
        drawn = charts.nth(i).locator(".js-plotly-plot").locator(".trace, .hm, .gl-container canvas")
        assert drawn.count(), f"chart {i} on {name} drew no traces"
    if name == "loss":
        expect(app_page.get_by_test_id("stDataFrame").first).to_be_visible()
    expect(app_page.get_by_test_id("stSidebar").get_by_role("slider", name=LR_LABEL)).to_be_visible()
    assert_no_errors(app_page)
    full_page_screenshot(app_page, screenshot_dir / f"{name}.png")
    assert_no_errors(app_page)


def test_learning_rate_slider_updates_url_and_charts(app_page: Page, app_server):
    # at t = 0 the parameters do not depend on α yet, so look at step 5
    open_page(app_page, app_server.url, "/?t=5", 1)
    before = chart_states(app_page, remember=True)
    slider = app_page.get_by_role("slider", name=LR_LABEL)
    lr_before = slider.get_attribute("aria-valuetext")
    assert "lr" not in query(app_page) and lr_before == "0.3"
    slider.focus()
    for _ in range(3):
        app_page.keyboard.press("ArrowRight")
    expect(slider).not_to_have_attribute("aria-valuetext", lr_before)
    lr_after = slider.get_attribute("aria-valuetext")
    assert float(lr_after) > float(lr_before)
    expect(app_page).to_have_url(re.compile(rf"[?&]lr={re.escape(lr_after)}(&|$)"))
    wait_changed(app_page, "data")
    wait_ready(app_page, 1)
    after = chart_states(app_page)
    assert len(after) == len(before) == 1
    for i, (b, a) in enumerate(zip(before, after)):
        assert a["data"] != b["data"], f"chart {i} kept its data after α changed"
        assert a["paths"] != b["paths"], f"chart {i} was not redrawn after α changed"
    assert query(app_page).get("t") == "5"
    assert_no_errors(app_page)


def sidebar_deltas(frames: list[bytes]) -> list[str]:
    """The elements a run sent into the sidebar (delta paths start at the sidebar's root, 1)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    out = []
    for raw in frames:
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        if msg.WhichOneof("type") == "delta" and list(msg.metadata.delta_path)[:1] == [1]:
            delta = msg.delta
            kind = delta.WhichOneof("type")
            out.append(delta.new_element.WhichOneof("type") if kind == "new_element" else kind)
    return out


def test_a_learning_rate_change_reruns_only_the_page(app_page: Page, app_server):
    """α only changes what the page shows: the page's fragment reruns, the sidebar's controls are not sent again
    (a control that changes the sidebar itself, the optimizer, still reruns everything)."""
    frames: list[bytes] = []
    app_page.on("websocket", lambda ws: ws.on(
        "framereceived", lambda payload: frames.append(payload) if isinstance(payload, bytes) else None))
    open_page(app_page, app_server.url, "/?t=5", 1)
    chart_states(app_page, remember=True)
    frames.clear()
    slider = app_page.get_by_role("slider", name=LR_LABEL)
    slider.focus()
    app_page.keyboard.press("ArrowRight")
    expect(slider).not_to_have_attribute("aria-valuetext", "0.3")
    lr = slider.get_attribute("aria-valuetext")
    expect(app_page).to_have_url(re.compile(rf"[?&]lr={re.escape(lr)}(&|$)"))
    wait_changed(app_page, "data")
    wait_ready(app_page, 1)
    assert not sidebar_deltas(frames), f"the sidebar was sent again: {sidebar_deltas(frames)}"
    expect(app_page.get_by_test_id("stMain").get_by_text("Step t = 5.")).to_be_visible()
    frames.clear()
    app_page.get_by_test_id("stSelectbox").filter(has_text="Optimizer").locator("input").click()
    app_page.get_by_role("option", name="Momentum", exact=True).click()
    expect(app_page.get_by_role("slider", name="Momentum μ")).to_be_visible(timeout=30_000)
    wait_ready(app_page, 1)
    assert "slider" in sidebar_deltas(frames)
    assert_no_errors(app_page)


def test_step_button_advances_the_classifier(app_page: Page, app_server):
    open_page(app_page, app_server.url, "/", 1)
    before = chart_states(app_page, remember=True)
    assert "t" not in query(app_page)
    app_page.get_by_role("button", name=STEP_BUTTON).click()
    expect(app_page).to_have_url(re.compile(r"[?&]t=1(&|$)"))
    wait_changed(app_page, "paths", charts="first")
    wait_ready(app_page, 1)
    after = chart_states(app_page)
    assert after[0]["data"] != before[0]["data"], "the classifier chart's data did not change after Step"
    assert after[0]["paths"] != before[0]["paths"], "the hyperplanes were not redrawn after Step"
    assert_no_errors(app_page)


def test_training_animation_plays(app_page: Page, app_server):
    path, heading, n_charts = PAGES["training"]
    open_page(app_page, app_server.url, path, n_charts, heading)
    anim = app_page.locator(LIVE_CHARTS).first.locator(".js-plotly-plot")
    n_frames = anim.evaluate("gd => (gd._transitionData._frames || []).length")
    assert n_frames > 10, f"the animation has only {n_frames} frames"
    start = anim.evaluate("""gd => { window.__frames = [];
        gd.on('plotly_animatingframe', e => window.__frames.push([performance.now(), e.name]));
        return gd.layout.sliders[0].active; }""")
    anim.locator(".updatemenu-button", has_text="Play").click()
    app_page.wait_for_timeout(1000)
    frames, active = anim.evaluate("gd => [window.__frames.slice(), gd.layout.sliders[0].active]")
    anim.locator(".updatemenu-button", has_text="Pause").click()
    app_page.wait_for_timeout(300)
    # Plotly rejects the interrupted animate() promise and nobody catches it: "Uncaught (in promise)
    # undefined" on every Pause. That is plotly.js's own behaviour, not the app's, so it is tolerated.
    app_page.js_errors[:] = [e for e in app_page.js_errors if e != "undefined"]
    assert len(frames) >= 5, f"only {len(frames)} animation frames in the first second: {frames}"
    steps = [int(name) for _, name in frames]
    assert steps == sorted(steps), f"frames played out of order: {steps}"
    assert active != start, f"the step slider stayed at {start} while playing"
    labels = anim.evaluate("gd => gd.layout.sliders[0].steps.map(s => s.label)")
    assert int(labels[active]) >= steps[-1] - 5 * (steps[1] - steps[0]), \
        f"the slider (at step {labels[active]}) does not follow the frames (at step {steps[-1]})"
    assert_no_errors(app_page)


def test_the_step_scrubber_replays_the_history_and_step_moves_it(app_page: Page, app_server):
    path, heading, n_charts = PAGES["training"]
    open_page(app_page, app_server.url, path, n_charts, heading)
    scrubber = app_page.get_by_role("slider", name="Step t")
    scrubber.focus()
    for _ in range(3):
        app_page.keyboard.press("ArrowRight")
    expect(app_page).to_have_url(re.compile(r"[?&]t=3(&|$)"))
    expect(app_page.get_by_test_id("stMetric").first).to_contain_text("Loss L(W_t)")
    app_page.get_by_role("button", name=STEP_BUTTON).click()
    expect(app_page).to_have_url(re.compile(r"[?&]t=4(&|$)"))
    expect(scrubber).to_have_attribute("aria-valuetext", "4")
    # a new horizon gives the scrubber a new range: it keeps showing step 4 (Streamlit would restart it at 0)
    horizon = app_page.get_by_role("slider", name="Training horizon (steps)")
    horizon.focus()
    app_page.keyboard.press("ArrowRight")
    expect(app_page).to_have_url(re.compile(r"[?&]steps=300(&|$)"))
    wait_ready(app_page, 2)
    expect(scrubber).to_have_attribute("aria-valuetext", "4")
    assert query(app_page).get("t") == "4"
    assert_no_errors(app_page)


@pytest.mark.parametrize("path, n_charts", [("/training?t=10", 2), ("/?t=10", 1)])
def test_rapid_learning_rate_changes_end_in_a_consistent_view(app_page: Page, app_server, path, n_charts):
    """Eight key presses without waiting: each new request interrupts the run before it. In the end the URL,
    the slider and the charts agree, and no run failed on the way."""
    open_page(app_page, app_server.url, path, n_charts)
    slider = app_page.get_by_role("slider", name=LR_LABEL)
    slider.focus()
    for _ in range(8):
        app_page.keyboard.press("ArrowRight")
    # 0.3, 0.38, 0.46, ..., 1.5: eight steps up (0.3 is now one of the options, not an extra one next to 0.32)
    expect(slider).to_have_attribute("aria-valuetext", "1.5")
    expect(app_page).to_have_url(re.compile(r"[?&]lr=1\.5(&|$)"))
    app_page.wait_for_timeout(1500)
    wait_ready(app_page, n_charts)
    assert_no_errors(app_page)


def test_clicking_a_point_selects_that_example_in_every_view(app_page: Page, app_server):
    open_page(app_page, app_server.url, "/", 1)
    number = app_page.get_by_label("Selected example i", exact=True).and_(app_page.get_by_test_id("stNumberInputField"))
    expect(number).to_have_value("0")
    # the markers of the first training-point trace (its customdata are the examples' indices into X)
    gd = app_page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot').first
    # the point of that trace farthest from every other marker (a click on a point another one covers selects
    # the one on top: with the 5th point the test clicked example 13 and expected 20)
    index, k, n = gd.evaluate("""gd => {
      const i = gd.data.findIndex(t => t.mode === 'markers' && t.customdata && t.customdata.length > 5);
      const others = gd.data.filter(t => (t.mode || '').includes('markers') && t.x && t.y)
        .flatMap((t, j) => Array.from(t.x, (x, q) => [x, t.y[q], t === gd.data[i] ? q : -1]));
      let best = 0, far = -1;
      gd.data[i].x.forEach((x, q) => {
        const y = gd.data[i].y[q];
        const near = Math.min(...others.filter(o => o[2] !== q).map(o => Math.hypot(o[0] - x, o[1] - y)));
        if (near > far) { far = near; best = q; }
      });
      return [i, best, gd.data[i].customdata[best]]; }""")
    gd.locator(".scatterlayer .trace").nth(index).locator("path.point").nth(k).click(force=True)
    expect(number).to_have_value(str(n))
    expect(app_page.get_by_test_id("stMain").get_by_text(f"i = {n}", exact=True).first).to_be_visible()
    expect(app_page).to_have_url(re.compile(rf"[?&]point={n}(&|$)"))  # the address is written at the end of the run
    wait_ready(app_page, 1)
    star = gd.evaluate("gd => { const t = gd.data.find(t => t.name === 'x'); return [t.x[0], t.y[0]]; }")
    ring = gd.evaluate("gd => { const t = gd.data.find(t => t.name === 'selected'); return [t.x[0], t.y[0]]; }")
    assert star == ring, "the visual view's x is not the example selected in the geometric view"
    assert_no_errors(app_page)


def test_bad_url_parameter_warns_and_falls_back(app_page: Page, app_server):
    open_page(app_page, app_server.url, "/?lr=banana", 1)
    expect(app_page.get_by_test_id("stAlert").filter(has_text="Ignored URL parameter lr")).to_be_visible()
    expect(app_page.get_by_role("slider", name=LR_LABEL)).to_have_attribute("aria-valuetext", "0.3")
    expect(app_page).not_to_have_url(re.compile("banana"))
    assert_no_errors(app_page)


@pytest.mark.parametrize(("path", "n_charts"), MARGIN_CASES)
def test_charts_are_drawn_with_the_margins_they_ask_for(app_page: Page, app_server, path, n_charts):
    # when automargin has to grow a margin, Plotly draws the whole figure a second time (twice the drawing time)
    open_page(app_page, app_server.url, path, n_charts)
    growth = margin_growth(app_page)
    assert len(growth) >= n_charts, f"{path} drew {len(growth)} charts, expected {n_charts}"
    grown = [f"chart {i}: " + ", ".join(f"{side} {px:+.1f} px" for side, px in g.items())
             for i, g in enumerate(growth) if max(g.values()) > 1]
    assert not grown, f"on {path} Plotly's automargin grew the margins the figures ask for: {'; '.join(grown)}"
    assert_no_errors(app_page)
