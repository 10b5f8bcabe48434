"""The Training page's playback, kept on one step with the rest of the page.

▶ Play runs in the browser (Plotly animation frames, no server round trip per frame). A custom component
(Streamlit components v2: no iframe, it runs in the app's page; it draws nothing) joins the animated chart to the
server in both directions:

- browser -> server: when playback stops, it reports the step the animation shows, as a trigger value
  {"step", "run"}, so that the scrubber, the metrics, the loss marker, the URL and Step continue from it. It
  stops at Pause (plotly_animationinterrupted, then plotly_animated), at the end of the run (plotly_animated) and
  when the user lets go of Plotly's own step slider (plotly_sliderend; nothing is sent while dragging). A report
  about another run (a chart that a new run has replaced) is dropped.
- server -> browser: when the page's step t changes without the chart being sent again (the scrubber reruns only
  its fragment), it moves the chart to step t with Plotly.animate, adding t's frame (sent with t, a few kB) and
  a step on Plotly's slider for it when the chart has none. Sending the whole animation again made each scrub
  ~4x slower.

It also makes ▶ Play at the last frame play from the start (Plotly continues from the current frame: nothing).

With heatmaps=True (the Images page's templates) the animation's frames carry the z of heatmaps, which a frame
without redraw does not draw (Plotly animates only scatter-like traces) and a frame with redraw draws by drawing the
whole chart again (its slider, titles and colour bar: ~3 frames per second for ten templates). The listener then
redraws those heatmaps alone, with the heatmap's own drawing routine, after each frame Plotly shows (and falls
back to Plotly.redraw where that routine is not there). The Training page's charts are lines: they do without.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable

import streamlit as st

from dashboard import state

COMPONENT = "linviz_playback"
SETTLE_MS = 150  # quiet time after the last Plotly event before the step is reported (Pause sends two events)

JS = r"""
// Streamlit calls the default export again with each new data, without running the cleanup the previous call
// returned (only on unmount): each call ends the one before it for the same instance (key) itself.
const running = new Map();
// Pause interrupts Plotly's animation, and Plotly rejects that animation's promise with no reason where nobody
// catches it (its own Play/Pause buttons): an "Uncaught (in promise) undefined" in the console at every Pause.
// That one rejection is expected; every other one still reaches the console.
if (!window.__linvizQuietPause) {
  window.__linvizQuietPause = true;
  window.addEventListener("unhandledrejection", (e) => { if (e.reason === undefined) e.preventDefault(); });
}

