#!/usr/bin/env bash
# Resilience at scale: the faults of docs/architecture.md's "Failure modes", on the 200,000-post
# demo data set with 32 reading connections (examples/resilience_bench.rs), each printed as
# before / during / after: requests, errors, p50 and p99, and the server's peak RSS.
#   crash      PostgreSQL stopped as a crash would (immediate) for 3 s, then started again;
#              beside the bare baseline of PostgreSQL's own restart time, the time from its
#              being ready to Wellspring's first 200.
#   slow       every query on app.posts blocked for 4 s by a lock, so the pool fills: the
#              light pages (/about, /healthz) beside the pages that need the database.
#   slowloris  1,000 sockets sending their headers a byte every half second for 6 s: the
#              readers' p99 beside the same readers without them.
# Not a pass/fail test; appends to bench/results/latest.md.
# Knobs (environment):
#   BENCH_RESILIENCE             0: skip                                              (default 1)
#   BENCH_RESILIENCE_POSTS       posts in the data set (members and comments scale)  (default 200000)
#   BENCH_RESILIENCE_CONNECTIONS reading connections                                  (default 32)
#   BENCH_RESILIENCE_DATA_DIR    the embedded cluster's folder, kept between runs     (default .data/bench-resilience)
#   BENCH_WELLSPRING_BIN         the server binary (default $CARGO_TARGET_DIR/release/wellspring)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

