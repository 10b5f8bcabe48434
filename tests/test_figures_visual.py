"""How the landscape, 3-D surface, loss-curve and palette figures look (issue 8: 1, 8, 10, 12, 13, 14), no browser.

The browser half of these checks is tests/e2e/test_figures_browser.py.
"""
from __future__ import annotations

import numpy as np
import pytest

from dashboard import figures as F
from dashboard.figures import training as T


def landscape(A=31, B=21):
    alphas, betas = np.linspace(-1.0, 2.0, A), np.linspace(-0.5, 0.5, B)
    values = (alphas[:, None] - 0.3) ** 2 + 3.0 * betas[None, :] ** 2 + 0.1 * alphas[:, None] + 0.05
    return alphas, betas, values


def contours_of(fig):
    return [t for t in fig.data if t.type == "contour"]


# ---------------------------------------------------------------- 1: colour bars
@pytest.mark.parametrize("log_color", [False, True])
def test_contour_levels_are_in_the_figure_not_left_to_plotly(log_color):
    # Plotly's automatic levels were lost when Streamlit handed Plotly.react a copy of the figure (issue 8.1)
    alphas, betas, values = landscape()
    pair = F.landscape_pair_figure({"hinge": (alphas, betas, values), "softmax": (alphas, betas, 2 * values)},
                                   log_color=log_color)
    single = F.landscape_figure(alphas, betas, values, log_color=log_color)
    for c in contours_of(pair) + contours_of(single):
        z = np.asarray(c.z, dtype=float)
        levels = c.contours
        assert c.autocontour is False
        assert levels.size > 0 and levels.start <= levels.end
        n = (levels.end - levels.start) / levels.size
        assert 10 <= n + 1 <= 30 and abs(n - round(n)) < 1e-6  # ~25 levels at a round step
        assert np.nanmin(z) <= levels.start < np.nanmin(z) + levels.size
        assert np.nanmax(z) - levels.size < levels.end <= np.nanmax(z)


def test_contour_levels_of_a_flat_or_empty_surface():
    alphas, betas, _ = landscape()
    for values in (np.full((31, 21), 2.5), np.full((31, 21), np.nan)):
        for log_color in (False, True):
            c = contours_of(F.landscape_figure(alphas, betas, values, log_color=log_color))[0]
            assert c.autocontour is False and c.contours.size > 0
            assert c.contours.start <= c.contours.end and np.isfinite([c.contours.start, c.contours.end]).all()


# ---------------------------------------------------------------- 12: class colours
def relative_luminance(hex_color: str) -> float:
    """WCAG 2 relative luminance of '#RRGGBB'."""
    c = np.array([int(hex_color.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)])
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return float(c @ [0.2126, 0.7152, 0.0722])


def contrast(a: str, b: str = "#FFFFFF") -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_of_known_colours():
    assert contrast("#000000") == pytest.approx(21.0) and contrast("#FFFFFF") == pytest.approx(1.0)
    assert contrast("#777777") == pytest.approx(4.48, abs=0.01)  # the WCAG example grey


# Machado et al. 2009, severity 1: linear-RGB simulation of the three dichromacies
DICHROMACY = {"protan": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                         [-0.003882, -0.048116, 1.051998]],
              "deutan": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                         [-0.011820, 0.042940, 0.968881]],
              "tritan": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                         [0.004733, 0.691367, 0.303900]],
              "typical": np.eye(3)}


def lab(hex_color: str, vision: str) -> np.ndarray:
    """CIELAB (D65) of a colour as seen with `vision`."""
    c = np.array([int(hex_color.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)])
    c = np.clip(np.asarray(DICHROMACY[vision]) @ np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4),
                0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ c
    f = np.cbrt(np.maximum(xyz / [0.95047, 1.0, 1.08883], 0.008856))
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_class_6_is_readable_on_white_and_unlike_the_other_classes():
    # issue 8.12: #F0E442 (contrast 1.3:1) could not be read in the algebraic view's matrix or the score titles
    six = F.class_color(6)
    assert contrast(six) >= 4.5  # WCAG AA for text of any size
    for vision in DICHROMACY:  # and it stays a colour of its own, also for colour-blind viewers
        gaps = [np.linalg.norm(lab(six, vision) - lab(F.class_color(k), vision)) for k in range(8) if k != 6]
        assert min(gaps) >= 15, (vision, gaps)


# ---------------------------------------------------------------- 8: a run that blew up
def blown_up_run(T=121):
    """A loss growing ~350-fold per step to 10³⁰⁶ and an accuracy flipping between 1% and 95% every step (as
    lr = 10, λ = 1 does on the default data), then diverged (not finite) at step T."""
    steps = np.arange(T)
    loss = 1.1 * 350.0 ** steps.astype(float)
    acc = np.where(steps % 2 == 0, 0.95, 0.01)
    return loss, acc


