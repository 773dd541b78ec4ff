#!/usr/bin/env bash
# The review queue and the staff dashboard under load: 10,000 open reports over the 200,000-post data set of
# bench/community.sh, read by a site admin (two-step session) at 8 connections — the queue's
# server function and the /admin/queue page — beside a bare baseline that runs the very same
# SQL (src/server/services/moderation/queue.sql and queue_notes.sql, in one transaction as
# `authenticated` with the admin's claims, as the service does) through pgbench, with prepared
# statements as sqlx uses them. Prints
# EXPLAIN (ANALYZE, BUFFERS) of the queue query and appends the report to
# bench/results/latest.md. The dashboard (`POST /api/admin/dashboard` and the `/admin` page)
# is measured the same way beside its own SQL (app.dashboard_days(30), dashboard_backlog(),
# dashboard_database()), and the plans of the statements inside those functions are printed
# through auto_explain. Not a pass/fail test; the issue's goal is p99 under 50 ms.
#
# Needs DATABASE_URL (the local server) and the data set bench/community.sh seeds and keeps
# (database wellspring_bench_community; run bench/community.sh once first). The reports this
# script adds are tagged and removed again at the end.
# Knobs: BENCH_MODERATION=0 skips it; BENCH_MODERATION_REPORTS (10000);
#        BENCH_MODERATION_DURATION (10s); BENCH_MODERATION_CONCURRENCY (8).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

[[ "${BENCH_MODERATION:-1}" == 0 ]] && exit 0
REPORTS="${BENCH_MODERATION_REPORTS:-10000}"
DURATION="${BENCH_MODERATION_DURATION:-10s}"
CONC="${BENCH_MODERATION_CONCURRENCY:-8}"
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
WS_BIN="${BENCH_WELLSPRING_BIN:-$TARGET_DIR/release/wellspring}"
RESULTS=bench/results/latest.md
GOAL_P99_MS=50

