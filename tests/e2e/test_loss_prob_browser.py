"""Real-browser tests of issue 10, items 3-6: the Likelihood & KL and Regularization pages open without console
errors and react to one control each; the Classifier page's probability bars sit beside the algebraic view without
pushing the chart below the fold, and C = 2 adds the binary rule. Screenshots at 1280x720 and 1920x1080 land in
artifacts/screenshots/loss-prob/."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_browser import query, sized_page
from tests.e2e.test_loss_classifier_browser import wait_ready

pytestmark = pytest.mark.e2e
WAIT = 30_000
SIZES = [(1280, 720), (1920, 1080)]

# Per chart: how many px Plotly's automargin grew each margin past what the figure asks for (figures/base.py: none)
MARGIN_GROWTH_JS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')].map(gd => {
  const fl = gd._fullLayout;
  return Object.fromEntries(['l', 'r', 't', 'b'].map(s => [s, fl._size[s] - fl.margin[s]])); })"""
ANNOTATIONS_JS = """(i) => { const gd = document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')[i];
  return gd ? gd.layout.annotations.map(a => a.text) : []; }"""


@pytest.fixture(scope="module")
def shots(screenshot_dir):
    folder = screenshot_dir / "loss-prob"
    folder.mkdir(parents=True, exist_ok=True)
    return folder



def assert_fixed_margins(page: Page, n_charts: int) -> None:
    """Every chart is drawn with the margins it asks for (a grown margin is a second drawing of the figure)."""
    growth = page.evaluate(MARGIN_GROWTH_JS)
    assert len(growth) >= n_charts
    grown = {i: g for i, g in enumerate(growth) if max(g.values()) > 1}
    assert not grown, f"automargin grew: {grown}"



def whole_page(page: Page, path, width: int) -> None:
    """A screenshot of the whole page (Streamlit scrolls inside its own container: a tall window shows it all)."""
    page.set_viewport_size({"width": width, "height": 2600})
    page.wait_for_timeout(1500)
    page.screenshot(path=str(path))


@pytest.mark.parametrize("width, height", SIZES)
def test_the_likelihood_page_chooses_the_true_class(chromium, app_server, shots, width, height):
    with sized_page(chromium, app_server, width, height) as page:
        page.goto(app_server.url + "/likelihood")
        wait_ready(page, 1)
        expect(page.locator(".katex-html").filter(has_text="4.6052").first).to_be_visible(timeout=WAIT)
        group = page.get_by_test_id("stButtonGroup").filter(has_text="True class")
        group.get_by_role("radio", name="1", exact=True).click()  # class 1 of the slide (index 0 in the link)
        expect(page.locator(".katex-html").filter(has_text="0.69315").first).to_be_visible(timeout=WAIT)
        wait_ready(page, 1)
        page.wait_for_function("() => location.search.includes('kl_class=0')", timeout=WAIT)
        assert query(page)["kl_class"] == "0"
        assert_fixed_margins(page, 1)
        for formula in page.locator(".katex-display").all():  # no formula cut at the column's edge
            assert formula.evaluate("k => k.scrollWidth <= k.clientWidth + 2"), formula.inner_text()[:60]
        page.screenshot(path=str(shots / f"likelihood_{width}.png"))
        whole_page(page, shots / f"likelihood_{width}_whole.png", width)


@pytest.mark.parametrize("width, height", SIZES)
def test_the_regularization_page_switches_the_paths_to_l1(chromium, app_server, shots, width, height):
    with sized_page(chromium, app_server, width, height) as page:
        page.goto(app_server.url + "/regularization")
        wait_ready(page, 2)
        assert "λ = 0.1, L2" in page.evaluate(ANNOTATIONS_JS, 1)
        page.get_by_test_id("stButtonGroup").filter(has_text="L1").get_by_role("radio", name="L1: Σ |W|").click()
        page.wait_for_function(f"() => ({ANNOTATIONS_JS})(1).includes('λ = 0.1, L1')", timeout=WAIT)
        wait_ready(page, 2)
        page.wait_for_function("() => location.search.includes('rg_penalty=l1')", timeout=WAIT)
        assert_fixed_margins(page, 2)
        page.screenshot(path=str(shots / f"regularization_{width}.png"))
        whole_page(page, shots / f"regularization_{width}_whole.png", width)


POSITIONS_JS = """() => { const r = e => e.getBoundingClientRect().toJSON();
  const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
  const bars = document.querySelector('table[aria-label^="scores, exp(s)"]');
  const box = bars.closest('[data-testid="stVerticalBlock"]');
  return {chart: r(gd), bars: r(bars), box: r(box), formula: r(document.querySelector('.katex-display')),
          height: innerHeight}; }"""


@pytest.mark.parametrize("width, height", SIZES)
def test_the_probability_bars_sit_beside_the_algebraic_view(chromium, app_server, shots, width, height):
    with sized_page(chromium, app_server, width, height) as page:
        page.goto(app_server.url + "/?t=30")
        wait_ready(page, 1)
        v = page.evaluate(POSITIONS_JS)
        assert v["bars"]["left"] >= v["formula"]["right"] - 1, v  # beside the formula, not under it
        assert v["bars"]["bottom"] <= v["chart"]["top"], v
        assert v["bars"]["right"] <= v["box"]["right"] + 1, v  # not cut at the column's edge
        assert v["chart"]["bottom"] <= v["height"], v  # the chart still fits the screen
        page.screenshot(path=str(shots / f"classifier_bars_{width}.png"))


def test_two_classes_show_the_binary_rule(chromium, app_server, shots):
    with sized_page(chromium, app_server, 1280, 720) as page:
        page.goto(app_server.url + "/?t=40")
        wait_ready(page, 1)
        slider = page.get_by_test_id("stSidebar").get_by_role("slider", name="Classes C")
        if not slider.is_visible():  # (the Data section is folded)
            page.get_by_test_id("stSidebar").get_by_text("1 · Data").click()
        slider.focus()
        page.keyboard.press("Home")  # C = 2
        page.wait_for_function("() => location.search.includes('n_classes=2')", timeout=WAIT)
        wait_ready(page, 2)
        names = page.evaluate("() => document.querySelectorAll('[data-testid=\"stPlotlyChart\"] .js-plotly-plot')[1]"
                              ".data.map(t => t.name)")
        assert "f(x) = 0" in names and "class 1" in names
        expect(page.get_by_text("The binary rule (C = 2)")).to_be_visible(timeout=WAIT)
        assert_fixed_margins(page, 2)
        whole_page(page, shots / "classifier_binary_1280_whole.png", 1280)
