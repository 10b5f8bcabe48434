"""Real-browser tests of how the landscape, loss-curve and 3-D figures are drawn (issue 8: 1, 8, 10, 12, 13).

Run with `python -m pytest tests/e2e/test_figures_browser.py -q`. The helpers of tests/e2e/test_browser.py
(open_page, wait_ready, ...) are reused; the Landscape page is driven at a projector's 1280x720.
"""
from __future__ import annotations

import re
import time

import numpy as np
import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from dashboard import pages
from tests.e2e.test_browser import assert_no_errors, open_page, wait_ready

pytestmark = pytest.mark.e2e
PROJECTOR = {"width": 1280, "height": 720}

# Per colour bar of every live chart: the width and height attributes of its fill rectangles, the centres of its
# tick labels along the bar (px, in order) and the length of the plot area along the bar.
# null while a live chart has no drawn figure yet (a rerun a click started after wait_ready looked: the chart's
# element is being replaced) or no live chart has a colour bar yet (the previous page's charts are still up), so
# that the caller waits for the drawing instead of reading half of it; a bar that never comes times the wait out.
COLOUR_BARS_JS = """() => { const live = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
  .filter(c => !c.closest('[data-stale="true"]'));
  if (!live.length || live.some(c => { const gd = c.querySelector('.js-plotly-plot');
                                       return !gd || !gd._fullLayout || !gd._fullLayout._size; })) return null;
  if (!live.some(c => c.querySelector('g.colorbar'))) return null;
  return live.flatMap(c => { const gd = c.querySelector('.js-plotly-plot'), size = gd._fullLayout._size;
    return [...c.querySelectorAll('g.colorbar')].map(cb => {
      const fills = [...cb.querySelectorAll('rect.cbfill')];
      const ticks = [...cb.querySelectorAll('.cbaxis text, g[class*="cbaxis"] text')]
        .map(t => t.getBoundingClientRect());
      const xs = ticks.map(r => r.left + r.width / 2), ys = ticks.map(r => r.top + r.height / 2);
      const spread = v => v.length ? Math.max(...v) - Math.min(...v) : 0;
      const horizontal = spread(xs) > spread(ys);
      return {sizes: fills.map(r => [parseFloat(r.getAttribute('width')), parseFloat(r.getAttribute('height'))]),
              ticks: (horizontal ? xs : ys).sort((a, b) => a - b), horizontal,
              length: fills.reduce((s, r) => s + parseFloat(r.getAttribute(horizontal ? 'width' : 'height')), 0),
              plot: horizontal ? size.w : size.h}; }); }); }"""


def colour_bar_problems(page: Page, when: str) -> list[str]:
    """What is wrong with the colour bars now: a fill that is missing, NaN or flat, a bar shorter than a quarter of
    the plot, tick labels piled on each other."""
    try:
        bars = page.wait_for_function(COLOUR_BARS_JS, polling=100, timeout=30_000).json_value()
    except PlaywrightTimeout:
        return [f"{when}: no colour bar within 30 s"]
    problems = []
    for i, bar in enumerate(bars):
        sizes, ticks = bar["sizes"], bar["ticks"]
        if len(sizes) < 2 or not all(v == v and v > 0 for wh in sizes for v in wh):  # (v == v is False for NaN)
            problems.append(f"{when}: colour bar {i} fills (width, height) {sizes[:4]}")
        elif bar["length"] < 0.25 * bar["plot"]:
            problems.append(f"{when}: colour bar {i} is {bar['length']:.0f} px long, its plot {bar['plot']:.0f} px")
        gaps = [b - a for a, b in zip(ticks, ticks[1:])]
        if len(ticks) < 2 or min(gaps) < 14:
            problems.append(f"{when}: colour bar {i} tick labels at {[round(t) for t in ticks]}")
    return problems


