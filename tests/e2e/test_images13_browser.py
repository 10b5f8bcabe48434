"""Real-browser checks of the Images page's defects left by the exploratory pass (issue 13).

Screenshots land in artifacts/screenshots/images13/.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from dashboard.pages import PAGES as REGISTRY
from tests.e2e.test_browser import assert_no_errors, full_page_screenshot, open_page, query, wait_ready
from tests.e2e.test_finding_browser import SIZES

pytestmark = pytest.mark.e2e

IMAGES = next(p for p in REGISTRY if p.name == "images")
TEMPLATES = ".st-key-images_templates_box .js-plotly-plot"
TITLES_JS = f"""() => [...document.querySelectorAll('{TEMPLATES} .annotation-text')].map(a => a.textContent)"""


@pytest.fixture
def shots(screenshot_dir):
    out = screenshot_dir / "images13"
    out.mkdir(exist_ok=True)
    return out


def wait_titles(page: Page, n: int) -> list[str]:
    page.wait_for_function(f"() => ({TITLES_JS})().length === {n}", timeout=60_000)
    return page.evaluate(TITLES_JS)


def test_a_dataset_link_opens_its_digits_and_a_choice_on_the_page_survives_the_reload(app_page: Page, app_server,
                                                                                       shots):
    """/images?dataset=digits&n_classes=10 showed the page's own 0 / 1 / 7."""
    open_page(app_page, app_server.url, "/images?dataset=digits&n_classes=10&t=100", 5, IMAGES.heading)
    assert [t.split(": ")[-1] for t in wait_titles(app_page, 10)] == [str(d) for d in range(10)]
    app_page.screenshot(path=str(shots / "dataset_digits_10.png"))
    app_page.get_by_test_id("stSelectbox").filter(has_text="Digits (the classes)").locator("input").click()
    app_page.get_by_role("option", name="3 / 8", exact=True).click()
    expect(app_page).to_have_url(re.compile(r"im_digits=38"), timeout=60_000)
    wait_ready(app_page, 5)
    assert query(app_page) == {"dataset": "digits", "n_classes": "10", "t": "100", "im_digits": "38"}
    app_page.reload()
    wait_ready(app_page, 5)
    assert [t.split(": ")[-1] for t in wait_titles(app_page, 2)] == ["3", "8"]
    expect(app_page.get_by_role("combobox", name="Digits (the classes)")).to_have_value("3 / 8")
    assert_no_errors(app_page)


# ---------------------------------------------------------------- 3. the Loss page's tables on images
# The size each thumbnail is drawn at: the table is a canvas (glide-data-grid), so its drawImage calls of a PNG data
# URL are recorded (in CSS px: the grid scales the context by the device pixel ratio)
RECORD_THUMBNAILS_JS = """() => {
  window.__thumbs = [];
  const draw = CanvasRenderingContext2D.prototype.drawImage;
  CanvasRenderingContext2D.prototype.drawImage = function (img, ...rest) {
    if (img && img.src && img.src.startsWith('data:image/png') && rest.length >= 4)
      window.__thumbs.push([rest[rest.length - 2], rest[rest.length - 1]]);
    return draw.call(this, img, ...rest);
  };
}"""
# Each table that scrolls (its scroller larger than its box): sideways, or, holding the 8 examples shown, downwards
TABLES_SCROLL_JS = """() => [...document.querySelectorAll('[data-testid="stDataFrame"]')]
  .filter(t => !t.closest('[data-stale="true"]') && t.getBoundingClientRect().width > 0)
  .map(t => [t.querySelector('.dvn-scroller'), t.getBoundingClientRect()])
  .filter(([s, r]) => s && (s.scrollWidth > s.clientWidth + 1 || s.scrollHeight > s.clientHeight + 1))
  .map(([s, r]) => ({width: [s.scrollWidth, s.clientWidth], height: [s.scrollHeight, s.clientHeight],
                     top: Math.round(r.top)}))"""


@pytest.mark.parametrize("size", SIZES)
def test_the_loss_tables_of_ten_digits_show_large_thumbnails_and_fit_their_column(app_page: Page, app_server, shots,
                                                                                   size):
    """The thumbnails were drawn 28 px tall (unreadable on a projector) and with ten classes the scores, hinge and
    softmax tables scrolled sideways at 1280 px (and, their rows made taller, downwards)."""
    app_page.set_viewport_size(size)
    app_page.add_init_script(f"({RECORD_THUMBNAILS_JS})()")
    open_page(app_page, app_server.url, "/loss?dataset=digits&n_classes=10&t=50", 1,
              "Loss · how wrong is the classifier?")
    app_page.wait_for_function("() => window.__thumbs.length >= 8", timeout=30_000)
    app_page.wait_for_timeout(1000)
    sizes = app_page.evaluate("window.__thumbs")
    assert min(h for w, h in sizes) >= 48 and min(w for w, h in sizes) >= 48, sorted(set(map(tuple, sizes)))[:5]
    for table in app_page.get_by_test_id("stDataFrame").all():  # (a table below the fold draws when scrolled to)
        table.scroll_into_view_if_needed()
    app_page.wait_for_timeout(500)
    assert app_page.evaluate(TABLES_SCROLL_JS) == [], f"at {size['width']} px"
    assert_no_errors(app_page)
    full_page_screenshot(app_page, shots / f"loss_digits10_{size['width']}_full.png")
