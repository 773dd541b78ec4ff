#!/usr/bin/env bash
# Every check Wellspring has: format, delivery as code (alerts, workflows, manifests,
# migrations), lints (server and browser), unit + integration tests
# against a real PostgreSQL, then the site driven in Chromium. Prints each stage's time at
# the end, pass or fail.
#
# Two lines of work share the two cores, each with its own cargo lock:
#   server:  clippy (all targets) → unit and integration tests (dev profile; this build also
#            makes the server binary the end-to-end tests drive)
#   browser: clippy (wasm, the library only) → the release bundle (wasm-release profile),
#            in the background, in "$CARGO_TARGET_DIR/front" (cargo-leptos' own front dir),
#            by scripts/build-site.sh as `make run` builds it
# then the end-to-end tests, once both are done, and the same binary twice behind nginx.
# Nothing is built twice in one profile: the server is compiled once (dev), the browser
# bundle once (wasm-release), and the release server binary, which `make build` and the
# benchmarks make, is not needed here.
#
# Uses DATABASE_URL when set (tests create and drop their own databases on that server);
# otherwise starts a throwaway cluster from the PostgreSQL binaries.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

work=$(mktemp -d)
stages="$work/stages"
: >"$stages"
run_started=$SECONDS

say() { printf '\n\033[1;34m==> %s\033[0m\n' "$*" >&2; }
# stage NAME COMMAND...: runs COMMAND, recording its time and outcome under NAME.
stage() {
  local name=$1 started=$SECONDS status=0
  shift
  say "$name"
  "$@" || status=$?
  printf '%s\t%s\t%s\n' "$name" $((SECONDS - started)) "$([[ $status == 0 ]] && echo ok || echo FAILED)" >>"$stages"
  return "$status"
}

cleanup=()
report() {
  local total=$((SECONDS - run_started))
  printf '\n%-62s %8s  %s\n' "stage" "seconds" "result"
  while IFS=$'\t' read -r name secs result; do
    printf '%-62s %8s  %s\n' "$name" "$secs" "$result"
  done <"$stages"
  printf '%-62s %8s  %s\n' "whole run (stages overlap)" "$total" "$1"
}
# Undo in reverse order: the server before its database, the database before the cluster.
on_exit() {
  local status=$?
  for ((i = ${#cleanup[@]} - 1; i >= 0; i--)); do eval "${cleanup[i]}" || true; done
  report "$([[ $status == 0 ]] && echo passed || echo FAILED)"
  rm -rf "$work"
}
trap on_exit EXIT

stage "install what is missing" scripts/install.sh --test

stage "format" cargo fmt --all --check

# Alert rules and their tests, workflows, Kubernetes manifests, new migrations: seconds, so
# before anything compiles.
stage "delivery as code (promtool, actionlint, manifests, squawk)" scripts/check-delivery.sh

front="$CARGO_TARGET_DIR/front"
browser_line() {
  stage "lints: browser (wasm)" \
    cargo clippy --lib --features hydrate --target wasm32-unknown-unknown --target-dir "$front" -- -D warnings
  # A cache must never make a failing change pass: proved on the lint just cached.
  stage "cache: an edit is always rebuilt" scripts/check-rebuild.sh
  # The bundle `make run` serves, built the same way (and precompressed).
  stage "browser bundle (wasm-release)" scripts/build-site.sh --front
  stage "bundle budget (brotli wasm)" node scripts/bundle-budget.mjs target/site/pkg
  # The design-system gallery (gallery/, Trunk.toml), compiled in the browser line's own
  # target directory; checked in Chromium after the end-to-end tests.
  stage "lints: gallery (wasm)" \
    cargo clippy -p wellspring-gallery --target wasm32-unknown-unknown --target-dir "$front" -- -D warnings
  CARGO_TARGET_DIR="$front" stage "design-system gallery (trunk build)" trunk build
}
say "browser line started in the background (its output follows the server line)"
# Its own process group (set -m), so a failure on the server line stops all of it, cargo
# and wasm-bindgen included, instead of leaving a build holding the lock.
set -m
browser_line >"$work/browser.log" 2>&1 &
browser_pid=$!
set +m
cleanup+=("kill -- -$browser_pid 2>/dev/null")

stage "lints: server (all targets)" cargo clippy --features ssr --all-targets -- -D warnings

if [[ -z "${DATABASE_URL:-}" ]]; then
  pgdir="/tmp/wellspring-test-pg-$(id -u)"
  stage "start a throwaway PostgreSQL" scripts/test-db.sh start "$pgdir" >"$work/database_url"
  DATABASE_URL=$(cat "$work/database_url")
  cleanup+=("scripts/test-db.sh stop '$pgdir'; rm -rf '$pgdir'")
fi
export DATABASE_URL

# The media tests run once against the local store and once against this S3-compatible
# server, unless one is already given.
if [[ -z "${WELLSPRING_TEST_S3_ENDPOINT:-}" ]]; then
  eval "$(scripts/s3-test-server.sh start)"
  cleanup+=("scripts/s3-test-server.sh stop")
fi
export WELLSPRING_TEST_S3_ENDPOINT

stage "build: unit and integration tests (dev)" cargo test --features ssr --no-run
stage "unit and integration tests" cargo test --features ssr
# The server binary those tests built; the drill runs on its own embedded cluster.
stage "disaster-recovery drill (small scale)" scripts/dr-drill.sh "$CARGO_TARGET_DIR/debug/wellspring"

say "waiting for the browser line"
browser_status=0
wait "$browser_pid" || browser_status=$?
cat "$work/browser.log"
((browser_status == 0)) || { echo "the browser line failed (above)" >&2; exit 1; }

stage "end-to-end tests in Chromium" scripts/e2e.sh "$CARGO_TARGET_DIR/debug/wellspring"

# The gallery as a designer runs it (`trunk serve`), every frame checked, axe in both schemes.
GALLERY_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])') \
  CARGO_TARGET_DIR="$front" stage "design-system gallery in Chromium" \
  npx playwright test --config gallery/playwright.config.ts

# Production runs several instances behind a proxy (issue 17). The same binary twice over one
# database behind nginx: a subset of the suite through it with one instance killed and
# restarted mid-run (every acknowledged write checked in the database afterwards), then a
# rolling restart under steady load, which must not fail a request. About two minutes.
stage "two instances behind nginx (proxy e2e, kill, rolling restart)" \
  scripts/cluster.sh "$CARGO_TARGET_DIR/debug/wellspring" \
  bash -c 'scripts/cluster-e2e.sh && scripts/rolling-restart.sh'
