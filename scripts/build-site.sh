#!/usr/bin/env bash
# Builds the site — the server binary and the release browser bundle — the way
# `cargo leptos build --release` lays it out (target/site, hashed file names, hash.txt beside
# the binary), without needing cargo-leptos. `make run` uses it, and so does `make test` for
# the bundle it measures and drives, so the site people run is the site that was tested.
#   scripts/build-site.sh              install what is missing, then both halves (release server)
#   scripts/build-site.sh --dev        the same with the server in the dev profile, the profile the
#                                      end-to-end tests drive, in about half the compile time (make run)
#   scripts/build-site.sh --front      the browser bundle only (make test; the server comes from its tests)
#
# Why not cargo-leptos here: it compiles swc, lightningcss, gix and git2 (with OpenSSL) to
# orchestrate four programs this script calls directly; on a fresh two-core machine that was
# ten of the first `make run`'s minutes (issue 17). It stays the developers' `make watch`.
# On a fresh machine the server compiles while the installer works: the server needs none of
# the browser tools, so the two cores are busy from the first second.
#
# Every step prints a line with its expected time on a fresh two-core machine (measured
# 2026-12-05) and, when done, the time it took here.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

want_server=true server_profile=release
case "${1:-}" in
  --front) want_server=false ;;
  --dev) server_profile=dev ;;
esac

started=$SECONDS
log_dir=$(mktemp -d)
trap 'rm -rf "$log_dir"' EXIT
say() { printf '\033[1;32m==>\033[0m %s\n' "$*"; }
took() { printf '    %s: %ss\n' "$1" $((SECONDS - $2)); }

# The same LEPTOS_* settings cargo-leptos passes (from [package.metadata.leptos]): Leptos reads
# some of them at compile time, so builds by either tool keep the same fingerprints and
# neither undoes the other's work.
leptos_env=(
  LEPTOS_OUTPUT_NAME=wellspring LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg
  LEPTOS_SITE_ADDR=127.0.0.1:3000 LEPTOS_RELOAD_PORT=3001 LEPTOS_LIB_DIR=. LEPTOS_BIN_DIR=.
  LEPTOS_JS_MINIFY=true LEPTOS_HASH_FILES=true LEPTOS_HASH_FILE_NAME=hash.txt
)
site=target/site
pkg=$site/pkg
front_target="$CARGO_TARGET_DIR/front" # cargo-leptos' own, shared with the wasm lint
release_dir="$CARGO_TARGET_DIR/release"

server_pid=""
if $want_server; then
  if [[ $server_profile == release ]]; then
    say "compiling the server (release; about 15 minutes the first time, beside the rest; seconds after) — in the background"
    server_build=(env "${leptos_env[@]}" cargo build --release --bin wellspring --no-default-features --features ssr)
  else
    # No LEPTOS_* settings, as in the test build: they would change Leptos' fingerprints.
    say "compiling the server (dev profile; about 9 minutes the first time, beside the rest; seconds after) — in the background"
    server_build=(cargo build --bin wellspring --no-default-features --features ssr)
  fi
  server_started=$SECONDS
  # Started directly (no subshell), so the pid is cargo's own and the trap below stops it.
  "${server_build[@]}" >"$log_dir/server.log" 2>&1 &
  server_pid=$!
  # Stop it too if this script stops early.
  trap 'kill "$server_pid" 2>/dev/null || true; rm -rf "$log_dir"' EXIT

  say "installing what is missing (about 4 minutes the first time: wasm-bindgen-cli, npm packages)"
  install_started=$SECONDS
  scripts/install.sh
  took "install" "$install_started"
fi

say "compiling the browser bundle (wasm-release; about 4 minutes the first time)"
front_started=$SECONDS
env "${leptos_env[@]}" cargo build --lib --target wasm32-unknown-unknown --no-default-features \
  --features hydrate --profile wasm-release --target-dir "$front_target"
took "browser bundle compiled" "$front_started"

say "wasm-bindgen, wasm-opt -Oz, the stylesheet and the assets (under a minute)"
assemble_started=$SECONDS
mkdir -p "$pkg"
# Last build's files go: the server reads the names in hash.txt, and stale ones would only
# confuse the bundle budget.
rm -f "$pkg"/wellspring.* "$pkg"/wellspring_bg.*
wasm-bindgen --target web --no-typescript --out-name wellspring --out-dir "$pkg" \
  "$front_target/wasm32-unknown-unknown/wasm-release/wellspring.wasm"
mv "$pkg/wellspring_bg.wasm" "$pkg/wellspring.wasm"
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
  "$pkg/wellspring.wasm" -o "$pkg/wellspring.wasm"
esbuild "$pkg/wellspring.js" --minify --format=esm --log-level=warning \
  --outfile="$pkg/wellspring.min.js"
mv "$pkg/wellspring.min.js" "$pkg/wellspring.js"
# Tailwind v4 minifies with Lightning CSS itself, for its own browser targets (cargo-leptos
# adds a second pass for "defaults": 61,841 bytes against 54,367 here, 2026-12-05).
tailwindcss --input style/tailwind.css --output "$pkg/wellspring.css" --minify 2>"$log_dir/tailwind.log" \
  || { cat "$log_dir/tailwind.log" >&2; exit 1; }
cp -R public/. "$site/"

# Content-named files (what cargo-leptos' hash-files does): an MD5 of each, base64url without
# padding, in the name; the server learns the names from hash.txt beside its binary.
hash_of() {
  node -e 'const c = require("node:crypto"), f = require("node:fs");
    process.stdout.write(c.createHash("md5").update(f.readFileSync(process.argv[1])).digest("base64url"))' "$1"
}
hashes=""
for ext in js wasm css; do
  hash=$(hash_of "$pkg/wellspring.$ext")
  mv "$pkg/wellspring.$ext" "$pkg/wellspring.$hash.$ext"
  hashes+="$ext: $hash"$'\n'
done
# Beside the release binary, where cargo-leptos puts it and the end-to-end runs read it, and
# beside the dev binary, which reads it from its own folder.
for dir in "$release_dir" "$CARGO_TARGET_DIR/debug"; do
  mkdir -p "$dir"
  printf '%s' "$hashes" >"$dir/hash.txt"
done
node scripts/precompress.mjs "$pkg"
took "assembled" "$assemble_started"

if [[ -n "$server_pid" ]]; then
  say "waiting for the server to finish compiling"
  if ! wait "$server_pid"; then
    cat "$log_dir/server.log" >&2
    echo "build-site: the server did not compile (above)" >&2
    exit 1
  fi
  server_pid=""
  took "server compiled (it started first)" "$server_started"
fi
say "site built in $((SECONDS - started))s: $pkg, $release_dir/hash.txt"
