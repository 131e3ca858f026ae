"""Rows of single-response reports, kept so that following next_cursor does not re-run the report.

A LinkedIn analytics report is one vendor answer (Action.resume_key): each page of a cursor chain
used to re-run it whole and resume after the last key returned. The first call keeps its page here;
the calls that continue the chain read it back and send no vendor request. A miss (expired, evicted,
or another replica of a --stateless deployment) re-runs the report and resumes by key as before, so
the cache only saves requests, never changes what comes back.

An entry is a `SortedReport`: the rows sorted by their resume key once, with the keys beside them, so a
continuation finds its place by bisection and hands out only its own page (O(page), never a copy or
re-sort of the whole report). Rows are shared, never changed in place: whoever hands one out copies it
first (`SortedReport.page`).

Entries are keyed by the backend object that produced them (each server runtime builds one backend
per connector from its own credentials), the entity and action, the frozen query as the cursor holds
it, and the fields pushed down; they live `ttl` seconds and the cache holds at most `max_entries`
reports and `max_rows` rows in all, the least recently used going first.
"""

from __future__ import annotations

import bisect
import itertools
import json
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .backends.base import Page

Key = tuple[int, str, str, str, str]


@dataclass(frozen=True)
class SortedReport:
    """A single-response report sorted once by its resume key: rows[i] has keys[i]; meta as the backend said it."""

    rows: tuple[dict[str, Any], ...]
    keys: tuple[tuple[str, ...], ...]
    meta: dict[str, Any]

    @classmethod
    def of(cls, page: Page, key_fields: tuple[str, ...]) -> SortedReport:
        keyed = sorted(((sort_key(r, key_fields), r) for r in page.records), key=lambda pair: pair[0])
        return cls(tuple(r for _, r in keyed), tuple(k for k, _ in keyed), page.meta)

    def start(self, after: tuple[str, ...] | list[str] | None, skip: int) -> int:
        """The index of the first row after `after` (skipping `skip` rows that share that key)."""
        if after is None:
            return 0
        after = tuple(after)
        index = bisect.bisect_left(self.keys, after)
        same = 0
        while index < len(self.keys) and self.keys[index] == after and same < skip:
            index, same = index + 1, same + 1
        return index

    def page(self, start: int, count: int) -> list[dict[str, Any]]:
        """Rows start..start+count, shared with the cache: the executor copies the ones it hands out whole
        (projected ones are new dicts already), so the cache's rows are never changed by a caller."""
        return list(self.rows[start : start + count])


def _canonical(value: Any) -> str:
    # The common values (text, whole numbers, none) without json.dumps' per-call setup; same text as it.
    if value is None:
        return "null"
    if isinstance(value, str) and value.isascii() and value.isprintable() and '"' not in value and "\\" not in value:
        return f'"{value}"'
    if type(value) is int:
        return str(value)
    return _DUMPS(value)


_DUMPS = json.JSONEncoder(sort_keys=True, separators=(",", ":")).encode


def sort_key(record: dict[str, Any], fields: tuple[str, ...]) -> tuple[str, ...]:
    """A total order over records of a re-run report: each key field as canonical JSON (as cursors carry it)."""
    return tuple(_canonical(record.get(name)) for name in fields)


@dataclass
class _Entry:
    report: SortedReport
    expires: float


# The settings' defaults (CONNECTOR_MCP_REPORT_CACHE_TTL, _MAX_ENTRIES, _MAX_ROWS).
REPORT_CACHE_DEFAULTS = {"ttl": 600.0, "max_entries": 32, "max_rows": 200_000}


class ReportCache:
    def __init__(self, *, ttl: float, max_entries: int, max_rows: int, clock: Callable[[], float] = time.monotonic):
        self.ttl = ttl
        self.max_entries = max_entries
        self.max_rows = max_rows
        self.clock = clock
        self._entries: OrderedDict[Key, _Entry] = OrderedDict()
        self._rows = 0
        # A serial per live backend object: ids of collected objects are reused, serials never are.
        self._backends: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()
        self._serials = itertools.count(1)

    def key(self, backend: Any, connector: str, entity: str, action: str, params: dict[str, Any],
            fields: list[str] | None) -> Key:  # fmt: skip
        serial = self._backends.get(backend)
        if serial is None:
            serial = self._backends[backend] = next(self._serials)
        query = json.dumps({"params": params, "fields": fields}, sort_keys=True, separators=(",", ":"))
        return serial, connector, entity, action, query

    def get(self, key: Key) -> SortedReport | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.expires <= self.clock():
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return entry.report

    def put(self, key: Key, report: SortedReport) -> None:
        if self.ttl <= 0 or len(report.rows) > self.max_rows:
            return
        if key in self._entries:
            self._drop(key)
        self._entries[key] = _Entry(report, self.clock() + self.ttl)
        self._rows += len(report.rows)
        now = self.clock()
        for old in [k for k, e in self._entries.items() if e.expires <= now]:
            self._drop(old)
        while len(self._entries) > self.max_entries or self._rows > self.max_rows:
            self._drop(next(iter(self._entries)))

    def __len__(self) -> int:
        return len(self._entries)

    def _drop(self, key: Key) -> None:
        entry = self._entries.pop(key)
        self._rows -= len(entry.report.rows)
