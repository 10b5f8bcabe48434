"""Text that is not a number typed into a number field, in the real browser: Chromium's number field then holds
nothing, and Streamlit took that as the field's minimum (α of run 2 became 1e-05, in the link, without a word).
Now the field shows its number again and a warning says why (dashboard/state.number_field)."""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_browser import assert_no_errors, open_page, wait_ready

pytestmark = pytest.mark.e2e


def test_letters_in_a_learning_rate_keep_the_rate_and_say_why(app_page: Page, app_server):
    page = app_page
    open_page(page, app_server.url, "/learning_rates?lrs=0.003,0.5,12,120", 2)
    field = page.get_by_role("spinbutton", name="α of run 2")
    expect(field).to_have_value("0.5")
    field.click()
    field.press("Control+a")
    page.keyboard.type("abc")  # (Chromium keeps no letters in a number field: it is now empty)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("stAlert").filter(has_text="α of run 2 must be a number")).to_be_visible(timeout=30_000)
    wait_ready(page, 2)
    expect(field).to_have_value("0.5")
    assert parse_qs(urlparse(page.url).query).get("lrs", ["0.003,0.5,12,120"]) == ["0.003,0.5,12,120"]
    for clear in page.get_by_test_id("stNumberInputClearButton").all():  # (emptying a field is never a choice)
        expect(clear).to_be_hidden()
    assert_no_errors(page)
