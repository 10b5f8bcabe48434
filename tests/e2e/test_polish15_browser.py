"""Real-browser checks of the exploratory pass's leftovers, at 1280x720 and 1920x1080: on the Search page no chart's
legend or subplot title lies under Plotly's mode bar (the toolbar a hover shows at the chart's top right); the
Regularization page draws jittering L1 weights as dots, not a band of stripes; the Landscape and Optimizers pages
say their descent paths follow −∇L.

Screenshots land in artifacts/screenshots/polish15/ (the shared `shots` fixture).
"""
from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_browser import assert_no_errors, full_page_screenshot, open_page
from tests.e2e.test_finding_browser import SIZES

pytestmark = pytest.mark.e2e

SEARCH_HEADING = "Search · finding W by search or by following the slope"
# Per live chart: the mode bar's box, and the legend and the texts (subplot titles, notes) whose box meets it
UNDER_MODEBAR_JS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')]
  .filter(gd => gd.getBoundingClientRect().height > 0).map(gd => {
    const box = e => { const r = e.getBoundingClientRect();
                       return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
    const bar = gd.querySelector('.modebar');
    const legend = gd.querySelector('g.legend .bg') || gd.querySelector('g.legend');
    if (!bar || !legend) return {modebar: !!bar, legend: !!legend, under: ['(missing)']};
    const m = box(bar);
    const meets = r => r.left < m.right && m.left < r.right && r.top < m.bottom && m.top < r.bottom;
    const parts = [['legend', legend], ...[...gd.querySelectorAll('g.annotation')].map(a => [a.textContent, a])];
    return {modebar: m, under: parts.filter(([, e]) => meets(box(e))).map(([name, e]) => [name, box(e)])};
  })"""


def test_the_shared_shots_fixture_makes_this_modules_folder(shots):
    assert shots == SCREENSHOTS / "polish15" and shots.is_dir()


@pytest.mark.parametrize("size", SIZES)
def test_search_legends_are_clear_of_the_mode_bar(app_page: Page, app_server, shots, size):
    app_page.set_viewport_size(size)
    open_page(app_page, app_server.url, "/search", 2, SEARCH_HEADING)
    charts = app_page.locator('[data-testid="stPlotlyChart"]')
    for i in range(charts.count()):  # the mode bar shows while the pointer is over its chart
        charts.nth(i).scroll_into_view_if_needed()
        charts.nth(i).hover()
        app_page.wait_for_timeout(300)
        boxes = app_page.evaluate(UNDER_MODEBAR_JS)
        assert len(boxes) >= 2, boxes
        assert not boxes[i]["under"], (f"chart {i} at {size['width']} px: under the mode bar {boxes[i]['modebar']}: "
                                       f"{boxes[i]['under']}")
        charts.nth(i).screenshot(path=str(shots / f"search_chart{i}_{size['width']}.png"))
    assert_no_errors(app_page)
    full_page_screenshot(app_page, shots / f"search_{size['width']}_full.png")


# Per subplot of the weight-paths chart (xy, x2y2): the panel's size and the ink of its drawn lines (the total length
# of its traces' line paths, in px) and how many traces it holds
PANEL_INK_JS = """() => { const gd = [...document.querySelectorAll('.st-key-rg_paths .js-plotly-plot')].pop();
  return [...gd.querySelectorAll('g.subplot')].map(sp => {
    const panel = [...sp.classList].find(c => c !== 'subplot'), n = panel.match(/^x(\\d*)/)[1];
    const lines = [...sp.querySelectorAll('.scatterlayer .trace path.js-line')];
    return {panel, width: gd._fullLayout['xaxis' + n]._length, height: gd._fullLayout['yaxis' + n]._length,
            traces: sp.querySelectorAll('.scatterlayer .trace').length,
            ink: lines.reduce((s, p) => s + p.getTotalLength(), 0),
            dots: sp.querySelectorAll('.scatterlayer .trace path.point').length};
  }); }"""


@pytest.mark.parametrize("size", SIZES)
def test_the_jittering_l1_weights_are_dots_not_a_band_of_stripes(app_page: Page, app_server, shots, size):
    """L1 with λ = 10 (α·λ = 3 against weights of about 2): every weight flips across 0 at every step, and joined
    step to step its path was a band of vertical stripes, each entry drawn with ~100x the ink of a smooth path across
    the panel. The penalized panel draws a dot a step; the panel without the penalty keeps its lines."""
    app_page.set_viewport_size(size)
    open_page(app_page, app_server.url, "/regularization?rg_reg=10&rg_penalty=l1", 2)
    chart = app_page.locator(".st-key-rg_paths")
    chart.scroll_into_view_if_needed()
    app_page.wait_for_timeout(500)
    free, penalized = app_page.evaluate(PANEL_INK_JS)
    for panel in (free, penalized):
        assert panel["traces"] == 6, panel
    smooth = free["traces"] * (free["width"] + free["height"])  # one path across the panel and up its height each
    assert 0 < free["ink"] < smooth, free
    assert penalized["ink"] < 0.5 * smooth, f"the λ = 10 panel's lines at {size['width']} px: {penalized}"
    assert penalized["dots"] == 6 * 201, penalized  # every step of every entry, none left out
    assert_no_errors(app_page)
    chart.screenshot(path=str(shots / f"regularization_l1_10_{size['width']}.png"))


# The first chart holding a text with `needle`: that text's box, its font size, every plot area's box and the chart's
DESCENT_LABEL_JS = """needle => {
  for (const gd of document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')) {
    const text = [...gd.querySelectorAll('g.legend text.legendtext, g.annotation text')]
      .find(t => t.textContent.includes(needle));
    if (!text) continue;
    const box = e => { const r = e.getBoundingClientRect();
                       return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
    const g = gd.getBoundingClientRect(), fl = gd._fullLayout;
    const plots = Object.keys(fl).filter(k => /^xaxis\\d*$/.test(k)).map(k => {
      const x = fl[k], y = fl[x.anchor.replace('y', 'yaxis')];
      return {left: g.left + x._offset, right: g.left + x._offset + x._length,
              top: g.top + y._offset, bottom: g.top + y._offset + y._length}; });
    const bar = gd.querySelector('.modebar');
    return {text: text.textContent, label: box(text), font: parseFloat(getComputedStyle(text).fontSize),
            chart: box(gd), plots, modebar: bar ? box(bar) : null};
  }
  return null; }"""
DESCENT_PAGES = {"landscape": ("/landscape?t=10", "path: steps −α∇L"),
                 "landscape_adam": ("/landscape?t=10&optimizer=adam", "path: Adam steps from −∇L"),
                 "optimizers": ("/optimizers?t=10", "each optimizer's steps down −∇L")}


def _meets(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", list(DESCENT_PAGES))
def test_the_descent_paths_are_labelled_as_following_minus_grad_l(app_page: Page, app_server, shots, name, size):
    """The Landscape and Optimizers pages drew the descent paths with no word of what they follow: the Landscape's
    legend said "trajectory", the Optimizers' slice had no legend at all. The label sits outside every plot area (it
    covers no path), inside its chart, clear of the mode bar, in a readable size."""
    app_page.set_viewport_size(size)
    path, needle = DESCENT_PAGES[name]
    open_page(app_page, app_server.url, path, 1)
    found = app_page.evaluate(DESCENT_LABEL_JS, needle)
    assert found, f"{name} at {size['width']} px: no chart names its paths '{needle}'"
    chart = app_page.locator('[data-testid="stPlotlyChart"]').filter(has_text=needle).first
    chart.scroll_into_view_if_needed()
    chart.hover()  # (the mode bar shows while the pointer is over the chart)
    app_page.wait_for_timeout(300)
    found = app_page.evaluate(DESCENT_LABEL_JS, needle)
    label, box = found["label"], found["chart"]
    assert found["font"] >= 14, found
    assert box["left"] <= label["left"] and label["right"] <= box["right"] and box["top"] <= label["top"], found
    assert not any(_meets(label, plot) for plot in found["plots"]), f"the label covers a plot: {found}"
    assert found["modebar"] and not _meets(label, found["modebar"]), f"the label is under the mode bar: {found}"
    assert_no_errors(app_page)
    chart.screenshot(path=str(shots / f"descent_label_{name}_{size['width']}.png"))
