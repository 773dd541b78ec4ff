#!/usr/bin/env bash
# Community benchmarks on the 200,000-post data set: home feed, circle feed, a post page with
# 100 comments and search, each beside examples/bare_community.rs (plain axum handlers that
# call the same community services — same SQL, same `anon` transaction, same pool — and
# write the HTML with format! templates). Wellspring is measured twice: as deployed (visitors'
# pages kept for a second, server.visitor_page_cache_ms) and with that cache off, which is
# what every request costs a member (members' pages are never cached). Prints EXPLAIN (ANALYZE, BUFFERS) of the hot
# queries as `anon`, and appends the report to bench/results/latest.md. Not a pass/fail test.
#
# bench/run.sh calls it last; it also runs alone (bench/community.sh) once the release
# binary is built. The data set is seeded once (`wellspring seed --demo`, COPY) and kept
# between runs: in a database wellspring_bench_community on DATABASE_URL's server, or in an
# embedded cluster under .data/bench-community.
# Knobs (environment):
#   BENCH_COMMUNITY              0: skip these benchmarks                        (default 1)
#   BENCH_RESEED                 1: drop the data set and seed it again          (default 0)
#   BENCH_COMMUNITY_MEMBERS      members seeded                                  (default 5000)
#   BENCH_COMMUNITY_POSTS        posts seeded                                    (default 200000)
#   BENCH_COMMUNITY_COMMENTS     comments seeded                                 (default 1000000)
#   BENCH_COMMUNITY_DURATION     length of each measured run, oha syntax         (default 10s)
#   BENCH_COMMUNITY_CONCURRENCY  connections                                     (default 32)
#   BENCH_COMMUNITY_SEARCH       the search term (default: chosen from the data, see below)
#   BENCH_PHONE                  0: skip the phone timings (bench/phone.mjs)    (default 1)
#   BENCH_PHONE_RUNS             cold loads per page for the phone timings       (default 5)
#   BENCH_COMMUNITY_DATA_DIR     the embedded cluster's directory   (default .data/bench-community)
#   BENCH_WELLSPRING_BIN         the server binary      (default $CARGO_TARGET_DIR/release/wellspring)
#   BENCH_BASELINE_BIN           a built bare_community (default: build it with cargo)
#   DATABASE_URL                 use this server: database wellspring_bench_community (kept)
# Every request goes to 127.0.0.1 only, and every run is bounded by the duration.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh  # PATH, and CARGO_TARGET_DIR (the release binary lives there)

[[ "${BENCH_COMMUNITY:-1}" == 0 ]] && exit 0

MEMBERS="${BENCH_COMMUNITY_MEMBERS:-5000}"
POSTS="${BENCH_COMMUNITY_POSTS:-200000}"
COMMENTS="${BENCH_COMMUNITY_COMMENTS:-1000000}"
DURATION="${BENCH_COMMUNITY_DURATION:-10s}"
CONC="${BENCH_COMMUNITY_CONCURRENCY:-32}"
RESEED="${BENCH_RESEED:-0}"
BENCH_DB=wellspring_bench_community
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
WS_BIN="${BENCH_WELLSPRING_BIN:-$TARGET_DIR/release/wellspring}"
RESULTS=bench/results/latest.md
# Goals from the issue, on this 2-core machine.
GOAL_P99_MS=50
GOAL_RATIO=0.5

