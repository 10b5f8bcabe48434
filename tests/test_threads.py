"""The app's server runs numpy's BLAS on one thread (dashboard/threads.py)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_app_limits_blas_to_one_thread():
    """In a process of its own (the limit is per process): before the app's entry script, the default threads;
    after it, one."""
    code = ("import numpy, threadpoolctl\n"
            "blas = lambda: max(i['num_threads'] for i in threadpoolctl.threadpool_info() if i['user_api'] == 'blas')\n"
            "before = blas()\n"
            "from tests.app_entry import run_app\n"
            "at = run_app('app_pages/classifier.py', None)\n"
            "assert not at.exception, at.exception\n"
            "print(before, blas())\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
                         env={"OPENBLAS_NUM_THREADS": "2", "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr[-2000:]
    before, after = map(int, out.stdout.split()[-2:])
    assert (before, after) == (2, 1)