def naive_blew_up(values) -> bool:
    """Loop twin of figures._blew_up."""
    first = None
    for v in values:
        if first is None:
            if np.isfinite(v):
                first = abs(v)
            continue
        if not np.isfinite(v) or abs(v) > T.BLOWUP * max(first, 1e-300):
            return True
    return False


@pytest.mark.parametrize("values", [[1.0, 0.5, 0.2], [1.0, 99.0], [1.0, 101.0], [np.nan, 1.0, 200.0],
                                    [2.0, np.inf], [np.nan, np.nan], [0.0, 1e-9], list(blown_up_run()[0])])
def test_blew_up_matches_its_loop_twin(values):
    assert T._blew_up(values) == naive_blew_up(values)


def test_zigzags():
    loss, acc = blown_up_run()
    assert T._zigzags(acc) and not T._zigzags(np.linspace(0.3, 0.95, 121))
    noisy = 0.9 + 0.02 * np.random.default_rng(0).standard_normal(121)  # SGD noise: small turns are a line
    assert not T._zigzags(noisy) and not T._zigzags(acc[:5])


def test_loss_axis_is_linear_unless_asked_or_blown_up():
    calm = np.linspace(1.1, 0.2, 201)
    assert T._loss_axis(calm)["type"] == "linear"
    assert T._loss_axis(calm, log=True)["type"] == "log"
    loss, _ = blown_up_run()
    ax = T._loss_axis(loss)
    assert ax["type"] == "log" and ax["range"][1] >= np.log10(loss[-1]) and ax["range"][0] <= 0.05
    assert 3 <= len(ax["tickvals"]) <= 8 and ax["ticktext"][-1] == "10³⁰⁰" and ax["ticktext"][0] == "1"
    steps = np.diff(np.log10(ax["tickvals"]))
    assert np.allclose(steps, 50)  # round decades: 1, 10⁵⁰, ..., 10³⁰⁰


def test_loss_curves_of_a_run_that_blew_up():
    loss, acc = blown_up_run()
    fig = F.loss_curves_figure(loss, acc, test_loss=loss * 1.01, test_accuracy=acc * 0.9, current=0,
                               diverged_at=121)
    lay = fig.layout
    assert lay.yaxis.type == "log" and lay.yaxis.range[1] >= 306 and "log scale" in lay.annotations[0].text
    lines = [t for t in fig.data if t.yaxis == "y" and t.mode == "lines"]
    assert len(lines) == 2 and all(max(t.x) == 120 for t in lines)  # up to the last finite step, no further
    dots = [t for t in fig.data if t.yaxis == "y2"]
    assert len(dots) == 2 and all(t.mode == "markers" for t in dots)  # two bands of dots, not a hatch
    cross = [t for t in fig.data if t.name == "last finite loss"]
    assert len(cross) == 1 and cross[0].x == (120,) and cross[0].y[0] == pytest.approx(loss[-1])
    note = [a for a in lay.annotations if a.text == "diverged at step 121"][0]
    assert note.xref == "x domain" and note.x < 0.1 and note.xanchor == "left"  # top left: the curve is low there
    # a longer history is cut at the step that diverged
    longer = F.loss_curves_figure(np.r_[loss, [1.0] * 30], np.r_[acc, [0.5] * 30], diverged_at=121)
    assert max(longer.data[0].x) == 121


def test_calm_runs_look_as_before():
    loss, acc = np.linspace(1.1, 0.2, 201), np.linspace(0.3, 0.95, 201)
    fig = F.loss_curves_figure(loss, acc, test_loss=loss + 0.05, test_accuracy=acc - 0.05, current=40)
    assert fig.layout.yaxis.type == "linear" and fig.layout.annotations[0].text == "loss"
    assert all(t.mode == "lines" for t in fig.data)


def test_training_animation_of_a_run_that_blew_up():
    loss, acc = blown_up_run()
    rng = np.random.default_rng(0)
    X, y = rng.uniform(-3, 3, (30, 2)), np.arange(30) % 3
    steps = np.arange(0, 121, 10)
    Ws, bs = rng.standard_normal((len(steps), 3, 2)), rng.standard_normal((len(steps), 3))
    fig = F.classifier_animation(X, y, Ws, bs, (-4, 4, -4, 4), steps, losses=loss, accuracies=acc,
                                 test_losses=loss * 1.01)
    assert fig.layout.yaxis2.type == "log" and fig.layout.yaxis2.range[1] >= 306
    assert not fig.layout.yaxis2.title.text  # (its title lay on the decision regions)
    assert [t.mode for t in fig.data if t.name == "accuracy"] == ["markers"]
    calm = F.classifier_animation(X, y, Ws, bs, (-4, 4, -4, 4), steps, losses=np.linspace(1, 0.2, 121),
                                  accuracies=np.linspace(0.3, 0.9, 121))
    assert calm.layout.yaxis2.type == "linear" and [t.mode for t in calm.data if t.name == "accuracy"] == ["lines"]
