#!/usr/bin/env bash
# Pictures (issue 16): what taking a photo in costs, and serving a thumbnail, each beside a
# bare baseline in the same run. Not a pass/fail test. Prints a table and appends it to
# bench/results/latest.md.
#   1. Re-encoding a 12-megapixel phone photo (4000 × 3000 JPEG), in-process, p50/p99 over
#      BENCH_MEDIA_RUNS runs: Wellspring's pipeline (decode with limits, upright, three
#      sizes each encoded afresh) beside the `image` crate decoding it and encoding it once
#      (examples/media_bench.rs).
#   2. Upload throughput: that photo POSTed as a profile picture BENCH_MEDIA_UPLOADS times at
#      2 connections to a release server (sniff, re-encode, store, record), beside a bare
#      axum handler that only receives the same bytes.
#   3. Serving a thumbnail (/media/avatars/<id>/64, no database read) at
#      BENCH_MEDIA_CONCURRENCY connections for BENCH_MEDIA_DURATION, beside tower-http's
#      ServeDir serving the very same file from the same folder.
# Needs DATABASE_URL (a server it may create the database wellspring_bench_media on).
# Knobs: BENCH_MEDIA=0 skips it; BENCH_MEDIA_RUNS (15); BENCH_MEDIA_UPLOADS (30);
#        BENCH_MEDIA_DURATION (10s); BENCH_MEDIA_CONCURRENCY (16).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

[[ "${BENCH_MEDIA:-1}" == 0 ]] && exit 0
RUNS="${BENCH_MEDIA_RUNS:-15}"
UPLOADS="${BENCH_MEDIA_UPLOADS:-30}"
DURATION="${BENCH_MEDIA_DURATION:-10s}"
CONC="${BENCH_MEDIA_CONCURRENCY:-16}"
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
RESULTS=bench/results/latest.md

say() { printf '\033[1;34m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'bench/media: %s\n' "$*" >&2; exit 1; }
[[ -n "${DATABASE_URL:-}" ]] || { echo "bench/media: skipped (needs DATABASE_URL)" >&2; exit 0; }
for tool in curl node psql python3; do command -v "$tool" >/dev/null || die "$tool is needed"; done
if ! command -v oha >/dev/null; then
  say "installing oha (once; a few minutes)"
  cargo install oha --locked
fi

say "building the release server and the bench helper"
cargo build --release --features ssr --bin wellspring --example media_bench
WS_BIN="$TARGET_DIR/release/wellspring"
HELPER="$TARGET_DIR/release/examples/media_bench"

work=$(mktemp -d -t wellspring-bench-media.XXXXXX)
pids=()
base="${DATABASE_URL%%\?*}"
admin_url="$base"
db_url="${base%/*}/wellspring_bench_media"
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  psql "$admin_url" -qc "drop database if exists wellspring_bench_media with (force)" >/dev/null 2>&1 || true
  if [[ $status != 0 && -f "$work/wellspring.log" ]]; then tail -n 30 "$work/wellspring.log" >&2; fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
loadavg=$(cut -d' ' -f1-3 /proc/loadavg)

# ------------------------------------------------------------------ 1. re-encoding
say "re-encoding a 12-megapixel photo ($RUNS runs each)"
"$HELPER" reencode --runs "$RUNS" --photo "$work/photo.jpg" >"$work/reencode.tsv"
cat "$work/reencode.tsv" >&2

# ------------------------------------------------------------------ the servers
psql "$admin_url" -qc "drop database if exists wellspring_bench_media with (force)" -c "create database wellspring_bench_media" >/dev/null
port=$(free_port)
bare_port=$(free_port)
site="http://127.0.0.1:$port"
bare="http://127.0.0.1:$bare_port"
# Development: the small demo community is seeded on start (its member uploads here).
APP_ENV=development DATABASE_URL="$db_url" LEPTOS_SITE_ADDR="127.0.0.1:$port" RUST_LOG=warn LEPTOS_HASH_FILES=false \
  WELLSPRING__MEDIA__LOCAL_DIR="$work/media" WELLSPRING__MEDIA__UPLOADS_PER_HOUR=1000000 \
  WELLSPRING__MEDIA__QUOTA_MB=1000000 \
  "$WS_BIN" serve >"$work/wellspring.log" 2>&1 &
pids+=($!)
mkdir -p "$work/media"
"$HELPER" serve --dir "$work/media" --addr "127.0.0.1:$bare_port" >"$work/bare.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do
  bare_up=$(curl -s -o /dev/null -w '%{http_code}' "$bare/files/" || true)
  curl -fsS "$site/readyz" >/dev/null 2>&1 && [[ "$bare_up" != 000 ]] && break
  sleep 0.2
done
curl -fsS "$site/readyz" >/dev/null || die "the server did not become ready"
curl -sS -o /dev/null -D "$work/login.headers" -X POST "$site/api/auth/login" \
  -H "origin: $site" --data-urlencode "email=demo@wellspring.test" --data-urlencode "password=wellspring-demo"
access=$(tr -d '\r' <"$work/login.headers" | sed -nE 's/^[Ss]et-[Cc]ookie: ws_access=([^;]*).*/\1/p' | head -n1)
[[ -n "$access" ]] || die "the demo member could not sign in"

boundary=wellspring-bench-boundary
python3 - "$work/photo.jpg" "$work/upload.body" "$boundary" <<'PY'
import sys
photo, out, boundary = sys.argv[1], sys.argv[2], sys.argv[3]
data = open(photo, "rb").read()
head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"avatar\"; filename=\"IMG.jpg\"\r\n"
        "Content-Type: image/jpeg\r\n\r\n").encode()
