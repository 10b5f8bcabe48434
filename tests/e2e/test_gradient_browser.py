"""Real-browser tests of the gradient pages (issue 11): each renders at 1280x720 and 1920x1080 with every formula
inside its column, the steppers advance the walkthrough, the rule and the graph, the play-through runs to the end
and stops, the limit animation plays, the gradient check catches a planted bug and measures its cost.

Screenshots land in artifacts/screenshots/gradients/.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from dashboard.pages import by_file
from tests.e2e.test_browser import assert_no_errors, chart_states, full_page_screenshot, open_page, wait_changed

pytestmark = pytest.mark.e2e
SCREENSHOT_AREA = "gradients"  # where the `shots` fixture (tests/e2e/conftest.py) saves

# url path, heading, Plotly charts at least (the computation graph draws graphviz charts instead)
NG, GC, DV, CG = (by_file(f).heading for f in ("numerical_gradient.py", "gradient_check.py", "derivations.py",
                                               "computation_graph.py"))
PAGES = {
    "numerical_gradient": ("/numerical_gradient", NG, 1),
    "numerical_limit": ("/numerical_gradient?ng_view=limit&ng_h=0.1", NG, 1),
    "numerical_error": ("/numerical_gradient?ng_view=error", NG, 1),
    "numerical_slide": ("/numerical_gradient?ng_view=slide&ng_slide=3", NG, 0),
    "gradient_check": ("/gradient_check?loss=svm&gc_bug=hinge_no_count&t=20", GC, 1),
    "derivations": ("/derivations?dv_rule=sigmoid&dv_dims=2&dv_steps=10&dv_alpha=0.1", DV, 1),
    # (σ₁ = 2.67 × 10⁻⁵ made the first line 63 px wider than the column at 1280 px: "× 10⁻⁵" was cut, σ₁ read 2.67)
    "derivations_large_alpha": ("/derivations?dv_rule=sigmoid&dv_dims=2&dv_steps=23&dv_alpha=1.0", DV, 1),
    "computation_graph": ("/computation_graph?cg_step=20&loss=svm", CG, 0),
}
SIZES = [pytest.param({"width": 1280, "height": 720}, id="1280"), pytest.param({"width": 1920, "height": 1080},
                                                                               id="1920")]
# Every KaTeX formula wider than the column it sits in (its scroll width against the element's width)
OVERFLOW_JS = """() => [...document.querySelectorAll('.katex-display')]
  .map(e => [e.scrollWidth, e.closest('[data-testid="stMarkdown"]').clientWidth, e.textContent.slice(0, 60)])
  .filter(([s, c]) => s > c + 2)"""
GRAPH_TEXT_JS = """() => [...document.querySelectorAll('[data-testid="stGraphVizChart"] svg')]
  .map(s => [...s.querySelectorAll('text')].map(t => t.textContent).join('|'))"""


def graph_text(page: Page) -> str:
    texts = page.evaluate(GRAPH_TEXT_JS)
    return texts[0] if texts else ""


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", list(PAGES))
def test_gradient_page_renders_with_every_formula_in_its_column(app_page: Page, app_server, shots, name, size):
    app_page.set_viewport_size(size)
    path, heading, n_charts = PAGES[name]
    open_page(app_page, app_server.url, path, n_charts, heading)
    if name == "computation_graph":
        expect(app_page.get_by_test_id("stGraphVizChart").first.locator("svg")).to_be_visible(timeout=30_000)
    app_page.wait_for_timeout(500)  # KaTeX lays out after the run
    assert app_page.locator(".katex-display").count() > 0
    overflow = app_page.evaluate(OVERFLOW_JS)
    assert not overflow, f"{name} at {size['width']} px: formulas wider than their column: {overflow}"
    assert_no_errors(app_page)
    app_page.screenshot(path=str(shots / f"{name}_{size['width']}.png"))
    full_page_screenshot(app_page, shots / f"{name}_{size['width']}_full.png")


def test_next_dimension_advances_the_walkthrough(app_page: Page, app_server):
    open_page(app_page, app_server.url, "/numerical_gradient", 1)
    expect(app_page.get_by_text("0 of 9", exact=False)).to_be_visible()
    chart_states(app_page, remember=True)
    for k in (1, 2):
        app_page.get_by_role("button", name="Next dimension").click()
        expect(app_page).to_have_url(re.compile(rf"[?&]ng_dims={k}(&|$)"))
        expect(app_page.get_by_text(f"{k} of 9", exact=False)).to_be_visible()
    wait_changed(app_page, "data")
    bars = app_page.evaluate("""() => {
        const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
        return gd.data.find(t => t.name === 'numerical slope').y.filter(v => v !== 0).length; }""")
    assert 1 <= bars <= 2
    expect(app_page.locator(".katex-display", has_text="∂W01")).to_have_count(1)  # the 2nd probe's quotient
    assert_no_errors(app_page)


def test_play_through_fills_dW_and_stops(app_page: Page, app_server):
    open_page(app_page, app_server.url, "/numerical_gradient?ng_dims=6", 1)
    app_page.get_by_role("button", name="Play through").click()
    expect(app_page.get_by_role("button", name="Pause")).to_be_visible()
    expect(app_page).to_have_url(re.compile(r"[?&]ng_dims=8(&|$)"), timeout=30_000)  # a tick advanced it
    expect(app_page).to_have_url(re.compile(r"[?&]ng_dims=9(&|$)"), timeout=30_000)
    expect(app_page.get_by_text("dW is complete")).to_be_visible()
    expect(app_page.get_by_role("button", name="Play through")).to_be_visible()
    # the timer is off: no more runs
    app_page.evaluate("""() => { window.__runs = 0; const app = document.querySelector('[data-testid="stApp"]');
        new MutationObserver(() => { if (app.getAttribute('data-test-script-state') === 'running') window.__runs++; })
          .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']}); }""")
    app_page.wait_for_timeout(2500)
    assert app_page.evaluate("window.__runs") == 0, "the play-through kept rerunning after dW was complete"
    assert_no_errors(app_page)


def test_the_limit_tab_and_its_shrink_h_animation(app_page: Page, app_server):
    open_page(app_page, app_server.url, "/numerical_gradient", 1)
    app_page.get_by_role("tab", name="The limit h → 0").click()
    expect(app_page).to_have_url(re.compile(r"[?&]ng_view=limit(&|$)"))
    expect(app_page.locator(".js-plotly-plot .updatemenu-button", has_text="Shrink h")).to_be_visible(timeout=30_000)
    gd = app_page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot').last
    gd.evaluate("gd => { window.__frames = []; gd.on('plotly_animatingframe', e => window.__frames.push(e.name)); }")
    gd.locator(".updatemenu-button", has_text="Shrink h").click()
    app_page.wait_for_function("() => window.__frames.length >= 3", timeout=15_000)
    frames = app_page.evaluate("window.__frames")
    assert frames[:3] == ["1", "0.5", "0.2"], frames
    slope = gd.evaluate("gd => gd.data.find(t => t.name === 'slopes').text[0]")
    assert slope.startswith("h = ")
    app_page.js_errors[:] = [e for e in app_page.js_errors if e != "undefined"]  # plotly's interrupted animate()
    assert_no_errors(app_page)


def test_the_gradient_check_catches_a_planted_bug_and_measures_the_cost(app_page: Page, app_server):
    open_page(app_page, app_server.url, "/gradient_check?loss=svm&t=20", 1)
    expect(app_page.get_by_text("The check passes")).to_be_visible()
    app_page.get_by_test_id("stSelectbox").filter(has_text="Analytic gradient").locator("input").click()
    app_page.get_by_role("option", name="hinge: no −count on the correct class").click()
    expect(app_page.get_by_text("The check catches the bug")).to_be_visible(timeout=30_000)
    expect(app_page).to_have_url(re.compile(r"[?&]gc_bug=hinge_no_count(&|$)"))  # written at the end of the run
    tables = app_page.get_by_test_id("stDataFrame").count()
    app_page.get_by_role("button", name="Measure the time").click()
    expect(app_page.get_by_text("Times are of this machine")).to_be_visible(timeout=120_000)
    expect(app_page.get_by_test_id("stDataFrame")).to_have_count(tables + 1)
    assert_no_errors(app_page)


def test_applying_the_rule_moves_the_fitted_line(app_page: Page, app_server):
    open_page(app_page, app_server.url, "/derivations", 1)
    chart_states(app_page, remember=True)
    app_page.get_by_role("button", name="Apply the rule").click()
    expect(app_page).to_have_url(re.compile(r"[?&]dv_steps=1(&|$)"))
    wait_changed(app_page, "paths", charts="first")  # (the second chart, sigma and sigma', stays)
    expect(app_page.get_by_text("Step 1", exact=False).first).to_be_visible()
    assert_no_errors(app_page)


def test_the_graph_stepper_runs_the_forward_then_the_backward_pass(app_page: Page, app_server):
    open_page(app_page, app_server.url, "/computation_graph", 0)
    expect(app_page.get_by_test_id("stGraphVizChart").first.locator("svg")).to_be_visible(timeout=30_000)
    assert "= 0.5" not in graph_text(app_page)
    app_page.get_by_role("button", name="Next node").click()
    expect(app_page).to_have_url(re.compile(r"[?&]cg_step=1(&|$)"))
    app_page.wait_for_function(f"() => ({GRAPH_TEXT_JS})()[0].includes('= 0.5')", timeout=30_000)
    app_page.get_by_role("button", name="All backward").click()
    expect(app_page).to_have_url(re.compile(r"[?&]cg_step=26(&|$)"))
    app_page.wait_for_function(f"() => (({GRAPH_TEXT_JS})()[0].match(/grad/g) || []).length === 13", timeout=30_000)
    assert "grad 1" in graph_text(app_page)
    assert_no_errors(app_page)


@pytest.mark.parametrize("size", SIZES)
def test_the_derivations_colour_bar_stays_clear_of_the_loss_panel(app_page: Page, app_server, size):
    """At 1280 px the σ colour bar's tick labels ran into the loss panel's ("0.6 4"): they now end left of them."""
    app_page.set_viewport_size(size)
    open_page(app_page, app_server.url, "/derivations?dv_rule=sigmoid&dv_dims=2&dv_steps=23&dv_alpha=1.0", 1, DV)
    boxes = app_page.evaluate("""() => {
        const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
        const right = sel => Math.max(...[...gd.querySelectorAll(sel)].map(t => t.getBoundingClientRect().right));
        const left = sel => Math.min(...[...gd.querySelectorAll(sel)].map(t => t.getBoundingClientRect().left));
        return {bar: right('.colorbar .cbaxis text, .colorbar text'), loss: left('.y2tick text')}; }""")
    assert boxes["bar"] + 4 <= boxes["loss"], boxes
    assert_no_errors(app_page)
