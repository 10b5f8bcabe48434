"""App fixes of the last exploratory pass over Search, Optimizers and Mini-batch (issue 12); each test failed
before its fix."""
from __future__ import annotations

import json

import pytest

from tests.app_entry import run_app


def texts(at) -> list[str]:
    return [e.value for kind in ("caption", "markdown", "info", "warning") for e in getattr(at, kind)]


@pytest.mark.parametrize("sizes", ["128", "1", "1,128"])
def test_with_fewer_than_two_batch_sizes_below_n_the_page_asks_for_them_instead_of_a_nan_slope(sizes):
    """The spread chart's caption said "fitted log-log slope **nan**" (N = 120 by default)."""
    at = run_app("minibatch.py", {"mb_sizes": sizes})
    words = " ".join(texts(at))
    assert "**nan**" not in words
    assert "choose two or more batch sizes below N = 120" in words


def test_with_two_batch_sizes_below_n_the_slope_is_fitted():
    at = run_app("minibatch.py", {"mb_sizes": "1,16"})
    assert any("fitted log-log slope **-0." in t or "fitted log-log slope **−0." in t for t in texts(at))


@pytest.mark.parametrize("decay, constants, met", [("inverse_time", ["k = 0.0400"], True),
                                                   ("exponential", [r"\gamma = 0.990"], False),
                                                   ("step", [r"\gamma = 0.500", "s = 100"], False)])
def test_the_decaying_schedule_is_written_with_its_constants_and_whether_it_meets_the_condition(decay, constants,
                                                                                                 met):
    """The formula wrote α_t = α₀ / (1 + k t) without k (nor γ, s), under the condition Σ α_t = ∞ that exponential
    and step decay do not meet, without saying so."""
    at = run_app("optimizers.py", {"op_view": "schedules", "op_decay": decay, "op_sched_steps": "500"})
    formula = " ".join(e.value for e in at.latex)
    assert all(c in formula for c in constants), formula
    words = " ".join(texts(at))
    assert ("meets both conditions" in words) == met
    assert ("does not: Σ αₜ" in words) == (not met)


def slice_chart(at) -> dict:
    import json

    return json.loads(at.get("plotly_chart")[0].proto.spec)


@pytest.mark.parametrize("focus", ["adam", "momentum"])
def test_the_arrows_at_the_current_point_show_past_its_star(focus):
    """At step 20 Adam's −∇L and −α∇L (α = 0.05) were a few pixels long, hidden under the current point's star."""
    import numpy as np

    at = run_app("optimizers.py", {"op_focus": focus, "t": "20"})
    fig = slice_chart(at)
    x0, x1 = fig["layout"]["xaxis"]["range"]
    arrows = [a for a in fig["layout"]["annotations"] if a.get("showarrow")]
    assert len(arrows) == 2
    half = (x1 - x0) / 2
    grad, step = (np.hypot(a["x"] - a["ax"], a["y"] - a["ay"]) for a in arrows)
    assert grad >= 0.29 * half and step >= 0.14 * half and step < 0.9 * grad, (grad, step, half)  # not one on the other
    key = " ".join(a["text"] for a in fig["layout"]["annotations"] if a.get("text"))
    assert "−∇L" in key and "−α∇L" in key and "e+" not in key, key  # (×1.9e+02 was the step's factor)


@pytest.mark.parametrize("query", [{}, {"t": "150"}, {"t": "60", "lr": "0.01"}])
def test_the_landscape_pages_arrows_show_past_the_current_star(query):
    """The Landscape page drew −α∇L at its true length: late in a run (or with a small α) a few pixels, hidden
    under the 24-px star of the current point. Like the Optimizers page it now draws both arrows at least a set
    fraction of the slice's half-width (the label says by how much they were lengthened)."""
    import numpy as np

    at = run_app("landscape.py", query)
    for fig in (json.loads(c.proto.spec) for c in at.get("plotly_chart")):
        arrows = [a for a in fig["layout"].get("annotations", []) if a.get("showarrow")]
        if not arrows:
            continue
        axis = fig["layout"]["xaxis"]["range"]
        half = (axis[1] - axis[0]) / 2
        grad, step = (np.hypot(a["x"] - a["ax"], a["y"] - a["ay"]) for a in arrows[:2])
        assert grad >= 0.29 * half and step >= 0.14 * half, (grad, step, half)
        return
    raise AssertionError("no chart of the Landscape page draws the arrows")
