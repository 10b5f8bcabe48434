"""Training: play back gradient descent client-side, scrub the cached history, read the curves."""
from __future__ import annotations

import streamlit as st

from dashboard import state, views
from dashboard.common import chart, context, page, sig
from dashboard.config import OPTIMIZER_LABELS


def body():
    ctx = context()
    cfg, hist = ctx.cfg, ctx.hist
    st.header("Training · gradient descent, step by step")
    st.latex(r"W_{t+1} = W_t - \alpha_t \nabla_W L(W_t), \qquad b_{t+1} = b_t - \alpha_t \nabla_b L(W_t)")

    chart(views.training_animation(ctx), "training_anim")
    st.caption(f"Play replays all {hist.steps} steps in your browser ({len(views.animation_frames(hist))} frames, "
               "≥ 20 per second); "
               f"{OPTIMIZER_LABELS[cfg.optimizer]}, α = {cfg.lr:g}, "
               f"{'full batch' if not cfg.batch_size else f'batch size {cfg.batch_size}'}.")

    @st.fragment
    def scrubber():
        """Replays the cached History at any step without retraining; only this part reruns."""
        cfg = state.load()
        t = st.slider("Step t", 0, max(hist.steps, 1), key=state.slider_key("t", cfg.t, max(hist.steps, 1)),
                      help="Scrub through the training run; Step / Run / Reset are in the sidebar")
        t = min(t, hist.steps)
        state.commit(cfg.replace(t=t))
        state.publish_url()  # (this fragment reruns on its own, without the page's)
        c = st.columns(4)
        c[0].metric("Loss L(W_t)", f"{hist.loss[t]:.4f}",
                    delta=None if t == 0 else f"{hist.loss[t] - hist.loss[t - 1]:+.4f}", delta_color="inverse")
        c[1].metric("Train accuracy", f"{hist.accuracy[t]:.1%}")
        if hist.test_accuracy is not None:
            c[2].metric("Test accuracy", f"{hist.test_accuracy[t]:.1%}")
        if t < hist.steps:
            c[3].metric("‖∇L‖ at step t", f"{hist.grad_norm[t]:.4f}", help=f"learning rate αₜ = {hist.lr[t]:.4g}")
        log_y = st.toggle("Log-scale loss", key=state.seed("log_y", False))
        chart(views.loss_curves(ctx, t, log_y), "loss_curves")
        if t < hist.steps:
            w, w1, lr = hist.W[t, 0, 0], hist.W[t + 1, 0, 0], hist.lr[t]
            if cfg.optimizer == "sgd":  # plain (S)GD: the step is exactly -lr times the gradient
                st.latex(rf"w_{{00}}^{{({t + 1})}} = w_{{00}}^{{({t})}} "
                         rf"- \alpha_t \frac{{\partial L}}{{\partial w_{{00}}}}"
                         rf" = {sig(w, 4)} - {sig(lr, 3)} \times ({sig((w - w1) / lr, 4)}) = {sig(w1, 4)}")
            else:
                st.markdown(f"Step **{t} → {t + 1}** on the first entry of W: w₀₀ = {sig(w, 4)} → {sig(w1, 4)} "
                            f"(the {OPTIMIZER_LABELS[cfg.optimizer]} update, αₜ = {sig(lr, 3)}).")

    scrubber()


page(body)
