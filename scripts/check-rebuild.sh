#!/usr/bin/env bash
# Proves that the shared build cache (scripts/env.sh) cannot make a failing change pass.
# scripts/test.sh runs it right after the browser lint has passed, so the cache holds a
# passing lint of this checkout. Then, in a throwaway copy of its files (no .git):
#   1. a line that cannot compile is added to src/lib.rs;
#   2. every file is dated 2001, older than the cached lint: an old checkout left untouched
#      since another checkout's build. Cargo alone judges such a checkout fresh and hands it
#      the other checkout's result (CHECK_REBUILD_UNGUARDED=1 skips `target_dir_claim` and
#      shows this script failing);
#   3. the same lint, after `target_dir_claim` as every entry point runs it, must fail, and
#      on that line.
# A failing lint writes no artifacts, so the claim is handed back to the checkout that built
# the cache; its next lint runs again (cargo marks a failed unit dirty), which is all it costs.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
front="$CARGO_TARGET_DIR/front"
claim="$CARGO_TARGET_DIR/.wellspring-checkout"
previous_claim=$(cat "$claim" 2>/dev/null || true)

probe=$(mktemp -d)
restore() {
  rm -rf "$probe"
  if [[ -n "$previous_claim" ]]; then printf '%s\n' "$previous_claim" >"$claim"; fi
}
trap restore EXIT
mkdir "$probe/clone"
checkout_files | tar --null --files-from=- -cf - | tar -xf - -C "$probe/clone"
cd "$probe/clone"
marker="rebuild probe $$"
printf '\ncompile_error!("%s");\n' "$marker" >>src/lib.rs
find . -exec touch -c -d '2001-01-01' {} +

[[ "${CHECK_REBUILD_UNGUARDED:-0}" == 1 ]] || target_dir_claim >/dev/null
if cargo clippy --lib --features hydrate --target wasm32-unknown-unknown --target-dir "$front" \
  -- -D warnings >"$probe/lint.log" 2>&1; then
  echo "check-rebuild: the lint PASSED on a line that cannot compile: the cache served stale artifacts" >&2
  exit 1
fi
if ! grep -q "$marker" "$probe/lint.log"; then
  echo "check-rebuild: the lint failed, but not on the probe's line:" >&2
  cat "$probe/lint.log" >&2
  exit 1
fi
echo "check-rebuild: an edit in a checkout older than the cache was compiled and failed, as it must"
