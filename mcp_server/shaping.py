"""Result shaping: field projection, the response-size budget and the envelope."""

from __future__ import annotations

import json
from typing import Any


def compact_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)


def project(record: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    """Keep only the named fields; `a.b` keeps a nested field inside `a`."""
    out: dict[str, Any] = {}
    for path in fields:
        head, _, rest = path.partition(".")
        if head not in record:
            continue
        value = record[head]
        if rest and isinstance(value, dict):
            nested = project(value, [rest])
            if nested:
                out.setdefault(head, {}).update(nested)
        elif rest and isinstance(value, list):
            out[head] = [project(v, [rest]) if isinstance(v, dict) else v for v in value]
        else:
            out[head] = value
    return out


def missing_fields(records: list[dict[str, Any]], fields: list[str]) -> list[str]:
    """Requested fields that no record has (usually a typo worth telling the agent)."""
    if not records:
        return []
    return [f for f in fields if not any(f.partition(".")[0] in r for r in records)]


def fit_budget(records: list[dict[str, Any]], max_chars: int) -> int:
    """How many leading records fit in max_chars of compact JSON (at least one)."""
    used = 2
    for index, record in enumerate(records):
        used += len(compact_json(record)) + 1
        if used > max_chars and index > 0:
            return index
    return len(records)
