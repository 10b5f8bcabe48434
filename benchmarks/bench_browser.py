"""How the dashboard feels in a real browser, against a minimal Streamlit + Plotly app, in one run.

Both apps are started as the README starts linviz (`python -m streamlit run ...`, two free ports) and
driven by one headless Debian Chromium (software rendering, like a laptop without GPU acceleration):

  (a) slider -> charts: focus a slider, press ArrowRight, time from the keydown to the moment every
      visible Plotly chart has re-rendered (last DOM mutation inside the live charts, once the rerun is
      over, no stale duplicate is left and every chart holds new data). Median over 15 changes.
      linviz: learning rate on the Classifier page at t = 20 (so the charts depend on it);
      reference: benchmarks/reference_app.py (one 100x100 heatmap + 300 points).
  (b) first render: `streamlit run` process start -> first chart drawn (fresh browser context).
  (c) payload: figure JSON per page (data + layout + animation frames) and websocket bytes per rerun.
  (d) playback: frames per second of the Training page's client-side animation over 2 s.

Targets: (a) linviz median <= 300 ms and <= 1.5x reference; (b) <= 5 s; (d) >= 20 fps.

    python benchmarks/bench_browser.py            # everything
    python benchmarks/bench_browser.py --slider   # (a) only
    python benchmarks/bench_browser.py --start    # (b) only
    python benchmarks/bench_browser.py --against /tmp/linviz-old ...  # (a) for this checkout and other ones
                                                  # (e.g. `git archive <commit> | tar -x -C /tmp/linviz-old`),
                                                  # in rotating rounds of the same run
"""
from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # (run as a script) dashboard.pages, the page registry
    sys.path.insert(0, str(ROOT))

from dashboard.pages import PAGES as REGISTRY  # noqa: E402

CHROMIUM = os.environ.get("LINVIZ_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1600, "height": 1000}
CHANGES, WARMUP = 15, 2
QUIET_MS = 300  # no chart mutation for this long = the re-render is over (not counted in the latency)
PAGES = {p.title: (p.url, p.charts) for p in REGISTRY}  # url path, charts drawn
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 3))  # --against: ROUNDS x CHANGES paired slider steps per app
LR_LABEL = "Learning rate α"