say() { printf '\033[1;34m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'bench/community: %s\n' "$*" >&2; exit 1; }

[[ -x "$WS_BIN" ]] || die "$WS_BIN is missing: run 'make build' (or set BENCH_WELLSPRING_BIN)"
for tool in curl node psql python3; do
  command -v "$tool" >/dev/null || die "$tool is needed"
done
if ! command -v oha >/dev/null; then
  say "installing oha (once; a few minutes)"
  cargo install oha --locked
fi
if [[ -n "${BENCH_BASELINE_BIN:-}" ]]; then
  BASELINE_BIN="$BENCH_BASELINE_BIN"
else
  say "building examples/bare_community.rs (release)"
  cargo build --release --features ssr --example bare_community
  BASELINE_BIN="$TARGET_DIR/release/examples/bare_community"
fi

# ---------------------------------------------------------------- cleanup on any exit
work=$(mktemp -d -t wellspring-bench-community.XXXXXX)
ws_pid=""
nc_pid=""
bl_pid=""

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
  stop_pid "$nc_pid" 10
  # Wellspring stops the embedded cluster on its way out; the data stays for the next run.
  stop_pid "$ws_pid" 30
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
  for _ in $(seq 1 600); do # 120 s: an embedded cluster with a large data set starts slowly
    curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || die "$what exited before it was ready"
    sleep 0.2
  done
  die "$what was not ready after 120 s ($url)"
}

# Read before this script starts its own servers and warm-up, which raise it themselves: a
# high figure here means something else is using the CPU.
loadavg=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- where the data lives
ws_port=$(free_port)
site="http://127.0.0.1:$ws_port"
server_env=(
  APP_ENV=development # production refuses to start without real secrets; see README
  LEPTOS_SITE_ADDR="127.0.0.1:$ws_port"
  WELLSPRING__SERVER__PUBLIC_URL="$site"
  WELLSPRING__SERVER__SHUTDOWN_GRACE_SECS=3
  # The data set is seeded here, at its own size: no 400-post demo first.
  WELLSPRING__SEED__DEMO_ON_EMPTY=false
  # Every request comes from one address: the per-address search limit (600 an hour) would
  # answer most searches with a quick 429 and time the limiter instead of the search.
  WELLSPRING__LIMITS__SEARCHES_PER_WINDOW=1000000000
)
admin_url="" # a database to run drop/create from
db_url=""    # the owner's URL of the bench database
if [[ -n "${DATABASE_URL:-}" ]]; then
  base="${DATABASE_URL%%\?*}"
  query=""
  [[ "$DATABASE_URL" == *\?* ]] && query="?${DATABASE_URL#*\?}"
  admin_url="$DATABASE_URL"
  db_url="${base%/*}/$BENCH_DB$query"
  exists=$(psql "$admin_url" -XAtqc "select 1 from pg_database where datname = '$BENCH_DB'")
  [[ "$exists" == 1 ]] || psql "$admin_url" -Xqc "create database $BENCH_DB" >/dev/null
  server_env+=(DATABASE_URL="$db_url")
  db_mode="DATABASE_URL server, database $BENCH_DB (kept between runs)"
else
  data_dir="${BENCH_COMMUNITY_DATA_DIR:-$PWD/.data/bench-community}"
  mkdir -p "$data_dir"
  data_dir=$(cd "$data_dir" && pwd)
  server_env+=(DATABASE_URL= WELLSPRING__DATABASE__DATA_DIR="$data_dir") # empty means unset
  db_mode="embedded PostgreSQL in $data_dir (kept between runs)"
fi

start_wellspring() {
  ws_port=$(free_port)
  site="http://127.0.0.1:$ws_port"
  server_env+=(LEPTOS_SITE_ADDR="127.0.0.1:$ws_port" WELLSPRING__SERVER__PUBLIC_URL="$site")
  say "starting Wellspring on 127.0.0.1:$ws_port (APP_ENV=development, $db_mode)"
  env "${server_env[@]}" "$WS_BIN" serve >>"$work/wellspring.log" 2>&1 &
  ws_pid=$!
  wait_for "$site/readyz" "$ws_pid" "Wellspring"
  if [[ -z "${DATABASE_URL:-}" ]]; then
    # The embedded cluster listens only on a Unix socket: its port (the socket's name) and
    # directory are lines 4 and 5 of postmaster.pid.
    local pidfile port="" socket_dir=""
    pidfile=$(find "$data_dir" -maxdepth 2 -name postmaster.pid 2>/dev/null | head -n1)
    [[ -n "$pidfile" ]] && port=$(sed -n 4p "$pidfile") && socket_dir=$(sed -n 5p "$pidfile")
    [[ "$port" =~ ^[0-9]+$ && -d "$socket_dir" ]] || die "could not find the embedded cluster's socket"
    db_url="postgres://postgres@localhost:$port/wellspring?host=$socket_dir"
    admin_url="postgres://postgres@localhost:$port/postgres?host=$socket_dir"
  fi
}

