"""The Images page's template playback in a real browser, against the Training page's playback, in one run.

▶ Play on the templates of all 10 digits (the sidebar's 200 steps): frames per second from the first animation
frame to the last one shown within `SECONDS` (target >= 20, issue 13), and the same for the Training page's
animation (bench_browser.playback's page), interleaved ROUNDS times so that both meet the same machine load.

A frame counts when it is drawn: Plotly's plotly_animatingframe event AND a change of the picture (the heatmap's
image, or a marker's colour) before the next animation frame of the browser; a frame Plotly shows without drawing
(a heatmap's frame without redraw) counts as shown, not as drawn.

    python benchmarks/bench_images_playback.py
    python benchmarks/bench_images_playback.py --against /tmp/linviz-old   # also the Images page of another
        # checkout (e.g. `git archive <commit> | tar -x -C /tmp/linviz-old`), in the same rounds
"""
from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_browser as bb  # noqa: E402  (the shared browser-timing helpers)

SECONDS = 2.0
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 3))
PAGES = {"Images, all 10 digits": ("/images?im_digits=0123456789", ".st-key-images_templates_box .js-plotly-plot"),
         "Training (reference)": ("/training", ".st-key-training_anim_box .js-plotly-plot")}

COUNT_JS = """gd => {
    window.__anim = []; window.__drawn = []; let pending = false;
    gd.on('plotly_animatingframe', () => window.__anim.push(performance.now()));
    // a change of the picture: once per browser frame at most
    new MutationObserver(() => {
        if (pending) return;
        pending = true; window.__drawn.push(performance.now());
        requestAnimationFrame(() => { pending = false; });
    }).observe(gd.querySelector('.cartesianlayer'),
               {subtree: true, attributes: true, attributeFilter: ['href', 'style', 'd'], childList: true});
    return {n: gd._transitionData._frames.length, ms: gd.layout.updatemenus[0].buttons[0].args[1].frame.duration};
}"""
RATE_JS = f"""() => {{ const a = window.__anim, t0 = a[0], seen = a.filter(t => t < t0 + {SECONDS * 1000});
    const drawn = window.__drawn.filter(t => t >= t0 && t < t0 + {SECONDS * 1000});
    return {{frames: seen.length, span: seen[seen.length - 1] - t0, drawn: Math.min(drawn.length, seen.length)}}; }}"""


def fps(browser, url: str, selector: str) -> dict:
    """Open url, press ▶ Play on the chart `selector`, count its animation frames."""
    context = browser.new_context(viewport=bb.VIEWPORT)
    page = bb.new_page(context)
    page.goto(url)
    page.wait_for_selector(selector, timeout=120_000)
    page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]') && document.querySelector("
                           "'[data-testid=\"stApp\"]').getAttribute('data-test-script-state') === 'notRunning'",
                           timeout=120_000)
    page.wait_for_timeout(1000)
    gd = page.locator(selector)
    info = gd.evaluate(COUNT_JS)
    gd.locator(".updatemenu-button", has_text="Play").click()
    page.wait_for_function("() => window.__anim.length > 0", polling="raf")
    page.wait_for_timeout(SECONDS * 1000 + 200)
    res = page.evaluate(RATE_JS)
    context.close()
    # frames per second over the frames drawn (the run may end before SECONDS: its last frame closes the span)
    span = res["span"] / 1000

    def rate(n: int) -> float:
        return (n - 1) / span if n > 1 and span > 0 else 0.0

    return {**info, "fps": rate(res["drawn"]), "shown_fps": rate(res["frames"]), "shown": res["frames"],
            "drawn": res["drawn"]}


def main():
    if not Path(bb.CHROMIUM).exists():
        sys.exit(f"{bb.CHROMIUM} not found: apt-get install -y chromium")
    against = Path(sys.argv[sys.argv.index("--against") + 1]) if "--against" in sys.argv else None
    pages = dict(PAGES)
    if against is not None:
        pages = {f"Images at {against}": PAGES["Images, all 10 digits"], **pages}
    results = {name: [] for name in pages}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=bb.CHROMIUM, args=bb.CHROMIUM_ARGS)
        app = bb.Server("dashboard/app.py")
        other = bb.Server("dashboard/app.py", root=against) if against is not None else None
        try:
            app.wait_healthy()
            if other is not None:
                other.wait_healthy()
            for _ in range(ROUNDS):
                for name, (path, selector) in pages.items():
                    server = other if name.startswith("Images at ") else app
                    results[name].append(fps(browser, server.url + path, selector))
        finally:
            browser.close()
            app.stop()
            if other is not None:
                other.stop()
    load = os.getloadavg()
    print(f"bench_images_playback: headless {bb.CHROMIUM}, viewport 1600x1000, load average {load[0]:.1f} / "
          f"{load[1]:.1f}, {ROUNDS} rounds interleaved")
    med = {}
    for name, runs in results.items():
        med[name] = statistics.median(r["fps"] for r in runs)
        r = runs[0]
        shown = statistics.median(x["shown_fps"] for x in runs)
        print(f"  {name:<32} median {med[name]:5.1f} frames/s drawn, {shown:5.1f} shown  "
              f"({[round(x['fps'], 1) for x in runs]}; {r['n']} frames, {r['ms']} ms each; round 1: "
              f"{r['shown']} shown, {r['drawn']} drawn in {SECONDS:g} s)")
    a, b = med["Images, all 10 digits"], med["Training (reference)"]
    print(f"  Images / Training = {a / b if b else float('nan'):.2f}   Images target >= 20 frames/s: "
          f"{bb.verdict(a >= 20)}")
    if against is not None:
        old = med[f"Images at {against}"]
        print(f"  Images at {against} / Training = {old / b if b else float('nan'):.2f}; this checkout / that one = "
              f"{a / old if old else float('inf'):.2f}")


if __name__ == "__main__":
    main()
