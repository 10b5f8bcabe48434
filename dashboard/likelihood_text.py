"""What the Likelihood & KL page writes: the typed prediction p̂ read back (or why not), the KL divergence of the
slide's example term by term, and the data set's log-likelihood, each with the live numbers (no Streamlit here)."""
from __future__ import annotations

import numpy as np

from dashboard.figures.format import number, short, tex
from linviz.information import Divergence, LogLikelihood, normalize


def p_hat_text(p_hat) -> str:
    """p̂ as the text box shows it: '0.5, 0.01, …' (6 significant digits, so a sum of 1 survives the round trip)."""
    return ", ".join(short(v, 6) for v in p_hat)


def parse_p_hat(text: str, size: int) -> tuple[np.ndarray, str | None]:
    """The typed p̂: `size` non-negative numbers separated by commas (or spaces), divided by their sum. Returns the
    distribution and a note when it had to be normalized; raises ValueError saying, in words, what is wrong."""
    parts = [part for part in str(text).replace(";", ",").replace(",", " ").split() if part]
    if len(parts) != size:
        raise ValueError(f"p̂ needs {size} probabilities, one per class, separated by commas; got {len(parts)}.")
    values = []
    for k, part in enumerate(parts):
        try:
            value = number(part)
        except (TypeError, ValueError):
            raise ValueError(f"entry {k + 1} of p̂ is not a number.") from None
        if not np.isfinite(value) or value < 0:
            raise ValueError(f"entry {k + 1} of p̂ must be a probability: a finite number ≥ 0.")
        values.append(value)
    total = float(sum(values))
    if total <= 0:
        raise ValueError("at least one probability of p̂ must be greater than 0.")
    p = normalize(values)
    note = None if abs(total - 1.0) <= 1e-9 else f"The numbers summed to {short(total, 6)}: each was divided by it."
    return p, note


def _log(v: float) -> str:
    return rf"\log {tex(short(v, 4))}"


def kl_latex(terms: Divergence, true_class: int) -> str:
    """KL(p*‖p̂) = Σ p* log(p*/p̂) = −H(p*) + H(p*, p̂) with the numbers: for a one-hot p* every term k ≠ y is 0
    (0 log 0 = 0), so each sum is one term, and KL = −log p̂_y. Classes are written 1 … K, as on the slide."""
    y, q = int(true_class), float(terms.q[true_class])
    kl, H, cross = terms.kl, terms.entropy, terms.cross_entropy
    return (r"\begin{aligned}"
            rf"\mathrm{{KL}}(p^*\,\|\,\hat p) &= \sum_k p^*_k \log\frac{{p^*_k}}{{\hat p_k}}"
            rf" = 1\cdot\log\frac{{1}}{{{tex(short(q, 4))}}} = {tex(short(kl, 5))} \\"
            rf"-H(p^*) &= \sum_k p^*_k \log p^*_k = 1\cdot\log 1 = {tex(short(-H + 0.0, 5))} \\"
            rf"H(p^*, \hat p) &= -\sum_k p^*_k \log \hat p_k = -{_log(q)} = {tex(short(cross, 5))} \\"
            rf"\mathrm{{KL}}(p^*\,\|\,\hat p) &= -H(p^*) + H(p^*, \hat p) = {tex(short(-H + 0.0, 5))} + "
            rf"{tex(short(cross, 5))} = {tex(short(-H + cross, 5))} = -\log \hat p_{{{y + 1}}}"
            r"\end{aligned}\,")


def likelihood_latex(ll: LogLikelihood) -> str:
    """Σ_i log p_{y_i} = −N · (softmax data loss), with the numbers of the data set."""
    return (rf"\sum_{{i=1}}^{{N}} \log p_{{y_i}} = {tex(short(ll.log_likelihood, 6))}"
            rf" \;=\; -N \cdot L_\text{{data}} = -{ll.n} \times {tex(short(ll.data_loss, 6))}"
            rf" = {tex(short(-ll.n * ll.data_loss, 6))}\,")
