"""numpy's BLAS on one thread in the app's server.

OpenBLAS starts a thread per core for every matrix product. The app's products are small (at most 1,797 images
x 65 pixels x 10 classes) and the server runs one session's rerun per core at best; on a busy machine the extra
thread waits for a core that another process holds, and the product waits for it: 1,000 training steps on the
digits took 11.4 s on the default 2 threads against 0.78 s on one, on the 2-core machine this was built on under
load (benchmarks/bench_blas_threads.py measures both). threadpoolctl, installed with scikit-learn, sets the limit
in the running process; without it the default stays (the app still works).
"""
from __future__ import annotations

import contextlib

_limit = []  # the limit, set once per process (its object could restore the default: kept here)


def single_blas():
    """A context in which numpy's BLAS runs on one thread (a context that does nothing without threadpoolctl)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    import numpy  # noqa: F401  (its BLAS must be loaded for threadpoolctl to find it)

    return threadpool_limits(1, user_api="blas")


def one_blas_thread() -> bool:
    """Limit numpy's BLAS to one thread in this process from now on (once); whether a limit is in place."""
    if not _limit:
        _limit.append(single_blas())
    return not isinstance(_limit[0], contextlib.nullcontext)
