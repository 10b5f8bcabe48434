"""Learning rates: the same start, several step sizes, one landscape and one loss chart."""
from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from dashboard import state, views
from dashboard.common import chart, context, page, sig
from dashboard.config import LOSS_LABELS, SCHEMA


def body():
    ctx = context()
    cfg = ctx.cfg
    st.header("Learning rates · why the step size matters")
    st.latex(r"W_{t+1} = W_t - \alpha \nabla L(W_t): \quad \alpha \text{ too small crawls, too large "
             r"overshoots, larger still diverges}")

    spec = SCHEMA["lrs"]
    cols = st.columns(len(cfg.lrs))
    lrs = []
    for k, (col, lr) in enumerate(zip(cols, cfg.lrs)):
        lrs.append(col.number_input(f"α for “{views.ROLES[k]}”", min_value=spec.lo, max_value=spec.hi,
                                    key=state.seed(f"lr_{k}", float(lr)), format="%.4g", step=None,
                                    help=f"Learning rate of run {k + 1}, between {spec.lo:g} and {spec.hi:g}"))
    cfg, _ = state.commit(cfg.replace(lrs=tuple(float(v) for v in lrs)))

    with st.spinner("Training the runs…"):
        scene = views.learning_rate_scene(replace(ctx, cfg=cfg))
    left, right = st.columns(2)
    with left:
        chart(scene.figures["lr_landscape"], "lr_landscape")
        st.caption(f"{LOSS_LABELS[cfg.loss]} on the plane of the best run's trajectory (PCA), centred where "
                   f"it ends. Every run starts from the same initialization.")
    with right:
        chart(scene.figures["lr_curves"], "lr_curves")
        st.caption(f"Full-data loss per step ({cfg.steps} steps, log scale). × marks divergence: the loss became "
                   f"non-finite or grew {views.BLOWUP:g}-fold.")
    st.dataframe(pd.DataFrame({
        "learning rate α": [f"{lr:g}" for lr in cfg.lrs],
        "final loss": ["—" if d is not None else sig(h.loss[-1], 4) for h, d in zip(scene.histories, scene.diverged)],
        "final accuracy": ["—" if d is not None else f"{h.accuracy[-1]:.1%}"
                           for h, d in zip(scene.histories, scene.diverged)],
        "diverged": ["no" if d is None else f"at step {d}" for d in scene.diverged],
    }, index=[views.ROLES[k] for k in range(len(cfg.lrs))]), width="stretch")


page(body)
