"""The Training page's playback in a real browser, against the minimal reference app, in one run.

  (a) scrub: focus the Training page's "Step t" slider at t = 20 and press ArrowRight; time from the keydown to
      the last change in any chart (the animation is moved in the browser, a new frame added for a step it has
      none of; the loss curves are sent again). Median over 15 steps, as bench_browser.py times a slider, and the
      same for the reference app's slider (one 100x100 heatmap + 300 points).
  (b) playback: frames per second of ▶ Play over 2 s (target >= 20).
  (c) pause -> page: from the Pause click to the address bar holding the step the animation shows (the listener
      waits SETTLE_MS for Plotly's last event, then the scrubber's part of the page reruns).

    python benchmarks/bench_playback.py
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_browser as bb  # noqa: E402  (the shared browser-timing helpers)

ANIM = '[data-testid="stPlotlyChart"] .js-plotly-plot >> nth=0'
LABEL_JS = "gd => { const s = gd.layout.sliders[0]; return s.steps[s.active].label; }"


def pause_latency(browser, base: str, repeats: int = 5) -> list[float]:
    """Seconds from clicking Pause to the URL's t being the step the animation shows."""
    context = browser.new_context(viewport=bb.VIEWPORT)
    page = bb.new_page(context)
    page.goto(base + "/training")
    bb.wait_ready(page, 2)
    anim = page.locator(ANIM)
    out = []
    for _ in range(repeats):
        anim.locator(".updatemenu-button", has_text="Play").click()
        page.wait_for_timeout(600)
        t0 = time.perf_counter()
        anim.locator(".updatemenu-button", has_text="Pause").click()
        page.wait_for_timeout(50)  # (a frame under way may still land)
        label = anim.evaluate(LABEL_JS)
        page.wait_for_function(f"() => new URLSearchParams(location.search).get('t') === '{label}'", polling="raf",
                               timeout=60_000)
        out.append(time.perf_counter() - t0)
        bb.wait_ready(page, 2)
    context.close()
    return out


def main():
    if not Path(bb.CHROMIUM).exists():
        sys.exit(f"{bb.CHROMIUM} not found: apt-get install -y chromium")
    servers = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=bb.CHROMIUM, args=bb.CHROMIUM_ARGS)
        try:
            app, ref = bb.Server("dashboard/app.py"), bb.Server("benchmarks/reference_app.py")
            servers += [app, ref]
            app.wait_healthy()
            ref.wait_healthy()
            scrub = bb.slider_latency(browser, app.url + "/training?t=20", "Step t", 2)
            base = bb.slider_latency(browser, ref.url + "/", "Phase", 1)
            anim = bb.playback(browser, app.url)
            pause = pause_latency(browser, app.url)
        finally:
            browser.close()
            for s in servers:
                s.stop()
    load = os.getloadavg()
    print(f"bench_playback: headless {bb.CHROMIUM}, viewport 1600x1000, load average {load[0]:.1f} / {load[1]:.1f}")
    print(f"(a) slider key press -> charts re-rendered, median of {bb.CHANGES} (after {bb.WARMUP} warm-up)")
    for label, r in [("Training scrubber (t = 20 ..)", scrub), ("reference (1 heatmap + 300 pts)", base)]:
        print(f"    {label:<34} median {r['median']:>6.0f} ms  p90 {r['p90']:>6.0f} ms  run done {r['rerun']:>5.0f} ms"
              f"  ({r['values']})")
    print(f"    Training scrubber / reference = {scrub['median'] / base['median']:.2f}x")
    print(f"(b) playback: {anim['fps']:.1f} frames/s over 2 s ({anim['n']} frames, {anim['ms']} ms each), "
          f"step slider {anim['slider_fps']:.1f} moves/s   target >= 20: {bb.verdict(anim['fps'] >= 20)}")
    print(f"(c) Pause -> the URL holds the step shown: median {statistics.median(pause):.2f} s "
          f"(min {min(pause):.2f}, max {max(pause):.2f}, {len(pause)} pauses)")


if __name__ == "__main__":
    main()
