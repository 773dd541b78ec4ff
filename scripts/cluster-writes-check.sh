#!/usr/bin/env bash
# Every write the cluster acknowledged is in the database, exactly once.
#   scripts/cluster-writes-check.sh WRITES.jsonl WRITER.json
# WRITES.jsonl and WRITER.json are what `scripts/cluster-load.mjs write` wrote and printed;
# the database is E2E_DATABASE_URL (scripts/cluster.sh sets it). Prints one line of figures;
# exits 1 if an acknowledged write is missing or a write is there twice.
set -euo pipefail
writes=$1 summary=$2
: "${E2E_DATABASE_URL:?E2E_DATABASE_URL is not set (run inside scripts/cluster.sh)}"
run=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["run"])' "$summary")
[[ "$run" =~ ^[a-z0-9]+$ ]] || { echo "cluster-writes-check: odd run id '$run'" >&2; exit 1; }
found=$(mktemp)
trap 'rm -f "$found"' EXIT
psql "$E2E_DATABASE_URL" -AtF $'\t' -c \
  "select 'comment', body, count(*) from app.comments where body like 'cw-$run-%' group by body
   union all
   select 'post', title, count(*) from app.posts where title like 'cw-$run-%' group by title" >"$found"
python3 - "$writes" "$found" "$summary" <<'EOF'
import json, sys
records = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
found = {}
for line in open(sys.argv[2]):
    kind, marker, count = line.rstrip("\n").split("\t")
    found[(kind, marker)] = int(count)
summary = json.load(open(sys.argv[3]))
acked = [r for r in records if r["acked"]]
lost = [r for r in acked if found.get((r["kind"], r["marker"]), 0) == 0]
twice = [k for k, n in found.items() if n > 1]
unanswered_written = [r for r in records if not r["acked"] and found.get((r["kind"], r["marker"]), 0) > 0]
print(f"writes through nginx: {len(records)} sent, {len(acked)} acknowledged "
      f"({summary['acked_after_resending']} after resending with the same key), "
      f"{len(records) - len(acked)} not acknowledged; "
      f"in the database: {len(acked) - len(lost)} of {len(acked)} acknowledged, "
      f"{len(lost)} lost, {len(twice)} written twice, "
      f"{len(unanswered_written)} unanswered but written"
      + (f"; resent after: {json.dumps(summary['resent_after'])}" if summary.get("resent_after") else ""))
if lost or twice:
    for r in lost[:10]:
        print("LOST", r, file=sys.stderr)
    for k in twice[:10]:
        print("TWICE", k, file=sys.stderr)
    sys.exit(1)
EOF
