"""Result shaping: which fields a record keeps, the response-size budget and the envelope."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

# `fields: ["*"]` (or "*"): the whole vendor record.
WHOLE_RECORD = "*"
WIDEN_HINT = 'fields: ["*"] for the whole record'

# The result-size cap is in tokens because clients cap tool output in tokens (Claude Code refuses more
# than 25,000, MAX_MCP_OUTPUT_TOKENS). No Claude tokenizer runs offline, so tokens are estimated from
# characters. Measured with a Claude tokenizer on the demo data, compact JSON ran 3.3 characters a token
# for LinkedIn campaigns and 2.8 for TikTok daily ad report rows (digits and punctuation tokenize densest).
# 2.5 is below both, so an estimate never undercounts JSON that dense: a 20,000-token estimate is at most
# ~18,000 real tokens even for report rows.
CHARS_PER_TOKEN = 2.5
DEFAULT_MAX_RESULT_TOKENS = 20_000
MAX_RESULT_TOKENS_SETTING = "CONNECTOR_MCP_MAX_RESULT_TOKENS"


def compact_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)


def estimate_tokens(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def chars_for(tokens: int) -> int:
    """The characters of compact JSON that stay within `tokens` by the estimate."""
    return int(tokens * CHARS_PER_TOKEN)


@dataclass(frozen=True)
class FieldChoice:
    """Which fields each record keeps, and what the call may tell a backend."""

    keep: tuple[str, ...] | None  # project records onto these; None = the whole record
    named: bool  # the agent named them (backends may push named fields down; defaults never)
    label: str | list[str]  # for meta.fields: "default", "all" or the named list

    @property
    def pushdown(self) -> list[str] | None:
        return list(self.keep) if self.named and self.keep else None


def choose_fields(named: list[str] | None, defaults: tuple[str, ...]) -> FieldChoice:
    """Named fields as given; "*" anywhere = the whole record; nothing named = the action's defaults
    (an action without defaults, such as a report whose metrics already choose its columns, is whole)."""
    if named and WHOLE_RECORD in named:
        return FieldChoice(None, named=False, label="all")
    if named:
        return FieldChoice(tuple(named), named=True, label=list(named))
    if defaults:
        return FieldChoice(defaults, named=False, label="default")
    return FieldChoice(None, named=False, label="all")


def project(record: dict[str, Any], fields: list[str] | tuple[str, ...]) -> dict[str, Any]:
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


def missing_fields(records: list[dict[str, Any]], fields: list[str] | tuple[str, ...]) -> list[str]:
    """Requested fields that no record has (usually a typo worth telling the agent)."""
    if not records:
        return []
    return [f for f in fields if not any(f.partition(".")[0] in r for r in records)]


def shape(records: list[dict[str, Any]], choice: FieldChoice) -> tuple[list[dict[str, Any]], list[str]]:
    """The records as the agent gets them, and warnings about the projection."""
    if choice.keep is None:
        return records, []
    if choice.named:
        unknown = missing_fields(records, choice.keep)
        warnings = [f"no record has field(s) {', '.join(unknown)}; `describe` lists the main fields"] if unknown else []
        return [project(r, choice.keep) for r in records], warnings
    # Default fields: a record that has none of them (a vendor shape we do not know) comes back whole,
    # never as an empty object.
    shaped, whole = [], 0
    for record in records:
        kept = project(record, choice.keep)
        if not kept and record:
            kept, whole = record, whole + 1
        shaped.append(kept)
    warnings = [f"{whole} record(s) had none of the default fields and come back whole"] if whole else []
    return shaped, warnings


def fit_budget(records: list[dict[str, Any]], max_chars: int) -> int:
    """How many leading records fit in max_chars of compact JSON (at least one)."""
    used = 2
    for index, record in enumerate(records):
        used += len(compact_json(record)) + 1
        if used > max_chars and index > 0:
            return index
    return len(records)


# Room kept in the size budget, beside the envelope as measured, for the cut warning itself.
CUT_WARNING_ROOM = 300


def records_that_fit(records: list[dict[str, Any]], envelope: dict[str, Any], max_tokens: int) -> int:
    """How many leading records fit under the token cap beside `envelope` (the answer without its records)."""
    return fit_budget(records, chars_for(max_tokens) - len(compact_json(envelope)) - CUT_WARNING_ROOM)
