"""linviz.viewpoints.pca_plane, before and after, as a ratio measured in one run: N = 1,797 digits, P = 64 pixels.

before  the top right singular vector of the centred images, then of what it leaves over: an SVD of the (N, P) data
        per axis (pca_plane until it used one eigendecomposition);
after   pca_plane: one (P, N) x (N, P) product and one P x P np.linalg.eigh.
"cold" is each one's first call in this process (what the first visitor of a page pays), then the min and median of
repeated calls timed in alternation (timing.interleaved). Both give the same plane (tests/test_images13.py).

    python benchmarks/bench_pca_plane.py

(The checkout this script is in is put first on sys.path: run from a worktree, `import linviz` would otherwise find
the one the shared interpreter has installed, and time that one's pca_plane.)
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from timing import interleaved  # benchmarks/ (run as python benchmarks/NAME.py)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from linviz.viewpoints import pca_plane  # noqa: E402
from tests.test_images13 import pca_axes_naive as before  # noqa: E402  (the two SVDs pca_plane made)


def data() -> tuple[np.ndarray, str]:
    try:
        from linviz.images import digits, digits_available

        return digits(digits_available(10), n_classes=10)[0], "scikit-learn digits"
    except ImportError:
        return np.random.default_rng(0).uniform(0, 1, (1797, 64)), "random pixels (scikit-learn missing)"


def main() -> None:
    X, source = data()
    print(f"pca_plane on {X.shape[0]} x {X.shape[1]} images ({source})")
    cold = {}
    for name, fn in (("before", lambda: before(X)), ("after", lambda: pca_plane(X).axes)):
        t0 = time.perf_counter()
        fn()
        cold[name] = time.perf_counter() - t0
    gap = float(np.abs(np.abs(before(X) @ pca_plane(X).axes.T) - np.eye(2)).max())
    times = interleaved({"before": lambda: before(X), "after": lambda: pca_plane(X)}, repeat=15)
    for name in ("before", "after"):
        print(f"  {name:6}  cold {cold[name] * 1e3:8.2f} ms   min {times[name][0] * 1e3:7.2f} ms   "
              f"median {times[name][1] * 1e3:7.2f} ms")
    print(f"  before / after: cold {cold['before'] / cold['after']:.1f}x, min "
          f"{times['before'][0] / times['after'][0]:.1f}x, median {times['before'][1] / times['after'][1]:.1f}x "
          f"(the planes agree to {gap:.1e})")


if __name__ == "__main__":
    main()
