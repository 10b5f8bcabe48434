"""What one Search page cache entry weighs: the pickled value st.cache_data keeps for fc.race (max_entries 8 per
server, shared by every session), at the largest budget, for both problems, with the time to compute it.

    python benchmarks/search_cache_size.py
"""
from __future__ import annotations

import logging
import pickle
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
logging.disable(logging.WARNING)

from dashboard import compute  # noqa: E402
from dashboard import finding_compute as fc  # noqa: E402
from dashboard.config import DEFAULT  # noqa: E402

BUDGET = 5000  # the Search page's largest budget


def main() -> None:
    largest = DEFAULT.replace(n_classes=6)  # the shape images have at most 6 classes (P = 390)
    for cfg, data in ((DEFAULT, "points"), (DEFAULT, "shapes"), (largest, "shapes")):
        key, ikey = fc.problem_key(cfg), compute.InitSpec.of(cfg)
        start = time.perf_counter()
        entry = fc.race(key, ikey, data, BUDGET, DEFAULT.sr_lr, DEFAULT.seed)
        seconds = time.perf_counter() - start
        size = len(pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL))
        print(f"{data:>6}, C = {cfg.n_classes}, P = {entry.n_parameters}, budget {BUDGET:,}: one race entry "
              f"{size / 2**20:6.2f} MiB (x 8 entries = "
              f"{8 * size / 2**20:6.1f} MiB), computed in {seconds:.1f} s")


if __name__ == "__main__":
    main()
