"""Real-browser findings of the exploratory pass on image data (digits and shapes) at the projector's 1280x720 and
at 1920x1080: each test is a defect that was seen in a screenshot and fixed.

Screenshots land in artifacts/screenshots/explore-images/.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import Page

from dashboard.pages import PAGES as REGISTRY
from tests.e2e.test_browser import assert_no_errors, full_page_screenshot, open_page
from tests.e2e.test_finding_browser import SIZES

pytestmark = pytest.mark.e2e
SCREENSHOT_AREA = "explore-images"  # where the `shots` fixture (tests/e2e/conftest.py) saves

CLASSIFIER = next(p for p in REGISTRY if p.name == "classifier")
# Per templates chart (one heatmap of tiles, the weights' hover naming a class): the px one pixel of the image gets
# along x and y, and how wide the chart's drawing is against its cell on the page. Squashed tiles (x != y) or a
# drawing wider than its cell (cut off) is the overlap the markers showed before the templates became a heatmap.
TILES_JS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
  .filter(c => !c.closest('[data-stale="true"]'))
  .map(c => [c, c.querySelector('.js-plotly-plot')])
  .filter(([c, gd]) => gd && gd.data && gd.data[0] && gd.data[0].type === 'heatmap'
                       && String(gd.data[0].hovertemplate || '').startsWith('class'))
  .map(([c, gd]) => { const fl = gd._fullLayout, xr = fl.xaxis.range, yr = fl.yaxis.range;
               return {x: fl.xaxis._length / Math.abs(xr[1] - xr[0]), y: fl.yaxis._length / Math.abs(yr[1] - yr[0]),
                       drawn: fl.width, cell: c.getBoundingClientRect().width}; })"""


@pytest.mark.parametrize("size", SIZES)
def test_classifier_templates_of_ten_digits_do_not_overlap(app_page: Page, app_server, shots, size):
    """The Classifier page drew the templates in a 62 % column: at 1280 px, ten digits' tiles (markers sized for the
    full width) overlapped, the gaps between templates vanished and the titles sat on the row above."""
    app_page.set_viewport_size(size)
    open_page(app_page, app_server.url, "/?dataset=digits&n_classes=10&t=200", 2, CLASSIFIER.heading)
    app_page.wait_for_function(f"() => ({TILES_JS})().length > 0", polling=100)
    app_page.wait_for_timeout(500)  # Plotly relayouts to the column's width
    tiles = app_page.evaluate(TILES_JS)
    assert len(tiles) == 1, tiles
    cell = tiles[0]
    assert abs(cell["x"] - cell["y"]) <= 0.5 and cell["x"] >= 8, f"at {size['width']} px: {cell}"
    assert cell["drawn"] <= cell["cell"] + 1, f"at {size['width']} px the templates are cut off: {cell}"
    assert_no_errors(app_page)
    full_page_screenshot(app_page, shots / f"classifier_templates_10_{size['width']}_full.png")
