"""Loss and Classifier pages (issue 8: items 7, 9, 12, 15, 17): the lecture's numbers and working as the slides
write them, a selection past the training set, the W/b editor's input. Browser checks (layout, clicks, typing
into the editor) are in tests/e2e/test_loss_classifier_browser.py."""

import numpy as np
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from linviz.lecture_examples import lecture_example
from tests.app_entry import run_app


@pytest.fixture(autouse=True)
def raise_errors(monkeypatch):
    monkeypatch.setenv("LINVIZ_RAISE", "1")  # the page guard re-raises, so at.exception sees errors


def run(page: str, query=None) -> AppTest:
    return run_app(page, query)


def lecture_page() -> AppTest:
    at = run("loss.py")
    at.segmented_control(key="loss_source").set_value("lecture").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def formulas(at: AppTest) -> list[str]:
    """The LaTeX of every st.latex, without the $$ Streamlit wraps it in."""
    return [x.value.strip().removeprefix("$$").removesuffix("$$").strip() for x in at.latex]


def shown(frame) -> "pa.Table":
    """A st.dataframe's values as the browser shows them (the Styler's formatted strings)."""
    return pa.ipc.open_stream(frame.proto.arrow_data.styler.display_values).read_all().to_pandas()


# ------------------------------------------------------------------ 9: the hinge working as the slide writes it
SLIDE_WORKING = {  # the slides' lines after "L_i =", one term a line (frog: the scores as the issue asks)
    "cat": [r"\max(0,\ 5.10 - 3.20 + 1)", r"+ \max(0,\ -1.70 - 3.20 + 1)", r"= \max(0,\ 2.9) + \max(0,\ -3.9)",
            "= 2.9 + 0", "= 2.9"],
    "car": [r"\max(0,\ 1.30 - 4.90 + 1)", r"+ \max(0,\ 2.00 - 4.90 + 1)", r"= \max(0,\ -2.6) + \max(0,\ -1.9)",
            "= 0 + 0", "= 0"],
    "frog": [r"\max(0,\ 2.20 - (-3.10) + 1)", r"+ \max(0,\ 2.50 - (-3.10) + 1)", r"= \max(0,\ 6.3) + \max(0,\ 6.6)",
             "= 6.3 + 6.6", "= 12.9"],
}


def test_the_hinge_working_is_aligned_over_lines_as_on_the_slide():
    latex = formulas(lecture_page())
    for name, expected in SLIDE_WORKING.items():
        block = next(x for x in latex if rf"L_{{\text{{{name}}}}}" in x)
        assert block.startswith(r"\begin{aligned}") and block.removesuffix(r"\,").endswith(r"\end{aligned}")
        body = block.removeprefix(r"\begin{aligned}").removesuffix(r"\,").removesuffix(r"\end{aligned}")
        lines = [line.replace("&", "").replace(r"\quad", "").strip() for line in body.split(r"\\")]
        assert lines[0] == rf"L_{{\text{{{name}}}}} = {expected[0]}"
        assert lines[1:] == expected[1:], name
    mean = next(x for x in latex if "/3" in x)
    assert "(2.9 + 0 + 12.9)/3 = 5.27" in mean and r"\begin{aligned}" in mean


def test_the_lecture_numbers_are_the_slides():
    at = lecture_page()
    losses = next(shown(d) for d in at.dataframe if "hinge loss L_i" in d.value.index)  # (beside the editor)
    pipeline = next(shown(d) for d in at.dataframe if "logit s" in d.value.columns)
    assert list(losses.loc["hinge loss L_i"]) == ["2.9", "0.0", "12.9"]
    assert list(pipeline["logit s"]) == ["3.2", "5.1", "−1.7"]  # (with the real minus, as the charts write it)
    assert list(pipeline["exp(s)"]) == ["24.5", "164.0", "0.18"]  # as the slide writes them (not 24.53, 164.02)
    assert list(pipeline["p = exp(s) / Σ exp"]) == ["0.13", "0.87", "0.00"]
    assert r"L_\text{cat} = -\log(0.13) = 2.04" in formulas(at)
    headings = [h.value for h in at.subheader]
    assert "Softmax (cross-entropy)" in headings  # short enough for half of a 1280 px page (browser test)


