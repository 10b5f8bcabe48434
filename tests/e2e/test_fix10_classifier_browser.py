"""Real-browser tests of the fixes to issue 10's views: the Classifier page with ten classes at 1920x1080 and
1280x720, the probability table beside its formula, the Likelihood & KL chart at 1280x720. Screenshots land in
artifacts/screenshots/fix10-classifier/."""
from __future__ import annotations

import pytest

from tests.e2e.test_loss_classifier_browser import VIEWS_JS, assert_titles_fit, sized_page, wait_ready

pytestmark = pytest.mark.e2e

# The boxes of the labels w₀ … w₉ in the chart (the geometric view labels its normals too: see visual_labels).
LABELS_JS = """() => { const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
  return [...gd.querySelectorAll('.textpoint')].map(t => {
    const b = t.getBoundingClientRect();
    return {text: t.textContent, left: b.left, right: b.right, top: b.top, bottom: b.bottom}; })
    .filter(t => /^w[₀-₉]$/.test(t.text)); }"""
# The computed font size of every cell of the probability table and whether it fits its column.
TABLE_JS = """() => { const t = document.querySelector('table[aria-label^="scores"]');
  const slot = t.closest('[data-testid="stElementContainer"]');
  return {sizes: [...t.querySelectorAll('td, th')].map(c => parseFloat(getComputedStyle(c).fontSize)),
          width: t.getBoundingClientRect().width, slot: slot.getBoundingClientRect().width}; }"""


@pytest.fixture(scope="module")
def shots(screenshot_dir):
    folder = screenshot_dir / "fix10-classifier"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def overlap(a: dict, b: dict) -> float:
    """The area (px²) two boxes share."""
    w = min(a["right"], b["right"]) - max(a["left"], b["left"])
    h = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
    return max(w, 0) * max(h, 0)


def visual_labels(labels: list[dict], panel: dict) -> list[dict]:
    """The labels whose centre lies in (or within 40 px of) the visual panel: the templates' labels."""
    return [a for a in labels if panel["left"] - 40 <= (a["left"] + a["right"]) / 2 <= panel["right"] + 40
            and panel["top"] - 40 <= (a["top"] + a["bottom"]) / 2 <= panel["bottom"] + 40]


def test_ten_classes_at_1920_readable_panels_titles_apart_labels_apart(chromium, app_server, shots):
    with sized_page(chromium, app_server, 1920, 1080) as page:
        page.goto(app_server.url + "/?n_classes=10")
        wait_ready(page, 1)
        page.screenshot(path=str(shots / "classifier_C10_1920.png"))
        v = page.evaluate(VIEWS_JS)
        for view in ("geometric", "visual"):  # they were ~130-170 px: as large as with three classes, or more
            box = v[view]
            assert box["right"] - box["left"] >= 280 and box["bottom"] - box["top"] >= 280, (view, box)
        assert_titles_fit(v)
        assert len(v["visual_title"]) == 2, v["visual_title"]  # the title and one short line of scores
        labels = visual_labels(page.evaluate(LABELS_JS), v["visual"])
        assert sorted(a["text"] for a in labels) == [f"w{chr(0x2080 + k)}" for k in range(10)], labels
        for i, a in enumerate(labels):
            for b in labels[i + 1:]:
                assert overlap(a, b) <= 4, ("template labels overlap", a, b)


def test_ten_classes_at_1280_the_chart_starts_higher_and_its_panels_are_readable(chromium, app_server, shots):
    with sized_page(chromium, app_server, 1280, 720) as page:
        page.goto(app_server.url + "/?n_classes=10")
        wait_ready(page, 1)
        page.screenshot(path=str(shots / "classifier_C10_1280.png"))
        v = page.evaluate(VIEWS_JS)
        matrix = v["algebraic"][0]
        assert matrix["bottom"] - matrix["top"] <= 250, matrix  # ten rows, closer together (they were 280 px)
        assert v["geometric"]["top"] <= 560, v["geometric"]  # (it was at 608)
        for view in ("geometric", "visual"):
            box = v[view]
            assert box["right"] - box["left"] >= 280, (view, box)
        assert_titles_fit(v)


@pytest.mark.parametrize(("n_classes", "width", "height"), [(2, 1280, 720), (3, 1280, 720), (10, 1920, 1080)])
def test_the_probability_table_is_readable_and_fits_its_column(chromium, app_server, shots, n_classes, width,
                                                                 height):
    with sized_page(chromium, app_server, width, height) as page:
        page.goto(app_server.url + f"/?n_classes={n_classes}")
        wait_ready(page, 1)
        table = page.evaluate(TABLE_JS)
        assert min(table["sizes"]) >= 14, table["sizes"]  # as the formula beside it (it was 12.5 px)
        assert table["width"] <= table["slot"] + 0.5, table
        page.locator('table[aria-label^="scores"]').screenshot(
            path=str(shots / f"bars_C{n_classes}_{width}.png"))


def test_the_likelihood_chart_is_above_the_fold_at_1280x720(chromium, app_server, shots):
    # it started at y = 580 under the text box and the reset button: now under the two controls, whole on screen
    with sized_page(chromium, app_server, 1280, 720) as page:
        page.goto(app_server.url + "/likelihood")
        wait_ready(page, 1)
        page.screenshot(path=str(shots / "likelihood_1280.png"))
        box = page.evaluate("""() => { const b = document.querySelector('[data-testid="stPlotlyChart"]')
                                          .getBoundingClientRect(); return {top: b.top, bottom: b.bottom}; }""")
        assert box["bottom"] <= 720, box
        slider = page.get_by_role("slider", name="p̂ of the true class y = 4").bounding_box()
        assert slider["y"] + slider["height"] <= box["top"], (slider, box)  # the slider above the chart it moves
