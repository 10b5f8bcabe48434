"""Real-browser tests of the pages that show how W is found (issue 12): Search, Optimizers and Mini-batch render at
1280x720 and 1920x1080 with nothing cut off (no formula wider than its column, no chart wider than the page, no
sideways scrolling); the search plays through its frames; switching the optimizer shows its knobs and moves its
arrows; changing the batch sizes redraws the cloud. The Landscape page draws −∇L and −α∇L.

Screenshots land in artifacts/screenshots/finding/.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_browser import (
    assert_no_errors,
    chart_states,
    full_page_screenshot,
    open_page,
    wait_changed,
    wait_ready,
)

pytestmark = pytest.mark.e2e

PAGES = {  # url path, heading, Plotly charts at least
    "search": ("/search", "Search · finding W by search or by following the slope", 2),
    "search_shapes": ("/search?sr_data=shapes&sr_budget=500", "Search · finding W by search or by following the slope",
                      2),
    "optimizers": ("/optimizers?t=10", "Optimizers · five ways down the same slope", 2),
    "optimizers_schedules": ("/optimizers?op_view=schedules&op_sched_steps=200",
                             "Optimizers · five ways down the same slope", 1),
    "optimizers_convexity": ("/optimizers?op_view=convexity", "Optimizers · five ways down the same slope", 1),
    "minibatch": ("/minibatch?t=20", "Mini-batch · many noisy estimates of one gradient", 3),
}
SIZES = [pytest.param({"width": 1280, "height": 720}, id="1280"), pytest.param({"width": 1920, "height": 1080},
                                                                               id="1920")]
# Every KaTeX formula wider than the column it sits in; every chart wider than the main area; sideways scrolling
CUT_OFF_JS = """() => {
  const main = document.querySelector('[data-testid="stMain"]').getBoundingClientRect();
  const formulas = [...document.querySelectorAll('.katex-display')]
    .map(e => [e.scrollWidth, e.closest('[data-testid="stMarkdown"]').clientWidth, e.textContent.slice(0, 50)])
    .filter(([s, c]) => s > c + 2);
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"] .main-svg')]
    .map(s => s.getBoundingClientRect()).filter(r => r.right > main.right + 2).map(r => r.right);
  const sideways = document.documentElement.scrollWidth > document.documentElement.clientWidth + 1;
  return {formulas, charts, sideways};
}"""


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", list(PAGES))
def test_finding_page_renders_with_nothing_cut_off(app_page: Page, app_server, shots, name, size):
    app_page.set_viewport_size(size)
    path, heading, n_charts = PAGES[name]
    open_page(app_page, app_server.url, path, n_charts, heading)
    app_page.wait_for_timeout(500)  # KaTeX lays out after the run
    cut = app_page.evaluate(CUT_OFF_JS)
    assert not cut["formulas"], f"{name} at {size['width']} px: formulas wider than their column: {cut['formulas']}"
    assert not cut["charts"] and not cut["sideways"], f"{name} at {size['width']} px: {cut}"
    assert_no_errors(app_page)
    app_page.screenshot(path=str(shots / f"{name}_{size['width']}.png"))
    full_page_screenshot(app_page, shots / f"{name}_{size['width']}_full.png")


def test_play_steps_the_search_through_its_frames(app_page: Page, app_server):
    open_page(app_page, app_server.url, "/search?sr_budget=200", 2)
    gd = app_page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot').last
    expect(gd.locator(".updatemenu-button", has_text="Play")).to_be_visible(timeout=30_000)
    gd.evaluate("gd => { window.__frames = []; gd.on('plotly_animatingframe', e => window.__frames.push(e.name)); }")
    gd.locator(".updatemenu-button", has_text="Play").click()
    app_page.wait_for_function("() => window.__frames.length >= 4", timeout=20_000)
    frames = app_page.evaluate("window.__frames")
    assert frames[:2] == ["1", "2"], frames  # from the first evaluation on, on a log scale
    points = gd.evaluate("gd => gd.data.find(t => t.name === 'random search').x.length")
    assert points >= 1
    app_page.js_errors[:] = [e for e in app_page.js_errors if e != "undefined"]  # plotly's interrupted animate()
    assert_no_errors(app_page)


def test_switching_the_optimizer_shows_its_knobs_and_moves_its_arrows(app_page: Page, app_server):
    open_page(app_page, app_server.url, "/optimizers?t=10", 2)
    arrows = "gd => gd.layout.annotations.filter(a => a.showarrow).map(a => [a.x, a.y])"
    first = app_page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot').first.evaluate(arrows)
    assert len(first) == 2
    app_page.get_by_test_id("stSelectbox").filter(has_text="Optimizer (its knobs").locator("input").click()
    app_page.get_by_role("option", name="Momentum").click()
    expect(app_page).to_have_url(re.compile(r"[?&]op_focus=momentum(&|$)"))
    expect(app_page.get_by_text("μ (momentum)")).to_be_visible(timeout=30_000)
    wait_ready(app_page, 2)
    app_page.wait_for_function(f"""(old) => {{
        const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
        return JSON.stringify(({arrows})(gd)) !== JSON.stringify(old); }}""", arg=first, timeout=30_000)
    expect(app_page).to_have_url(re.compile(r"[?&]op_focus=momentum(&|$)"))  # written at the end of the run
    assert_no_errors(app_page)


def test_changing_M_redraws_the_gradient_cloud(app_page: Page, app_server):
    open_page(app_page, app_server.url, "/minibatch", 3)
    chart_states(app_page, remember=True)
    app_page.get_by_role("button", name=re.compile(r"^Remove 64")).click()
    expect(app_page).to_have_url(re.compile(r"[?&]mb_sizes=1\.0%2C4\.0%2C16\.0(&|$)|mb_sizes=1\.0,4\.0,16\.0"))
    wait_changed(app_page, "data", charts="first")
    names = app_page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot').first.evaluate(
        "gd => gd.data.map(t => t.name).filter(n => n && n.startsWith('M ='))")
    assert names == ["M = 1", "M = 4", "M = 16"]
    assert_no_errors(app_page)


def test_the_landscape_draws_the_negative_gradient(app_page: Page, app_server, shots):
    open_page(app_page, app_server.url, "/landscape?t=2", 1)
    labels = app_page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot').first.evaluate(
        "gd => gd.layout.annotations.map(a => a.text)")
    assert any(t.startswith("<b>−∇L") for t in labels) and any(t.startswith("<b>−α∇L") for t in labels)
    expect(app_page.locator(".annotation-text", has_text="−∇L").first).to_be_visible()
    app_page.screenshot(path=str(shots / "landscape_arrows.png"))
    assert_no_errors(app_page)