say() { printf '\033[1;34m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'bench/moderation: %s\n' "$*" >&2; exit 1; }

[[ -n "${DATABASE_URL:-}" ]] || { echo "bench/moderation: skipped (needs DATABASE_URL)" >&2; exit 0; }
[[ -x "$WS_BIN" ]] || die "$WS_BIN is missing: run 'make build'"
for tool in curl node psql pgbench python3 oha; do
  command -v "$tool" >/dev/null || die "$tool is needed (oha: bench/community.sh installs it)"
done
base="${DATABASE_URL%%\?*}"
db_url="${base%/*}/wellspring_bench_community"
posts=$(psql "$db_url" -XAtqc "select count(*) from app.posts" 2>/dev/null || echo 0)
[[ "$posts" -ge 100000 ]] || die "no seeded data set in wellspring_bench_community (run bench/community.sh once)"
sql() { psql "$db_url" -XAtq -v ON_ERROR_STOP=1 "$@"; }

work=$(mktemp -d -t wellspring-bench-moderation.XXXXXX)
ws_pid=""
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  [[ -n "$ws_pid" ]] && kill "$ws_pid" 2>/dev/null && wait "$ws_pid" 2>/dev/null
  sql -c "delete from app.reports where details like 'bench:%'" >/dev/null 2>&1 || true
  if [[ $status != 0 && -f "$work/wellspring.log" ]]; then tail -n 30 "$work/wellspring.log" >&2; fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
loadavg=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- the server (migrates)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
site="http://127.0.0.1:$port"
APP_ENV=development LEPTOS_SITE_ADDR="127.0.0.1:$port" WELLSPRING__SERVER__PUBLIC_URL="$site" \
  WELLSPRING__SEED__DEMO_ON_EMPTY=false DATABASE_URL="$db_url" RUST_LOG=warn \
  "$WS_BIN" serve >"$work/wellspring.log" 2>&1 &
ws_pid=$!
for _ in $(seq 1 600); do
  curl -fsS -o /dev/null "$site/readyz" 2>/dev/null && break
  kill -0 "$ws_pid" 2>/dev/null || die "Wellspring exited before it was ready"
  sleep 0.2
done

# ---------------------------------------------------------------- 10,000 open reports
say "filing $REPORTS open reports (tagged, removed at the end)"
sql -c "delete from app.reports where details like 'bench:%'" >/dev/null
# Spread over posts and replies in public circles, by 2,000 reporters, 5% at-risk; each
# reporter also has a settled history (acted or dismissed) so the weights differ.
sql <<SQL >/dev/null
-- The reporters' settled history first: a report's weight is fixed when it is filed.
insert into app.reports (reporter_id, target, post_id, reason, details, status, resolved_at, created_at)
select r.id, 'post', (select min(id) from app.posts) + i, 'spam', 'bench: history',
       case when (i + abs(hashtext(r.id::text))) % 3 = 0 then 'dismissed' else 'acted' end,
       now(), now() - interval '30 days'
  from (select id from auth.users where email like '%.invalid' order by id limit 2000) r,
       generate_series(1, 3) i
on conflict do nothing;
insert into app.reports (reporter_id, target, post_id, comment_id, reason, details, created_at)
select u.id, case when n % 3 = 0 then 'comment' else 'post' end,
       t.post_id, case when n % 3 = 0 then t.comment_id end,
       (array['spam','harassment','misinformation','off_topic','other'])[1 + n % 5]
         || '' , 'bench: report ' || n, now() - (n || ' seconds')::interval
  from generate_series(1, $REPORTS) n
  join lateral (select p.id as post_id, (select c.id from app.comments c where c.post_id = p.id order by c.id limit 1) as comment_id
                  from app.posts p where p.id = (n * 17) % (select max(id) from app.posts) + 1
                   and p.deleted_at is null) t on true
  join lateral (select id from auth.users where email like '%.invalid' order by id offset (n % 2000) limit 1) u on true
 where n % 3 <> 0 or t.comment_id is not null
on conflict do nothing;
update app.reports set reason = 'at_risk' where details like 'bench: report%' and status = 'open' and id % 20 = 0;
-- A steady state: autovacuum would have tidied the summary rows that earlier runs (and the
-- filing above, one update per report) left dead; without it the count scans their pages.
vacuum (analyze) app.reports, app.review_targets;
SQL
open_reports=$(sql -c "select count(*) from app.reports where status = 'open'")
open_targets=$(sql -c "select count(distinct target_key) from app.reports where status = 'open'")
summarised=$(sql -c "select count(*) from app.review_targets")
[[ "$summarised" == "$open_targets" ]] || die "the queue's summary rows ($summarised) disagree with the open targets ($open_targets)"

# ---------------------------------------------------------------- a staff session (aal2)
# A bench admin signs in with the demo member's password, the session is marked as having
# passed a second factor, and the refresh cookie is traded for an access token carrying it.
say "signing in a bench admin"
sql <<'SQL' >/dev/null
insert into auth.users (email, email_confirmed_at, password_hash, role)
select 'bench-admin@wellspring.test', now(), password_hash, 'admin' from auth.users
 where email = 'demo@wellspring.test'
on conflict (email) do update set role = 'admin';
insert into app.profiles (user_id, handle, display_name)
select id, 'bench_admin', 'Bench Admin' from auth.users where email = 'bench-admin@wellspring.test'
on conflict (user_id) do nothing;
SQL
curl -sS -o /dev/null -D "$work/login.headers" -X POST "$site/api/auth/login" -H "Origin: $site" \
  --data-urlencode "email=bench-admin@wellspring.test" --data-urlencode "password=wellspring-demo"
refresh=$(tr -d '\r' <"$work/login.headers" | sed -nE 's/^[Ss]et-[Cc]ookie: ws_refresh=([^;]*).*/\1/p' | head -n1)
[[ -n "$refresh" ]] || die "the bench admin could not sign in"
sql -c "update auth.sessions set aal = 'aal2', amr = '{password,totp}'
         where user_id = (select id from auth.users where email = 'bench-admin@wellspring.test')
           and revoked_at is null" >/dev/null
curl -sS -o /dev/null -D "$work/refresh.headers" -H "Cookie: ws_refresh=$refresh" "$site/about"
access=$(tr -d '\r' <"$work/refresh.headers" | sed -nE 's/^[Ss]et-[Cc]ookie: ws_access=([^;]*).*/\1/p' | head -n1)
[[ -n "$access" ]] || die "no aal2 access token after the refresh"
staff_id=$(sql -c "select id from auth.users where email = 'bench-admin@wellspring.test'")
claims="{\"sub\":\"$staff_id\",\"role\":\"authenticated\",\"app_role\":\"admin\",\"aal\":\"aal2\"}"

code=$(curl -sS -o "$work/queue.json" -w '%{http_code}' -X POST "$site/api/moderation/queue" \
  -H "Origin: $site" -H "Cookie: ws_access=$access" -d "page=1")
[[ "$code" == 200 ]] || die "the queue answered $code: $(head -c 300 "$work/queue.json")"
shown=$(node -e 'const q=JSON.parse(require("fs").readFileSync(process.argv[1]));console.log(q.items.length+" "+q.open_targets)' "$work/queue.json")
code=$(curl -sS -o "$work/queue.html" -w '%{http_code}' -H "Cookie: ws_access=$access" "$site/admin/queue")
[[ "$code" == 200 ]] && grep -q 'data-testid="queue-item"' "$work/queue.html" || die "/admin/queue did not render the queue ($code)"
page_bytes=$(wc -c <"$work/queue.html")

# ---------------------------------------------------------------- the baseline's script
keys=$(node -e 'const q=JSON.parse(require("fs").readFileSync(process.argv[1]));console.log("{"+q.items.map(i=>i.target_key).join(",")+"}")' "$work/queue.json")
queue_sql=$(sed 's/--.*$//' src/server/services/moderation/queue.sql | sed 's/{site_staff}/true/g; s/{limit}/25/g; s/{offset}/0/g')
notes_sql=$(sed 's/--.*$//' src/server/services/moderation/queue_notes.sql | sed "s/\$1/'$keys'::text[]/")
{
  echo "begin;"
  echo "select set_config('role', 'authenticated', true), set_config('request.jwt.claims', '$claims', true);"
  echo "select cardinality(app.moderated_circle_ids()) > 0, app.is_site_staff();"
  echo "$queue_sql" | tr '\n' ' '; echo ";"
  echo "$notes_sql" | tr '\n' ' '; echo ";"
  echo "commit;"
} >"$work/queue.pgbench"

# ---------------------------------------------------------------- load
summarise() { # oha JSON -> "req/s p50_ms p99_ms failures"
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const errors = Object.values(r.errorDistribution || {}).reduce((a, b) => a + b, 0);
    const non2xx = Object.entries(r.statusCodeDistribution || {}).filter(([c]) => !c.startsWith("2")).reduce((a, [, n]) => a + n, 0);
    const ms = r.metrics.latency_ms;
    console.log([r.summary.requestsPerSec.toFixed(0), ms.p50.toFixed(2), ms.p99.toFixed(2), errors + non2xx].join(" "));
  ' "$1"
}
secs=${DURATION%s}
say "warming up"
oha --no-tui --output-format json -w -z 2s -c "$CONC" -m POST -H "Origin: $site" -H "Cookie: ws_access=$access" \
  -T application/x-www-form-urlencoded -d "page=1" "$site/api/moderation/queue" >/dev/null
say "baseline: the same SQL through pgbench, c=$CONC $DURATION"
(cd "$work" && pgbench -n -M prepared -c "$CONC" -j 2 -T "$secs" -f queue.pgbench -l --log-prefix=bl "$db_url" >pgbench.out 2>&1) \
  || die "pgbench failed: $(tail -n 5 "$work/pgbench.out")"
read -r bl_rps bl_p50 bl_p99 <<<"$(python3 - "$work" "$secs" <<'PY'
import glob, sys
lat = sorted(int(l.split()[2]) / 1000 for f in glob.glob(sys.argv[1] + "/bl.*") for l in open(f))
q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))]
print(f"{len(lat) / float(sys.argv[2]):.0f} {q(0.5):.2f} {q(0.99):.2f}")
PY
)"
say "wellspring: POST /api/moderation/queue, c=$CONC $DURATION"
oha --no-tui --output-format json -w -z "$DURATION" -c "$CONC" -m POST -H "Origin: $site" -H "Cookie: ws_access=$access" \
  -T application/x-www-form-urlencoded -d "page=1" "$site/api/moderation/queue" >"$work/api.json"
