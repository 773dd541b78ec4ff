#!/usr/bin/env bash
# Throughput and latency of the release Wellspring beside a bare axum server serving the
# same home-page bytes (examples/bare_baseline.rs), plus the size of the browser bundle.
# Prints a markdown report and writes it to bench/results/latest.md. Not a pass/fail test.
#
# Run from anywhere as bench/run.sh (or `make bench`, which builds the release site first).
# Knobs (environment):
#   BENCH_DURATION     length of each measured run, oha syntax        (default 5s)
#   BENCH_CONCURRENCY  space-separated connection counts              (default "1 8 32 64")
#   BENCH_COMPRESSION  1: also load Wellspring / with Accept-Encoding (default 0)
#   DATABASE_URL       use this server (database wellspring_bench is created and dropped)
#                      instead of an embedded cluster in a temporary directory
# Every request goes to 127.0.0.1 only, and every run is bounded by BENCH_DURATION.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh  # PATH, and CARGO_TARGET_DIR (the release binary lives there)

DURATION="${BENCH_DURATION:-5s}"
read -r -a LEVELS <<<"${BENCH_CONCURRENCY:-1 8 32 64}"
COMPRESSION="${BENCH_COMPRESSION:-0}"
BENCH_DB=wellspring_bench
RESULTS=bench/results/latest.md

