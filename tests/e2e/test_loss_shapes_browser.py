"""Real-browser tests of the Loss page's issue 10 items 1, 2 and 7: typing a car score into the lecture's table
changes L_car only once the margin is crossed; the shapes charts keep the margins they ask for; W = 0 in one click.
Screenshots land in artifacts/screenshots/loss-shapes/."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_loss_classifier_browser import next_frames, sized_page, wait_ready

pytestmark = pytest.mark.e2e
WAIT = 30_000
MARGIN_GROWTH_JS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
  .filter(c => !c.closest('[data-stale="true"]'))
  .map(c => { const fl = c.querySelector('.js-plotly-plot')._fullLayout;
              return Object.fromEntries(['l', 'r', 't', 'b'].map(s => [s, fl._size[s] - fl.margin[s]])); })"""


@pytest.fixture(scope="module")
def shots(screenshot_dir):
    folder = screenshot_dir / "loss-shapes"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def query(page: Page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(page.url).query).items()}


def grids(page: Page):
    return page.locator('[data-testid="stDataFrame"]:not([data-stale="true"] *)')


def type_into(page: Page, column: int, row: int, text: str) -> None:
    """Type `text` into the score table's cell (column: 1 cat image, 2 car image, 3 frog image; row: 0 cat, 1 car,
    2 frog): select the first row's class name, move with the arrow keys, open the cell editor, replace, commit."""
    grid = grids(page).first
    expect(grid.locator(f'[data-testid="glide-cell-{column}-{row}"]')).to_have_count(1, timeout=WAIT)
    grid.scroll_into_view_if_needed()
    next_frames(page)
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 20, box["y"] + 35 + 17)  # row 0 (under the 35 px header), the class names' column
    expect(grid.locator('[data-testid="glide-cell-0-0"]')).to_have_attribute("aria-selected", "true", timeout=WAIT)
    for _ in range(column):
        page.keyboard.press("ArrowRight")
    for _ in range(row):
        page.keyboard.press("ArrowDown")
    expect(grid.locator(f'[data-testid="glide-cell-{column}-{row}"]')).to_have_attribute("aria-selected", "true",
                                                                                          timeout=WAIT)
    page.keyboard.press("Enter")
    editor = page.locator("textarea.gdg-input, input.gdg-input").first
    expect(editor).to_be_focused(timeout=WAIT)
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(text)
    expect(editor).to_have_value(text, timeout=WAIT)
    next_frames(page)  # (an Enter in the same frame as the last key can commit the text from before it)
    page.keyboard.press("Enter")


def L_car(page: Page):
    """The car image's hinge loss in the losses row (the second table): its grid cell holds the value itself
    (0, 0.5000000000000004), the canvas draws it formatted."""
    return grids(page).nth(1).locator('[data-testid="glide-cell-2-0"]')


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1920, 1080)])
def test_L_car_changes_only_after_the_margin_is_crossed(chromium, app_server, shots, width, height):
    with sized_page(chromium, app_server, width, height) as page:
        page.goto(app_server.url + "/loss?loss_source=lecture")
        wait_ready(page, 1)
        expect(L_car(page)).to_have_text("0", timeout=WAIT)
        # the car image's frog score 2.0 -> 3.8: 3.8 - 4.9 + 1 = -0.1 < 0, still inside the margin: L_car stays 0
        type_into(page, 2, 2, "3.8")
        expect(page).to_have_url(re.compile(r"lecture_scores=[^&]*3\.8"), timeout=WAIT)
        wait_ready(page, 1)
        expect(L_car(page)).to_have_text("0", timeout=WAIT)
        expect(page.get_by_text("ε ≤ 0.1/2", exact=False)).to_be_visible(timeout=WAIT)
        # 3.8 -> 4.4: 4.4 - 4.9 + 1 = 0.5 > 0, the margin is crossed
        type_into(page, 2, 2, "4.4")
        expect(L_car(page)).to_have_text(re.compile(r"^0\.50*\d?$"), timeout=WAIT)
        wait_ready(page, 1)
        assert query(page)["lecture_scores"] == "3.2,5.1,-1.7,1.3,4.9,4.4,2.2,2.5,-3.1"
        expect(page.get_by_text("L_car is already 0.5 > 0")).to_be_visible(timeout=WAIT)
        assert all(max(m.values()) <= 1 for m in page.evaluate(MARGIN_GROWTH_JS)), page.evaluate(MARGIN_GROWTH_JS)
        page.get_by_role("heading", name="The losses as shapes").scroll_into_view_if_needed()
        page.screenshot(path=str(shots / f"e2e_lecture_edited_{width}.png"))
        # a bad cell: a message, and the table is kept
        type_into(page, 2, 2, "lots")
        alert = page.get_by_test_id("stAlert").filter(has_text="is not a number")
        expect(alert).to_be_visible(timeout=WAIT)
        expect(alert).to_contain_text("The frog score of the car image", timeout=WAIT)
        expect(grids(page).first.locator('[data-testid="glide-cell-2-2"]')).to_have_text("4.4", timeout=WAIT)
        # Reset to the slide
        page.get_by_role("button", name="Reset to the slide").click()
        expect(L_car(page)).to_have_text("0", timeout=WAIT)
        expect(grids(page).first.locator('[data-testid="glide-cell-2-2"]')).to_have_text("2.0", timeout=WAIT)
        wait_ready(page, 1)
        assert "lecture_scores" not in query(page)


def test_make_all_scores_equal_shows_C_minus_1_and_log_C_in_the_browser(chromium, app_server, shots):
    with sized_page(chromium, app_server, 1280, 720) as page:
        page.goto(app_server.url + "/loss?t=40&n_classes=10")
        wait_ready(page, 1)
        assert all(max(m.values()) <= 1 for m in page.evaluate(MARGIN_GROWTH_JS))
        page.get_by_role("button", name="Make all scores equal (W = 0)").click()
        success = page.get_by_test_id("stAlert").filter(has_text="All scores are equal")
        expect(success).to_contain_text("(C − 1)·Δ = 9 × 1", timeout=WAIT)
        expect(success).to_contain_text("log C = log 10", timeout=WAIT)
        expect(page.get_by_test_id("stMetricValue").first).to_have_text("9.0000", timeout=WAIT)
        expect(page.get_by_test_id("stMetricValue").nth(1)).to_have_text("2.3026", timeout=WAIT)
        wait_ready(page, 1)
        assert query(page)["init"] == "zeros" and "t" not in query(page)
        page.get_by_role("heading", name="Sanity checks on the current model").scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "e2e_zero_W_C10_1280.png"))
