"""The pages that show how W is found (issue 12): Search, Optimizers, Mini-batch, and the −∇L arrows on the Landscape
page. Figure unit tests against the engine (no browser), and AppTest for each page and control."""
import json

import numpy as np
import plotly.graph_objects as go
import pytest

from dashboard import compute
from dashboard import finding_compute as fc
from dashboard import finding_text as tex
from dashboard.config import DEFAULT
from dashboard.figures import finding as ff
from dashboard.figures import minibatch as mbf
from linviz import landscape, minibatch, search, slices
from linviz.datasets import make_dataset
from linviz.losses import softmax_loss
from linviz.model import init_params
from tests.test_app import charts, run

SR, OP, MB = "app_pages/search.py", "app_pages/optimizers.py", "app_pages/minibatch.py"


@pytest.fixture(autouse=True)
def raise_errors(monkeypatch):
    monkeypatch.setenv("LINVIZ_RAISE", "1")


@pytest.fixture(scope="module")
def problem():
    X, y = make_dataset("blobs", 80, noise=1.0, seed=0, n_classes=3)
    W, b = init_params(3, 2, method="xavier", seed=1)
    return X, y, W, b


def latex(at) -> str:
    return "\n".join(e.value for e in at.latex)


def text(at) -> str:
    return "\n".join(e.value for e in [*at.markdown, *at.caption, *at.warning, *at.info, *at.error, *at.success])


def loss_at(X, y, W, b, reg=0.01):
    return softmax_loss(W, b, X, y, reg=reg).loss


