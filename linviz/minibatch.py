"""Mini-batches: the cloud of mini-batch gradients around the full one, and why the step must shrink.

Full batch:  L = (1/N) sum_{i=1..N} L_i      mini-batch:  L_B = (1/M) sum_{i in B} L_i,  |B| = M.
The gradient is linear in the examples, so the full gradient g is the mean of the per-example
gradients g_i (plus the penalty's gradient, the same for every batch), and a batch gradient g_B is
the mean of M of them. A batch is drawn without replacement, as in training (a slice of a random
permutation), so g_B is an unbiased estimate of g with
    E |g_B - g|^2 = (sigma^2 / M) * (N - M) / (N - 1),     sigma^2 = (1/N) sum_i |g_i - g|^2
(the second factor is the finite-population correction: no spread at all once M = N). The spread
sqrt(E |g_B - g|^2) therefore falls like 1 / sqrt(M): a log-log slope of -1/2 once the correction is
divided out.

With a constant learning rate, that noise keeps SGD hovering around the optimum at a distance that
grows with alpha; with a decaying alpha (sum alpha_t = inf, sum alpha_t^2 < inf, e.g. alpha_0 / (1 + k t))
it converges: compare_schedules runs both from the same start on the same batches.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from linviz._checks import check_choice, check_data, check_nonnegative, check_params
from linviz.common_slice import find_minimum
from linviz.landscape import project
from linviz.losses import PENALTIES, canonical_loss_name
from linviz.model import augment
from linviz.optim import check_schedule_options
from linviz.slices import score_losses
from linviz.train_stacked import train_rates


@dataclass(frozen=True)
class GradientCloud:
    """K mini-batch gradients at one (W, b) for each of B batch sizes."""

    batch_sizes: np.ndarray  # (B,) int, each capped at N
    full_dW: np.ndarray  # (C, D) the full-batch gradient
    full_db: np.ndarray  # (C,)
    dW: np.ndarray  # (B, K, C, D) each draw's mini-batch gradient
    db: np.ndarray  # (B, K, C)
    batches: tuple  # per batch size: (K, M) int, the examples of each draw
    mean_dW: np.ndarray  # (B, C, D) mean over the K draws
    mean_db: np.ndarray  # (B, C)
    se_dW: np.ndarray  # (B, C, D) standard error of that mean: std over draws / sqrt(K)
    se_db: np.ndarray  # (B, C)
    spread: np.ndarray  # (B,) measured sqrt(mean_k |g_k - g|^2) over all of (dW, db)
    predicted_spread: np.ndarray  # (B,) sigma / sqrt(M) * sqrt((N - M) / (N - 1))
    sigma: float  # sqrt((1/N) sum_i |g_i - g|^2), the per-example spread
    n: int  # N


def per_example_gradients(X, y, W, b, *, loss: str = "softmax", margin: float = 1.0) -> np.ndarray:
    """Data-loss gradient of each example: (N, C, D + 1), [dL_i/dW | dL_i/db] = dL_i/ds_i (outer) [x_i; 1]."""
    kind = canonical_loss_name(loss)
    X, y = check_data(X, y)
    W, b = check_params(W, b, D=X.shape[1])
    _, dS = score_losses(kind, X @ W.T + b, y, check_nonnegative("margin", margin))
    return dS[:, :, None] * augment(X)[:, None, :]


def _batch_sizes(batch_sizes, N: int) -> np.ndarray:
    try:
        sizes = [int(m) for m in batch_sizes]
    except (TypeError, ValueError):
        raise ValueError(f"batch_sizes must be a list of integers >= 1, got {batch_sizes!r}") from None
    if not sizes or min(sizes) < 1 or any(m != float(v) for m, v in zip(sizes, batch_sizes)):
        raise ValueError(f"batch_sizes must be a non-empty list of integers >= 1, got {batch_sizes!r}")
    return np.minimum(np.array(sizes), N)


def gradient_cloud(X, y, W, b, *, batch_sizes=(1, 8, 32, 128), draws: int = 200, loss: str = "softmax",
                   reg: float = 0.0, penalty: str = "l2", margin: float = 1.0,
                   seed: int | np.random.Generator = 0) -> GradientCloud:
    """`draws` mini-batch gradients at (W, b) for each batch size M (capped at N), seeded."""
    X, y = check_data(X, y)
    W, b = check_params(W, b, D=X.shape[1])
    if y.max() >= W.shape[0]:
        raise ValueError(f"labels y must lie in [0, {W.shape[0]}), got max label {y.max()}")
    reg = check_nonnegative("reg", reg)
    penalty_fn = check_choice("penalty", penalty, PENALTIES)
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or draws < 2:
        raise ValueError(f"draws must be an integer >= 2, got {draws!r}")
    N, D = X.shape
    sizes = _batch_sizes(batch_sizes, N)
    G = per_example_gradients(X, y, W, b, loss=loss, margin=margin).reshape(N, -1)  # (N, P)
    reg_grad = np.concatenate([penalty_fn(W, reg)[1], np.zeros((W.shape[0], 1))], axis=1).ravel()
    full = G.mean(axis=0) + reg_grad
    rng = np.random.default_rng(seed)
    order = np.tile(np.arange(N), (draws, 1))
    clouds, batches = [], []
    for M in sizes:
        batches.append(rng.permuted(order, axis=1)[:, :M])  # (K, M): each row M distinct examples
        clouds.append(G[batches[-1]].mean(axis=1) + reg_grad)  # (K, P)
    g = np.stack(clouds)  # (B, K, P)
    mean = g.mean(axis=1)
    se = g.std(axis=1, ddof=1) / np.sqrt(draws)
    spread = np.sqrt(((g - full) ** 2).sum(axis=2).mean(axis=1))
    sigma = float(np.sqrt(((G - G.mean(axis=0)) ** 2).sum(axis=1).mean()))
    fpc = (N - sizes) / max(N - 1, 1)
    C = W.shape[0]

    def split(a):  # (..., P) -> (..., C, D), (..., C)
        a = a.reshape(*a.shape[:-1], C, D + 1)
        return a[..., :D].copy(), a[..., D].copy()

    (dW, db), (mean_dW, mean_db), (se_dW, se_db), (full_dW, full_db) = (split(a) for a in (g, mean, se, full))
    return GradientCloud(batch_sizes=sizes, full_dW=full_dW, full_db=full_db, dW=dW, db=db, batches=tuple(batches),
                         mean_dW=mean_dW,
                         mean_db=mean_db, se_dW=se_dW, se_db=se_db, spread=spread,
                         predicted_spread=sigma / np.sqrt(sizes) * np.sqrt(fpc), sigma=sigma, n=N)


def spread_slope(cloud: GradientCloud, *, corrected: bool = True) -> float:
    """Least-squares slope of log(spread) against log(M) (-1/2 in theory), over the sizes M < N.

    corrected divides out the finite-population factor sqrt((N - M) / (N - 1)) first.
    """
    M = cloud.batch_sizes.astype(float)
    keep = M < cloud.n
    if keep.sum() < 2:
        raise ValueError("the slope needs at least two batch sizes smaller than N")
    s = cloud.spread[keep]
    if corrected:
        s = s / np.sqrt((cloud.n - M[keep]) / max(cloud.n - 1, 1))
    return float(np.polyfit(np.log(M[keep]), np.log(s), 1)[0])


def project_cloud(cloud: GradientCloud, W, b, directions) -> tuple[np.ndarray, np.ndarray]:
    """The gradients as displacements on a landscape slice: (B, K, 2) for the draws and (2,) for the
    full gradient, in the slice's (alpha, beta) units (least squares, as landscape.project)."""
    W, b = check_params(W, b)
    B, K = cloud.db.shape[:2]
    draws = project((W + cloud.dW.reshape(B * K, *W.shape), b + cloud.db.reshape(B * K, -1)), W, b, directions)
    full = project((W + cloud.full_dW[None], b + cloud.full_db[None]), W, b, directions)[0]
    return draws.reshape(B, K, 2), full