read -r api_rps api_p50 api_p99 api_fail <<<"$(summarise "$work/api.json")"
say "wellspring: GET /admin/queue, c=$CONC $DURATION"
oha --no-tui --output-format json -w -z "$DURATION" -c "$CONC" -H "Cookie: ws_access=$access" \
  "$site/admin/queue" >"$work/page.json"
read -r page_rps page_p50 page_p99 page_fail <<<"$(summarise "$work/page.json")"

# ---------------------------------------------------------------- the dashboard
{
  echo "begin;"
  echo "select set_config('role', 'authenticated', true), set_config('request.jwt.claims', '$claims', true);"
  echo "select * from app.dashboard_days(30);"
  echo "select * from app.dashboard_backlog();"
  echo "select app.dashboard_database();"
  echo "commit;"
} >"$work/dashboard.pgbench"
say "dashboard baseline: the same SQL through pgbench, c=$CONC $DURATION"
(cd "$work" && pgbench -n -M prepared -c "$CONC" -j 2 -T "$secs" -f dashboard.pgbench -l --log-prefix=db "$db_url" >pgbench-db.out 2>&1) \
  || die "pgbench (dashboard) failed: $(tail -n 5 "$work/pgbench-db.out")"
read -r db_rps db_p50 db_p99 <<<"$(python3 - "$work" "$secs" <<'PY'
import glob, sys
lat = sorted(int(l.split()[2]) / 1000 for f in glob.glob(sys.argv[1] + "/db.*") for l in open(f))
q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))]
print(f"{len(lat) / float(sys.argv[2]):.0f} {q(0.5):.2f} {q(0.99):.2f}")
PY
)"
# The first view draws it (the instance keeps it for moderation.dashboard_cache_ms, 5 s by
# default, and the load below is served as deployed); its time is printed beside the rows.
read -r code first_secs < <(curl -sS -o "$work/dashboard.json" -w '%{http_code} %{time_total}\n' -X POST "$site/api/admin/dashboard" \
  -H "Origin: $site" -H "Cookie: ws_access=$access" -d "")
