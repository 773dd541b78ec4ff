"""Reads the end-to-end server's log (JSON, or the developer's text format): prints its
warnings and errors, then every request that started and never finished (the ones a
browser waited on until it gave up).
    python3 scripts/e2e-unanswered.py target/e2e-server.log"""
import json
import re
import sys

ANSI = re.compile(r"\x1b\[[0-9;]*m")
TEXT = re.compile(
    r"^(?P<at>\S+)\s+(?P<level>[A-Z]+)\s+request\{request_id=(?P<rid>\S+) method=(?P<method>\S+)"
    r" path=(?P<path>\S+)\}: (?P<message>request started|request finished|request still running)"
)


def read(line):
    """(timestamp, level, request id, method, path, message) of one log line."""
    try:
        entry = json.loads(line)
        span = entry.get("span") or {}
        message = entry.get("message") or (entry.get("fields") or {}).get("message", "")
        return (entry.get("timestamp"), entry.get("level"), span.get("request_id"),
                span.get("method"), span.get("path"), message)
    except ValueError:
        found = TEXT.search(line)
        if not found:
            level = next((word for word in ("ERROR", "WARN") if f" {word} " in line), None)
            return (None, level, None, None, None, line)
        return (found["at"], found["level"], found["rid"], found["method"], found["path"],
                found["message"])


started, finished, warnings = {}, set(), []
with open(sys.argv[1], encoding="utf-8", errors="replace") as log:
    for raw in log:
        line = ANSI.sub("", raw).rstrip()
        at, level, rid, method, path, message = read(line)
        if message == "request started" and rid:
            started[rid] = (at, method, path)
        elif message == "request finished" and rid:
            finished.add(rid)
        if level in ("WARN", "ERROR"):
            warnings.append(line)

for line in warnings[-60:]:
    print(line)
unanswered = [(rid, facts) for rid, facts in started.items() if rid not in finished]
print(f"{len(started)} requests started, {len(unanswered)} never finished")
for rid, (at, method, path) in unanswered[:40]:
    print(f"  {at} {method} {path} request_id={rid}")
