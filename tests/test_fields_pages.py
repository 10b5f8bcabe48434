"""The one list of fields (config.setting -> SCHEMA, SIDEBAR, page_only, the cache specs) and the one list of pages
(dashboard/pages.py): each is read, not copied, and each says the truth about the app."""
from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import compute, scenes
from dashboard import gradient_compute as gc
from dashboard.config import DEFAULT, SCHEMA, SIDEBAR, Config
from dashboard.pages import EXPORTS, FOLDER, PAGES, by_file

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")


@pytest.fixture(autouse=True)
def raise_errors(monkeypatch):
    monkeypatch.setenv("LINVIZ_RAISE", "1")


def app(query: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def sidebar_view(at: AppTest, without: str) -> list[str]:
    """Everything the sidebar draws (each element's protobuf, with the value it holds), but the widget `without`."""
    return [f"{node.type} {node.proto} {getattr(node, 'value', '')!r}" for node in at.sidebar
            if hasattr(node, "proto") and getattr(node, "key", None) != without]


# ---------------------------------------------------------------- the fields
def test_each_field_is_declared_once_with_a_kind_that_fits_its_default():
    assert list(SCHEMA) == [f.name for f in fields(Config)]
    python_type = {"bool": bool, "int": int, "float": float, "floats": tuple, "choice": str}
    for name, spec in SCHEMA.items():
        assert type(getattr(DEFAULT, name)) is python_type[spec.kind], name
        assert spec.what, name
        if spec.kind in ("int", "float", "floats"):
            assert spec.lo <= (min(getattr(DEFAULT, name), default=spec.lo) if spec.kind == "floats"
                               else getattr(DEFAULT, name)) <= spec.hi, name
    assert sum(SIDEBAR.values(), ()) == tuple(n for n, s in SCHEMA.items() if s.sidebar)


def test_the_sidebar_draws_a_control_for_each_sidebar_field_with_its_range():
    at = app({"loss": "svm", "optimizer": "momentum"})  # (the margin and the momentum are shown)
    keys = {getattr(node, "key", None): node for node in at.sidebar}
    for name in sum(SIDEBAR.values(), ()):
        assert name in keys, f"no sidebar control for {name}"
        widget, spec = keys[name], SCHEMA[name]
        if type(widget).__name__ in ("Slider", "NumberInput") and name != "n_classes":  # (C: per data set)
            assert (widget.min, widget.max) == (spec.lo, spec.hi), name


CHANGES = {"n_points": "200", "n_classes": "4", "noise": "0.5", "test_fraction": "0.3", "seed": "5",
           "margin": "2", "reg": "0.1", "penalty": "l1", "lr": "0.1", "batch_size": "16", "schedule": "step",
           "mu": "0.5", "steps": "300", "dataset": "xor", "loss": "softmax", "optimizer": "adam"}


@pytest.mark.parametrize("name", sum(SIDEBAR.values(), ()))
def test_page_only_says_whether_the_rest_of_the_sidebar_depends_on_a_field(name):
    """A page_only field changes nothing the sidebar draws but its own control (so a change of it may rerun only
    the page); any other field changes more (a control appears or goes, a caption)."""
    base = {"loss": "svm", "optimizer": "momentum", "init": "small"}
    other = {**base, name: CHANGES.get(name, "custom")}
    if name == "init":
        other["W0"] = ",".join(["0.5"] * 9)
    same = sidebar_view(app(base), without=name) == sidebar_view(app(other), without=name)
    assert same == SCHEMA[name].page_only, (name, SCHEMA[name].page_only)


def another(name: str, value):
    """A valid value of field `name` other than `value`."""
    spec = SCHEMA[name]
    if spec.kind == "choice":
        return next(c for c in spec.choices if c != value) if spec.choices else "b0"
    if spec.kind == "bool":
        return not value
    if spec.kind == "floats":
        return (0.25,) * 9
    return value + 1 if spec.kind == "int" else (value / 2 if value else 0.5)


def test_the_cache_specs_hold_what_a_run_depends_on_and_nothing_else():
    runs_on = {f.name for spec in (compute.DataSpec, compute.InitSpec) for f in fields(spec)} | {
        f.name for f in fields(compute.TrainSpec)} - {"data", "init", "options"} | {"mu"}
    cfg = DEFAULT.replace(optimizer="momentum")
    for name in SCHEMA:
        new = another(name, getattr(cfg, name))
        if name == "W0":
            cfg_new = cfg.replace(init="custom", W0=new)
            assert compute.TrainSpec.of(cfg_new) != compute.TrainSpec.of(cfg.replace(init="custom", W0=(0.5,) * 9))
            continue
        changed = compute.TrainSpec.of(cfg.replace(**{name: new})) != compute.TrainSpec.of(cfg)
        assert changed == (name in runs_on), name
    assert compute.TrainSpec.of(cfg).data.seed == cfg.seed  # by name: no more dkey[3]
    key = gc.ProblemSpec.of(cfg)
    assert key.data == compute.DataSpec.of(cfg) and key == gc.ProblemSpec.of(cfg.replace(lr=0.01, t=7))


# ---------------------------------------------------------------- the pages
def test_every_page_file_is_registered_once():
    assert sorted(p.file for p in PAGES) == sorted(f.name for f in FOLDER.glob("*.py"))
    assert len({p.name for p in PAGES}) == len({p.title for p in PAGES}) == len(PAGES)
    assert PAGES[0].url == "/" and all(p.url == f"/{p.name}" for p in PAGES[1:])
    assert by_file(FOLDER / "loss.py").title == "Loss"


def test_the_exports_are_the_figures_each_page_scene_computes():
    assert len(set(EXPORTS)) == len(EXPORTS)
    ctx = scenes.load(DEFAULT.replace(steps=20))
    for page in PAGES:
        assert bool(page.exports) == bool(page.scene), page.name
        if page.exports:
            assert tuple(page.figures()(ctx)) == page.exports, page.name
