"""What promtool does not check in deploy/prometheus: every alert has a severity, a summary, a
description and a runbook_url naming docs/runbooks/<alert>.md, which exists and is listed in
docs/runbooks/README.md; and every alert has a test case in alerts.test.yml where it fires."""

import pathlib
import sys

import yaml

root = pathlib.Path(__file__).resolve().parent.parent
rules = yaml.safe_load((root / "deploy/prometheus/alerts.yml").read_text())
tests = yaml.safe_load((root / "deploy/prometheus/alerts.test.yml").read_text())
index = (root / "docs/runbooks/README.md").read_text()

fired = {
    case["alertname"]
    for group in tests["tests"]
    for case in group.get("alert_rule_test", [])
    if case.get("exp_alerts")
}
problems = []
alerts = [r for g in rules["groups"] for r in g["rules"] if "alert" in r]
for rule in alerts:
    name = rule["alert"]
    if rule.get("labels", {}).get("severity") not in ("critical", "warning", "info"):
        problems.append(f"{name}: severity label must be critical, warning or info")
    notes = rule.get("annotations", {})
    for key in ("summary", "description", "runbook_url"):
        if not notes.get(key):
            problems.append(f"{name}: no {key} annotation")
    page = f"docs/runbooks/{name}.md"
    if not notes.get("runbook_url", "").endswith("/" + page):
        problems.append(f"{name}: runbook_url must end with /{page}")
    if not (root / page).is_file():
        problems.append(f"{name}: {page} does not exist")
    if f"({name}.md)" not in index:
        problems.append(f"{name}: not listed in docs/runbooks/README.md")
    if name not in fired:
        problems.append(f"{name}: no test case in alerts.test.yml where it fires")

for problem in problems:
    print(f"  {problem}")
print(f"  {len(alerts)} alerts: {'all have' if not problems else 'not all have'} "
      "severity, summary, description, a runbook page and a firing test")
sys.exit(1 if problems else 0)
