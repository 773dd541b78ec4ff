#!/usr/bin/env bash
# The end-to-end suite: serves the site with the given server binary on a free port, over a
# fresh database on DATABASE_URL's server, and drives it in Chromium with Playwright.
#   scripts/e2e.sh SERVER_BINARY [playwright args...]
# The browser bundle must already be in target/site (`cargo leptos build --release`); the
# server finds its hashed file names in the hash file cargo-leptos wrote beside the release
# binary, wherever the given binary lives.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
server_bin=$1
shift
: "${DATABASE_URL:?DATABASE_URL must point at a PostgreSQL server}"
hash_file="$CARGO_TARGET_DIR/release/hash.txt"
[[ -x "$server_bin" ]] || { echo "e2e: no server binary at $server_bin" >&2; exit 1; }
[[ -f "$hash_file" && -d target/site/pkg ]] || { echo "e2e: build the bundle first (cargo leptos build --release)" >&2; exit 1; }

cleanup=()
on_exit() { for ((i = ${#cleanup[@]} - 1; i >= 0; i--)); do eval "${cleanup[i]}" || true; done; }
trap on_exit EXIT

e2e_db="wellspring_e2e_$$"
psql "$DATABASE_URL" -qc "drop database if exists $e2e_db" -c "create database $e2e_db" >/dev/null
cleanup+=("psql '$DATABASE_URL' -qc 'drop database if exists $e2e_db with (force)' >/dev/null")
e2e_url="${DATABASE_URL%/*}/$e2e_db"
# Pictures go to a folder of this run's own, removed with it.
media_dir=$(mktemp -d)
cleanup+=("rm -rf '$media_dir'")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p target
log=target/e2e-server.log
# Every browser in the suite signs up from loopback, dozens a minute when specs run close
# together: the per-address sign-up and mail limits are raised here (they are proved in
# the integration tests, not by the browser suite). So are the new-member caps: every
# browser here is a member minutes old.
# A GitHub sign-in provider is configured (its endpoints are a closed loopback port that is
# never dialled) so the provider buttons on /login are rendered and their hydration tested.
# Each request's start is logged (debug) beside its end, so a request that never answered
# is found by its id in the log printed when the suite fails.
DATABASE_URL="$e2e_url" LEPTOS_SITE_ADDR="127.0.0.1:$port" \
  RUST_LOG="warn,wellspring::server::telemetry::request_context=debug" \
  LEPTOS_HASH_FILES=true LEPTOS_HASH_FILE="$hash_file" \
  WELLSPRING__LIMITS__SIGN_UP_PER_IP=1000 WELLSPRING__LIMITS__MAIL_PER_IP=1000 \
  WELLSPRING__LIMITS__NEW_MEMBERS__DAYS=0 \
  WELLSPRING__MEDIA__LOCAL_DIR="$media_dir" \
  WELLSPRING__OAUTH__GITHUB__CLIENT_ID=e2e-client WELLSPRING__OAUTH__GITHUB__CLIENT_SECRET=e2e-not-a-secret \
  WELLSPRING__OAUTH__GITHUB__AUTHORIZE_URL=http://127.0.0.1:9/authorize \
  WELLSPRING__OAUTH__GITHUB__TOKEN_URL=http://127.0.0.1:9/token \
  WELLSPRING__OAUTH__GITHUB__USERINFO_URL=http://127.0.0.1:9/user \
  WELLSPRING__OAUTH__GITHUB__EMAILS_URL=http://127.0.0.1:9/user/emails \
  WELLSPRING__OAUTH__GITHUB__SCOPES="read:user user:email" \
  "$server_bin" serve >"$log" 2>&1 &
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
