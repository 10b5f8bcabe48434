"""Finding W without gradients, as the lecture's first ideas: random search (independent draws, keep the best),
random local search (a random step from the best so far) and a genetic algorithm (a population bred from its
fittest). Each counts its calls to f exactly and never exceeds its budget; every sample is kept for plotting.

A search only needs the loss, and its points do not depend on each other's losses within a batch: random search's
draws never do, a generation's children depend on the last generation only, and local search's proposals from the
same best point differ only in their noise. Given f_many (many points at once, (k, *x0.shape) -> (k,): the same
values as f's, e.g. one stacked product), the points are evaluated a batch at a time with exactly the draws, the
samples and the results of one call of f per point. Local search evaluates the next proposals speculatively from its
current best; those after the first that improves it were drawn from a best that is no longer current and are
dropped (not counted: the search's record is what one call per point gives) and proposed again, each with its own
noise, from the best that replaced it.
"""
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
    times: np.ndarray | None = None  # (evaluations,) clock() when each loss was known, if a clock was given


class _Tracker:
    """Counts calls to f, records every sample and the running best; refuses to exceed the budget.

    A search calls new_iteration(kept) before each iteration (kept: indices of earlier samples that
    live on in it, e.g. the genetic elite); every call to the tracker adds one sample to it.
    """

    def __init__(self, f: Callable, budget: int, f_many: Callable | None = None, clock: Callable | None = None):
        self.f, self.budget, self.f_many, self.clock = f, budget, f_many, clock
        self.times: list[float] = []
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
        self._check_budget(1)
        return self.record(x, self.f(x.copy()))  # a copy: f may not scribble on our points

    def _check_budget(self, n: int) -> None:
        if len(self.history) + n > self.budget:  # structural guarantee: f is never called past budget
            raise RuntimeError("internal error: search tried to exceed its evaluation budget")

    def losses_of(self, xs: np.ndarray) -> list:
        """f at each of the points xs (k, *x0.shape), not recorded yet: by f_many at once if given, else one call of
        f each (then counted by record as they are made)."""
        self._check_budget(len(xs))
        if self.f_many is None:
            return [self.f(x.copy()) for x in xs]
        raw = np.asarray(self.f_many(np.array(xs)), dtype=float)
        if raw.shape != (len(xs),):
            raise ValueError(f"f_many must return one number per point, {len(xs)}, got shape {raw.shape}")
        return list(raw)

    def record(self, x: np.ndarray, raw) -> float:
        """Record the point x and f's value there: one evaluation of the budget."""
        try:
            loss = float(raw)
        except (TypeError, ValueError):
            raise ValueError(f"f must return a single number, got {raw!r}") from None
        if self.clock is not None:
            self.times.append(self.clock())
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
                            populations=tuple(np.array(p, dtype=int) for p in self.populations),
                            times=np.array(self.times) if self.clock is not None else None)


def _start(x0, budget) -> tuple[np.ndarray, int]:
    x0 = np.array(x0, dtype=float)  # a copy, so the caller's x0 is never touched
    if not np.all(np.isfinite(x0)):
        raise ValueError("x0 must be finite (no NaN or inf)")
    return x0, _check_int("budget", budget, 1)


BATCH = 256  # points per call of f_many (at most)


def random_search(f: Callable, x0, *, budget: int = 1000, scale: float = 1.0,
                  seed: int | np.random.Generator = 0, f_many: Callable | None = None,
                  clock: Callable | None = None) -> SearchResult:
    """Evaluate x0, then budget - 1 independent draws scale * N(0, I) shaped like x0; keep the best.

    Every evaluation is its own iteration (population: that one draw). f_many: see the module's docstring; clock():
    the time stamps of SearchResult.times.
    """
    x0, budget = _start(x0, budget)
    scale = check_positive("scale", scale)
    rng = np.random.default_rng(seed)
    track = _Tracker(f, budget, f_many, clock)
    track(x0)
    while track.remaining > 0:  # (n draws at once are the n draws one at a time: the same stream)
        draws = scale * rng.standard_normal((min(BATCH, track.remaining), *x0.shape))
        for x, loss in zip(draws, track.losses_of(draws)):
            track.new_iteration()
            track.record(x, loss)
    return track.result()


