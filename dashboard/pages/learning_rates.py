"""Learning rates: the same start, several step sizes, one landscape and one loss chart."""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import compute, figures, state
from dashboard.common import chart, context
from dashboard.config import LOSS_LABELS, SCHEMA
from linviz.landscape import pca_directions, project

ROLES = ("too small", "good", "too large", "divergent", "run 5", "run 6")
BLOWUP = 100.0  # a run whose loss grows past this multiple of its start is called divergent

ctx = context()
cfg = ctx.cfg
st.header("Learning rates · why the step size matters")
st.latex(r"W_{t+1} = W_t - \alpha \nabla L(W_t): \quad \alpha \text{ too small crawls, too large "
         r"overshoots, larger still diverges}")

spec = SCHEMA["lrs"]
cols = st.columns(len(cfg.lrs))
lrs = []
for k, (col, lr) in enumerate(zip(cols, cfg.lrs)):
    lrs.append(col.number_input(f"α for “{ROLES[k]}”", min_value=spec.lo, max_value=spec.hi,
                                key=state.seed(f"lr_{k}", float(lr)), format="%.4g", step=None,
                                help=f"Learning rate of run {k + 1}, between {spec.lo:g} and {spec.hi:g}"))
cfg, _ = state.commit(cfg.replace(lrs=tuple(float(v) for v in lrs)))

key = compute.train_key(cfg)
with st.spinner("Training the runs…"):
    hists = [compute.history(key, lr=lr) for lr in cfg.lrs]


def blew_up(h) -> int | None:
    """The step where a run diverged: not finite, or its loss grew BLOWUP-fold."""
    if h.diverged_at is not None:
        return h.diverged_at
    over = np.nonzero(h.loss > BLOWUP * h.loss[0])[0]
    return int(over[0]) if len(over) else None


finite_end = [h.loss[-1] if blew_up(h) is None else np.inf for h in hists]
best = int(np.argmin(finite_end)) if np.isfinite(min(finite_end)) else 0
ref = hists[best]
W, b = ref.W[-1], ref.b[-1]
dirs = pca_directions(ref, W, b)
coords = [project(h, W, b, dirs) for h in hists]
inside = np.concatenate([c for c, h in zip(coords, hists) if blew_up(h) is None] or [coords[best]])
extent = float(max(1.3 * np.abs(inside).max(), 0.1))
s = compute.surface(compute.data_key(cfg), W, b, dirs, cfg.loss, cfg.reg, cfg.penalty, cfg.margin, extent)
runs = [{"label": f"α = {lr:g} ({ROLES[k]})", "coords": c, "loss": h.loss, "diverged_at": blew_up(h)}
        for k, (lr, c, h) in enumerate(zip(cfg.lrs, coords, hists))]
land, curves = figures.lr_comparison_figures(s.alphas, s.betas, s.values, runs)
left, right = st.columns(2)
with left:
    chart(land, "lr_landscape")
    st.caption(f"{LOSS_LABELS[cfg.loss]} on the plane of the best run's trajectory (PCA), centred where "
               f"it ends. Every run starts from the same initialization.")
with right:
    chart(curves, "lr_curves")
    st.caption(f"Full-data loss per step ({cfg.steps} steps, log scale). × marks divergence: the loss became "
               f"non-finite or grew {BLOWUP:g}-fold.")
st.dataframe(pd.DataFrame({
    "learning rate α": [f"{lr:g}" for lr in cfg.lrs],
    "final loss": [h.loss[-1] for h in hists],
    "final accuracy": [h.accuracy[-1] for h in hists],
    "diverged at step": [blew_up(h) for h in hists],
}, index=[ROLES[k] for k in range(len(hists))]), width="stretch")
