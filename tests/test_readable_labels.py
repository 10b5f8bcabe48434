"""Labels written on charts are readable from the back of a lecture hall (at least 14 px, never shrunk)."""
from __future__ import annotations

import numpy as np

from dashboard.figures.base import FONT_SIZE
from dashboard.figures.probabilities import kl_figure


def test_the_kl_bars_values_are_not_shrunk_to_the_bars():
    """Plotly shrank the p̂ labels to the bars' width: ~9 px on a 1280 px projector."""
    p_hat = np.array([0.5, 0.01, 0.01, 0.01, 0.01, 0.01, 0.15, 0.3])
    fig = kl_figure(np.eye(8)[3], p_hat, 3)
    (bars,) = [t for t in fig.data if t.type == "bar" and t.text is not None]
    assert bars.constraintext == "none" and bars.textfont.size >= FONT_SIZE - 2 >= 14