[[ "${BENCH_RESILIENCE:-1}" == 0 ]] && exit 0
say() { printf '\033[1;34m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'bench/resilience: %s\n' "$*" >&2; exit 1; }
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
WS_BIN="${BENCH_WELLSPRING_BIN:-$TARGET_DIR/release/wellspring}"
[[ -x "$WS_BIN" ]] || die "$WS_BIN is missing: run 'make build'"
POSTS="${BENCH_RESILIENCE_POSTS:-200000}"
MEMBERS=$((POSTS / 40 > 50 ? POSTS / 40 : 50)) # as bench/community.sh: 5,000 members, 1,000,000 replies
COMMENTS=$((POSTS * 5))
CONNECTIONS="${BENCH_RESILIENCE_CONNECTIONS:-32}"
RESULTS=bench/results/latest.md
mkdir -p bench/results

say "building examples/resilience_bench.rs (release)"
cargo build --release --features ssr --example resilience_bench
CLIENT="$TARGET_DIR/release/examples/resilience_bench"

data_dir="${BENCH_RESILIENCE_DATA_DIR:-$PWD/.data/bench-resilience}"
mkdir -p "$data_dir"
data_dir=$(cd "$data_dir" && pwd)
work=$(mktemp -d -t wellspring-bench-resilience.XXXXXX)
ws_pid=""
cleanup() {
  local status=$?
  [[ -n "$ws_pid" ]] && kill -TERM "$ws_pid" 2>/dev/null && wait "$ws_pid" 2>/dev/null
  [[ $status != 0 ]] && tail -n 30 "$work"/*.log >&2 2>/dev/null
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
server_env=(
  APP_ENV=development DATABASE_URL= WELLSPRING__DATABASE__DATA_DIR="$data_dir" RUST_LOG=warn
  WELLSPRING__SEED__DEMO_ON_EMPTY=false WELLSPRING__SERVER__SHUTDOWN_GRACE_SECS=3
)
start_wellspring() {
  local port
  port=$(free_port)
  site="http://127.0.0.1:$port"
  env "${server_env[@]}" LEPTOS_SITE_ADDR="127.0.0.1:$port" WELLSPRING__SERVER__PUBLIC_URL="$site" \
    "$WS_BIN" serve >>"$work/wellspring.log" 2>&1 &
  ws_pid=$!
  for _ in $(seq 1 600); do
    curl -fsS -o /dev/null "$site/readyz" 2>/dev/null && break
    kill -0 "$ws_pid" 2>/dev/null || die "Wellspring exited before it was ready"
    sleep 0.2
  done
  pidfile=$(find "$data_dir" -maxdepth 2 -name postmaster.pid | head -n1)
  cluster_dir=$(dirname "$pidfile")
  socket_dir=$(sed -n 5p "$pidfile")
  db_url="postgres://postgres@localhost:5432/wellspring?host=$socket_dir"
}
stop_wellspring() {
  kill -TERM "$ws_pid" 2>/dev/null || true
  wait "$ws_pid" 2>/dev/null || true
  ws_pid=""
}
sql() { psql "$db_url" -XAtq -v ON_ERROR_STOP=1 "$@"; }

start_wellspring
have_posts=$(sql -c "select count(*) from app.posts" 2>/dev/null || echo 0)
if [[ "$have_posts" != "$POSTS" ]]; then
  say "seeding $POSTS posts (once; kept in $data_dir)"
  psql "${db_url/\/wellspring\?//postgres?}" -Xq -c "drop database if exists wellspring with (force)" \
    -c "create database wellspring" >/dev/null
  stop_wellspring
  env "${server_env[@]}" "$WS_BIN" seed --demo --members "$MEMBERS" --posts "$POSTS" \
    --comments "$COMMENTS" >"$work/seed.log" 2>&1 || die "the seed failed"
  start_wellspring
fi

# The cluster is the embedded one: its owner runs pg_ctl, with the options it was started with.
owner=$(stat -c %U "$cluster_dir")
pg_bin=$(dirname "$(command -v pg_ctl 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -n1)")
as_owner() { if [[ "$(id -un)" == "$owner" ]]; then "$@"; else runuser -u "$owner" -- "$@"; fi; }
pg_options="-p 5432 -c listen_addresses='' -c unix_socket_directories='$socket_dir' -c unix_socket_permissions=0700"

read -r slug post < <(sql -F ' ' -c "select c.slug, p.id from app.posts p join app.circles c on c.id = p.circle_id
  where c.visibility = 'public' order by p.id desc limit 1")
paths="/,/c/$slug,/c/$slug/p/$post,/about,/healthz"
now_ms() { date +%s%3N; }
rss_kib() { awk '/VmHWM/ { print $2 }' "/proc/$ws_pid/status"; }

say "crash: 4 s of load, PostgreSQL stopped as a crash would, 3 s away, started again"
"$CLIENT" --site "$site" --paths "$paths" --connections "$CONNECTIONS" --seconds 14 --out "$work/crash.csv" &
client=$!
sleep 4
crash_ms=$(now_ms)
as_owner "$pg_bin/pg_ctl" stop -m immediate -w -D "$cluster_dir" >/dev/null
sleep 3
start_ms=$(now_ms)
as_owner "$pg_bin/pg_ctl" start -w -t 120 -D "$cluster_dir" -l "$cluster_dir/server.log" -o "$pg_options" >/dev/null
ready_ms=$(now_ms)
wait "$client"
crash_rss=$(rss_kib)

say "slow: every query on app.posts blocked for 4 s (the pool fills)"
"$CLIENT" --site "$site" --paths "$paths" --connections "$CONNECTIONS" --seconds 12 --out "$work/slow.csv" &
client=$!
sleep 4
lock_ms=$(now_ms)
sql -c "begin; lock table app.posts in access exclusive mode; select pg_sleep(4); commit;" >/dev/null
unlock_ms=$(now_ms)
wait "$client"

say "slowloris: 1,000 slow sockets from 4 s to 10 s"
"$CLIENT" --site "$site" --paths "$paths" --connections "$CONNECTIONS" --seconds 14 --out "$work/slowloris.csv" \
  --slowloris 1000 --slowloris-from 4 --slowloris-to 10 2>"$work/slowloris.log"
loris_open=$(awk '/open at/ { print $(NF-1) }' "$work/slowloris.log")
loris_closed=$(awk '/closed at/ { print $(NF-1) }' "$work/slowloris.log")
rss=$(rss_kib)

report=$(python3 - "$work" "$crash_ms" "$start_ms" "$ready_ms" "$lock_ms" "$unlock_ms" \
  "${loris_open:-0}" "${loris_closed:-0}" "$crash_rss" "$rss" "$CONNECTIONS" "$POSTS" <<'EOF'
import csv, sys
work, crash, start, ready, lock, unlock, lopen, lclosed, crash_rss, rss, conns, posts = sys.argv[1:]
crash, start, ready, lock, unlock, lopen, lclosed = map(int, (crash, start, ready, lock, unlock, lopen, lclosed))
def load(name):
    with open(f"{work}/{name}.csv") as f:
        return [(int(a), int(l) / 1000.0, int(s), p) for a, l, s, p in csv.reader(f)]
def pct(values, q):
    if not values: return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * q))]
def row(label, rows):
    lat = [l for _, l, _, _ in rows]
    errors = {}
    for _, _, s, _ in rows:
        if s != 200: errors[s] = errors.get(s, 0) + 1
    errs = ", ".join(f"{n}×{s or 'no answer'}" for s, n in sorted(errors.items())) or "none"
    return f"| {label} | {len(rows)} | {errs} | {pct(lat, .5):.1f} | {pct(lat, .99):.1f} | {max(lat, default=0):.0f} |"
head = "| phase | requests | errors | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|---|"
out = [f"Data set {posts} posts, {conns} reading connections over /, a circle, a post, /about and /healthz.", ""]
c = load("crash")
db_pages = lambda rows: [r for r in rows if r[3] not in ("/about", "/healthz")]
first_ok = min((a + l for a, l, s, _ in db_pages(c) if a >= ready and s == 200), default=None)
late = [a + l for a, l, s, _ in c if a >= ready and s != 200]
out += ["**Crash** (PostgreSQL `pg_ctl stop -m immediate`, 3 s away, `pg_ctl start -w`):", "", head,
        row("before", [r for r in c if r[0] < crash]),
        row("database away", [r for r in c if crash <= r[0] < ready]),
        row("after", [r for r in c if r[0] >= ready]), "",
        f"PostgreSQL's own restart (the bare baseline): {ready - start} ms from `pg_ctl start` to ready. "
        + (f"Wellspring's first 200 for a page that needs the database: {first_ok - ready:.0f} ms after that" if first_ok else "No 200 after the restart!")
        + (f"; {len(late)} quick 503s after it was ready, the last {max(late) - ready:.0f} ms after (the gate opens at the watcher's next probe)." if late else "; no error after it was ready.")
        + f" Peak RSS {int(crash_rss) // 1024} MiB.", ""]
s = load("slow")
light = lambda rows: [r for r in rows if r[3] in ("/about", "/healthz")]
heavy = lambda rows: [r for r in rows if r[3] not in ("/about", "/healthz")]
before = [r for r in s if r[0] < lock]
during = [r for r in s if lock <= r[0] < unlock]
out += [f"**Slow queries** (a lock holds every query on app.posts for {unlock - lock} ms; the pool fills; identical visitors' pages wait for one render, so few requests reach the pool):", "", head,
        row("light pages, before", light(before)), row("light pages, during", light(during)),
        row("database pages, before", heavy(before)), row("database pages, during", heavy(during)), ""]
l = load("slowloris")
if lopen:
    out += ["**Slowloris** (1,000 sockets sending headers a byte every 500 ms):", "", head,
            row("without", [r for r in l if r[0] < lopen]),
            row("with 1,000 slow sockets", [r for r in l if lopen <= r[0] < lclosed]),
            row("after", [r for r in l if r[0] >= lclosed]), ""]
out.append(f"Peak RSS of the server over the whole run: {int(rss) // 1024} MiB.")
print("\n".join(out))
EOF
)
printf '%s\n' "$report"
{
  printf '\n## Resilience (bench/resilience.sh, %s)\n\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
  printf '%s\n' "$report"
} >>"$RESULTS"