open(out, "wb").write(head + data + f"\r\n--{boundary}--\r\n".encode())
PY
body_bytes=$(wc -c <"$work/upload.body")

oha_json() { local out=$1; shift; oha --no-tui --output-format json --disable-compression "$@" >"$out"; }
summarise() { # file, allowed status regex -> "req/s p50_ms p99_ms failures"
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const ok = new RegExp(process.argv[2]);
    // Requests still in flight when a timed run ends are not failures.
    const errors = Object.entries(r.errorDistribution || {})
      .filter(([what]) => what !== "aborted due to deadline").reduce((a, [, n]) => a + n, 0);
    const bad = Object.entries(r.statusCodeDistribution || {})
      .filter(([code]) => !ok.test(code)).reduce((a, [, n]) => a + n, 0);
    const ms = r.metrics.latency_ms;
    console.log([r.summary.requestsPerSec.toFixed(1), ms.p50.toFixed(2), ms.p99.toFixed(2), errors + bad].join(" "));
  ' "$1" "$2"
}

# ------------------------------------------------------------------ 2. uploads
say "uploading the photo $UPLOADS times at 2 connections ($body_bytes bytes each)"
upload_args=(-m POST -T "multipart/form-data; boundary=$boundary" -D "$work/upload.body"
  -H "accept: application/json" -H "origin: $site" -H "cookie: ws_access=$access")
oha_json "$work/bare-upload.json" -n "$UPLOADS" -c 2 "${upload_args[@]}" "$bare/upload"
oha_json "$work/upload.json" -n "$UPLOADS" -c 2 "${upload_args[@]}" "$site/uploads/avatar"
read -r bu_rps bu_p50 bu_p99 bu_fail <<<"$(summarise "$work/bare-upload.json" '^200$')"
read -r u_rps u_p50 u_p99 u_fail <<<"$(summarise "$work/upload.json" '^200$')"

# ------------------------------------------------------------------ 3. a thumbnail
avatar=$(psql "$db_url" -XAtqc "select avatar_id from app.profiles where handle = 'demo'")
[[ -n "$avatar" ]] || die "no profile picture was stored"
thumb_bytes=$(curl -fsS "$site/media/avatars/$avatar/64" | wc -c)
say "serving a thumbnail ($thumb_bytes bytes) at $CONC connections for $DURATION"
oha_json "$work/bare-thumb.json" -z "$DURATION" -c "$CONC" "$bare/files/avatars/$avatar/64"
oha_json "$work/thumb.json" -z "$DURATION" -c "$CONC" "$site/media/avatars/$avatar/64"
read -r bt_rps bt_p50 bt_p99 bt_fail <<<"$(summarise "$work/bare-thumb.json" '^200$')"
read -r t_rps t_p50 t_p99 t_fail <<<"$(summarise "$work/thumb.json" '^200$')"

ratio() { python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print(f'{a / b:.2f}' if b else '-')" "$1" "$2"; }
mb_s() { python3 -c "import sys; print(f'{float(sys.argv[1]) * float(sys.argv[2]) / 1048576:.1f}')" "$1" "$2"; }
{
  echo
  echo "## Media ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load before: $loadavg)"
  echo
  echo "Re-encoding a 4000 × 3000 phone photo, in-process, $RUNS runs each:"
  echo
  echo "| subject | p50 | p99 | p50 vs baseline |"
  echo "|---|---:|---:|---:|"
  grep -v '^photo' "$work/reencode.tsv" | while IFS=$'\t' read -r name p50 p99 ratio; do
    echo "| $name | ${p50#p50 } | ${p99#p99 } | ${ratio% baseline p50} |"
  done
  echo
  echo "$(grep '^photo' "$work/reencode.tsv" | tr '\t' ' ')"
  echo
  echo "Uploads of that photo ($body_bytes bytes) at 2 connections, $UPLOADS each; a thumbnail ($thumb_bytes bytes) at $CONC connections for $DURATION:"
  echo
  echo "| subject | req/s | MB/s in | p50 ms | p99 ms | failed | req/s vs baseline |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  echo "| baseline: bare axum receives the bytes | $bu_rps | $(mb_s "$bu_rps" "$body_bytes") | $bu_p50 | $bu_p99 | $bu_fail | 1.00 |"
  echo "| POST /uploads/avatar (sniff, re-encode, store, record) | $u_rps | $(mb_s "$u_rps" "$body_bytes") | $u_p50 | $u_p99 | $u_fail | $(ratio "$u_rps" "$bu_rps") |"
  echo "| baseline: tower-http ServeDir, same file | $bt_rps | | $bt_p50 | $bt_p99 | $bt_fail | 1.00 |"
  echo "| GET /media/avatars/<id>/64 | $t_rps | | $t_p50 | $t_p99 | $t_fail | $(ratio "$t_rps" "$bt_rps") |"
} | { mkdir -p "$(dirname "$RESULTS")"; tee -a "$RESULTS"; }
