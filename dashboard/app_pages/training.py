"""Training: play back gradient descent client-side, scrub the cached history, read the curves."""
from __future__ import annotations

import streamlit as st

from dashboard import compute, pages, playback, scenes, state
from dashboard.common import chart, context, page
from dashboard.config import OPTIMIZER_LABELS
from dashboard.figures.format import sig, tex

ANIMATION_BOX = "training_anim_box"  # the container the playback listener finds the animated chart in


def body():
    ctx = context()
    cfg, hist = ctx.cfg, ctx.hist
    st.header(pages.by_file(__file__).heading)
    st.latex(r"W_{t+1} = W_t - \alpha_t \nabla_W L(W_t), \qquad b_{t+1} = b_t - \alpha_t \nabla_b L(W_t)")
    hi = max(hist.steps, 1)
    run = playback.run_id(compute.TrainSpec.of(cfg), hist.steps, ctx.t)  # (the figure opens at ctx.t)
    with st.container(key=ANIMATION_BOX):
        chart(scenes.training_animation(ctx), "training_anim")
    st.caption(f"Play replays all {hist.steps} steps in your browser ({len(scenes.animation_frames(hist))} frames, "
               "≥ 20 per second) and stops where you pause it; "
               f"{OPTIMIZER_LABELS[cfg.optimizer]}, α = {cfg.lr:g}, "
               f"{'full batch' if not cfg.batch_size else f'batch size {cfg.batch_size}'}.")

    def stopped_at(step: int) -> None:
        """Playback stopped at `step` in the browser: show that step everywhere (callback)."""
        state.update(t=max(0, min(int(step), hist.steps)))

    @st.fragment
    def player():
        """The scrubber and everything that shows step t: one step, shown everywhere (the animation above is
        moved to it in the browser). Scrubbing, or playback stopping, reruns only this part (from the cached
        History, without retraining)."""
        cfg = state.load()
        t = min(st.slider("Step t", 0, hi, key=state.seed("t", cfg.t, hi),
                          help="Scrub through the training run; Step / Run / Reset are in the sidebar"), hist.steps)
        playback.sync(ANIMATION_BOX, t, run, stopped_at, frame=scenes.training_frame(ctx, t))
        state.commit(cfg.replace(t=t))
        state.publish_url()  # (this fragment reruns on its own, without the page's)
        m = scenes.step_metrics(hist, t)
        c = st.columns(4)
        # (a change that rounds to 0 at four decimals reads "±0.0000", without an arrow: it is not a fall)
        still = m.change is not None and abs(m.change) < 5e-5
        c[0].metric("Loss L(W_t)", f"{m.loss:.4f}", delta=None if m.change is None else "±0.0000" if still
                    else f"{m.change:+.4f}", delta_color="off" if still else "inverse",
                    delta_arrow="off" if still else "auto")
        c[1].metric("Train accuracy", f"{m.train_accuracy:.1%}")
        if m.test_accuracy is not None:
            c[2].metric("Test accuracy", f"{m.test_accuracy:.1%}")
        if m.grad_norm is not None:
            c[3].metric("‖∇L‖ at step t", f"{m.grad_norm:.4f}", help=f"learning rate αₜ = {m.lr:.4g}")
        else:  # (the run keeps the gradient of each step it took; none is taken from its last step)
            c[3].metric("‖∇L‖ at step t", "—", help=f"Step {t} is the run's last: no step is taken from it, so "
                        "there is no gradient of a step to show. Step or Run grows the horizon.")
        log_y = st.toggle("Log-scale loss", key=state.seed("log_y", False))
        chart(scenes.loss_curves(ctx, t, log_y), "loss_curves")
        if m.w00_next is not None:
            w, w1, lr = m.w00, m.w00_next, m.lr
            if cfg.optimizer == "sgd":  # plain (S)GD: the step is exactly -lr times the gradient
                st.latex(rf"w_{{00}}^{{({t + 1})}} = w_{{00}}^{{({t})}} "
                         rf"- \alpha_t \frac{{\partial L}}{{\partial w_{{00}}}}"
                         rf" = {tex(sig(w, 4))} - {tex(sig(lr, 3))} \times ({tex(sig((w - w1) / lr, 4))})"
                         rf" = {tex(sig(w1, 4))}")
            else:
                st.markdown(f"Step **{t} → {t + 1}** on the first entry of W: w₀₀ = {sig(w, 4)} → {sig(w1, 4)} "
                            f"(the {OPTIMIZER_LABELS[cfg.optimizer]} update, αₜ = {sig(lr, 3)}).")

    player()


page(body)
