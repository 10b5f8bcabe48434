"""The whole reproducible state of the dashboard: one frozen Config, every field declared once (setting), and
the URL schema derived from it. dashboard/links.py maps a Config to and from the address bar."""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

from linviz.datasets import DATASETS, DEFAULT_NOISE, split_sizes
from linviz.derivations import RULES
from linviz.information import SLIDE_P_HAT, SLIDE_TRUE_CLASS
from linviz.model import INITS
from linviz.optim import OPTIMIZERS, SCHEDULES
from linviz.planted_bugs import VARIANTS


@dataclass(frozen=True)
class Field:
    """What one Config field is: how it looks in a URL and which values it accepts, what a student calls it, the
    sidebar section that draws it (None: a page draws it, or nothing does) and whether a change of it reruns only
    the page (page_only: the sidebar shows nothing that depends on its value but its own control)."""

    kind: str  # "choice" | "int" | "float" | "bool" | "floats"
    lo: float | None = None
    hi: float | None = None
    choices: tuple = ()
    log: bool = False  # sliders on a log scale
    what: str = ""  # the setting in the user's words, e.g. "the learning rate α"
    sidebar: str | None = None  # one of SECTIONS
    page_only: bool = True


SECTIONS = ("Data", "Model", "Loss", "Optimizer")  # the sidebar's sections, in the lecture's order


def _kind(default: Any) -> str:
    for kind, types in (("bool", bool), ("int", int), ("float", float), ("floats", tuple), ("choice", str)):
        if isinstance(default, types):
            return kind
    raise TypeError(f"no URL kind for a default of type {type(default).__name__}")


def setting(default: Any, what: str, lo: float | None = None, hi: float | None = None, *, choices=(),
            log: bool = False, sidebar: str | None = None, page_only: bool = True) -> Any:
    """A Config field with its default and what it is (a Field, in the field's metadata; its kind follows from the
    default: a str is a choice, a tuple a list of floats)."""
    assert sidebar in (None, *SECTIONS), sidebar
    spec = Field(_kind(default), lo, hi, tuple(choices), log, what, sidebar, page_only)
    return field(default=default, metadata={"spec": spec})


LOSS_LABELS = {"svm": "Multiclass SVM (hinge)", "softmax": "Softmax (cross-entropy)", "ova": "One-vs-all hinge"}
OPTIMIZER_LABELS = {"sgd": "GD / SGD", "momentum": "Momentum", "nesterov": "Nesterov", "adam": "Adam",
                    "rmsprop": "RMSProp"}
SLICE_LABELS = {"pca": "PCA of the trajectory", "random": "Random (filter-normalized)",
                "params": "Two chosen parameters"}
DATASET_LABELS = {"blobs": "Gaussian blobs", "separable": "Linearly separable", "xor": "XOR",
                  "circles": "Two circles", "moons": "Two moons", "spiral": "Spiral",
                  "shapes": "Shapes 8×8 (generated images)", "digits": "Digits 8×8 (handwritten)"}
IMAGE_SETS = {"pixels": "The slide's 4 pixels", "shapes": "Shapes 8×8 (generated)",
              "digits": "Digits 8×8 (handwritten)"}
# digit subsets the Images page offers (a choice, so a link names one: ?im_digits=38); the first C digits for every
# C too: what the sidebar's digits with C classes are (see image_defaults)
FIRST_DIGITS = tuple("0123456789"[:C] for C in range(2, 11))
DIGIT_CHOICES = ("017", "38", "49", *FIRST_DIGITS)
MAX_VALUE_LENGTH = 2000  # characters: no URL value of this schema is longer (W0 for 8 classes is ~500)


