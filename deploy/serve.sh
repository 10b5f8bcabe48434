#!/usr/bin/env bash
# Serve linviz from one machine: N Streamlit replicas behind nginx, each browser kept on one replica.
#
#   deploy/serve.sh N PORT            browsers open http://127.0.0.1:PORT; replicas on 127.0.0.1:PORT+1..PORT+N
#   deploy/serve.sh --config N PORT   print the nginx configuration it would use, and exit
#
# Stays in the foreground; Ctrl-C or SIGTERM stops nginx and every replica. Installs nothing and needs no root:
# nginx runs as its own instance (config, logs, temp files in the run directory), not as the system service.
# Needs: nginx (Debian: apt-get install -y nginx) and the app's requirements (pip install -r requirements.txt).
#
# Environment (all optional):
#   LINVIZ_PYTHON   interpreter with streamlit  (default: .venv/bin/python if present, else python3)
#   LINVIZ_APP      the Streamlit script        (default: dashboard/app.py)
#   LINVIZ_LISTEN   address nginx listens on    (default: 127.0.0.1; 0.0.0.0 to serve a classroom network)
#   LINVIZ_RUN_DIR  config, logs, pid files     (default: a temporary directory, removed at exit)
#   LINVIZ_NGINX    the nginx binary            (default: nginx on PATH, else /usr/sbin/nginx)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
usage() { echo "usage: $0 [--config] N PORT   (N replicas, nginx on PORT)" >&2; exit 2; }
say() { echo "serve.sh: $*" >&2; }

