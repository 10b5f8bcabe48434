"""Fuzzed and extreme input on every page of the registry (issue 14, item 2), through the app as production runs it.

Hypothesis writes query strings (unknown keys, out-of-range, NaN / inf, huge, negative, unicode, HTML and Markdown
payloads, repeated keys) and extreme but valid settings (every loss × optimizer × data set); each page is opened
with them in AppTest. What must hold after the run:
- no exception, no error box, no traceback in the log;
- each bad parameter is named by a warning, and user text in any message is inert (inside a code span, never
  Markdown or HTML);
- no NaN or inf on the screen (text, metrics, tables) or in a figure (every Plotly figure's data arrays, the 3-D
  chart's too).
Hypothesis is derandomized (the same examples in every CI run) and bounded per page to keep the suite fast.
"""
from __future__ import annotations

import base64
import decimal
import json
import logging
import math
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as hst
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

from dashboard.config import SCHEMA, param_names
from dashboard.figures import format as numbers
from dashboard.pages import PAGES
from linviz.datasets import CLASS_RANGE, DATASETS
from linviz.optim import OPTIMIZERS, SCHEDULES
from tests.app_entry import open_app, page_shown

FUZZ = settings(max_examples=3, deadline=None, derandomize=True, phases=(Phase.explicit, Phase.generate),  # (no
                # shrinking: a failure's example is printed as drawn, and CI stays fast)
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])
TOKEN = "zq"  # every hostile text carries it: where it shows, it must be inside a code span
HOSTILE = ["[zq log in](http://127.0.0.1:9/login)", "![zq](http://127.0.0.1:9/p.png)", ":red[zq alarm]",
           "<img src=x onerror=zq>", "<b>zq</b>", "**zq**", "$zq^2$", "zq\n\n# heading", "`zq` ``b``",
           ":material/home: zq :smile:", "\u202ezq", "zq\u00e9\u4e2d\U0001F600", "<script>zq</script>", "zq" * 600]
NON_NUMBERS = ["nan", "NaN", "inf", "-inf", "Infinity", "1e309", "-1e309", "1e400", "abc", "", " ", "0x10", "1,2",
               "9" * 400]


# ---------------------------------------------------------------- what the page showed
def _nodes(node):
    yield node
    for child in (getattr(node, "children", None) or {}).values():
        yield from _nodes(child)


def elements(at: AppTest) -> list:
    return list(_nodes(at._tree))


def markdown_texts(at: AppTest) -> list[tuple[str, str]]:
    """(type, Markdown body) of every element whose text Streamlit renders as Markdown (labels included)."""
    out = []
    for node in elements(at):
        kind = getattr(node, "type", "")
        for attr in ("value", "label", "help", "body"):
            text = getattr(getattr(node, "proto", None), attr, None) if attr in ("body", "help") else None
            if text is None:
                try:
                    text = getattr(node, attr, None)
                except Exception:  # (some elements compute their value from state)
                    text = None
            if isinstance(text, str) and text:
                out.append((kind, text))
    return out


def outside_code(text: str) -> str:
    """The text with its code spans (`...`, ``...``) removed."""
    return re.sub(r"(`+)(.+?)\1", "", text, flags=re.S)


NON_FINITE = re.compile(r"(?i)(?<![a-z])(nan|[+-]?inf|infinity)(?![a-z])")


SHOWN_NON_FINITE = re.compile(NON_FINITE.pattern + "|∞")  # in a number shown (prose may say [0, ∞))


def table_cells(frame) -> pd.DataFrame:
    """What a table shows: the texts a Styler formatted, else the values."""
    data = frame.proto.arrow_data
    if data.HasField("styler") and data.styler.display_values:
        return dataframe_util.convert_arrow_bytes_to_pandas_df(data.styler.display_values)
    return frame.value


def screen_problems(at: AppTest) -> list[str]:
    """NaN / inf in what the page shows: texts, metrics, tables."""
    problems = []
    for kind, text in markdown_texts(at):
        if NON_FINITE.search(outside_code(text)):
            problems.append(f"{kind}: {text[:200]!r}")
    for metric in at.metric:
        for part in (metric.value, metric.proto.delta):
            if SHOWN_NON_FINITE.search(str(part)):
                problems.append(f"metric {metric.label}: {part!r}")
    for frame in [*at.dataframe, *at.table]:
        for col in frame.value.columns:  # Streamlit's number columns show these raw, in a red-cornered error cell
            values = frame.value[col].to_numpy()
            if values.dtype.kind in "fiu" and (np.abs(values[np.isfinite(values)]) >= 2.0**53).any():
                problems.append(f"table column {col!r}: beyond ±2⁵³ in a number column: {values[:4]}")
        df = table_cells(frame)
        for col in df.columns:
            values = df[col].to_numpy()
            bad = [v for v in values if (isinstance(v, (float, np.floating)) and not math.isfinite(v))
                   or (isinstance(v, str) and SHOWN_NON_FINITE.search(v))]
            if bad:
                problems.append(f"table column {col!r}: {bad[:3]} of {list(values)[:8]}")
    return problems


