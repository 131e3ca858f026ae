"""What previews and apply_change share in one server: settings, the backends, the store of applied
changes and the journal."""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

import anyio

from ..errors import InvalidParams, NotConfigured
from .change_id import HeldPlans
from .journal import Journal
from .spec import Limits, WriteContext

if TYPE_CHECKING:
    from ..connector import Connector
    from ..runtime import Runtime
    from ..settings import ServerSettings

WRITES_SETTING = "CONNECTOR_MCP_WRITES"
# Results are answered again for a second apply of the same id for this long (ids expire sooner).
KEEP_SECONDS = 24 * 3600
KEEP_MAX = 10_000


class AppliedStore:
    """change digest -> the first result (or {"unknown": ...} after an ambiguous failure), in this process."""

    def __init__(self) -> None:
        self._results: OrderedDict[str, tuple[float, dict[str, Any]]] = OrderedDict()
        self._locks: dict[str, anyio.Lock] = {}

    def lock(self, key: str) -> anyio.Lock:
        """One apply of a change at a time (two concurrent applies of one id never both send)."""
        return self._locks.setdefault(key, anyio.Lock())

    def get(self, key: str) -> dict[str, Any] | None:
        found = self._results.get(key)
        return found[1] if found else None

    def put(self, key: str, result: dict[str, Any]) -> None:
        now = time.monotonic()
        self._results[key] = (now, result)
        self._results.move_to_end(key)
        while self._results and (len(self._results) > KEEP_MAX or next(iter(self._results.values()))[0] < now - KEEP_SECONDS):
            old, _ = self._results.popitem(last=False)
            self._locks.pop(old, None)


class Changes:
    def __init__(self, settings: ServerSettings, runtime: Runtime, connectors: list[Connector]):
        self.runtime = runtime
        self.connectors = {c.id: c for c in connectors}
        self.writes_on = settings.writes if settings.writes is not None else runtime.demo
        self.ttl = settings.change_ttl
        self.limits = Limits(settings.max_budget_increase_pct, settings.allow_delete)
        self.journal = Journal(settings.journal_path)
        self.store = AppliedStore()
        self.held = HeldPlans()  # plans too large for their change id (change_id.py)

    def writes_state(self) -> str:
        if self.writes_on:
            return "on: apply_change(change_id) applies a previewed change once the person confirms."
        return (
            f"off: previews only. To apply changes, set {WRITES_SETTING}=on and restart the server, then preview "
            "again and call apply_change with the new change_id."
        )

    def connector(self, connector_id: str) -> Connector:
        connector = self.connectors.get(connector_id)
        if connector is None or connector.writes is None:
            raise InvalidParams(f"this server does not serve {connector_id!r} writes.", fix="Preview again on this server.")
        return connector

    async def context(self, connector: Connector) -> WriteContext:
        backend = await self.runtime.backend(connector)
        mode = "hosted" if backend.name == "hosted" else "direct"
        writes = connector.writes
        if mode == "hosted" and writes is not None and writes.hosted_refusal:
            raise NotConfigured(f"{connector.title} writes are not available in hosted mode.", fix=writes.hosted_refusal)
        settings = self.runtime.connector_settings(connector)
        return WriteContext(backend=backend, settings=settings, limits=self.limits, mode=mode, sandbox=self.runtime.demo)