@dataclass(frozen=True)
class Config:
    """The whole reproducible state: every field once, with its default and what it is (setting). The sidebar is
    redrawn (the whole app reruns) when the data set, the initialization, the custom W, the loss or the optimizer
    change: they show or hide other controls or a caption there (page_only=False). Any other change from a sidebar
    control or Step / Reset / Run reruns only the page."""

    # Data
    dataset: str = setting("blobs", "the data set", choices=DATASETS, sidebar="Data", page_only=False)
    n_points: int = setting(150, "the number of points N", 10, 1000, sidebar="Data")
    n_classes: int = setting(3, "the number of classes C", 2, 10, sidebar="Data")
    # each data set has its own default noise (see default_noise)
    noise: float = setting(DEFAULT_NOISE["blobs"], "the noise", 0.0, 3.0, sidebar="Data")
    test_fraction: float = setting(0.2, "the test fraction", 0.0, 0.5, sidebar="Data")
    seed: int = setting(0, "the seed", 0, 10_000, sidebar="Data")
    # Model
    init: str = setting("small", "the initialization", choices=(*INITS, "custom"), sidebar="Model", page_only=False)
    # row-major, C * (D + 1) values: the Classifier page edits them (Custom in the sidebar starts them)
    W0: tuple = setting((), "the custom [W | b]", -100.0, 100.0, page_only=False)
    # Loss
    loss: str = setting("softmax", "the loss", choices=("svm", "softmax", "ova"), sidebar="Loss", page_only=False)
    margin: float = setting(1.0, "the margin Δ", 0.0, 5.0, sidebar="Loss")
    reg: float = setting(0.01, "the regularization strength λ", 0.0, 10.0, sidebar="Loss")
    penalty: str = setting("l2", "the penalty R(W)", choices=("l2", "l1", "none"), sidebar="Loss")
    # Optimizer
    optimizer: str = setting("sgd", "the optimizer", choices=OPTIMIZERS, sidebar="Optimizer", page_only=False)
    lr: float = setting(0.3, "the learning rate α", 1e-4, 10.0, log=True, sidebar="Optimizer")
    batch_size: int = setting(0, "the batch size (0 = full batch)", 0, 1000, sidebar="Optimizer")
    schedule: str = setting("constant", "the learning-rate schedule", choices=SCHEDULES, sidebar="Optimizer")
    mu: float = setting(0.9, "the momentum μ", 0.0, 0.99, sidebar="Optimizer")
    steps: int = setting(200, "the training horizon", 1, 2000, sidebar="Optimizer")
    # View
    t: int = setting(0, "the step t", 0, 2000)
    point: int = setting(0, "the selected example i", 0, 999)
    score_class: int = setting(-1, "the class k whose score s_k shades the Classifier's plane (-1: none)", -1, 9)
    loss_source: str = setting("data", "where the Loss page's scores come from", choices=("data", "lecture"))
    # the lecture example's score table as edited on the Loss page, row-major by image (cat, car, frog), one score
    # a class; () = the slide's 3.2, 5.1, -1.7, ... (issue 10)
    lecture_scores: tuple = setting((), "the lecture example's scores (9 numbers)", -1000.0, 1000.0)
    # the car question's change ε (on the slider's grid of 0.05) and the image of the softmax pipeline and bounds table
    lecture_eps: float = setting(0.5, "the change ε of the car image's scores", 0.0, 3.0)
    lecture_image: int = setting(0, "the lecture example's image (0 cat, 1 car, 2 frog)", 0, 2)
    slice: str = setting("pca", "the landscape's slice", choices=SLICE_LABELS)
    param1: str = setting("W00", "the first chosen parameter")  # choices per C: "W00", "b1", ... (_dynamic_choices)
    param2: str = setting("W01", "the second chosen parameter")
    extent: float = setting(2.0, "the landscape's extent", 0.05, 100.0, log=True)
    auto_extent: bool = setting(True, "“Fit the view to the trajectory”")
    show3d: bool = setting(False, "“3-D surface”")
    log_color: bool = setting(True, "“Log colour scale”")
    # too small, good, too large, divergent
    lrs: tuple = setting((0.003, 0.5, 12.0, 120.0), "the learning rates compared", 1e-5, 1000.0)
    # Gradients (issue 11). A page clips what depends on the problem: ng_dims <= P, ng_coord < P, dv_j < D
    ng_view: str = setting("walkthrough", "the Numerical gradient tab",
                           choices=("walkthrough", "limit", "error", "slide"))
    ng_h: float = setting(1e-4, "the step h", 1e-12, 1.0, log=True)  # the slide's h
    ng_method: str = setting("forward", "the difference (forward or centered)",  # the slide's definition
                             choices=("forward", "centered"))
    # probed so far (P = C (D + 1): at most 10 x 3 for 2-D points, 10 x 65 for 8x8 images)
    ng_dims: int = setting(0, "the dimensions probed", 0, 650)
    ng_coord: int = setting(0, "the coordinate of the limit", 0, 649)  # of the limit and the error-against-h plots
    ng_slide: int = setting(0, "the slide's step", 0, 3)  # steps of the slide's own walkthrough shown
    gc_h: float = setting(1e-5, "the gradient check's step h", 1e-12, 1.0, log=True)
    gc_method: str = setting("centered", "the gradient check's difference", choices=("centered", "forward"))
    gc_bug: str = setting("correct", "the planted bug", choices=VARIANTS)  # (or the correct gradient)
    dv_rule: str = setting("least_squares", "the update rule", choices=RULES)  # least squares or the sigmoid unit
    dv_dims: int = setting(1, "the input dimension", 1, 2)  # 1-D or 2-D inputs
    dv_j: int = setting(0, "the weight w_j derived", 0, 2)  # whose derivation is typeset (the last: the intercept)
    dv_alpha: float = setting(0.005, "the rule's learning rate α", 1e-4, 1.0, log=True)
    dv_steps: int = setting(0, "the rule's steps", 0, 2000)  # steps of the rule taken from w = 0
    # w and x of the lecture's -log(1 / (1 + e^(-w.x)))
    cg_w1: float = setting(0.5, "w₁", -5.0, 5.0)
    cg_w2: float = setting(-1.0, "w₂", -5.0, 5.0)
    cg_x1: float = setting(1.5, "x₁", -5.0, 5.0)
    cg_x2: float = setting(2.0, "x₂", -5.0, 5.0)
    cg_step: int = setting(0, "the graph's step", 0, 26)  # the graph's stepper: 13 nodes forward, then 13 backward
    # Finding W (issue 12): the Search, Optimizers and Mini-batch pages
    sr_data: str = setting("points", "the Search page's problem", choices=("points", "shapes"))
    sr_budget: int = setting(1000, "the evaluation budget", 20, 5000)
    sr_lr: float = setting(0.3, "the search race's gradient-descent α", 1e-3, 10.0, log=True)
    sr_metric: str = setting("loss", "the Search page's curves", choices=("loss", "accuracy"))
    op_view: str = setting("slice", "the Optimizers tab", choices=("slice", "schedules", "convexity"))
    op_focus: str = setting("sgd", "the optimizer whose arrows are drawn", choices=OPTIMIZERS)
    op_sgd_lr: float = setting(0.3, "GD's α", 1e-4, 10.0, log=True)
    op_momentum_lr: float = setting(0.1, "momentum's α", 1e-4, 10.0, log=True)
    op_momentum_mu: float = setting(0.9, "momentum's μ", 0.0, 0.99)
    op_nesterov_lr: float = setting(0.1, "Nesterov's α", 1e-4, 10.0, log=True)
    op_nesterov_mu: float = setting(0.9, "Nesterov's μ", 0.0, 0.99)
    op_adam_lr: float = setting(0.05, "Adam's α", 1e-4, 10.0, log=True)
    op_adam_beta1: float = setting(0.9, "Adam's β₁", 0.0, 0.999)
    op_adam_beta2: float = setting(0.999, "Adam's β₂", 0.0, 0.9999)
    op_rmsprop_lr: float = setting(0.02, "RMSProp's α", 1e-4, 10.0, log=True)
    op_rmsprop_rho: float = setting(0.9, "RMSProp's ρ", 0.0, 0.999)
    op_sched_lr: float = setting(0.5, "the schedules' α₀", 1e-3, 10.0, log=True)
    op_sched_batch: int = setting(8, "the schedules' batch size", 1, 1000)
    op_sched_steps: int = setting(500, "the schedules' steps", 50, 2000)
    op_decay: str = setting("inverse_time", "the decaying schedule", choices=("inverse_time", "exponential", "step"))
    mb_sizes: tuple = setting((1.0, 4.0, 16.0, 64.0), "the batch sizes M compared", 1.0, 1000.0)
    mb_draws: int = setting(200, "the draws per batch size", 10, 1000)
    mb_m: int = setting(16, "the batch size M of the formula", 1, 1000)
    # Likelihood & KL and Regularization (issue 10): the slide's 8-class example, the penalty's paths
    kl_class: int = setting(SLIDE_TRUE_CLASS, "the true class of p*", 0, 7)  # 0-based: the slide's 4th row is 3
    kl_p_hat: tuple = setting(SLIDE_P_HAT, "the prediction p̂ (8 probabilities)", 0.0, 1.0)  # kept normalized
    rg_penalty: str = setting("l2", "the penalty of the weight paths", choices=("l2", "l1"))
    rg_reg: float = setting(0.1, "the Regularization page's λ", 1e-3, 10.0, log=True)
    rg_at: str = setting("end", "the W the penalty's line goes through", choices=("end", "t"))
    # Images (issue 13): the Images page's data, selection and slice (its training follows the sidebar)
    im_data: str = setting("digits", "the image data set", choices=IMAGE_SETS)
    im_digits: str = setting("017", "the digits (their labels, in order)", choices=DIGIT_CHOICES)
    im_shapes: int = setting(4, "the number of shape classes", 2, 6)
    im_test: float = setting(0.25, "the images' test fraction", 0.1, 0.5)
    im_image: int = setting(0, "the selected test image", 0, 999)
    im_class: int = setting(0, "the class whose contribution map is shown", 0, 9)
    im_plane: str = setting("means", "the slice of image space", choices=("means", "pca"))
    im_a: int = setting(0, "the plane's first class", 0, 9)
    im_b: int = setting(1, "the plane's second class", 0, 9)

    def replace(self, **changes) -> Config:
        return replace(self, **changes)

    @property
    def optimizer_options(self) -> dict:
        return {"mu": self.mu} if self.optimizer in ("momentum", "nesterov") else {}

    @property
    def n_train(self) -> int:
        """Examples in the training set (the selected example i indexes them)."""
        return split_sizes(self.n_points, self.test_fraction)[0]


