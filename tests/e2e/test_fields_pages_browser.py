"""Real-browser test of the page-only rule (controls.apply, from config.SCHEMA's page_only flags): a sidebar change
reruns only the page when every field it changed is page_only, so nothing the sidebar shows goes stale."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_browser import assert_no_errors, open_page

pytestmark = pytest.mark.e2e

W0 = ",".join(["0.5", "-0.2", "0.1"] * 3)  # a custom [W | b] for 3 classes


def test_more_classes_with_a_custom_W_update_the_sidebar_caption(app_page: Page, app_server):
    """C is page_only, but with a custom W a new C also changes W0, which is not (the sidebar's caption names C):
    the whole app reruns and the caption says 4 classes (a page-only rerun left it at 3)."""
    open_page(app_page, app_server.url, f"/?init=custom&W0={W0}", 1)
    sidebar = app_page.get_by_test_id("stSidebar")
    for section in ("1 · Data", "2 · Model"):  # (they start collapsed)
        sidebar.get_by_text(section).click()
    expect(sidebar.get_by_text("Custom [W | b] for 3 classes")).to_be_visible()
    classes = sidebar.get_by_role("slider", name="Classes C")
    classes.focus()
    app_page.keyboard.press("ArrowRight")
    expect(app_page).to_have_url(re.compile(r"[?&]n_classes=4(&|$)"))
    expect(sidebar.get_by_text("Custom [W | b] for 4 classes")).to_be_visible()
    assert_no_errors(app_page)
