"""Where the gradient check catches a planted bug: the sidebar settings under which the mistake matters, and those
(one click away on the Gradient check page) under which the check catches it clearly, with why it was missed here.

A mistake can be real and still invisible: a term in λ is tiny while λ and W are small (W starts near 0), and a
term in b is exactly 0 at step 0 (b starts at 0). The check then grades it "good" or "suspicious". Training a few
steps (W and b grow) or a larger λ makes the same mistake stand out; `catching_settings` tries the fewest changes
first and keeps the first setting where the worst relative error is at least CLEAR.
"""
from __future__ import annotations

import numpy as np

from dashboard import gradient_compute as gc
from dashboard import scenes
from dashboard.config import LOSS_LABELS, Config
from linviz.gradcheck import THRESHOLDS

CLEAR = 10 * THRESHOLDS[-1]  # "clearly caught": ten times the threshold of "wrong"
STEPS = (10, 20, 50)  # steps t tried (the Step button's way of making W and b grow)
REGS = (0.1, 1.0)  # strengths λ tried (regularization bugs only)
PENALTY_NAMES = {"l2": "L2", "l1": "L1", "none": "no penalty"}


def where_it_applies(variant) -> str:
    losses = " or ".join(LOSS_LABELS[k] for k in variant.losses)
    penalties = " or ".join(PENALTY_NAMES[p] for p in variant.penalties)
    return f"{losses} with {penalties}" + (" and λ > 0" if variant.needs_reg else "")


def missing(variant, cfg: Config) -> str:
    """What in the sidebar keeps the mistake from mattering, in words."""
    parts = []
    if cfg.loss not in variant.losses:
        parts.append(f"the loss {LOSS_LABELS[cfg.loss]}")
    if cfg.penalty not in variant.penalties:
        parts.append(f"the penalty {PENALTY_NAMES[cfg.penalty]}")
    if variant.needs_reg and cfg.reg == 0:
        parts.append("λ = 0")
    return " and ".join(parts)


def settings_where_it_applies(variant, cfg: Config) -> dict:
    """The fewest sidebar changes under which the mistake matters (and can be caught)."""
    fix = {}
    if cfg.loss not in variant.losses:
        fix["loss"] = variant.losses[0]
    if cfg.penalty not in variant.penalties:
        fix["penalty"] = variant.penalties[0]
    if variant.needs_reg and cfg.reg == 0:
        fix["reg"] = 0.1
    return fix


def describe(fix: dict) -> str:
    words = {"loss": lambda v: LOSS_LABELS[v], "penalty": lambda v: f"{PENALTY_NAMES[v]} penalty",
             "reg": lambda v: f"λ = {v:g}", "t": lambda v: f"step t = {v}"}
    return " and ".join(words[k](v) for k, v in fix.items())


def worst_error(check) -> float:
    """The largest relative error away from kinks (0 when every entry is near one)."""
    away = ~check.near_kink
    return float(check.error[away].max()) if away.any() else 0.0


def check_at(cfg: Config, variant: str):
    """The page's check of `variant` at the sidebar's settings cfg (step cfg.t of its training run)."""
    ctx = scenes.load(cfg, through_t=True)
    return gc.check(gc.ProblemSpec.of(cfg), ctx.W, ctx.b, cfg.gc_h, cfg.gc_method, variant)


def candidates(variant, cfg: Config) -> list[dict]:
    """Changes to try, fewest first: where it applies; then later steps; then (a λ term) larger λ, then both."""
    base = settings_where_it_applies(variant, cfg)
    steps = [t for t in STEPS if t > cfg.t]
    regs = [r for r in REGS if r > base.get("reg", cfg.reg)] if variant.needs_reg else []
    return ([base] + [{**base, "t": t} for t in steps] + [{**base, "reg": r} for r in regs]
            + [{**base, "reg": r, "t": t} for r in regs for t in steps])


def catching_settings(variant, cfg: Config) -> dict | None:
    """The fewest changes to cfg under which the check catches `variant` clearly ({} if it already does); None if
    no tried setting does."""
    for fix in candidates(variant, cfg):
        if worst_error(check_at(cfg.replace(**fix), variant.name)) >= CLEAR:
            return fix
    return None


def why_missed(variant, cfg: Config, t: int, check, b: np.ndarray) -> str:
    """Why the check does not catch the mistake clearly here, in words, with the measured size of the mistake."""
    size = float(np.max(np.abs(check.analytic - check.numerical)))
    scale = float(np.max(np.abs(check.numerical)))
    said = (f"Here analytic and numerical differ by at most {size:.1e}, against gradient entries up to "
            f"{scale:.1e}: the worst relative error is {worst_error(check):.1e}, below the {CLEAR:g} that would "
            "make it plain.")
    if variant.name == "b_regularized" and not np.any(b):
        return (f"b = 0 at step t = {t} (b starts at zero), so the penalty's gradient wrongly added to db is exactly "
                f"0: nothing to catch yet. {said}")
    if variant.needs_reg:
        return (f"The mistake is a term in λ: with λ = {cfg.reg:g} and W still small at step t = {t} (W starts near "
                f"0) it is tiny beside the data gradient. {said}")
    return said
