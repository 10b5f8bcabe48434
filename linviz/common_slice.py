"""One fair slice for comparing optimizers: the same plane for every run, chosen by all runs together.

A PCA plane of one run flatters that run. The common slice instead is built from what all runs share,
their start theta_0 and the optimum theta* they head for, plus the direction in which all of them
together stray most from the straight line between the two:

    centre  c  = (theta_0 + theta*) / 2
    d1         = (theta* - theta_0) / 2              start = c - d1 at (-1, 0), optimum = c + d1 at (1, 0)
    d2         = |d1| * v,   v = the top right-singular vector of every run's points minus c, with
                 their d1 component removed and each run weighted by 1 / sqrt(its length), so that a
                 long run does not outvote a short one; if every point lies on the line, v is a random
                 unit vector orthogonal to d1 (seeded).
d1 and d2 are orthogonal and of equal length, so one unit along either axis is the same distance in
parameter space (draw the plane with equal axis scales and it is not stretched). Both the start
and the optimum lie on the plane exactly; each run's other points are projected orthogonally, and
off_plane says how far each was from the plane.
The landscape on it is landscape.loss_surface(X, y, W, b, directions) with this slice's (W, b) centre.

find_minimum gives the common optimum: full-batch gradient descent from the same start, long enough
to converge (Nesterov at step 1/L for the smooth softmax + L2 / none, to ~1e-9 in the gradient; with
a kink, hinge or L1, Nesterov with a decaying step, to ~1e-5 in the loss on the default data).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from linviz._checks import check_data, check_params
from linviz.landscape import project
from linviz.losses import canonical_loss_name, get_loss
from linviz.model import augment, start_params
from linviz.train import Trainer

_CHUNK = 100  # steps between convergence checks
_SMOOTH_TOLERANCE = 1e-10  # gradient norm at which a smooth run has converged


@dataclass(frozen=True)
class Minimum:
    """The lowest point found on a long full-batch run."""

    W: np.ndarray  # (C, D)
    b: np.ndarray  # (C,)
    loss: float  # the objective (data + reg) at (W, b)
    grad_norm: float  # norm of the full gradient at (W, b): ~0 at a smooth minimum
    steps: int  # steps taken


def find_minimum(X, y, *, loss: str = "softmax", reg: float = 0.0, penalty: str = "l2", margin: float = 1.0,
                 W0=None, b0=None, n_classes: int | None = None, steps: int = 2000, seed: int = 0) -> Minimum:
    """Minimize the objective from (W0, b0) (default: the seed's initialization) by full-batch descent.

    Gradient descent moves only along gradients, so it keeps what the loss cannot see (the mean of b
    over classes, which shifts every score alike): the minimum found is the one nearest the start
    among equally good ones, the one mini-batch runs from that start approach too.
    """
    kind = canonical_loss_name(loss)
    X, y = check_data(X, y)
    W0, b0 = start_params(X, y, W0, b0, n_classes=n_classes, seed=seed)
    # curvature of the data loss along any unit direction is at most c * lambda_max(X~^T X~ / N), with
    # X~ = [X | 1] and c = 1/2 for softmax (the softmax Hessian diag(p) - p p^T has eigenvalues <= 1/2)
    Xa = augment(X)
    curvature = float(np.linalg.eigvalsh(Xa.T @ Xa / len(X))[-1])
    smooth = kind == "softmax" and penalty in ("l2", "none")
    common = dict(loss=kind, reg=reg, penalty=penalty, margin=margin, optimizer="nesterov", W0=W0, b0=b0)
    if smooth:
        lipschitz = 0.5 * curvature + (2.0 * reg if penalty == "l2" else 0.0)
        trainer = Trainer(X, y, lr=1.0 / lipschitz, **common)
    else:  # a kink (hinge, L1) needs a step that shrinks to 0: lr_t = lr_0 / (1 + k t), 11x smaller at the end
        trainer = Trainer(X, y, lr=1.0 / curvature, schedule="inverse_time",
                          schedule_options={"k": 10.0 / max(steps, 1)}, **common)
    history = trainer.history
    while trainer.t < steps:
        history = trainer.run(min(_CHUNK, steps - trainer.t))
        if smooth and history.grad_norm[-1] < _SMOOTH_TOLERANCE or history.diverged_at is not None:
            break  # converged: the gradient is gone (or, impossibly at step 1/L, diverged)
    best = int(np.argmin(history.loss))
    W, b = history.W[best].copy(), history.b[best].copy()
    r = get_loss(kind)(W, b, X, y, reg=reg, penalty=penalty, margin=margin)
    return Minimum(W=W, b=b, loss=r.loss, grad_norm=float(np.sqrt(np.vdot(r.dW, r.dW) + np.vdot(r.db, r.db))),
                   steps=history.steps)  # steps taken: fewer than asked once a smooth run has converged


@dataclass(frozen=True)
class CommonSlice:
    """The plane and every run on it (coordinates (alpha, beta) in units of d1 and d2)."""

    W: np.ndarray  # (C, D) the centre c of the plane (midpoint of start and optimum)
    b: np.ndarray  # (C,)
    directions: tuple  # ((dW1, db1), (dW2, db2)), ready for landscape.loss_surface
    paths: tuple  # per run: (T_k + 1, 2) the run's points projected on the plane
    off_plane: tuple  # per run: (T_k + 1,) each point's distance from the plane
    start: np.ndarray  # (2,) (-1, 0)
    optimum: np.ndarray  # (2,) (1, 0)
    extent: float  # half-width of a square around the centre that holds every path, with a margin


def _points(run) -> tuple[np.ndarray, np.ndarray]:
    Ws, bs = (run.W, run.b) if hasattr(run, "W") else run
    Ws, bs = np.asarray(Ws, dtype=float), np.asarray(bs, dtype=float)
    if Ws.ndim != 3 or bs.shape != Ws.shape[:2] or len(Ws) == 0:
        raise ValueError("each run must be a History or a pair (Ws (T, C, D), bs (T, C))")
    return Ws, bs


def common_slice(runs, optimum, *, seed: int = 0) -> CommonSlice:
    """The fair slice through the runs' common start, the optimum (a Minimum or a pair (W*, b*)) and
    the runs' top direction together; every run projected onto it."""
    runs = [_points(r) for r in runs]
    if not runs:
        raise ValueError("give at least one run")
    W_opt, b_opt = (optimum.W, optimum.b) if hasattr(optimum, "W") else optimum
    W_opt, b_opt = check_params(W_opt, b_opt)
    W0 = runs[0][0][0]
    if W0.shape != W_opt.shape:
        raise ValueError(f"the runs have W of shape {W0.shape} but the optimum has {W_opt.shape}")
    flat = [np.concatenate([Ws.reshape(len(Ws), -1), bs], axis=1) for Ws, bs in runs]  # (T_k + 1, P)
    theta0 = flat[0][0]
    if any(not np.array_equal(f[0], theta0) for f in flat):
        raise ValueError("the runs start at different points; a fair slice needs one common start")
    theta_opt = np.concatenate([W_opt.ravel(), b_opt])
    centre = 0.5 * (theta0 + theta_opt)
    d1 = 0.5 * (theta_opt - theta0)
    length = float(np.linalg.norm(d1))
    if length == 0:
        raise ValueError("the start is already the optimum: there is no way to go to compare")
    unit1 = d1 / length
    rows = []
    for f in flat:  # each point minus the centre, without its d1 part, weighted per run
        Z = f - centre
        rows.append((Z - np.outer(Z @ unit1, unit1)) / np.sqrt(len(f)))
    Z = np.concatenate(rows)
    _, sv, vt = np.linalg.svd(Z, full_matrices=False)
    if sv.size and sv[0] > 1e-12 * length:
        v = vt[0]
    else:  # every point is on the start-optimum line: any orthogonal direction shows them equally well
        v = np.random.default_rng(seed).standard_normal(theta0.size)
    v = v - (v @ unit1) * unit1  # exactly orthogonal to d1 (the SVD's rounding removed)
    d2 = v / np.linalg.norm(v) * length
    C, D = W0.shape
    split = C * D
    directions = ((d1[:split].reshape(C, D), d1[split:].copy()), (d2[:split].reshape(C, D), d2[split:].copy()))
    W_c, b_c = centre[:split].reshape(C, D), centre[split:].copy()
    paths, off = [], []
    basis = np.stack([d1, d2], axis=1)  # (P, 2)
    for (Ws, bs), f in zip(runs, flat):
        coords = project((Ws, bs), W_c, b_c, directions)
        paths.append(coords)
        off.append(np.linalg.norm(f - centre - coords @ basis.T, axis=1))
    reach = max(1.0, max(float(np.abs(p).max()) for p in paths))
    return CommonSlice(W=W_c, b=b_c, directions=directions, paths=tuple(paths), off_plane=tuple(off),
                       start=np.array([-1.0, 0.0]), optimum=np.array([1.0, 0.0]), extent=1.15 * reach)
