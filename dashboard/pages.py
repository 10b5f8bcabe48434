"""The page registry: every page of the dashboard, once, in the page menu's order (the first opens at "/").

app.py builds the navigation from it, `python -m dashboard.export` the figures it writes, the app tests, the
browser tests and benchmarks/bench_browser.py their lists of pages. A new page is an entry here, its file in
dashboard/app_pages/, its figures module and its tests. No Streamlit here: the tests read this without an app.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

FOLDER = Path(__file__).parent / "app_pages"  # not "pages/": that name turns on Streamlit's legacy multipage mode
SCENES = "dashboard.scenes"  # the module of a scene function named without one


@dataclass(frozen=True)
class Page:
    title: str  # in the page menu
    icon: str  # a Material icon, ":material/name:"
    file: str  # its script in FOLDER; the file's name is the page's URL path (learning_rates.py -> /learning_rates)
    heading: str  # the header the page draws first
    charts: int  # the Plotly charts it draws at the defaults
    exports: tuple[str, ...] = ()  # names of the figures the export command writes for it
    scene: str = ""  # the function that computes them, "module:function" or a function of SCENES:
    #                  (scenes.Context) -> {name: go.Figure}

    @property
    def name(self) -> str:
        return Path(self.file).stem

    @property
    def script(self) -> Path:
        return FOLDER / self.file

    @property
    def url(self) -> str:
        """The page's address after the host: "/" for the first page, else "/" + its name."""
        return "/" if self is PAGES[0] else f"/{self.name}"

    def figures(self) -> Callable:
        """The scene function that computes the exported figures (imported on demand: it needs plotly)."""
        module, _, name = self.scene.rpartition(":")
        return getattr(importlib.import_module(module or SCENES), name)


PAGES: tuple[Page, ...] = (
    Page("Classifier", ":material/scatter_plot:", "classifier.py",
         "Classifier · three viewpoints of f(x) = Wx + b", charts=1,
         exports=("classifier", "templates", "classifier_views"), scene="classifier_figures"),
    Page("Loss", ":material/functions:", "loss.py", "Loss · how wrong is the classifier?", charts=1,  # the shapes
         exports=("loss_shapes", "lecture_shapes"), scene="dashboard.lecture_scenes:loss_figures"),
    Page("Likelihood & KL", ":material/percent:", "likelihood.py",
         "Likelihood & KL · cross-entropy as maximum likelihood", charts=1, exports=("kl",),
         scene="dashboard.lecture_scenes:likelihood_figures"),
    Page("Regularization", ":material/compress:", "regularization.py",
         "Regularization · data loss and penalty, drawn apart", charts=2,
         exports=("penalty_lines", "weight_paths"), scene="dashboard.lecture_scenes:regularization_figures"),
    Page("Training", ":material/play_circle:", "training.py", "Training · gradient descent, step by step", charts=2,
         exports=("training_animation", "loss_curves"), scene="training_figures"),
    Page("Landscape", ":material/landscape:", "landscape.py", "Loss landscape · where gradient descent walks",
         charts=1, exports=("landscape_pair", "landscape_3d"), scene="landscape_figures"),
    Page("Learning rates", ":material/tune:", "learning_rates.py", "Learning rates · why the step size matters",
         charts=2, exports=("lr_landscape", "lr_curves"), scene="dashboard.learning_rate_scene:learning_rate_figures"),
    Page("Numerical gradient", ":material/straighten:", "numerical_gradient.py",
         "Numerical gradient · one dimension at a time", charts=1,
         exports=("ng_walkthrough", "ng_limit", "ng_error"),
         scene="dashboard.lecture_scenes:numerical_gradient_figures"),
    Page("Gradient check", ":material/rule:", "gradient_check.py", "Gradient check · analytic against numerical",
         charts=1, exports=("gradient_check",), scene="dashboard.lecture_scenes:gradient_check_figures"),
    Page("Derivations", ":material/edit_note:", "derivations.py", "Derivations · the update rule, line by line",
         charts=1, exports=("derivation_rule", "sigmoid"), scene="dashboard.lecture_scenes:derivations_figures"),
    Page("Computation graph", ":material/account_tree:", "computation_graph.py",
         "Computation graph · compose simple functions, differentiate automatically", charts=0),
    Page("Search", ":material/travel_explore:", "search.py",
         "Search · finding W by search or by following the slope", charts=1,
         exports=("search_curves", "search_samples"), scene="dashboard.finding_scenes:search_figures"),
    Page("Optimizers", ":material/route:", "optimizers.py", "Optimizers · five ways down the same slope", charts=1,
         exports=("optimizer_slice", "optimizer_curves", "schedules", "convexity"),
         scene="dashboard.finding_scenes:optimizers_figures"),
    Page("Mini-batch", ":material/grain:", "minibatch.py", "Mini-batch · many noisy estimates of one gradient",
         charts=1, exports=("batch_cloud", "batch_spread", "batch_curves"),
         scene="dashboard.finding_scenes:minibatch_figures"),
    Page("Images", ":material/image:", "images.py", "Images · templates you can look at", charts=5,
         exports=("image_templates", "image_contribution", "image_product", "image_plane", "image_mistakes"),
         scene="dashboard.image_scenes:images_figures"),
)
EXPORTS: tuple[str, ...] = tuple(name for page in PAGES for name in page.exports)  # every exported figure


def by_file(file: str | Path) -> Page:
    """The entry of a page's script (a page calls by_file(__file__) for its heading)."""
    return next(page for page in PAGES if page.file == Path(file).name)