def figures(at: AppTest) -> list[dict]:
    """Every Plotly figure on the page, as the browser gets it (the 3-D chart's too)."""
    out = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    for comp in at.get("bidi_component"):
        if comp.proto.component_name == "linviz_webgl_chart":
            out.append(json.loads(json.loads(comp.proto.json)["figure"]))
    return out


def _array(value) -> np.ndarray | None:
    if isinstance(value, dict) and "bdata" in value and "dtype" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
    return None


def figure_problems(fig: dict) -> list[str]:
    """NaN / inf in a figure's data arrays (decoded from base64 too) and in its texts (hover text, annotations)."""
    problems = []

    def walk(value, path):
        arr = _array(value)
        if arr is not None:
            if arr.dtype.kind == "f" and not np.isfinite(arr).all():
                problems.append(f"{path}: {arr.size - np.isfinite(arr).sum()} non-finite of {arr.size}")
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{path}.{k}")
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, f"{path}[{i}]")
        elif isinstance(value, float) and not math.isfinite(value):
            problems.append(f"{path}: {value}")
        elif isinstance(value, str) and SHOWN_NON_FINITE.search(re.sub(r"%\{[^}]*\}", "", value)):
            problems.append(f"{path}: {value[:120]!r}")

    walk(fig.get("data", []), "data")
    layout = {k: v for k, v in fig.get("layout", {}).items() if k != "template"}
    walk(layout, "layout")
    return problems


def alerts(at: AppTest) -> list[str]:
    return [a.value for kind in ("warning", "info") for a in getattr(at, kind)]


# ---------------------------------------------------------------- the checks every run passes
def check_page(at: AppTest, page, logged: str) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert page_shown(at) == page.file, f"asked for {page.file}, the app drew {page_shown(at)}"
    assert at.header and at.header[0].value == page.heading
    assert "Traceback" not in logged, logged[-2000:]
    errors = [e.value for e in at.error]
    assert not any("Something went wrong" in e for e in errors), errors
    for kind, text in markdown_texts(at):  # user text is inert wherever it shows
        assert TOKEN not in outside_code(text), f"{kind} renders user text as Markdown: {text[:300]!r}"
    for node in elements(at):
        proto = getattr(node, "proto", None)
        if getattr(proto, "allow_html", False) or getattr(proto, "unsafe_allow_html", False):
            assert TOKEN not in str(proto), f"HTML element with user text: {str(proto)[:300]}"
    assert not screen_problems(at), screen_problems(at)
    for fig in figures(at):
        assert not figure_problems(fig), figure_problems(fig)


