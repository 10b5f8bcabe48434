"""Mini-batch training cost (issue 14 item 1): the Trainer, which scores its steps' full-data losses in chunks,
against the step-by-step logic it replaced (OldTrainer in tests/test_train_minibatch_fast.py: the full-data kernel,
loss AND gradient, after every step), timed interleaved in one run, with the two histories compared.

Batch sizes 1, 16, 64 and full batch (which reuses the full-data gradient and must not get slower), 2000 steps,
at N = 800, C = 8 (spiral) and at the app's defaults (blobs, N = 200, C = 3). "curve": the run as the pages that
draw only its loss curve train it (Trainer(score_at=compute.curve_steps(T)): the loss at <= 200 steps, divergence
still checked at every step; a full-batch run is the same run).

    python benchmarks/bench_minibatch_train.py
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from timing import interleaved  # benchmarks/timing.py (run these scripts as python benchmarks/NAME.py)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from dashboard.compute import curve_steps  # noqa: E402
from linviz.datasets import make_dataset  # noqa: E402
from linviz.train import Trainer  # noqa: E402
from tests.test_train_minibatch_fast import OldTrainer  # noqa: E402

STEPS = 2000
DATA = {"N = 800, C = 8 (spiral)": ("spiral", 800, 8, 0.2), "defaults (blobs, N = 200, C = 3)": ("blobs", 200, 3, 1.0)}


def main() -> None:
    for title, (name, N, C, noise) in DATA.items():
        X, y = make_dataset(name, N, noise=noise, seed=0, n_classes=C)
        print(f"{title}, softmax, sgd, lr 0.1, {STEPS} steps (best of 5, ms):")
        for batch_size in (1, 16, 64, None):
            kw = dict(loss="softmax", lr=0.1, reg=1e-3, batch_size=batch_size, seed=0)
            res = interleaved({"new": lambda X=X, y=y, kw=kw: Trainer(X, y, **kw).run(STEPS),
                               "old": lambda X=X, y=y, kw=kw: OldTrainer(X, y, **kw).run(STEPS),
                               "curve": lambda X=X, y=y, kw=kw: Trainer(X, y, score_at=curve_steps(STEPS),
                                                                        **kw).run(STEPS)}, repeat=5)
            (new, _), (old, _), (curve, _) = res["new"], res["old"], res["curve"]
            h, h_old = Trainer(X, y, **kw).run(STEPS), OldTrainer(X, y, **kw).run(STEPS)
            loss_rel = float(np.max(np.abs(h.loss - h_old.loss) / np.abs(h_old.loss)))
            same = (np.array_equal(h.W, h_old.W) and np.array_equal(h.accuracy, h_old.accuracy)
                    and h.diverged_at == h_old.diverged_at)
            print(f"  batch {batch_size or 'N':>4}: new {new * 1e3:7.1f}  old {old * 1e3:7.1f}  "
                  f"old / new {old / new:5.1f}x   curve {curve * 1e3:7.1f}  old / curve {old / curve:5.1f}x   "
                  f"W, accuracy identical: {same}, loss rel. diff {loss_rel:.0e}")


if __name__ == "__main__":
    main()
