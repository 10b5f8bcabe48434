"""Learning rates: the same start, several step sizes, one landscape and one loss chart."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import behaviour, learning_rate_scene, pages, scenes, state
from dashboard.cache import unrecorded
from dashboard.common import chart, page
from dashboard.config import LOSS_LABELS, SCHEMA
from dashboard.figures.format import sig

RULES = (f"What each run did, read from its own loss curve: **diverges** when the loss stops being finite or grows "
         f"{behaviour.BLOWUP:g}-fold (the step where that first happens), or ends above {behaviour.ENDS_ABOVE:g}× "
         f"its start (the step from which it stayed there); **overshoots** when it does not settle "
         f"(it ends, or climbs back in its second half, {behaviour.SETTLE:.0%} of its decrease above the lowest "
         f"loss it reached); **crawls** when it is still falling steadily (its second half brought at least "
         f"{behaviour.STILL_FALLING:.0%} of its decrease); **converges** otherwise.")


def train_runs(cfg) -> None:
    """The comparison runs, trained together (compute.curves), with a progress bar while they are computed (a cached
    result draws none). Its updates are where a student's next change can stop the run (the page stays
    responsive)."""
    bar = st.empty()
    runs = len(set(cfg.lrs))

    def progress(done: int, steps: int) -> None:
        bar.progress(done / max(steps, 1), text=f"Training the {runs} runs: {done / max(steps, 1):.0%}")

    learning_rate_scene.comparison_runs(cfg, progress=unrecorded(progress))
    bar.empty()


def body():
    # The sidebar's own run is not drawn here, so it is not trained: a change of the sidebar's α then retrains
    # nothing (each comparison run's key holds its own α), and the page does not warn about a run it does not show.
    cfg = state.load()
    st.header(pages.by_file(__file__).heading)
    st.latex(r"W_{t+1} = W_t - \alpha \nabla L(W_t): \quad \alpha \text{ too small crawls, too large "
             r"overshoots, larger still diverges}")

    spec = SCHEMA["lrs"]
    cols = st.columns(len(cfg.lrs))
    lrs = []
    for k, (col, lr) in enumerate(zip(cols, cfg.lrs)):
        lrs.append(col.number_input(f"α of run {k + 1}", min_value=spec.lo, max_value=spec.hi,
                                    **state.number_field(f"lr_{k}", float(lr), f"α of run {k + 1}", spec.lo,
                                                         spec.hi, shown=lambda k=k: state.load().lrs[k]),
                                    format="%.4g", step=None,
                                    help=f"Learning rate of run {k + 1}, between {spec.lo:g} and {spec.hi:g}"))
    cfg, _ = state.commit(cfg.replace(lrs=tuple(float(v) for v in lrs)))

    train_runs(cfg)  # (under a progress bar while they train: the scene then finds them cached)
    scene = learning_rate_scene.learning_rate_scene(cfg)
    # each chart at its own size, side by side where the page is wide enough, else one under the other
    with st.container(horizontal=True, gap="medium"):
        with st.container(width="content"):
            chart(scene.figures["lr_landscape"], "lr_landscape", width="content")
            st.caption(f"{LOSS_LABELS[cfg.loss]} on the plane of the best run's trajectory (PCA), centred where "
                       "it ends; ○ is where every run starts. × marks where a diverging run leaves the view.",
                       width=scene.figures["lr_landscape"].layout.width)
        with st.container(width="content"):
            chart(scene.figures["lr_curves"], "lr_curves", width="content")
            st.caption(f"Full-data loss per step ({cfg.steps} steps, log scale). × marks divergence: the loss "
                       f"became non-finite, grew {scenes.BLOWUP:g}-fold, or rose above {behaviour.ENDS_ABOVE:g}× its "
                       "start for good.",
                       width=scene.figures["lr_curves"].layout.width)
    table = learning_rate_scene.learning_rate_table(scene, cfg.lrs)  # (final loss and accuracy NaN if it diverged)
    st.dataframe(table.assign(**{
        "learning rate α": [f"{lr:g}" for lr in table["learning rate α"]],
        "final loss": ["—" if pd.isna(v) else sig(v, 4) for v in table["final loss"]],
        "final accuracy": ["—" if pd.isna(v) else f"{v:.1%}" for v in table["final accuracy"]],
    }), width="stretch")
    st.caption(RULES)


page(body)
