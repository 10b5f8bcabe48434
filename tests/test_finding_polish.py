"""The polish pass of issues 11 and 12: leftovers of the gradient and finding pages, each with the test that failed
before its fix."""
from __future__ import annotations

import re

import pytest

from linviz.planted_bugs import VARIANTS
from tests.app_entry import run_app

GC = "gradient_check.py"
CLEAR = 0.1  # "clearly caught": ten times the threshold of "wrong" (10⁻²)


@pytest.fixture(autouse=True)
def raise_errors(monkeypatch):
    monkeypatch.setenv("LINVIZ_RAISE", "1")


def worst_error(at) -> float:
    """The worst relative error the verdict names (away from kinks)."""
    said = [m.value for m in [*at.error, *at.warning, *at.success] if "relative error" in m.value]
    assert said, "no verdict"
    return float(re.search(r"relative error ([0-9.e+-]+)", said[0]).group(1))


@pytest.mark.parametrize("bug", [name for name in VARIANTS if name != "correct"])
def test_every_planted_bug_is_clearly_caught_at_the_defaults_or_one_click_away(bug):
    """λ = 0.01 at step 0: 'regularization off by a constant' was only suspicious (1.9e-4) and 'b regularized'
    passed (b = 0 at the start), with no button to where the check catches them."""
    at = run_app(GC, {"gc_bug": bug})
    if worst_error(at) < CLEAR:
        notes = [i.value for i in at.info]
        assert any("why" in n.lower() or "missed" in n.lower() or "changes nothing" in n for n in notes), notes
        at.button(key="gc_show_bug").click().run()
        assert not at.exception
    assert any("catches the bug" in e.value for e in at.error), [e.value for e in at.error]
    assert worst_error(at) >= CLEAR


def test_the_page_says_why_a_regularization_bug_is_missed_at_step_0():
    at = run_app(GC, {"gc_bug": "b_regularized"})
    note = " ".join(i.value for i in at.info)
    assert "b = 0" in note, note
    at = run_app(GC, {"gc_bug": "reg_half"})
    note = " ".join(i.value for i in at.info)
    assert "λ = 0.01" in note and "differ by at most" in note, note


NG = "numerical_gradient.py"


def decimals(latex: str) -> list[int]:
    """The decimals of each number written in a LaTeX line."""
    return [len(m) for m in re.findall(r"\d\.(\d+)", latex)]


@pytest.mark.parametrize("dims", [1, 3])  # W[0,0] (the losses differ in the 14th digit), b[0] (equal in float64)
def test_at_h_1e_12_the_losses_show_the_digits_where_round_off_lives(dims):
    """The walkthrough wrote L(W) = 1.10871, L(b₀ + h) = 1.10871 and (1.10871 − 1.10871)/10⁻¹² = 0 at h = 10⁻¹²:
    five decimals hid that the two losses agree in (nearly) every digit float64 keeps."""
    at = run_app(NG, {"ng_h": "1e-12", "ng_dims": str(dims)})
    lines = [e.value for e in at.latex]
    losses = next(v for v in lines if "L(W) =" in v)
    assert min(decimals(losses)) >= 14, losses
    quotient = next(v for v in lines if r"\approx" in v)
    assert min(decimals(quotient.split("=")[1])) >= 14, quotient
    note = next(i.value for i in at.info if "round-off" in i.value.lower())
    assert "Error against h" in note and "analytic" in note
    at.button(key="ng_to_error").click().run()
    assert not at.exception and at.query_params["ng_view"] == "error"
    assert at.get("plotly_chart"), "the error-against-h chart"


def test_at_the_slide_s_h_there_is_no_round_off_note_and_the_losses_match_the_quotient():
    at = run_app(NG, {"ng_h": "0.0001", "ng_dims": "1"})
    losses = next(e.value for e in at.latex if "L(W) =" in e.value)
    quotient = next(e.value for e in at.latex if r"\approx" in e.value)
    assert decimals(losses) == decimals(quotient.split("=")[1])[:2] and max(decimals(losses)) < 10
    assert not [i for i in at.info if "round-off" in i.value.lower()]


def test_the_search_race_goes_through_the_one_cache_and_a_cache_hit_replays_cleanly(monkeypatch):
    """The race kept its own OrderedDict memo beside dashboard/cache.py (because of its progress bar): now it is a
    cached() function like every other engine call; the progress callback is not part of the key, and a second
    session's cache hit (st.cache_data replays what the first run drew) shows the page without an error."""
    from dashboard import finding_compute as fc
    from linviz import search

    assert hasattr(fc.race, "clear") and not hasattr(fc, "_RACES")
    fc.race.clear()
    calls = []
    real = search.race
    monkeypatch.setattr(search, "race", lambda *a, **k: calls.append(k.get("budget")) or real(*a, **k))
    first = run_app("search.py", {"sr_budget": "200"})
    second = run_app("search.py", {"sr_budget": "200"})
    assert calls == [200], calls  # computed once, for both sessions
    assert not first.exception and not second.exception
    assert len(second.get("plotly_chart")) == len(first.get("plotly_chart")) >= 2


