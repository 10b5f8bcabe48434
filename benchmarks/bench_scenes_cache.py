"""The engine cache outside an app (the export command, tests): dashboard/cache.py's memo against st.cache_data
used there (what compute.py did before), on a cached training run, in one run.

    python benchmarks/bench_scenes_cache.py
"""
from __future__ import annotations

import logging
import sys
from pathlib import Path

from timing import interleaved  # benchmarks/timing.py (run these scripts as python benchmarks/NAME.py)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
logging.disable(logging.WARNING)  # st.cache_data outside an app logs "No runtime found"

import streamlit as st  # noqa: E402

from dashboard import compute, scenes  # noqa: E402
from dashboard.config import DEFAULT  # noqa: E402

CALLS = 200


def main() -> None:
    key = compute.TrainSpec.of(DEFAULT)
    in_streamlit = st.cache_data(max_entries=32, show_spinner=False)(compute.history.__wrapped__)
    times = interleaved({
        "memo (dashboard/cache.py)": lambda: [compute.history(key) for _ in range(CALLS)],
        "st.cache_data outside an app": lambda: [in_streamlit(key) for _ in range(CALLS)],
        "every scene of the defaults (all_figures)": lambda: scenes.all_figures(DEFAULT),
    })
    memo, streamlit = times["memo (dashboard/cache.py)"][1], times["st.cache_data outside an app"][1]
    print(f"a cached History, per call: memo {memo / CALLS * 1e6:.0f} us, st.cache_data outside an app "
          f"{streamlit / CALLS * 1e6:.0f} us: ratio {memo / streamlit:.2f} (median of 7)")
    scenes_s = times["every scene of the defaults (all_figures)"][1]
    print(f"every scene of the defaults, engine calls cached: {scenes_s:.2f} s")


if __name__ == "__main__":
    main()
