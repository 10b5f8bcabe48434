"""The Classifier page's W/b editor (as in the CS231n demo): the parameters at step t as a table with the gradient
of each entry beside it; an edit becomes the custom start of training (step 0). A typed entry is read as the user
wrote it and a bad one is refused in words, the table and W unchanged.
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from dashboard import compute, scenes, state
from dashboard.config import SCHEMA
from dashboard.figures.format import fixed, number, sig

EDITABLE = {"w₁": 0, "w₂": 1, "b": 2}  # the W/b editor's editable columns -> column of [W | b]


def parse_entry(text) -> float | None:
    """A number typed into the W/b editor as the user wrote it ('1e9', '-0.5', or as the table shows it:
    '−0.5000'), or None when it is not one."""
    try:
        value = number(text)
    except (TypeError, ValueError):
        return None
    return value if np.isfinite(value) else None


def plain(text, limit: int = 60) -> str:
    """User text for a Markdown message, shown as typed: at most `limit` characters, every ASCII punctuation
    character backslash-escaped (so no link, image, :colour[...] or $math$ can come of it)."""
    text = " ".join(str(text).split())
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return "".join("\\" + c if c.isascii() and not c.isalnum() and not c.isspace() else c for c in text)


def edit_error(edits: dict, lo: float, hi: float) -> str | None:
    """Why edited_rows {row: {column: typed text}} cannot be applied (the first bad entry), or None."""
    for row, changes in edits.items():
        for column, typed in changes.items():
            if column not in EDITABLE:
                continue
            value = parse_entry(typed)
            if value is None or not lo <= value <= hi:
                what = "not a number" if value is None else "out of range"
                shown = "nothing" if typed is None or not str(typed).strip() else f"“{plain(typed)}”"
                return (f"{column} of class {row}: {shown} is {what}. Entries of W and b must be numbers from "
                        f"{lo:g} to {hi:g} (for example 0.5, −2 or 1e-3). W and b are unchanged.")
    return None


def edit_parameters(ctx: scenes.Context) -> None:
    """The W/b table with the gradient of each entry; an edit becomes the custom start of training (step 0).

    The editable columns are text columns, so the callback gets the entry exactly as typed: a number column's
    editor drops what is not a digit, a sign or a point, which made '1e9' arrive as 19.0."""
    cfg = ctx.cfg
    if not st.toggle("Edit W and b directly (the current gradient is shown beside each entry)",
                     key=state.seed("edit_W", False), help="As in the CS231n demo: type a new value into the table"):
        return
    import pandas as pd  # here, not at the top: ~0.7 s of the app's first start that the default view does not need

    res = compute.evaluate(cfg.loss, ctx.W, ctx.b, ctx.X, ctx.y, cfg.reg, cfg.penalty, cfg.margin)
    current = np.hstack([ctx.W, ctx.b[:, None]])
    table = pd.DataFrame({
        "class": [f"class {k}" for k in range(cfg.n_classes)],
        **{name: [sig(v, 4) for v in current[:, j]] for name, j in EDITABLE.items()},
        **{name: [fixed(v, 4) for v in g] for name, g in (("∂L/∂w₁", res.dW[:, 0]), ("∂L/∂w₂", res.dW[:, 1]),
                                                          ("∂L/∂b", res.db))},
    })
    refused = state.remember("W_editor_refused") or 0  # a refused edit gets a fresh table (without the bad entry)
    editor_key = f"W_editor_{abs(hash((current.tobytes(), refused)))}"
    lo, hi = SCHEMA["W0"].lo, SCHEMA["W0"].hi

    def apply_edit(key=editor_key, current=current):
        edits = (state.widget(key) or {}).get("edited_rows", {})
        error = edit_error(edits, lo, hi)
        if error:  # said next to the table (the page's top can be out of view), once
            state.remember("W_editor_error", error)
            state.remember("W_editor_refused", refused + 1)
            return
        Wb = current.copy()
        for row, changes in edits.items():
            for column, typed in changes.items():
                if column in EDITABLE:
                    Wb[int(row), EDITABLE[column]] = parse_entry(typed)
        state.update(init="custom", W0=tuple(float(v) for v in Wb.ravel()), t=0)
        st.rerun()  # the whole app: the sidebar's initialization becomes "custom"

    refusal = state.remember("W_editor_error")
    if refusal:
        state.forget("W_editor_error")
        st.warning(refusal, icon=":material/block:")
    st.data_editor(table, key=editor_key, on_change=apply_edit, hide_index=True, width="stretch",
                   disabled=["class", "∂L/∂w₁", "∂L/∂w₂", "∂L/∂b"],
                   column_config={**{c: st.column_config.TextColumn(c, help=f"a number from {lo:g} to {hi:g}")
                                     for c in EDITABLE},
                                  **{c: st.column_config.TextColumn(c, alignment="right")
                                     for c in ["∂L/∂w₁", "∂L/∂w₂", "∂L/∂b"]}})
    st.caption(f"Loss ({cfg.loss}) at these parameters: **{res.loss:.4f}**. Editing an entry makes it the new "
               "starting point (step 0) of training. A gradient step moves each entry by −α times its "
               "gradient.")
