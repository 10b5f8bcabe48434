"""The shared sidebar, in the lecture's order: Data -> Model -> Loss -> Optimizer.

Every widget is keyed by its Config field; `sidebar(cfg)` draws them and returns the new Config.
"""
from __future__ import annotations

import math

import streamlit as st

from dashboard import state
from dashboard.config import LOSS_LABELS, OPTIMIZER_LABELS, SCHEMA, Config, validate
from linviz.datasets import CLASS_RANGE, DATASETS

DATASET_LABELS = {"blobs": "Gaussian blobs", "separable": "Linearly separable", "xor": "XOR",
                  "circles": "Two circles", "moons": "Two moons", "spiral": "Spiral"}
INIT_LABELS = {"small": "Small random (σ = 0.01)", "zeros": "Zeros", "xavier": "Xavier (σ = 1/√D)",
               "custom": "Custom (edit W on the Classifier page)"}
SCHEDULE_LABELS = {"constant": "Constant", "step": "Step decay (×0.5 every 100)",
                   "inverse_time": "1/t decay", "exponential": "Exponential (×0.99 per step)"}
LR_OPTIONS = sorted({float(f"{10 ** (k / 12):.2g}") for k in range(-48, 13)})  # 1e-4 ... 10, log-spaced
REG_OPTIONS = [0.0, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]
BATCH_OPTIONS = [0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
HORIZON_OPTIONS = [20, 50, 100, 200, 300, 500, 1000, 2000]


def with_value(options: list, value) -> list:
    """The options plus `value` (from a link), so any valid value can be shown exactly."""
    return options if value in options else sorted([*options, value])


def _fmt_number(v: float) -> str:
    if v == 0:
        return "0"
    return f"{v:.0e}".replace("e-0", "e-").replace("e+0", "e") if abs(math.log10(abs(v))) >= 3 else f"{v:g}"


def _batch_label(v: int) -> str:
    return "full batch" if v == 0 else str(v)


# The Config fields the sidebar draws. A change of one of PAGE_ONLY, which changes nothing else the sidebar shows,
# reruns only the page (state.rerun_page); the others (the data set, the loss and the optimizer show or hide
# controls, the initialization a caption) rerun the whole app.
SIDEBAR = ("dataset", "n_classes", "n_points", "noise", "test_fraction", "seed", "init", "W0", "loss", "margin", "reg",
           "penalty", "optimizer", "lr", "mu", "batch_size", "schedule", "steps")
PAGE_ONLY = frozenset({"n_classes", "n_points", "noise", "test_fraction", "seed", "margin", "reg", "penalty", "lr",
                       "mu", "batch_size", "schedule", "steps"})


def _validated(wanted: Config) -> tuple[Config, list[str], list[str]]:
    """validate(wanted), plus the sidebar fields it repaired."""
    cfg, messages = validate(wanted)
    return cfg, messages, [f for f in SIDEBAR if getattr(cfg, f) != getattr(wanted, f)]


def page_only(name: str):
    """on_change of the sidebar control of Config field `name`: store the new Config and rerun just the page,
    unless validate() would repair a field the sidebar shows or warn (then the whole app reruns and the sidebar
    shows the repair, as for any other control)."""

    def changed():
        cfg, messages, repaired = _validated(state.load().replace(**{name: state.widget(name)}))
        if not messages and not repaired:
            state.store(cfg)
            state.rerun_page()

    return changed


def repair_widgets(cfg: Config) -> list[str]:
    """Before the sidebar is drawn: validate the Config its widgets hold and put each repaired value into its
    widget, so the sidebar shows the values in use (a custom W of the wrong size falls back to small random
    values: the initialization control then says so). Returns the repair messages (shown once)."""
    held = {f: state.widget(f) for f in SIDEBAR if f != "W0" and state.widget(f) is not None}
    fixed, messages, repaired = _validated(cfg.replace(**held))
    for name in set(repaired) & set(held):
        state.set_widget(name, getattr(fixed, name))
    return messages


def bind(name: str, value=None) -> dict:
    """key (seeded with value unless the widget holds one) and, for a PAGE_ONLY field, on_change."""
    key = state.seed(name, value) if value is not None else name
    return {"key": key, "on_change": page_only(name)} if name in PAGE_ONLY else {"key": key}


def step_to(t: int) -> None:
    """Show step t, growing the training horizon when t passes it (callbacks only). Only the page reruns, unless a
    drawn widget shows a changed value (the horizon, the Training page's scrubber): see state.update."""
    cfg = state.load()
    t = max(0, min(int(t), SCHEMA["steps"].hi))
    changes = {"t": t}
    if t > cfg.steps:
        changes["steps"] = next(h for h in HORIZON_OPTIONS if h >= t)
    if not state.update(**changes):  # no drawn widget (the horizon, the Training page's scrubber) took a value
        state.rerun_page()


def step_controls(cfg: Config, where=st) -> None:
    """Step / Run N / Reset, shared by every page."""
    c1, c2 = where.columns(2)
    c1.button("Step", key="step", help="One gradient-descent step: W ← W − α ∇L", icon=":material/skip_next:",
              on_click=lambda: step_to(state.load().t + 1), width="stretch")
    c2.button("Reset", key="reset", help="Back to the initial parameters (step 0)", icon=":material/replay:",
              on_click=lambda: step_to(0), width="stretch")
    n = int(state.widget("run_n", 10))
    where.button(f"Run {n} steps", key="run", help="Take N more steps (set N below)", icon=":material/fast_forward:",
                 on_click=lambda: step_to(state.load().t + int(state.widget("run_n", 10))), width="stretch")


def sidebar(cfg: Config) -> Config:
    sb = st.sidebar
    v = {}
    with sb.expander("**1 · Data**", expanded=False):
        v["dataset"] = st.selectbox("Data set", list(DATASETS), key=state.seed("dataset", cfg.dataset),
                                    format_func=DATASET_LABELS.get, help="Toy 2-D data sets (x₁, x₂)")
        lo, hi = CLASS_RANGE[v["dataset"]]
        if lo == hi:
            st.caption(f"{DATASET_LABELS[v['dataset']]} has exactly {lo} classes.")
            v["n_classes"] = lo
        else:
            state.seed("n_classes", min(max(cfg.n_classes, lo), hi))
            if not lo <= state.widget("n_classes") <= hi:
                state.set_widget("n_classes", min(max(state.widget("n_classes"), lo), hi))
            v["n_classes"] = st.slider("Classes C", lo, hi, **bind("n_classes"), help="Number of classes C")
        v["n_points"] = st.slider("Points N", 10, 1000, step=10, **bind("n_points", cfg.n_points),
                                  help="Number of examples (train + test)")
        v["noise"] = st.slider("Noise", 0.0, 3.0, step=0.05, **bind("noise", cfg.noise),
                               help="Standard deviation of the Gaussian jitter")
        v["test_fraction"] = st.slider("Test fraction", 0.0, 0.5, step=0.05,
                                       **bind("test_fraction", cfg.test_fraction),
                                       help="Share of the points held out as a test set (hollow markers)")
        v["seed"] = st.number_input("Seed", 0, 10_000, step=1, **bind("seed", cfg.seed),
                                    help="Seeds the data, the split, the initialization and the mini-batches")
    with sb.expander("**2 · Model** f(x) = Wx + b", expanded=False):
        v["init"] = st.selectbox("Initialization", list(INIT_LABELS), key=state.seed("init", cfg.init),
                                 format_func=INIT_LABELS.get, help="Initial W and b (b starts at 0)")
        if v["init"] == "custom" and not cfg.W0:
            st.caption("Edit the table of W and b on the Classifier page.")
    with sb.expander("**3 · Loss**", expanded=True):
        v["loss"] = st.radio("Loss", list(LOSS_LABELS), key=state.seed("loss", cfg.loss),
                             format_func=LOSS_LABELS.get, help="The objective gradient descent minimizes")
        if v["loss"] != "softmax":
            v["margin"] = st.slider("Margin Δ", 0.0, 5.0, step=0.1, **bind("margin", cfg.margin),
                                    help="max(0, s_j − s_y + Δ): how far the true class must win by")
        v["reg"] = st.select_slider("Regularization λ", with_value(REG_OPTIONS, cfg.reg),
                                    **bind("reg", cfg.reg),
                                    format_func=_fmt_number, help="L = mean data loss + λ R(W); R acts on W, not b")
        v["penalty"] = st.radio("Penalty R(W)", ["l2", "l1", "none"], **bind("penalty", cfg.penalty),
                                horizontal=True, format_func={"l2": "L2", "l1": "L1", "none": "none"}.get,
                                help="L2: R(W) = ΣW², L1: R(W) = Σ|W|")
    with sb.expander("**4 · Optimizer**", expanded=True):
        v["optimizer"] = st.selectbox("Optimizer", list(OPTIMIZER_LABELS), key=state.seed("optimizer", cfg.optimizer),
                                      format_func=OPTIMIZER_LABELS.get)
        v["lr"] = st.select_slider("Learning rate α", with_value(LR_OPTIONS, cfg.lr), **bind("lr", cfg.lr),
                                   format_func=_fmt_number, help="Step size, on a log scale from 1e-4 to 10")
        if v["optimizer"] in ("momentum", "nesterov"):
            v["mu"] = st.slider("Momentum μ", 0.0, 0.99, step=0.01, **bind("mu", cfg.mu))
        v["batch_size"] = st.select_slider("Batch size", with_value(BATCH_OPTIONS, cfg.batch_size),
                                           **bind("batch_size", cfg.batch_size), format_func=_batch_label,
                                           help="Examples per gradient step; full batch = gradient descent")
        v["schedule"] = st.selectbox("Schedule", list(SCHEDULE_LABELS), **bind("schedule", cfg.schedule),
                                     format_func=SCHEDULE_LABELS.get, help="How α changes with the step t")
        v["steps"] = st.select_slider("Training horizon (steps)", with_value(HORIZON_OPTIONS, cfg.steps),
                                      **bind("steps", cfg.steps),
                                      help="Steps computed ahead; Step and Run extend it when needed")
        step_controls(cfg)
        st.number_input("N for Run N", 1, 500, step=1, key=state.seed("run_n", 10))
    return cfg.replace(**v)