sql() { psql "$db_url" -XAtq -v ON_ERROR_STOP=1 "$@"; }

# ---------------------------------------------------------------- the data set, once
start_wellspring
have_posts=$(sql -c "select count(*) from app.posts" 2>/dev/null || echo 0)
have_comments=$(sql -c "select count(*) from app.comments" 2>/dev/null || echo 0)
seed_note="reused (already seeded: $have_posts posts, $have_comments comments)"
if [[ "$RESEED" == 1 || "$have_posts" != "$POSTS" || "$have_comments" -lt "$COMMENTS" ]]; then
  say "seeding $MEMBERS members, $POSTS posts, $COMMENTS comments (once; kept for later runs)"
  # A fresh database: drop it (with the server's connections), stop the server (and with it
  # the embedded cluster), let `wellspring seed` migrate and load it, start again.
  PGOPTIONS="--client-min-messages=warning" psql "$admin_url" -Xq -v ON_ERROR_STOP=1 \
    -c "drop database if exists ${db_url##*/} with (force)" -c "create database ${db_url##*/}" >/dev/null
  stop_pid "$ws_pid" 30
  ws_pid=""
  started=$(date +%s.%N)
  if ! env "${server_env[@]}" "$WS_BIN" seed --demo --members "$MEMBERS" --posts "$POSTS" \
    --comments "$COMMENTS" 2>&1 | tee "$work/seed.log" >&2; then
    die "the seed failed"
  fi
  seed_secs=$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.0f", e - s }')
  seed_note="seeded in this run: $seed_secs s for \`wellspring seed --demo --members $MEMBERS --posts $POSTS --comments $COMMENTS\` (migrations, generation, COPY, counters, ANALYZE)"
  start_wellspring
fi
counts=$(sql -F ' ' -c "select (select count(*) from auth.users), (select count(*) from app.posts), (select count(*) from app.comments), (select count(*) from app.circles)")
read -r n_members n_posts n_comments n_circles <<<"$counts"

# The busiest public circle: the circle feed's subject.
read -r circle_id circle_slug circle_posts <<<"$(sql -F ' ' -c "
  select id, slug, post_count from app.circles where visibility = 'public'
   order by post_count desc, id limit 1")"
[[ -n "$circle_slug" ]] || die "the data set has no public circle"

