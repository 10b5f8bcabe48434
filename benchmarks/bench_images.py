"""Speed on image data (issue 13), as ratios measured in one run: N = 1,797 digits, P = 64 pixels, C = 10.

train      1,000 full-batch softmax + L2 steps, linviz.train vs the same algorithm in PyTorch
           (bench_train.torch_train, CPU, 1 thread); target torch / linviz >= 3.  Timed twice: numpy's BLAS
           on its default threads (as bench_train does; wall clock), and on 1 thread (then CPU time is
           also shown, which the other processes on a shared machine disturb less).
prototype  the same Trainer with a kernel that keeps one copy [X | 1] instead of X and X^T (see
           AugmentedSoftmax), and the floor of any numpy kernel: 2 gemms + one np.exp over C*N per step.
landscape  a 61 x 61 loss_surface at the trained W vs np.exp over its R*R*N*C scores in a warm buffer;
           target <= 1.0x floor.
The digits need scikit-learn; without it random pixels of the same shape are used (same speed).
threadpoolctl (installed with scikit-learn) limits numpy's BLAS to 1 thread.

    python benchmarks/bench_images.py
"""
from __future__ import annotations

import time

import numpy as np
from bench_train import LR, REG, STEPS, torch_train  # benchmarks/ (run as python benchmarks/NAME.py)
from timing import interleaved

from linviz.landscape import loss_surface, pca_directions, random_directions
from linviz.losses import PENALTIES
from linviz.train import Trainer, train

N, P, C, R = 1797, 64, 10, 61


def data() -> tuple[np.ndarray, np.ndarray, str]:
    try:
        from linviz.images import digits

        X, y = digits(N, n_classes=C)
        return X, y, "scikit-learn digits"
    except ImportError:
        rng = np.random.default_rng(0)
        return rng.uniform(0, 1, (N, P)), np.arange(N) % C, "random pixels (scikit-learn missing)"


class AugmentedSoftmax:
    """Prototype for losses.ClassMajor._softmax at larger D: the same mathematics and the same outputs.

    ClassMajor keeps X (N, D) and a copy X^T (D, N) and streams both every step: 1.8 MB at D = 64,
    four times this CPU's 512 KB L2 and twice what torch reads.  BLAS reads a transposed view without
    copying, so one copy suffices; making it [X | 1] (N, D + 1) also moves the bias into the gemms:
    S = [W | b] [X | 1]^T, and one gemm P [X | 1] gives dW and db together (no S += b, no row sums).
    """

    def __init__(self, X, y, C, reg, penalty):
        self.N, self.y = X.shape[0], y
        self.X1 = np.hstack([X, np.ones((self.N, 1))])  # (N, D + 1), the only copy the step reads
        self.true = y * self.N + np.arange(self.N)  # flat index of s_{y_i} in S (C, N)
        onehot = np.zeros((C, self.N))
        onehot.ravel()[self.true] = 1.0
        self.onehot_X1 = onehot @ self.X1 / self.N  # (C, D + 1): the constant part of the gradient
        self.Wb = np.empty((C, X.shape[1] + 1))
        self.reg, self.penalty = reg, PENALTIES[penalty]

    def __call__(self, W, b):
        """(loss, dW, db, n_correct) at (W, b), as ClassMajor returns them."""
        N, Wb = self.N, self.Wb
        Wb[:, :-1], Wb[:, -1] = W, b
        S = Wb @ self.X1.T  # (C, N) scores, bias included
        S -= np.maximum.reduce(S)  # shifted: every exponent <= 0
        correct = S.take(self.true)
        n_correct = np.count_nonzero(correct == 0.0)
        if np.count_nonzero(S == 0.0) > N:  # ties: argmax takes the first maximal class
            n_correct = np.count_nonzero(np.argmax(S, axis=0) == self.y)
        np.exp(S, out=S)
        Z = np.add.reduce(S)
        data_loss = float(np.log(Z).sum() - correct.sum()) / N
        S *= 1.0 / (N * Z)  # probabilities / N
        grad = S @ self.X1  # (C, D + 1) = [dW | db] before the one-hot part and the penalty
        grad -= self.onehot_X1
        reg_loss, dW_reg = self.penalty(W, self.reg)
        dW = grad[:, :-1] + dW_reg
        return data_loss + reg_loss, dW, grad[:, -1].copy(), int(n_correct)