def test_outside_the_app_a_new_progress_callback_is_still_a_cache_hit(monkeypatch):
    from dashboard import compute
    from dashboard import finding_compute as fc
    from dashboard.config import DEFAULT
    from linviz import search

    fc.race.clear()
    calls, seen = [], []
    real = search.race
    monkeypatch.setattr(search, "race", lambda *a, **k: calls.append(1) or real(*a, **k))
    key, ikey = fc.problem_key(DEFAULT), compute.InitSpec.of(DEFAULT)
    a = fc.race(key, ikey, "points", 100, 0.3, 0, _progress=lambda *p: seen.append(p))
    b = fc.race(key, ikey, "points", 100, 0.3, 0, _progress=lambda *p: seen.append(p))
    assert len(calls) == 1 and seen and a.runs[0].loss[-1] == b.runs[0].loss[-1]


def array(v):
    """A figure's array as JSON gives it (a list, or numpy's base64 {"dtype", "bdata"})."""
    import base64

    import numpy as np

    if isinstance(v, dict):
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"])
    return np.asarray(v, dtype=float)


def test_the_mini_batch_view_is_centred_between_the_point_and_the_full_step():
    """The exploratory pass (1280×720): the view was centred on θ, so the cloud (around the full-batch step's tip)
    sat at its right edge with M = 1 steps cut off beyond it, and the left half showed nothing."""
    import json

    import numpy as np

    at = run_app("minibatch.py")
    fig = next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if "M = 1" in c.proto.spec)
    x0, x1 = fig["layout"]["xaxis"]["range"]
    y0, y1 = fig["layout"]["yaxis"]["range"]
    arrow = next(a for a in fig["layout"]["annotations"] if a.get("showarrow"))
    tip = np.array([arrow["x"], arrow["y"]])
    for centre, middle, width in (((x0 + x1) / 2, tip[0] / 2, x1 - x0), ((y0 + y1) / 2, tip[1] / 2, y1 - y0)):
        assert abs(centre - middle) <= 0.05 * width, (centre, middle, width)
    points = np.concatenate([np.c_[array(t["x"]), array(t["y"])] for t in fig["data"]
                             if (t.get("name") or "").startswith("M = ")])
    inside = (points[:, 0] >= x0) & (points[:, 0] <= x1) & (points[:, 1] >= y0) & (points[:, 1] <= y1)
    assert inside.mean() >= 0.95


def test_a_log_colour_bar_over_a_narrow_range_has_distinct_labels():
    """The exploratory pass (Mini-batch at t = 50, 1920×1080): the loss spanned 0.24 … 0.26 and the colour bar
    read '0.25 … 0.25' (four ticks in between, each written with 2 digits)."""
    import numpy as np

    from dashboard.figures.shared import _contour

    a = np.linspace(-1, 1, 11)
    values = 0.24 + 0.02 * (a[:, None] ** 2 + a[None, :] ** 2) / 2
    bar = _contour(a, a, values, log_color=True).colorbar
    labels = list(bar.ticktext)
    assert len(labels) >= 2 and len(set(labels)) == len(labels), labels


@pytest.mark.parametrize("decay", ["step", "exponential", "inverse_time"])
def test_the_schedule_formula_names_the_last_steps_rate_by_its_index(decay):
    """With 500 steps the formula said α₅₀₀ = 0.0312 for "×0.5 every 100", the rate of the last step taken, α₄₉₉
    (α₅₀₀ would be 0.0156; found by an exploratory pass). Step t takes θ_t to θ_{t+1} with α_t: the last is α₄₉₉."""
    from dashboard.finding_text import num
    from linviz.optim import schedule_values

    at = run_app("optimizers.py", {"op_view": "schedules", "op_decay": decay, "op_sched_steps": "500",
                                   "op_sched_lr": "0.5"})
    formula = next(f.value for f in at.latex if r"\sum_t \alpha_t = \infty" in f.value)
    from dashboard import finding_scenes
    from dashboard.config import DEFAULT

    race, _ = finding_scenes.schedules(DEFAULT.replace(op_decay=decay, op_sched_steps=500, op_sched_lr=0.5))
    rates = schedule_values(decay, 0.5, 500, **race.decay_options)
    assert len(rates) == 500  # α_0 … α_499, one per step
    assert max(abs(a - b) for a, b in zip(race.lr[1], rates)) <= 1e-12 * 0.5  # the race's own rates
    if decay == "step":
        assert rates[-1] == pytest.approx(0.5 * 0.5 ** 4)  # (the fifth hundred of steps: 0.5 halved four times)
    assert rf"\alpha_{{499}} = {num(rates[-1], 3)}" in formula and r"\alpha_{500}" not in formula, formula