DEFAULT = Config()
SCHEMA: dict[str, Field] = {f.name: f.metadata["spec"] for f in fields(Config)}  # in declaration order
SIDEBAR: dict[str, tuple[str, ...]] = {section: tuple(name for name, spec in SCHEMA.items() if spec.sidebar == section)
                                       for section in SECTIONS}  # the fields each section of the sidebar holds


def default_noise(dataset: str) -> float:
    """The noise a data set starts with (a link without `noise` means this one)."""
    return DEFAULT_NOISE[dataset]


def image_defaults(dataset: str, n_classes: int) -> dict[str, Any]:
    """The Images page's data (im_data, im_digits, im_shapes) when nothing chose it there: the sidebar's image set
    with its C classes (digits: the first C digits, as the sidebar draws them), else the page's own 0 / 1 / 7. A
    link without these fields means these values (as one without `noise` means its data set's own noise)."""
    out = {"im_data": DEFAULT.im_data, "im_digits": DEFAULT.im_digits, "im_shapes": DEFAULT.im_shapes}
    if dataset == "digits" and 2 <= n_classes <= 10:
        out.update(im_data="digits", im_digits=FIRST_DIGITS[n_classes - 2])
    elif dataset == "shapes" and SCHEMA["im_shapes"].lo <= n_classes <= SCHEMA["im_shapes"].hi:
        out.update(im_data="shapes", im_shapes=n_classes)
    return out


