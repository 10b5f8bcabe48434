"""Real-browser tests of the Loss and Classifier pages (issue 8: items 7, 9, 10, 12): what fits a projector, what
is cut, what a click and a typed entry do. Screenshots land in artifacts/screenshots/loss-classifier/."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_browser import query, sized_page

pytestmark = pytest.mark.e2e
WAIT = 30_000  # ms for an expectation: a rerun takes seconds on a loaded machine (Playwright's default is 5 s)

# True once the script run is over, nothing is stale, at least n charts exist and each has drawn its SVG.
READY_JS = """(n) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-stale="true"], [data-testid="stSkeleton"]')) return false;
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  return charts.length >= n && charts.every(c => { const gd = c.querySelector('.js-plotly-plot');
                                                  return gd && gd._fullLayout && gd.querySelector('.main-svg'); });
}"""
# Per KaTeX display: its scroll width, the width of the slot it is drawn in, the width of the typeset formula and
# of the box that shows it (KaTeX's 2 px vlist spacer makes the scroll width 2 px wider than the formula).
KATEX_JS = """() => [...document.querySelectorAll('.katex-display')].map(k => {
  const slot = k.closest('[data-testid="stElementContainer"]');
  return {tex: k.querySelector('annotation').textContent.slice(0, 80), scroll: k.scrollWidth,
          slot: slot.clientWidth, formula: k.querySelector('.katex-html').getBoundingClientRect().width,
          box: k.clientWidth, text: k.querySelector('.katex-html').textContent}; })"""
# Where the three views end, and the box of each line of the two view titles (a one-line title has no tspan.line).
VIEWS_JS = """() => {
  const r = e => { const b = e.getBoundingClientRect();
                   return {left: b.left, right: b.right, top: b.top, bottom: b.bottom}; };
  const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
  const lines = sel => [...gd.querySelectorAll('.annotation')].filter(a => a.textContent.startsWith(sel))
    .flatMap(a => { const t = [...a.querySelectorAll('tspan.line')];
                    return (t.length ? t : [a.querySelector('text.annotation-text')]).map(r); });
  return {algebraic: [...document.querySelectorAll('.katex-display')].map(r), chart: r(gd),
          geometric: r(gd.querySelector('.subplot.xy')), visual: r(gd.querySelector('.subplot.x2y2')),
          geometric_title: lines('geometric'), visual_title: lines('visual'),
          innerHeight: window.innerHeight};
}"""


@pytest.fixture(scope="module")
def shots(screenshot_dir):
    """Where this module's screenshots go."""
    folder = screenshot_dir / "loss-classifier"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def wait_ready(page: Page, n_charts: int = 0, timeout: float = 90_000) -> None:
    page.wait_for_function(READY_JS, arg=n_charts, polling=100, timeout=timeout)




def open_lecture(page: Page, base: str) -> None:
    page.goto(base + "/loss")
    wait_ready(page)
    page.get_by_text("the lecture example (cat · car · frog)").click()
    expect(page.get_by_role("heading", name="The lecture's questions")).to_be_visible(timeout=WAIT)
    wait_ready(page)
    page.wait_for_function("() => document.querySelectorAll('.katex-display').length >= 7")


def assert_formulas_fit(page: Page, where: str) -> list[dict]:
    formulas = page.evaluate(KATEX_JS)
    assert formulas, f"{where}: no formula"
    for f in formulas:
        assert f["scroll"] <= f["slot"], f"{where}: {f['tex']!r} is {f['scroll']} px in a {f['slot']} px column"
        assert f["formula"] <= f["box"] + 0.5, f"{where}: {f['tex']!r} is cut ({f['formula']:.0f} > {f['box']} px)"
    return formulas


# ------------------------------------------------------------------ 9: lecture formulas fit, as on the slide
@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1920, 1080)])
def test_the_lecture_formulas_fit_their_columns_and_read_as_the_slide(chromium, app_server, shots,
                                                                        width, height):
    with sized_page(chromium, app_server, width, height) as page:
        open_lecture(page, app_server.url)
        formulas = assert_formulas_fit(page, f"{width}x{height}")
        text = " ".join(f["text"].replace("\u2061", "").replace("\xa0", " ") for f in formulas)
        for line in ("=max(0, 2.9)+max(0, −3.9)", "=2.9+0", "=2.9", "2.20−(−3.10)+1", "=6.3+6.6", "=12.9",
                     "(2.9+0+12.9)/3=5.27", "−log(0.13)=2.04"):
            assert line in text.replace(" +", "+").replace("+ ", "+"), (line, text)
        # the softmax heading on one line, not cut
        heading = page.get_by_role("heading", name="Softmax (cross-entropy)")
        lines = heading.evaluate("h => { const r = document.createRange(); "
                                 "r.selectNodeContents(h.querySelector('[data-heading-text]') || h); "
                                 "return new Set([...r.getClientRects()].map(c => Math.round(c.top))).size; }")
        assert lines == 1 and heading.evaluate("h => h.scrollWidth <= h.clientWidth")
        # (the pipeline table's shown values, 24.5, 164.0, 0.18, are checked in tests/test_loss_classifier.py: the
        # grid draws them on a canvas)
        page.screenshot(path=str(shots / f"loss_lecture_{width}.png"), full_page=True)