[[ "$code" == 200 ]] || die "the dashboard answered $code: $(head -c 300 "$work/dashboard.json")"
first_ms=$(python3 -c "print(f'{$first_secs * 1000:.1f}')")
say "wellspring: POST /api/admin/dashboard, c=$CONC $DURATION"
oha --no-tui --output-format json -w -z "$DURATION" -c "$CONC" -m POST -H "Origin: $site" -H "Cookie: ws_access=$access" \
  -T application/x-www-form-urlencoded -d "" "$site/api/admin/dashboard" >"$work/dash-api.json"
read -r dash_rps dash_p50 dash_p99 dash_fail <<<"$(summarise "$work/dash-api.json")"
say "wellspring: GET /admin, c=$CONC $DURATION"
oha --no-tui --output-format json -w -z "$DURATION" -c "$CONC" -H "Cookie: ws_access=$access" \
  "$site/admin" >"$work/dash-page.json"
read -r dpage_rps dpage_p50 dpage_p99 dpage_fail <<<"$(summarise "$work/dash-page.json")"
dash_bytes=$(curl -sS -H "Cookie: ws_access=$access" "$site/admin" | wc -c)
# The statements inside the functions, as they ran: auto_explain sends its plans to this
# client at LOG level (loading it needs the owner's connection, which the bench has).
dash_explain=$(psql "$db_url" -Xq 2>&1 <<SQL | sed -n '/Query Text/,$p'
load 'auto_explain';
set auto_explain.log_min_duration = 0;
set auto_explain.log_analyze = on;
set auto_explain.log_buffers = on;
set auto_explain.log_timing = off;
set auto_explain.log_nested_statements = on;
set client_min_messages = log;
begin;
select set_config('role', 'authenticated', true), set_config('request.jwt.claims', '$claims', true) \gset
select count(*) from app.dashboard_days(30);
select count(*) from app.dashboard_backlog();
rollback;
SQL
)
seq_scans=$(printf '%s\n' "$dash_explain" | grep -c 'Seq Scan on \(posts\|comments\|reports\|users\|post_reactions\|comment_reactions\)' || true)

