#!/usr/bin/env bash
# Realtime: from the commit of a reply to its arrival at every subscribed socket, with 100
# and 1,000 subscribers (BENCH_REALTIME_SUBSCRIBERS) spread over two Wellspring instances on
# one database, beside a bare baseline in the same run: a plain LISTEN client on the same
# database hearing the same NOTIFY. Also the memory an idle socket costs the servers and the
# event rate at which p99 passes 100 ms. Not a pass/fail test; appends to
# bench/results/latest.md.
# Knobs (environment):
#   BENCH_REALTIME               0: skip                                         (default 1)
#   BENCH_REALTIME_SUBSCRIBERS   subscriber counts, comma-separated             (default 100,1000)
#   BENCH_REALTIME_EVENTS        replies timed per subscriber count             (default 200)
#   BENCH_REALTIME_RATES         event rates tried, per second                  (default 50,100,200,400,800)
#   BENCH_WELLSPRING_BIN         the server binary (default $CARGO_TARGET_DIR/release/wellspring)
#   DATABASE_URL                 the PostgreSQL server to use (database wellspring_bench_realtime, recreated)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

[[ "${BENCH_REALTIME:-1}" == 0 ]] && exit 0
say() { printf '\033[1;34m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'bench/realtime: %s\n' "$*" >&2; exit 1; }
: "${DATABASE_URL:?bench/realtime needs DATABASE_URL (a PostgreSQL server both instances share)}"
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
WS_BIN="${BENCH_WELLSPRING_BIN:-$TARGET_DIR/release/wellspring}"
[[ -x "$WS_BIN" ]] || die "$WS_BIN is missing: run 'make build'"
SUBSCRIBERS="${BENCH_REALTIME_SUBSCRIBERS:-100,1000}"
EVENTS="${BENCH_REALTIME_EVENTS:-200}"
RATES="${BENCH_REALTIME_RATES:-50,100,200,400,800}"
RESULTS=bench/results/latest.md

say "building examples/realtime_bench.rs (release)"
cargo build --release --features ssr --example realtime_bench
CLIENT="$TARGET_DIR/release/examples/realtime_bench"

base="${DATABASE_URL%%\?*}"
db_url="${base%/*}/wellspring_bench_realtime"
psql "$DATABASE_URL" -qc "drop database if exists wellspring_bench_realtime with (force)" \
  -c "create database wellspring_bench_realtime" >/dev/null

work=$(mktemp -d -t wellspring-bench-realtime.XXXXXX)
pids=()
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  psql "$DATABASE_URL" -qc "drop database if exists wellspring_bench_realtime with (force)" >/dev/null 2>&1 || true
  [[ $status != 0 ]] && tail -n 20 "$work"/*.log >&2 2>/dev/null
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
urls=()
for name in a b; do
  port=$(free_port)
  APP_ENV=development DATABASE_URL="$db_url" LEPTOS_SITE_ADDR="127.0.0.1:$port" RUST_LOG=warn LEPTOS_HASH_FILES=false \
    WELLSPRING__SERVER__PUBLIC_URL="http://127.0.0.1:$port" WELLSPRING__SEED__DEMO_ON_EMPTY=false \
    WELLSPRING__REALTIME__SOCKETS_PER_IP=100000 WELLSPRING__REALTIME__SEND_QUEUE=4096 \
    "$WS_BIN" serve >"$work/$name.log" 2>&1 &
  pids+=($!)
  urls+=("http://127.0.0.1:$port")
  for _ in $(seq 1 300); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" 2>/dev/null && break
    kill -0 "${pids[-1]}" 2>/dev/null || die "instance $name exited"
    sleep 0.2
  done
done
ulimit -n 65536 2>/dev/null || true

post=$(psql "$db_url" -qtAc "
  with c as (insert into app.circles (slug, name, visibility) values ('bench-live', 'Bench live', 'public') returning id)
  insert into app.posts (circle_id, title, body, body_html) select id, 'Live', 'Live', '<p>Live</p>' from c returning id" | head -1)

mkdir -p bench/results
loadavg=$(cut -d' ' -f1-3 /proc/loadavg)
report=$("$CLIENT" --db "$db_url" --post "$post" --instances "$(IFS=,; echo "${urls[*]}")" \
  --subscribers "$SUBSCRIBERS" --events "$EVENTS" --rates "$RATES" --pids "$(IFS=,; echo "${pids[*]}")")
{
  echo
  echo "## Realtime ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load before: $loadavg)"
  echo
  echo "Commit of a reply → its frame at every subscribed socket, two instances over one database."
  echo "Baseline: a plain LISTEN client on the same database (the bus alone)."
  echo
  echo "$report"
} | tee -a "$RESULTS"
