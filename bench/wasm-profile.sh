#!/usr/bin/env bash
# Where the browser bundle's bytes come from (issue 13, step 1): the shipped files' sizes
# (raw, gzip, brotli), then the wasm's code and data by crate and the largest functions,
# read with twiggy from the wasm-release build *before* wasm-bindgen and wasm-opt (which
# drop the names). Appends a markdown report to bench/results/latest.md and prints it. Not a
# pass/fail test. Run after `make build` (or `make test`), which leave both files in place.
#   BENCH_WASM_TOP   functions listed (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

TOP="${BENCH_WASM_TOP:-30}"
RESULTS=bench/results/latest.md
say() { printf '\033[1;34m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'bench/wasm-profile: %s\n' "$*" >&2; exit 1; }

named="$CARGO_TARGET_DIR/front/wasm32-unknown-unknown/wasm-release/wellspring.wasm"
[[ -f "$named" ]] || die "$named is missing: run 'make build' first"
shipped=$(ls -t target/site/pkg/*.wasm 2>/dev/null | grep -v '\.d\.' | head -n1 || true)
[[ -n "$shipped" ]] || die "no wasm in target/site/pkg: run 'make build' first"
if ! command -v twiggy >/dev/null; then
  say "installing twiggy (once; a few minutes)"
  cargo install twiggy --locked
fi

work=$(mktemp -d -t wellspring-wasm-profile.XXXXXX)
trap 'rm -rf "$work"' EXIT
twiggy top -n 1000000 --format csv "$named" >"$work/top.csv"

mkdir -p bench/results
{
  echo
  echo "## Browser bundle: where the bytes come from — $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "| file | raw | gzip | brotli |"
  echo "|---|---:|---:|---:|"
  for f in "$shipped" $(ls -t target/site/pkg/*.js | head -n1) $(ls -t target/site/pkg/*.css | head -n1); do
    raw=$(stat -c %s "$f")
    # The precompressed files are what the server sends; computed when they are missing.
    if [[ -f "$f.gz" ]]; then gz=$(stat -c %s "$f.gz"); else gz=$(gzip -9c "$f" | wc -c); fi
    if [[ -f "$f.br" ]]; then br=$(stat -c %s "$f.br"); else br="n/a"; fi
    printf '| %s | %s | %s | %s |\n' "${f##*/}" "$raw" "$gz" "$br"
  done
  echo
  echo "Profiled: \`${named#"$CARGO_TARGET_DIR"/}\` ($(stat -c %s "$named") bytes with names, before wasm-bindgen and wasm-opt)."
  echo
  python3 - "$work/top.csv" "$TOP" <<'PY'
import csv, re, sys
from collections import defaultdict

rows = list(csv.DictReader(open(sys.argv[1])))
top = int(sys.argv[2])

def is_metadata(name):
    # Names and wasm-bindgen's own section: present in this file, stripped from the shipped one.
    return "subsection" in name or name.startswith("custom section")

shipped_rows = [r for r in rows if not is_metadata(r["Name"])]
total = sum(int(r["ShallowSize"]) for r in shipped_rows)
metadata = sum(int(r["ShallowSize"]) for r in rows if is_metadata(r["Name"]))

def crate_of(name):
    # "<T as leptos::IntoView>::f", "leptos::html::Div::new", "core[c593..]::fmt::write", data[12]
    name = re.sub(r"\[[0-9a-f]{8,}\]", "", name.strip())
    if name.startswith("data"):
        return "(data segments)"
    if name.startswith(("type[", "import ", "export ", "elem[", "table[", "global[", "memory[")):
        return "(types, imports, exports, tables)"
    if name.startswith("code["):
        return "(unnamed code)"
    m = re.match(r"<[^<>]*? as (?:&(?:mut )?)?([A-Za-z_][A-Za-z0-9_]*)::", name)
    if m:
        return m.group(1)
    m = re.match(r"<?(?:&(?:mut )?)?(?:dyn )?([A-Za-z_][A-Za-z0-9_]*)::", name)
    if m:
        return m.group(1)
    return "(other)"

by_crate = defaultdict(int)
for r in shipped_rows:
    by_crate[crate_of(r["Name"])] += int(r["ShallowSize"])
print(f"Code and data: {total:,} bytes before wasm-opt (names and wasm-bindgen's section, {metadata:,} bytes, are left out: the shipped file has neither).")
print()
print("| crate | bytes | share |")
print("|---|---:|---:|")
for crate, size in sorted(by_crate.items(), key=lambda kv: -kv[1])[:25]:
    print(f"| {crate} | {size:,} | {100 * size / total:.1f} % |")
print()
print(f"| largest items (of {len(shipped_rows):,}) | bytes | share |")
print("|---|---:|---:|")
for r in shipped_rows[:top]:
    name = r["Name"].replace("|", "\\|")
    if len(name) > 110:
        name = name[:107] + "..."
    size = int(r["ShallowSize"])
    print(f"| `{name}` | {size:,} | {100 * size / total:.2f} % |")
PY
} | tee -a "$RESULTS"
say "appended to $RESULTS"