# A post with exactly 100 comments in that circle, deterministically: the lowest id that has
# 100 already, else the one with the most comments below 100 (lowest id on a tie), topped up
# with replies to the post written by active members of the circle, as the owner, with the
# counter triggers on (so comment_count and last_activity_at follow).
post_id=$(sql -c "
  select p.id from app.posts p
   where p.circle_id = $circle_id and p.deleted_at is null and not p.pinned and p.content_warning is null
     and (select count(*) from app.comments c where c.post_id = p.id) = 100
   order by p.id limit 1")
if [[ -z "$post_id" ]]; then
  post_id=$(sql -c "
    select p.id from app.posts p
     where p.circle_id = $circle_id and p.deleted_at is null and not p.pinned and p.content_warning is null
       and p.comment_count < 100
     order by p.comment_count desc, p.id limit 1")
  [[ -n "$post_id" ]] || die "no post to give 100 comments in $circle_slug"
  say "topping up post $post_id in $circle_slug to exactly 100 comments"
  sql >/dev/null <<SQL
begin;
-- Row Level Security is forced on comments (even for the owner): lift it for this
-- transaction only, as the seed does.
alter table app.comments no force row level security;
insert into app.comments (post_id, author_id, body, body_html, depth, created_at)
select $post_id, m.user_id, b.body, '<p>' || b.body || '</p>', 0,
       p.created_at + (n * interval '7 minutes')
  from app.posts p,
       generate_series(1, 100 - (select count(*) from app.comments where post_id = $post_id)) n
  cross join lateral (
      select user_id from app.circle_members
       where circle_id = p.circle_id and status = 'active'
       order by user_id offset (n % greatest(1, (select count(*) from app.circle_members
                                                  where circle_id = p.circle_id and status = 'active')))
       limit 1) m
  cross join lateral (select 'Thank you for sharing this. Reply ' || n
                             || ' from the benchmark: slowing down and breathing helped me too.' as body) b
 where p.id = $post_id;
alter table app.comments force row level security;
commit;
analyze app.comments;
SQL
fi
post_comments=$(sql -c "select count(*) from app.comments where post_id = $post_id")
[[ "$post_comments" == 100 ]] || die "post $post_id has $post_comments comments, not 100"

# A search term that matches a realistic share of the posts: of a few everyday wellness
# words, the one whose match count is closest to 1 % of the posts.
search_matches=""
if [[ -n "${BENCH_COMMUNITY_SEARCH:-}" ]]; then
  term="$BENCH_COMMUNITY_SEARCH"
else
  read -r term search_matches <<<"$(sql -F ' ' -c "
    select t, (select count(*) from app.posts p
                where p.search @@ websearch_to_tsquery('english', t) and p.deleted_at is null) as n
      from unnest(array['gratitude', 'journaling', 'insomnia', 'meditation', 'walking',
                        'breathing', 'grief', 'yoga', 'sleep', 'anxiety']) t
     order by abs(ln(greatest((select count(*) from app.posts p
                                where p.search @@ websearch_to_tsquery('english', t)), 1) / ($n_posts * 0.01))), t
     limit 1")"
fi
[[ -n "$search_matches" ]] || search_matches=$(sql -c "
  select count(*) from app.posts p where p.search @@ websearch_to_tsquery('english', \$\$$term\$\$) and p.deleted_at is null")
term_q=$(python3 -c 'import sys, urllib.parse as u; print(u.quote(sys.argv[1]))' "$term")

# ---------------------------------------------------------------- Wellspring, cache off
# A second server on the same database with the visitor page cache off: every request renders.
nc_port=$(free_port)
nocache="http://127.0.0.1:$nc_port"
say "starting Wellspring (visitor page cache off) on 127.0.0.1:$nc_port"
env "${server_env[@]}" DATABASE_URL="$db_url" LEPTOS_SITE_ADDR="127.0.0.1:$nc_port" \
  WELLSPRING__SERVER__PUBLIC_URL="$nocache" WELLSPRING__SERVER__VISITOR_PAGE_CACHE_MS=0 \
  "$WS_BIN" serve >"$work/nocache.log" 2>&1 &
nc_pid=$!
wait_for "$nocache/readyz" "$nc_pid" "Wellspring (cache off)"

# ---------------------------------------------------------------- the baseline
bl_port=$(free_port)
baseline="http://127.0.0.1:$bl_port"
say "starting bare_community on 127.0.0.1:$bl_port"
env "${server_env[@]}" DATABASE_URL="$db_url" "$BASELINE_BIN" --addr "127.0.0.1:$bl_port" >"$work/baseline.log" 2>&1 &
bl_pid=$!
wait_for "$baseline/healthz" "$bl_pid" "bare_community"

# subject | Wellspring path | baseline path
subjects=(
  "home feed (latest)|/?feed=latest|/?feed=latest"
  "circle feed: $circle_slug|/c/$circle_slug|/c/$circle_slug"
  "post page, 100 comments|/c/$circle_slug/p/$post_id|/c/$circle_slug/p/$post_id"
  "search \"$term\" ($search_matches matches)|/search?q=$term_q|/search?q=$term_q"
)

side_url() { # side, Wellspring path, baseline path
  case $1 in
    ws) echo "$site$2" ;;
    nc) echo "$nocache$2" ;;
    bl) echo "$baseline$3" ;;
  esac
}

