"""The fixes to issue 10's Loss and Regularization views found by the exploratory pass (the browser's share is in
tests/e2e/test_fix10_loss_browser.py): the lecture example's ε and image in the link (item 2), one format per
column of the bounds table (item 3), the penalty table's cells (item 4), L1 with a step α·λ as large as the weights
(item 5), one name per parameter (item 6) and captions written as maths (item 7)."""
from __future__ import annotations

import pyarrow as pa
import pytest

from dashboard.config import DEFAULT
from dashboard.links import from_query, to_query
from tests.app_entry import run_app


@pytest.fixture(autouse=True)
def raise_errors(monkeypatch):
    monkeypatch.setenv("LINVIZ_RAISE", "1")


def lecture(query=None):
    return run_app("loss.py", {"loss_source": "lecture", **(query or {})})


def shown(frame):
    """The texts a dataframe element shows (its Styler's display values), as a pandas DataFrame."""
    return pa.ipc.open_stream(frame.proto.arrow_data.styler.display_values).read_all().to_pandas()


def text(at) -> str:
    return " ".join(m.value for m in [*at.markdown, *at.caption])


# ---------------------------------------------------------------- item 2: ε and the image in the link
def test_the_car_questions_eps_and_the_chosen_image_go_into_the_link_and_come_back_from_it():
    at = lecture()
    at.slider(key="lecture_eps").set_value(1.25).run()
    at.selectbox(key="lecture_image").set_value(2).run()
    assert not at.exception
    assert at.query_params["lecture_eps"] == "1.25" and at.query_params["lecture_image"] == "2"
    link = lecture({"lecture_eps": "1.25", "lecture_image": "2"})
    assert link.slider(key="lecture_eps").value == 1.25 and link.selectbox(key="lecture_image").value == 2
    assert "The frog image: logits" in text(link) and "frog wins by 10" in " ".join(
        " ".join(map(str, d.value.index)) for d in link.dataframe)


@pytest.mark.parametrize(("query", "words", "eps", "image"), [
    ({"lecture_eps": "0.33"}, "steps of 0.05, so ε = 0.33 is shown as ε = 0.35", 0.35, 0),
    ({"lecture_eps": "7"}, "lecture_eps", 0.5, 0),
    ({"lecture_image": "3"}, "lecture_image", 0.5, 0),
    ({"lecture_image": "car"}, "lecture_image", 0.5, 0)])
def test_a_bad_eps_or_image_in_a_link_is_said_and_repaired(query, words, eps, image):
    cfg, messages = from_query(query)
    assert (cfg.lecture_eps, cfg.lecture_image) == (eps, image)
    assert any(words in m for m in messages), messages
    assert to_query(DEFAULT.replace(lecture_eps=0.35, lecture_image=1)) == {"lecture_eps": "0.35",
                                                                             "lecture_image": "1"}


# ---------------------------------------------------------------- item 3: one format a column
def test_the_bounds_table_writes_each_column_in_one_format():
    at = lecture()
    bounds = shown(next(d for d in at.dataframe if "hinge L_i" in d.value.columns))
    assert list(bounds["hinge L_i"]) == ["0.00", "0.00", "0.00", "2.00", "11.00", "101.00"]
    assert list(bounds["cross-entropy L_i"]) == ["3.14×10⁻¹", "4.54×10⁻⁵", "3.72×10⁻⁴⁴", "1.32×10⁰", "1.00×10¹",
                                                 "1.00×10²"]


# ---------------------------------------------------------------- item 4: the penalty table's cells
def test_the_penalty_table_gives_the_grid_its_texts_so_a_column_is_as_wide_as_its_longest_cell():
    """The grid sizes a column by the values it is given: given 0.00087 as a number it drew the column for a short
    number and clipped the shown 0.00087210 to 00087210 (L2's λR(W) at λ = 10, W at step 0)."""
    at = run_app("regularization.py", {"rg_penalty": "l1", "rg_reg": "10", "rg_at": "t"})
    table = next(d.value for d in at.dataframe if "λR(W)" in d.value.columns)
    assert list(table.index) == ["l2", "l1", "none"]
    assert table.loc["l2", "λR(W)"] == "0.00087210" and table.loc["none", "λR(W)"] == "0"
    assert all(isinstance(v, str) for v in table.to_numpy().ravel())


