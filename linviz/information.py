"""Cross-entropy as information: entropy, cross-entropy, KL divergence and the log-likelihood.

For distributions p, q over K classes (natural logarithms, so the unit is nats):
    H(p)      = -sum_k p_k log p_k                (entropy)
    H(p, q)   = -sum_k p_k log q_k                (cross-entropy)
    KL(p||q)  =  sum_k p_k log(p_k / q_k) = -H(p) + H(p, q), term by term.
A term with p_k = 0 is 0 (the limit of t log t as t -> 0); a term with p_k > 0 = q_k is +inf.
With the one-hot truth p* of class y, H(p*) = 0 and KL(p*||p_hat) = H(p*, p_hat) = -log p_hat_y:
minimizing the KL divergence is minimizing the softmax loss L_i.

Over a data set, the log-likelihood of the labels is sum_i log p_{y_i} = -N * (softmax data loss):
maximizing the log-likelihood = minimizing the negative log-likelihood = minimizing the loss.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from linviz.losses import softmax_loss

# The slide's prediction p_hat over 8 classes. The slide's ground truth p* is printed with nine
# entries (a stray ninth 0) for these eight probabilities; we use 8 classes, p* one-hot at row 4.
SLIDE_P_HAT = (0.5, 0.01, 0.01, 0.01, 0.01, 0.01, 0.15, 0.3)
SLIDE_TRUE_CLASS = 3  # 0-based: the 1 of the slide's p* is in its 4th row
_SUM_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Divergence:
    """KL(p||q) = -H(p) + H(p, q), with every term; arrays have shape (K,)."""

    p: np.ndarray
    q: np.ndarray
    entropy_terms: np.ndarray  # -p_k log p_k (0 where p_k = 0)
    cross_entropy_terms: np.ndarray  # -p_k log q_k (0 where p_k = 0)
    kl_terms: np.ndarray  # p_k log(p_k / q_k) = cross_entropy_terms - entropy_terms
    entropy: float  # H(p)
    cross_entropy: float  # H(p, q)
    kl: float  # KL(p||q) >= 0, 0 only for q = p


def check_distribution(name: str, p, size: int | None = None) -> np.ndarray:
    """p as a float array (K,) of finite entries >= 0 that sum to 1; else a ValueError saying what is wrong."""
    try:
        p = np.array(p, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a list of probabilities") from None
    if p.ndim != 1 or p.size == 0:
        raise ValueError(f"{name} must be a non-empty list of probabilities, got shape {p.shape}")
    if size is not None and p.size != size:
        raise ValueError(f"{name} has {p.size} entries, but there are {size} classes")
    if not np.all(np.isfinite(p)) or np.any(p < 0):
        raise ValueError(f"{name} must hold finite probabilities >= 0")
    total = float(p.sum())
    if abs(total - 1.0) > _SUM_TOLERANCE:
        raise ValueError(f"{name} must sum to 1, but sums to {total:.6g}; normalize it first")
    return p


def _log_where_positive(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """log q_k where p_k > 0 (log 0 = -inf there), 0 where p_k = 0: the 0 log 0 = 0 convention."""
    out = np.zeros_like(q)
    with np.errstate(divide="ignore"):
        out[p > 0] = np.log(q[p > 0])
    return out


def divergence(p, q) -> Divergence:
    """Entropy, cross-entropy and KL(p||q) of two distributions p, q (K,), term by term."""
    p = check_distribution("p", p)
    q = check_distribution("q", q, size=p.size)
    log_p = _log_where_positive(p, p)
    log_q = _log_where_positive(p, q)
    entropy_terms = -p * log_p
    cross_terms = -p * log_q
    kl_terms = p * (log_p - log_q)  # the direct form sum p log(p / q); inf where p > 0 = q
    return Divergence(p=p, q=q, entropy_terms=entropy_terms, cross_entropy_terms=cross_terms,
                      kl_terms=kl_terms, entropy=float(entropy_terms.sum()),
                      cross_entropy=float(cross_terms.sum()), kl=float(kl_terms.sum()))


def entropy(p) -> float:
    """H(p) = -sum_k p_k log p_k, in nats."""
    return divergence(p, p).entropy


def cross_entropy(p, q) -> float:
    """H(p, q) = -sum_k p_k log q_k, in nats."""
    return divergence(p, q).cross_entropy


def kl_divergence(p, q) -> float:
    """KL(p||q) = sum_k p_k log(p_k / q_k), in nats."""
    return divergence(p, q).kl


def one_hot(k: int, n_classes: int) -> np.ndarray:
    """The ground truth p* of class k: (n_classes,) with a single 1."""
    if isinstance(n_classes, bool) or not isinstance(n_classes, (int, np.integer)) or n_classes < 1:
        raise ValueError(f"n_classes must be an integer >= 1, got {n_classes!r}")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 <= k < n_classes:
        raise ValueError(f"the true class must be an integer in [0, {n_classes}), got {k!r}")
    p = np.zeros(int(n_classes))
    p[int(k)] = 1.0
    return p


@dataclass(frozen=True)
class KLExample:
    """The slide's 8-class example: one-hot truth p*, prediction p_hat, and its divergence."""

    p_star: np.ndarray  # (8,)
    p_hat: np.ndarray  # (8,)
    true_class: int  # 0-based
    terms: Divergence  # KL(p*||p_hat) term by term; .kl == -log p_hat[true_class]


