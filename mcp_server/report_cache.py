"""Rows of single-response reports, kept so that following next_cursor does not re-run the report.

A LinkedIn analytics report is one vendor answer (Action.resume_key): each page of a cursor chain
used to re-run it whole and resume after the last key returned. The first call keeps its page here;
the calls that continue the chain read it back and send no vendor request. A miss (expired, evicted,
or another replica of a --stateless deployment) re-runs the report and resumes by key as before, so
the cache only saves requests, never changes what comes back.

Entries are keyed by the backend object that produced them (each server runtime builds one backend
per connector from its own credentials), the entity and action, the frozen query as the cursor holds
it, and the fields pushed down; they live `ttl` seconds and the cache holds at most `max_entries`
reports and `max_rows` rows in all, the least recently used going first.
"""

from __future__ import annotations

import copy
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


@dataclass
class _Entry:
    page: Page
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

    def get(self, key: Key) -> Page | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.expires <= self.clock():
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return _copy(entry.page)

    def put(self, key: Key, page: Page) -> None:
        if self.ttl <= 0 or len(page.records) > self.max_rows:
            return
        if key in self._entries:
            self._drop(key)
        self._entries[key] = _Entry(_copy(page), self.clock() + self.ttl)
        self._rows += len(page.records)
        now = self.clock()
        for old in [k for k, e in self._entries.items() if e.expires <= now]:
            self._drop(old)
        while len(self._entries) > self.max_entries or self._rows > self.max_rows:
            self._drop(next(iter(self._entries)))

    def __len__(self) -> int:
        return len(self._entries)

    def _drop(self, key: Key) -> None:
        entry = self._entries.pop(key)
        self._rows -= len(entry.page.records)


def _copy(page: Page) -> Page:
    """Callers shape and cut what they get: each keeps its own rows and meta."""
    return Page(copy.deepcopy(page.records), None, copy.deepcopy(page.meta))
