#!/usr/bin/env bash
# The disaster-recovery drill (scripts/dr-drill.sh) at the demo scale: 200,000 posts, 5,000
# members, 1,000,000 replies, with the release server. Prints the RTO and RPO beside the
# base backup's and the replay's own times; appends them to bench/results/latest.md.
# Knobs: BENCH_DR_POSTS (200000), BENCH_DR_DATA_DIR (a seeded cluster to copy, e.g. the one
# bench/resilience.sh keeps in .data/bench-resilience/postgres; its server must be stopped),
# BENCH_WELLSPRING_BIN (default $CARGO_TARGET_DIR/release/wellspring).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
bin="${BENCH_WELLSPRING_BIN:-$CARGO_TARGET_DIR/release/wellspring}"
[[ -x "$bin" ]] || { echo "bench/dr-drill: $bin is missing: run 'make build'" >&2; exit 1; }
mkdir -p bench/results
out=$(mktemp)
DRILL_POSTS="${BENCH_DR_POSTS:-200000}" DRILL_WRITE_SECS="${BENCH_DR_WRITE_SECS:-30}" \
  DRILL_ARCHIVE_TIMEOUT="${BENCH_DR_ARCHIVE_TIMEOUT:-30}" DRILL_DATA_DIR="${BENCH_DR_DATA_DIR:-}" \
  scripts/dr-drill.sh "$bin" | tee "$out"
{ echo; echo '```'; cat "$out"; echo '```'; } >>bench/results/latest.md
rm -f "$out"