@dataclass(frozen=True)
class ScheduleRace:
    """Mini-batch SGD with a constant and with a decaying learning rate, from one start on the same batches."""

    names: tuple  # ("constant", decay)
    lr: tuple  # per run: (T,) the learning rate of each step
    distance: tuple  # per run: (T_k + 1,) |theta_t - theta*| over (W, b)
    loss: tuple  # per run: (T_k + 1,) full-data objective (at the steps score_at asked for and the ends, if given)
    W: tuple  # per run: (T_k + 1, C, D)
    b: tuple  # per run: (T_k + 1, C)
    optimum_W: np.ndarray  # (C, D) from common_slice.find_minimum, same start
    optimum_b: np.ndarray  # (C,)
    optimum_loss: float
    decay_options: dict = field(default_factory=dict)  # the decaying schedule's constants, its defaults filled in


def compare_schedules(X, y, *, loss: str = "softmax", reg: float = 0.01, penalty: str = "l2",
                      margin: float = 1.0, lr: float = 0.5, batch_size: int = 8, steps: int = 1000,
                      decay: str = "inverse_time", decay_options: dict | None = None, W0=None, b0=None,
                      seed: int = 0, score_at=None) -> ScheduleRace:
    """Both runs and their distance to the optimum at every step.

    score_at: the steps to record the runs' full-data losses at besides the first and the last (None: every step;
    see Trainer; the distances and rates are every step's either way).

    decay_options default to {"k": 20 / steps} for inverse_time (alpha ends ~21x smaller) and to
    the schedule's own defaults otherwise. Both runs share the seed, hence the same start and batches.
    """
    if decay == "constant":
        raise ValueError("the decaying run needs a decaying schedule, not 'constant'")
    if decay_options is None:
        decay_options = {"k": 20.0 / max(int(steps), 1)} if decay == "inverse_time" else {}
    # both runs step together on their shared batches (linviz.train_stacked; each is its own train() run)
    runs = train_rates(X, y, (lr, lr), steps=steps, schedules=[("constant", None), (decay, decay_options)],
                       loss=loss, reg=reg, penalty=penalty, margin=margin, optimizer="sgd", batch_size=batch_size,
                       seed=seed, W0=W0, b0=b0, score_at=score_at)
    start_W, start_b = runs[0].W[0], runs[0].b[0]
    best = find_minimum(X, y, loss=loss, reg=reg, penalty=penalty, margin=margin, W0=start_W, b0=start_b)
    theta_opt = np.concatenate([best.W.ravel(), best.b])

    def distance(h):
        theta = np.concatenate([h.W.reshape(len(h.W), -1), h.b], axis=1)
        return np.linalg.norm(theta - theta_opt, axis=1)

    return ScheduleRace(names=("constant", decay), lr=tuple(h.lr for h in runs),
                        distance=tuple(distance(h) for h in runs), loss=tuple(h.loss for h in runs),
                        W=tuple(h.W for h in runs), b=tuple(h.b for h in runs), optimum_W=best.W,
                        optimum_b=best.b, optimum_loss=best.loss,
                        decay_options=check_schedule_options(decay, decay_options))
