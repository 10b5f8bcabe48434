"""deploy/serve.sh: two replicas behind nginx, everything on 127.0.0.1, checked over HTTP and Streamlit's protocol.

Needs Debian's nginx (apt-get install -y nginx). Without it the tests skip with a reason, unless
LINVIZ_REQUIRE_BROWSER=1 (CI), in which case they fail. The browser's view of the same deployment (every page
under the CSP, a replica stopped under an open tab) is in tests/e2e/test_deploy_browser.py.
"""
from __future__ import annotations

import asyncio
import gzip
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections import defaultdict
from urllib.parse import parse_qs

import pytest
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks import load
from benchmarks.deployment import SERVE, Deployment, alive, nginx_binary
from benchmarks.stclient import Session, run_sync
from tests.e2e.conftest import skip_or_fail

ROUTE = re.compile(r"^linviz_route=([0-9a-f]{32}); Path=/; HttpOnly; SameSite=Lax$")


def start(replicas: int = 2) -> Deployment:
    if not nginx_binary():
        skip_or_fail("nginx not found: the deployment tests need Debian's nginx (apt-get install -y nginx)")
    d = Deployment(replicas=replicas)
    try:
        return d.wait_ready()
    except RuntimeError as err:
        d.stop()
        pytest.fail(str(err), pytrace=False)


@pytest.fixture(scope="module")
def deployment():
    d = start()
    yield d
    d.stop()


def get(url: str, cookie: str | None = None, **headers: str):
    """(status, headers) of a GET; an HTTP error status is a result here, not an exception."""
    return fetch(url, cookie, **headers)[:2]


