"""Mini-batch: the cloud of mini-batch gradients around the full-batch one, its spread falling like 1/√M, the
lecture's full-batch and mini-batch losses with live numbers, and training curves for several M."""
from __future__ import annotations

import numpy as np
import streamlit as st

from dashboard import common, pages, state
from dashboard import finding_compute as fc
from dashboard import finding_scenes as fs
from dashboard import finding_text as tex
from dashboard.cache import unrecorded
from dashboard.common import chart, context, page
from dashboard.config import OPTIMIZER_LABELS, SLICE_LABELS

SIZES = [1, 2, 4, 8, 16, 32, 64, 128]
DRAWS = [50, 100, 200, 500, 1000]


def kept_sizes(chosen: list[int]) -> None:
    """Emptied, the box showed "Choose options" while the charts kept the last sizes: it gets them back, and says
    why."""
    if not state.widget("mb_sizes"):
        state.set_widget("mb_sizes", chosen)
        state.flash("At least one batch size M is needed: the last choice is kept.")


def controls(cfg):
    c1, c2, c3 = st.columns([0.5, 0.25, 0.25], gap="medium")
    chosen = [int(m) for m in cfg.mb_sizes]
    sizes = c1.multiselect("Batch sizes M", sorted({*SIZES, *chosen}), key=state.seed("mb_sizes", chosen),
                           on_change=kept_sizes, args=(chosen,),
                           help="Each M: that many examples drawn without replacement, as in training")
    sizes = sorted(int(m) for m in sizes) or chosen
    draws = c2.select_slider("Draws per M", sorted({*DRAWS, cfg.mb_draws}), key=state.seed("mb_draws", cfg.mb_draws))
    if state.widget("mb_m") not in sizes:
        state.set_widget("mb_m", cfg.mb_m if cfg.mb_m in sizes else sizes[min(1, len(sizes) - 1)])
    m = c3.selectbox("M in the formulas", sizes, key="mb_m")
    return tuple(float(v) for v in sizes), int(draws), int(m)


def formulas(key, ctx, cloud, M: int) -> None:
    """The lecture's L and L_B at step t, for the first batch drawn of size M, side by side, with the gradients'
    lengths and the spread law."""
    k = list(cloud.batch_sizes).index(min(M, cloud.n))
    batch = cloud.batches[k][0]
    full, part, reg = fc.batch_loss(key, ctx.W, ctx.b, batch)
    g = np.sqrt(np.vdot(cloud.full_dW, cloud.full_dW) + np.vdot(cloud.full_db, cloud.full_db))
    gB = np.sqrt(np.vdot(cloud.dW[k, 0], cloud.dW[k, 0]) + np.vdot(cloud.db[k, 0], cloud.db[k, 0]))
    c1, c2 = st.columns(2, gap="medium")
    c1.latex(tex.full_batch_loss(cloud.n, full, reg))
    c1.latex(tex.spread_law(cloud.sigma, cloud.n))
    c2.latex(tex.batch_loss(len(batch), part, reg))
    c2.latex(tex.gradient_norms(float(g), float(gB), len(batch)))
    shown = ", ".join(str(int(i)) for i in batch[:8]) + (", …" if len(batch) > 8 else "")
    c2.caption(f"B = {{{shown}}}: the first of the draws of M = {len(batch)}; |∇L_B| is its gradient's length. "
               "L_B estimates L and ∇L_B estimates ∇L without bias; the error shrinks like 1/√M, while a step "
               "costs M examples instead of N.")


def train_batch_runs(cfg) -> None:
    """The sidebar's run with each M, trained together (finding_compute.batch_runs), under a progress bar while they
    are computed (a cached result draws none; its updates are where the next change can stop the run)."""
    bar = st.empty()

    def progress(done: int, steps: int) -> None:
        bar.progress(done / max(steps, 1), text=f"Training the run with each M together: step {done:,} of {steps:,}")

    fc.batch_runs(cfg, tuple(int(m) for m in cfg.mb_sizes), progress=unrecorded(progress))
    bar.empty()


def body():
    # the sidebar's run first, under a progress bar (an α change trains its whole horizon: ~3.5 s on the ten digits,
    # with nothing on screen saying so)
    common.train_with_progress([("the sidebar's run", state.load())])
    ctx = context()
    cfg = ctx.cfg
    st.header(pages.by_file(__file__).heading)
    sizes, draws, M = controls(cfg)
    cfg, _ = state.commit(cfg.replace(mb_sizes=sizes, mb_draws=draws, mb_m=M))
    key = fc.problem_key(cfg)
    scene = fs.gradient_cloud(ctx, cfg)
    cloud, slope = scene.cloud, scene.slope
    formulas(key, ctx, cloud, M)
    left, right = st.columns([0.55, 0.45], gap="medium")
    with left:
        chart(scene.figures["batch_cloud"], "mb_cloud")
        st.caption(f"At step t = {ctx.t} (★): where one step −α∇L_B (α = {cfg.lr:g}, the sidebar's) would take θ "
                   f"for each of {draws} batches per M, projected on the Landscape page's slice "
                   f"({SLICE_LABELS[cfg.slice]}); the white arrow is the full-batch step. Small batches scatter "
                   "widely around it (the view holds 95% of all steps); large ones gather at its tip.")
    with right:
        chart(scene.figures["batch_spread"], "mb_spread")
        fit = (f"fitted log-log slope **{slope:.2f}** (theory −0.50, after dividing out the factor)"
               if np.isfinite(slope) else f"choose two or more batch sizes below N = {cloud.n} to fit the log-log "
               "slope (theory −0.50)")
        st.caption(f"Measured over {draws} draws per M (◆) against σ/√M with the finite-population factor: {fit}.")
    train_batch_runs(cfg)
    chart(fs.batch_curves(cfg, cloud), "mb_curves")
    st.caption(f"The sidebar's run ({OPTIMIZER_LABELS[cfg.optimizer]}, α = {cfg.lr:g}, {cfg.steps} steps) with "
               "each batch size, from the same start (dotted on the right: its loss, at 0 epochs, left of the log "
               "axis). Per step a large batch is better; per example seen (epochs) a small one gets further with the "
               "same work.")

page(body)
