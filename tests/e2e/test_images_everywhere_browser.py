"""Real-browser tests of image data on the other pages (issue 13, item 4): ?dataset=digits opens the Classifier and
the Training page at 1280x720 and 1920x1080 without errors and nothing cut off; the Classifier draws the digits on a
plane of image space and the templates as 8x8 images; the Training page's playback shows the regions on that plane
and follows the step scrubber.

Screenshots land in artifacts/screenshots/images_everywhere/.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from dashboard.pages import PAGES as REGISTRY
from tests.e2e.test_browser import (
    LIVE_CHARTS,
    assert_no_errors,
    chart_states,
    full_page_screenshot,
    open_page,
    wait_changed,
)
from tests.e2e.test_finding_browser import CUT_OFF_JS, SIZES

pytestmark = pytest.mark.e2e

CLASSIFIER = next(p for p in REGISTRY if p.name == "classifier")
TRAINING = next(p for p in REGISTRY if p.name == "training")
# the text of every live chart's title, panel titles, axis titles and annotations
TEXTS_JS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
  .filter(c => !c.closest('[data-stale="true"]'))
  .map(c => [...c.querySelectorAll('.gtitle, .xtitle, .ytitle, .annotation-text')].map(e => e.textContent))"""


@pytest.fixture
def shots(screenshot_dir):
    out = screenshot_dir / "images_everywhere"
    out.mkdir(exist_ok=True)
    return out


def _no_cut_off(page: Page, what: str) -> None:
    page.wait_for_timeout(500)  # KaTeX lays out after the run
    cut = page.evaluate(CUT_OFF_JS)
    assert not cut["formulas"] and not cut["charts"] and not cut["sideways"], f"{what}: {cut}"


@pytest.mark.parametrize("size", SIZES)
def test_digits_on_the_classifier_page(app_page: Page, app_server, shots, size):
    app_page.set_viewport_size(size)
    open_page(app_page, app_server.url, "/?dataset=digits&t=200", 2, CLASSIFIER.heading)
    assert_no_errors(app_page)
    _no_cut_off(app_page, f"Classifier with digits at {size['width']} px")
    plane, templates = app_page.evaluate(TEXTS_JS)[:2]
    assert any("plane of image space" in t for t in plane) and "principal component 1" in plane, plane
    assert [t for t in templates if t.startswith("w")] == ["w₀: 0", "w₁: 1", "w₂: 2"], templates
    expect(app_page).to_have_url(re.compile(r"[?&]dataset=digits(&|$)"))
    # the sidebar's Data section says what the digits are instead of offering a noise
    app_page.get_by_text("1 · Data").click()
    expect(app_page.get_by_text("Real images: no noise is added")).to_be_visible()
    expect(app_page.get_by_role("slider", name="Noise")).to_have_count(0)
    app_page.screenshot(path=str(shots / f"classifier_digits_{size['width']}.png"))
    full_page_screenshot(app_page, shots / f"classifier_digits_{size['width']}_full.png")


@pytest.mark.parametrize("size", SIZES)
def test_digits_on_the_training_page_follow_the_scrubber(app_page: Page, app_server, shots, size):
    app_page.set_viewport_size(size)
    open_page(app_page, app_server.url, "/training?dataset=digits&t=0", 2, TRAINING.heading)
    assert_no_errors(app_page)
    _no_cut_off(app_page, f"Training with digits at {size['width']} px")
    titles = app_page.evaluate(TEXTS_JS)[0]
    assert "decision regions on the images' PCA plane" in titles and "principal component 2" in titles, titles
    chart_states(app_page, remember=True)
    scrubber = app_page.get_by_role("slider", name="Step t")
    scrubber.focus()
    app_page.keyboard.press("End")  # the last step: the playback moves there, and the curves' marker too
    wait_changed(app_page, "data", charts="first")
    expect(app_page.locator(LIVE_CHARTS).first).to_contain_text("step t = 200")
    expect(app_page).to_have_url(re.compile(r"[?&]t=200(&|$)"))
    assert_no_errors(app_page)
    app_page.screenshot(path=str(shots / f"training_digits_{size['width']}.png"))
