#!/usr/bin/env bash
# Two instances behind nginx, restarted one after the other, again and again, under a steady
# load higher and longer than the test stage's: scripts/rolling-restart.sh with bigger knobs,
# its figures (sent, failed, p50/p99/max) beside the no-restart baseline of the same run.
# A measurement: it prints failures rather than failing on them. Appends to
# bench/results/latest.md.
# Knobs (environment):
#   BENCH_CLUSTER_RATE         requests a second                      (default 150)
#   BENCH_CLUSTER_CONNECTIONS  keep-alive connections to nginx        (default 32)
#   BENCH_CLUSTER_BASELINE     seconds of load with no restart        (default 30)
#   BENCH_CLUSTER_SETTLE       seconds between restarts               (default 8)
#   BENCH_CLUSTER_ROUNDS       rounds of a-then-b restarts            (default 2)
#   BENCH_WELLSPRING_BIN       the server binary (default $CARGO_TARGET_DIR/release/wellspring)
# Uses DATABASE_URL's server when set; otherwise a throwaway one (scripts/test-db.sh).
# Builds nothing: the binary and the browser bundle (target/site) must be there (make build).
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir="${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/wellspring/target}"
bin="${BENCH_WELLSPRING_BIN:-$target_dir/release/wellspring}"
[[ -x "$bin" ]] || { echo "bench/cluster: no server binary at $bin (make build)" >&2; exit 1; }

work=$(mktemp -d -t wellspring-bench-cluster.XXXXXX)
cleanup=("rm -rf '$work'")
on_exit() { for ((i = ${#cleanup[@]} - 1; i >= 0; i--)); do eval "${cleanup[i]}" || true; done; }
trap on_exit EXIT
if [[ -z "${DATABASE_URL:-}" ]]; then
  # Directly under /tmp: as root the cluster runs as postgres, who cannot enter $work.
  pgdir="/tmp/wellspring-bench-cluster-pg-$$"
  DATABASE_URL=$(scripts/test-db.sh start "$pgdir")
  cleanup+=("scripts/test-db.sh stop '$pgdir'; rm -rf '$pgdir'")
fi
export DATABASE_URL

mkdir -p bench/results
export ROLLING_RATE="${BENCH_CLUSTER_RATE:-150}"
export ROLLING_CONNECTIONS="${BENCH_CLUSTER_CONNECTIONS:-32}"
export ROLLING_BASELINE="${BENCH_CLUSTER_BASELINE:-30}"
export ROLLING_SETTLE="${BENCH_CLUSTER_SETTLE:-8}"
export ROLLING_ROUNDS="${BENCH_CLUSTER_ROUNDS:-2}"
export ROLLING_REPORT_ONLY=1
scripts/cluster.sh "$bin" scripts/rolling-restart.sh | tee "$work/report.txt"
{
  printf '\n## Two instances behind nginx: rolling restart (bench/cluster.sh, %s, %s)\n\n```' \
    "$(date -u '+%Y-%m-%d %H:%M UTC')" "$bin"
  cat "$work/report.txt"
  printf '```\n'
} >>bench/results/latest.md