# Installed in every page before its scripts run: keydown time, the first websocket message sent after it
# (the rerun request), the last one received (the run's last delta / "finished" message; Streamlit's
# script-state attribute is not reliable for that, React can batch a fast run's running -> notRunning
# away) and the last mutation inside (or adding / removing) a chart.
INSTRUMENT_JS = """
window.__b = {key: 0, sent: 0, recv: 0, chartMut: 0, old: []};
window.addEventListener('keydown', () => { window.__b.key = performance.now(); window.__b.sent = 0; }, true);
const NativeWebSocket = window.WebSocket;
const send = NativeWebSocket.prototype.send;
NativeWebSocket.prototype.send = function (...args) {
  if (window.__b.key && !window.__b.sent) window.__b.sent = performance.now();
  return send.apply(this, args);
};
window.WebSocket = class extends NativeWebSocket {
  constructor(...args) {
    super(...args);
    this.addEventListener('message', () => { window.__b.recv = performance.now(); });
  }
};
const isChart = n => n && n.nodeType === 1 && (n.matches('[data-testid="stPlotlyChart"]')
                    || n.querySelector('[data-testid="stPlotlyChart"]'));
new MutationObserver(muts => {
  const now = performance.now();
  for (const m of muts) {
    const t = m.target.nodeType === 1 ? m.target : m.target.parentElement;
    if ((t && t.closest && t.closest('[data-testid="stPlotlyChart"]')) ||
        [...m.addedNodes, ...m.removedNodes].some(isChart)) window.__b.chartMut = now;
  }
}).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
window.__live = () => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
  .filter(c => !c.closest('[data-stale="true"]')).map(c => c.querySelector('.js-plotly-plot'));
"""
READY_JS = """(n) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-stale="true"] [data-testid="stPlotlyChart"]')) return false;
  const charts = window.__live();
  return charts.length >= n && charts.every(gd => gd && gd._fullLayout && gd.querySelector('.main-svg'));
}"""
# Settled: a run has finished, no stale chart, every chart drawn, nothing changed for `quiet` ms.
SETTLED_JS = """([n, quiet]) => {
  const b = window.__b, app = document.querySelector('[data-testid="stApp"]');
  if (!b.recv || !app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-stale="true"] [data-testid="stPlotlyChart"]')) return false;
  const charts = window.__live();
  if (charts.length < n) return false;
  if (!charts.every(gd => gd && gd._fullLayout && gd.querySelector('.main-svg'))) return false;
  return performance.now() - Math.max(b.chartMut, b.recv) >= quiet;
}"""
ARM_JS = "() => { window.__b.old = window.__live().map(gd => gd.data); window.__b.key = 0; }"
# Done: key seen, rerun over, n live charts and no stale one, each chart holds new data (or the page has
# been quiet for 2 s, e.g. a chart whose figure did not change), and no chart mutation for QUIET_MS.
DONE_JS = """([n, quiet]) => {
  const b = window.__b, now = performance.now();
  if (!b.key || b.recv < b.key) return false;
  const app = document.querySelector('[data-testid="stApp"]');
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-stale="true"] [data-testid="stPlotlyChart"]')) return false;
  const charts = window.__live();
  if (charts.length !== n || !charts.every(gd => gd && gd._fullLayout)) return false;
  const quietFor = now - Math.max(b.chartMut, b.recv);
  const changed = charts.filter(gd => !b.old.includes(gd.data)).length;
  if (quietFor < quiet || (changed < n && quietFor < 2000)) return false;
  return {render: changed ? b.chartMut - b.key : null, rerun: b.recv - b.key, sent: b.sent - b.key,
          changed: changed};
}"""
FIGURE_SIZE_JS = """() => {
  const plain = (k, v) => ArrayBuffer.isView(v) ? Array.from(v) : v;
  const size = o => o === undefined ? 0 : JSON.stringify(o, plain).length;
  return window.__live().map(gd => ({data: size(gd.data), layout: size(gd.layout),
      frames: size(((gd._transitionData || {})._frames || []).map(f => ({name: f.name, data: f.data})))}));
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, script: str, root: Path = ROOT):
        self.port = free_port()
        self.url = f"http://localhost:{self.port}"
        self.log = tempfile.TemporaryFile()
        self.t_start = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
             "--server.port", str(self.port), "--browser.gatherUsageStats", "false"],
            cwd=root, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_healthy(self, timeout: float = 60.0) -> float:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                self.log.seek(0)
                sys.exit(f"{self.url}: streamlit exited:\n{self.log.read().decode(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        return time.perf_counter() - self.t_start
            except OSError:
                pass
            time.sleep(0.05)
        sys.exit(f"{self.url} not healthy after {timeout:.0f} s")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def new_page(context):
    page = context.new_page()
    page.add_init_script(INSTRUMENT_JS)
    page.set_default_timeout(60_000)
    return page


def wait_ready(page, n: int = 1) -> None:
    page.wait_for_function(READY_JS, arg=n, polling=50, timeout=60_000)


def first_render(browser, script: str, path: str, n_charts: int) -> tuple[Server, dict]:
    """Start the app and open it in a fresh context: seconds from process start to first / all charts."""
    context = browser.new_context(viewport=VIEWPORT)
    page = new_page(context)
    server = Server(script)
    healthy = server.wait_healthy()
    page.goto(server.url + path)
    page.wait_for_selector(".js-plotly-plot .main-svg", state="attached", timeout=60_000)
    first = time.perf_counter() - server.t_start
    wait_ready(page, n_charts)
    every = time.perf_counter() - server.t_start
    page.close()
    page = new_page(context)  # the same again with a warm server and a warm browser cache
    t0 = time.perf_counter()
    page.goto(server.url + path)
    page.wait_for_selector(".js-plotly-plot .main-svg", state="attached", timeout=60_000)
    warm = time.perf_counter() - t0
    context.close()
    return server, {"healthy": healthy, "first": first, "all": every, "warm": warm}


def slider_latency(browser, url: str, label: str, n_charts: int) -> dict:
    """Median keydown -> all charts re-rendered over CHANGES slider steps (after WARMUP steps)."""
    context = browser.new_context(viewport=VIEWPORT)
    page = new_page(context)
    page.goto(url)
    wait_ready(page, n_charts)
    slider = page.get_by_role("slider", name=label)
    slider.focus()
    render, rerun, sent, changed, values = [], [], [], [], []
    for i in range(WARMUP + CHANGES):
        page.evaluate(ARM_JS)
        page.keyboard.press("ArrowRight")
        res = page.wait_for_function(DONE_JS, arg=[n_charts, QUIET_MS], polling="raf", timeout=60_000)
        res = res.json_value()
        values.append(slider.get_attribute("aria-valuetext"))
        if i >= WARMUP:
            render.append(res["render"])
            rerun.append(res["rerun"])
            sent.append(res["sent"])
            changed.append(res["changed"])
    context.close()
    return {"all": render, "median": statistics.median(render), "p90": sorted(render)[int(0.9 * (len(render) - 1))],
            "min": min(render), "max": max(render), "rerun": statistics.median(rerun),
            "sent": statistics.median(sent),
            "changed": min(changed), "values": f"{values[0]} .. {values[-1]}"}


def payloads(browser, base: str) -> dict:
    """Per page: figure JSON (data, layout, frames) and websocket bytes for the load and one lr rerun."""
    out = {}
    context = browser.new_context(viewport=VIEWPORT)
    for name, (path, expected) in PAGES.items():
        page = new_page(context)
        received = []
        page.on("websocket", lambda ws, received=received: ws.on(
            "framereceived", lambda p: received.append(len(p) if isinstance(p, (bytes, str)) else 0)))
        page.goto(base + path + "?t=20")
        page.get_by_role("slider", name=LR_LABEL).wait_for()
        page.wait_for_function(SETTLED_JS, arg=[expected, 1000], polling=100, timeout=60_000)
        n = page.evaluate("() => window.__live().length")
        load_bytes = sum(received)
        sizes = page.evaluate(FIGURE_SIZE_JS)
        page.evaluate(ARM_JS)
        received.clear()
        page.get_by_role("slider", name=LR_LABEL).focus()
        page.keyboard.press("ArrowRight")
        try:
            # (a page without charts: quiet for longer, past the page-only rerun that follows the callback's run)
            page.wait_for_function(DONE_JS, arg=[n, QUIET_MS if n else 1500], polling="raf", timeout=60_000)
        except PlaywrightTimeout:
            state = page.evaluate("""() => ({live: window.__live().length, url: location.href,
                state: document.querySelector('[data-testid="stApp"]').getAttribute('data-test-script-state'),
                stale: document.querySelectorAll('[data-stale="true"]').length,
                b: {...window.__b, old: window.__b.old.length}, now: performance.now(),
                changed: window.__live().filter(gd => !window.__b.old.includes(gd.data)).length,
                errors: [...document.querySelectorAll('[data-testid="stAlert"], [data-testid="stException"]')]
                        .map(e => e.innerText.slice(0, 200))})""")
            sys.exit(f"{name}: the rerun after an lr change did not settle in 60 s: {state}")
        out[name] = {"charts": n, "ws_load": load_bytes, "ws_rerun": sum(received),
                     **{k: sum(s[k] for s in sizes) for k in ("data", "layout", "frames")}}
        page.close()
    context.close()
    return out


def playback(browser, base: str, seconds: float = 2.0) -> dict:
    """Click Play on the Training page; count animation frames and slider moves over `seconds`."""
    context = browser.new_context(viewport=VIEWPORT)
    page = new_page(context)
    page.goto(base + "/training")
    wait_ready(page, 2)
    page.wait_for_timeout(500)
    gd = page.locator('[data-testid="stPlotlyChart"]').first.locator(".js-plotly-plot")
    info = gd.evaluate("""gd => {
        window.__anim = {frames: [], moves: [], paints: 0};
        gd.on('plotly_animatingframe', () => window.__anim.frames.push(performance.now()));
        let last = gd.layout.sliders[0].active;
        const tick = () => { const a = gd.layout.sliders[0].active; window.__anim.paints++;
            if (a !== last) { last = a; window.__anim.moves.push(performance.now()); }
            requestAnimationFrame(tick); };
        requestAnimationFrame(tick);
        return {n: gd._transitionData._frames.length,
                ms: gd.layout.updatemenus[0].buttons[0].args[1].frame.duration}; }""")
    gd.locator(".updatemenu-button", has_text="Play").click()
    page.wait_for_function("() => window.__anim.frames.length > 0", polling="raf")
    page.wait_for_timeout(seconds * 1000 + 100)
    res = page.evaluate(f"""() => {{ const a = window.__anim, t0 = a.frames[0], t1 = t0 + {seconds * 1000};
        const inWin = ts => ts.filter(t => t >= t0 && t < t1).length;
        return {{frames: inWin(a.frames), moves: inWin(a.moves)}}; }}""")
    context.close()
    return {**info, "fps": res["frames"] / seconds, "slider_fps": res["moves"] / seconds}


def compare(browser, apps: list[tuple[Path, Server]]) -> None:
    """(a) for linviz from several checkouts, paired: one tab per app, all open at once, and each slider step is
    taken in every tab in turn (the order rotating), so that each app meets the same machine load. The slider
    walks up for 20 steps, then down, and so on (each step a new value)."""
    tabs = []
    for _, server in apps:
        page = new_page(browser.new_context(viewport=VIEWPORT))
        page.goto(server.url + "/?t=20&lr=0.01")
        wait_ready(page, 1)
        page.get_by_role("slider", name=LR_LABEL).focus()
        tabs.append(page)
    render, rerun = [[] for _ in apps], [[] for _ in apps]
    for i in range(WARMUP + ROUNDS * CHANGES):
        key = "ArrowRight" if (i // 20) % 2 == 0 else "ArrowLeft"
        for k in [(j + i) % len(apps) for j in range(len(apps))]:
            tabs[k].evaluate(ARM_JS)
            tabs[k].keyboard.press(key)
            res = tabs[k].wait_for_function(DONE_JS, arg=[1, QUIET_MS], polling="raf", timeout=60_000).json_value()
            if i >= WARMUP:
                render[k].append(res["render"])
                rerun[k].append(res["rerun"])
    for page in tabs:
        page.context.close()
    print(f"(a) slider key press -> the Classifier chart re-rendered (lr, t = 20): {ROUNDS * CHANGES} changes per "
          f"app (after {WARMUP} warm-up), each change taken in every app in turn")
    print(f"    {'linviz from':<44} {'median':>8} {'p90':>8} {'min':>7} {'| run done':>10}")
    medians = [statistics.median(r) for r in render]
    for (root, _), r, m, done in zip(apps, render, medians, rerun):
        print(f"    {str(root)[-44:]:<44} {m:>6.0f}ms {sorted(r)[int(0.9 * (len(r) - 1))]:>6.0f}ms {min(r):>5.0f}ms "
              f"{statistics.median(done):>8.0f}ms")
    for (root, _), r, m in zip(apps[1:], render[1:], medians[1:]):
        wins = sum(a < b for a, b in zip(render[0], r))
        print(f"    {ROOT.name} / {root.name} = {medians[0] / m:.2f}x  (faster in {wins} of {len(r)} paired changes)")


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main():
    quick = "--slider" in sys.argv[1:]  # only (a), for a quick comparison while tuning
    # --against DIR ...: (a) only, for this checkout and other ones
    others = [Path(a).resolve() for a in sys.argv[sys.argv.index("--against") + 1:]] if "--against" in sys.argv else []
    start_only = "--start" in sys.argv[1:]  # only (b)
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} not found: apt-get install -y chromium")
    servers = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # (b) first: each app is started while the other is idle, the browser already running
            app, start_app = first_render(browser, "dashboard/app.py", "/", 1)
            servers.append(app)
            ref, start_ref = first_render(browser, "benchmarks/reference_app.py", "/", 1)
            servers.append(ref)
            if others:
                apps = [(ROOT, app)]
                for root in others:
                    servers.append(Server("dashboard/app.py", root=root))
                    servers[-1].wait_healthy()
                    apps.append((root, servers[-1]))
                compare(browser, apps)
                return
            if start_only:
                for label, r in [("linviz Classifier", start_app), ("reference", start_ref)]:
                    print(f"{label:<20} healthy {r['healthy']:.2f}s  1st chart {r['first']:.2f}s  "
                          f"warm reload {r['warm']:.2f}s")
                print(f"linviz / reference = {start_app['first'] / start_ref['first']:.2f}x")
                return
            # (a)
            lin = slider_latency(browser, app.url + "/?t=20&lr=0.01", LR_LABEL, 1)
            base = slider_latency(browser, ref.url + "/", "Phase", 1)
            # (c), (d)
            sizes = {} if quick else payloads(browser, app.url)
            anim = None if quick else playback(browser, app.url)
        finally:
            browser.close()
            for s in servers:
                s.stop()

    load = os.getloadavg()
    print(f"bench_browser: headless {CHROMIUM} (software rendering), viewport 1600x1000, "
          f"load average {load[0]:.1f} / {load[1]:.1f}")
    print()
    print(f"(a) slider key press -> every chart re-rendered, median of {CHANGES} changes "
          f"(after {WARMUP} warm-up)")
    print(f"    {'app':<34} {'charts':>6} {'median':>8} {'p90':>8} {'min':>7} {'max':>7} "
          f"{'| request sent':>14} {'run done':>9}")
    rows = [("linviz Classifier (lr, t = 20)", lin, 1), ("reference (1 heatmap + 300 pts)", base, 1)]
    for label, r, n in rows:
        print(f"    {label:<34} {n:>6} {r['median']:>6.0f}ms {r['p90']:>6.0f}ms {r['min']:>5.0f}ms "
              f"{r['max']:>5.0f}ms {r['sent']:>12.0f}ms {r['rerun']:>7.0f}ms")
    ratio = lin["median"] / base["median"]
    print(f"    linviz / reference = {ratio:.2f}x   target <= 300 ms: {verdict(lin['median'] <= 300)}; "
          f"<= 1.5x reference: {verdict(ratio <= 1.5)}")
    print("    (request sent / run done: medians of keydown -> the browser sends the rerun request / "
          "receives the run's last message)")
    print(f"    (lr stepped {lin['values']}; reference phase {base['values']}; "
          f"charts with new data each change: >= {lin['changed']} of 1 / {base['changed']} of 1)")
    if quick:
        return
    print()
    print("(b) `streamlit run` process start -> first chart drawn (fresh browser context, cold cache)")
    print(f"    {'app':<34} {'healthy':>8} {'1st chart':>10} {'all charts':>11} {'| warm reload':>13}")
    for label, r in [("linviz Classifier", start_app), ("reference", start_ref)]:
        print(f"    {label:<34} {r['healthy']:>7.2f}s {r['first']:>9.2f}s {r['all']:>10.2f}s "
              f"{r['warm']:>11.2f}s")
    print(f"    linviz / reference = {start_app['first'] / start_ref['first']:.2f}x   "
          f"target <= 5 s: {verdict(start_app['first'] <= 5)}   (warm reload: page open -> first chart, "
          "same server and browser cache)")
    print()
    print("(c) payload per page at t = 20 (figure JSON as plain lists; websocket bytes as sent)")
    print(f"    {'page':<16} {'charts':>6} {'data':>9} {'layout':>9} {'frames':>9} {'fig total':>10} "
          f"{'ws load':>9} {'ws rerun':>9}")
    for name, s in sizes.items():
        total = s["data"] + s["layout"] + s["frames"]
        print(f"    {name:<16} {s['charts']:>6} {s['data'] / 1e3:>7.1f}kB {s['layout'] / 1e3:>7.1f}kB "
              f"{s['frames'] / 1e3:>7.1f}kB {total / 1e3:>8.1f}kB {s['ws_load'] / 1e3:>7.1f}kB "
              f"{s['ws_rerun'] / 1e3:>7.1f}kB")
    print()
    print(f"(d) Training playback: {anim['n']} frames, {anim['ms']} ms per frame as configured "
          f"(= {1000 / anim['ms']:.0f} fps at best)")
    print(f"    measured over 2 s: {anim['fps']:.1f} animation frames/s, step slider moved "
          f"{anim['slider_fps']:.1f}/s   target >= 20 fps: {verdict(anim['fps'] >= 20)}")


if __name__ == "__main__":
    main()