def random_local_search(f: Callable, x0, *, budget: int = 1000, step_size: float = 0.1,
                        seed: int | np.random.Generator = 0, f_many: Callable | None = None,
                        clock: Callable | None = None) -> SearchResult:
    """Hill climbing: try best + step_size * N(0, I), keep it only if the loss strictly drops.

    Every evaluation is its own iteration; its population is the current best and the proposal. f_many, clock: as
    random_search's (the proposals evaluated speculatively, see the module's docstring).
    """
    x0, budget = _start(x0, budget)
    step_size = check_positive("step_size", step_size)
    rng = np.random.default_rng(seed)
    track = _Tracker(f, budget, f_many, clock)
    track(x0)
    noise = rng.standard_normal((budget - 1, *x0.shape))  # proposal k's noise, whatever the losses (one stream)
    block = 1  # proposals per batch: doubled while none improves, halved when one does
    while track.remaining > 0:
        done = budget - track.remaining - 1  # proposals recorded so far
        proposals = track.best_x + step_size * noise[done:done + min(block if f_many else 1, track.remaining)]
        best = track.best_at
        for x, loss in zip(proposals, track.losses_of(proposals)):
            track.new_iteration(kept=[best])
            track.record(x, loss)
            if track.best_at != best:  # it improved: the later proposals were drawn around the old best
                break
        block = max(1, block // 2) if track.best_at != best else min(2 * block, BATCH)
    return track.result()


def genetic_search(f: Callable, x0, *, budget: int = 1000, population: int = 20, elite: int = 4,
                   mutation: float = 0.1, seed: int | np.random.Generator = 0, f_many: Callable | None = None,
                   clock: Callable | None = None) -> SearchResult:
    """Elitist genetic algorithm: keep the `elite` fittest, refill by uniform crossover + mutation.

    Generation 0 is x0 plus population - 1 copies of x0 + mutation * N(0, I). Each later
    generation keeps the elite (not re-evaluated) and breeds population - elite children:
    every coordinate comes from one of two random elite parents, then N(0, mutation^2) noise
    is added. The last generation is cut short so f is called exactly `budget` times.
    One iteration is one generation; its population is the kept elite plus the children. f_many, clock: as
    random_search's (a generation's points evaluated at once).
    """
    x0, budget = _start(x0, budget)
    population = _check_int("population", population, 2)
    elite = _check_int("elite", elite, 1)
    if elite >= population:
        raise ValueError(f"elite must lie in [1, population - 1] = [1, {population - 1}], got {elite}")
    mutation = check_nonnegative("mutation", mutation)
    rng = np.random.default_rng(seed)
    track = _Tracker(f, budget, f_many, clock)

    pop = [x0] + [x0 + mutation * rng.standard_normal(x0.shape) for _ in range(population - 1)]
    pop = pop[:budget]
    track.new_iteration()
    losses = [track.record(x, loss) for x, loss in zip(pop, track.losses_of(pop))]
    index = list(range(len(pop)))  # sample index of each member of pop
    while track.remaining > 0:
        order = np.argsort(losses, kind="stable")[:elite]  # inf (NaN) losses sort last
        parents = [pop[i] for i in order]
        pop, losses, index = parents, [losses[i] for i in order], [index[i] for i in order]
        track.new_iteration(kept=index)
        children = []  # (drawn from the parents only: evaluated together)
        for _ in range(min(population - elite, track.remaining)):
            a, b = rng.integers(elite, size=2)
            mask = rng.random(x0.shape) < 0.5  # uniform crossover: a fair coin per coordinate
            children.append(np.where(mask, parents[a], parents[b]) + mutation * rng.standard_normal(x0.shape))
        for child, loss in zip(children, track.losses_of(children)):
            pop.append(child)
            index.append(len(track.samples))
            losses.append(track.record(child, loss))
    return track.result()


SEARCHES: dict[str, Callable] = {
    "random": random_search, "random_local": random_local_search, "genetic": genetic_search,
}


def get_search(name: str) -> Callable:
    """Search by name (see SEARCHES)."""
    return check_choice("search", name, SEARCHES)
