#!/usr/bin/env bash
# Identity benchmarks: sign-in latency (Argon2id), refresh-token rotation latency, and the
# cost of a verified session on a page, each beside the bare axum baseline in the same run.
# Appends a markdown table to bench/results/latest.md and prints it. Not a pass/fail test.
#
# bench/run.sh calls it last; it also runs alone (bench/auth.sh) once target/release/wellspring
# is built. It starts its own Wellspring (with the sign-in rate limits raised so they never
# answer 429) on a fresh database, and its own bare_baseline.
# Knobs (environment):
#   BENCH_AUTH                     0: skip these benchmarks                 (default 1)
#   BENCH_AUTH_SIGNINS             sign-in requests measured                (default 200)
#   BENCH_AUTH_SIGNIN_CONCURRENCY  connections for the sign-ins             (default 4)
#   BENCH_AUTH_REFRESHES           sequential refreshes measured            (default 300)
#   BENCH_AUTH_DURATION            length of each page run, oha syntax      (default 10s)
#   BENCH_AUTH_CONCURRENCY         connections for the page runs            (default 32)
#   DATABASE_URL                   use this server (database wellspring_bench_auth is created
#                                  and dropped) instead of an embedded cluster
# Every request goes to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh  # PATH, and CARGO_TARGET_DIR (the release binary lives there)

[[ "${BENCH_AUTH:-1}" == 0 ]] && exit 0

SIGNINS="${BENCH_AUTH_SIGNINS:-200}"
SIGNIN_CONC="${BENCH_AUTH_SIGNIN_CONCURRENCY:-4}"
REFRESHES="${BENCH_AUTH_REFRESHES:-300}"
DURATION="${BENCH_AUTH_DURATION:-10s}"
CONC="${BENCH_AUTH_CONCURRENCY:-32}"
BENCH_DB=wellspring_bench_auth
RESULTS=bench/results/latest.md

# The benchmark member. The password is long and not a common one (sign-up refuses those).
EMAIL="bench.reader@example.org"
PASSWORD="a calm river at dawn"
HANDLE="bench_reader"
DISPLAY_NAME="Bench Reader"

