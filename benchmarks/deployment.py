"""`deploy/serve.sh N PORT` started from Python (for benchmarks/load.py and tests/test_deploy.py).

    with Deployment(replicas=2) as d:      # N replicas + nginx on a free block of ports on 127.0.0.1
        d.url, d.replica_pids(), d.access_log(), d.stop_replica(1)
"""
from __future__ import annotations

import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVE = ROOT / "deploy" / "serve.sh"
START_TIMEOUT = 180.0  # N replicas importing streamlit + plotly on a loaded 2-core machine
# one line of nginx's access log (deploy/nginx.conf, log_format linviz)
ACCESS_LINE = re.compile(r'"(?P<request>[^"]*)" (?P<status>\d+) \d+ '
                         r'route=(?P<route>\S+) upstream="(?P<upstream>[^"]*)"')


def nginx_binary() -> str | None:
    """nginx on PATH or where Debian puts it (/usr/sbin, often not on a user's PATH)."""
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    return os.environ.get("LINVIZ_NGINX", found)


def _free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port_block(n: int) -> int:
    """A port P such that P .. P+n-1 are all free on 127.0.0.1."""
    for _ in range(200):
        port = random.randint(20_000, 60_000 - n)
        if all(_free(port + i) for i in range(n)):
            return port
    raise RuntimeError(f"no block of {n} free ports found")


class Deployment:
    """serve.sh with `replicas` replicas of `app`; everything it writes goes to a temporary run directory."""

    def __init__(self, replicas: int = 2, app: str = "dashboard/app.py", port: int | None = None):
        self.replicas = replicas
        self.port = port or free_port_block(replicas + 1)
        self.url = f"http://127.0.0.1:{self.port}"
        self.run_dir = Path(tempfile.mkdtemp(prefix="linviz-deploy-"))
        self.output = open(self.run_dir / "serve.out", "w+b")  # noqa: SIM115 (closed in stop)
        env = {**os.environ, "LINVIZ_RUN_DIR": str(self.run_dir), "LINVIZ_PYTHON": sys.executable,
               "LINVIZ_APP": app}
        nginx = nginx_binary()
        if nginx:
            env["LINVIZ_NGINX"] = nginx
        env.pop("LINVIZ_RAISE", None)  # the replicas should behave as they do for users
        self.proc = subprocess.Popen(["bash", str(SERVE), str(replicas), str(self.port)], cwd=ROOT, env=env,
                                     stdout=self.output, stderr=subprocess.STDOUT, start_new_session=True)

    def serve_output(self) -> str:
        return (self.run_dir / "serve.out").read_text(errors="replace")

    def wait_ready(self, timeout: float = START_TIMEOUT) -> Deployment:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if (self.run_dir / "ready").exists():
                return self
            if self.proc.poll() is not None:
                raise RuntimeError(f"serve.sh exited with {self.proc.returncode}:\n{self.serve_output()[-3000:]}")
            time.sleep(0.2)
        raise RuntimeError(f"serve.sh was not ready within {timeout:.0f} s:\n{self.serve_output()[-3000:]}")

    def __enter__(self) -> Deployment:
        try:
            return self.wait_ready()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc) -> None:
        self.stop()

    # ------------------------------------------------------------------ what is running
    def replica_pids(self) -> list[int]:
        return [int((self.run_dir / f"replica-{i}.pid").read_text()) for i in range(1, self.replicas + 1)]

    def replica_ports(self) -> list[int]:
        return [self.port + i for i in range(1, self.replicas + 1)]

    def nginx_pids(self) -> list[int]:
        """nginx's master and its workers."""
        master = int((self.run_dir / "nginx.pid").read_text())
        workers = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                workers.append(int(stat.parent.name))
        return [master, *workers]

    def replica_log(self, i: int) -> str:
        return (self.run_dir / f"replica-{i}.log").read_text(errors="replace")

    def access_log(self) -> list[dict]:
        """nginx's access log, one dict per request: request, status, route (the affinity id), upstream (every
        replica nginx tried, e.g. "127.0.0.1:8081, 127.0.0.1:8082" when the first was down) and served_by (the
        last of them)."""
        path = self.run_dir / "logs" / "access.log"
        rows = [m.groupdict() for line in (path.read_text().splitlines() if path.exists() else [])
                if (m := ACCESS_LINE.search(line))]
        for row in rows:
            row["served_by"] = row["upstream"].split(",")[-1].strip()
        return rows

    def stop_replica(self, i: int) -> None:
        """Stop replica i (1-based) as a crash or an operator would (SIGTERM), and wait until it is gone."""
        pid = self.replica_pids()[i - 1]
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and alive(pid):
            time.sleep(0.1)
        if alive(pid):
            os.kill(pid, signal.SIGKILL)

    def stop(self) -> None:
        """SIGTERM to serve.sh, which stops nginx and the replicas; then remove the run directory."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.output.close()
        shutil.rmtree(self.run_dir, ignore_errors=True)


def alive(pid: int) -> bool:
    """True while pid runs (a zombie of serve.sh's counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
