#!/usr/bin/env bash
# Every check Wellspring has, in the order a failure is cheapest to find:
# format, lints (server and browser), unit + integration tests against a real PostgreSQL,
# then the release site built and driven in Chromium.
# Uses DATABASE_URL when set (tests create and drop their own databases on that server);
# otherwise starts a throwaway cluster from the PostgreSQL binaries.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

scripts/install.sh --test

step() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }
cleanup=()
# Undo in reverse order: the server before its database, the database before the cluster.
on_exit() { for ((i = ${#cleanup[@]} - 1; i >= 0; i--)); do eval "${cleanup[i]}" || true; done; }
trap on_exit EXIT

step "format"
cargo fmt --check

step "lints: server"
cargo clippy --features ssr --all-targets -- -D warnings

step "lints: browser"
cargo clippy --lib --features hydrate --target wasm32-unknown-unknown -- -D warnings

if [[ -z "${DATABASE_URL:-}" ]]; then
  pgdir="/tmp/wellspring-test-pg-$(id -u)"
  step "starting a throwaway PostgreSQL in $pgdir"
  DATABASE_URL=$(scripts/test-db.sh start "$pgdir")
  cleanup+=("scripts/test-db.sh stop '$pgdir'; rm -rf '$pgdir'")
fi
export DATABASE_URL

step "unit and integration tests"
cargo test --features ssr

step "building the release site"
cargo leptos build --release
node scripts/precompress.mjs target/site/pkg

step "end-to-end tests in Chromium"
e2e_db="wellspring_e2e_$$"
psql "$DATABASE_URL" -qc "drop database if exists $e2e_db" -c "create database $e2e_db" >/dev/null
cleanup+=("psql '$DATABASE_URL' -qc 'drop database if exists $e2e_db with (force)' >/dev/null")
e2e_url="${DATABASE_URL%/*}/$e2e_db"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# A GitHub sign-in provider is configured (its endpoints are a closed loopback port that is
# never dialled) so the provider buttons on /login are rendered and their hydration tested.
DATABASE_URL="$e2e_url" LEPTOS_SITE_ADDR="127.0.0.1:$port" RUST_LOG=warn \
  WELLSPRING__OAUTH__GITHUB__CLIENT_ID=e2e-client WELLSPRING__OAUTH__GITHUB__CLIENT_SECRET=e2e-not-a-secret \
  WELLSPRING__OAUTH__GITHUB__AUTHORIZE_URL=http://127.0.0.1:9/authorize \
  WELLSPRING__OAUTH__GITHUB__TOKEN_URL=http://127.0.0.1:9/token \
  WELLSPRING__OAUTH__GITHUB__USERINFO_URL=http://127.0.0.1:9/user \
  WELLSPRING__OAUTH__GITHUB__EMAILS_URL=http://127.0.0.1:9/user/emails \
  WELLSPRING__OAUTH__GITHUB__SCOPES="read:user user:email" \
  ./target/release/wellspring serve > target/e2e-server.log 2>&1 &
server_pid=$!
cleanup+=("kill $server_pid; wait $server_pid")
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat target/e2e-server.log; exit 1; }
  sleep 0.2
done
BASE_URL="http://127.0.0.1:$port" npx playwright test --config end2end/playwright.config.ts