def slide_kl_example(true_class: int = SLIDE_TRUE_CLASS, p_hat=SLIDE_P_HAT) -> KLExample:
    """The slide's p* (one-hot at true_class) and p_hat (default: the slide's numbers).

    With the slide's truth (class 4, index 3) KL = -log 0.01 = 4.61 nats; with class 1 it is -log 0.5.
    """
    p_hat = check_distribution("p_hat", p_hat)
    p_star = one_hot(true_class, p_hat.size)
    return KLExample(p_star=p_star, p_hat=p_hat, true_class=int(true_class), terms=divergence(p_star, p_hat))


def normalize(weights) -> np.ndarray:
    """Non-negative weights (K,) divided by their sum, so they form a distribution."""
    try:
        w = np.array(weights, dtype=float)
    except (TypeError, ValueError):
        raise ValueError("the probabilities must be numbers") from None
    if w.ndim != 1 or w.size == 0:
        raise ValueError(f"the probabilities must form a non-empty list, got shape {w.shape}")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError("the probabilities must be finite numbers >= 0")
    total = float(w.sum())
    if total <= 0:
        raise ValueError("at least one probability must be greater than 0")
    return w / total


def edit_probability(p, k: int, value: float) -> np.ndarray:
    """p with p_k set to value and the other entries rescaled (in proportion) to sum to 1 - value.

    What a page does when the student drags one bar of p_hat: the edited entry keeps the value
    typed, the rest share what is left in their old proportions (equally if they were all 0).
    """
    p = check_distribution("p", p)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 <= k < p.size:
        raise ValueError(f"the edited class must be an integer in [0, {p.size}), got {k!r}")
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"a probability must be a number, got {value!r}") from None
    if not (np.isfinite(value) and 0.0 <= value <= 1.0):
        raise ValueError(f"a probability must lie in [0, 1], got {value!r}")
    others = np.delete(p, k)
    rest = float(others.sum())
    others = others * ((1.0 - value) / rest) if rest > 0 else np.full(others.size, (1.0 - value) / others.size)
    return np.insert(others, k, value)


@dataclass(frozen=True)
class LogLikelihood:
    """The labels' log-likelihood under a softmax classifier, next to its data loss."""

    log_probs: np.ndarray  # (N,) log p_{y_i}, each <= 0
    log_likelihood: float  # sum_i log p_{y_i}
    data_loss: float  # the softmax data loss (1/N) sum_i -log p_{y_i}
    n: int  # N; log_likelihood == -n * data_loss


def log_likelihood(W, b, X, y) -> LogLikelihood:
    """sum_i log P(Y = y_i | x_i) for W (C, D), b (C,), X (N, D), y (N,)."""
    r = softmax_loss(W, b, X, y, reg=0.0)
    log_probs = -r.per_example  # the loss computes -log p from log-sum-exp, never log of a rounded p
    return LogLikelihood(log_probs=log_probs, log_likelihood=float(log_probs.sum()), data_loss=r.data_loss,
                         n=len(log_probs))
