"""dashboard.figures.format, the one family of number formatters, and the real minus sign on every page."""
import math
import re

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.figures import format as N
from tests.test_loss_classifier import raise_errors, run  # noqa: F401 (a page alone; errors raise)

HYPHEN_MINUS = re.compile(r"(?<![eE])-\d")  # a hyphen written as the sign of a number (not an e-notation exponent)
finite = st.floats(allow_nan=False, allow_infinity=False)


def test_each_formatter_keeps_what_its_name_says():
    assert [N.sig(v) for v in (0.821, -0.0011, 12.0, 1234.5, 9.996, 0, -2.5e-7, 1.23e6)] == \
        ["0.821", "−0.00110", "12.0", "1230", "10.0", "0", "−2.50×10⁻⁷", "1.23×10⁶"]
    assert [N.short(v) for v in (0.5, 120, 0.003, -0.674, -1e-5, 0.00018)] == \
        ["0.5", "120", "0.003", "−0.674", "−1×10⁻⁵", "0.00018"]
    assert [N.fixed(v, 2) for v in (-0.6744, -0.001, 2.5)] == ["−0.67", "0.00", "2.50"]
    assert [N.fixed(v, 2, trim=True) for v in (2.90, -3.9, 0.001, 12.0)] == ["2.9", "−3.9", "0", "12"]
    assert [N.tick_label(v) for v in (0.01, 0.2, 1, 50, 1e3, 1e4, 2e-5)] == \
        ["0.01", "0.2", "1", "50", "1000", "10⁴", "2×10⁻⁵"]
    assert [N.exact(v) for v in (0.0001, 0.00018, 0.3, 1.2, 10.0, -0.5)] == \
        ["0.0001", "0.00018", "0.3", "1.2", "10", "−0.5"]
    assert [N.sig(v) for v in (math.nan, math.inf, -math.inf)] == ["NaN", "∞", "−∞"]


def test_latex_keeps_the_ascii_minus_that_katex_typesets_as_a_minus():
    assert N.tex(N.sig(-2.5e-7)) == r"-2.50\times10^{-7}" and N.tex(N.fixed(-0.674, 3)) == "-0.674"
    assert N.tex(N.sig(-math.inf)) == r"-\infty" and N.tex(N.sig(math.nan)) == r"\text{NaN}"
    assert N.tex_num(-2.5) == "-2.5" and N.tex_num(1e-12) == "10^{-12}" and N.tex_num(123456.0) == "123456"
    assert N.paren(N.fixed(-3.1, 2)) == "(−3.10)" and N.paren(N.tex(N.fixed(-3.1, 2))) == "(-3.10)"
    assert N.paren("2.20") == "2.20"


@given(finite)
def test_no_formatter_writes_a_hyphen_for_a_minus(v):
    for text in (N.sig(v), N.sig(v, 1), N.short(v), N.short(v, 8), N.fixed(v, 3), N.fixed(v, 1, trim=True),
                 N.exact(v)):
        assert "-" not in text, text
        assert text.startswith("−") == (v < 0 and N.number(text) != 0), text


@given(finite)
def test_exact_reads_back_as_exactly_the_value_and_the_others_to_their_digits(v):
    assert N.number(N.exact(v)) == v
    assert N.number(N.sig(v, 17)) == pytest.approx(v, rel=1e-15, abs=0)
    assert N.number(N.short(v, 6)) == pytest.approx(v, rel=1e-5, abs=0)


def test_tick_labels_read_back():
    for v in (0.01, 0.2, 1, 50, 1e3, 1e4, 2e-5, 3e-7):
        assert N.number(N.tick_label(v)) == pytest.approx(v)


# ------------------------------------------------------------------ the pages' tables
def shown(frame) -> list[str]:
    """Every cell of a st.dataframe as the browser shows it (the Styler's formatted strings, else the values)."""
    styler = frame.proto.arrow_data.styler
    if styler.display_values:
        table = pa.ipc.open_stream(styler.display_values).read_all().to_pandas()
    else:
        table = frame.value
    return [str(v) for v in table.to_numpy().ravel()]


@pytest.mark.parametrize(("page", "query", "toggle"), [
    ("loss.py", {"t": "5"}, None),  # the scores, hinge, softmax and pipeline tables
    ("loss.py", {"loss_source": "lecture"}, None),  # the slides' scores (frog: −1.7)
    ("classifier.py", {"t": "5"}, "edit_W"),  # the W/b editor and the gradients beside it
    ("computation_graph.py", {}, None),
    ("gradient_check.py", {}, None),
])
def test_tables_write_negative_numbers_with_the_real_minus_as_the_charts_do(page, query, toggle):
    at = run(page, query)
    if toggle:
        at.toggle(key=toggle).set_value(True).run()
    cells = [c for frame in [*at.dataframe, *at.table] for c in shown(frame)]
    assert cells, f"{page} showed no table"
    assert not [c for c in cells if HYPHEN_MINUS.search(c)], f"{page}: hyphens as minus signs"
    assert any("−" in c for c in cells), f"{page}: no negative number shown (the test needs one)"
