"""Training speed: linviz vs the same algorithm with PyTorch autograd on the CPU, in one run.

1000 full-batch gradient-descent steps, softmax + L2, N = 1000, C = 3, D = 2, recording the
full-data loss at every step in both. Target (issue #2): linviz at least 3x faster.
torch is a benchmark extra only:  pip install torch==2.13.0

    python benchmarks/bench_train.py
"""
from __future__ import annotations

import numpy as np
from timing import best_of, interleaved  # benchmarks/timing.py (run these scripts as python benchmarks/NAME.py)

from linviz.datasets import make_dataset
from linviz.train import train

N, C, STEPS, LR, REG = 1000, 3, 1000, 0.1, 1e-3


def torch_train(torch, X, y, W0, b0):
    Xt, yt = torch.tensor(X), torch.tensor(y)
    W = torch.tensor(W0, requires_grad=True)
    b = torch.tensor(b0, requires_grad=True)
    losses = []
    for _ in range(STEPS):
        loss = torch.nn.functional.cross_entropy(Xt @ W.T + b, yt) + REG * (W * W).sum()
        losses.append(loss.item())
        W.grad = b.grad = None
        loss.backward()
        with torch.no_grad():
            W -= LR * W.grad
            b -= LR * b.grad
    return W.detach().numpy(), np.array(losses)


def main():
    X, y = make_dataset("blobs", N, noise=1.0, seed=0, n_classes=C)
    rng = np.random.default_rng(0)
    W0, b0 = 0.01 * rng.standard_normal((C, 2)), np.zeros(C)
    ours_fn = lambda: train(X, y, loss="softmax", reg=REG, lr=LR, steps=STEPS, W0=W0, b0=b0)  # noqa: E731
    try:
        import torch
    except ImportError:
        ours, ours_med = best_of(ours_fn)
        print(f"linviz  {STEPS} steps: {ours*1e3:7.1f} ms (median {ours_med*1e3:.1f})")
        print("torch not installed: pip install torch==2.13.0 to measure the ratio")
        return
    torch.set_num_threads(1)
    res = interleaved({"linviz": ours_fn, "torch": lambda: torch_train(torch, X, y, W0, b0)})
    (ours, ours_med), (theirs, theirs_med) = res["linviz"], res["torch"]
    print(f"linviz  {STEPS} steps: {ours*1e3:7.1f} ms (median {ours_med*1e3:.1f})")
    h = train(X, y, loss="softmax", reg=REG, lr=LR, steps=STEPS, W0=W0, b0=b0)
    W_t, losses_t = torch_train(torch, X, y, W0, b0)
    agree = np.abs(h.W[-1] - W_t).max()
    print(f"torch   {STEPS} steps: {theirs*1e3:7.1f} ms (median {theirs_med*1e3:.1f}), torch {torch.__version__}, "
          f"1 thread")
    print(f"ratio torch / linviz: {theirs/ours:.1f}x (target >= 3); final W agree to {agree:.1e}, "
          f"losses to {np.abs(h.loss[:-1] - losses_t).max():.1e}")


if __name__ == "__main__":
    main()
