"""Numerical gradient: the slide's walkthrough on the current model, the limit h -> 0, the error against h, and the
slide's own numbers."""
from __future__ import annotations

import time

import streamlit as st

from dashboard import gradient_compute as gc
from dashboard import gradient_text as tex
from dashboard import lecture_scenes as scenes
from dashboard import pages, state
from dashboard.common import chart, context, page
from dashboard.controls import with_value
from dashboard.figures.format import short, sig, tick_label
from linviz.walkthrough import SLIDE_LOSS, slide_walkthrough

TABS = {"walkthrough": "One dimension at a time", "limit": "The limit h → 0", "error": "Error against h",
        "slide": "The slide"}
PLAY_SECONDS = 0.8  # one dimension per tick of the play-through
ORDINALS = ("first", "second", "third")
DEFINITION = r"\frac{df(x)}{dx} = \lim_{h \rightarrow 0} \frac{f(x+h) - f(x)}{h}"
# the walkthrough's lists show every row up to ALL_ROWS (2-D data: P = 3C <= 30); past it (an image classifier's
# C x 65) ROWS_SHOWN rows around the one probed
ALL_ROWS, ROWS_SHOWN = 30, 12


def controls(cfg):
    """h and forward / centered, side by side."""
    c1, c2 = st.columns([0.6, 0.4], gap="medium")
    h = c1.select_slider("Step size h", with_value(list(gc.H_OPTIONS), cfg.ng_h), key=state.seed("ng_h", cfg.ng_h),
                         format_func=tick_label, help="From 10⁻¹² to 1 on a log scale; the slide uses 10⁻⁴")
    method = c2.radio("Difference", ["forward", "centered"], key=state.seed("ng_method", cfg.ng_method),
                      horizontal=True, help="forward: (L(W + h) − L(W))/h, the slide's definition; "
                                            "centered: (L(W + h) − L(W − h))/2h")
    return h, method


def coordinate(cfg, names, where=st) -> int:
    """The entry of [W | b] the limit and the error plots follow (the same control on both tabs)."""
    if (state.widget("ng_coord") or 0) >= len(names):  # C shrank since it was chosen
        state.set_widget("ng_coord", len(names) - 1)
    return int(where.selectbox("Coordinate", range(len(names)), format_func=lambda i: names[i],
                               key=state.seed("ng_coord", min(cfg.ng_coord, len(names) - 1)),
                               help="The entry of [W | b] that varies; all the others stay at step t"))


def set_dims(k: int) -> None:
    state.update(ng_dims=int(k))


def toggle_play(P: int) -> None:
    playing = not state.remember("ng_playing")
    state.remember("ng_playing", playing)
    if playing:  # the first dimension at once (from the start again if dW was complete), then one per tick
        cfg = state.load()
        state.update(ng_dims=1 if cfg.ng_dims >= P else cfg.ng_dims + 1)
        state.remember("ng_last_tick", time.monotonic())
    state.rerun_page()  # the page declares the stepper again, with its timer on (or off)