def param_names(n_classes: int, n_features: int = 2) -> tuple[str, ...]:
    """Names of the entries of W and b: W00 .. W{C-1}{D-1}, b0 .. b{C-1}; with more than 10 features (an image's
    pixels) W{k}_{d}, so that the pixel d has more than one digit: W0_27."""
    sep = "" if n_features <= 10 else "_"
    return tuple(f"W{k}{sep}{d}" for k in range(n_classes) for d in range(n_features)) + tuple(
        f"b{k}" for k in range(n_classes))


def default_params(n_features: int) -> tuple[str, str]:
    """The two parameters a "Two chosen parameters" slice starts with: W00, W01; for images two weights of class 0
    on pixels near the centre (a corner pixel of a digit is always 0, and its weight does not change the loss)."""
    if n_features <= 10:
        return "W00", "W01"
    centre = n_features // 2 + int(round(n_features ** 0.5)) // 2  # the pixel right of the centre (8x8: 36)
    return f"W0_{centre - 1}", f"W0_{centre}"


def param_index(name: str) -> tuple:
    """'W12' -> ('W', 1, 2); 'W3_27' -> ('W', 3, 27); 'b0' -> ('b', 0): the form
    linviz.landscape.parameter_directions takes."""
    if name.startswith("W") and "_" in name:  # W{k}_{d}: many features (an image's pixels)
        k, d = name[1:].split("_")
        return ("W", int(k), int(d))
    if name.startswith("W"):  # W{k}{d}: one digit d (D = 2), the class k before it (0 ... 9)
        return ("W", int(name[1:-1]), int(name[-1]))
    return ("b", int(name[1:]))
