"""The Search, Optimizers, Mini-batch and Images pages' exported figures as printed (dashboard/printable.py): still,
as wide as their content, and readable in black and white (their trace-for-trace equality with the pages' charts is
tests/test_export_pages.py)."""
from __future__ import annotations

import pytest

from dashboard import pages
from dashboard.config import DEFAULT
from dashboard.printable import printable
from dashboard.scenes import load

NEW_PAGES = ("search.py", "optimizers.py", "minibatch.py", "images.py")
CFG = DEFAULT.replace(steps=60, t=10, sr_budget=200, op_sched_steps=100, mb_draws=50, im_data="shapes",
                      im_shapes=4)


@pytest.fixture(scope="module")
def printed() -> dict:
    """name -> (print figure, width, height) of every figure the four pages export."""
    ctx = load(CFG)
    figs = {}
    for file in NEW_PAGES:
        figs.update(pages.by_file(file).figures()(ctx))
    return {name: printable(name, fig) for name, fig in figs.items()}


def test_the_four_pages_export_every_figure_they_name(printed):
    named = {name for file in NEW_PAGES for name in pages.by_file(file).exports}
    assert set(printed) == named  # (this view has every chart: a product, a plane and wrong test images)


def test_a_print_is_still_and_sized_to_its_content(printed):
    for name, (fig, width, height) in printed.items():
        assert not fig.layout.updatemenus and not fig.layout.sliders and not fig.frames, name
        assert 300 <= width <= 1400 and 200 <= height <= 1400, (name, width, height)
    # a square plot in a square-ish picture, not in the middle of a 900-px strip (the legend beside the slice adds
    # its own room)
    for name in ("batch_cloud", "search_samples"):
        fig, width, height = printed[name]
        assert width < 1.2 * height, (name, width, height)
    fig, width, height = printed["optimizer_slice"]
    assert width - fig.layout.margin.r < height


def _patterns(fig) -> dict:
    """legend group -> the set of dash patterns of its lines."""
    out: dict = {}
    for t in fig.data:
        if t.legendgroup and "lines" in (t.mode or ""):
            out.setdefault(t.legendgroup, set()).add(t.line.dash or "solid")
    return out


@pytest.mark.parametrize("name", ["search_curves", "optimizer_slice", "optimizer_curves", "schedules",
                                  "batch_curves"])
def test_each_method_optimizer_schedule_or_batch_size_has_its_own_line_pattern(printed, name):
    groups = _patterns(printed[name][0])
    assert len(groups) >= 2, groups
    assert all(len(p) == 1 for p in groups.values()), groups  # a group's lines (its outline too) alike
    patterns = [next(iter(p)) for p in groups.values()]
    assert len(set(patterns)) == len(patterns), groups


def test_an_optimizer_has_the_same_pattern_on_the_slice_and_on_its_loss_curve_and_the_slice_names_them(printed):
    slice_fig, curves = printed["optimizer_slice"][0], printed["optimizer_curves"][0]
    assert _patterns(slice_fig) == _patterns(curves)
    assert slice_fig.layout.showlegend
    named = [t.legendgroup for t in slice_fig.data if t.legendgroup and t.showlegend is not False]
    assert sorted(named) == sorted(set(named)) and len(named) == 5  # each optimizer once
    assert all(t.line.color != "#FFFFFF" for t in slice_fig.data if t.legendgroup and t.showlegend is not False)


def test_a_dense_path_is_a_patterned_line_without_its_dots(printed):
    dense = [t for t in printed["optimizer_slice"][0].data if t.legendgroup and t.x is not None and len(t.x) > 40]
    assert dense  # (61 steps a path)
    assert all(t.mode == "lines" for t in dense), [t.mode for t in dense]


def test_each_batch_size_cloud_has_its_own_marker(printed):
    clouds = [t for t in printed["batch_cloud"][0].data if (t.name or "").startswith("M = ")]
    assert len(clouds) == len(CFG.mb_sizes)
    assert len({t.marker.symbol for t in clouds}) == len(clouds)


def test_the_search_race_keeps_each_methods_own_marker_in_print(printed):
    fig, width, _ = printed["search_samples"]
    shown = [t for t in fig.data if t.legendgroup and t.showlegend is not False]
    assert len({t.marker.symbol for t in shown}) == len(shown) == 5
    assert all("markers" in t.mode for t in shown), [t.mode for t in shown]  # (GD's paths too: their squares, ×)
    assert width >= 760  # (narrower, its legend took four rows and squeezed the plot)


def test_the_templates_still_says_its_step(printed):
    fig = printed["image_templates"][0]
    assert f"t = {CFG.t}" in [note.text for note in fig.layout.annotations]
