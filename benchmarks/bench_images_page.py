"""What a first visit to the Images page costs: training its run (200 full-batch softmax steps, the sidebar's
defaults) on each image set, with numpy's BLAS on its default threads and on one (dashboard.image_compute trains on
one thread when threadpoolctl is installed), as ratios measured in one run, interleaved.

    python benchmarks/bench_images_page.py
"""
from __future__ import annotations

import contextlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from timing import interleaved  # noqa: E402  (benchmarks/)

from dashboard import image_compute as ic  # noqa: E402
from dashboard.config import DEFAULT  # noqa: E402

CASES = {"digits 0/1/7": DEFAULT, "all 10 digits": DEFAULT.replace(im_digits="0123456789"),
         "4 shapes": DEFAULT.replace(im_data="shapes")}


def main() -> None:
    for name, cfg in CASES.items():
        ic.image_data(ic.ImageDataSpec.of(cfg))
        spec = ic.ImageTrainSpec.of(cfg)
        times = interleaved({"default threads": lambda s=spec: _plain(s), "1 thread": lambda s=spec: _one(s)}, repeat=3)
        (d, _), (o, _) = times["default threads"], times["1 thread"]
        print(f"{name:14s} default threads {d * 1e3:7.0f} ms   1 thread {o * 1e3:6.0f} ms   ratio {d / o:5.1f}x")


def _plain(spec) -> None:
    ic.history.clear()
    saved, ic.one_blas_thread = ic.one_blas_thread, contextlib.nullcontext
    try:
        ic.history(spec)
    finally:
        ic.one_blas_thread = saved


def _one(spec) -> None:
    ic.history.clear()
    ic.history(spec)


if __name__ == "__main__":
    main()
