"""Real-browser fixtures: one Streamlit server and one headless Chromium for the whole session.

The app is started exactly as the README does (`python -m streamlit run dashboard/app.py`) on a free
port with the interpreter running the tests. Chromium is Debian's `/usr/bin/chromium` (Playwright's own
browser download does not work on these machines). Without it the tests skip with a reason, unless
`LINVIZ_REQUIRE_BROWSER=1` (CI), in which case they fail.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("LINVIZ_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1600, "height": 1000}
STARTUP_TIMEOUT = 60.0


RERUNS = 1  # how many more times a failed browser test runs before it counts as failed


def pytest_collection_modifyitems(config, items):
    """A browser test that fails runs once more before it counts as failed, as Playwright's own test runner does on
    CI (its `retries`): these machines are shared, and a real Chromium under load sometimes misses a deadline that
    has nothing to do with the app. Only the browser tests, and only once; each rerun is listed in the summary
    (`RERUN` under -ra), so a flaky test is seen, not hidden. A test that fails twice fails the run."""
    for item in items:
        if item.get_closest_marker("e2e") and not item.get_closest_marker("flaky"):
            item.add_marker(pytest.mark.flaky(reruns=RERUNS, reruns_delay=1))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def require_browser() -> bool:
    return os.environ.get("LINVIZ_REQUIRE_BROWSER", "").strip().lower() in ("1", "true", "yes")


def skip_or_fail(reason: str):
    """Skip (a developer machine without a browser) or fail (CI sets LINVIZ_REQUIRE_BROWSER=1)."""
    if require_browser():
        pytest.fail(f"{reason} (LINVIZ_REQUIRE_BROWSER=1, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


class AppServer:
    """`python -m streamlit run dashboard/app.py` on a free port, its output in a log file."""

    def __init__(self, script: str = "dashboard/app.py"):
        self.port = free_port()
        self.url = f"http://localhost:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="linviz-e2e-", suffix=".log", delete=False)
        cmd = [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
               "--server.port", str(self.port), "--browser.gatherUsageStats", "false"]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.pop("LINVIZ_RAISE", None)  # the browser should see what a user sees
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, env=env)

    def log_text(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def wait_healthy(self, timeout: float = STARTUP_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}:\n"
                                   f"{self.log_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"streamlit did not become healthy within {timeout:.0f} s:\n"
                           f"{self.log_text()[-3000:]}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


@pytest.fixture(scope="session")
def chromium():
    """One headless Debian Chromium for the session (skips or fails when it is missing)."""
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"{CHROMIUM} not found: the browser tests need Debian's chromium "
                     "(apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as err:
        skip_or_fail(f"playwright is not installed ({err}); pip install -r requirements-dev.txt")
    pw = sync_playwright().start()
    try:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Exception as err:
        pw.stop()
        skip_or_fail(f"could not launch {CHROMIUM}: {err}")
    yield browser
    browser.close()
    pw.stop()


@pytest.fixture(scope="session")
def app_server(chromium):
    """The dashboard, started as the README does; terminated at the end of the session."""
    server = AppServer()
    try:
        server.wait_healthy()
    except RuntimeError as err:
        server.stop()
        pytest.fail(str(err), pytrace=False)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser_context(chromium, app_server):
    """One context for the session, so pages share the HTTP cache of Streamlit's JavaScript."""
    context = chromium.new_context(viewport=VIEWPORT)
    context.set_default_timeout(30_000)
    yield context
    context.close()


@pytest.fixture
def app_page(browser_context, app_server):
    """A new tab (a new Streamlit session) at 1600x1000 that collects uncaught JavaScript errors.

    After the test, the server's log must not have gained a traceback (the app's error guard logs one).
    """
    page = browser_context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda err: page.js_errors.append(str(err)))
    log_start = len(app_server.log_text())
    yield page
    page.close()
    new_log = app_server.log_text()[log_start:]
    assert "Traceback" not in new_log, f"the server logged an error during this test:\n{new_log[-3000:]}"


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def shots(request, screenshot_dir) -> Path:
    """The test module's own folder of screenshots, artifacts/screenshots/<area>, made if missing.

    The area is the module's SCREENSHOT_AREA if it sets one, else its name without test_ and _browser
    (test_finding_browser.py -> finding). A module that defines its own `shots` fixture keeps it.
    """
    module = request.module
    name = module.__name__.rsplit(".", 1)[-1].removeprefix("test_").removesuffix("_browser")
    out = screenshot_dir / getattr(module, "SCREENSHOT_AREA", name)
    out.mkdir(exist_ok=True)
    return out
