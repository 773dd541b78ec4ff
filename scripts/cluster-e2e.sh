#!/usr/bin/env bash
# End to end through the proxy, with a crash in the middle: a subset of the Playwright suite
# drives the site through nginx (scripts/cluster.sh) while members write through it too
# (scripts/cluster-load.mjs write); partway through, instance a is killed (SIGKILL) and
# started again a few seconds later. The suite must pass, and every write an instance
# acknowledged must be in the database exactly once. Then: failed sign-ins through nginx are
# audited from the X-Forwarded-For address, and, spread over both instances, meet one limit.
#   scripts/cluster-e2e.sh SERVER_BINARY [spec files...]   (starts its own cluster)
#   scripts/cluster-e2e.sh [spec files...]                  (inside scripts/cluster.sh)
# Knobs (environment): CLUSTER_KILL_AFTER seconds into the suite (default 25),
# CLUSTER_KILL_DOWN seconds it stays down (default 4), CLUSTER_WRITE_RATE writes a second
# (default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${CLUSTER_DIR:-}" ]]; then
  exec scripts/cluster.sh "${1:?usage: scripts/cluster-e2e.sh SERVER_BINARY [specs...]}" "$0" "${@:2}"
fi
# Sign-up and sign-in sessions (one instance signs in, the other serves the next page),
# posting and replying, live updates over the WebSocket (/realtime).
specs=("$@")
((${#specs[@]})) || specs=(end2end/identity-flow.spec.ts end2end/community.spec.ts end2end/realtime.spec.ts)
kill_after=${CLUSTER_KILL_AFTER:-25}
kill_down=${CLUSTER_KILL_DOWN:-4}
say() { printf '\033[1;34m==> cluster e2e: %s\033[0m\n' "$*" >&2; }
export PATH="$PWD/node_modules/.bin:$PATH"
command -v playwright >/dev/null || { echo "cluster e2e: no Playwright in node_modules (npm ci)" >&2; exit 1; }

work=$(mktemp -d -t wellspring-cluster-e2e.XXXXXX)
pids=()
on_exit() {
  for pid in "${pids[@]}"; do kill -- "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap on_exit EXIT

say "writers start (${CLUSTER_WRITE_RATE:-3} writes/s through nginx)"
node scripts/cluster-load.mjs write --base "$BASE_URL" --out "$work/writes.jsonl" \
  --rate "${CLUSTER_WRITE_RATE:-3}" --members 2 >"$work/writer.json" 2>"$work/writer.err" &
writer=$!
pids+=("$writer")

say "Playwright: ${specs[*]} (desktop) through $BASE_URL"
# One retry: a request in flight on the instance at the moment it is killed is lost with it,
# and nginx rightly answers a POST 502 rather than send it twice. Which 5xx nginx gave, and
# when, is checked below: only POSTs cut off by the kill may fail.
# Its own process group (set -m), so an early exit stops Playwright and its browsers too.
set -m
(set -o pipefail; playwright test --config end2end/playwright.config.ts "${specs[@]}" --project desktop --retries 1 |
  tee "$work/suite.log") &
suite=$!
set +m
pids+=("-$suite")

# The crash, unless the suite is done first.
for ((i = 0; i < kill_after * 10; i++)); do
  kill -0 "$suite" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$suite" 2>/dev/null; then
  say "instance a killed (SIGKILL) ${kill_after}s into the suite"
  killed_at=$EPOCHREALTIME
  scripts/cluster.sh ctl kill a
  sleep "$kill_down"
  started=$SECONDS
  scripts/cluster.sh ctl start a
  say "instance a back after ${kill_down}s down (ready and in nginx's pool in $((SECONDS - started))s)"
else
  echo "cluster e2e: the suite ended before the kill (${kill_after}s); lower CLUSTER_KILL_AFTER" >&2
  exit 1
fi

suite_status=0
wait "$suite" || suite_status=$?
# A few more writes after the suite, so some land on the restarted instance.
sleep 2
kill -TERM "$writer" 2>/dev/null || true
writer_status=0
wait "$writer" || writer_status=$?
cat "$work/writer.err" >&2
((writer_status == 0)) || { echo "cluster e2e: the writers failed" >&2; exit 1; }

scripts/cluster-writes-check.sh "$work/writes.jsonl" "$work/writer.json"

# Every 5xx nginx gave during the run: only writes (not GET/HEAD) cut off by the kill, i.e.
# answered within 2 s of it, are expected; anything else is a failure of the setup.
python3 - "$CLUSTER_DIR/nginx/access.log" "$killed_at" "$work/suite.log" <<'EOF'
import re, sys
log, killed_at, suite = sys.argv[1], float(sys.argv[2]), sys.argv[3]
cut, other = [], []
for line in open(log):
    m = re.search(r'"(\S+) (\S+) [^"]*" (\d{3}) .* msec=([\d.]+)', line)
    if not m or int(m.group(3)) < 500:
        continue
    method, path, status, at = m.group(1), m.group(2), m.group(3), float(m.group(4))
    entry = f"{status} {method} {path} at kill{at - killed_at:+.2f}s"
    (cut if method not in ("GET", "HEAD") and 0 <= at - killed_at <= 2 else other).append(entry)
flaky = re.search(r"(\d+) flaky", open(suite).read())
print(f"nginx's 5xx during the suite: {len(cut)} write(s) cut off by the kill"
      + (f" ({'; '.join(cut)})" if cut else "") + f", {len(other)} other; "
      f"tests passed on their retry: {flaky.group(1) if flaky else 0}")
for entry in other:
    print("UNEXPECTED", entry, file=sys.stderr)
sys.exit(1 if other else 0)
EOF

# The client's address crosses the proxy (X-Forwarded-For from a trusted proxy), and the
# sign-in limits are counted in the database, so both instances see one count: failed
# sign-ins for one address alternate between the instances (round robin) and are still
# refused once the growing delay starts (limits.failures_before_delay, 5).
client=203.0.113.$((RANDOM % 250 + 1))
sign_in() { # EMAIL PASSWORD: prints "status upstream"
  curl -sS -o /dev/null -D - -H "X-Forwarded-For: $client" -H "Origin: $BASE_URL" -H 'Accept: application/json' \
    --data-urlencode "email=$1" --data-urlencode "password=$2" "$BASE_URL/api/auth/login" |
    awk 'NR == 1 { status = $2 } tolower($1) == "x-wellspring-upstream:" { up = $2 } END { print status, up }' | tr -d '\r'
}
refused="" upstreams=""
for attempt in 1 2 3 4 5 6 7 8; do
  read -r status upstream < <(sign_in "nobody-$client@example.com" "not the password")
  upstreams+="$upstream "
  if [[ "$status" == 429 ]]; then refused=$attempt; break; fi
done
[[ -n "$refused" ]] || { echo "cluster e2e: 8 failed sign-ins through two instances, none refused" >&2; exit 1; }
# Each failure is in the audit log under the address nginx was told, whichever instance took it.
audited=$(psql "$E2E_DATABASE_URL" -Atc "select count(*) from auth.audit_log where ip = '$client'")
((audited >= refused - 1 && audited > 0)) ||
  { echo "cluster e2e: $((refused - 1)) failed sign-ins from $client, $audited audited from that address" >&2; exit 1; }
echo "client address through nginx: $audited failed sign-ins from $client audited from it; refused at attempt $refused; served by $(tr ' ' '\n' <<<"$upstreams" | sort -u | grep -c .) instance(s)"

((suite_status == 0)) || { echo "cluster e2e: the Playwright subset failed through the proxy" >&2; exit "$suite_status"; }
say "passed: the suite through nginx with instance a killed and restarted, no acknowledged write lost"