# Every page must answer 200 on every side before it is measured.
declare -A bytes
for s in "${subjects[@]}"; do
  IFS='|' read -r name ws_path bl_path <<<"$s"
  for side in ws nc bl; do
    url=$(side_url "$side" "$ws_path" "$bl_path")
    code=$(curl -sS -o "$work/page.html" -w '%{http_code}' "$url")
    [[ "$code" == 200 ]] || die "$url answered $code: $(head -c 300 "$work/page.html")"
    bytes["$side|$name"]=$(wc -c <"$work/page.html")
  done
done
shown=$(curl -fsS "$baseline/c/$circle_slug/p/$post_id" | grep -o 'class="comment"' | wc -l)
[[ "$shown" == 100 ]] || die "the baseline's post page shows $shown comments, not 100"

# ---------------------------------------------------------------- load
oha_run() { # url, concurrency, duration, out file
  oha --no-tui --output-format json --disable-compression -w -z "$3" -c "$2" "$1" >"$4"
}
summarise() { # oha JSON -> "req/s p50_ms p99_ms failures"
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const errors = Object.values(r.errorDistribution || {}).reduce((a, b) => a + b, 0);
    const non2xx = Object.entries(r.statusCodeDistribution || {})
      .filter(([code]) => !code.startsWith("2")).reduce((a, [, n]) => a + n, 0);
    const ms = r.metrics.latency_ms;
    console.log([r.summary.requestsPerSec.toFixed(0), ms.p50.toFixed(2), ms.p99.toFixed(2), errors + non2xx].join(" "));
  ' "$1"
}

say "warming up"
for s in "${subjects[@]}"; do
  IFS='|' read -r name ws_path bl_path <<<"$s"
  for side in ws nc bl; do
    oha_run "$(side_url "$side" "$ws_path" "$bl_path")" 8 2s "$work/warmup.json"
  done
done

declare -A rps p50 p99 fails
for s in "${subjects[@]}"; do
  IFS='|' read -r name ws_path bl_path <<<"$s"
  for side in ws nc bl; do
    url=$(side_url "$side" "$ws_path" "$bl_path")
    say "$side: $name  c=$CONC $DURATION"
    oha_run "$url" "$CONC" "$DURATION" "$work/run.json"
    read -r r a b e <<<"$(summarise "$work/run.json")"
    key="$side|$name"
    rps[$key]=$r p50[$key]=$a p99[$key]=$b fails[$key]=$e
  done
done

# ---------------------------------------------------------------- a signed-in member
# The same pages as the seeded demo member: never cached, plus the session check and the
# member's own state (reactions, bookmarks, joined circles). Only the access cookie is sent,
# so no refresh token rotates during the run (it lives 15 minutes).
member_note=""
declare -A mrps mp50 mp99 mfails mbytes
curl -sS -o /dev/null -D "$work/login.headers" -X POST "$site/api/auth/login" \
  -H "Origin: $site" --data-urlencode "email=demo@wellspring.test" \
  --data-urlencode "password=wellspring-demo" || true
access=$(tr -d '\r' <"$work/login.headers" | sed -nE 's/^[Ss]et-[Cc]ookie: ws_access=([^;]*).*/\1/p' | head -n1)
if [[ -z "$access" ]]; then
  member_note="the demo member could not sign in (no access cookie), so no member rows"