def test_landscape_colour_bars_stay_filled_through_every_trigger(app_page: Page, app_server):
    """Issue 8.1: Step, the log colour toggle, choosing parameters to slice along and arriving from the Training
    page each redrew the landscape with an empty colour bar (console: `<rect> attribute height: Expected length,
    "NaN"`) in about one redraw of three: Streamlit hands Plotly.react a copy of the figure taken before its first
    drawing, and the contour levels Plotly had computed (autocontour) were missing from it."""
    page = app_page
    console = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.set_viewport_size(PROJECTOR)
    open_page(page, app_server.url, "/landscape", 1)
    problems = colour_bar_problems(page, "first drawing")
    for i in range(6):
        page.get_by_role("button", name=re.compile(r"^Step\b")).click()
        wait_ready(page, 1)
        problems += colour_bar_problems(page, f"Step {i + 1}")
    for i in range(4):
        page.get_by_text("Log colour scale", exact=True).click()
        wait_ready(page, 1)
        problems += colour_bar_problems(page, f"log colour toggle {i + 1}")
    page.get_by_text("Two chosen parameters", exact=True).click()
    wait_ready(page, 1)
    problems += colour_bar_problems(page, "two chosen parameters")
    for name in ("b0", "W10", "W01"):
        page.get_by_role("combobox", name="u varies").click()
        page.get_by_role("option", name=name, exact=True).click()
        wait_ready(page, 1)
        problems += colour_bar_problems(page, f"u varies {name}")
    for i in range(3):
        for there in (pages.by_file("training.py"), pages.by_file("landscape.py")):
            # wait for the arrival: right after the click the previous page's charts are still up and ready
            page.get_by_role("link", name=there.title).click()
            expect(page).to_have_url(re.compile(there.url + r"\b"), timeout=60_000)
            expect(page.get_by_role("heading", name=there.heading)).to_be_visible(timeout=60_000)
            wait_ready(page, there.charts)
        problems += colour_bar_problems(page, f"from the Training page {i + 1}")
    nan = [m for m in console if "NaN" in m]
    assert not problems and not nan, "\n".join(problems + nan)
    assert_no_errors(page)


# Boxes (left, top, right, bottom, in px) of what the landscape pair draws beside its panels: the colour bars, the
# axis titles, the tick-label groups and the plot areas of the two panels.
PAIR_BOXES_JS = """() => {
  const c = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .filter(c => !c.closest('[data-stale="true"]'))[0];
  const gd = c.querySelector('.js-plotly-plot'), fl = gd._fullLayout, g = gd.getBoundingClientRect();
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const union = es => es.length ? es.map(box).reduce((a, b) => [Math.min(a[0], b[0]), Math.min(a[1], b[1]),
                                                                Math.max(a[2], b[2]), Math.max(a[3], b[3])]) : null;
  const plot = ax => [g.left + fl._size.l + ax.domain[0] * fl._size.w, g.top + fl._size.t,
                      g.left + fl._size.l + ax.domain[1] * fl._size.w, g.top + fl._size.t + fl._size.h];
  const out = {};
  [...c.querySelectorAll('g.colorbar')].forEach((e, i) => { out['colour bar ' + (i + 1)] = box(e); });
  for (const [name, sel] of [['y title 1', '.g-ytitle'], ['y title 2', '.g-y2title'],
                             ['x title 1', '.g-xtitle'], ['x title 2', '.g-x2title']]) {
    const e = c.querySelector(sel); if (e) out[name] = box(e); }
  out['y ticks 2'] = union([...c.querySelectorAll('.y2tick text')]);
  out['plot 1'] = plot(fl.xaxis); out['plot 2'] = plot(fl.xaxis2);
  return out; }"""


def overlaps(a, b, slack: float = 1.0) -> bool:
    return a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack and b[1] < a[3] - slack