PRINT_CONFIG=0
if [[ "${1:-}" == "--config" ]]; then PRINT_CONFIG=1; shift; fi
[[ $# -eq 2 && "$1" =~ ^[1-9][0-9]*$ && "$2" =~ ^[0-9]+$ ]] || usage
N=$1 PORT=$2
(( PORT >= 1 && PORT + N <= 65535 )) || { say "PORT must leave room for PORT+1..PORT+$N"; exit 2; }

if [[ -n "${LINVIZ_PYTHON:-}" ]]; then PY=$LINVIZ_PYTHON
elif [[ -x "$ROOT/.venv/bin/python" ]]; then PY="$ROOT/.venv/bin/python"
else PY=python3; fi
APP=${LINVIZ_APP:-dashboard/app.py}
LISTEN=${LINVIZ_LISTEN:-127.0.0.1}
NGINX=${LINVIZ_NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}

# The CSP allows exactly the inline scripts of the installed Streamlit's index.html, by their sha256.
script_hashes() {
  "$PY" - <<'EOF'
import base64, hashlib, pathlib, re
import streamlit
html = (pathlib.Path(streamlit.__file__).parent / "static" / "index.html").read_text(encoding="utf-8")
bodies = re.findall(r"<script>(.*?)</script>", html, flags=re.S)
print(" ".join("'sha256-%s'" % base64.b64encode(hashlib.sha256(b.encode()).digest()).decode() for b in bodies))
EOF
}

render_config() {  # the template with the placeholders filled in
  local replicas="" i
  for (( i = 1; i <= N; i++ )); do replicas+="server 127.0.0.1:$(( PORT + i ));"$'\n'"        "; done
  local hashes; hashes=$(script_hashes)
  local template; template=$(<"$ROOT/deploy/nginx.conf")
  template=${template//__LISTEN__/$LISTEN:$PORT}
  template=${template//__REPLICAS__/${replicas%$'\n'        }}
  template=${template//__INDEX_SCRIPT_HASHES__/$hashes}
  printf '%s\n' "$template"
}

if (( PRINT_CONFIG )); then render_config; exit 0; fi

[[ -x "$NGINX" ]] || { say "nginx not found (looked for '$NGINX'): install it, e.g. apt-get install -y nginx"; exit 1; }
"$PY" -c "import streamlit" 2>/dev/null || { say "$PY cannot import streamlit: pip install -r requirements.txt"; exit 1; }
for (( i = 0; i <= N; i++ )); do  # nginx's port and every replica's must be free
  if ! "$PY" -c "import socket, sys; sys.exit(0 if socket.socket().connect_ex(('127.0.0.1', $(( PORT + i )))) else 1)"
  then say "port $(( PORT + i )) is already in use"; exit 1; fi
done

if [[ -n "${LINVIZ_RUN_DIR:-}" ]]; then RUN=$LINVIZ_RUN_DIR; KEEP_RUN=1; mkdir -p "$RUN"
else RUN=$(mktemp -d "${TMPDIR:-/tmp}/linviz-serve.XXXXXX"); KEEP_RUN=0; fi
RUN=$(cd "$RUN" && pwd)
chmod 755 "$RUN"  # nginx's workers drop root (when started as root) and must reach tmp/
mkdir -p "$RUN/logs" "$RUN/tmp"
rm -f "$RUN/ready"

PIDS=() NGINX_PID=""
stop() {
  trap - INT TERM EXIT
  say "stopping nginx and ${#PIDS[@]} replica(s)"
  local pid deadline=$(( SECONDS + 10 ))
  for pid in $NGINX_PID "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in $NGINX_PID "${PIDS[@]}"; do
    while kill -0 "$pid" 2>/dev/null && (( SECONDS < deadline )); do sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -f "$RUN/ready"
  (( KEEP_RUN )) || rm -rf "$RUN"
  exit "${1:-0}"
}
trap 'stop 0' INT TERM
trap 'stop 1' EXIT

cd "$ROOT"  # Streamlit reads .streamlit/config.toml from here
for (( i = 1; i <= N; i++ )); do
  port=$(( PORT + i ))
  PYTHONUNBUFFERED=1 "$PY" -m streamlit run "$APP" --server.headless true --server.address 127.0.0.1 \
    --server.port "$port" --browser.gatherUsageStats false >"$RUN/replica-$i.log" 2>&1 &
  PIDS+=($!)
  echo "$!" >"$RUN/replica-$i.pid"
  echo "$port" >"$RUN/replica-$i.port"
done

for (( i = 1; i <= N; i++ )); do  # every replica answers /_stcore/health before nginx takes traffic
  if ! "$PY" - "$(( PORT + i ))" "${PIDS[i-1]}" <<'EOF'
import os, sys, time, urllib.request
port, pid = sys.argv[1], int(sys.argv[2])
deadline = time.monotonic() + 120
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit(1)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
            if r.status == 200:
                sys.exit(0)
    except OSError:
        pass
    time.sleep(0.2)
sys.exit(1)
EOF
  then
    say "replica $i (port $(( PORT + i ))) did not start; its log ($RUN/replica-$i.log) ends with:"
    tail -n 20 "$RUN/replica-$i.log" >&2
    stop 1
  fi
done

render_config >"$RUN/nginx.conf"
if ! "$NGINX" -p "$RUN/" -c "$RUN/nginx.conf" -e "$RUN/logs/error.log" -t -q; then
  say "nginx rejected $RUN/nginx.conf (see above)"; stop 1
fi
"$NGINX" -p "$RUN/" -c "$RUN/nginx.conf" -e "$RUN/logs/error.log" &
NGINX_PID=$!
for _ in $(seq 50); do  # nginx is up once it writes its pid file
  [[ -s "$RUN/nginx.pid" ]] && break
  kill -0 "$NGINX_PID" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$NGINX_PID" 2>/dev/null || { say "nginx did not start: $(tail -n 5 "$RUN/logs/error.log")"; stop 1; }

touch "$RUN/ready"
say "linviz at http://$LISTEN:$PORT ($N replica(s) on ports $(( PORT + 1 ))-$(( PORT + N )); logs in $RUN)"

# Stay in the foreground. `sleep & wait` (not a plain sleep) lets Ctrl-C / SIGTERM run the trap at once.
declare -A gone=()
while kill -0 "$NGINX_PID" 2>/dev/null; do
  for (( i = 1; i <= N; i++ )); do
    if [[ -z "${gone[$i]:-}" ]] && ! kill -0 "${PIDS[i-1]}" 2>/dev/null; then
      gone[$i]=1
      say "replica $i (port $(( PORT + i ))) exited; nginx sends its browsers to the others (log: $RUN/replica-$i.log)"
    fi
  done
  sleep 1 & wait $! || true
done
say "nginx exited unexpectedly: $(tail -n 5 "$RUN/logs/error.log")"
stop 1
