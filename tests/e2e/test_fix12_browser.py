"""Real-browser tests of the last exploratory pass over Search, Optimizers and Mini-batch (issue 12); each failed
before its fix. Screenshots land in artifacts/screenshots/fix12/."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page

from dashboard.pages import by_file
from tests.e2e.test_browser import assert_no_errors, open_page

pytestmark = pytest.mark.e2e
SIZES = [pytest.param({"width": 1280, "height": 720}, id="1280"), pytest.param({"width": 1920, "height": 1080},
                                                                               id="1920")]
OPTIMIZERS = by_file("optimizers.py").heading

# In the first live chart: the screen boxes of its non-empty annotation texts, and the screen points of every
# line trace (its points, and 8 points along each segment between them: a line can cross a label between points)
TEXTS_AND_LINES_JS = """() => {
  const c = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .filter(c => !c.closest('[data-stale="true"]'))[0];
  const gd = c.querySelector('.js-plotly-plot'), fl = gd._fullLayout, box = gd.getBoundingClientRect();
  const texts = [...gd.querySelectorAll('.annotation')].filter(a => a.textContent.trim())
    .map(a => { const r = a.querySelector('.annotation-text-g').getBoundingClientRect();
                return {text: a.textContent, box: [r.left, r.top, r.right, r.bottom]}; });
  const points = [];
  gd._fullData.filter(t => t.type === 'scatter' && (t.mode || '').includes('lines')).forEach(t => {
    const xa = fl[t.xaxis.replace('x', 'xaxis')], ya = fl[t.yaxis.replace('y', 'yaxis')];
    const px = i => [box.left + xa._offset + xa.l2p(t.x[i]), box.top + ya._offset + ya.l2p(t.y[i])];
    for (let i = 0; i < t.x.length; i++) {
      if (!(isFinite(t.x[i]) && isFinite(t.y[i]))) continue;
      const a = px(i); points.push({name: t.name, p: a});
      if (i + 1 < t.x.length && isFinite(t.x[i + 1]) && isFinite(t.y[i + 1])) {
        const b = px(i + 1);
        for (let k = 1; k < 8; k++) points.push({name: t.name, p: [a[0] + (b[0] - a[0]) * k / 8,
                                                                    a[1] + (b[1] - a[1]) * k / 8]});
      }
    }
  });
  return {texts, points};
}"""


@pytest.fixture
def shots(screenshot_dir):
    out = screenshot_dir / "fix12"
    out.mkdir(exist_ok=True)
    return out


def covered(texts: list[dict], points: list[dict]) -> list[tuple[str, str]]:
    """(label, path) pairs where a path runs under a label's text box (more than 1 px inside it)."""
    hits = set()
    for t in texts:
        left, top, right, bottom = t["box"]
        for p in points:
            x, y = p["p"]
            if left + 1 < x < right - 1 and top + 1 < y < bottom - 1:
                hits.add((t["text"], p["name"]))
    return sorted(hits)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("focus", ["sgd", "adam"])
def test_no_label_on_the_optimizer_slice_lies_on_a_path_at_step_0(app_page: Page, app_server, shots, size, focus):
    """At step 0 every path leaves the common start along about −∇L: the arrows' labels, written at their heads,
    lay on the paths ("−∇L" and "−α∇L (α = 0.3)" over GD's and momentum's lines at 1280 and 1920 px)."""
    app_page.set_viewport_size(size)
    open_page(app_page, app_server.url, f"/optimizers?t=0&op_focus={focus}", 2, OPTIMIZERS)
    app_page.wait_for_timeout(500)
    found = app_page.evaluate(TEXTS_AND_LINES_JS)
    assert any("∇L" in t["text"] for t in found["texts"]), found["texts"]  # the arrows are named
    assert len(found["points"]) > 100
    assert not covered(found["texts"], found["points"]), covered(found["texts"], found["points"])
    app_page.get_by_test_id("stPlotlyChart").first.screenshot(path=str(shots / f"optimizers_t0_{focus}_"
                                                                                  f"{size['width']}.png"))
    assert_no_errors(app_page)


@pytest.mark.parametrize("url", ["/optimizers?op_focus=adam", "/optimizers?op_focus=nesterov",
                                 "/optimizers?op_focus=rmsprop", "/optimizers?op_view=schedules&op_decay=step"],
                         ids=["adam", "nesterov", "rmsprop", "schedules"])
def test_the_optimizers_formulas_fit_their_column_at_1280(app_page: Page, app_server, shots, url):
    """Adam's update rule with its values on one line ran past the column at 1280 px ("β₁ = 0.90" cut off)."""
    from tests.e2e.test_gradient_browser import OVERFLOW_JS

    app_page.set_viewport_size({"width": 1280, "height": 720})
    open_page(app_page, app_server.url, url, 1, OPTIMIZERS)
    app_page.wait_for_timeout(500)
    overflow = app_page.evaluate(OVERFLOW_JS)
    assert not overflow, f"formulas wider than their column: {overflow}"
    app_page.screenshot(path=str(shots / f"optimizers_formula_{url.split('=')[-1]}_1280.png"))
    assert_no_errors(app_page)


SEARCH = by_file("search.py").heading
# The search slice (the last live chart): how many contour paths it draws, and the frame its slider names
SLICE_STATE_JS = """() => { const c = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .filter(c => !c.closest('[data-stale="true"]')).at(-1);
  const gd = c.querySelector('.js-plotly-plot');
  return {contours: gd.querySelectorAll('.contourlayer path').length,
          label: [...gd.querySelectorAll('.slider-container text, .sliders text')].map(t => t.textContent)
                 .filter(t => t.includes('evaluations:')).join()}; }"""


def test_the_search_slice_keeps_its_landscape_while_it_plays_and_when_scrubbed(app_page: Page, app_server, shots):
    """After ▶ Play (and after a click on the slider) the slice's contour was gone: white behind the points."""
    app_page.set_viewport_size({"width": 1280, "height": 720})
    open_page(app_page, app_server.url, "/search?sr_budget=200", 2, SEARCH)
    chart = app_page.get_by_test_id("stPlotlyChart").last
    chart.scroll_into_view_if_needed()
    app_page.wait_for_timeout(500)
    before = app_page.evaluate(SLICE_STATE_JS)
    assert before["contours"] > 10 and before["label"].endswith("200"), before
    chart.get_by_text("▶ Play").click()
    app_page.wait_for_function(f"() => !({SLICE_STATE_JS})().label.endsWith('200')", polling=50, timeout=30_000)
    app_page.wait_for_function(f"() => ({SLICE_STATE_JS})().label.endsWith('200')", polling=100, timeout=60_000)
    app_page.wait_for_timeout(500)
    played = app_page.evaluate(SLICE_STATE_JS)
    assert played["contours"] == before["contours"], played
    chart.screenshot(path=str(shots / "search_slice_played_1280.png"))
    rail = chart.locator(".slider-rail-rect").bounding_box()
    app_page.mouse.click(rail["x"] + 0.4 * rail["width"], rail["y"] + rail["height"] / 2)
    app_page.wait_for_function(f"() => !({SLICE_STATE_JS})().label.endsWith('200')", polling=100, timeout=30_000)
    app_page.wait_for_timeout(500)
    scrubbed = app_page.evaluate(SLICE_STATE_JS)
    assert scrubbed["contours"] == before["contours"], scrubbed
    chart.screenshot(path=str(shots / "search_slice_scrubbed_1280.png"))
    assert_no_errors(app_page)