@pytest.mark.parametrize("path", ["/loss", "/loss?n_classes=8"])
def test_the_loss_page_formulas_fit_at_1280(chromium, app_server, path):
    with sized_page(chromium, app_server, 1280, 720) as page:
        page.goto(app_server.url + path)
        wait_ready(page)
        page.wait_for_function("() => document.querySelectorAll('.katex-display').length >= 5")
        assert_formulas_fit(page, path)


# ------------------------------------------------------------------ 12: eight classes
@pytest.mark.parametrize("query", ["n_classes=8", "n_classes=4&t=40", "t=40"])
def test_the_loss_tables_need_no_sideways_scroll_at_1280(chromium, app_server, shots, query):
    with sized_page(chromium, app_server, 1280, 720) as page:
        page.goto(app_server.url + "/loss?" + query)
        wait_ready(page)
        # the grid's accessible table lists the columns it draws (not those scrolled out of view)
        page.wait_for_function("() => [...document.querySelectorAll('[data-testid=stDataFrame]')]"
                               ".filter(d => d.querySelector('th')).length >= 4")
        grids = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stDataFrame"]')].map(d => {
            const s = d.querySelector('.dvn-scroller');
            return {columns: [...d.querySelectorAll('th')].map(h => h.textContent),
                    scroll: s ? s.scrollWidth : null, width: s ? s.clientWidth : null}; })""")
        hinge = [g for g in grids if "j = 0" in g["columns"]]
        softmax = [g for g in grids if "p_0" in g["columns"]]
        assert hinge and softmax, grids
        assert "L_i" in hinge[0]["columns"] and "−log p_y" in softmax[0]["columns"], (hinge, softmax)
        for g in grids:
            if g["scroll"] is not None:
                assert g["scroll"] <= g["width"], f"sideways scroll in the table {g['columns']}: {g}"
        page.screenshot(path=str(shots / f"loss_tables_{query.replace('&', '_')}_1280.png"), full_page=True)


def test_with_8_classes_every_score_surface_button_is_visible(chromium, app_server):
    with sized_page(chromium, app_server, 1280, 720) as page:
        page.goto(app_server.url + "/?n_classes=8")
        wait_ready(page, 1)
        group = page.get_by_test_id("stButtonGroup").filter(has_text="Score surface")
        buttons = group.get_by_role("radio")
        expect(buttons).to_have_count(9, timeout=WAIT)
        group.scroll_into_view_if_needed()
        for k in range(9):  # all in view at once: none cut off or scrolled away
            button = buttons.nth(k)
            hit = button.evaluate("""b => { const r = b.getBoundingClientRect();
                const e = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
                return !!e && b.contains(e) && r.left >= 0 && r.right <= window.innerWidth; }""")
            assert hit, f"score-surface button {k} ({button.inner_text()}) is cut or hidden"
        buttons.nth(8).click()  # s₇: its score surface is drawn
        page.wait_for_function("() => { const gd = document.querySelector('.js-plotly-plot'); "
                               "return gd && gd.data[0].type === 'heatmap' && gd.data[0].name === 's₇(x)'; }")


# ------------------------------------------------------------------ 10: the three viewpoints above the fold
@pytest.mark.parametrize("scale", [1.0, 1.5])
def test_the_three_viewpoints_are_above_the_fold_at_1280x720(chromium, app_server, shots, scale):
    with sized_page(chromium, app_server, 1280, 720, scale) as page:
        page.goto(app_server.url + "/")
        wait_ready(page, 1)
        v = page.evaluate(VIEWS_JS)
        fold = v["innerHeight"]
        assert v["algebraic"] and v["algebraic"][0]["bottom"] <= fold, ("algebraic view", v["algebraic"], fold)
        for view in ("geometric", "visual"):
            assert v[view]["bottom"] <= fold, (view, v[view], fold)
        assert v["chart"]["bottom"] <= fold, ("the chart (with its tick labels and legend)", v["chart"], fold)
        assert_titles_fit(v)
        page.screenshot(path=str(shots / f"classifier_1280x720_at_{scale:g}.png"))


@pytest.mark.parametrize(("width", "height", "scale"), [(1920, 1080, 1.0), (853, 480, 1.5)])
def test_the_view_titles_and_score_line_are_not_clipped_or_overlapping(chromium, app_server, shots,
                                                                       width, height, scale):
    # 853x480 at 1.5: a 1280x720 window zoomed to 150% (the sidebar open)
    with sized_page(chromium, app_server, width, height, scale) as page:
        page.goto(app_server.url + "/")
        wait_ready(page, 1)
        assert_formulas_fit(page, f"{width}x{height}")
        assert_titles_fit(page.evaluate(VIEWS_JS))
        page.get_by_test_id("stPlotlyChart").screenshot(path=str(shots / f"classifier_chart_{width}.png"))


MARGIN_GROWTH_JS = """() => {
  const fl = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot')._fullLayout;
  return Object.fromEntries(['l', 'r', 't', 'b'].map(s => [s, fl._size[s] - fl.margin[s]])); }"""


def test_a_score_surface_keeps_the_margins_the_chart_asks_for(chromium, app_server):
    # its colour bar sat right of the plot area: automargin grew the right margin by ~70 px (a second drawing)
    with sized_page(chromium, app_server, 1280, 720) as page:
        page.goto(app_server.url + "/")
        wait_ready(page, 1)
        page.get_by_test_id("stButtonGroup").filter(has_text="Score surface").get_by_role("radio", name="s₁").click()
        page.wait_for_function("() => document.querySelector('.js-plotly-plot').data[0].type === 'heatmap'")
        wait_ready(page, 1)
        growth = page.evaluate(MARGIN_GROWTH_JS)
        assert max(growth.values()) <= 1, f"automargin grew the margins: {growth}"


def assert_titles_fit(v: dict) -> None:
    """Each line of the two titles inside the chart; the geometric title clear of every line of the visual one."""
    chart, geo, visual = v["chart"], v["geometric_title"], v["visual_title"]
    assert geo and len(visual) >= 2, (geo, visual)  # the visual title and at least one line of scores
    for line in geo + visual:
        assert chart["left"] <= line["left"] and line["right"] <= chart["right"], ("clipped", line, chart)
    for g in geo:
        for s in visual:
            apart = (g["right"] <= s["left"] or s["right"] <= g["left"] or g["bottom"] <= s["top"]
                     or s["bottom"] <= g["top"])
            assert apart, ("the geometric title overlaps the visual title or its scores", g, s)


# ------------------------------------------------------------------ 7: re-clicking a point; typing into the editor
# The training points, each with its trace, its position in the trace and its distance to the nearest other marker
# of the geometric view (in px): a click on a point with room around it reaches that point.
POINTS_JS = """() => { const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, all = [], train = [];
  gd.data.forEach((t, i) => { if (t.mode !== 'markers' || (t.xaxis || 'x') !== 'x' || t.name === 'ring halo') return;
    (t.x || []).forEach((x, k) => { if (x === null) return;
      const p = {px: xa.l2p(x), py: ya.l2p(t.y[k])}; all.push(p);
      const c = Array.isArray(t.customdata) ? t.customdata[k] : null;
      if (Number.isInteger(c) && t.name !== 'selected') train.push({trace: i, k, index: c, ...p}); }); });
  return train.map(p => ({...p, room: Math.min(...all.filter(q => q.px !== p.px || q.py !== p.py)
                                                 .map(q => Math.hypot(q.px - p.px, q.py - p.py)))})); }"""


def roomy_examples(page: Page, n: int) -> list[int]:
    """The indices of the n training points with the most room around them."""
    points = sorted(page.evaluate(POINTS_JS), key=lambda p: -p["room"])
    return [p["index"] for p in points[:n]]


def click_example(page: Page, index: int) -> None:
    """Click the training point whose customdata (its index into X) is `index`."""
    point = next(p for p in page.evaluate(POINTS_JS) if p["index"] == index)
    trace = page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot .subplot.xy .scatterlayer .trace')
    scatter_index = page.evaluate("""(i) => { const gd = document.querySelector('.js-plotly-plot');
        return gd.data.slice(0, i).filter(t => t.type === 'scatter' && (t.xaxis || 'x') === 'x').length; }""",
                                  point["trace"])
    trace.nth(scatter_index).locator("path.point").nth(point["k"]).click(force=True)


def test_reclicking_the_last_clicked_point_after_typing_another_index_selects_it(app_page: Page, app_server):
    app_page.goto(app_server.url + "/")
    wait_ready(app_page, 1)
    number = app_page.get_by_label("Selected example i", exact=True).and_(app_page.get_by_test_id("stNumberInputField"))

    def select_by_typing(i: int) -> None:
        number.fill(str(i))
        number.press("Enter")
        expect(app_page).to_have_url(re.compile(rf"[?&]point={i}(&|$)"), timeout=WAIT)
        wait_ready(app_page, 1)

    def select_by_clicking(i: int) -> None:
        click_example(app_page, i)
        expect(number).to_have_value(str(i), timeout=WAIT)
        expect(app_page).to_have_url(re.compile(rf"[?&]point={i}(&|$)"), timeout=WAIT)
        wait_ready(app_page, 1)

    a, b = roomy_examples(app_page, 2)
    other = next(i for i in range(1, 10) if i not in (a, b))  # (not 0: the default, not in the URL)
    select_by_clicking(a)
    select_by_typing(other)
    select_by_clicking(a)  # the same point again: it used to select nothing
    # a click on the point already selected (the figure does not change), then another index, then that point
    select_by_typing(b)
    select_by_clicking(b)
    select_by_typing(other)
    select_by_clicking(b)
    ring = app_page.evaluate("() => document.querySelector('.js-plotly-plot').data.find(t => t.name === 'selected')"
                             ".customdata[0]")
    assert ring == b


def next_frames(page: Page) -> None:
    """Wait until the browser has drawn two more frames (React has applied what the last events changed)."""
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


def type_into_w1_of_class_0(page: Page, text: str) -> None:
    """Select the editor's first row, move to its w₁, open the cell editor (Enter), replace its text, commit."""
    wait_ready(page, 1)
    grid = page.get_by_test_id("stDataFrame")
    expect(grid.locator('[data-testid="glide-cell-1-0"]')).to_have_count(1, timeout=WAIT)
    grid.scroll_into_view_if_needed()
    next_frames(page)
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 30, box["y"] + 35 + 17)  # class 0's row (under the 35 px header), "class" column
    expect(grid.locator('[data-testid="glide-cell-0-0"]')).to_have_attribute("aria-selected", "true", timeout=WAIT)
    page.keyboard.press("ArrowRight")
    expect(grid.locator('[data-testid="glide-cell-1-0"]')).to_have_attribute("aria-selected", "true", timeout=WAIT)
    page.keyboard.press("Enter")
    expect(page.locator("textarea.gdg-input, input.gdg-input").first).to_be_focused(timeout=WAIT)
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(text)
    expect(page.locator("textarea.gdg-input, input.gdg-input").first).to_have_value(text, timeout=WAIT)
    next_frames(page)  # (an Enter in the same frame as the last key can commit the text from before it)
    page.keyboard.press("Enter")