# ------------------------------------------------------------------ 15: "mean instead of sum?" over the classes
def test_mean_instead_of_sum_divides_each_L_i_by_C_minus_1():
    text = " ".join(m.value for m in lecture_page().markdown)
    answer = text[text.index("*Mean instead of sum"):]
    assert "C − 1 = 2" in answer
    assert "cat 2.9/2 = 1.45" in answer and "car 0/2 = 0" in answer and "frog 12.9/2 = 6.45" in answer
    assert "L = **2.63** = 5.27 / 2" in answer and "15.8" not in answer  # not the sum over the examples


def test_the_mean_over_classes_is_the_engines_hinge_over_C_minus_1():
    from dashboard.loss_questions import answers

    ex = lecture_example()
    naive = np.mean([np.mean([max(0.0, s[j] - s[y] + 1) for j in range(3) if j != y])
                     for s, y in zip(ex.scores, ex.y)])  # the loop, by the slide's formula with a mean
    assert f"L = **{naive:.2f}**" in answers(ex.scores, ex.y, ex.class_names) and f"{naive:.2f}" == "2.63"


# ------------------------------------------------------------------ 17: a selection at or past the training set
def test_the_loss_page_shows_the_last_example_when_the_selection_is_past_the_training_set():
    at = run("loss.py", {"point": "140"})  # 150 points, 20% test: 120 training examples
    assert any("i = 140" in m.value and "120 examples" in m.value and "i = 119" in m.value
               for m in [*at.info, *at.warning])
    assert "i = 119" in " ".join(m.value for m in at.markdown)  # the pipeline of the example shown
    assert at.query_params["point"] == "119"
    at.select_slider(key="lr").set_value(0.56).run()
    at.slider(key="loss_rows").set_value(3).run()
    assert not at.exception and not at.error


def test_shrinking_N_under_the_selection_on_the_loss_page_does_not_break_it():
    at = run("loss.py", {"point": "110"})
    at.slider(key="n_points").set_value(120).run()  # 96 training examples now
    assert not at.exception, [e.value for e in at.exception]
    assert any("i = 110" in m.value and "96 examples" in m.value
               for m in [*at.info, *at.warning])
    assert at.query_params["point"] == "95"


def test_the_classifier_says_when_it_clips_the_selection():
    at = run("classifier.py", {"point": "140"})
    assert any("i = 140" in m.value and "120 examples" in m.value and "i = 119" in m.value
               for m in [*at.info, *at.warning])
    assert at.number_input(key="point").value == 119 and at.query_params["point"] == "119"
    at.run()
    assert not at.info  # said once


# ------------------------------------------------------------------ 12: the loss tables lead with L_i
def test_the_loss_tables_show_L_i_and_minus_log_p_right_after_the_label():
    at = run("loss.py", {"n_classes": "8"})
    frames = [d.value for d in at.dataframe]
    hinge = next(f for f in frames if "j = 0" in f.columns and "L_i" in f.columns)
    softmax = next(f for f in frames if "p_0" in f.columns)
    assert list(hinge.columns[:2]) == ["y", "L_i"] and list(softmax.columns[:2]) == ["y", "−log p_y"]


# ------------------------------------------------------------------ 7: the W/b editor's input
def test_parse_entry_reads_the_number_as_typed():
    from dashboard.parameter_editor import parse_entry

    assert parse_entry("1e9") == 1e9 and parse_entry(" -0.5 ") == -0.5 and parse_entry("2E-3") == 0.002
    for bad in ("", None, "abc", "1,5", "nan", "inf", "-inf", "1e999"):
        assert parse_entry(bad) is None, bad


def test_edit_error_names_the_value_as_typed_and_the_range():
    from dashboard.parameter_editor import edit_error

    message = edit_error({0: {"w₁": "1e9"}}, -100.0, 100.0)
    assert "“1e9”" in message and "out of range" in message and "from -100 to 100" in message
    assert "class 0" in message and "unchanged" in message
    assert "not a number" in edit_error({2: {"b": "twelve"}}, -100.0, 100.0)
    assert "nothing" in edit_error({1: {"w₂": ""}}, -100.0, 100.0)
    assert edit_error({0: {"w₁": "-3.5", "b": "1e-3"}, 2: {"w₂": "100"}}, -100.0, 100.0) is None