@pytest.mark.parametrize("width", [1280, 1366, 1440, 1920])
def test_landscape_pair_labels_do_not_overlap(app_page: Page, app_server, screenshot_dir, width):
    """Issue 8.10: at 1280-1440 px the right panel's axis title was drawn over the left panel's colour bar."""
    app_page.set_viewport_size({"width": width, "height": 900})
    open_page(app_page, app_server.url, "/landscape", 1)
    app_page.wait_for_timeout(500)  # (Plotly relayouts once the column width is known)
    boxes = app_page.evaluate(PAIR_BOXES_JS)
    (screenshot_dir / "figures").mkdir(exist_ok=True)
    app_page.screenshot(path=str(screenshot_dir / "figures" / f"landscape_{width}.png"))
    assert {"colour bar 1", "colour bar 2", "y title 2", "y ticks 2"} <= set(boxes), boxes
    names = sorted(boxes)
    clashes = [f"{a} {[round(v) for v in boxes[a]]} / {b} {[round(v) for v in boxes[b]]}"
               for i, a in enumerate(names) for b in names[i + 1:]
               if boxes[a] and boxes[b] and overlaps(boxes[a], boxes[b])]
    assert not clashes, f"at {width} px: " + "; ".join(clashes)
    assert_no_errors(app_page)


# The colours the Classifier page writes class 6's text in: the KaTeX matrix entries and the visual view's score
# line ('s₆ = ...'), as the browser computed them, with the page background.
CLASS_6_TEXT_JS = """() => {
  const rgb = s => (s.match(/\\d+(\\.\\d+)?/g) || []).slice(0, 3).map(Number);
  const score = [...document.querySelectorAll('[data-testid="stPlotlyChart"] text tspan')]
    .filter(t => !t.children.length && t.textContent.includes('s₆ =')).map(t => rgb(getComputedStyle(t).fill));
  const matrix = [...document.querySelectorAll('.katex span[style*="color"]')].map(s => rgb(getComputedStyle(s).color));
  let el = document.querySelector('.katex'), bg = 'rgba(0, 0, 0, 0)';  // the first opaque background behind the text
  while (el && /rgba\\(.*, 0\\)$|transparent/.test(bg = getComputedStyle(el).backgroundColor)) el = el.parentElement;
  bg = el ? rgb(bg) : [255, 255, 255];
  return {score, matrix, bg}; }"""


def contrast_ratio(a, b) -> float:
    """WCAG 2 contrast ratio of two sRGB colours [r, g, b] (0-255)."""
    def lum(c):
        c = [v / 255 for v in c]
        c = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_class_6_text_is_readable_on_the_classifier_page(app_page: Page, app_server, screenshot_dir):
    """Issue 8.12: with eight classes, class 6's yellow #F0E442 (1.3:1 on white) in the matrix and the titles."""
    from dashboard import scenes
    from dashboard.config import DEFAULT
    from dashboard.figures import class_color

    six = [int(class_color(6)[i:i + 2], 16) for i in (1, 3, 5)]
    # with many classes the score title names only the winner: select an example class 6 wins
    ctx = scenes.load(DEFAULT.replace(n_classes=8, dataset="blobs"))
    point = int(np.flatnonzero((ctx.X @ ctx.W.T + ctx.b).argmax(axis=1) == 6)[0])
    app_page.set_viewport_size(PROJECTOR)
    open_page(app_page, app_server.url, f"/?n_classes=8&dataset=blobs&point={point}", 1)
    found = app_page.evaluate(CLASS_6_TEXT_JS)
    (screenshot_dir / "figures").mkdir(exist_ok=True)
    app_page.screenshot(path=str(screenshot_dir / "figures" / "classifier_8_classes.png"))
    assert found["score"] and all(c == six for c in found["score"]), found["score"]
    assert sum(c == six for c in found["matrix"]) >= 4, found["matrix"]  # w₆₀, w₆₁, b₆ and s₆
    assert contrast_ratio(six, found["bg"]) >= 4.5, f"class 6 {six} on {found['bg']}"
    assert_no_errors(app_page)