class Logged(logging.Handler):
    """The log records of a run (Streamlit's loggers do not propagate to the root logger)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)

    def text(self) -> str:
        return "\n".join(r.getMessage() + ("\nTraceback" if r.exc_info else "") for r in self.records)


def run_page(page, query: dict) -> AppTest:
    """Open `page` with the URL query `query`, run it once and check what it shows."""
    logged = Logged()
    loggers = [logging.getLogger(), logging.getLogger("streamlit")]
    for logger in loggers:
        logger.addHandler(logged)
    try:
        at = open_app(page.file, query)
        at.run()
    finally:
        for logger in loggers:
            logger.removeHandler(logged)
    check_page(at, page, logged.text())
    return at


@pytest.fixture(autouse=True)
def raise_errors(monkeypatch):
    monkeypatch.setenv("LINVIZ_RAISE", "1")  # an error in a page raises (at.exception) instead of a message


# ---------------------------------------------------------------- bad links
def _bad_value(name: str) -> hst.SearchStrategy[str]:
    """A value of field `name` that no Config accepts."""
    spec = SCHEMA[name]
    junk = hst.sampled_from(HOSTILE) | hst.text(min_size=1, max_size=12).map(lambda s: TOKEN + s)
    if spec.kind == "choice":
        valid = set(spec.choices) | set(param_names(8))
        return (junk | hst.sampled_from(["", "SVM", "W99", "b9"])).filter(lambda v: v not in valid)
    if spec.kind == "bool":
        return junk | hst.sampled_from(["2", "-1", "yes", "on", "True", "nan", ""])
    span = (spec.hi - spec.lo) or 1.0
    out_of_range = hst.sampled_from([repr(spec.lo - span), repr(spec.hi + span), repr(-1e300), repr(1e300),
                                     repr(spec.hi * 1e6 + 1)])
    if spec.kind == "floats":
        return junk | hst.sampled_from(["1,nan", "inf", "1e309", f"{spec.hi * 10:g}", "1,,x", "-1e9,1"])
    bad = junk | hst.sampled_from(NON_NUMBERS) | out_of_range
    if spec.kind == "int":
        bad = bad | hst.sampled_from([repr(spec.lo + 0.5)])
    return bad


@hst.composite
def bad_links(draw) -> tuple[dict, list[str], list[str]]:
    """(query, the known parameters whose value is bad, the unknown keys)."""
    bad_names = draw(hst.lists(hst.sampled_from(sorted(SCHEMA)), min_size=1, max_size=4, unique=True))
    query = {}
    for name in bad_names:
        value = draw(_bad_value(name))
        if draw(hst.booleans()):  # a repeated key: the last value is the one read
            query[name] = [draw(hst.sampled_from(["1", "0.5", TOKEN])), value]
        else:
            query[name] = value
    unknown = draw(hst.lists(hst.sampled_from(HOSTILE) | hst.text(min_size=1, max_size=20).map(
        lambda s: TOKEN + s), max_size=4, unique=True).map(lambda ks: [k for k in ks if k not in SCHEMA]))
    for key in unknown:
        query[key] = draw(hst.sampled_from([*HOSTILE[:3], "1", "nan", ""]))
    return query, bad_names, unknown


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
@FUZZ
@given(link=bad_links())
def test_a_bad_link_warns_by_name_and_breaks_nothing(page, link):
    query, bad_names, unknown = link
    at = run_page(page, query)
    said = alerts(at)
    for name in bad_names:
        assert any(f"URL parameter {name} =" in a for a in said), (name, query[name], said)
    if unknown:
        notice = [a for a in said if a.startswith("Ignored URL parameter") and "no setting" in a]
        assert len(notice) == 1, said
        listed = notice[0].rsplit(": linviz has no setting", 1)[0]
        spans = re.findall(r"(`+)(.+?)\1", listed)
        assert len(spans) == min(len(unknown), 3) and ("more" in listed) == (len(unknown) > 3), notice[0]


# ---------------------------------------------------------------- extreme settings
EXTREMES = {  # each field at its ends (and a few values where the ends are not the hard cases)
    name: ([spec.lo, spec.hi] if spec.kind in ("int", "float") else list(spec.choices) if spec.kind == "choice"
           else [False, True] if spec.kind == "bool" else [])
    for name, spec in SCHEMA.items()
}
EXTREMES["lrs"] = [(1e-5,), (1000.0,), (1e-5, 1000.0, 120.0, 12.0, 0.5, 0.003)]
EXTREMES["mb_sizes"] = [(1.0,), (1000.0,), (1.0, 1000.0)]
EXTREMES["init"] = [c for c in SCHEMA["init"].choices if c != "custom"]  # (custom needs W0)
for costly in ("n_points", "steps", "t", "sr_budget", "op_sched_steps", "mb_draws", "dv_steps"):
    spec = SCHEMA[costly]  # item 1 measures what the largest of these cost; here the ends and one in the middle
    EXTREMES[costly] = [int(spec.lo), int(min(spec.hi, max(spec.lo, 60))), int(spec.hi)]
for dropped in ("W0", "param1", "param2", "loss", "optimizer", "dataset"):
    EXTREMES.pop(dropped)


def _link(values: dict) -> dict:
    out = {}
    for name, value in values.items():
        if isinstance(value, tuple):
            out[name] = ",".join(repr(float(v)) for v in value)
        elif isinstance(value, bool):
            out[name] = "1" if value else "0"
        else:
            out[name] = repr(value) if isinstance(value, float) else str(value)
    return out


@hst.composite
def extreme_settings(draw, loss: str, optimizer: str, dataset: str) -> dict:
    names = draw(hst.lists(hst.sampled_from(sorted(EXTREMES)), min_size=4, max_size=12, unique=True))
    values = {name: draw(hst.sampled_from(EXTREMES[name])) for name in names if EXTREMES[name]}
    lo, hi = CLASS_RANGE[dataset]
    values.update(loss=loss, optimizer=optimizer, dataset=dataset, n_classes=draw(hst.sampled_from([lo, hi])))
    if values.get("n_points", 0) == 1000 and values.get("steps", 0) == 2000:  # the worst case is item 1's
        values["steps"] = 60
    return _link(values)


COMBOS = [(loss, opt, data) for loss in SCHEMA["loss"].choices for opt in OPTIMIZERS for data in DATASETS]


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
@FUZZ
@given(data=hst.data())
def test_extreme_settings_show_no_nan_or_inf(page, data):
    loss, optimizer, dataset = data.draw(hst.sampled_from(COMBOS))
    query = data.draw(extreme_settings(loss, optimizer, dataset))
    at = run_page(page, query)
    assert not any("URL parameter" in a for a in alerts(at)), alerts(at)  # every value was valid


@pytest.mark.parametrize("k", range(len(PAGES)), ids=[p.name for p in PAGES])
def test_every_loss_optimizer_and_data_set_at_the_largest_step_size(k):
    """Every loss × optimizer × data set (the 8×8 image sets too) spread over the pages (each page a different
    share of them): α and λ at their largest, the noise at its largest, the most classes, momentum and Adam's β at
    their ends; the step t at the horizon."""
    page = PAGES[k]
    for loss, optimizer, dataset in COMBOS[k::len(PAGES)]:
        query = _link({"loss": loss, "optimizer": optimizer, "dataset": dataset, "lr": 10.0, "reg": 10.0,
                       "margin": 5.0, "noise": 3.0, "n_classes": CLASS_RANGE[dataset][1], "mu": 0.99,
                       "steps": 80, "t": 80, "schedule": sorted(SCHEDULES)[k % len(SCHEDULES)], "batch_size": 1 + k % 3,
                       "extent": 100.0, "auto_extent": False, "op_adam_beta2": 0.0, "op_adam_beta1": 0.999,
                       "op_sgd_lr": 10.0, "ng_h": 1e-12, "gc_h": 1e-12, "dv_alpha": 1.0, "dv_steps": 2000,
                       "cg_w1": 5.0, "cg_w2": 5.0, "cg_x1": 5.0, "cg_x2": 5.0, "sr_lr": 10.0})
        run_page(page, query)


def test_the_registry_is_what_these_tests_cover():
    assert len(PAGES) >= 12 and len({p.file for p in PAGES}) == len(PAGES)


# ---------------------------------------------------------------- what the fuzzing found (each failed before its fix)
BLOWN_UP = {"loss": "svm", "optimizer": "momentum", "dataset": "blobs", "lr": "10", "reg": "10", "margin": "5",
            "noise": "3", "n_classes": "8", "mu": "0.99", "steps": "80", "t": "80", "schedule": "inverse_time",
            "batch_size": "1", "gc_h": "1e-12", "sr_lr": "10"}  # W reaches 10¹⁵³ and the loss 1.7×10³⁰⁸ at step 71


def test_the_hinge_tables_leave_the_true_class_empty_not_nan():
    """The Loss page's hinge tables wrote "NaN" in each row's j = y_i cell (its Styler formatted NaN as well)."""
    at = run_page(PAGES[1], {})
    hinge = table_cells(at.dataframe[1])
    assert "L_i" in hinge.columns
    terms = hinge[[c for c in hinge.columns if c.startswith("j = ")]]
    assert (terms == "—").sum(axis=1).tolist() == [1] * len(terms)  # one empty cell per row: its own class


@pytest.mark.parametrize("file", ["loss.py", "gradient_check.py", "search.py"])
def test_a_run_blown_up_to_the_largest_float_shows_numbers(file):
    """At W ~ 10¹⁵³: the Loss page's pipeline showed exp(s) = ∞ and −log p = 690.8 (a floor's, not 10¹⁵³), the
    Gradient check raised (its round-off floor overflowed to inf), the Search race's table showed a final loss inf."""
    at = run_page(next(p for p in PAGES if p.file == file), BLOWN_UP)
    if file == "loss.py":
        pipeline = next(table_cells(df) for df in at.dataframe if "exp(s)" in df.value.columns)  # (not by position:
        # a table of many classes is split into two or more)
        assert pipeline["exp(s)"].str.startswith("e^(").any() and not pipeline["−log p"].isin(["690.8"]).any()
    if file == "gradient_check.py":
        assert any("The check cannot run at step t = 71" in w.value for w in at.warning)
    if file == "search.py":
        assert "diverged" in table_cells(at.dataframe[0])["final loss"].tolist()
    # a number column with a value beyond ±2⁵³ is an error cell in the browser (its raw digits, a red corner): the
    # tables showed W ~ 10¹⁵³'s scores and losses so (found in Chromium; screen_problems checks every table)
    assert not screen_problems(at)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(s=hst.floats(-1e6, 1e6))
def test_short_exp_writes_e_to_the_s_beyond_the_largest_float(s):
    """Against decimal's exact exponential, written the same way (a naive twin)."""
    with decimal.localcontext() as ctx:
        ctx.prec, ctx.Emax, ctx.Emin = 30, 10**9, -10**9
        exact = decimal.Decimal(s).exp()
    mantissa, exponent = f"{exact:.3e}".split("e")
    expected = numbers.short(float(exact)) if abs(s) < 700 else numbers._power(
        f"{float(mantissa):.4g}", int(exponent))
    assert numbers.short_exp(s) == expected or abs(s) < 700 and math.isclose(
        numbers.number(numbers.short_exp(s)), float(exact), rel_tol=1e-3)
    assert not SHOWN_NON_FINITE.search(numbers.short_exp(s))