def test_typed_text_in_a_message_is_plain_text():
    from dashboard.parameter_editor import plain

    for hostile in ("[Session expired](http://127.0.0.1:9/login)", "![p](http://127.0.0.1:9/p.png)",
                    ":red[alarm]", "$x^2$", "**bold** `code` <b>tag</b>"):
        escaped = plain(hostile)
        unescaped = [c for i, c in enumerate(escaped) if not c.isalnum() and not c.isspace() and c.isascii()
                     and c != "\\" and (i == 0 or escaped[i - 1] != "\\")]
        assert not unescaped, (hostile, escaped)
    assert len(plain("9" * 500)) <= 60 and plain("9" * 500).endswith("…")


def test_the_W_editor_columns_are_text_so_the_typed_entry_reaches_the_callback():
    from dashboard.parameter_editor import parse_entry

    at = run("classifier.py")
    at.toggle(key="edit_W").set_value(True).run()
    table = at.dataframe[0].value
    assert all(isinstance(v, str) for v in table["w₁"])  # a number column's editor would drop the "e" of 1e9
    W = np.array([parse_entry(v) for v in table["w₁"]])  # what the table shows reads back (−0.0123 too)
    assert np.all(np.isfinite(W))


# ------------------------------------------------------------------ the Classifier chart's layout (10, 12)
def test_the_views_chart_keeps_its_titles_on_one_row_and_its_colour_bar_between_the_panels():
    from dashboard import figures as F
    from dashboard.figures import base as B
    from dashboard.figures import classifier as FC

    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((40, 2)), rng.integers(0, 8, 40)
    W, b = rng.standard_normal((8, 2)), rng.standard_normal(8)
    fig = F.classifier_views_figure(X, y, W, b, (-3, 3, -3, 3), selected=3, score_class=5)
    # eight classes: taller (tests/test_fix10_classifier.py), one line of scores under the visual title
    assert fig.layout.height == F.CLASSIFIER_VIEWS_HEIGHT + FC.MANY_CLASSES_EXTRA_PX + B._LEGEND_ROW_PX
    geometric, visual = (a for a in fig.layout.annotations if a.text.startswith(("geometric", "visual")))
    lines = visual.text.split("<br>")
    assert len(lines) == 2 and geometric.yshift == B._TITLE_LINE_PX * (len(lines) - 1)  # the visual title's row
    assert (visual.xref, visual.x, visual.xanchor) == ("x2 domain", 1.0, "right")  # ends at the panel's right edge
    assert fig.layout.margin.t >= B._TITLE_LINE_PX * len(lines)
    bar = fig.data[0].colorbar
    assert fig.data[0].type == "heatmap" and fig.layout.xaxis.domain[1] < bar.x < fig.layout.xaxis2.domain[0]
    assert not fig.layout.xaxis.title.text and not fig.layout.xaxis2.title.text  # labelled at their ends instead
    assert [a.text for a in fig.layout.annotations].count("x₁") == 2


def test_stepping_N_down_names_the_chosen_example_and_a_larger_N_brings_it_back():
    """The exploratory pass: i = 110, then N 150 -> 140 -> 130 -> 120 said 'Example i = 103 is not in the training
    set', a value the app had clipped to on the way."""
    at = run("loss.py", {"point": "110"})
    for n in (130, 125, 120):  # 104, 100 and 96 training examples
        at.slider(key="n_points").set_value(n).run()
        notes = [m.value for m in [*at.info, *at.warning] if "not in the training set" in m.value]
        assert notes and all("i = 110" in m for m in notes), (n, notes)
    assert at.query_params["point"] == "95"
    at.slider(key="n_points").set_value(150).run()
    assert at.query_params["point"] == "110"  # the example chosen, back


def test_a_larger_N_does_not_bring_back_an_example_once_another_was_chosen():
    at = run("classifier.py", {"point": "110"})
    at.slider(key="n_points").set_value(120).run()
    assert at.query_params["point"] == "95"
    at.number_input(key="point").set_value(40).run()
    at.slider(key="n_points").set_value(150).run()
    assert at.query_params["point"] == "40"