say() { printf '\033[1;34m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

[[ -x "$CARGO_TARGET_DIR/release/wellspring" ]] || die "$CARGO_TARGET_DIR/release/wellspring is missing: run 'make build' (or 'make bench', which builds first)"
[[ -d target/site/pkg ]] || die "target/site/pkg is missing: run 'make build'"
for tool in curl node gzip python3; do
  command -v "$tool" >/dev/null || die "$tool is needed"
done

# ---------------------------------------------------------------- tools and the baseline
if ! command -v oha >/dev/null; then
  say "installing oha (once; a few minutes)"
  cargo install oha --locked
fi
say "building examples/bare_baseline.rs (release)"
cargo build --release --features ssr --example bare_baseline
BASELINE_BIN="$CARGO_TARGET_DIR/release/examples/bare_baseline"

# ---------------------------------------------------------------- cleanup on any exit
work=$(mktemp -d -t wellspring-bench.XXXXXX)
data_dir=""
ws_pid=""
bl_pid=""
db_created=0
admin_url=""

stop_pid() { # pid, seconds to wait after SIGTERM before SIGKILL
  local pid=$1 wait=$2
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 $((wait * 10))); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_pid "$bl_pid" 2
  stop_pid "$ws_pid" 15
  # Wellspring stops its embedded cluster on shutdown; if it could not, stop the postmaster.
  if [[ -n "$data_dir" ]]; then
    local pidfile
    pidfile=$(find "$data_dir" -maxdepth 2 -name postmaster.pid 2>/dev/null | head -n1)
    if [[ -n "$pidfile" ]]; then
      local pg_pid
      pg_pid=$(head -n1 "$pidfile" 2>/dev/null || true)
      [[ "$pg_pid" =~ ^[0-9]+$ ]] && kill -TERM "$pg_pid" 2>/dev/null || true
      sleep 1
    fi
    rm -rf "$data_dir"
  fi
  if [[ $db_created == 1 ]]; then
    psql "$admin_url" -qc "drop database if exists $BENCH_DB with (force)" >/dev/null 2>&1 || true
  fi
  if [[ $status != 0 && -f "$work/wellspring.log" ]]; then
    echo "--- last lines of the Wellspring log ---" >&2
    tail -n 30 "$work/wellspring.log" >&2 || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_for() { # url, pid, what
  local url=$1 pid=$2 what=$3
  for _ in $(seq 1 300); do # 60 s
    curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || die "$what exited before it was ready"
    sleep 0.2
  done
  die "$what was not ready after 60 s ($url)"
}

# ---------------------------------------------------------------- Wellspring
ws_port=$(free_port)
server_env=(
  APP_ENV=development # production refuses to start without real secrets; see README
  LEPTOS_SITE_ADDR="127.0.0.1:$ws_port"
  WELLSPRING__SERVER__SHUTDOWN_GRACE_SECS=3
  # This table measures rendering the home page on every request; the visitor page cache
  # would answer from memory like the ceiling does. bench/community.sh measures both.
  WELLSPRING__SERVER__VISITOR_PAGE_CACHE_MS=0
)
if [[ -n "${DATABASE_URL:-}" ]]; then
  # Same server, a database of our own: postgres://u@h:p/db?opts -> postgres://u@h:p/wellspring_bench?opts
  base="${DATABASE_URL%%\?*}"
  query=""
  [[ "$DATABASE_URL" == *\?* ]] && query="?${DATABASE_URL#*\?}"
  admin_url="$DATABASE_URL"
  bench_url="${base%/*}/$BENCH_DB$query"
  PGOPTIONS="--client-min-messages=warning" \
    psql "$admin_url" -qc "drop database if exists $BENCH_DB with (force)" -c "create database $BENCH_DB" >/dev/null
  db_created=1
  server_env+=(DATABASE_URL="$bench_url")
  db_mode="DATABASE_URL server, database $BENCH_DB"
else
  data_dir=$(mktemp -d -t wellspring-bench-pg.XXXXXX)
  server_env+=(DATABASE_URL= WELLSPRING__DATABASE__DATA_DIR="$data_dir") # empty means unset
  db_mode="embedded PostgreSQL in a temporary directory"
fi

say "starting Wellspring on 127.0.0.1:$ws_port (APP_ENV=development, $db_mode)"
env "${server_env[@]}" "$CARGO_TARGET_DIR/release/wellspring" serve >"$work/wellspring.log" 2>&1 &
ws_pid=$!
wait_for "http://127.0.0.1:$ws_port/readyz" "$ws_pid" "Wellspring"

# ---------------------------------------------------------------- the baseline, same bytes
curl -fsS -o "$work/home.html" "http://127.0.0.1:$ws_port/"
page_bytes=$(wc -c <"$work/home.html")
bl_port=$(free_port)
say "starting bare_baseline on 127.0.0.1:$bl_port with the home page ($page_bytes bytes)"
"$BASELINE_BIN" --addr "127.0.0.1:$bl_port" --body-file "$work/home.html" >"$work/baseline.log" 2>&1 &
bl_pid=$!
wait_for "http://127.0.0.1:$bl_port/healthz" "$bl_pid" "bare_baseline"

# ---------------------------------------------------------------- load
# --disable-compression: oha otherwise asks for gzip/br, and Wellspring would compress
# every page while the baseline sends it plain; with it, both send the same bytes.
# -w: wait for requests in flight at the deadline instead of counting them as errors.
oha_run() { # url, concurrency, duration, out file, extra args...
  local url=$1 conc=$2 dur=$3 out=$4
  shift 4
  oha --no-tui --output-format json -w -z "$dur" -c "$conc" "$@" "$url" >"$out"
}

# Reads oha's JSON; prints "req/s p50_ms p99_ms failures" (failures: transport errors and non-2xx).
summarise() {
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const errors = Object.values(r.errorDistribution || {}).reduce((a, b) => a + b, 0);
    const non2xx = Object.entries(r.statusCodeDistribution || {})
      .filter(([code]) => !code.startsWith("2")).reduce((a, [, n]) => a + n, 0);
    const ms = r.metrics.latency_ms;
    console.log([r.summary.requestsPerSec.toFixed(0), ms.p50.toFixed(2), ms.p99.toFixed(2), errors + non2xx].join(" "));
  ' "$1"
}

subjects=("wellspring|/|http://127.0.0.1:$ws_port/|--disable-compression"
          "baseline|/|http://127.0.0.1:$bl_port/|--disable-compression"
          "wellspring|/healthz|http://127.0.0.1:$ws_port/healthz|--disable-compression"
          "baseline|/healthz|http://127.0.0.1:$bl_port/healthz|--disable-compression")
if [[ "$COMPRESSION" == 1 ]]; then
  subjects+=("wellspring (br)|/|http://127.0.0.1:$ws_port/|-H|accept-encoding: br")
fi

say "warming up"
for s in "${subjects[@]}"; do
  IFS='|' read -r -a f <<<"$s"
  oha_run "${f[2]}" 8 1s "$work/warmup.json" "${f[@]:3}"
done

loadavg=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A rps p50 p99 fails
for conc in "${LEVELS[@]}"; do
  for s in "${subjects[@]}"; do
    IFS='|' read -r -a f <<<"$s"
    say "${f[0]} ${f[1]}  c=$conc  $DURATION"
    oha_run "${f[2]}" "$conc" "$DURATION" "$work/run.json" "${f[@]:3}"
    summary=$(summarise "$work/run.json")
    read -r r a b e <<<"$summary"
    key="${f[0]}|${f[1]}|$conc"
    rps[$key]=$r p50[$key]=$a p99[$key]=$b fails[$key]=$e
  done
done

# ---------------------------------------------------------------- bundle size
brotli_size() {
  node -e '
    const fs = require("fs"), z = require("zlib");
    const raw = fs.readFileSync(process.argv[1]);
    console.log(z.brotliCompressSync(raw, { params: {
      [z.constants.BROTLI_PARAM_QUALITY]: 11, [z.constants.BROTLI_PARAM_SIZE_HINT]: raw.length } }).length);
  ' "$1"
}
kib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1024 }'; }

