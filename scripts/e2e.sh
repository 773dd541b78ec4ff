#!/usr/bin/env bash
# The end-to-end suite: serves the site with the given server binary on a free port, over a
# fresh database on DATABASE_URL's server, and drives it in Chromium with Playwright.
#   scripts/e2e.sh SERVER_BINARY [playwright args...]
# The browser bundle must already be in target/site (`make build`); the
# server finds its hashed file names in the hash file the build wrote beside the release
# binary, wherever the given binary lives.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
. scripts/server-env.sh
server_bin=$1
shift
: "${DATABASE_URL:?DATABASE_URL must point at a PostgreSQL server}"
hash_file="$CARGO_TARGET_DIR/release/hash.txt"
[[ -x "$server_bin" ]] || { echo "e2e: no server binary at $server_bin" >&2; exit 1; }
[[ -f "$hash_file" && -d target/site/pkg ]] || { echo "e2e: build the bundle first (make build)" >&2; exit 1; }

cleanup=()
on_exit() { for ((i = ${#cleanup[@]} - 1; i >= 0; i--)); do eval "${cleanup[i]}" || true; done; }
trap on_exit EXIT

e2e_db="wellspring_e2e_$$"
psql "$DATABASE_URL" -qc "drop database if exists $e2e_db" -c "create database $e2e_db" >/dev/null
cleanup+=("psql '$DATABASE_URL' -qc 'drop database if exists $e2e_db with (force)' >/dev/null")
e2e_url=$(database_url_for "$DATABASE_URL" "$e2e_db")
# Pictures go to a folder of this run's own, removed with it.
media_dir=$(mktemp -d)
cleanup+=("rm -rf '$media_dir'")
port=$(free_port)
mkdir -p target
log=target/e2e-server.log
test_server_env "$e2e_url" "$media_dir" "$hash_file"
env "${server_env[@]}" LEPTOS_SITE_ADDR="127.0.0.1:$port" "$server_bin" serve >"$log" 2>&1 &
server_pid=$!
cleanup+=("kill $server_pid; wait $server_pid")
for _ in $(seq 1 150); do
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.2
done
# The moderation spec makes a member a moderator the way an admin would, straight in the
# database it owns (the role change itself is tested in the integration suite).
status=0
E2E_DATABASE_URL="$e2e_url" BASE_URL="http://127.0.0.1:$port" npx playwright test --config end2end/playwright.config.ts "$@" || status=$?
if [[ $status != 0 ]]; then
  echo "e2e: the server's warnings, and the requests it never answered (full log: $log):" >&2
  python3 scripts/e2e-unanswered.py "$log" >&2 || true
fi
exit "$status"