# The 3-D chart: its WebGL canvas (marked, to recognise it later), its camera and a corner of its surface.
SURFACE_JS = """(mark) => {
  const gd = [...document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')]
    .find(g => g._fullLayout && g._fullLayout.scene);
  if (!gd) return null;
  const canvas = gd.querySelector('canvas');
  if (mark) canvas.__linviz = mark;
  const z = gd.data[0].z;
  const eye = gd._fullLayout.scene._scene.getCamera().eye;  // (the camera the user sees)
  return {canvas: canvas.__linviz || null, eye: {x: eye.x, y: eye.y, z: eye.z}, corner: z[0][0] ?? z['0'],
          title: gd._fullLayout.title.text}; }"""


def settled_camera(page: Page, timeout: float = 15.0) -> dict:
    """The camera once it has stopped moving. Plotly's 3-D camera follows the mouse through a short interpolation
    (gl-plot3d's view controller), so under load it can still be turning for a while after the mouse is released:
    read it only when two readings 0.4 s apart agree."""
    deadline = time.monotonic() + timeout
    eye = page.evaluate(SURFACE_JS, None)["eye"]
    while time.monotonic() < deadline:
        page.wait_for_timeout(400)
        again = page.evaluate(SURFACE_JS, None)["eye"]
        if again == pytest.approx(eye, abs=1e-9):
            return again
        eye = again
    raise AssertionError(f"the camera was still moving {timeout} s after the drag: {eye}")


def test_a_step_updates_the_3d_surface_in_place(app_page: Page, app_server):
    """Issue 8.13: with the 3-D surface on, each Step took 1.6-2.3 s: st.plotly_chart mounts a new chart for every
    new figure, and a new 3-D chart is a new WebGL context with every shader compiled again (and the camera the
    user turned was reset). The chart now stays and takes the new figure (Plotly.react)."""
    page = app_page
    open_page(page, app_server.url, "/landscape?show3d=true&t=3", 2)
    before = page.evaluate(SURFACE_JS, "first")
    assert before and before["canvas"] == "first", before
    canvas = page.locator(".js-plotly-plot canvas").last
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)  # turn the camera by dragging, as a user does
    page.mouse.down()
    page.mouse.move(x + 150, y + 40, steps=10)
    page.mouse.up()
    page.wait_for_function(f"() => Math.abs(({SURFACE_JS})(null).eye.x - {before['eye']['x']}) > 0.2", polling=100)
    turned = settled_camera(page)
    for _ in range(2):
        page.get_by_role("button", name=re.compile(r"^Step\b")).click()
        wait_ready(page, 2)
    page.wait_for_function(f"() => ({SURFACE_JS})(null).corner !== {before['corner']}", polling=100)
    after = page.evaluate(SURFACE_JS, None)
    assert after["canvas"] == "first", "the Step drew a new 3-D chart (a new WebGL context) instead of updating it"
    assert after["eye"] == pytest.approx(turned, abs=1e-6), "the Step reset the camera the user had turned"
    assert_no_errors(page)


