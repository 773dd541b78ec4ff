#!/usr/bin/env bash
# Proves that the shared build cache cannot make a failing change pass. Run by
# scripts/test.sh right after the browser lint has passed, so the cache holds a passing
# lint of this commit; then, in a throwaway clone of it:
#   1. a line that cannot compile is added to src/lib.rs;
#   2. every file is dated in the past, older than the cached lint: the case of an old
#      checkout that was not touched since another checkout's build, which cargo alone
#      would judge fresh (set CHECK_REBUILD_UNGUARDED=1 to see it pass);
#   3. the same lint, after `target_dir_claim`, must fail, and on that line.
# The failed lint writes nothing to the cache; the claim is handed back afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
front="$CARGO_TARGET_DIR/front"
claim="$CARGO_TARGET_DIR/.wellspring-checkout"
previous_claim=$(cat "$claim" 2>/dev/null || true)

probe=$(mktemp -d)
trap 'rm -rf "$probe"; if [[ -n "$previous_claim" ]]; then printf "%s\n" "$previous_claim" >"$claim"; fi' EXIT
git clone --quiet --shared . "$probe/clone"
cd "$probe/clone"
marker="rebuild probe $$"
printf '\ncompile_error!("%s");\n' "$marker" >>src/lib.rs
find . -path ./.git -prune -o -exec touch -c -d '2001-01-01' {} +

[[ "${CHECK_REBUILD_UNGUARDED:-0}" == 1 ]] || target_dir_claim >/dev/null
status=0
cargo clippy --lib --features hydrate --target wasm32-unknown-unknown --target-dir "$front" \
  -- -D warnings >"$probe/lint.log" 2>&1 || status=$?
if ((status == 0)); then
  echo "check-rebuild: the lint PASSED on a change that cannot compile: the cache served stale artifacts" >&2
  exit 1
fi
if ! grep -q "$marker" "$probe/lint.log"; then
  echo "check-rebuild: the lint failed, but not on the probe's line:" >&2
  cat "$probe/lint.log" >&2
  exit 1
fi
echo "check-rebuild: an edit in a checkout older than the cache was compiled and failed, as it must"
