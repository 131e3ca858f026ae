"""The journal: one JSON line per applied (or possibly applied) change, in a file only its owner can read.

Fields: time, change (the change id's digest), connector, account, entity, action, object_ids, before,
after, request_ids (the vendor's), result, and caller (the HTTP caller's identity when authentication is on).
No secrets: values come from the plan (vendor fields) and the vendor's request ids.
Replicas that share the file (a shared volume) also share at-most-once: apply looks a change up here
before sending.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import platformdirs

from ..redact import scrub

SETTING = "CONNECTOR_MCP_JOURNAL_PATH"


def default_path() -> Path:
    return Path(platformdirs.user_data_dir("connector-mcp", appauthor=False)) / "changes.jsonl"


class Journal:
    def __init__(self, path: str | os.PathLike[str] | None = None):
        self.path = Path(path).expanduser() if path else default_path()

    def append(self, entry: dict[str, Any]) -> None:
        line = {"time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"), **entry}
        text = scrub(json.dumps(line, separators=(",", ":"), sort_keys=False, default=str)) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.fchmod(fd, 0o600)  # also when the file existed with a wider mode
            os.write(fd, text.encode())
        finally:
            os.close(fd)

    def entries(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        out = []
        with self.path.open(encoding="utf-8") as handle:
            for line in handle:
                try:
                    out.append(json.loads(line))
                except ValueError:
                    continue  # a line cut by a crash: skipped, the rest still reads
        return out

    def last_for(self, change: str) -> dict[str, Any] | None:
        """The latest line about this change digest, if any."""
        found = None
        for entry in self.entries():
            if entry.get("change") == change:
                found = entry
        return found