else
  for s in "${subjects[@]}"; do
    IFS='|' read -r name ws_path _ <<<"$s"
    curl -sS -H "Cookie: ws_access=$access" -o "$work/member.html" "$site$ws_path"
    grep -q "Sign out" "$work/member.html" || die "$ws_path did not render for the signed-in demo member"
    mbytes[$name]=$(wc -c <"$work/member.html")
    say "member: $name  c=$CONC $DURATION"
    oha --no-tui --output-format json --disable-compression -w -z "$DURATION" -c "$CONC" \
      -H "Cookie: ws_access=$access" "$site$ws_path" >"$work/member.json"
    read -r r a b e <<<"$(summarise "$work/member.json")"
    mrps[$name]=$r mp50[$name]=$a mp99[$name]=$b mfails[$name]=$e
  done
fi

# ---------------------------------------------------------------- on a phone
# What a visitor feels on a mid-range phone (bench/phone.mjs: Chromium, 4x CPU slowdown,
# slow 4G, cold cache, 390x844): Wellspring as deployed beside the baseline's HTML, which
# ships no code at all (so it has no click to answer). BENCH_PHONE=0 skips it.
phone_table=""
if [[ "${BENCH_PHONE:-1}" == 1 ]]; then
  say "phone: ${BENCH_PHONE_RUNS:-5} cold loads per page"
  phone_table=$(node bench/phone.mjs --runs "${BENCH_PHONE_RUNS:-5}" \
    "home feed (latest)|$site/?feed=latest" "baseline: home feed|$baseline/?feed=latest" \
    "circle: $circle_slug|$site/c/$circle_slug" "baseline: circle|$baseline/c/$circle_slug" \
    "post, 100 comments|$site/c/$circle_slug/p/$post_id" "baseline: post, 100 comments|$baseline/c/$circle_slug/p/$post_id" \
    "sign-in page|$site/login") || phone_table="(bench/phone.mjs failed; see above)"
fi

# ---------------------------------------------------------------- EXPLAIN as anon
# The services' SQL (src/server/services/community/{rows,feeds,comments,search}.rs), run as the
# app runs it: `anon` with the visitor's claims, in a transaction rolled back afterwards.
summary_select="
    select p.id, c.slug as circle_slug, c.name as circle_name, p.title, left(p.body, 800) as body_start,
           p.is_anonymous, p.content_warning, p.pinned, p.locked, p.created_at,
           p.last_activity_at, p.comment_count,
           (p.support_count + p.grateful_count + p.insightful_count + p.hug_count) as reaction_total,
           a.handle as author_handle, a.display_name as author_name, a.is_verified as author_verified
      from app.posts p
      join app.circles c on c.id = p.circle_id
      left join app.profiles a on a.user_id = p.author_id"