# ---------------------------------------------------------------- the arrows −∇L and −α∇L
def test_the_gradient_arrow_is_minus_the_numerical_slope_of_the_slice(problem):
    """On a slice of two parameters (unit directions), the arrow −∇L is minus the loss's numerical derivative
    along each axis, and −α∇L is α times it."""
    X, y, W, b = problem
    r = softmax_loss(W, b, X, y, reg=0.01)
    dirs = landscape.parameter_directions(W, b, ("W", 0, 1), ("b", 2))
    grad_arrow, step_arrow = fc.gradient_arrow_specs(W, b, r.dW, r.db, 0.2, dirs, extent=100.0)
    h = 1e-6
    slope = []
    for dW, db in dirs:  # centered differences of L(θ + u d) at u = 0
        slope.append((loss_at(X, y, W + h * dW, b + h * db) - loss_at(X, y, W - h * dW, b - h * db)) / (2 * h))
    np.testing.assert_allclose(grad_arrow["end"], -np.array(slope), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(step_arrow["end"], -0.2 * np.array(slope), rtol=1e-6, atol=1e-9)
    assert grad_arrow["label"] == "−∇L" and step_arrow["label"].startswith("−α∇L (α = 0.2)")


def test_a_long_arrow_is_shortened_and_says_by_how_much(problem):
    X, y, W, b = problem
    r = softmax_loss(W, b, X, y, reg=0.01)
    dirs = landscape.parameter_directions(W, b, ("W", 0, 0), ("W", 1, 1))
    arrow, _ = fc.gradient_arrow_specs(W, b, r.dW, r.db, 0.01, dirs, extent=0.01)
    assert np.hypot(*arrow["end"]) == pytest.approx(0.008) and arrow["scale"] < 1
    assert f"×{arrow['scale']:.2g}" in arrow["label"]


def test_the_landscape_draws_the_arrows_on_the_training_loss_panel_only():
    from dashboard import scenes

    ctx = scenes.load(DEFAULT.replace(t=3))
    scene = scenes.landscape_scene(ctx)
    notes = scene.figures["landscape_pair"].layout.annotations
    arrows = [a for a in notes if a.showarrow]
    assert {a.xref for a in arrows} == {"x2"}  # softmax, the training loss, is the second panel
    assert {a.arrowcolor for a in arrows} == {fc.GRADIENT_COLOR, fc.STEP_COLOR}
    r = compute.evaluate("softmax", ctx.W, ctx.b, ctx.X, ctx.y, DEFAULT.reg, DEFAULT.penalty, DEFAULT.margin)
    dirs = compute.directions(ctx.cfg, ctx.hist, ctx.t)
    expected = fc.gradient_arrow_specs(ctx.W, ctx.b, r.dW, r.db, ctx.hist.lr[3], dirs, scene.extent,
                                       min_length=fc.ARROW_MIN)  # (lengthened past the star when short)
    got = {a.arrowcolor: (a.x, a.y) for a in arrows}
    for e in expected:
        np.testing.assert_allclose(got[e["color"]], e["end"])


# ---------------------------------------------------------------- Search figures
@pytest.fixture(scope="module")
def race(problem):
    X, y, W, b = problem
    return search.race(X, y, W0=W, b0=b, budget=120, seed=3)


def test_race_curves_draw_every_record_against_evaluations_and_time(race):
    runs = [{"method": r.method, "evaluations": r.evaluations, "seconds": r.seconds, "values": r.loss}
            for r in race.runs]
    fig = ff.race_curves_figure(runs, start=race.runs[0].loss[0])
    assert fig.layout.xaxis.type == "log"
    for r in race.runs:
        by_evals, by_time = [t for t in fig.data if t.legendgroup == r.method]
        keep = r.evaluations >= 1
        np.testing.assert_array_equal(by_evals.x, r.evaluations[keep])
        np.testing.assert_allclose(by_evals.y, r.loss[keep])
        timed = r.seconds > 0  # (the time axis is logarithmic: the start, at 0 s, is the dotted line)
        np.testing.assert_allclose(by_time.x, r.seconds[timed])
        np.testing.assert_allclose(by_time.y, r.loss[timed])
    assert fig.layout.xaxis2.type == "log" and "CPU seconds" in fig.layout.xaxis2.title.text
    # its ticks written as every log axis of the app (Plotly's own read "100µ … 0.001 … 0.01")
    ticks = list(fig.layout.xaxis2.ticktext)
    assert len(ticks) >= 2 and not any("µ" in t or "m" in t for t in ticks), ticks
    assert fig.layout.shapes[0].y0 == pytest.approx(race.runs[0].loss[0])


def test_the_race_times_its_own_computing_not_the_wait_for_a_core():
    """On a shared server the wall clock counted waiting: analytic GD stalled 0.4 s under load and read as the
    slowest method. The race's clock is its thread's CPU time: a pause (a sleep: no CPU) adds nothing."""
    import time

    from linviz.search import _Objective

    X, y = np.eye(2), np.array([0, 1])
    objective = _Objective(X, y, "softmax", 0.0, "l2", 1.0, 2)
    time.sleep(0.3)
    assert objective.elapsed() < 0.1


def test_search_frames_show_each_window_and_the_answer(race):
    pair = [0, 5]
    checkpoints = np.array([1, 10, 40, 120])
    for r in race.runs:
        frames = fc.frames_of(r, pair, checkpoints)
        assert len(frames) == len(checkpoints)
        theta = fc.flat(r.W, r.b)
        for e, (_points, answer) in zip(checkpoints, frames):
            k = np.searchsorted(r.evaluations, e, side="right") - 1
            np.testing.assert_allclose(answer, theta[k, pair])  # the answer after at most e evaluations
        if r.method == "random":  # frame k: the draws e_{k-1} .. e_k
            np.testing.assert_allclose(frames[2][0], fc.flat(r.sample_W, r.sample_b)[10:40][:, pair])
        if r.method == "genetic":  # one whole generation
            samples = fc.flat(r.sample_W, r.sample_b)
            last = r.sample_iteration[39]
            np.testing.assert_allclose(frames[2][0], samples[r.sample_iteration == last][:, pair])
        if r.method == "numerical_gd":  # P = 9: 18 evaluations per step, its path up to e
            assert len(frames[0][0]) == 1 and len(frames[-1][0]) == 120 // 18 + 1


def test_entry_names_follow_the_slides_list():
    assert [fc.entry_name(i, 2) for i in range(6)] == ["W[0,0]", "W[0,1]", "b0", "W[1,0]", "W[1,1]", "b1"]
    assert fc.entry_index(2, 2) == ("b", 0) and fc.entry_index(4, 2) == ("W", 1, 1)


# ---------------------------------------------------------------- Mini-batch figures and formulas
def test_the_cloud_figure_draws_each_step_minus_alpha_g_B(problem):
    X, y, W, b = problem
    cloud = minibatch.gradient_cloud(X, y, W, b, batch_sizes=(1, 8), draws=20, reg=0.01)
    dirs = landscape.parameter_directions(W, b, ("W", 0, 0), ("W", 0, 1))
    moves, full = minibatch.project_cloud(cloud, W, b, dirs)
    s = landscape.loss_surface(X, y, W, b, dirs, reg=0.01, extent=1.0, resolution=11)
    fig = mbf.cloud_figure(s.alphas, s.betas, s.values, -0.5 * moves, -0.5 * full, cloud.batch_sizes, lr=0.5,
                          axis_titles=("u", "v"))
    from dashboard.figures.shared import MODEBAR_PX

    # its legend under the toolbar a hover shows (at 1280 px that covered "M = 4" and "M = 16")
    assert (1 - fig.layout.legend.y) * fig.layout.height >= MODEBAR_PX - 0.5
    for k, m in enumerate((1, 8)):
        trace = next(t for t in fig.data if t.name == f"M = {m}")
        np.testing.assert_allclose(trace.x, -0.5 * moves[k, :, 0])
        # the draws of one example are that example's gradient: −α g_i on the W[0, 0] axis
        if m == 1:
            i = cloud.batches[0][:, 0]
            np.testing.assert_allclose(trace.x, -0.5 * cloud.dW[0, :, 0, 0])
            assert len(set(i.tolist())) > 1
    arrow = next(a for a in fig.layout.annotations if a.showarrow)
    np.testing.assert_allclose((arrow.x, arrow.y), -0.5 * full)
    np.testing.assert_allclose(-0.5 * full, -0.5 * cloud.full_dW[0, :2])


def test_the_spread_figure_leaves_out_M_equal_N(problem):
    X, y, W, b = problem
    cloud = minibatch.gradient_cloud(X, y, W, b, batch_sizes=(1, 4, 16, 200), draws=50, reg=0.01)
    fig = mbf.spread_figure(cloud.batch_sizes, cloud.spread, cloud.predicted_spread, cloud.sigma, cloud.n)
    measured = next(t for t in fig.data if t.name == "measured")
    np.testing.assert_array_equal(measured.x, [1, 4, 16])
    np.testing.assert_allclose(measured.y, cloud.spread[:3])
    line = next(t for t in fig.data if t.name.startswith("σ/√M ("))
    np.testing.assert_allclose(np.asarray(line.y) * np.sqrt(line.x), cloud.sigma)


def test_the_batch_loss_is_the_mean_over_the_batch_of_the_per_example_losses():
    """fc.batch_loss against a loop over the batch (its naive twin) and the engine's full loss."""
    cfg = DEFAULT
    key = fc.problem_key(cfg)
    X, y, *_ = compute.dataset(compute.DataSpec.of(cfg))
    W, b = init_params(3, 2, method="xavier", seed=2)
    batch = np.array([3, 17, 40, 41, 99])
    full, part, reg = fc.batch_loss(key, W, b, batch)
    r = softmax_loss(W, b, X, y, reg=cfg.reg)
    total = 0.0
    for i in batch:
        s = X[i] @ W.T + b
        total += -s[y[i]] + np.log(np.exp(s).sum())
    assert part == pytest.approx(total / len(batch) + reg) and full == pytest.approx(r.loss)
    assert reg == pytest.approx(cfg.reg * np.sum(W * W))
    assert tex.num(full) in tex.full_batch_loss(len(y), full, reg)
    assert tex.num(part) in tex.batch_loss(5, part, reg) and r"\frac{1}{5}" in tex.batch_loss(5, part, reg)


def test_latex_numbers():
    assert tex.num(0.24368) == "0.2437" and tex.num(-1.5) == "-1.500" and tex.num(8.721e-7).startswith("8.721")
    assert "2P = 18" in tex.gradient_costs(9, 3, 2) and "3 \\cdot 3 = 9" in tex.gradient_costs(9, 3, 2)
    for name in ("sgd", "momentum", "nesterov", "adam", "rmsprop"):
        assert r"\alpha = 0.100" in tex.update_rule(name, {"lr": 0.1, "mu": 0.9, "beta1": 0.9, "beta2": 0.999,
                                                           "rho": 0.9})


# ---------------------------------------------------------------- every finding figure is valid Plotly
def test_every_finding_figure_is_valid_plotly(problem, race):
    X, y, W, b = problem
    s = landscape.loss_surface(X, y, W, b, landscape.random_directions(W, b, seed=0), extent=1.0, resolution=11)
    cloud = minibatch.gradient_cloud(X, y, W, b, batch_sizes=(1, 8), draws=10)
    check = slices.convexity_check(X, y, W, b, n_directions=2, resolution=11)
    runs = [{"method": r.method, "evaluations": r.evaluations, "seconds": r.seconds, "values": r.accuracy}
            for r in race.runs]
    frames = [{"method": r.method, "frames": fc.frames_of(r, [0, 1], np.array([1, 60, 120]))} for r in race.runs]
    arrows = [dict(start=(0, 0), end=(0.3, 0.1), label="−∇L", color=fc.GRADIENT_COLOR)]
    paths = [{"name": "sgd", "label": "GD", "coords": np.zeros((3, 2))},
             {"name": "adam", "label": "Adam", "coords": np.ones((3, 2))}]
    figs = {
        "race": ff.race_curves_figure(runs, metric="accuracy", start=0.3),
        "samples": ff.search_samples_figure(s.alphas, s.betas, s.values, frames, [1, 60, 120], axis_titles=("a", "b")),
        "slice": ff.optimizer_slice_figure(s.alphas, s.betas, s.values, paths, arrows=arrows, current=(0, 0)),
        "curves": ff.optimizer_curves_figure([{"name": "sgd", "label": "GD", "loss": np.array([1.0, 0.5])}],
                                             optimum=0.2, t=1),
        "schedules": ff.schedules_figure(["constant", "1/t"], [np.array([1.0, 0.5])] * 2, [np.array([0.5])] * 2),
        "convexity": ff.convexity_figure(check.ts, check.values, holds=check.holds),
        "cloud": mbf.cloud_figure(s.alphas, s.betas, s.values, np.zeros((2, 10, 2)), (0.1, 0.1), (1, 8), lr=0.5,
                                 axis_titles=("u", "v")),
        "spread": mbf.spread_figure(cloud.batch_sizes, cloud.spread, cloud.predicted_spread, cloud.sigma, cloud.n),
        "batches": mbf.batch_curves_figure([{"label": "M = 8", "M": 8, "loss": np.array([1.0, 0.5, 0.4])}], n=80),
    }
    assert len(figs["samples"].frames) == 3
    for name, fig in figs.items():
        assert fig._validate is False, name
        checked = go.Figure(fig.to_dict())  # raises on a misspelt property
        same, own = json.loads(checked.to_json()), json.loads(fig.to_json())
        same["layout"].pop("template")
        own["layout"].pop("template")
        for trace in same["data"]:  # validation spells out the named colour scale "Viridis" as its colours
            if trace["type"] == "contour":
                trace["colorscale"] = "Viridis"
        assert same == own, f"{name}: validation changed it"


# ---------------------------------------------------------------- the pages (AppTest)
@pytest.mark.parametrize("page", [SR, OP, MB])
def test_every_finding_page_renders_and_follows_the_sidebar(page):
    at = run(page=page)
    assert not at.error and charts(at)
    before = charts(at)
    at.radio(key="loss").set_value("svm").run()
    at.button(key="step").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["loss"] == "svm" and at.query_params["t"] == "1"
    assert charts(at) != before


def test_search_shows_the_race_with_its_seed_and_exact_budgets():
    at = run({"seed": "7", "sr_budget": "200"}, page=SR)
    table = at.dataframe[0].value
    assert (table["seed"] == 7).all() and (table["budget"] == 200).all()
    assert (table["evaluations used"] <= 200).all()
    assert table.loc["GD, numerical gradient", "evaluations used"] == 200 // 18 * 18
    assert "2P = 18" in latex(at)
    samples = next(c for c in charts(at) if c.get("frames"))
    assert samples["layout"]["sliders"][0]["steps"][-1]["label"] == "200"


def test_search_controls_reach_the_url_and_the_race():
    at = run({"sr_budget": "100"}, page=SR)
    at.radio(key="sr_data").set_value("shapes").run()
    assert at.query_params["sr_data"] == "shapes" and "3 \\cdot 65 = 195" in latex(at)
    assert at.dataframe[0].value.loc["GD, numerical gradient", "steps / draws"] == 0  # 2P = 390 > 100
    at.select_slider(key="sr_lr").set_value(0.1).run()
    at.radio(key="sr_metric").set_value("accuracy").run()
    assert not at.exception and at.query_params["sr_lr"] == "0.1" and at.query_params["sr_metric"] == "accuracy"
    assert "training accuracy" in json.dumps(charts(at)[0]["layout"])


def test_optimizers_switch_shows_that_optimizers_own_knobs():
    at = run(page=OP)
    assert r"\theta \leftarrow \theta - \alpha\, g" in latex(at)
    at.selectbox(key="op_focus").set_value("momentum").run()
    assert at.query_params["op_focus"] == "momentum" and r"\mu = 0.900" in latex(at)
    at.slider(key="op_momentum_mu").set_value(0.5).run()
    assert at.query_params["op_momentum_mu"] == "0.5" and r"\mu = 0.500" in latex(at)
    at.selectbox(key="op_focus").set_value("rmsprop").run()
    at.select_slider(key="op_rmsprop_rho").set_value(0.99).run()
    assert not at.exception and at.query_params["op_rmsprop_rho"] == "0.99" and r"\rho = 0.990" in latex(at)
    slice_fig, curves = charts(at)
    assert len([t for t in curves["data"] if t.get("showlegend") is not False]) == 5


def test_optimizers_paths_lie_on_the_common_slice():
    """Every run starts at (−1, 0) on the plane; the optimum of the caption is the engine's."""
    cfg = DEFAULT
    key, ikey = fc.problem_key(cfg), compute.InitSpec.of(cfg)
    run_keys = tuple((n, tuple(sorted(fc.knobs(cfg, n).items()))) for n in fc.OPTIMIZER_KNOBS)
    plane, _ = fc.fair_slice(key, ikey, run_keys, 50, 0, 0)
    for path in plane.paths:
        np.testing.assert_allclose(path[0], (-1.0, 0.0), atol=1e-9)
    at = run({"steps": "50"}, page=OP)
    assert f"L* = {fc.minimum(key, ikey).loss:.5f}" in text(at)


def test_optimizers_schedules_and_convexity_tabs():
    at = run({"op_view": "schedules", "op_sched_steps": "200"}, page=OP)
    assert r"\sum_t \alpha_t = \infty" in latex(at) and "hovering" in text(at)
    at.selectbox(key="op_decay").set_value("exponential").run()
    assert at.query_params["op_decay"] == "exponential" and r"\gamma^t" in latex(at)
    at = run({"op_view": "convexity", "t": "20"}, page=OP)
    assert "Convex along all 8 random lines" in text(at) and "every local minimum is a global one" in text(at)


def test_minibatch_formulas_show_the_engine_numbers():
    at = run({"mb_m": "4"}, page=MB)
    cfg = DEFAULT.replace(mb_m=4)
    key = fc.problem_key(cfg)
    hist = compute.history(compute.TrainSpec.of(cfg))
    cloud = fc.cloud(key, hist.W[0], hist.b[0], (1, 4, 16, 64), 200, 0)
    full, part, _ = fc.batch_loss(key, hist.W[0], hist.b[0], cloud.batches[1][0])
    shown = latex(at)
    assert f"= {tex.num(full)}" in shown and f"= {tex.num(part)}" in shown and r"\frac{1}{4}" in shown
    assert f"**{minibatch.spread_slope(cloud):.2f}**" in text(at)


def test_minibatch_controls_reach_the_url():
    at = run(page=MB)
    at.multiselect(key="mb_sizes").set_value([2, 8, 32]).run()
    assert at.query_params["mb_sizes"] == "2.0,8.0,32.0"
    assert not at.exception and at.selectbox(key="mb_m").value in (2, 8, 32)
    cloud = next(c for c in charts(at) if any(t.get("name") == "M = 32" for t in c["data"]))
    assert [t["name"] for t in cloud["data"] if t.get("name", "").startswith("M =")] == ["M = 2", "M = 8", "M = 32"]
    at.select_slider(key="mb_draws").set_value(50).run()
    at.selectbox(key="mb_m").set_value(32).run()
    assert at.query_params["mb_draws"] == "50" and at.query_params["mb_m"] == "32"


def test_training_works_with_rmsprop():
    at = run(page="app_pages/training.py")
    at.selectbox(key="optimizer").set_value("rmsprop").run()
    assert not at.exception and at.query_params["optimizer"] == "rmsprop"
    assert "RMSProp" in text(at)


def test_emptying_the_batch_sizes_keeps_them_in_the_box_and_says_why():
    """Emptied, the box said "Choose options" while the charts kept M = 1, 4, 16, 64 (found by an exploratory
    pass): the box now gets the sizes back, with a warning."""
    from tests.app_entry import run_app

    at = run_app("minibatch.py")
    before = list(at.multiselect(key="mb_sizes").value)
    at.multiselect(key="mb_sizes").set_value([]).run()
    assert not at.exception
    assert list(at.multiselect(key="mb_sizes").value) == before
    assert any("At least one batch size" in w.value for w in at.warning)


def test_gd_looks_the_same_in_both_optimizer_charts_and_their_legends(problem):
    """GD was a white line on a dark outline on the slice (its legend swatch white, invisible), the same on the
    white curves chart (it read as two thin lines) with a solid black swatch (found by an exploratory pass). Now:
    both legends show it in ink, the curves draw it in ink, the slice keeps white on the dark landscape."""
    X, y, W, b = problem
    dirs = landscape.parameter_directions(W, b, ("W", 0, 0), ("W", 0, 1))
    s = landscape.loss_surface(X, y, W, b, dirs, reg=0.01, extent=1.0, resolution=11)
    paths = [{"name": "sgd", "label": "GD", "coords": np.zeros((3, 2))}]
    slice_ = ff.optimizer_slice_figure(s.alphas, s.betas, s.values, paths)
    shown = [t for t in slice_.data if t.legendgroup == "sgd" and t.showlegend is not False]
    assert len(shown) == 1 and shown[0].line.color == ff.HALO
    curves = ff.optimizer_curves_figure([{"name": "sgd", "label": "GD", "loss": np.array([1.0, 0.5])}], optimum=0.2)
    gd = [t for t in curves.data if t.legendgroup == "sgd"]
    assert len(gd) == 1 and gd[0].line.color == ff.INK and gd[0].showlegend is not False