def one_blas_thread():
    """numpy's BLAS on 1 thread (a context), or None without threadpoolctl."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return None
    return threadpool_limits(1, user_api="blas")


def clocks(fns: dict, repeat: int = 5) -> dict[str, tuple[float, float]]:
    """(min wall time, min CPU time) of each fn, in alternation (timing.interleaved with both clocks)."""
    for fn in fns.values():
        fn()
    wall, cpu = {k: [] for k in fns}, {k: [] for k in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            w, c = time.perf_counter(), time.process_time()
            fn()
            wall[name].append(time.perf_counter() - w)
            cpu[name].append(time.process_time() - c)
    return {k: (min(wall[k]), min(cpu[k])) for k in fns}


def floor_steps(X, W0, b0):
    """STEPS x (the two gemms and the np.exp that every softmax step needs): no numpy kernel does less."""
    X1 = np.hstack([X, np.ones((len(X), 1))])
    Wb = np.hstack([W0, b0[:, None]])
    S = Wb @ X1.T

    def run():
        for _ in range(STEPS):
            np.matmul(Wb, X1.T, out=S)
            np.exp(S, out=S)
            S @ X1
    return run


def bench_train(X, y, W0, b0, torch):
    def ours():
        return train(X, y, loss="softmax", reg=REG, lr=LR, steps=STEPS, W0=W0, b0=b0)

    def prototype():
        trainer = Trainer(X, y, loss="softmax", reg=REG, lr=LR, W0=W0, b0=b0)
        trainer._kernel = AugmentedSoftmax(trainer.X, trainer.y, C, REG, "l2")
        return trainer.run(STEPS)

    h, hp = ours(), prototype()
    assert h.steps == hp.steps == STEPS, "training diverged: the benchmark would time fewer steps"
    same_accuracy = "equal" if np.array_equal(hp.accuracy, h.accuracy) else "DIFFERENT"
    print(f"prototype agrees with linviz: final W to {np.abs(hp.W[-1] - h.W[-1]).max():.1e}, losses to "
          f"{np.abs(hp.loss - h.loss).max():.1e}, accuracy {same_accuracy}")
    theirs = lambda: torch_train(torch, X, y, W0, b0)  # noqa: E731
    W_t, losses_t = theirs()
    print(f"torch {torch.__version__} agrees with linviz: final W to {np.abs(h.W[-1] - W_t).max():.1e}, "
          f"losses to {np.abs(h.loss[:-1] - losses_t).max():.1e}")
    res = interleaved({"linviz": ours, "torch": theirs}, repeat=5)
    (t_ours, _), (t_torch, _) = res["linviz"], res["torch"]
    print(f"train, numpy BLAS default threads (wall): linviz {t_ours*1e3:5.0f} ms, torch {t_torch*1e3:5.0f} ms "
          f"-> {t_torch/t_ours:4.1f}x (target >= 3)")
    limit = one_blas_thread()
    if limit is None:
        print("threadpoolctl not installed: no 1-thread measurement")
        return h
    with limit:
        res = clocks({"linviz": ours, "prototype": prototype, "floor": floor_steps(X, W0, b0), "torch": theirs})
    (w_torch, c_torch) = res.pop("torch")
    print(f"train, everything on 1 thread: torch {w_torch*1e3:5.0f} ms wall, {c_torch*1e3:5.0f} ms CPU")
    for name, (w, c) in res.items():
        print(f"    {name:9s} {w*1e3:5.0f} ms wall, {c*1e3:5.0f} ms CPU -> torch / {name}: {w_torch/w:4.1f}x wall, "
              f"{c_torch/c:4.1f}x CPU")
    return h


def bench_landscape(X, y, h):
    src = np.random.default_rng(1).standard_normal(R * R * N * C)
    buf = np.empty_like(src)
    W, b = h.W[-1], h.b[-1]
    slices = {"random": random_directions(W, b, seed=1), "pca": pca_directions(h)}
    print(f"landscape {R}x{R} at the trained W; floor = np.exp of {R*R*N*C:,} scores")
    for name, dirs in slices.items():
        fns = {"floor": lambda: np.exp(src, out=buf)}
        for loss in ("softmax", "svm", "ova"):
            fns[loss] = lambda loss=loss, dirs=dirs: loss_surface(X, y, W, b, dirs, loss=loss, reg=REG, resolution=R)
        res = interleaved(fns, repeat=5)
        floor = res.pop("floor")[0]
        cells = " | ".join(f"{loss} {t*1e3:4.0f} ms = {t/floor:4.2f}x" for loss, (t, _) in res.items())
        print(f"    {name:6s} slice: floor {floor*1e3:4.0f} ms | {cells} (target <= 1.0x)")


def cpu_note() -> str:
    """numpy vectorizes float64 exp only with AVX-512: without it np.exp is scalar, ~1/4 of a softmax step."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = f.read()
    except OSError:
        return "CPU flags unknown"
    return "CPU has AVX-512" if " avx512f" in flags else "CPU without AVX-512: numpy's float64 np.exp is scalar"


def main():
    X, y, source = data()
    print(f"N={N} P={P} C={C}: {source}; {cpu_note()}")
    rng = np.random.default_rng(0)
    W0, b0 = 0.01 * rng.standard_normal((C, P)), np.zeros(C)
    try:
        import torch
    except ImportError:
        torch = None
        print("torch not installed (pip install torch==2.13.0): no training ratios")
    if torch is not None:
        torch.set_num_threads(1)
        h = bench_train(X, y, W0, b0, torch)
    else:
        h = train(X, y, loss="softmax", reg=REG, lr=LR, steps=STEPS, W0=W0, b0=b0)
    bench_landscape(X, y, h)


if __name__ == "__main__":
    main()