export default function ({ data, key, setTriggerValue }) {
  if (running.has(key)) running.get(key)();
  const { box, t, run, frame, settle_ms, heatmaps } = data;
  const Plotly = window.Plotly;
  const still = { frame: { duration: 0, redraw: false }, transition: { duration: 0 }, mode: "immediate" };
  // acted: the user pressed Play / Pause or took Plotly's slider since this ran: only then is a stop reported
  // (a move the page made, to the server's step or an earlier one still under way, must not move the server)
  let gd = null, shown = null, dragging = false, acted = false, disposed = false, timer = null;

  const frames = () => (gd && gd._transitionData && gd._transitionData._frames) || [];
  const slider = () => gd && gd.layout && gd.layout.sliders && gd.layout.sliders[0];
  const activeLabel = () => {
    const s = slider();
    return s && s.steps && s.steps[s.active] ? String(s.steps[s.active].label) : null;
  };
  const report = () => {
    // an interrupted move with playback still running (Play pressed while the page's own move was under way):
    // not stopped yet; its plotly_animated reports where it stops
    const trans = gd && gd._transitionData;
    if (disposed) return;
    if (trans && trans._animationRaf) { settle(); return; }
    // the step the chart shows now: its slider's (a frame that began as Pause was pressed may have named itself in
    // plotly_animatingframe and yet not be drawn: reporting its name moved the page one step past the chart)
    const now = activeLabel();
    if (now !== null) shown = now;
    const step = Number(shown);
    if (!acted || disposed || shown === null || !Number.isInteger(step) || step === t) return;
    setTriggerValue("stopped", { step, run });
  };
  const settle = () => { clearTimeout(timer); timer = setTimeout(report, settle_ms); };

  // heatmaps: after a frame (its z is in gd.calcdata now), draw the chart's heatmaps again, and nothing else, as
  // Plotly's cartesian plot draws each trace module in its layer of a subplot
  const drawHeatmaps = () => {
    if (!gd || !gd.calcdata || !gd._fullLayout) return;
    try {
      const plots = gd._fullLayout._plots;
      for (const id of Object.keys(plots)) {
        const info = plots[id];
        const cds = gd.calcdata.filter((cd) => cd[0] && cd[0].trace.type === "heatmap" && cd[0].trace.visible === true
                                         && cd[0].trace.xaxis + cd[0].trace.yaxis === id);
        if (!cds.length) continue;
        const module = cds[0][0].trace._module;
        const node = info.plot.node().querySelector("." + (module.layerName || module.name + "layer"));
        module.plot(gd, info, cds, info.plot.select(() => node));
      }
    } catch (e) {
      Plotly.redraw(gd);  // (a Plotly without these internals: correct, the whole chart, slower)
    }
  };

  // the server's step t: show it (adding its frame, in step order, and a slider step for it if missing)
  // moving: when a move began (0: none under way). A move whose promise never settles (the chart redrawn by
  // Streamlit while it ran) blocks the next ones for a second at most
  let moving = 0;
  async function goTo() {
    const name = String(t);
    if (!gd || !Plotly || Date.now() - moving < 1000 || activeLabel() === name) return;
    moving = Date.now();
    try {
      const have = frames().map((f) => f.name);
      if (!have.includes(name)) {
        if (!frame || !have.length) return;
        const at = have.findIndex((n) => Number(n) > t);
        await Plotly.addFrames(gd, [Object.assign({ traces: frames()[0].traces }, frame)], [at < 0 ? have.length : at]);
        if (disposed) return;
      }
      // one slider step per frame, in the frames' order (rebuilt whole: a move still under way may add one too; and
      // a call ended between adding t's frame and this left the frame without its step: the slider stayed behind)
      const s = slider();
      if (s && s.steps && !s.steps.some((step) => String(step.label) === name)) {
        const steps = frames().map((f) => ({ method: "animate", label: f.name, args: [[f.name], still] }));
        await Plotly.relayout(gd, { "sliders[0].steps": steps });
      }
      if (!disposed && !acted) await Plotly.animate(gd, [name], still);  // (not once the user took over)
      // the chart shows t's frame, and its slider must say so: a slider left at its old step by a redraw (CI: data
      // at 29, slider at 28) is set to t's step
      const s2 = slider(), at = s2 && s2.steps ? s2.steps.findIndex((st) => String(st.label) === name) : -1;
      if (!disposed && !acted && at >= 0 && activeLabel() !== name) {
        await Plotly.relayout(gd, { "sliders[0].active": at });
      }
    } catch (e) {
      // an interrupted move (the user pressed Play): the events that follow report where it stopped
    } finally {
      moving = 0;
    }
  }
  // until the user takes over, the chart shows the server's step: a move that did not land (a redraw of the chart
  // by Streamlit that kept its slider where playback left it, a move interrupted by one still under way) is made
  // again at the next poll, once no animation runs (seen under load: the page at 31 after Step, the chart at 30)
  const heal = () => {
    const trans = gd && gd._transitionData;
    if (gd && !acted && !disposed && !(trans && trans._animationRaf)) goTo();
  };

  const handlers = {
    plotly_animatingframe: (e) => { if (e && e.name !== undefined) shown = String(e.name); },
    plotly_sliderchange: (e) => { if (e && e.step) shown = String(e.step.label); },
    plotly_sliderstart: () => { dragging = acted = true; clearTimeout(timer); },
    plotly_sliderend: () => { dragging = false; settle(); },
    plotly_animated: () => { if (!dragging) settle(); },
    plotly_animationinterrupted: () => { if (!dragging) settle(); },
    plotly_transitioned: () => { if (heatmaps) drawHeatmaps(); },
    plotly_transitioninterrupted: () => { if (heatmaps) drawHeatmaps(); },
    plotly_buttonclicked: (e) => {
      acted = true;
      // Play at the last frame: Plotly continues from the current frame and so shows nothing; start over
      const all = frames(), play = e && e.button && e.button.args && e.button.args[0] === null;
      if (play && Plotly && all.length > 1 && shown === all[all.length - 1].name) {
        Plotly.animate(gd, null, Object.assign({}, e.button.args[1], { fromcurrent: false })).catch(() => {});
      }
    },
  };
  const unbind = () => {
    if (gd && gd.removeListener) for (const [name, fn] of Object.entries(handlers)) gd.removeListener(name, fn);
    gd = null;
  };
  const bind = () => {  // (the chart may be drawn after this runs, or replaced by Streamlit: follow it)
    const el = document.querySelector(`.st-key-${box} .js-plotly-plot`);
    if (el === gd || !(el && el.on && el._transitionData && el.layout)) return;
    unbind();
    gd = el;
    shown = activeLabel();
    for (const [name, fn] of Object.entries(handlers)) gd.on(name, fn);
    goTo();
  };
  bind();
  const poll = setInterval(() => { bind(); heal(); }, 250);
  const cleanup = () => {
    disposed = true;
    clearInterval(poll);
    clearTimeout(timer);
    unbind();
    if (running.get(key) === cleanup) running.delete(key);
  };
  running.set(key, cleanup);
  return cleanup;
}
"""

# The listener draws nothing: its element is taken out of the layout (else the page's gap shows around it)
CSS = ".st-key-playback { display: none; }"
_mount = st.components.v2.component(COMPONENT, js=JS, css=CSS, isolate_styles=False)


def run_id(*parts) -> str:
    """A short name for the run an animation shows (its reports about another run are dropped)."""
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:12]


def sync(box: str, t: int, run: str, on_stop: Callable[[int], None], frame: dict | None = None,
         key: str = "playback", heatmaps: bool = False) -> None:
    """Join the animated chart drawn in st.container(key=box), an animation of `run`, to step t: the chart is moved
    to t (frame: t's animation frame if the chart has none), and on_stop(step) runs as a callback (before the
    rerun that follows) when playback stopped at another step. heatmaps: the frames change heatmaps' z, which
    the listener draws after each frame (see the module's docstring)."""

    def stopped():
        value = (state.widget(key) or {}).get("stopped")
        if isinstance(value, dict) and value.get("run") == run and isinstance(value.get("step"), int):
            on_stop(value["step"])

    _mount(key=key, data={"box": box, "t": int(t), "run": run, "frame": frame, "settle_ms": SETTLE_MS,
                          "heatmaps": bool(heatmaps)},
           on_stopped_change=stopped)
