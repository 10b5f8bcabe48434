"""A Config to and from the address bar, and the messages about what a link asked for.

No Streamlit here: `to_query` / `from_query` map a Config to and from plain string dicts, so the
URL round trip is unit-tested without a browser. Each URL parameter stands or falls alone: a bad
value keeps its default and is reported in the user's words, never raised. `validate` repairs what
depends on several fields. Messages are Markdown in which every piece of user text is `quote`d, so a
link cannot put links, images or styling into them.
"""
from __future__ import annotations

import math
import re
from dataclasses import fields, replace
from typing import Any

from dashboard.config import (
    DATASET_LABELS,
    DEFAULT,
    MAX_VALUE_LENGTH,
    SCHEMA,
    Config,
    Field,
    default_noise,
    default_params,
    image_defaults,
    param_names,
)
from linviz.datasets import CLASS_RANGE, dataset_info

EPS_STEP = 0.05  # the Loss page's car-question slider (the lecture example's ε)


# ---------------------------------------------------------------- user text in messages
def quote(text: Any, limit: int = 60) -> str:
    """User text (a URL key or value) for a Markdown message: an inline code span, so nothing in it is rendered
    (links, images, HTML, :red[styling], emoji, $math$); at most `limit` characters (then "…"); characters that
    are not printable (line breaks, bidi controls) become "�"."""
    text = "".join(c if c.isprintable() else "\N{REPLACEMENT CHARACTER}" for c in str(text)[:limit + 1])
    if len(text) > limit:
        text = text[:limit - 1] + "…"
    if not text:
        return "(nothing)"
    # a code span ends at a run of backticks as long as its fence: make the fence longer than any run inside
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text[0] == "`" or text[-1] == "`" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def shown(value: Any) -> str:
    """A Config value as a message shows it: 0.3, “Two circles”, 0.003, 0.5, 12, 120."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, tuple):
        return ", ".join(f"{v:g}" for v in value) if value else "none"
    return str(value)


def _rule(name: str, spec: Field, cfg: Config) -> str:
    """What the field accepts, in words: 'the seed is a whole number from 0 to 10000'."""
    if spec.kind == "choice":
        return f"{spec.what} is one of {', '.join(spec.choices or _dynamic_choices(name, cfg))}"
    if spec.kind == "bool":
        return f"{spec.what} is 0 or 1 (off or on)"
    if spec.kind == "floats":
        return f"{spec.what} is a list of numbers from {spec.lo:g} to {spec.hi:g}, separated by commas"
    kind = "a whole number" if spec.kind == "int" else "a number"
    return f"{spec.what} is {kind} from {spec.lo:g} to {spec.hi:g}"


# ---------------------------------------------------------------- parsing
def tidy_distribution(p) -> tuple[float, ...]:
    """p divided by its sum, each entry rounded to 10 significant digits: 0.0099, not 0.009899999999999999 (the
    noise of the division), in the link. The 8 rounded entries still sum to 1 within 4e-10, so opening the link
    keeps them as they are (see validate: only a sum off by more than 1e-9 is normalized again)."""
    total = sum(float(v) for v in p)
    return tuple(float(f"{float(v) / total:.10g}") for v in p)


def _format(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return repr(value)  # shortest string that parses back to the same float
    if isinstance(value, tuple):
        return ",".join(repr(float(v)) for v in value)
    return str(value)


def _number(raw: str) -> float:
    """float(raw) for a URL value; ValueError in words for junk ('abc') and for inf / nan / 1e309."""
    try:
        value = float(raw)
    except ValueError:
        raise ValueError("not a number") from None
    if not math.isfinite(value):
        raise ValueError("not a finite number")
    return value


def _parse(name: str, raw: str, spec: Field, cfg: Config) -> Any:
    """Parse one URL value; raise ValueError saying what is wrong with it, in words."""
    if len(raw) > MAX_VALUE_LENGTH:
        raise ValueError(f"far too long ({len(raw):,} characters)")
    if spec.kind == "choice":
        if raw not in (spec.choices or _dynamic_choices(name, cfg)):
            raise ValueError("not one of the choices")
        return raw
    if spec.kind == "bool":
        if raw not in ("0", "1", "true", "false"):
            raise ValueError("neither 0 nor 1")
        return raw in ("1", "true")
    if spec.kind == "floats":
        values = tuple(_number(v) for v in raw.split(",") if v.strip())
        if any(not spec.lo <= v <= spec.hi for v in values):
            raise ValueError("a number out of range")
        return values
    value = _number(raw)
    if spec.kind == "int":
        if value != int(value):
            raise ValueError("not a whole number")
        value = int(value)
    if not spec.lo <= value <= spec.hi:
        raise ValueError("too small" if value < spec.lo else "too large")
    return value


def _dynamic_choices(name: str, cfg: Config) -> tuple:
    if name in ("param1", "param2"):
        return param_names(cfg.n_classes, dataset_info(cfg.dataset).n_features)
    return ()


def validate(cfg: Config) -> tuple[Config, list[str]]:
    """Repair cross-field constraints (class range per dataset, t <= steps, the selected example in the training
    set, ...); each repair that changes what the user asked for says so, in words."""
    notes = []
    lo, hi = CLASS_RANGE[cfg.dataset]
    if not lo <= cfg.n_classes <= hi:
        fixed = min(max(cfg.n_classes, lo), hi)
        allowed = f"exactly {lo}" if lo == hi else f"{lo} to {hi}"
        notes.append(f"{DATASET_LABELS[cfg.dataset]} has {allowed} classes, not {cfg.n_classes}: using C = {fixed}.")
        cfg = cfg.replace(n_classes=fixed)
    if cfg.n_points < cfg.n_classes * 2:
        notes.append(f"N = {cfg.n_points} points are too few for {cfg.n_classes} classes (2 per class at least): "
                     f"using N = {cfg.n_classes * 2}.")
        cfg = cfg.replace(n_points=cfg.n_classes * 2)
    info = dataset_info(cfg.dataset)
    if cfg.n_points > info.most(cfg.n_classes):
        most = info.most(cfg.n_classes)
        notes.append(f"{DATASET_LABELS[cfg.dataset]} has {most} images of its {cfg.n_classes} classes, not "
                     f"{cfg.n_points}: using N = {most}.")
        cfg = cfg.replace(n_points=most)
    if cfg.init == "custom" and info.n_features != 2:
        notes.append(f"A custom W is for the 2-D data sets ([W | b] is C × 3); {DATASET_LABELS[cfg.dataset]} "
                     f"has {info.n_features} features: starting from small random values instead.")
        cfg = cfg.replace(init="small", W0=())
    if cfg.init == "custom" and len(cfg.W0) != cfg.n_classes * 3:
        notes.append(f"The custom W has {len(cfg.W0)} numbers, but {cfg.n_classes} classes need "
                     f"{cfg.n_classes * 3} ([W | b] is C × 3): starting from small random values instead.")
        cfg = cfg.replace(init="small", W0=())
    names = param_names(cfg.n_classes, info.n_features)
    for key, start in zip(("param1", "param2"), default_params(info.n_features)):
        if getattr(cfg, key) not in names:
            cfg = cfg.replace(**{key: start if start in names else names[0]})
    if cfg.param1 == cfg.param2:
        cfg = cfg.replace(param2=next(n for n in names if n != cfg.param1))
    if cfg.t > cfg.steps:
        notes.append(f"Step t = {cfg.t} is past the training horizon of {cfg.steps} steps: showing t = {cfg.steps}.")
        cfg = cfg.replace(t=cfg.steps)
    if cfg.point >= cfg.n_train:
        notes.append(f"Example i = {cfg.point} is not in the training set, which has {cfg.n_train} examples "
                     f"(i = 0 … {cfg.n_train - 1}): showing i = {cfg.n_train - 1}.")
        cfg = cfg.replace(point=cfg.n_train - 1)
    if len(cfg.lecture_scores) not in (0, 9):
        notes.append(f"The lecture example's score table has 9 numbers (3 images × 3 classes), not "
                     f"{len(cfg.lecture_scores)}: showing the slide's scores.")
        cfg = cfg.replace(lecture_scores=())
    eps = round(round(cfg.lecture_eps / EPS_STEP) * EPS_STEP, 2)  # the slider's grid (and no float noise)
    if abs(eps - cfg.lecture_eps) > 1e-9:
        notes.append(f"The car question's ε moves in steps of {EPS_STEP:g}, so ε = {shown(cfg.lecture_eps)} "
                     f"is shown as ε = {shown(eps)}.")
    if eps != cfg.lecture_eps:
        cfg = cfg.replace(lecture_eps=eps)
    if not 1 <= len(cfg.lrs) <= 6:
        notes.append(f"The learning-rate comparison takes 1 to 6 learning rates, not {len(cfg.lrs)}: using "
                     f"{shown(DEFAULT.lrs)}.")
        cfg = cfg.replace(lrs=DEFAULT.lrs)
    if len(cfg.kl_p_hat) != len(DEFAULT.kl_p_hat) or sum(cfg.kl_p_hat) <= 0:
        notes.append(f"The prediction p̂ takes {len(DEFAULT.kl_p_hat)} probabilities, not the "
                     f"{len(cfg.kl_p_hat)} given (or they are all 0): using the slide's {shown(DEFAULT.kl_p_hat)}.")
        cfg = cfg.replace(kl_p_hat=DEFAULT.kl_p_hat)
    elif abs(sum(cfg.kl_p_hat) - 1.0) > 1e-9:  # kept normalized: p̂ is a distribution
        cfg = cfg.replace(kl_p_hat=tidy_distribution(cfg.kl_p_hat))
    return cfg, notes


def from_query(query: dict[str, str], base: Config = DEFAULT) -> tuple[Config, list[str]]:
    """Config from URL parameters over `base`. Each parameter stands alone: a bad one keeps the base value and
    adds a message; the others are used. Without `noise`, a link's data set comes with its own default noise."""
    query = {name: raw[-1] if isinstance(raw, list) else str(raw) for name, raw in query.items()}
    unknown = [name for name in query if name not in SCHEMA]
    values, problems = {}, []
    for name in SCHEMA:  # in schema order, so that n_classes is known before param1 / param2
        if name in query:
            try:
                values[name] = _parse(name, query[name], SCHEMA[name], replace(base, **values))
            except Exception as err:  # a link must never break the page (a ValueError says why)
                problems.append((name, err if isinstance(err, ValueError) else "could not be read"))
    if "noise" not in values and "dataset" in values:
        values["noise"] = default_noise(values["dataset"])
    cfg = replace(base, **values)
    messages = []
    if unknown:
        listed = ", ".join(quote(name, 30) for name in unknown[:3]) + (f" and {len(unknown) - 3:,} more"
                                                                       if len(unknown) > 3 else "")
        messages.append(f"Ignored URL parameter{'s' if len(unknown) > 1 else ''} {listed}: linviz has no setting "
                        f"of {'these names' if len(unknown) > 1 else 'that name'}.")
    for name, err in problems:
        messages.append(f"Ignored URL parameter {name} = {quote(query[name])}: {err} "
                        f"({_rule(name, SCHEMA[name], cfg)}). Using {shown(getattr(cfg, name))}.")
    cfg, notes = validate(cfg)
    # the Images page's data, unless the link chose it: the link's image set and classes (validated: C in range)
    own = {name: value for name, value in image_defaults(cfg.dataset, cfg.n_classes).items() if name not in values}
    return cfg.replace(**own), messages + notes


def to_query(cfg: Config) -> dict[str, str]:
    """Only the fields that differ from the defaults, as strings: short, readable URLs. The noise, the Landscape's
    two chosen parameters (an image's pair is W0_35, W0_36: validate() restores it) and the Images page's data (the
    data set's images and classes, image_defaults: from_query restores it) default per data set."""
    out = {}
    own = {"noise": default_noise(cfg.dataset),
           **dict(zip(("param1", "param2"), default_params(dataset_info(cfg.dataset).n_features))),
           **image_defaults(cfg.dataset, cfg.n_classes)}
    for f in fields(Config):
        value = getattr(cfg, f.name)
        default = own.get(f.name, getattr(DEFAULT, f.name))
        if value != default:
            out[f.name] = _format(value)
    return out
