"""What the Search page keeps of a race: only what it draws and tabulates (issue 12, its cache entries).

A linviz.search.Race holds every point each method evaluated, in all P parameters, in float64: at the largest
budget on the shape images (P = 390) that is 60 MB, and st.cache_data keeps 8 of them per server. The page draws
those points on one 2-parameter slice only, at FRAMES checkpoints, so an entry keeps, per method, its K records
(evaluations, seconds, loss, accuracy: the curves and the table) and the frames of the play-through on the slice
in float32; of the full parameters only analytic GD's start and answer (the slice passes through the answer).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from linviz import search

FRAMES = 30  # checkpoints of the play-through, log-spaced like the evaluation axis
PATH_POINTS = 80  # a GD path in one frame of the play-through: at most this many iterates


@dataclass(frozen=True)
class RunView:
    """One method's records and its frames on the slice."""

    method: str
    budget: int
    seed: int
    evaluations: np.ndarray  # (K,) int: loss evaluations used at each record; [0] = 0 (the start)
    seconds: np.ndarray  # (K,) wall-clock time of each record
    loss: np.ndarray  # (K,) objective of the current answer (float64: the table shows it, overflow included)
    accuracy: np.ndarray  # (K,)
    drawn: int  # GD: steps taken; a search: points drawn
    frames: list  # per checkpoint: (points (n, 2), answer (2,)) on the slice, float32 unless beyond it


@dataclass(frozen=True)
class RaceView:
    runs: tuple  # one RunView per method, in linviz.search.METHODS order
    n_parameters: int  # P = C (D + 1)
    budget: int
    seed: int
    shape: tuple  # (C, D) of W
    pair: list  # the two entries of [W | b] that analytic GD moved most: the slice's axes
    centre: np.ndarray  # (2,) analytic GD's answer in those two entries (float64)
    checkpoints: np.ndarray  # (F,) evaluations at each frame
    W: np.ndarray  # (C, D) analytic GD's answer: the slice passes through it
    b: np.ndarray  # (C,)

    def run(self, method: str) -> RunView:
        return {r.method: r for r in self.runs}[method]


def flat(W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(..., C, D), (..., C) -> (..., C * (D + 1)): [W | b] row by row, as the slide's list."""
    return np.concatenate([W, b[..., None]], axis=-1).reshape(*W.shape[:-2], -1)


def checkpoints(budget: int) -> np.ndarray:
    return np.unique(np.geomspace(1, budget, FRAMES).round().astype(int))


def frames_of(run: search.RaceRun, pair: list[int], checkpoints: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per checkpoint e: (the points drawn since the previous checkpoint, or GD's path up to e; the answer)."""
    samples = flat(run.sample_W, run.sample_b)[:, pair]
    answers = flat(run.W, run.b)[:, pair]
    out, before = [], 0
    gd = run.method.endswith("_gd")
    for e in checkpoints:
        answer = answers[np.searchsorted(run.evaluations, e, side="right") - 1]
        if gd:
            n = int(np.searchsorted(run.evaluations, e, side="right"))
            path = samples[:n]
            keep = np.unique(np.linspace(0, n - 1, min(n, PATH_POINTS)).round().astype(int))
            out.append((path[keep], answer))
        elif run.method == "genetic":  # the whole generation of the last sample drawn by e
            last = min(int(e), len(samples)) - 1
            out.append((samples[run.sample_iteration == run.sample_iteration[last]], answer))
        else:
            out.append((samples[before:int(e)], answer))
        before = int(e)
    return out


def _compact(points: np.ndarray) -> np.ndarray:
    """float32, unless a point is beyond float32's range (a diverged GD run: 1e153 would turn into inf)."""
    points = np.asarray(points, dtype=float)
    finite = points[np.isfinite(points)]
    return points.astype(np.float32) if not finite.size or np.abs(finite).max() < 1e30 else points


def summarize(race: search.Race) -> RaceView:
    """The race as the Search page draws it: the slice of the two entries analytic GD moved most."""
    best = race.run("analytic_gd")
    moved = np.abs(flat(best.W[-1], best.b[-1]) - flat(best.W[0], best.b[0]))
    pair = sorted(int(i) for i in np.argsort(moved)[-2:])
    marks = checkpoints(race.budget)
    runs = []
    for r in race.runs:
        frames = [(_compact(p), _compact(a)) for p, a in frames_of(r, pair, marks)]
        drawn = len(r.loss) - 1 if r.method.endswith("_gd") else len(r.sample_loss)
        runs.append(RunView(r.method, r.budget, r.seed, r.evaluations.astype(np.int32),
                            r.seconds.astype(np.float32), r.loss, r.accuracy.astype(np.float32), drawn, frames))
    return RaceView(tuple(runs), race.n_parameters, race.budget, race.seed, tuple(best.W.shape[1:]), pair,
                    flat(best.W[-1], best.b[-1])[pair], marks, best.W[-1].copy(), best.b[-1].copy())
