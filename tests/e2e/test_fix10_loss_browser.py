"""Real-browser tests of the fixes to issue 10's Loss and Regularization views found by the exploratory pass:
a refused cell keeps the lecture's mean formula whole (item 1); the penalty table's cells are drawn whole (item 4).
Screenshots land in artifacts/screenshots/fix10-loss/."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.test_loss_classifier_browser import KATEX_JS, sized_page
from tests.e2e.test_loss_shapes_browser import type_into, wait_ready

pytestmark = pytest.mark.e2e
WAIT = 30_000


@pytest.fixture(scope="module")
def shots(screenshot_dir):
    folder = screenshot_dir / "fix10-loss"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1920, 1080)])
def test_a_refused_cell_keeps_the_mean_formula_whole_and_the_reset_button_on_one_line(chromium, app_server, shots,
                                                                                      width, height):
    with sized_page(chromium, app_server, width, height) as page:
        page.goto(app_server.url + "/loss?loss_source=lecture")
        wait_ready(page, 1)
        type_into(page, 1, 0, "abc")  # the cat image's cat score
        alert = page.get_by_test_id("stAlert").filter(has_text="is not a number")
        expect(alert).to_contain_text("The cat score of the cat image (abc)", timeout=WAIT)
        wait_ready(page, 1)
        page.screenshot(path=str(shots / f"loss_lecture_refused_{width}.png"))
        mean = [k for k in page.evaluate(KATEX_JS) if "5.27" in k["text"]]
        assert len(mean) == 1, page.evaluate(KATEX_JS)
        k = mean[0]
        assert k["formula"] <= k["box"] + 0.5 and k["scroll"] <= k["box"] + 2, k  # nothing cut off at the edge
        button = page.get_by_role("button", name="Reset to the slide").bounding_box()
        assert button["height"] < 50, button  # one line (two lines: ~64 px)
