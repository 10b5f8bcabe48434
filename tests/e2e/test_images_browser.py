"""Real-browser tests of the Images page (issue 13): it opens at 1280x720 and 1920x1080 without errors and with nothing
cut off, its charts keep the margins they ask for, scrubbing the step redraws the templates, and ▶ Play replays
them in the browser and leaves the page at the step where it stopped.

Screenshots land in artifacts/screenshots/images/.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from dashboard.pages import PAGES as REGISTRY
from tests.e2e.test_browser import assert_no_errors, full_page_screenshot, margin_growth, open_page, query, wait_ready
from tests.e2e.test_finding_browser import CUT_OFF_JS, SIZES

pytestmark = pytest.mark.e2e

ENTRY = next(p for p in REGISTRY if p.name == "images")
TEMPLATES = ".st-key-images_templates_box .js-plotly-plot"
Z_OF_TEMPLATES = f"""() => {{ const gd = document.querySelector('{TEMPLATES}');
    return gd ? JSON.stringify(gd.data.map(t => t.z !== undefined ? t.z : t.marker.color)) : null; }}"""


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("path", ["/images?t=200", "/images?im_data=pixels", "/images?im_data=shapes&t=100",
                                  "/images?im_digits=0123456789&t=200"])
def test_the_page_opens_without_errors_and_nothing_cut_off(app_page: Page, app_server, shots, path, size):
    app_page.set_viewport_size(size)
    open_page(app_page, app_server.url, path, 3, ENTRY.heading)
    app_page.wait_for_timeout(500)  # KaTeX lays out after the run
    cut = app_page.evaluate(CUT_OFF_JS)
    assert not cut["formulas"], f"{path} at {size['width']} px: formulas wider than their column: {cut['formulas']}"
    assert not cut["charts"] and not cut["sideways"], f"{path} at {size['width']} px: {cut}"
    grown = [g for g in margin_growth(app_page) if max(g.values()) > 1]
    assert not grown, f"{path}: Plotly's automargin grew the margins the figures ask for: {grown}"
    assert_no_errors(app_page)
    name = re.sub(r"\W+", "_", path.strip("/"))
    app_page.screenshot(path=str(shots / f"{name}_{size['width']}.png"))
    full_page_screenshot(app_page, shots / f"{name}_{size['width']}_full.png")


# The step the animation shows (its slider's label) and whether the templates drawn are that step's frame
SHOWN_JS = f"""() => {{ const gd = document.querySelector('{TEMPLATES}');
    if (!gd || !gd.layout.sliders) return null;
    const s = gd.layout.sliders[0], label = String(s.steps[s.active].label);
    const frame = gd._transitionData._frames.find(f => f.name === label);
    const drawn = t => JSON.stringify(t.z !== undefined ? t.z : t.marker.color);
    return {{label, same: !!frame && drawn(frame.data[0]) === drawn(gd.data[0])}}; }}"""


def test_scrubbing_the_step_changes_the_templates(app_page: Page, app_server):
    """Each scrub of the page's Step t moves the template animation to that step: its slider and the templates
    drawn, also after quick key presses (it once stayed a step behind, e.g. at 7 with the page at 8: the figure was
    sent again with t's frame on each scrub while the listener moved it too)."""
    open_page(app_page, app_server.url, "/images?t=5", 5, ENTRY.heading)
    before = app_page.evaluate(Z_OF_TEMPLATES)
    assert before
    scrubber = app_page.get_by_role("slider", name="Step t")
    t = 5
    for presses in (1, 2, 3, 1, 2, 3, 1, 2):  # one step, or a few in quick succession (a rerun cut short)
        scrubber.focus()
        for _ in range(presses):
            app_page.keyboard.press("ArrowRight")
            app_page.wait_for_timeout(150)
        t += presses
        expect(app_page).to_have_url(re.compile(rf"[?&]t={t}(&|$)"), timeout=30_000)
        wait_ready(app_page, 5)
        # the animation comes to the page's step (the move to it is animated in the browser after the rerun)
        try:
            app_page.wait_for_function(f"(t) => {{ const s = ({SHOWN_JS})(); return s && s.label === t && s.same; }}",
                                       arg=str(t), timeout=15_000)
        except Exception:
            pytest.fail(f"the page is at t = {t}; the template animation shows {app_page.evaluate(SHOWN_JS)}")
    assert app_page.evaluate(Z_OF_TEMPLATES) != before
    assert_no_errors(app_page)


def test_play_replays_the_templates_and_the_page_follows_where_it_stops(app_page: Page, app_server):
    open_page(app_page, app_server.url, "/images", 5, ENTRY.heading)
    anim = app_page.locator(TEMPLATES)
    first = app_page.evaluate(Z_OF_TEMPLATES)
    anim.evaluate("gd => { window.__frames = []; gd.on('plotly_animatingframe', e => window.__frames.push(e.name)); }")
    anim.locator(".updatemenu-button", has_text="Play").click()
    app_page.wait_for_function("() => window.__frames.length >= 5", timeout=20_000)
    frames = app_page.evaluate("window.__frames")
    assert [int(f) for f in frames] == sorted(int(f) for f in frames), frames
    app_page.wait_for_function(f"(old) => ({Z_OF_TEMPLATES})() !== old", arg=first, timeout=20_000)  # redrawn
    # it plays to the end of the run (step 200) and the page follows: the URL and the scrubber say t = 200
    expect(app_page).to_have_url(re.compile(r"[?&]t=200(&|$)"), timeout=30_000)
    wait_ready(app_page, 5)
    expect(app_page.get_by_role("slider", name="Step t")).to_have_attribute("aria-valuetext", "200")
    assert query(app_page)["t"] == "200"
    app_page.js_errors[:] = [e for e in app_page.js_errors if e != "undefined"]  # plotly's interrupted animate()
    assert_no_errors(app_page)
