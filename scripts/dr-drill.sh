#!/usr/bin/env bash
# The disaster-recovery drill: a community on the embedded cluster with its WAL archived,
# a base backup taken while it serves, a writer committing rows until the disaster, then the
# cluster destroyed (the server and PostgreSQL killed, the data directory deleted), restored
# to the latest point the archive holds, and served again. Prints the measured RTO (wall
# time from the disaster to a ready /readyz) and RPO (committed writes lost, and the seconds
# of writes they span), and checks that everything committed before the last archived
# segment came back. Exits non-zero when the restore fails or loses more than it may.
#   scripts/dr-drill.sh SERVER_BINARY            small scale (make test)
#   DRILL_POSTS=200000 scripts/dr-drill.sh BIN   the demo scale (bench/dr-drill.sh)
# Knobs: DRILL_POSTS (200), DRILL_WRITE_SECS (12: the writer's run after the base backup),
#        DRILL_ARCHIVE_TIMEOUT (10: database.archive_timeout_secs), DRILL_DATA_DIR (a seeded
#        cluster to copy instead of seeding one; it is never modified).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:?usage: scripts/dr-drill.sh SERVER_BINARY}
[[ -x "$bin" ]] || { echo "dr-drill: no server binary at $bin" >&2; exit 1; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
posts=${DRILL_POSTS:-200}
members=$((posts / 40 > 20 ? posts / 40 : 20))
comments=$((posts * 5))
write_secs=${DRILL_WRITE_SECS:-12}
archive_timeout=${DRILL_ARCHIVE_TIMEOUT:-10}

say() { printf '\033[1;34m==> %s\033[0m\n' "$*" >&2; }
now() { date +%s.%N; }
# A folder PostgreSQL's own account can reach when we are root (mktemp's is 0700).
work=$(mktemp -d -t wellspring-drill.XXXXXX)
chmod 755 "$work"
server_pid="" writer_pid=""
cleanup() {
  local status=$?
  [[ -n "$writer_pid" ]] && kill "$writer_pid" 2>/dev/null
  [[ -n "$server_pid" ]] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  if [[ $status != 0 ]]; then
    tail -n 20 "$work"/*.log >&2 2>/dev/null || true
    find "$work" -name server.log -exec tail -n 20 {} \; >&2 2>/dev/null || true
  fi
  # PostgreSQL's files belong to its account when we are root; the cluster is stopped.
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export APP_ENV=development DATABASE_URL= RUST_LOG=warn
export WELLSPRING__DATABASE__DATA_DIR="$work/data"
export WELLSPRING__DATABASE__WAL_ARCHIVE_DIR="$work/wal-archive"
export WELLSPRING__DATABASE__ARCHIVE_TIMEOUT_SECS="$archive_timeout"
export WELLSPRING__SEED__DEMO_ON_EMPTY=false WELLSPRING__SERVER__SHUTDOWN_GRACE_SECS=3
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export LEPTOS_SITE_ADDR="127.0.0.1:$port"

start_server() {
  "$bin" serve >>"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 3000); do
    curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$server_pid" 2>/dev/null || { echo "dr-drill: the server stopped" >&2; return 1; }
    sleep 0.1
  done
  echo "dr-drill: the server was not ready after 300 s" >&2
  return 1
}
# The cluster's data directory and socket, from the running postmaster.
psql_url() {
  local pid_file socket
  pid_file=$(find "$work/data" -maxdepth 2 -name postmaster.pid | head -1)
  socket=$(sed -n 5p "$pid_file")
  echo "postgresql://postgres@localhost:5432/wellspring?host=$socket"
}
psql_tool() { command -v psql || ls /usr/lib/postgresql/*/bin/psql | sort -V | tail -1; }
PSQL=$(psql_tool)

if [[ -n "${DRILL_DATA_DIR:-}" ]]; then
  say "copying the seeded cluster in $DRILL_DATA_DIR"
  cp -a "$DRILL_DATA_DIR" "$work/data"
else
  say "seeding a community: $members members, $posts posts, $comments replies"
  "$bin" seed --demo --members "$members" --posts "$posts" --comments "$comments" >"$work/seed.log" 2>&1
fi
say "serving it with its WAL archived (archive_timeout ${archive_timeout} s)"
start_server
url=$(psql_url)
"$PSQL" -X -q "$url" -c "create schema drill; create table drill.writes (n int primary key, at timestamptz not null default clock_timestamp())"

say "base backup while it serves"
started=$(now)
"$bin" base-backup --to "$work/backups" >"$work/base-backup.log" 2>&1
base_secs=$(python3 -c "print(f'{$(now) - $started:.1f}')")
base=$(ls -d "$work"/backups/wellspring-base-* | head -1)
base_bytes=$(du -sb "$base" | cut -f1)

say "a writer commits a row every 20 ms for ${write_secs} s, then the disaster"
: >"$work/acked"
(
  n=0
  while true; do
    n=$((n + 1))
    if "$PSQL" -X -q -t -A "$url" -c "insert into drill.writes (n) values ($n) returning n" >/dev/null 2>&1; then
      printf '%s %s\n' "$n" "$(date +%s.%N)" >>"$work/acked"
    fi
    sleep 0.02
  done
) &
writer_pid=$!
sleep "$write_secs"
posts_before=$("$PSQL" -X -q -t -A "$url" -c "select count(*) from app.posts")

# The disaster: the server and PostgreSQL killed at once, and the disk lost.
disaster=$(now)
pid_file=$(find "$work/data" -maxdepth 2 -name postmaster.pid | head -1)
postmaster=$(head -1 "$pid_file")
socket_dir=$(sed -n 5p "$pid_file")
kill -9 "$server_pid" "$postmaster" 2>/dev/null || true
wait "$server_pid" 2>/dev/null || true
server_pid=""
sleep 0.2
kill "$writer_pid" 2>/dev/null; wait "$writer_pid" 2>/dev/null || true
writer_pid=""
rm -rf "$work/data/postgres" "$socket_dir"

say "restoring the base backup and replaying the archive to its end"
"$bin" restore "$base" --to-time latest --yes >"$work/restore.log" 2>&1 || { cat "$work/restore.log" >&2; exit 1; }
restored=$(now)
start_server
ready=$(now)
url=$(psql_url)

acked=$(wc -l <"$work/acked")
last_acked=$(tail -1 "$work/acked" | cut -d' ' -f1)
present=$("$PSQL" -X -q -t -A "$url" -c "select count(*) from drill.writes")
max_present=$("$PSQL" -X -q -t -A "$url" -c "select coalesce(max(n), 0) from drill.writes")
posts_after=$("$PSQL" -X -q -t -A "$url" -c "select count(*) from app.posts")
page=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/")
archived=$(ls "$work/wal-archive" | grep -vc '\.part$' || true)
# Every acknowledged write up to the newest one present must be there: a hole is loss
# inside what the archive holds, which no archive_timeout excuses.
holes=$("$PSQL" -X -q -t -A "$url" -c "select count(*) from generate_series(1, $max_present) g where not exists (select from drill.writes w where w.n = g)")
acked_upto=$(awk -v m="$max_present" '$1 <= m' "$work/acked" | wc -l)
missing_inside=$((acked_upto - present))
rpo_secs=$(python3 - "$work/acked" "$max_present" <<'PY'
import sys
rows = [line.split() for line in open(sys.argv[1])]
at = {int(n): float(t) for n, t in rows}
last = max(at.values()) if at else 0.0
kept = at.get(int(sys.argv[2]), last) if int(sys.argv[2]) else (min(at.values()) if at else 0.0)
print(f"{max(0.0, last - kept):.1f}")
PY
)
rto=$(python3 -c "print(f'{$ready - $disaster:.1f}')")
restore_secs=$(python3 -c "print(f'{$restored - $disaster:.1f}')")

printf '\n%-44s %s\n' "disaster-recovery drill" "$(date -u +%Y-%m-%dT%H:%MZ)"
printf '%-44s %s\n' "community" "$members members, $posts posts ($posts_before in the database at the disaster)"
printf '%-44s %s s, %s bytes\n' "base backup (while serving)" "$base_secs" "$base_bytes"
printf '%-44s %s segments, archive_timeout %s s\n' "WAL archived" "$archived" "$archive_timeout"
printf '%-44s %s s\n' "restore (base backup + WAL replay)" "$restore_secs"
printf '%-44s %s s\n' "RTO: disaster to a ready /readyz" "$rto"
printf '%-44s %s of %s acknowledged writes lost, spanning %s s\n' "RPO: committed writes lost" "$((acked - present))" "$acked" "$rpo_secs"
printf '%-44s %s (posts %s before, %s after; front page %s)\n' "inside the archive: lost or out of order" "$((missing_inside > 0 ? missing_inside : 0)) missing, $holes holes" "$posts_before" "$posts_after" "$page"

fail=0
[[ "$page" == 200 ]] || { echo "dr-drill: the restored site's front page answered $page" >&2; fail=1; }
[[ "$posts_after" == "$posts_before" ]] || { echo "dr-drill: posts differ after the restore" >&2; fail=1; }
[[ "$holes" == 0 && "$missing_inside" -le 0 ]] || { echo "dr-drill: writes inside the archive were lost" >&2; fail=1; }
python3 -c "import sys; sys.exit(0 if $rpo_secs <= $archive_timeout + 15 else 1)" ||
  { echo "dr-drill: lost ${rpo_secs} s of writes, more than archive_timeout allows" >&2; fail=1; }
[[ "$last_acked" -gt 0 ]] || { echo "dr-drill: the writer never committed" >&2; fail=1; }
exit "$fail"
