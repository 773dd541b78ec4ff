#!/usr/bin/env bash
# A rolling restart under steady load, through nginx (scripts/cluster.sh): steady GET traffic
# (scripts/cluster-load.mjs read) on real pages — the home page, circles, a post, /about,
# /healthz — first for a baseline period with nothing restarted, then while instance a is
# stopped (SIGTERM; the app stops accepting and drains what is in flight), started again and
# back in nginx's pool, then b the same way. Prints requests sent and failed, p50/p99/max for
# both periods side by side. Fails when a request failed (unless ROLLING_REPORT_ONLY=1).
# Members write meanwhile (scripts/cluster-load.mjs write: POSTs, which nginx does not
# resend; the writer resends with the form's one-write key): every acknowledged write must be
# in the database once, and how many needed resending is printed.
#   scripts/rolling-restart.sh SERVER_BINARY     (starts its own cluster)
#   scripts/rolling-restart.sh                   (inside scripts/cluster.sh)
# Knobs (environment):
#   ROLLING_RATE         requests a second                                     (default 40)
#   ROLLING_CONNECTIONS  keep-alive connections to nginx                       (default 8)
#   ROLLING_BASELINE     seconds of load with nothing restarted                (default 8)
#   ROLLING_SETTLE       seconds each instance serves before the next restart  (default 3)
#   ROLLING_ROUNDS       times a then b are restarted                          (default 1)
#   ROLLING_WRITE_RATE   writes a second by two members meanwhile (0: none)    (default 2)
#   ROLLING_REPORT_ONLY  1: print the figures, never fail on them              (default 0)
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${CLUSTER_DIR:-}" ]]; then
  exec scripts/cluster.sh "${1:?usage: scripts/rolling-restart.sh SERVER_BINARY}" "$0"
fi
rate=${ROLLING_RATE:-40}
connections=${ROLLING_CONNECTIONS:-8}
baseline=${ROLLING_BASELINE:-8}
settle=${ROLLING_SETTLE:-3}
rounds=${ROLLING_ROUNDS:-1}
say() { printf '\033[1;34m==> rolling restart: %s\033[0m\n' "$*" >&2; }

# Real pages from the demo community: two public circles and a post in one of them.
mapfile -t circles < <(psql "$E2E_DATABASE_URL" -At -c \
  "select slug from app.circles where visibility = 'public' order by id limit 2")
((${#circles[@]})) || { echo "rolling restart: no public circle (is the demo community seeded?)" >&2; exit 1; }
post=$(psql "$E2E_DATABASE_URL" -At -c \
  "select c.slug || '/p/' || p.id from app.posts p join app.circles c on c.id = p.circle_id
   where c.visibility = 'public' and p.deleted_at is null order by p.id limit 1")
paths="/,/c/${circles[0]},/healthz,/c/$post,/about"
((${#circles[@]} > 1)) && paths+=",/c/${circles[1]}"

work=$(mktemp -d -t wellspring-rolling.XXXXXX)
reader=""
writer=""
on_exit() {
  for pid in $reader $writer; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap on_exit EXIT
load=(node scripts/cluster-load.mjs read --base "$BASE_URL" --paths "$paths" --rate "$rate" --connections "$connections")

write_rate=${ROLLING_WRITE_RATE:-2}
if [[ "$write_rate" != 0 ]]; then
  node scripts/cluster-load.mjs write --base "$BASE_URL" --out "$work/writes.jsonl" --rate "$write_rate" \
    --members 2 >"$work/writer.json" &
  writer=$!
fi
say "warming up (2 s), then the baseline: ${baseline}s at $rate req/s on $connections connections"
"${load[@]}" --duration 2 --label warm-up >/dev/null
"${load[@]}" --duration "$baseline" --label baseline >"$work/baseline.json"

say "the same load while a, then b, is restarted ($rounds round(s), ${settle}s between)"
"${load[@]}" --label restart >"$work/restart.json" &
reader=$!
sleep 1
: >"$work/steps.tsv"
for ((round = 1; round <= rounds; round++)); do
  for name in a b; do
    t0=$EPOCHREALTIME
    scripts/cluster.sh ctl stop "$name"
    t1=$EPOCHREALTIME
    scripts/cluster.sh ctl start "$name"
    t2=$EPOCHREALTIME
    printf '%s\t%s\t%s\t%s\n' "$name" "$t0" "$t1" "$t2" >>"$work/steps.tsv"
    sleep "$settle"
  done
done
kill -TERM "$reader"
wait "$reader"
reader=""
writes_ok=0
if [[ -n "$writer" ]]; then
  kill -TERM "$writer"
  wait "$writer" || writes_ok=$?
  writer=""
fi

python3 - "$work/baseline.json" "$work/restart.json" "$work/steps.tsv" "$rate" "$connections" "$paths" <<'EOF'
import json, sys
base, restart = (json.load(open(p)) for p in sys.argv[1:3])
steps = [line.split("\t") for line in open(sys.argv[3]).read().splitlines()]
rate, connections, paths = sys.argv[4:7]
print(f"\nRolling restart through nginx: {rate} req/s on {connections} keep-alive connections, GET {paths}")
print(f"{'period':<28}{'seconds':>8}{'sent':>8}{'failed':>8}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
for name, r in (("no restart (baseline)", base), ("restarting a, then b", restart)):
    print(f"{name:<28}{r['seconds']:>8}{r['sent']:>8}{r['failed']:>8}{r['p50_ms']:>9}{r['p99_ms']:>9}{r['max_ms']:>9}")
for name, t0, t1, t2 in steps:
    t0, t1, t2 = float(t0), float(t1), float(t2)
    print(f"  instance {name}: SIGTERM to exit {t1 - t0:.2f} s, start to ready and in nginx's pool {t2 - t1:.2f} s")
for name, r in (("baseline", base), ("restart", restart)):
    if r["failures"]:
        print(f"  failures during {name}: {json.dumps(r['failures'])}")
    print(f"  answers per instance during {name}: {json.dumps(r['upstreams'])}")
EOF
if [[ "$write_rate" != 0 ]] && ((writes_ok == 0)); then
  scripts/cluster-writes-check.sh "$work/writes.jsonl" "$work/writer.json" || writes_ok=$?
fi
((writes_ok == 0)) || { echo "rolling restart: the writers failed or lost a write" >&2; exit 1; }
failed=$(python3 -c 'import json,sys; print(sum(json.load(open(p))["failed"] for p in sys.argv[1:]))' "$work/baseline.json" "$work/restart.json")
if ((failed > 0)) && [[ "${ROLLING_REPORT_ONLY:-0}" != 1 ]]; then
  echo "rolling restart: $failed request(s) failed (nginx's log: target/cluster/access.log)" >&2
  exit 1
fi
