"""The load tool (benchmarks/load.py) against real servers started here: a few sessions for a few seconds.

Correctness only, never time: the sessions join, every α move ends as a page-only fragment rerun without an
error, each session's address bar holds its own values, and the isolation check does catch an app that leaks
one session's value into another's.
"""
from __future__ import annotations

import textwrap

import pytest

from benchmarks import load
from benchmarks.stclient import Session, run_sync
from tests.e2e.conftest import AppServer


def start(script: str = "dashboard/app.py") -> AppServer:
    server = AppServer(script)
    try:
        server.wait_healthy()
    except RuntimeError as err:
        server.stop()
        pytest.fail(str(err), pytrace=False)
    return server


def run(url: str, *args: str) -> dict:
    opts = load.parser().parse_args(["--url", url, "--sessions", "3", "--duration", "2", "--ramp", "1",
                                     "--settle", "0.5", "--interval", "0.5", "--moves", "3", *args])
    return run_sync(load.run_load(url, opts))


@pytest.fixture(scope="module")
def dashboard():
    server = start()
    yield server
    server.stop()


def test_sessions_move_alpha_on_the_page_only_path_without_errors(dashboard):
    report = run(dashboard.url, "--query", "seed={i}")
    assert report["errors"] == 0, report["error_samples"]
    assert report["violations"] == 0, report["violation_samples"]
    assert report["reruns_total"] >= 9  # 3 sessions x at least 3 moves
    # the sidebar's α reruns only the page fragment, as in a browser
    assert report["statuses"] == {"fragment": report["reruns_total"]}
    assert "Traceback" not in dashboard.log_text()


def test_a_session_holds_the_whole_widget_state_and_its_own_address_bar(dashboard):
    async def scenario():
        a, b = Session(dashboard.url, query="seed=11"), Session(dashboard.url, query="seed=12")
        for s in (a, b):
            assert (await s.open()).ok
        assert {"lr", "dataset", "seed", "steps", "point"} <= {wid.rsplit("-", 1)[1] for wid in a.widgets}
        first = await a.rerun({"lr": "0.46"})
        second = await b.rerun({"lr": "0.038"})
        third = await a.rerun({"lr": "0.001"})
        for s in (a, b):
            await s.close()
        return first, second, third, a, b

    first, second, third, a, b = run_sync(scenario())
    assert (first.status, second.status, third.status) == ("fragment",) * 3
    assert first.query == "seed=11&lr=0.46" and second.query == "seed=12&lr=0.038"
    assert third.query == "seed=11&lr=0.001"
    assert a.value("lr") == ["0.001"] and b.value("lr") == ["0.038"]  # what each tab now sends with every rerun
    assert a.session_id != b.session_id


def test_the_reference_app_reruns_in_full(tmp_path):
    server = start("benchmarks/reference_app.py")
    try:
        report = run(server.url, "--widget", "phase", "--url-param", "")
    finally:
        server.stop()
    assert report["errors"] == 0, report["error_samples"]
    assert report["statuses"] == {"finished": report["reruns_total"]} and report["reruns_total"] >= 9


LEAKY_APP = """
    import streamlit as st

    last = st.cache_resource(lambda: {"lr": "0.1"})()  # one dict shared by every session: the defect
    value = st.select_slider("α", ["0.1", "0.2", "0.3", "0.4", "0.5", "0.6"], key="lr")
    st.query_params["lr"] = last["lr"]  # shows the value the last session (any session) set
    last["lr"] = value
"""


def test_the_isolation_check_catches_a_leaking_app(tmp_path):
    script = tmp_path / "leaky_app.py"
    script.write_text(textwrap.dedent(LEAKY_APP))
    server = start(str(script))
    try:
        report = run(server.url)
    finally:
        server.stop()
    assert report["errors"] == 0, report["error_samples"]
    assert report["violations"] > 0


@pytest.mark.parametrize("shown, label, same", [
    ("0.00056", "6e-4", True),   # the learning-rate slider labels 0.00056 as "6e-4"
    ("0.00046", "6e-4", False),  # another option's value
    ("0.32", "0.32", True), ("0.38", "0.32", False), ("0.001", "1e-3", True), (None, "0.32", False),
    ("abc", "abc", True), ("abd", "abc", False),
])
def test_a_rounded_slider_label_matches_only_its_own_value(shown, label, same):
    assert load._same_value(shown, label) is same


def test_a_run_that_shows_another_sessions_seed_is_a_violation():
    from benchmarks.stclient import Run

    tally = load.Tally()
    load._check(Run(0.1, "fragment", query="seed=3&lr=0.46"), 3, "seed=3", "lr", "0.46", tally)
    assert tally.violations == []
    load._check(Run(0.1, "fragment", query="seed=4&lr=0.46"), 3, "seed=3", "lr", "0.46", tally)
    load._check(Run(0.1, "fragment", query="seed=3"), 3, "seed=3", "lr", "0.46", tally)
    assert tally.violations == ["session 3: started with seed=3, the page shows seed=4",
                                "session 3: set lr=0.46, the page shows lr=None"]