def test_the_W_editor_refuses_1e9_with_a_message_and_keeps_W(app_page: Page, app_server):
    app_page.goto(app_server.url + "/")
    wait_ready(app_page, 1)
    app_page.get_by_text("Edit W and b directly").click()
    grid = app_page.get_by_test_id("stDataFrame")
    expect(grid.locator('[data-testid="glide-cell-1-0"]')).to_have_count(1, timeout=WAIT)
    before = grid.locator('[data-testid="glide-cell-1-0"]').inner_text()
    type_into_w1_of_class_0(app_page, "1e9")
    alert = app_page.get_by_test_id("stAlert").filter(has_text="“1e9”")
    expect(alert).to_be_visible(timeout=WAIT)
    expect(alert).to_contain_text("from -100 to 100", timeout=WAIT)
    expect(alert).to_contain_text("W and b are unchanged", timeout=WAIT)
    wait_ready(app_page, 1)
    assert "init" not in query(app_page) and "W0" not in query(app_page)
    cell = app_page.get_by_test_id("stDataFrame").locator('[data-testid="glide-cell-1-0"]')
    expect(cell).to_have_text(before, timeout=WAIT)  # a fresh table, without the refused entry
    # and a number in range is taken as typed
    type_into_w1_of_class_0(app_page, "2.5e-1")
    expect(app_page).to_have_url(re.compile(r"[?&]init=custom(&|$)"), timeout=WAIT)
    assert query(app_page)["W0"].split(",")[0] == "0.25"
