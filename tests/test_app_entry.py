"""The AppTest entry (tests/app_entry.py): every app test runs dashboard/app.py as production does, opened at a
page, and sees the sidebar as the browser shows it."""
from __future__ import annotations

import pytest

from tests.app_entry import PAGES, open_app, page_shown, run_app

PAGE_FILES = sorted(p.name for p in PAGES.glob("*.py"))


@pytest.fixture(autouse=True)
def raise_errors(monkeypatch):
    monkeypatch.setenv("LINVIZ_RAISE", "1")


@pytest.mark.parametrize("page", PAGE_FILES)
def test_each_page_opens_through_the_entry_script_with_its_sidebar(page):
    at = run_app(page)
    url_path = "" if page == "classifier.py" else page.removesuffix(".py")  # (the default page's is "")
    assert page_shown(at) == page and at.session_state["_page"] == url_path  # (what state.begin_run was told)
    assert at.drawn_sidebar.select_slider(key="lr").value == 0.3 and at.drawn_sidebar.button(key="step")


def test_the_landing_page_is_the_classifier():
    assert page_shown(run_app()) == "classifier.py"


def test_after_a_page_only_rerun_the_sidebar_stays_usable_and_a_click_is_sent_once():
    at = run_app("loss.py")  # (a page without the Training page's step scrubber: Step reruns only the page)
    at.select_slider(key="lr").set_value(0.1).run()  # α: only the page reruns
    assert not at.drawn_sidebar.select_slider and at.sidebar.select_slider(key="lr").value == 0.1  # still on screen
    at.button(key="step").click().run()
    assert not at.drawn_sidebar.button and at.query_params["t"] == "1" and at.query_params["lr"] == "0.1"
    at.select_slider(key="reg").set_value(0.1).run()  # the Step button's click went with the run before
    assert not at.exception and at.query_params["t"] == "1" and at.query_params["reg"] == "0.1"


def test_a_page_is_chosen_before_the_first_run():
    at = open_app("landscape.py", {"lr": "0.03"})
    at.run()
    assert page_shown(at) == "landscape.py" and at.query_params["lr"] == "0.03"
    assert any("Loss landscape" in h.value for h in at.header)