search_columns="select p.search, case when p.content_warning is null then p.body else '' end as full_body, p.id,"
search_select="${summary_select/select p.id,/"$search_columns"}"
explain_queries=(
  "latest feed (site_feed, latest, first page)|$summary_select
     where p.deleted_at is null order by p.created_at desc, p.id desc limit 21"
  "circle feed (circle_feed, $circle_slug, first page)|$summary_select
     where p.deleted_at is null and not p.pinned and p.circle_id = $circle_id
     order by p.created_at desc, p.id desc limit 21"
  "comments of post $post_id (comments::read_thread)|with me as (select auth.uid() as id),
          post as (
            select p.id,
                   case when p.is_anonymous then app.original_poster_reply_ids(p.id)
                        else '{}'::bigint[] end as op_replies,
                   case when (select id from me) is null then false
                        else p.circle_id = any ((select app.moderated_circle_ids())::bigint[])
                   end as can_moderate
              from app.posts p where p.id = $post_id)
     select c.id, c.parent_id, c.depth,
            case when w.is_author then c.body else '' end as body,
            c.body_html, c.created_at, c.edited_at, c.deleted_at, c.is_anonymous,
            c.support_count, c.grateful_count, c.insightful_count, c.hug_count,
            a.handle as author_handle, a.display_name as author_name, a.is_verified as author_verified,
            w.is_author,
            c.is_anonymous and c.id = any (post.op_replies) as by_original_poster,
            post.can_moderate,
            case when me.id is null then '{}'::text[]
                 else array(select r.kind from app.comment_reactions r
                             where r.comment_id = c.id and r.user_id = me.id) end as mine
       from me
       cross join post
       join app.comments c on c.post_id = post.id
       cross join lateral (
            select case when c.author_id = me.id then true
                        when c.is_anonymous and me.id is not null then app.is_comment_author(c.id)
                        else false end as is_author) w
       left join app.profiles a on a.user_id = c.author_id
      where c.post_id = $post_id
      order by c.id
      limit 1000"
  "search posts \"$term\" (search::search)|with q as (select websearch_to_tsquery('english', \$\$$term\$\$) as query),
        matched as (select m.id from q, app.search_post_ids(q.query, 400) m(id))
   select s.*, ts_headline('english', s.full_body, q.query,
              'StartSel=<<, StopSel=>>, MaxWords=28, MinWords=10, MaxFragments=2, FragmentDelimiter=\" … \"') as headline
     from ($search_select where p.id in (select id from matched)) s, q
    order by ts_rank(s.search, q.query) desc, s.id desc
    limit 20"
  "search members \"$term\" (search::search, trigram)|select handle, display_name, is_verified from app.profiles
     where handle % \$\$$term\$\$ or display_name % \$\$$term\$\$ or handle like \$\$$term%\$\$
     order by greatest(similarity(handle, \$\$$term\$\$), similarity(display_name, \$\$$term\$\$)) desc, handle limit 8"
)
explain_rows=()
explain_out="$work/explain.md"
: >"$explain_out"
for e in "${explain_queries[@]}"; do
  title="${e%%|*}"
  query="${e#*|}"
  plan=$(sql <<SQL 2>&1 || true
begin;
set local role anon;
select set_config('request.jwt.claims', '{"role":"anon"}', true) \\g /dev/null
explain (analyze, buffers) $query;
rollback;
SQL
)
  plan=$(grep -v '^\(BEGIN\|SET\|ROLLBACK\)$' <<<"$plan")
  time_ms=$(grep -o 'Execution Time: [0-9.]*' <<<"$plan" | grep -o '[0-9.]*$' || echo '?')
  {
    echo "<details><summary>$title — execution $time_ms ms</summary>"
    echo
    echo '```'
    echo "$plan"
    echo '```'
    echo
    echo "</details>"
    echo
  } >>"$explain_out"
  indexes=$(grep -o 'using [a-z_]*_\(idx\|pkey\|key\)\|on [a-z_]*_\(idx\|pkey\|key\)' <<<"$plan" | awk '{print $2}' | sort -u | paste -sd, - || true)
  seqs=$(grep -o 'Seq Scan on [a-z_]*' <<<"$plan" | awk '{print $4}' | sort -u | paste -sd, - || true)
  explain_rows+=("| $title | $time_ms | ${indexes:--} | ${seqs:-none} |")
done

# ---------------------------------------------------------------- report
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
verdict() { # p99, ratio
  awk -v p="$1" -v r="$2" -v gp="$GOAL_P99_MS" -v gr="$GOAL_RATIO" 'BEGIN {
    ok_p = (p + 0 < gp); ok_r = (r != "n/a" && r + 0 >= gr)
    if (ok_p && ok_r) print "yes"
    else if (!ok_p && !ok_r) print "**no**: p99 and ratio"
    else if (!ok_p) print "**no**: p99"
    else print "**no**: ratio" }'
}
visitor_cache_ms() { # what the deployed server was told, else the built-in default
  local v="${WELLSPRING__SERVER__VISITOR_PAGE_CACHE_MS:-}"
  echo "${v:-1000}"
}
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- 2>/dev/null || commit="$commit (+ uncommitted changes)"

