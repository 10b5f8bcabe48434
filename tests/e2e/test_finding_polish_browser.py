"""Real-browser tests of the polish pass of issues 11 and 12 (each failed before its fix). Screenshots land in
artifacts/screenshots/finding-polish/."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from dashboard.pages import by_file
from tests.e2e.test_browser import assert_no_errors, open_page

pytestmark = pytest.mark.e2e

CG = by_file("computation_graph.py").heading
# Every text of each graphviz chart: its size on screen (font size x the SVG's scale) and its box
GRAPH_TEXTS_JS = """() => [...document.querySelectorAll('[data-testid="stGraphVizChart"] svg')].map(s =>
  [...s.querySelectorAll('text')].map(t => { const r = t.getBoundingClientRect();
    return {px: parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a, text: t.textContent,
            box: [r.left, r.top, r.right, r.bottom]}; }))"""


@pytest.fixture
def shots(screenshot_dir):
    out = screenshot_dir / "finding-polish"
    out.mkdir(exist_ok=True)
    return out


def ink(t: dict) -> tuple[float, float, float, float]:
    """The box of a text's letters: its box's width, and 0.8 em about its middle (an SVG text's box is the font's
    whole line, ~1.4 em here, taller than the 1.2 em between the lines of one label)."""
    left, top, right, bottom = t["box"]
    middle = (top + bottom) / 2
    return left, middle - 0.4 * t["px"], right, middle + 0.4 * t["px"]


def overlaps(texts: list[dict]) -> list[tuple[str, str]]:
    """Pairs of texts whose letters' boxes intersect (by more than a pixel each way)."""
    pairs = []
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            (l1, t1, r1, b1), (l2, t2, r2, b2) = ink(a), ink(b)
            if min(r1, r2) - max(l1, l2) > 1 and min(b1, b2) - max(t1, t2) > 1:
                pairs.append((a["text"], b["text"]))
    return pairs


@pytest.mark.parametrize("size", [{"width": 1280, "height": 720}, {"width": 1920, "height": 1080}],
                         ids=["1280", "1920"])
def test_the_finished_computation_graph_is_readable_from_the_back_of_the_room(app_page: Page, app_server, shots,
                                                                              size):
    """At step 26 of 26 (forward and backward done, every edge labelled 'local × upstream = product') the graph's
    text was 10.3 px at 1280×720."""
    app_page.set_viewport_size(size)
    open_page(app_page, app_server.url, "/computation_graph?cg_step=26", 0, CG)
    expect(app_page.get_by_test_id("stGraphVizChart").first.locator("svg")).to_be_visible(timeout=30_000)
    app_page.wait_for_timeout(500)
    texts = app_page.evaluate(GRAPH_TEXTS_JS)[0]
    assert len(texts) > 20
    smallest = min(t["px"] for t in texts)
    assert smallest >= 12, f"graph text {smallest:.1f} px at {size['width']} px"
    assert not overlaps(texts), overlaps(texts)
    assert_no_errors(app_page)
    app_page.screenshot(path=str(shots / f"computation_graph_finished_{size['width']}.png"))


SEARCH = by_file("search.py").heading
# The search slice (the second Plotly chart): its column, its plot area and its colour bar, in screen pixels
SLICE_JS = """() => { const c = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].at(-1);
  const plot = c.querySelector('.nsewdrag').getBoundingClientRect(), bar = c.querySelector('.colorbar');
  return {column: c.getBoundingClientRect().width, left: plot.left - c.getBoundingClientRect().left,
          width: plot.width, height: plot.height, right: plot.right,
          bar: bar ? bar.getBoundingClientRect().left : null}; }"""


@pytest.mark.parametrize("size", [{"width": 1280, "height": 720}, {"width": 1920, "height": 1080}],
                         ids=["1280", "1920"])
def test_the_search_slice_fills_its_column_with_the_colour_bar_beside_it(app_page: Page, app_server, shots, size):
    """At 1920×1080 the slice was a 367-px square in a 1431-px column, its colour bar 470 px to the right of it."""
    app_page.set_viewport_size(size)
    open_page(app_page, app_server.url, "/search", 2, SEARCH)
    app_page.wait_for_timeout(500)
    box = app_page.evaluate(SLICE_JS)
    assert box["width"] >= 0.75 * box["column"], box  # the plot spans the column (axis titles and bar beside it)
    assert box["height"] >= 340, box
    assert box["bar"] is not None and 0 <= box["bar"] - box["right"] <= 40, box  # the bar next to the plot
    chart = app_page.get_by_test_id("stPlotlyChart").last
    chart.scroll_into_view_if_needed()
    chart.screenshot(path=str(shots / f"search_slice_{size['width']}.png"))
    assert_no_errors(app_page)


NG = by_file("numerical_gradient.py").heading


def test_the_round_off_digits_fit_their_column_and_the_note_opens_the_error_view(app_page: Page, app_server, shots):
    """At h = 10⁻¹² the losses are written with 15 decimals (the round-off fix): the formulas still fit a 1280-px
    column, and the note's button opens the 'Error against h' tab."""
    from tests.e2e.test_gradient_browser import OVERFLOW_JS

    app_page.set_viewport_size({"width": 1280, "height": 720})
    open_page(app_page, app_server.url, "/numerical_gradient?ng_h=1e-12&ng_dims=1", 1, NG)
    app_page.wait_for_timeout(500)
    assert not app_page.evaluate(OVERFLOW_JS)
    expect(app_page.get_by_text("Round-off", exact=False)).to_be_visible()
    app_page.get_by_text("Round-off", exact=False).scroll_into_view_if_needed()
    app_page.screenshot(path=str(shots / "numerical_roundoff_1280.png"))
    app_page.get_by_role("button", name="See the error against h").click()
    expect(app_page.get_by_role("tab", name="Error against h")).to_have_attribute("aria-selected", "true",
                                                                                   timeout=30_000)
    assert_no_errors(app_page)


GC = by_file("gradient_check.py").heading


def test_show_it_moves_to_a_step_where_the_check_catches_a_regularization_bug(app_page: Page, app_server, shots):
    """'regularization off by a constant' at λ = 0.01, t = 0 is only suspicious (1.9e-4): 'Show it' moves to step
    t = 20, where the check catches it, and the sidebar's step follows."""
    from tests.e2e.test_browser import query

    app_page.set_viewport_size({"width": 1280, "height": 720})
    open_page(app_page, app_server.url, "/gradient_check?gc_bug=reg_half", 1, GC)
    expect(app_page.get_by_text("Why the check misses it here", exact=False)).to_be_visible()
    app_page.get_by_role("button", name="Show it: use step t = 20").click()
    expect(app_page.get_by_text("The check catches the bug", exact=False)).to_be_visible(timeout=30_000)
    expect(app_page).to_have_url(re.compile(r"[?&]t=20(&|$)"))  # written at the end of the run
    assert query(app_page).get("gc_bug") == "reg_half"
    app_page.screenshot(path=str(shots / "gradient_check_show_it_1280.png"))
    assert_no_errors(app_page)
