"""The shared sidebar, in the lecture's order: Step / Reset / Run, then Data -> Model -> Loss -> Optimizer.

Every widget is keyed by its Config field; `sidebar(cfg)` draws them and returns the new Config. A change goes
through `changed(name)`: what a menu choice implies for the other settings (follow) happens without a
word, and the widgets it moves show their new value.
"""
from __future__ import annotations

from dataclasses import fields

import streamlit as st

from dashboard import state
from dashboard.config import (
    DATASET_LABELS,
    DEFAULT,
    LOSS_LABELS,
    OPTIMIZER_LABELS,
    SCHEMA,
    Config,
    default_noise,
    default_params,
    image_defaults,
    param_names,
)
from dashboard.figures.format import exact
from dashboard.links import validate
from linviz.datasets import CLASS_RANGE, DATASETS, dataset_info
from linviz.model import init_params

INIT_LABELS = {"small": "Small random (σ = 0.01)", "zeros": "Zeros", "xavier": "Xavier (σ = 1/√D)",
               "custom": "Custom (edit W on the Classifier page)"}
SCHEDULE_LABELS = {"constant": "Constant", "step": "Step decay (×0.5 every 100)",
                   "inverse_time": "1/t decay", "exponential": "Exponential (×0.99 per step)"}
# 1e-4 ... 10, twelve log-spaced steps per decade rounded to two digits (1, 1.2, 1.5, 1.8, 2.2, 2.6, 3, 3.8, ...),
# with 3 in place of 10^(6/12) = 3.16 so that the default α = 0.3 is one of them
LR_OPTIONS = sorted({float(f"{10 ** (k / 12) if k % 12 != 6 else 3 * 10 ** (k // 12):.2g}") for k in range(-48, 13)})
REG_OPTIONS = [0.0, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]
BATCH_OPTIONS = [0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
HORIZON_OPTIONS = [20, 50, 100, 200, 300, 500, 1000, 2000]
# Letters: Streamlit reserves C and R, a key typed into a text field stays text, and a digit would also start
# editing a selected cell of the W table; arrows and Home move a focused slider.
SHORTCUTS = {"step": "S", "reset": "Z", "run": "N"}


def with_value(options: list, value) -> list:
    """The options plus `value` (from a link), so any valid value can be shown exactly."""
    return options if value in options else sorted([*options, value])


def span(name: str) -> tuple:
    """(lo, hi) of Config field `name`: a control accepts exactly what a link may say."""
    return SCHEMA[name].lo, SCHEMA[name].hi


def _batch_label(v: int) -> str:
    return "full batch" if v == 0 else str(v)


def follow(old: Config, new: Config) -> Config:
    """What a menu choice (old -> new) implies for the other settings, without a word: a menu choice is never an
    error. A new data set brings its class range and, unless the noise was set by hand (it differs from the old
    data set's default), its own noise; a new image set or C brings the Images page's data (config.image_defaults)
    unless that was chosen on the page; a custom W follows the number of classes (the rows of the classes that
    remain are kept, new classes start small); the step t stays within the horizon."""
    if new.dataset != old.dataset:
        lo, hi = CLASS_RANGE[new.dataset]
        was_fixed = CLASS_RANGE[old.dataset][0] == CLASS_RANGE[old.dataset][1]  # (XOR has 2: nobody chose that C)
        new = new.replace(n_classes=min(max(DEFAULT.n_classes if was_fixed else new.n_classes, lo), hi))
        if old.noise == default_noise(old.dataset):
            new = new.replace(noise=default_noise(new.dataset))
        info = dataset_info(new.dataset)
        names = param_names(new.n_classes, info.n_features)  # (an image's W names its pixels: W0_27)
        if new.param1 not in names or new.param2 not in names:
            new = new.replace(**dict(zip(("param1", "param2"), default_params(info.n_features))))
        if info.n_features != 2 and new.init == "custom":  # (a custom [W | b] is C x 3: for 2-D points only)
            new = new.replace(init="small")
        new = new.replace(n_points=min(new.n_points, info.most(new.n_classes)))
    new = new.replace(n_points=max(new.n_points, 2 * new.n_classes), t=min(new.t, new.steps))
    was = image_defaults(old.dataset, old.n_classes)  # the Images page's data follows the sidebar's images ...
    new = new.replace(**{name: value for name, value in image_defaults(new.dataset, new.n_classes).items()
                         if getattr(new, name) == was[name]})  # ... unless it was chosen there
    if new.init != "custom":
        return new.replace(W0=())
    rows = len(new.W0) // 3
    if new.W0 and len(new.W0) != 3 * new.n_classes:
        W, b = init_params(new.n_classes, 2, method="small", seed=new.seed)
        Wb = [[*W[k], b[k]] if k >= rows else list(new.W0[3 * k:3 * k + 3]) for k in range(new.n_classes)]
        new = new.replace(W0=tuple(float(v) for row in Wb for v in row))
    return new


def current_Wb(cfg: Config) -> tuple[float, ...]:
    """The parameters shown at step t, as a custom [W | b] (row-major)."""
    from dashboard import scenes  # here: the engine is only needed when Custom is chosen

    ctx = scenes.load(cfg, through_t=True)
    return tuple(float(v) for k in range(cfg.n_classes) for v in (*ctx.W[k], ctx.b[k]))


def changed(name: str):
    """on_change of the sidebar control of Config field `name`. The new Config is what the menu implies
    (follow; choosing Custom starts the custom W from the parameters shown, at step 0, so the view does not
    jump), validated; a note (the selected example left the training set) is shown once; then apply."""

    def callback():
        old = state.load()
        value = state.widget(name)
        new = old.replace(**{name: value})
        if name == "init" and value == "custom" and len(old.W0) != 3 * old.n_classes:
            Wb, lo, hi = current_Wb(old), SCHEMA["W0"].lo, SCHEMA["W0"].hi
            if not all(lo <= v <= hi for v in Wb):
                state.flash(f"Entries of the custom W and b are numbers from {lo:g} to {hi:g}: the larger ones "
                            "shown at this step were clipped to that range.", kind="note")
            new = new.replace(W0=tuple(min(max(v, lo), hi) for v in Wb), t=0)
        # the example the user chose, while a smaller training set clips it: (chosen, shown). A later change starts
        # from the chosen one (so the note names it, and a larger N brings it back), unless another was chosen since
        chosen, shown = state.remember(_CHOSEN_POINT) or (None, None)
        if name != "point" and chosen is not None and old.point == shown:
            new = new.replace(point=chosen)
        cfg, notes = validate(follow(old, new))
        state.remember(_CHOSEN_POINT, (new.point, cfg.point) if cfg.point != new.point else (None, None))
        for note in notes:
            state.flash(note, kind="note")
        apply({f.name: getattr(cfg, f.name) for f in fields(Config)
               if f.name == name or getattr(cfg, f.name) != getattr(old, f.name)})

    return callback


_CHOSEN_POINT = "_chosen_point"


def apply(changes: dict) -> None:
    """Store the changes a sidebar control or Step / Reset / Run made (callbacks only). When every changed field is
    page_only (config.SCHEMA) and no drawn widget has to show a new value (the horizon, the Training page's
    scrubber: see state.update), only the page reruns: the sidebar is neither run nor sent again."""
    moved = state.update(**changes)
    if not moved and all(SCHEMA[name].page_only for name in changes):
        state.rerun_page()


def bind(name: str, value=None) -> dict:
    """key (seeded with value unless the widget holds one) and on_change (see changed)."""
    key = state.seed(name, value) if value is not None else name
    return {"key": key, "on_change": changed(name)}


def step_to(t: int) -> None:
    """Show step t, growing the training horizon when t passes it (callbacks only; then apply)."""
    cfg = state.load()
    last = SCHEMA["steps"].hi
    if t > last:
        state.flash(f"Step t = {last} is the last one: the longest training horizon is {last} steps."
                    + (f" Showing t = {last}." if cfg.t < last else ""), kind="note")
    t = max(0, min(int(t), last))
    changes = {"t": t}
    if t > cfg.steps:
        changes["steps"] = next(h for h in HORIZON_OPTIONS if h >= t)
    apply(changes)


def step_controls(where=st) -> None:
    """Step / Reset / Run N, at the top of the sidebar of every page, each with a keyboard shortcut."""
    c1, c2 = where.columns(2)
    c1.button("Step", key="step", icon=":material/skip_next:", shortcut=SHORTCUTS["step"], width="stretch",
              help=f"One gradient-descent step: W ← W − α ∇L. Shortcut: {SHORTCUTS['step']}",
              on_click=lambda: step_to(state.load().t + 1))
    c2.button("Reset", key="reset", icon=":material/replay:", shortcut=SHORTCUTS["reset"], width="stretch",
              help=f"Back to the initial parameters (step 0). Shortcut: {SHORTCUTS['reset']}",
              on_click=lambda: step_to(0))
    n = int(state.widget("run_n", 10))
    c3, c4 = where.columns([0.62, 0.38], vertical_alignment="bottom")
    c3.button(f"Run {n}", key="run", icon=":material/fast_forward:", shortcut=SHORTCUTS["run"], width="stretch",
              help=f"Take N more steps (N is set beside this button). Shortcut: {SHORTCUTS['run']}",
              on_click=lambda: step_to(state.load().t + int(state.widget("run_n", 10))))
    c4.number_input("N for Run N", 1, 500, step=1, **state.number_field("run_n", 10, "N for Run N", 1, 500),
                    label_visibility="collapsed",
                    help="How many steps Run takes")


def _image_note(dataset: str, n_classes: int) -> str:
    """What the Data section says instead of a noise control for an image set."""
    info = dataset_info(dataset)
    names = ", ".join(info.names(n_classes))
    if dataset == "digits":
        return (f"Handwritten digits {names} (C = {n_classes}: the first C digits), {info.most(n_classes)} images "
                "in all; N draws that many of them. Real images: no noise is added.")
    return f"Generated shapes: {names}. They are drawn with their own pixel noise (σ = {info.default_noise:g})."


def _classes_control(v: dict, cfg: Config) -> None:
    lo, hi = CLASS_RANGE[v["dataset"]]
    if lo == hi:
        st.caption(f"{DATASET_LABELS[v['dataset']]} has exactly {lo} classes.")
        v["n_classes"] = lo
        return
    state.seed("n_classes", min(max(cfg.n_classes, lo), hi))
    if not lo <= state.widget("n_classes") <= hi:
        state.set_widget("n_classes", min(max(state.widget("n_classes"), lo), hi))
    v["n_classes"] = st.slider("Classes C", lo, hi, **bind("n_classes"), help="Number of classes C")


def sidebar(cfg: Config) -> Config:
    sb = st.sidebar
    v = {}
    with sb.container(key="step_controls"):
        step_controls()
    with sb.expander("**1 · Data**", expanded=False):
        v["dataset"] = st.selectbox("Data set", list(DATASETS), **bind("dataset", cfg.dataset),
                                    format_func=DATASET_LABELS.get,
                                    help="Toy 2-D data sets (x₁, x₂), or 8×8 images (64 pixels each)")
        _classes_control(v, cfg)
        v["n_points"] = st.slider("Points N", *span("n_points"), step=10, **bind("n_points", cfg.n_points),
                                  help="Number of examples (train + test)")
        info = dataset_info(v["dataset"])
        if info.noise_applies:
            v["noise"] = st.slider("Noise", *span("noise"), step=0.05, **bind("noise", cfg.noise),
                                   help="Standard deviation of the Gaussian jitter; each data set starts with the "
                                        "largest noise at which its shape is still plain to see")
        else:
            st.caption(_image_note(v["dataset"], v["n_classes"]))
        v["test_fraction"] = st.slider("Test fraction", *span("test_fraction"), step=0.05,
                                       **bind("test_fraction", cfg.test_fraction),
                                       help="Share of the points held out as a test set (hollow markers)")
        v["seed"] = st.number_input("Seed", *span("seed"), step=1,
                                    **state.number_field("seed", cfg.seed, "Seed", *span("seed"), changed("seed")),
                                    help="Seeds the data, the split, the initialization and the mini-batches")
    with sb.expander("**2 · Model** f(x) = Wx + b", expanded=False):
        inits = list(INIT_LABELS) if info.n_features == 2 else [k for k in INIT_LABELS if k != "custom"]
        v["init"] = st.selectbox("Initialization", inits, **bind("init", cfg.init),
                                 format_func=INIT_LABELS.get, help="Initial W and b (b starts at 0). Custom starts "
                                 "from the parameters shown, as step 0; edit them on the Classifier page")
        if v["init"] == "custom":
            st.caption(f"Custom [W | b] for {cfg.n_classes} classes: edit it on the Classifier page.")
    with sb.expander("**3 · Loss**", expanded=True):
        v["loss"] = st.radio("Loss", list(LOSS_LABELS), **bind("loss", cfg.loss),
                             format_func=LOSS_LABELS.get, help="The objective gradient descent minimizes")
        if v["loss"] != "softmax":
            v["margin"] = st.slider("Margin Δ", *span("margin"), step=0.1, **bind("margin", cfg.margin),
                                    help="max(0, s_j − s_y + Δ): how far the true class must win by")
        v["reg"] = st.select_slider("Regularization λ", with_value(REG_OPTIONS, cfg.reg), **bind("reg", cfg.reg),
                                    format_func=exact, help="L = mean data loss + λ R(W); R acts on W, not b")
        v["penalty"] = st.radio("Penalty R(W)", ["l2", "l1", "none"], **bind("penalty", cfg.penalty),
                                horizontal=True, format_func={"l2": "L2", "l1": "L1", "none": "none"}.get,
                                help="L2: R(W) = ΣW², L1: R(W) = Σ|W|")
    with sb.expander("**4 · Optimizer**", expanded=True):
        v["optimizer"] = st.selectbox("Optimizer", list(OPTIMIZER_LABELS), **bind("optimizer", cfg.optimizer),
                                      format_func=OPTIMIZER_LABELS.get)
        v["lr"] = st.select_slider("Learning rate α", with_value(LR_OPTIONS, cfg.lr), **bind("lr", cfg.lr),
                                   format_func=exact, help="Step size, on a log scale from 0.0001 to 10")
        if v["optimizer"] in ("momentum", "nesterov"):
            v["mu"] = st.slider("Momentum μ", *span("mu"), step=0.01, **bind("mu", cfg.mu))
        v["batch_size"] = st.select_slider("Batch size", with_value(BATCH_OPTIONS, cfg.batch_size),
                                           **bind("batch_size", cfg.batch_size), format_func=_batch_label,
                                           help="Examples per gradient step; full batch = gradient descent")
        v["schedule"] = st.selectbox("Schedule", list(SCHEDULE_LABELS), **bind("schedule", cfg.schedule),
                                     format_func=SCHEDULE_LABELS.get, help="How α changes with the step t")
        v["steps"] = st.select_slider("Training horizon (steps)", with_value(HORIZON_OPTIONS, cfg.steps),
                                      **bind("steps", cfg.steps),
                                      help="Steps computed ahead; Step and Run extend it when needed")
    return cfg.replace(**v)