# Per live 2-D chart of the Training page: each loss axis (the y axis of the panel whose traces are losses) with
# its type, range and tick labels; the boxes of its tick labels and title; the plot areas of the chart's panels;
# how each trace named like an accuracy is drawn; how far right each loss trace reaches.
TRAINING_JS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')]
  .filter(gd => !gd.closest('[data-stale="true"]')).map(gd => {
    const fl = gd._fullLayout, g = gd.getBoundingClientRect();
    const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
    const percent = t => /%/.test(fl['yaxis' + (t.yaxis || 'y').slice(1)].tickformat || '');
    const losses = gd._fullData.filter(t => /loss|^train$|^test$/.test(t.name) && t.mode === 'lines' && !percent(t));
    const lossAxes = [...new Set(losses.map(t => t.yaxis))];
    const plots = Object.keys(fl).filter(k => /^xaxis\\d*$/.test(k)).map(k => { const ax = fl[k],
      y = fl[ax.anchor.replace('y', 'yaxis')]; return {name: k,
      box: [g.left + fl._size.l + ax.domain[0] * fl._size.w, g.top + fl._size.t + (1 - y.domain[1]) * fl._size.h,
            g.left + fl._size.l + ax.domain[1] * fl._size.w, g.top + fl._size.t + (1 - y.domain[0]) * fl._size.h]}; });
    return {
      axes: lossAxes.map(id => { const name = 'yaxis' + id.slice(1), ax = fl[name];
        const labels = [...gd.querySelectorAll('.' + id + 'tick text')];
        const title = gd.querySelector('.g-' + id + 'title');
        return {name, type: ax.type, range: ax.range, ticks: labels.map(t => t.textContent),
                boxes: [...labels.map(box), ...(title && title.textContent ? [box(title)] : [])]}; }),
      plots,
      accuracy: gd._fullData.filter(t => /accuracy|^train$|^test$/.test(t.name) && percent(t)).map(t => t.mode),
      lossEnds: losses.map(t => Math.max(...t.x)),
      notes: (fl.annotations || []).map(a => a.text)}; })"""


def test_a_diverged_run_shows_its_blow_up_on_the_training_page(app_page: Page, app_server, screenshot_dir):
    """Issue 8.8: lr = 10 with λ = 1 blows up (diverged at step 121): the loss axes ran to 1.5×10³⁰⁴ on a linear
    scale (the curve flat at 0), the loss tick labels lay on the decision regions, the accuracy was a hatch."""
    page = app_page
    page.set_viewport_size(PROJECTOR)
    open_page(page, app_server.url, "/training?lr=10&reg=1", 2)
    charts = page.evaluate(TRAINING_JS)
    (screenshot_dir / "figures").mkdir(exist_ok=True)
    page.screenshot(path=str(screenshot_dir / "figures" / "training_diverged.png"), full_page=True)
    assert len(charts) >= 2
    for i, chart in enumerate(charts):
        assert chart["axes"], f"chart {i}: no loss axis found"
        for ax in chart["axes"]:
            assert ax["type"] == "log", f"chart {i} {ax['name']}: a {ax['type']} loss axis for a loss of 10³⁰⁶"
            assert ax["range"][1] >= 300 and ax["range"][0] <= 0.5, ax["range"]  # up to the last finite loss
            assert 3 <= len(ax["ticks"]) <= 8 and len(set(ax["ticks"])) == len(ax["ticks"]), ax["ticks"]
            clash = [(b, p["name"]) for b in ax["boxes"] for p in chart["plots"] if overlaps(b, p["box"])]
            assert not clash, f"chart {i}: loss-axis labels drawn over another panel: {clash[:2]}"
        assert chart["accuracy"] and all(m == "markers" for m in chart["accuracy"]), chart["accuracy"]
        assert max(chart["lossEnds"]) <= 121, chart["lossEnds"]  # nothing drawn past the step that diverged
    # the step named is the one rule's (the loss grew 100-fold at step 1, as the Learning-rates page says); the
    # curves go on to the last finite loss, at step 120
    assert any("diverged at step 1" == n for c in charts for n in c["notes"]), [c["notes"] for c in charts]
    assert_no_errors(page)


def test_the_3d_surface_is_sized_to_its_cube_and_follows_the_log_colour(app_page: Page, app_server):
    """At 1920 px the 3-D chart took the whole column: its cube (which fits the height) filled a third of the box
    and the colour bar stood far to its right; and it ignored "Log colour scale" (found by an exploratory pass)."""
    page = app_page
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_page(page, app_server.url, "/landscape?show3d=true&log_color=true", 2)
    page.wait_for_function(f"() => ({SURFACE_JS})(null) !== null", polling=100)
    shown = page.evaluate("""() => {
        const gd = [...document.querySelectorAll('.js-plotly-plot')].find(g => g._fullLayout && g._fullLayout.scene);
        const s = gd._fullData[0];
        return {width: gd.getBoundingClientRect().width, log: Array.isArray(s.surfacecolor) || !!s.surfacecolor,
                ticks: s.colorbar.ticktext || []}; }""")
    assert shown["width"] <= 900, shown
    assert shown["log"] and len(shown["ticks"]) >= 2, shown
    assert_no_errors(page)
