"""The batch export command and the scenes it shares with the pages."""
import os
import shutil

import numpy as np
import pytest

from dashboard import export, views
from dashboard.config import DEFAULT


def test_all_figures_has_every_view():
    figs = views.all_figures(DEFAULT.replace(steps=20))
    assert set(figs) == {"classifier", "templates", "classifier_views", "training_animation", "loss_curves",
                         "landscape_pair", "landscape_3d", "lr_landscape", "lr_curves"}
    assert all(fig.data for fig in figs.values())


def test_unknown_figure_name_is_an_error(tmp_path, capsys):
    assert export.main(["--out", str(tmp_path), "--only", "nope", "--query", "steps=20"]) == 2
    assert "unknown figure" in capsys.readouterr().err


def test_bad_query_warns_and_uses_defaults(tmp_path, capsys):
    if not shutil.which("chromium") and not os.environ.get("LINVIZ_REQUIRE_BROWSER"):
        pytest.skip("image export needs Chromium (apt-get install chromium)")
    code = export.main(["--out", str(tmp_path), "--only", "classifier", "--format", "svg", "png",
                        "--url", "http://localhost:8501/?lr=banana&steps=20"])
    assert code == 0
    assert "lr" in capsys.readouterr().err
    svg = (tmp_path / "classifier.svg").read_text()
    assert svg.startswith("<svg") and "x₁" in svg
    png = (tmp_path / "classifier.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000


def test_a_page_that_shows_step_t_trains_only_that_far():
    cfg = DEFAULT.replace(t=20, steps=300, lr=0.05)
    short, full = views.load(cfg, through_t=True), views.load(cfg)
    assert short.hist.steps == views.CHUNK and full.hist.steps == 300
    assert short.cfg == full.cfg == cfg and short.t == full.t == 20
    np.testing.assert_array_equal(short.W, full.W)
    assert views.load(cfg.replace(t=51), through_t=True).hist.steps == 2 * views.CHUNK
    assert views.load(cfg.replace(t=0), through_t=True).hist.steps == views.CHUNK
