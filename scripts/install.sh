#!/usr/bin/env bash
# Installs whatever this machine is missing to build and run Wellspring. Idempotent and
# quick when everything is present. Nothing is downloaded from outside the package
# registries (crates.io, npm, Debian) and the Rust toolchain server.
#   scripts/install.sh            build tools (wasm target, wasm-bindgen, npm packages)
#   scripts/install.sh --test     also rustfmt, clippy, Chromium for the end-to-end tests, nginx
#                                 for the two-instance stage and Trunk for the design-system gallery
#   scripts/install.sh --watch    also cargo-leptos, for `make watch` (nothing else needs it:
#                                 scripts/build-site.sh builds the release site without it)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=false want_watch=false
case "${1:-}" in
  --test) want_test=true ;;
  --watch) want_watch=true ;;
esac

say() { printf '\033[1;32m==>\033[0m %s\n' "$*"; }
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else echo "need root for: $*" >&2; return 1; fi; }
apt_updated=false
apt_install() {
  command -v apt-get >/dev/null || { echo "Please install $* with your package manager." >&2; return 1; }
  if ! $apt_updated; then as_root apt-get update -qq; apt_updated=true; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

# Tools compile in a target directory of their own (cargo install's temporary one), never in
# the shared one: `make run` compiles the server there meanwhile, and cargo's lock on it would
# make the tools wait for the whole server build.
unset CARGO_TARGET_DIR

command -v cargo >/dev/null || { echo "Rust is missing: install it with rustup (https://rustup.rs)." >&2; exit 1; }
command -v npm >/dev/null || { say "installing Node.js and npm"; apt_install nodejs npm; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if $want_test; then
  for component in rustfmt clippy; do
    if ! rustup component list --installed | grep -q "^$component"; then
      say "adding $component"; rustup component add "$component"
    fi
  done
fi

# Build tools are built for speed of building, not of running: cargo-leptos' own release
# profile asks for full LTO in one codegen unit, which took 22 of a fresh machine's first 27
# minutes. Tools that only orchestrate (cargo-leptos, Trunk: wasm-bindgen and wasm-opt run as
# their own programs) are built without LTO, in 16 units, at opt-level 1: about a quarter of
# the time. Cargo reads these variables over the installed crate's own profile.
tool_profile=(env CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_DEBUG=false CARGO_PROFILE_RELEASE_STRIP=true)

# cargo-leptos 0.3.11 needs a newer rustc; no_downloads makes it use wasm-bindgen, wasm-opt
# and tailwindcss from PATH instead of fetching them.
if $want_watch && [[ "$(cargo leptos --version 2>/dev/null || true)" != *"0.3.10"* ]]; then
  say "installing cargo-leptos 0.3.10 for make watch (about 10 minutes on two cores, once)"
  "${tool_profile[@]}" cargo install cargo-leptos --version 0.3.10 --locked --features no_downloads
fi

# The CLI must equal the wasm-bindgen crate version in Cargo.lock exactly. It compiles while
# `make run` compiles the server, so it is built like the other tools (opt-level 1): the
# bundle's assembly took 25 s either way, its install 259 s instead of 286 beside the server
# compile on a fresh two-core machine (2026-12-05).
wbg=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [[ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $wbg" ]]; then
  say "installing wasm-bindgen-cli $wbg (about 3 minutes, once)"
  "${tool_profile[@]}" cargo install wasm-bindgen-cli --version "=$wbg" --force
fi

# Trunk builds the design-system gallery (gallery/, Trunk.toml) in `make test`, so it cannot
# rot. Without its update check (which would call crates.io on every run); Trunk.toml keeps
# it offline: it uses the wasm-bindgen above and never downloads a tool.
if $want_test && [[ "$(trunk --version 2>/dev/null || true)" != "trunk 0.21.14" ]]; then
  say "installing Trunk 0.21.14 for the design-system gallery (about 6 minutes on two cores, once)"
  "${tool_profile[@]}" cargo install trunk --version 0.21.14 --locked --no-default-features --features rustls
fi

# Tailwind, wasm-opt (npm's binaryen; Debian's older one breaks hydration) and Playwright.
if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  say "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

# PostgreSQL server binaries, for the embedded cluster, unless a server is configured.
if [[ -z "${DATABASE_URL:-}" ]] && ! command -v initdb >/dev/null && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  say "installing PostgreSQL"
  apt_install postgresql
fi

# An S3-compatible server for the media tests (moto's server mode, from PyPI), in a venv
# of its own; pinned, so every machine tests against the same one.
moto_version=5.2.6
moto_venv="$HOME/.cache/wellspring/moto"
if $want_test && [[ "$("$moto_venv/bin/python" -c 'import moto; print(moto.__version__)' 2>/dev/null || true)" != "$moto_version" ]]; then
  say "installing moto $moto_version (an S3-compatible server for the media tests)"
  python3 -m venv --help >/dev/null 2>&1 || apt_install python3-venv
  python3 -m venv "$moto_venv"
  "$moto_venv/bin/pip" install -q --disable-pip-version-check "moto[server]==$moto_version"
fi

if $want_test && [[ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]]; then
  say "installing Debian's Chromium for the end-to-end tests"
  apt_install chromium
fi

# nginx, the proxy in front of two instances in the cluster stage (scripts/cluster.sh runs it
# in a prefix of its own, never as the system's service).
if $want_test && ! command -v nginx >/dev/null && [[ ! -x /usr/sbin/nginx ]]; then
  say "installing nginx (the proxy of the two-instance stage)"
  apt_install nginx-light 2>/dev/null || apt_install nginx
  # Debian's package may start its own service on port 80: the tests never use it.
  if command -v systemctl >/dev/null && systemctl is-active --quiet nginx 2>/dev/null; then
    as_root systemctl disable --now nginx >/dev/null 2>&1 || true
  elif command -v service >/dev/null; then
    as_root service nginx stop >/dev/null 2>&1 || true
  fi
fi
