#!/usr/bin/env bash
# An S3-compatible server for the media tests: moto's server mode (PyPI), on loopback, in
# memory. scripts/install.sh --test installs it into ~/.cache/wellspring/moto.
#   scripts/s3-test-server.sh start    starts it on a free port; prints
#                                      `export WELLSPRING_TEST_S3_ENDPOINT=http://127.0.0.1:PORT`
#                                      (use with eval) and keeps its pid beside the venv
#   scripts/s3-test-server.sh stop     stops the one started last
set -euo pipefail
venv="${WELLSPRING_MOTO_VENV:-$HOME/.cache/wellspring/moto}"
pidfile="$venv/server.pid"

case "${1:-}" in
  start)
    [[ -x "$venv/bin/moto_server" ]] || { echo "moto is not installed: run scripts/install.sh --test" >&2; exit 1; }
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    # Credentials are moto's fixed test values; nothing here reaches a real store.
    AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
      nohup "$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$venv/server.log" 2>&1 &
    echo $! >"$pidfile"
    for _ in $(seq 1 100); do
      if curl -sf -o /dev/null "http://127.0.0.1:$port/"; then
        echo "export WELLSPRING_TEST_S3_ENDPOINT=http://127.0.0.1:$port"
        exit 0
      fi
      sleep 0.1
    done
    echo "moto's server did not start; its log:" >&2
    cat "$venv/server.log" >&2
    exit 1
    ;;
  stop)
    [[ -f "$pidfile" ]] && kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
