"""What a training run did, read from its loss curve alone: where it blew up, and whether it crawls, converges,
overshoots or diverges. The Learning-rates page labels its runs with these words (in the legends, the table and
the × on both charts), so a run is named by its behaviour, never by its position in the list of rates.

The rules, in the order they are tried, for a loss curve L_0, ..., L_T:

1. **diverges at step s**: s is the first step whose loss is not finite (training stops there) or grew past
   BLOWUP x L_0, whichever comes first; for a run that did neither but ends above ENDS_ABOVE x L_0 (it moved
   away from the minimum and stayed away: α = 50 rose from 1.1 to ~40-100 and was called "overshoots"), the
   first step from which its loss stayed above that.
2. **overshoots**: the loss does not settle. It ends at least SETTLE of its decrease above the lowest loss it
   reached (L_T - min L >= SETTLE * scale), or somewhere in the second half it climbs back by at least SETTLE of
   its decrease above the lowest loss before that point. scale = max(L_0 - min L, 1% of L_0): wiggles smaller
   than 1% of the starting loss never count.
3. **crawls**: the loss is still falling steadily at the end: the second half of the run brought at least
   STILL_FALLING of its whole decrease (L_{T/2} - L_T >= STILL_FALLING * (L_0 - L_T); a straight line brings
   half of it, a run that levelled off almost none).
4. **converges**: everything else: it went down and levelled off (or never moved: it started where the
   gradient is zero).
"""
from __future__ import annotations

import numpy as np

BLOWUP = 100.0  # a run whose loss grows past this multiple of its start has diverged
ENDS_ABOVE = 2.0  # ... and so has one that ends above this multiple of its start
SETTLE = 0.10  # share of its decrease a run may end above (or climb back over) its best and still settle
STILL_FALLING = 0.10  # share of its decrease the second half must bring for the run to be still falling
BEHAVIOURS = ("crawls", "converges", "overshoots", "diverges")


def blew_up(loss, diverged_at: int | None = None) -> int | None:
    """The step where a run blew up: the first of `diverged_at` (the first non-finite step, which the History
    no longer holds) and the first step whose loss is not finite or grew past BLOWUP x its start; None if
    neither happened. loss : (T+1,)."""
    loss = np.asarray(loss, dtype=float).reshape(-1)
    candidates = [] if diverged_at is None else [int(diverged_at)]
    if loss.size:
        # (a run that starts at loss 0 cannot grow some-fold: for it only a non-finite loss counts)
        limit = BLOWUP * loss[0] if loss[0] > 0 else np.inf
        with np.errstate(invalid="ignore"):
            bad = np.flatnonzero(~(loss <= limit))  # NaN and inf compare False: they count as blown up
        if bad.size:
            candidates.append(int(bad[0]))
    return min(candidates) if candidates else stayed_above(loss)


def stayed_above(loss) -> int | None:
    """For a run whose finite loss ends above ENDS_ABOVE x its start: the first step from which it stayed above
    that (to the end); None for any other run. loss : (T+1,)."""
    loss = np.asarray(loss, dtype=float).reshape(-1)
    if loss.size < 2 or not loss[0] > 0 or not np.isfinite(loss[-1]) or not loss[-1] > ENDS_ABOVE * loss[0]:
        return None
    return int(np.flatnonzero(loss <= ENDS_ABOVE * loss[0])[-1]) + 1  # (loss[0] itself is below the line)


def _climbs_back(second_half: np.ndarray, scale: float) -> bool:
    """Whether the loss rises by SETTLE * scale above its running minimum somewhere in this part of the run."""
    return bool(np.max(second_half - np.minimum.accumulate(second_half)) >= SETTLE * scale)


def behaviour(loss, diverged_at: int | None = None) -> str:
    """'crawls', 'converges', 'overshoots' or 'diverges' for a loss curve (T+1,) by the rules above."""
    if blew_up(loss, diverged_at) is not None:
        return "diverges"
    loss = np.asarray(loss, dtype=float).reshape(-1)
    if loss.size < 2:
        return "converges"
    first, last, best = loss[0], loss[-1], loss.min()
    scale = max(first - best, 0.01 * abs(first))
    half = loss[(loss.size - 1) // 2:]
    if scale > 0 and (last - best >= SETTLE * scale or _climbs_back(half, scale)):
        return "overshoots"
    decrease = first - last
    if decrease <= 0:
        return "converges"
    return "crawls" if half[0] - last >= STILL_FALLING * decrease else "converges"


def describe(loss, diverged_at: int | None = None) -> str:
    """The behaviour in words, with the step for a run that diverged: 'converges', 'diverges at step 3'."""
    step = blew_up(loss, diverged_at)
    return behaviour(loss, diverged_at) if step is None else f"diverges at step {step}"
