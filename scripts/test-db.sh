#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the tests and prints its DATABASE_URL.
#   scripts/test-db.sh start DIR    initdb (first time) and start; prints the URL
#   scripts/test-db.sh stop DIR     stop it
# PostgreSQL refuses to run as root, so as root the cluster runs as the postgres user.
set -euo pipefail
action=$1 dir=$2

bin=$(dirname "$(command -v initdb 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
run() {
  if [[ $(id -u) -eq 0 ]]; then
    local user=postgres; id postgres >/dev/null 2>&1 || user=nobody
    runuser -u "$user" -- "$@"
  else
    "$@"
  fi
}

case "$action" in
  start)
    mkdir -p "$dir"
    if [[ $(id -u) -eq 0 ]]; then chown "$(id -u postgres 2>/dev/null || id -u nobody)" "$dir"; fi
    chmod 700 "$dir"
    if [[ ! -f "$dir/PG_VERSION" ]]; then
      run "$bin/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    run "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1 && run "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo $((20000 + RANDOM % 30000)))
    run "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    run "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
    ;;
esac