explain=$(sql <<SQL
begin;
select set_config('role', 'authenticated', true), set_config('request.jwt.claims', '$claims', true) \gset
explain (analyze, buffers, costs off) $queue_sql;
rollback;
SQL
)

ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
report=$(cat <<EOF
## Moderation: the review queue ($(date -u +%Y-%m-%dT%H:%MZ), $(git rev-parse --short HEAD 2>/dev/null || echo unknown))

$open_reports open reports on $open_targets targets ($posts posts), a site admin's aal2 session, c=$CONC, $DURATION each; load before: $loadavg. First page: $shown (items, open targets); page HTML $page_bytes bytes. Goal: p99 under $GOAL_P99_MS ms.

| subject | req/s | p50 ms | p99 ms | failed | p99 ÷ baseline |
|---|---:|---:|---:|---:|---:|
| baseline: the same SQL (pgbench, one transaction as \`authenticated\`) | $bl_rps | $bl_p50 | $bl_p99 | 0 | 1.00 |
| Wellspring \`POST /api/moderation/queue\` | $api_rps | $api_p50 | $api_p99 | $api_fail | $(ratio "$api_p99" "$bl_p99") |
| Wellspring \`GET /admin/queue\` (the page) | $page_rps | $page_p50 | $page_p99 | $page_fail | $(ratio "$page_p99" "$bl_p99") |

The dashboard (30 days; an admin also sees the operations section; page HTML $dash_bytes bytes). The first view drew it in $first_ms ms (its SQL, five SVG charts, the JSON); the rows below are served as deployed, from the copy each instance keeps for \`moderation.dashboard_cache_ms\` (5 s). Sequential scans of the big tables in the plans below: $seq_scans.

| subject | req/s | p50 ms | p99 ms | failed | p99 ÷ baseline |
|---|---:|---:|---:|---:|---:|
| baseline: the dashboard's SQL (pgbench, one transaction as \`authenticated\`) | $db_rps | $db_p50 | $db_p99 | 0 | 1.00 |
| Wellspring \`POST /api/admin/dashboard\` (figures and five SVG charts) | $dash_rps | $dash_p50 | $dash_p99 | $dash_fail | $(ratio "$dash_p99" "$db_p99") |
| Wellspring \`GET /admin\` (the page) | $dpage_rps | $dpage_p50 | $dpage_p99 | $dpage_fail | $(ratio "$dpage_p99" "$db_p99") |

<details><summary>EXPLAIN (ANALYZE, BUFFERS) of the queue query as the admin</summary>

\`\`\`
$explain
\`\`\`
</details>

<details><summary>The dashboard's statements as they ran (auto_explain: ANALYZE, BUFFERS)</summary>

\`\`\`
$dash_explain
\`\`\`
</details>
EOF
)
mkdir -p bench/results
printf '%s\n\n' "$report" | tee -a "$RESULTS"