def fetch(url: str, cookie: str | None = None, **headers: str):
    """(status, headers, body) of a GET."""
    request = urllib.request.Request(url, headers={**headers, **({"Cookie": cookie} if cookie else {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def a_static_file(d: Deployment) -> str:
    """The path of the app's main JavaScript bundle, as index.html names it."""
    return "/" + re.search(r'src="\./(static/js/index\.[^"]+\.js)"', fetch(d.url + "/")[2].decode()).group(1)


def served_by(d: Deployment, route: str) -> set[str]:
    """The replicas that served the browser with this affinity id ("-": nginx's cache of static files)."""
    return {row["served_by"] for row in d.access_log() if row["route"] == route} - {"-"}


def test_every_response_carries_the_security_headers(deployment):
    for path in ("/", "/_stcore/health", "/_stcore/host-config", "/favicon.png", "/no/such/page/_stcore/health",
                 a_static_file(deployment), a_static_file(deployment)):  # (the second from nginx's cache)
        status, headers = get(deployment.url + path)
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'self'" in csp and "object-src 'none'" in csp, (path, csp)
        assert headers["X-Frame-Options"] == "SAMEORIGIN", path
        assert headers["X-Content-Type-Options"] == "nosniff", path
    # the headers are nginx's doing: a replica on its own port sends none of them
    _, direct = get(f"http://127.0.0.1:{deployment.replica_ports()[0]}/")
    assert direct["Content-Security-Policy"] is None and direct["X-Frame-Options"] is None


def test_static_files_are_compressed_and_read_from_a_replica_once(deployment):
    """Streamlit sends its JavaScript (8 MB per new browser) uncompressed and leaves that to the proxy."""
    path = a_static_file(deployment)
    sent = []
    for _ in range(3):
        status, headers, body = fetch(deployment.url + path, **{"Accept-Encoding": "gzip"})
        assert status == 200 and headers["Content-Encoding"] == "gzip"
        sent.append(gzip.decompress(body))
    assert len(sent[0]) > 2 * len(body) and sent[0] == sent[1] == sent[2]
    upstreams = [row["upstream"] for row in deployment.access_log() if row["request"] == f"GET {path} HTTP/1.1"]
    assert upstreams[-2:] == ["-", "-"]  # the repeats came from nginx's cache, not from a replica
    _, direct = get(f"http://127.0.0.1:{deployment.replica_ports()[0]}{path}", **{"Accept-Encoding": "gzip"})
    assert direct["Content-Encoding"] is None  # (the replica itself does not compress)


def test_streamlit_metrics_are_not_public(deployment):
    for path in ("/_stcore/metrics", "/_stcore/metrics?families=session_state_memory"):
        assert get(deployment.url + path)[0] == 404
    # ... while the operator still reads them on a replica's own (127.0.0.1-only) port
    assert get(f"http://127.0.0.1:{deployment.replica_ports()[0]}/_stcore/metrics")[0] == 200


def test_a_new_browser_gets_a_cookie_that_keeps_it_on_one_replica(deployment):
    status, headers = get(deployment.url + "/")
    assert status == 200
    cookies = [c for c in headers.get_all("Set-Cookie") if c.startswith("linviz_route=")]
    assert len(cookies) == 1 and ROUTE.match(cookies[0]), cookies
    route = ROUTE.match(cookies[0]).group(1)
    for path in ("/_stcore/health", "/_stcore/host-config", "/", "/favicon.png"):
        status, headers = get(deployment.url + path, cookie=f"linviz_route={route}")
        assert status == 200
        assert not any(c.startswith("linviz_route=") for c in headers.get_all("Set-Cookie") or []), path
    assert len(served_by(deployment, route)) == 1


def test_a_malformed_cookie_is_replaced(deployment):
    _, headers = get(deployment.url + "/", cookie='linviz_route="><script>')
    cookies = [c for c in headers.get_all("Set-Cookie") if c.startswith("linviz_route=")]
    assert len(cookies) == 1 and ROUTE.match(cookies[0]), cookies


def test_browsers_are_spread_over_both_replicas_and_each_stays_on_its_own(deployment):
    routes = [secrets.token_hex(16) for _ in range(16)]
    for _ in range(3):
        for route in routes:
            assert get(deployment.url + "/_stcore/health", cookie=f"linviz_route={route}")[0] == 200
    homes = {route: served_by(deployment, route) for route in routes}
    assert all(len(h) == 1 for h in homes.values()), homes
    assert set().union(*homes.values()) == {f"127.0.0.1:{p}" for p in deployment.replica_ports()}


def test_websocket_sessions_run_through_nginx_on_one_replica_each(deployment):
    async def scenario():
        sessions = [Session(deployment.url, query=f"seed={i + 1}") for i in range(6)]
        runs = []
        for s in sessions:
            runs.append(await s.open())
        for s, lr in zip(sessions, ["0.46", "0.038", "0.001", "0.12", "2.2", "0.056"]):
            runs.append(await s.rerun({"lr": lr}))
        for s in sessions:
            await s.close()
        return sessions, runs

    sessions, runs = run_sync(scenario())
    assert all(r.ok for r in runs), [(r.status, r.errors, r.exceptions) for r in runs]
    assert [r.query for r in runs[6:]] == ["seed=1&lr=0.46", "seed=2&lr=0.038", "seed=3&lr=0.001",
                                           "seed=4&lr=0.12", "seed=5&lr=2.2", "seed=6&lr=0.056"]
    requests = defaultdict(list)
    for row in deployment.access_log():
        requests[row["route"]].append(row)
    for s in sessions:
        rows = requests[s.cookie("linviz_route")]
        assert any(r["request"].startswith("GET /_stcore/stream ") and r["status"] == "101" for r in rows)
        assert len({r["served_by"] for r in rows}) == 1, rows


def test_the_websocket_is_accepted_under_a_public_name_and_port(deployment):
    """Students open http://<the lecturer's machine>:PORT. Streamlit accepts the websocket only if its Origin
    matches the Host header (or is localhost), so nginx must pass the Host with its port."""
    name = f"linviz.example.org:{deployment.port}"

    async def first_run():
        async with websockets.connect(f"ws://{name}/_stcore/stream", host="127.0.0.1", port=deployment.port,
                                      origin=f"http://{name}", subprotocols=["streamlit"], max_size=None) as ws:
            await ws.send(BackMsg(rerun_script={"query_string": ""}).SerializeToString())
            while True:
                msg = ForwardMsg.FromString(await asyncio.wait_for(ws.recv(), timeout=120))
                if msg.WhichOneof("type") == "script_finished":
                    return msg.script_finished

    assert run_sync(first_run()) == ForwardMsg.FINISHED_SUCCESSFULLY


def test_a_stopped_replica_sends_its_sessions_to_the_other_with_the_same_view():
    d = start()
    try:
        run_sync(_failover(d))
        stops_everything(d, lambda: d.proc.send_signal(signal.SIGTERM))  # SIGTERM to serve.sh: nginx + replica 2
    finally:
        d.stop()


def stops_everything(d: Deployment, signal_it) -> None:
    pids = [*d.replica_pids(), *d.nginx_pids()]
    signal_it()
    assert d.proc.wait(timeout=60) == 0, d.serve_output()
    assert not [pid for pid in pids if alive(pid)], d.serve_output()


async def _failover(d: Deployment) -> None:
    ports = [f"127.0.0.1:{p}" for p in d.replica_ports()]
    sessions, home = [], {}
    while len(set(home.values())) < 2:  # a session on each replica (the cookie is random)
        assert len(sessions) < 40, "40 browsers all landed on one replica"
        s = Session(d.url, query="seed=5")
        assert (await s.open()).ok
        assert (await s.rerun({"lr": "0.12"})).query == "seed=5&lr=0.12"
        (home[s],) = served_by(d, s.cookie("linviz_route"))
        sessions.append(s)
    victim = next(s for s in sessions if home[s] == ports[0])
    survivor = next(s for s in sessions if home[s] == ports[1])
    d.stop_replica(1)

    lost = await victim.rerun({"lr": "0.46"})
    assert lost.status == "disconnected"  # the tab's websocket closed: Streamlit's client reconnects
    back = await victim.reconnect()
    assert back.ok, (back.status, back.errors, back.exceptions)
    # one consistent view on the other replica: its seed, and the α its slider shows is the one in the address bar
    print(back.query, victim.value("lr"))
    assert back.query.startswith("seed=5&lr=") and victim.value("seed") == 5
    assert load._same_value(parse_qs(back.query)["lr"][0], victim.value("lr")[0])
    assert served_by(d, victim.cookie("linviz_route")) == {ports[0], ports[1]}
    moved = await victim.rerun({"lr": "0.038"})
    assert moved.ok and moved.query == "seed=5&lr=0.038"
    # the other replica's sessions did not notice
    assert (await survivor.rerun({"lr": "0.001"})).query == "seed=5&lr=0.001"
    for s in sessions:
        await s.close()
    assert "Traceback" not in d.replica_log(2)


def test_with_no_replica_left_a_visitor_reads_why_and_ctrl_c_stops_the_rest():
    d = start(replicas=1)
    try:
        d.stop_replica(1)
        status, headers, body = fetch(d.url + "/")
        assert status == 503 and b"not answering right now" in body and b"<" not in body
        assert headers["X-Frame-Options"] == "SAMEORIGIN"
        # a terminal's Ctrl-C sends SIGINT to the whole foreground process group
        stops_everything(d, lambda: os.killpg(d.proc.pid, signal.SIGINT))
    finally:
        d.stop()


def serve(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(SERVE), *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "LINVIZ_PYTHON": sys.executable, **env})


def test_serve_sh_prints_its_nginx_configuration():
    out = serve("--config", "3", "18080")
    assert out.returncode == 0, out.stderr
    assert "listen 127.0.0.1:18080;" in out.stdout
    assert [f"server 127.0.0.1:{p};" for p in (18081, 18082, 18083)] == re.findall(r"server 127\.0\.0\.1:\d+;",
                                                                                    out.stdout)
    assert "__" not in out.stdout.split("daemon off;", 1)[1]  # every placeholder filled in
    assert re.search(r"script-src 'self' 'wasm-unsafe-eval' blob: 'sha256-[A-Za-z0-9+/]{43}='", out.stdout)


@pytest.mark.parametrize("args", [(), ("2",), ("0", "8080"), ("two", "8080"), ("2", "65535")])
def test_serve_sh_explains_wrong_arguments(args):
    out = serve(*args)
    assert out.returncode == 2 and "serve.sh" in out.stderr and "Traceback" not in out.stderr


def test_serve_sh_refuses_a_port_in_use():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        out = serve("1", str(port - 1), LINVIZ_NGINX="/bin/true")  # (nginx is not reached)
    assert out.returncode == 1 and f"port {port} is already in use" in out.stderr, out.stderr