say() { printf '\033[1;34m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'bench/auth: %s\n' "$*" >&2; exit 1; }

[[ -x "$CARGO_TARGET_DIR/release/wellspring" ]] || die "$CARGO_TARGET_DIR/release/wellspring is missing: run 'make build' (or 'make bench', which builds first)"
for tool in curl node python3; do
  command -v "$tool" >/dev/null || die "$tool is needed"
done
if ! command -v oha >/dev/null; then
  say "installing oha (once; a few minutes)"
  cargo install oha --locked
fi
say "building examples/bare_baseline.rs (release)"
cargo build --release --features ssr --example bare_baseline
BASELINE_BIN="${CARGO_TARGET_DIR:-target}/release/examples/bare_baseline" # a shared target dir too

# ---------------------------------------------------------------- cleanup on any exit
work=$(mktemp -d -t wellspring-bench-auth.XXXXXX)
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

postmaster_pidfile() {
  [[ -n "$data_dir" ]] || return 0
  find "$data_dir" -maxdepth 2 -name postmaster.pid 2>/dev/null | head -n1
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_pid "$bl_pid" 2
  stop_pid "$ws_pid" 15
  # Wellspring stops its embedded cluster on shutdown; if it could not, stop the postmaster.
  if [[ -n "$data_dir" ]]; then
    local pidfile
    pidfile=$(postmaster_pidfile)
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

form() { # key value ... -> application/x-www-form-urlencoded
  python3 -c 'import sys, urllib.parse as u; a = sys.argv[1:]; print(u.urlencode(list(zip(a[::2], a[1::2]))))' "$@"
}

# ---------------------------------------------------------------- Wellspring
ws_port=$(free_port)
site="http://127.0.0.1:$ws_port"
server_env=(
  APP_ENV=development # production refuses to start without real secrets; see README
  LEPTOS_SITE_ADDR="127.0.0.1:$ws_port"
  WELLSPRING__SERVER__PUBLIC_URL="$site"
  WELLSPRING__SERVER__SHUTDOWN_GRACE_SECS=3
  # Compare renders with renders: with the visitor page cache on, the anonymous row would be
  # a copy from memory and the signed-in ratio meaningless (bench/community.sh measures both).
  WELLSPRING__SERVER__VISITOR_PAGE_CACHE_MS=0
  # Measure the work, not the limiter: hundreds of sign-ins from one IP to one account, and
  # the hashing attack below as if it came from everywhere (no limit would stop it first).
  WELLSPRING__LIMITS__SIGN_IN_PER_IP=1000000
  WELLSPRING__LIMITS__SIGN_IN_PER_ACCOUNT=1000000
  WELLSPRING__LIMITS__PASSWORD_PER_IP=1000000
  WELLSPRING__LIMITS__PASSWORD_PER_ACCOUNT=1000000
)
db_url="" # where psql reads the outbox; found below for the embedded cluster
if [[ -n "${DATABASE_URL:-}" ]]; then
  base="${DATABASE_URL%%\?*}"
  query=""
  [[ "$DATABASE_URL" == *\?* ]] && query="?${DATABASE_URL#*\?}"
  admin_url="$DATABASE_URL"
  db_url="${base%/*}/$BENCH_DB$query"
  PGOPTIONS="--client-min-messages=warning" \
    psql "$admin_url" -qc "drop database if exists $BENCH_DB with (force)" -c "create database $BENCH_DB" >/dev/null
  db_created=1
  server_env+=(DATABASE_URL="$db_url")
  db_mode="DATABASE_URL server, database $BENCH_DB"
else
  data_dir=$(mktemp -d -t wellspring-bench-auth-pg.XXXXXX)
  server_env+=(DATABASE_URL= WELLSPRING__DATABASE__DATA_DIR="$data_dir") # empty means unset
  db_mode="embedded PostgreSQL in a temporary directory"
fi

say "starting Wellspring on 127.0.0.1:$ws_port (APP_ENV=development, sign-in limits raised, $db_mode)"
env "${server_env[@]}" "$CARGO_TARGET_DIR/release/wellspring" serve >"$work/wellspring.log" 2>&1 &
ws_pid=$!
wait_for "$site/readyz" "$ws_pid" "Wellspring"

if [[ -z "$db_url" ]]; then
  # The embedded cluster listens only on a Unix socket: its port (the socket's name) and
  # directory are lines 4 and 5 of postmaster.pid.
  pidfile=$(postmaster_pidfile)
  if [[ -n "$pidfile" ]]; then
    pg_port=$(sed -n 4p "$pidfile")
    pg_socket=$(sed -n 5p "$pidfile")
    [[ "$pg_port" =~ ^[0-9]+$ && -d "$pg_socket" ]] \
      && db_url="postgres://postgres@localhost:$pg_port/wellspring?host=$pg_socket"
  fi
fi

# ---------------------------------------------------------------- the baseline, same bytes
curl -fsS -o "$work/home.html" "$site/"
page_bytes=$(wc -c <"$work/home.html")
bl_port=$(free_port)
baseline="http://127.0.0.1:$bl_port"
say "starting bare_baseline on 127.0.0.1:$bl_port with the anonymous home page ($page_bytes bytes)"
"$BASELINE_BIN" --addr "127.0.0.1:$bl_port" --body-file "$work/home.html" >"$work/baseline.log" 2>&1 &
bl_pid=$!
wait_for "$baseline/healthz" "$bl_pid" "bare_baseline"

# ---------------------------------------------------------------- a confirmed member
post_form() { # path, out file, curl args... -> prints the status; headers in out.headers
  local path=$1 out=$2
  shift 2
  curl -sS -o "$out" -D "$out.headers" -w '%{http_code}' -X POST \
    -H 'content-type: application/x-www-form-urlencoded' "$@" "$site$path"
}

say "signing up $EMAIL"
status=$(post_form /api/auth/signup "$work/signup" \
  --data "$(form email "$EMAIL" password "$PASSWORD" handle "$HANDLE" display_name "$DISPLAY_NAME")")
[[ "$status" == 2* ]] || die "sign-up answered $status: $(head -c 300 "$work/signup")"

# The confirmation link waits in the outbox (no SMTP in development): read it with psql,
# else from the development mailbox page.
mail=""
if [[ -n "$db_url" ]] && command -v psql >/dev/null; then
  mail=$(psql "$db_url" -XAtqc "select body_text from app.outbox_emails order by id desc limit 1" 2>/dev/null || true)
fi
token=$(grep -o 'verify?token=[A-Za-z0-9_-]*' <<<"$mail" | head -n1 | cut -d= -f2 || true)
if [[ -z "$token" ]]; then
  token=$(curl -fsS "$site/dev/mailbox" | grep -o 'verify?token=[A-Za-z0-9_-]*' | head -n1 | cut -d= -f2 || true)
fi
[[ -n "$token" ]] || die "no confirmation link in the outbox"
# Opened in the browser that signed up (its ws_confirm cookie), so the password stays: a
# link opened anywhere else clears a password chosen before the address was proven.
confirm_cookie=$(grep -i '^set-cookie:' "$work/signup.headers" | sed -n 's/^[Ss]et-[Cc]ookie: *ws_confirm=\([^;]*\).*/\1/p' | tail -n1)
[[ -n "$confirm_cookie" ]] || die "sign-up set no ws_confirm cookie"
status=$(post_form /api/auth/verify "$work/verify" -H "cookie: ws_confirm=$confirm_cookie" --data "$(form token "$token")")
[[ "$status" == 2* ]] || die "confirmation answered $status: $(head -c 300 "$work/verify")"

login_body=$(form email "$EMAIL" password "$PASSWORD")
status=$(post_form /api/auth/login "$work/login" --data "$login_body")
[[ "$status" == [23]* ]] || die "sign-in answered $status: $(head -c 300 "$work/login")"
cookie_value() { # name, headers file
  grep -i '^set-cookie:' "$2" | sed -n "s/^[Ss]et-[Cc]ookie: *$1=\([^;]*\).*/\1/p" | tail -n1
}
access=$(cookie_value ws_access "$work/login.headers")
[[ -n "$access" ]] || die "sign-in set no ws_access cookie"

# The signed-in page must really be signed in (the header names the member), or row 5 would
# measure an anonymous page.
curl -fsS -o "$work/home-signed-in.html" -H "cookie: ws_access=$access" "$site/"
grep -q "$DISPLAY_NAME" "$work/home-signed-in.html" \
  || die "GET / with ws_access does not name the member: the cookie was not recognised"
! grep -q "$DISPLAY_NAME" "$work/home.html" || die "the anonymous home page names the member"
signed_in_bytes=$(wc -c <"$work/home-signed-in.html")

# ---------------------------------------------------------------- measurements
oha_json() { # out file, oha args...
  local out=$1
  shift
  oha --no-tui --output-format json --disable-compression "$@" >"$out"
}

# Reads oha's JSON; prints "req/s p50_ms p99_ms failures" (failures: transport errors and
# statuses not matching the allowed pattern).
summarise() { # file, allowed status regex
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const ok = new RegExp(process.argv[2]);
    const errors = Object.values(r.errorDistribution || {}).reduce((a, b) => a + b, 0);
    const bad = Object.entries(r.statusCodeDistribution || {})
      .filter(([code]) => !ok.test(code)).reduce((a, [, n]) => a + n, 0);
    const ms = r.metrics.latency_ms;
    console.log([r.summary.requestsPerSec.toFixed(0), ms.p50.toFixed(2), ms.p99.toFixed(2), errors + bad].join(" "));
  ' "$1" "$2"
}

loadavg=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A rps p50 p99 fails
record() { # key, "req/s p50 p99 [failures]"
  local r a b e
  read -r r a b e <<<"$2"
  rps[$1]=$r p50[$1]=$a p99[$1]=$b fails[$1]=${e:-0}
}

# 1. Sign-in. oha must not follow redirects: the sign-in alone is measured.
signin_args=(-m POST -H 'content-type: application/x-www-form-urlencoded' -d "$login_body" --redirect 0)
say "sign-in: warming up"
oha_json "$work/warmup.json" -n "$((SIGNIN_CONC * 2))" -c "$SIGNIN_CONC" "${signin_args[@]}" "$site/api/auth/login"
say "sign-in: POST /api/auth/login  n=$SIGNINS c=$SIGNIN_CONC"
oha_json "$work/signin.json" -n "$SIGNINS" -c "$SIGNIN_CONC" "${signin_args[@]}" "$site/api/auth/login"
record signin "$(summarise "$work/signin.json" '^[23]')"
say "baseline: GET /  n=$SIGNINS c=$SIGNIN_CONC"
oha_json "$work/signin-bl.json" -n "$SIGNINS" -c "$SIGNIN_CONC" "$baseline/"
record signin_bl "$(summarise "$work/signin-bl.json" '^2')"

# 3. A verified session on a page (before the refresh loop, so nothing else touches this session).
say "warming up GET /"
for target in "$site/" "$baseline/"; do
  oha_json "$work/warmup.json" -w -z 1s -c 8 "$target"
done
oha_json "$work/warmup.json" -w -z 1s -c 8 -H "cookie: ws_access=$access" "$site/"
say "GET / anonymous  c=$CONC $DURATION"
oha_json "$work/anon.json" -w -z "$DURATION" -c "$CONC" "$site/"
record anon "$(summarise "$work/anon.json" '^2')"
say "GET / with ws_access  c=$CONC $DURATION"
oha_json "$work/member.json" -w -z "$DURATION" -c "$CONC" -H "cookie: ws_access=$access" "$site/"
record member "$(summarise "$work/member.json" '^2')"
say "baseline: GET /  c=$CONC $DURATION"
oha_json "$work/page-bl.json" -w -z "$DURATION" -c "$CONC" "$baseline/"
record page_bl "$(summarise "$work/page-bl.json" '^2')"

# The same pair on /healthz: no rendering and no database, so the difference is the session
# middleware's JWT verification alone.
oha_json "$work/warmup.json" -w -z 1s -c 8 -H "cookie: ws_access=$access" "$site/healthz"
say "GET /healthz anonymous  c=$CONC $DURATION"
oha_json "$work/h-anon.json" -w -z "$DURATION" -c "$CONC" "$site/healthz"
record h_anon "$(summarise "$work/h-anon.json" '^2')"
say "GET /healthz with ws_access  c=$CONC $DURATION"
oha_json "$work/h-member.json" -w -z "$DURATION" -c "$CONC" -H "cookie: ws_access=$access" "$site/healthz"
record h_member "$(summarise "$work/h-member.json" '^2')"
say "baseline: GET /healthz  c=$CONC $DURATION"
oha_json "$work/h-bl.json" -w -z "$DURATION" -c "$CONC" "$baseline/healthz"
record h_bl "$(summarise "$work/h-bl.json" '^2')"

# 5. Password hashing under attack (issue 12, section 3): 32 connections send wrong current
# passwords to the password change and 32 send made-up reset tokens, 64 at once, while a
# reader loads the circles page. Beside it: the same reader alone, in this run.
ATTACK_SECS="${BENCH_AUTH_ATTACK_SECS:-12}"
reader_args=(-w -z 8s -c 4 -H "cookie: ws_access=$access")
say "reader alone: GET /circles  c=4 8s"
oha_json "$work/warmup.json" -w -z 1s -c 4 -H "cookie: ws_access=$access" "$site/circles"
oha_json "$work/reader-calm.json" "${reader_args[@]}" "$site/circles"
record reader_calm "$(summarise "$work/reader-calm.json" '^2')"
rss_before=$(awk '/^VmRSS/ {print $2}' "/proc/$ws_pid/status")
say "attack: 32 x POST /api/account/password (wrong password) + 32 x POST /api/auth/reset (made-up token), ${ATTACK_SECS}s"
oha_json "$work/attack-change.json" -w -z "${ATTACK_SECS}s" -c 32 -m POST \
  -H 'content-type: application/x-www-form-urlencoded' -H "cookie: ws_access=$access" \
  -d "$(form current_password 'not my password at all' new_password 'a brand new passphrase')" \
  "$site/api/account/password" &
attack_change=$!
oha_json "$work/attack-reset.json" -w -z "${ATTACK_SECS}s" -c 32 -m POST \
  -H 'content-type: application/x-www-form-urlencoded' \
  -d "$(form token made-up-token-0123456789 password 'a brand new passphrase')" \
  "$site/api/auth/reset" &
attack_reset=$!
sleep 2
say "reader under attack: GET /circles  c=4 8s"
oha_json "$work/reader-attacked.json" "${reader_args[@]}" "$site/circles"
record reader_attacked "$(summarise "$work/reader-attacked.json" '^2')"
wait "$attack_change" "$attack_reset"
record attack_change "$(summarise "$work/attack-change.json" '^(400|429)$')"
record attack_reset "$(summarise "$work/attack-reset.json" '^(400|429)$')"
rss_peak=$(awk '/^VmHWM/ {print $2}' "/proc/$ws_pid/status")
rss_after=$(awk '/^VmRSS/ {print $2}' "/proc/$ws_pid/status")
status_mix=$(node -e '
  for (const f of process.argv.slice(1)) {
    const r = JSON.parse(require("fs").readFileSync(f, "utf8"));
    process.stdout.write(Object.entries(r.statusCodeDistribution || {}).map(([c, n]) => `${n}×${c}`).join(", ") + "; ");
  }' "$work/attack-change.json" "$work/attack-reset.json")

# 2. Refresh rotation: sequential, each token used once (bench/refresh.mjs signs in itself).
say "refresh: $REFRESHES sequential rotations, then the same with an access token, then the baseline"
node bench/refresh.mjs --site "$site" --baseline "$baseline/" --email "$EMAIL" --password "$PASSWORD" \
  --count "$REFRESHES" >"$work/refresh.json"
for s in refresh access baseline; do
  record "seq_$s" "$(node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))[process.argv[2]];
    console.log([r.rps.toFixed(0), r.p50.toFixed(2), r.p99.toFixed(2)].join(" "));
  ' "$work/refresh.json" "$s")"
done

# ---------------------------------------------------------------- report
compare() { # member req/s, anonymous req/s -> "ratio difference% fewer|more"
  awk -v m="$1" -v a="$2" 'BEGIN {
    if (a <= 0) { print "n/a n/a fewer"; exit }
    d = (a - m) * 100 / a
    printf "%.2f %.1f %s", m / a, (d < 0 ? -d : d), (d < 0 ? "more" : "fewer")
  }'
}
read -r ratio diff word <<<"$(compare "${rps[member]}" "${rps[anon]}")"
read -r h_ratio h_diff h_word <<<"$(compare "${rps[h_member]}" "${rps[h_anon]}")"
verdict=$(awk -v d="$diff" -v w="$word" 'BEGIN {
  if (d == "n/a") print "n/a"; else if (w == "more" || d < 5) print "within the 5 % goal"; else print "**over the 5 % goal**" }')

mkdir -p bench/results
{
  echo
  echo "## Identity — $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- Wellspring: target/release/wellspring, APP_ENV=development, $db_mode, sign-in rate limits raised to 1000000 (WELLSPRING__LIMITS__SIGN_IN_PER_IP / _PER_ACCOUNT); one confirmed member without two-step sign-in"
  echo "- baseline: examples/bare_baseline.rs serving the same $page_bytes-byte anonymous home page at / (and ok at /healthz), measured with each row's load shape in this run: its GET / beside every row except the /healthz ones, which have its GET /healthz"
  echo "- load average before the runs: $loadavg"
  if awk -v l="${loadavg%% *}" 'BEGIN { exit !(l > 1.0) }'; then
    echo "- **warning: the load average was above 1 before the runs; something else was using the CPU and these numbers are unreliable. Run again on an idle machine.**"
  fi
  echo
  echo "| measurement | load | req/s | p50 ms | p99 ms | baseline req/s | baseline p50 ms | baseline p99 ms | failed |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  echo "| sign-in: POST /api/auth/login ¹ | oha, $SIGNINS requests, c=$SIGNIN_CONC | ${rps[signin]} | ${p50[signin]} | ${p99[signin]} | ${rps[signin_bl]} | ${p50[signin_bl]} | ${p99[signin_bl]} | ${fails[signin]} |"
  echo "| token refresh: POST /api/account/viewer with only ws_refresh ² | $REFRESHES sequential, c=1 | ${rps[seq_refresh]} | ${p50[seq_refresh]} | ${p99[seq_refresh]} | ${rps[seq_baseline]} | ${p50[seq_baseline]} | ${p99[seq_baseline]} | 0 |"
  echo "| same request with a valid ws_access (no rotation) ² | $REFRESHES sequential, c=1 | ${rps[seq_access]} | ${p50[seq_access]} | ${p99[seq_access]} | ${rps[seq_baseline]} | ${p50[seq_baseline]} | ${p99[seq_baseline]} | 0 |"
  echo "| GET / anonymous | oha, $DURATION, c=$CONC | ${rps[anon]} | ${p50[anon]} | ${p99[anon]} | ${rps[page_bl]} | ${p50[page_bl]} | ${p99[page_bl]} | ${fails[anon]} |"
  echo "| GET / with a verified ws_access ³ | oha, $DURATION, c=$CONC | ${rps[member]} | ${p50[member]} | ${p99[member]} | ${rps[page_bl]} | ${p50[page_bl]} | ${p99[page_bl]} | ${fails[member]} |"
  echo "| GET /healthz anonymous ⁴ | oha, $DURATION, c=$CONC | ${rps[h_anon]} | ${p50[h_anon]} | ${p99[h_anon]} | ${rps[h_bl]} | ${p50[h_bl]} | ${p99[h_bl]} | ${fails[h_anon]} |"
  echo "| GET /healthz with a verified ws_access ⁴ | oha, $DURATION, c=$CONC | ${rps[h_member]} | ${p50[h_member]} | ${p99[h_member]} | ${rps[h_bl]} | ${p50[h_bl]} | ${p99[h_bl]} | ${fails[h_member]} |"
  echo
  echo "**Verified session on /:** signed-in req/s ÷ anonymous req/s = $ratio ($diff % $word; goal: under 5 % fewer): $verdict."
  echo "JWT verification alone (/healthz): $h_ratio ($h_diff % $h_word)."
  echo
  echo
  echo "**Password hashing under attack** (64 attacking connections: 32 wrong-password changes, 32 made-up reset tokens, password limits raised so only the hashing bound stands; hashing slots: half the cores):"
  echo
  echo "| reader: GET /circles, c=4, 8 s | req/s | p50 ms | p99 ms | failed |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  echo "| alone | ${rps[reader_calm]} | ${p50[reader_calm]} | ${p99[reader_calm]} | ${fails[reader_calm]} |"
  echo "| during the attack | ${rps[reader_attacked]} | ${p50[reader_attacked]} | ${p99[reader_attacked]} | ${fails[reader_attacked]} |"
  echo
  echo "p99 under attack ÷ alone: $(awk -v a="${p99[reader_attacked]}" -v c="${p99[reader_calm]}" 'BEGIN { if (c > 0) printf "%.2f", a / c; else print "n/a" }'). Attackers: password change ${rps[attack_change]} req/s (p99 ${p99[attack_change]} ms), reset ${rps[attack_reset]} req/s (p99 ${p99[attack_reset]} ms); answers: $status_mix RSS: $((rss_before / 1024)) MiB before, $((rss_after / 1024)) MiB after, peak over the whole run $((rss_peak / 1024)) MiB."
  echo
  echo "1. Argon2id dominates: m = 19456 KiB, t = 2, p = 1 (OWASP Password Storage Cheat Sheet), one hash per sign-in. Every request signs in the same member and opens a new session; oha does not follow the redirect."
  echo "2. bench/refresh.mjs (Node fetch, one keep-alive connection): each request carries the ws_refresh the previous response set, so every token is used once, as a browser would. The session middleware rotates it and, as for every write, checks the session row; the server function then reads the viewer. The row below it is the same request with a fresh access token instead: the difference is the cost of rotation. Baseline: the same loop against the bare baseline's GET /. \"failed\" is 0 because any failure or a response without a new token stops the run."
  echo "3. The access token (HS256 JWT) is verified without touching the database. The signed-in page ($signed_in_bytes bytes) names the member in its header (checked before the run); the header reads the member's name from the verified access token, not the database; the baseline serves the anonymous page."
  echo "4. /healthz renders nothing and reads no database but passes the same middleware, session included: the difference between these two rows is the JWT verification alone. When it is small and the / difference is large, the cost is the page's work for a member, not the verification. Baseline: the bare baseline's /healthz."
} | tee -a "$RESULTS"
say "appended to $RESULTS"