# ---------------------------------------------------------------- item 6: one name a parameter
def test_the_regularization_line_is_parametrized_by_s_and_t_stays_the_training_step():
    import json

    at = run_app("regularization.py", {"rg_at": "t", "t": "5"})
    lines = json.loads(at.get("plotly_chart")[0].proto.spec)
    titles = [v["title"]["text"] for k, v in lines["layout"].items() if k.startswith("xaxis")]
    assert titles == ["s  (W → (1 + s)·W)"] * 3
    assert all(tr["hovertemplate"].startswith("s = ") for tr in lines["data"])
    caption = text(at)
    assert "W → (1 + s)·W" in caption and "(s = 0, dotted)" in caption and "(s = −1, dotted)" in caption
    assert "(1 + t)" not in caption and "t = 0, dotted" not in caption and "t = −1" not in caption
    assert at.segmented_control(key="rg_at").format_func("t") == "W at step t = 5"


# ---------------------------------------------------------------- item 7: captions written as maths
ASCII_MATHS = ("s_y", "max_", "L_i", "e^(", "p_y", "t_ij", "x_i", "Σ_i", "(1/N)")


def prose(text: str) -> str:
    """The text outside its inline $...$ formulas."""
    return "".join(part for k, part in enumerate(text.split("$")) if k % 2 == 0)


@pytest.mark.parametrize(("page", "query"), [("loss.py", {}), ("loss.py", {"loss_source": "lecture"}),
                                             ("regularization.py", {})])
def test_captions_write_their_maths_as_formulas_not_as_ascii(page, query):
    at = run_app(page, query)
    texts = [m.value for m in [*at.caption, *at.markdown]]
    ascii_left = [(bad, t) for t in texts for bad in ASCII_MATHS if bad in prose(t)]
    assert not ascii_left, ascii_left
    assert any(r"$s_{y_i} - \max_{j \neq y_i} s_j$" in t for t in texts) or page == "regularization.py"
    assert all(t.count("$") % 2 == 0 for t in texts)


# ---------------------------------------------------------------- item 5: a penalty step as large as the weights
def l1_run(reg: float):
    from dashboard import compute
    from dashboard import regularization_compute as rc

    return rc.weight_paths(compute.TrainSpec.of(DEFAULT), "l1", reg)


def test_l1s_step_alpha_lambda_is_judged_against_the_weights_and_the_calm_lambda_sparsifies():
    import numpy as np

    from dashboard import regularization_compute as rc

    free, wild = l1_run(10.0).W
    largest = rc.largest_weight(free[-1])
    assert 2 < largest < 2.5  # (the sidebar's default training: α = 0.3, 200 steps)
    assert rc.step_too_large("l1", DEFAULT.lr, 10.0, largest) and not rc.step_too_large("l1", 0.3, 0.1, largest)
    # at λ = 10 the weights jump by about α·λ = 3 every step: no settling
    assert np.abs(np.diff(wild[-50:], axis=0)).mean() > 0.5 * DEFAULT.lr * 10.0
    calm = rc.calm_reg("l1", DEFAULT.lr, largest, [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0])
    assert calm == 0.1
    end = l1_run(calm).W[1][-1]
    at_zero = np.abs(end) < DEFAULT.lr * calm
    assert 1 <= at_zero.sum() < end.size and np.abs(end[~at_zero]).max() > 0.5  # sparse: some 0, some kept
    assert rc.step_too_large("l2", 0.3, 10.0, largest) and not rc.step_too_large("l2", 0.3, 1.0, largest)
    assert rc.calm_reg("l1", 100.0, largest, [0.001, 0.01]) is None


def test_the_page_says_when_alpha_lambda_is_too_large_and_one_click_shows_l1_sparsifying():
    at = run_app("regularization.py", {"rg_penalty": "l1", "rg_reg": "10"})
    warning = " ".join(w.value for w in at.warning)
    assert "α·λ = 3 " in warning and "jitter by about ±3 instead of settling" in warning, warning
    assert "within α·λ" not in text(at)  # (every entry is "within 3 of 0": no count that says nothing)
    at.button(key="rg_calm").click().run()
    assert not at.exception and "rg_reg" not in at.query_params and not at.warning  # (0.1: the page's default)
    assert at.select_slider(key="rg_reg").value == 0.1 and "entries within α·λ = 0.03 of 0" in text(at)


def test_l2_with_two_alpha_lambda_past_1_is_said_too_and_the_default_says_nothing():
    assert not run_app("regularization.py", {}).warning
    at = run_app("regularization.py", {"rg_penalty": "l2", "rg_reg": "10"})
    assert "growing without bound" in " ".join(w.value for w in at.warning)
