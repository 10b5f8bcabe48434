"""linviz.derivative_free as it was before its searches evaluated many points at once (issue 14 item 1): one call of
f per point. Kept verbatim as the naive twin of the batched searches (tests/test_search_batched.py) and as the
"before" of benchmarks/bench_worst_case.py."""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from linviz._checks import check_choice, check_nonnegative, check_positive
from linviz.optim import _check_int


@dataclass(frozen=True)
class SearchResult:
    """Outcome of a derivative-free search: the best point, and every point drawn (for plotting)."""

    best_x: np.ndarray  # shaped like x0
    best_loss: float  # f(best_x); inf if f never returned a finite value
    best_so_far: np.ndarray  # (evaluations,) best loss after each call to f
    evaluations: int  # calls to f, always <= budget
    trajectory: np.ndarray  # (k, *x0.shape): every new best point, in order; [0] is the first evaluated
    samples: np.ndarray  # (evaluations, *x0.shape): the point of each call to f, in order
    losses: np.ndarray  # (evaluations,) f at each sample (inf where f was not finite)
    iteration: np.ndarray  # (evaluations,) int: the iteration (generation) each sample was drawn in
    best_index: np.ndarray  # (evaluations,) int: index into samples of the best point after each call
    populations: tuple  # one int array per iteration: the samples alive in it (kept elites + new draws)


class _Tracker:
    """Counts calls to f, records every sample and the running best; refuses to exceed the budget.

    A search calls new_iteration(kept) before each iteration (kept: indices of earlier samples that
    live on in it, e.g. the genetic elite); every call to the tracker adds one sample to it.
    """

    def __init__(self, f: Callable, budget: int):
        self.f, self.budget = f, budget
        self.best_x: np.ndarray | None = None
        self.best_loss = math.inf
        self.history: list[float] = []
        self.trajectory: list[np.ndarray] = []
        self.samples: list[np.ndarray] = []
        self.losses: list[float] = []
        self.iteration: list[int] = []
        self.best_index: list[int] = []
        self.populations: list[list[int]] = []
        self.best_at = -1  # index of the best sample

    @property
    def remaining(self) -> int:
        return self.budget - len(self.history)

    def new_iteration(self, kept=()) -> None:
        self.populations.append([int(i) for i in kept])

    def __call__(self, x: np.ndarray) -> float:
        if len(self.history) >= self.budget:  # structural guarantee: f is never called past budget
            raise RuntimeError("internal error: search tried to exceed its evaluation budget")
        raw = self.f(x.copy())  # a copy: f may not scribble on our points
        try:
            loss = float(raw)
        except (TypeError, ValueError):
            raise ValueError(f"f must return a single number, got {raw!r}") from None
        if not math.isfinite(loss):  # NaN / inf are never selected
            loss = math.inf
        index = len(self.samples)
        if self.best_x is None or loss < self.best_loss:
            self.best_x, self.best_loss, self.best_at = x, loss, index
            self.trajectory.append(x)
        if not self.populations:
            self.new_iteration()
        self.samples.append(x)
        self.losses.append(loss)
        self.iteration.append(len(self.populations) - 1)
        self.populations[-1].append(index)
        self.best_index.append(self.best_at)
        self.history.append(self.best_loss)
        return loss

    def result(self) -> SearchResult:
        return SearchResult(best_x=self.best_x.copy(), best_loss=self.best_loss,
                            best_so_far=np.array(self.history), evaluations=len(self.history),
                            trajectory=np.array(self.trajectory), samples=np.array(self.samples),
                            losses=np.array(self.losses), iteration=np.array(self.iteration, dtype=int),
                            best_index=np.array(self.best_index, dtype=int),
                            populations=tuple(np.array(p, dtype=int) for p in self.populations))


def _start(x0, budget) -> tuple[np.ndarray, int]:
    x0 = np.array(x0, dtype=float)  # a copy, so the caller's x0 is never touched
    if not np.all(np.isfinite(x0)):
        raise ValueError("x0 must be finite (no NaN or inf)")
    return x0, _check_int("budget", budget, 1)


def random_search(f: Callable, x0, *, budget: int = 1000, scale: float = 1.0,
                  seed: int | np.random.Generator = 0) -> SearchResult:
    """Evaluate x0, then budget - 1 independent draws scale * N(0, I) shaped like x0; keep the best.

    Every evaluation is its own iteration (population: that one draw).
    """
    x0, budget = _start(x0, budget)
    scale = check_positive("scale", scale)
    rng = np.random.default_rng(seed)
    track = _Tracker(f, budget)
    track(x0)
    while track.remaining > 0:
        track.new_iteration()
        track(scale * rng.standard_normal(x0.shape))
    return track.result()


def random_local_search(f: Callable, x0, *, budget: int = 1000, step_size: float = 0.1,
                        seed: int | np.random.Generator = 0) -> SearchResult:
    """Hill climbing: try best + step_size * N(0, I), keep it only if the loss strictly drops.

    Every evaluation is its own iteration; its population is the current best and the proposal.
    """
    x0, budget = _start(x0, budget)
    step_size = check_positive("step_size", step_size)
    rng = np.random.default_rng(seed)
    track = _Tracker(f, budget)
    track(x0)
    while track.remaining > 0:
        track.new_iteration(kept=[track.best_at])
        track(track.best_x + step_size * rng.standard_normal(x0.shape))
    return track.result()


def genetic_search(f: Callable, x0, *, budget: int = 1000, population: int = 20, elite: int = 4,
                   mutation: float = 0.1, seed: int | np.random.Generator = 0) -> SearchResult:
    """Elitist genetic algorithm: keep the `elite` fittest, refill by uniform crossover + mutation.

    Generation 0 is x0 plus population - 1 copies of x0 + mutation * N(0, I). Each later
    generation keeps the elite (not re-evaluated) and breeds population - elite children:
    every coordinate comes from one of two random elite parents, then N(0, mutation^2) noise
    is added. The last generation is cut short so f is called exactly `budget` times.
    One iteration is one generation; its population is the kept elite plus the children.
    """
    x0, budget = _start(x0, budget)
    population = _check_int("population", population, 2)
    elite = _check_int("elite", elite, 1)
    if elite >= population:
        raise ValueError(f"elite must lie in [1, population - 1] = [1, {population - 1}], got {elite}")
    mutation = check_nonnegative("mutation", mutation)
    rng = np.random.default_rng(seed)
    track = _Tracker(f, budget)

    pop = [x0] + [x0 + mutation * rng.standard_normal(x0.shape) for _ in range(population - 1)]
    pop = pop[:budget]
    track.new_iteration()
    losses = [track(x) for x in pop]
    index = list(range(len(pop)))  # sample index of each member of pop
    while track.remaining > 0:
        order = np.argsort(losses, kind="stable")[:elite]  # inf (NaN) losses sort last
        parents = [pop[i] for i in order]
        pop, losses, index = parents, [losses[i] for i in order], [index[i] for i in order]
        track.new_iteration(kept=index)
        for _ in range(min(population - elite, track.remaining)):
            a, b = rng.integers(elite, size=2)
            mask = rng.random(x0.shape) < 0.5  # uniform crossover: a fair coin per coordinate
            child = np.where(mask, parents[a], parents[b]) + mutation * rng.standard_normal(x0.shape)
            pop.append(child)
            index.append(len(track.samples))
            losses.append(track(child))
    return track.result()


SEARCHES: dict[str, Callable] = {
    "random": random_search, "random_local": random_local_search, "genetic": genetic_search,
}


def get_search(name: str) -> Callable:
    """Search by name (see SEARCHES)."""
    return check_choice("search", name, SEARCHES)