bundle_rows=()
total_raw=0 total_gz=0 total_br=0
for ext in wasm js css; do
  # Newest file of each kind: hashed names can leave older builds beside it.
  file=$(ls -t target/site/pkg/*."$ext" 2>/dev/null | head -n1 || true)
  [[ -n "$file" ]] || continue
  raw=$(stat -c %s "$file")
  if [[ -f "$file.gz" && ! "$file.gz" -ot "$file" ]]; then gz=$(stat -c %s "$file.gz"); how="precompressed"
  else gz=$(gzip -9 -c "$file" | wc -c); how="computed"; fi
  if [[ -f "$file.br" && ! "$file.br" -ot "$file" ]]; then br=$(stat -c %s "$file.br")
  else br=$(brotli_size "$file"); how="computed"; fi
  total_raw=$((total_raw + raw)) total_gz=$((total_gz + gz)) total_br=$((total_br + br))
  bundle_rows+=("| $(basename "$file") | $(kib "$raw") | $(kib "$gz") | $(kib "$br") | $how |")
done

# ---------------------------------------------------------------- report
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- 2>/dev/null || commit="$commit (+ uncommitted changes)"
cpu=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)

mkdir -p bench/results
{
  echo "# Wellspring benchmark — $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- commit: $commit"
  echo "- machine: $(nproc) cores, ${cpu:-unknown CPU}; load average before the runs: $loadavg"
  echo "- Wellspring: target/release/wellspring, **APP_ENV=development** (production needs real secrets), $db_mode, default logging (one line per request)"
  echo "- baseline: examples/bare_baseline.rs, bare axum, the same $page_bytes-byte home page"
  if awk -v l="${loadavg%% *}" 'BEGIN { exit !(l > 1.0) }'; then
    echo "- **warning: the load average was above 1 before the runs; something else was using the CPU and these numbers are unreliable. Run again on an idle machine.**"
  fi
  echo "- load: $(oha --version 2>/dev/null | head -n1), HTTP/1.1 keep-alive, $DURATION per row after a 1 s warm-up, no Accept-Encoding unless marked (br); client and servers share the machine"
  echo
  echo "| subject | concurrency | req/s | p50 ms | p99 ms | ratio to baseline | failed |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
  for path in / /healthz; do
    for conc in "${LEVELS[@]}"; do
      base_rps=${rps["baseline|$path|$conc"]}
      for s in "${subjects[@]}"; do
        IFS='|' read -r -a f <<<"$s"
        [[ "${f[1]}" == "$path" ]] || continue
        key="${f[0]}|$path|$conc"
        echo "| ${f[0]} $path | $conc | ${rps[$key]} | ${p50[$key]} | ${p99[$key]} | $(ratio "${rps[$key]}" "$base_rps") | ${fails[$key]} |"
      done
    done
  done
  echo
  echo "## Browser bundle (target/site/pkg)"
  echo
  echo "| file | raw KiB | gzip KiB | brotli KiB | compressed sizes |"
  echo "| --- | ---: | ---: | ---: | --- |"
  printf '%s\n' "${bundle_rows[@]}"
  echo "| **total** | **$(kib "$total_raw")** | **$(kib "$total_gz")** | **$(kib "$total_br")** | |"
} | tee "$RESULTS"
say "written to $RESULTS"
bench/auth.sh # identity benchmarks, appended to the same report; see bench/README.md
bench/community.sh # community pages on the 200,000-post data set, appended to the same report; see bench/README.md
bench/moderation.sh # the review queue with 10,000 open reports on that data set, beside the same SQL through pgbench; see bench/README.md
bench/wasm-profile.sh # where the browser bundle's bytes come from (by crate, largest items); see bench/README.md
bench/realtime.sh # live updates: commit-to-socket latency over two instances beside a bare LISTEN client; see bench/README.md