def show_walkthrough(wk, k: int, names, more: bool = False, analytic=None) -> None:
    """The slide's lists after k probes of Walkthrough wk, the losses, the last probe's arithmetic."""
    probed = int(wk.dims[k - 1]) if k else None
    # many dimensions (an image's C x 65): the rows around the one probed, with ⋮ for those left out
    P = len(wk.x)
    rows = P if P <= ALL_ROWS else ROWS_SHOWN
    lo = min(max((probed or 0) - rows // 2, 0), P - rows)
    hi = lo + rows
    shown = slice(lo, hi)
    st.latex(tex.walkthrough_columns(wk.x[shown], probed=None if probed is None else probed - lo, h=wk.h,
                                     method=wk.method, slopes=wk.gradient_after(k)[shown],
                                     names=None if names is None else list(names)[shown], more=more or hi < P,
                                     before=lo > 0))
    if probed is None:
        st.latex(rf"L(W) = {tex.fixed(wk.loss, 5)}" + r", \qquad \text{no dimension probed yet: dW is all ?}")
        return
    other = wk.loss if wk.method == "forward" else wk.loss_minus[k - 1]
    d = tex.loss_decimals(wk.loss_plus[k - 1], other, wk.h, wk.method)  # (the quotient's own)
    loss = rf"L(W) = {tex.fixed(wk.loss, d)}"
    name = names[probed] if names is not None else f"W[{probed}]"
    after = rf"L({tex.entry(name)} + h) = {tex.fixed(wk.loss_plus[k - 1], d)}"
    if wk.method == "centered":
        after += rf", \quad L({tex.entry(name)} - h) = {tex.fixed(wk.loss_minus[k - 1], d)}"
    st.latex(rf"{loss}, \quad {after}")
    st.latex(tex.quotient(name, loss=wk.loss, loss_plus=wk.loss_plus[k - 1], loss_minus=wk.loss_minus[k - 1],
                          h=wk.h, method=wk.method, slope=wk.slope[k - 1]))
    if analytic is not None and tex.roundoff(wk.h, wk.method):
        roundoff_note(wk, k, name, float(analytic[probed]), other)


def roundoff_note(wk, k: int, name: str, exact: float, other: float) -> None:
    """Below the best h the two losses agree in nearly every digit float64 keeps: the quotient is round-off."""
    agree = tex.agreeing_digits(wk.loss_plus[k - 1], other)
    slope = float(wk.slope[k - 1])
    if agree >= tex.FLOAT64_DIGITS:
        how = (f"the two losses are equal in all {tex.FLOAT64_DIGITS} significant digits float64 keeps (the "
               f"probe fell below the last one), so the slope is {short(slope, 6)} against the analytic "
               f"{short(exact, 6)}")
    else:
        off = abs(slope - exact) / abs(exact) if exact else abs(slope)
        how = (f"the two losses agree in their first {agree} of the {tex.FLOAT64_DIGITS} significant digits float64 "
               f"keeps, so their difference is mostly rounding noise: the slope {short(slope, 6)} against the "
               f"analytic {short(exact, 6)} is off by " + (f"{sig(100 * off, 2)} %" if exact else short(off, 2)))
    st.info(f"**Round-off**: at h = {tick_label(wk.h)} {how}. Below h ≈ {tick_label(tex.BEST_H[wk.method])} "
            f"({wk.method}) a smaller h makes the quotient worse, not better: the tab *Error against h* shows the "
            "error rising to the left.", icon=":material/info:")
    if st.button("See the error against h", key="ng_to_error", icon=":material/show_chart:", on_click=to_error):
        st.rerun()  # the whole app: the tabs are drawn outside the stepper's fragment this button reruns


def to_error() -> None:
    state.set_widget("ng_tab", TABS["error"])
    state.update(ng_view="error")


def walkthrough_tab(ctx, cfg, wk, names, analytic) -> None:
    P = len(names)
    playing = bool(state.remember("ng_playing")) and cfg.ng_dims < P

    @st.fragment(run_every=PLAY_SECONDS if playing else None)
    def stepper():
        cfg = state.load()
        k = min(cfg.ng_dims, P)
        due = time.monotonic() - (state.remember("ng_last_tick") or 0) > 0.9 * PLAY_SECONDS
        if state.remember("ng_playing") and due:
            k = min(k + 1, P)
            state.remember("ng_last_tick", time.monotonic())
            cfg, _ = state.commit(cfg.replace(ng_dims=k))
            if k >= P:
                state.remember("ng_playing", False)
                state.publish_url()
                st.rerun()  # the whole app: the fragment is declared again, without its timer
        b = st.columns(4)
        b[0].button("Next dimension", key="ng_next", icon=":material/skip_next:", disabled=k >= P, width="stretch",
                    on_click=set_dims, args=(k + 1,), help="Probe the next entry: W + h there, the new loss, the slope")
        b[1].button("Pause" if state.remember("ng_playing") else "Play through", key="ng_play", width="stretch",
                    icon=":material/pause:" if state.remember("ng_playing") else ":material/play_arrow:",
                    on_click=toggle_play, args=(P,), help=f"One dimension every {PLAY_SECONDS:g} s until dW is done")
        b[2].button("All at once", key="ng_all", icon=":material/fast_forward:", disabled=k >= P, width="stretch",
                    on_click=set_dims, args=(P,))
        b[3].button("Start over", key="ng_reset", icon=":material/replay:", disabled=k == 0, width="stretch",
                    on_click=set_dims, args=(0,))
        evaluations = int(wk.evaluations[k - 1]) if k else 1
        total = P + 1 if wk.method == "forward" else 2 * P
        st.markdown(f"**{k} of {P}** dimensions probed · **{evaluations}** loss evaluations so far (the whole "
                    f"gradient: {'P + 1' if wk.method == 'forward' else '2P'} = {total}; the analytic one: 1)")
        show_walkthrough(wk, k, names, analytic=analytic)
        chart(scenes.walkthrough_figure(wk, k, names, analytic), "ng_walk_fig")
        if k == P:
            st.markdown(tex.completion_note(wk.slope, analytic, names, wk.h, wk.method))
        else:
            st.caption("Bars: the slopes found so far (red: the last one); ◆: the analytic gradient; ?: not probed "
                       "yet.")
        state.publish_url()  # (a button or a tick of the play-through reruns only this fragment)

    stepper()


def limit_tab(key, W, b, coord, h, method, names) -> None:
    fig, curve, now = scenes.limit_figure(key, W, b, coord, h, method)
    chart(fig, "ng_limit_fig")
    lhs = "L(a + h) - L(a)" if method == "forward" else "L(a + h) - L(a - h)"
    den = "h" if method == "forward" else "2h"
    d = tex.loss_decimals(now.loss_right, now.loss_left, now.h, method)
    st.latex(rf"\frac{{{lhs}}}{{{den}}} = \frac{{{tex.fixed(now.loss_right, d)} - {tex.fixed(now.loss_left, d)}}}"
             rf"{{{tex.num(now.h if method == 'forward' else 2 * now.h, 3)}}} = {tex.num(now.slope, 5)}"
             rf"\ \xrightarrow{{h \to 0}}\ \frac{{\partial L}}{{\partial {tex.entry(names[coord])}}} = "
             rf"{tex.num(now.exact, 5)}")
    st.latex(DEFINITION)
    st.caption(f"L along {names[coord]} with every other entry of [W | b] held at step t: a = {curve.a:.4g}. "
               "▶ Shrink h steps the secant through h = 1 … 0.001 (the slider under the plot picks one); the h "
               "control above adds its own. As h shrinks the secant turns into the tangent.")


def error_tab(key, W, b, coord, h, method, names) -> None:
    fig, sweeps = scenes.error_figure(key, W, b, coord, h)
    st.latex(r"\text{forward: } \underbrace{\tfrac{h}{2}\,|L''|}_{\text{truncation}} + "
             r"\underbrace{\tfrac{\varepsilon\,|L|}{h}}_{\text{round-off}}, \qquad "
             r"\text{centered: } \tfrac{h^2}{6}\,|L'''| + \tfrac{\varepsilon\,|L|}{2h}")
    chart(fig, "ng_error_fig")
    rows = {f"{m}, {d}": {"truncation slope": s.truncation_slope, "round-off slope": s.roundoff_slope,
                          "best h": s.best_h, "smallest error": s.best_error} for (m, d), s in sweeps.items()}
    st.dataframe(_table(rows), width="stretch")
    st.caption(f"The error of the difference quotient for {names[coord]} against the analytic derivative. Right: "
               "truncation (Taylor: ≈ h·L''/2 forward, slope 1; ≈ h²·L'''/6 centered, slope 2). Left: round-off "
               "(L(W + h) and L(W) agree in more and more digits, their difference keeps only rounding noise "
               "≈ ε·|L|/h, slope −1). The best h lies in between: about √ε forward, ε^(1/3) centered — and much "
               "larger in float32 (ε = 1.2×10⁻⁷ instead of 2.2×10⁻¹⁶). A piecewise-linear hinge loss has no "
               "truncation error until h crosses a kink.")


def _table(rows: dict):
    import pandas as pd  # (pandas only where a table is drawn)

    return pd.DataFrame(rows).T.style.format("{:.2g}", na_rep="—")


def slide_tab(cfg) -> None:
    wk = slide_walkthrough()
    k = min(cfg.ng_slide, wk.steps)
    b = st.columns(4)
    b[0].button("Next dimension", key="ng_slide_next", icon=":material/skip_next:", disabled=k >= wk.steps,
                on_click=lambda: state.update(ng_slide=min(state.load().ng_slide + 1, wk.steps)), width="stretch")
    b[1].button("Start over", key="ng_slide_reset", icon=":material/replay:", disabled=k == 0,
                on_click=lambda: state.update(ng_slide=0), width="stretch")
    dim = f" · W + h ({ORDINALS[k - 1]} dim)" if k else ""
    st.markdown(f"The lecture's own numbers (the h and difference controls above do not apply): h = {wk.h:g}, "
                f"forward differences, L = {SLIDE_LOSS} · **{k} of {wk.steps}** dimensions the slide shows{dim}.")
    show_walkthrough(wk, k, None, more=True)
    st.latex(DEFINITION)
    st.caption("The slide shows the losses, not the function behind them: here L is the simplest function that "
               "gives every number it shows (linear, with the slide's slopes −2.5, 0.6 and 0; linviz.walkthrough).")


def body():
    ctx = context(through_t=True)
    cfg = ctx.cfg
    key = gc.ProblemSpec.of(cfg)
    names = gc.objective(key).names
    st.header(pages.by_file(__file__).heading)
    h, method = controls(cfg)
    state.seed("ng_tab", TABS[cfg.ng_view])
    tabs = st.tabs(list(TABS.values()), key="ng_tab", on_change="rerun")
    view = next((v for v, label in TABS.items() if label == state.widget("ng_tab")), "walkthrough")
    cfg, _ = state.commit(cfg.replace(ng_h=float(h), ng_method=method, ng_view=view,
                                      ng_dims=min(cfg.ng_dims, len(names)), ng_coord=min(cfg.ng_coord, len(names) - 1)))
    analytic = gc.analytic(key, ctx.W, ctx.b)
    with tabs[list(TABS).index("walkthrough")]:
        if view == "walkthrough":
            st.markdown(f"Step **t = {ctx.t}** · {cfg.loss}, λ = {cfg.reg:g}, {cfg.penalty} · the P = {len(names)} "
                        "parameters [W | b] as the slide's list, L(W) the training loss.")
            walkthrough_tab(ctx, cfg, gc.walk(key, ctx.W, ctx.b, float(h), method), names, analytic)
    for name, draw in (("limit", limit_tab), ("error", error_tab)):
        with tabs[list(TABS).index(name)]:
            if view == name:
                k = coordinate(cfg, names, st.columns([0.4, 0.6])[0])
                cfg, _ = state.commit(cfg.replace(ng_coord=k))
                draw(key, ctx.W, ctx.b, k, float(h), method, names)
    with tabs[list(TABS).index("slide")]:
        if view == "slide":
            slide_tab(cfg)


page(body)