mkdir -p bench/results
{
  echo
  echo "## Community — $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- commit: $commit; load average when the script started: $loadavg"
  if awk -v l="${loadavg%% *}" 'BEGIN { exit !(l > 1.0) }'; then
    echo "- **warning: the load average was above 1 when the script started; something else was using the CPU and these numbers are unreliable. Run again on an idle machine.**"
  fi
  echo "- data: $n_members members, $n_circles circles, $n_posts posts, $n_comments comments; $seed_note; $db_mode"
  echo "- Wellspring: $WS_BIN, APP_ENV=development, the whole middleware stack and Leptos SSR (islands: only the interactive parts carry props for the browser); anonymous; as deployed (visitors' pages kept for $(visitor_cache_ms) ms) and, in the \"cache off\" columns, a second server with \`WELLSPRING__SERVER__VISITOR_PAGE_CACHE_MS=0\` (what a member's request costs)"
  echo "- baseline: examples/bare_community.rs: plain axum, the same service functions (same SQL, same \`anon\` transaction, same \`authenticator\` pool and settings), HTML from format! templates"
  echo "- load: $(oha --version 2>/dev/null | head -n1), $CONC connections, $DURATION per row after a 2 s warm-up, --disable-compression; client, servers and PostgreSQL share the machine"
  echo "- goals: p99 < $GOAL_P99_MS ms at $CONC connections and req/s ≥ $GOAL_RATIO × the baseline's"
  echo
  echo "| subject | path | req/s | p50 ms | p99 ms | cache off: req/s | p50 ms | p99 ms | baseline req/s | baseline p50 ms | baseline p99 ms | ratio to baseline | cache off: ratio | failed (cache off, baseline) | page bytes (baseline) | meets goals | cache off meets goals |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"
  for s in "${subjects[@]}"; do
    IFS='|' read -r name ws_path _ <<<"$s"
    w="ws|$name" n="nc|$name" b="bl|$name"
    rt=$(ratio "${rps[$w]}" "${rps[$b]}")
    rn=$(ratio "${rps[$n]}" "${rps[$b]}")
    echo "| $name | \`$ws_path\` | ${rps[$w]} | ${p50[$w]} | ${p99[$w]} | ${rps[$n]} | ${p50[$n]} | ${p99[$n]} | ${rps[$b]} | ${p50[$b]} | ${p99[$b]} | $rt | $rn | ${fails[$w]} (${fails[$n]}, ${fails[$b]}) | ${bytes[$w]} (${bytes[$b]}) | $(verdict "${p99[$w]}" "$rt") | $(verdict "${p99[$n]}" "$rn") |"
  done
  echo
  if [[ -n "$member_note" ]]; then
    echo "Signed-in member: $member_note."
  else
    echo "**Signed in as the demo member** (the same pages, never cached; the ratio is to the visitor baseline above):"
    echo
    echo "| subject | req/s | p50 ms | p99 ms | ratio to baseline | failed | page bytes | meets goals |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
    for s in "${subjects[@]}"; do
      IFS='|' read -r name _ _ <<<"$s"
      b="bl|$name"
      rm_=$(ratio "${mrps[$name]}" "${rps[$b]}")
      echo "| $name | ${mrps[$name]} | ${mp50[$name]} | ${mp99[$name]} | $rm_ | ${mfails[$name]} | ${mbytes[$name]} | $(verdict "${mp99[$name]}" "$rm_") |"
    done
  fi
  if [[ -n "$phone_table" ]]; then
    echo
    echo "**On a phone** (bench/phone.mjs: Chromium, 4× CPU slowdown, 150 ms RTT, 1.6 Mbps down, cold cache, 390×844; median of ${BENCH_PHONE_RUNS:-5} loads; goals on the post page: LCP < 1000 ms, first click answered < 2000 ms):"
    echo
    echo "$phone_table"
  fi
  echo
  echo "**Hot queries as \`anon\`** (EXPLAIN (ANALYZE, BUFFERS), once, after the load):"
  echo
  echo "| query | execution ms | indexes used | sequential scans |"
  echo "| --- | ---: | --- | --- |"
  printf '%s\n' "${explain_rows[@]}"
  echo
  cat "$explain_out"
} | tee -a "$RESULTS"
say "appended to $RESULTS"
