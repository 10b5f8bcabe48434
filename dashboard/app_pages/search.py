"""Search: finding W as a search problem. Random search, random local search and a genetic algorithm raced
against gradient descent (numerical and analytic gradient) on the same data from the same start, every method
with the same budget of loss evaluations."""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import compute, pages, state
from dashboard import finding_compute as fc
from dashboard import finding_scenes as fs
from dashboard import finding_text as tex
from dashboard.cache import unrecorded
from dashboard.common import chart, context, page, too_large_as_text
from dashboard.config import LOSS_LABELS
from dashboard.controls import exact, with_value
from dashboard.figures import finding as ff
from dashboard.figures.format import short
from linviz.search import METHODS

BUDGETS = [100, 200, 500, 1000, 2000, 5000]
GD_RATES = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0]
PROBLEMS = {"points": "the sidebar's data set", "shapes": "8×8 shape images (D = 64)"}


def controls(cfg):
    c1, c2, c3, c4 = st.columns([0.3, 0.25, 0.25, 0.2], gap="medium")
    data = c1.radio("Problem (its dimension P)", list(PROBLEMS), format_func=PROBLEMS.get, horizontal=False,
                    key=state.seed("sr_data", cfg.sr_data),
                    help="The same race with 22× more parameters: random search stalls, gradients do not")
    budget = c2.select_slider("Budget (loss evaluations each)", with_value(BUDGETS, cfg.sr_budget),
                              key=state.seed("sr_budget", cfg.sr_budget), format_func=lambda v: f"{int(v):,}")
    lr = c3.select_slider("GD learning rate α", with_value(GD_RATES, cfg.sr_lr), key=state.seed("sr_lr", cfg.sr_lr),
                          format_func=exact, help="Both gradient-descent runs take steps θ ← θ − α g")
    metric = c4.radio("Curves show", ["loss", "accuracy"], key=state.seed("sr_metric", cfg.sr_metric))
    return data, int(budget), float(lr), metric


def run_race(cfg):
    """The cached race; while it is computed, a progress bar per method."""
    bar = st.empty()
    order = {m: i for i, m in enumerate(METHODS)}

    def progress(method, done, total):
        share = (order[method] + done / max(total, 1)) / len(METHODS)
        bar.progress(min(share, 1.0), text=f"Racing: {ff.METHOD_LABELS[method]}, {done:,} of {total:,} evaluations")

    result = fs.race(cfg, unrecorded(progress))
    bar.empty()
    return result


def samples_section(cfg, result) -> None:
    fig, names = fs.race_samples(cfg, result)
    if fig is None:  # GD's answer blew up: the loss overflows on the whole slice
        st.info(f"Gradient descent diverged at this learning rate: around its answer ({names[0]}, {names[1]}) the "
                "loss is too large for floating point everywhere, so the slice has nothing to draw. A smaller "
                "learning rate brings it back.", icon=":material/info:")
        return
    chart(fig, "sr_samples")
    st.caption(f"Every point each method evaluated, on the slice of the two entries that gradient descent moved "
               f"most ({names[0]} and {names[1]} of the P = {result.n_parameters} parameters; the colours are the "
               f"loss with every other entry held at analytic GD's answer, log scale). ▶ Play steps through the "
               f"race on a log scale of evaluations; the slider scrubs. Each frame shows what a method drew since "
               f"the last one (a genetic algorithm: its current generation; GD: its path so far) and, ringed, "
               f"its answer: the best point so far (GD: where it is).")


def final_loss(v: float) -> str:
    """A run's last loss; "diverged" where gradient descent's steps made it overflow (α too large)."""
    return f"{v:.4f}" if np.isfinite(v) else "diverged"


def race_table(result) -> pd.DataFrame:
    rows = []
    for r in result.runs:
        rows.append({"method": ff.METHOD_LABELS[r.method], "seed": r.seed, "budget": r.budget,
                     "evaluations used": int(r.evaluations[-1]),
                     "steps / draws": r.drawn,
                     "final loss": r.loss[-1], "accuracy": r.accuracy[-1], "seconds": r.seconds[-1]})
    return pd.DataFrame(rows).set_index("method")


def body():
    ctx = context(through_t=True)
    cfg = ctx.cfg
    st.header(pages.by_file(__file__).heading)
    data, budget, lr, metric = controls(cfg)
    cfg, _ = state.commit(cfg.replace(sr_data=data, sr_budget=budget, sr_lr=lr, sr_metric=metric))
    key, ikey = fc.problem_key(cfg), compute.InitSpec.of(cfg)
    result = run_race(cfg)
    C, D = result.shape
    st.latex(tex.gradient_costs(result.n_parameters, C, D))
    chart(fs.race_curves(result, metric), "sr_curves")
    steps = len(result.run("numerical_gd").loss) - 1
    n = len(fc.search_problem(key, ikey, data)[1])
    st.caption(f"{LOSS_LABELS[cfg.loss]}, λ = {cfg.reg:g}, on {PROBLEMS[data]} ({n} "
               f"examples, C = {C}), from one start (dotted: its {metric}). Each method may evaluate the loss "
               f"{budget:,} times and never more; one evaluation = the loss on the whole training set at one point. "
               f"The numerical gradient costs 2P = {2 * result.n_parameters} evaluations per step, so it takes "
               f"{steps} step{'' if steps == 1 else 's'}; the analytic one costs one, {budget:,} steps. "
               f"Seed {result.seed} for every random draw (the sidebar's seed).")
    table, numeric = too_large_as_text(race_table(result), ["final loss"],
                                        lambda v: short(v, 4) if np.isfinite(v) else "diverged")
    formats = {"final loss": final_loss, "accuracy": "{:.1%}", "seconds": "{:.3f}", "budget": "{:,}",
               "evaluations used": "{:,}", "steps / draws": "{:,}"}
    st.dataframe(table.style.format({k: f for k, f in formats.items() if k in numeric or k != "final loss"}),
                 width="stretch")
    samples_section(cfg, result)


page(body)
