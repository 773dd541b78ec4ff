# Sourced (not run) by the Makefile's recipes and the scripts: the environment every build
# and check of Wellspring shares.
#
# CARGO_TARGET_DIR defaults to one directory per user, shared by every checkout on the
# machine (override it to opt out). A fresh clone then compiles only Wellspring itself: the
# dependency tree, built once per profile, is already there. Cargo's own fingerprints decide
# what is stale, with one hole that a shared directory opens and `target_dir_claim` closes;
# sourcing this file runs it, so every entry point that builds (make, the test and bench
# scripts) claims the directory for its checkout first.
export PATH="$PWD/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/wellspring/target}"
mkdir -p "$CARGO_TARGET_DIR"

# Wellspring's own artifacts have the same names whichever checkout built them, and cargo
# judges them fresh when no source file is newer than the artifact. A checkout whose files are
# all older than another checkout's last build (an old branch left untouched, say) would be
# handed that other checkout's binaries (scripts/check-rebuild.sh shows it). So when the
# directory was last built from another checkout, this checkout's tracked files are touched:
# cargo then compiles everything of ours again from them, and dependencies are kept. A fresh
# clone's files are newer than anything in the cache anyway.
target_dir_claim() {
  local claim="$CARGO_TARGET_DIR/.wellspring-checkout" here
  here=$(pwd -P)
  [[ "$(cat "$claim" 2>/dev/null || true)" == "$here" ]] && return 0
  if [[ -f "$claim" ]]; then
    printf '==> %s was last built from %s: all of Wellspring will be compiled again\n' \
      "$CARGO_TARGET_DIR" "$(cat "$claim")"
  fi
  checkout_files | xargs -0 touch -c --
  printf '%s\n' "$here" >"$claim"
}

# Every file of this checkout, NUL-separated: git's list (tracked and new, not ignored), or,
# outside a git work tree (an unpacked archive), everything but build output and packages.
checkout_files() {
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z --cached --others --exclude-standard
  else
    find . \( -path ./target -o -path ./node_modules -o -path ./.data -o -path ./.git \) -prune \
      -o -type f -print0
  fi
}

target_dir_claim
