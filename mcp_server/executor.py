"""Run one execute call: validate, page through the backend, shape the result."""

from __future__ import annotations

import asyncio
import copy
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel

from .backends.base import Ahead, Backend, Page, PageRequest
from .budget import DEFAULT_MAX_REQUESTS, exhausted, remaining, request_budget
from .budget import SETTING as BUDGET_SETTING
from .catalog import Action
from .connector import Connector
from . import page_state
from .cursor import Cursor, Position, invalid_cursor
from .errors import InvalidParams
from .progress import Progress
from .report_cache import REPORT_CACHE_DEFAULTS, ReportCache, SortedReport
from .shaping import (
    DEFAULT_MAX_RESULT_TOKENS,
    MAX_RESULT_TOKENS_SETTING,
    WIDEN_HINT,
    choose_fields,
    records_that_fit,
    shape,
)
from .validation import MAX_LIMIT, parse_fields, parse_limit, parse_params, resolve_action, validate_params

log = logging.getLogger("mcp_server.executor")

# A safety stop: a backend that keeps answering empty pages must not spin forever.
MAX_PAGES_PER_CALL = 100
# Pages fetched at once where the vendor numbers them (CONNECTOR_MCP_PAGE_CONCURRENCY).
DEFAULT_PAGE_CONCURRENCY = 6

# Where _collect hands the whole single-response report page to execute (for the report cache).
WHOLE_REPORT = "_whole_report"

BackendProvider = Callable[[Connector], Awaitable[Backend]]


def _frozen_params(params: BaseModel) -> dict[str, Any]:
    return params.model_dump(mode="json", exclude_none=True)


def _resolved(params: dict[str, Any], resolved: dict[str, Any]) -> dict[str, Any]:
    """params with a backend's resolved values; a None there removes the param it replaced (a preset)."""
    merged = {**params, **resolved}
    return {k: v for k, v in merged.items() if v is not None}


def _clashing_params(entity: str, spec: Action, given: dict[str, Any], resumed: Cursor) -> list[str]:
    """Params the agent resent that mean another query than the one the cursor continues.

    Resent params continue the query when they equal either the original params validated now (so
    defaults derived from the clock resolve alike: the same params resent on a later day still continue
    the frozen query) or the frozen, resolved params themselves (as `meta.params` showed them)."""
    if not given:
        return []
    now = validate_params(entity, spec, given).model_dump(mode="json")
    frozen = validate_params(entity, spec, resumed.params).model_dump(mode="json")
    if now == frozen:
        return []
    try:
        then = validate_params(entity, spec, resumed.given or {}).model_dump(mode="json")
    except InvalidParams:  # the original params no longer validate today: compare with the frozen ones
        then = frozen
    return sorted(k for k in now if now[k] != then.get(k))


def _foreign_cursor(resumed: Cursor, connector: Connector, entity: str, action: str) -> InvalidParams:
    """A cursor of another query; naming the tool when it is another connector's (same entity names on both)."""
    if resumed.connector == connector.id:
        return InvalidParams(
            f"cursor belongs to {resumed.entity}.{resumed.action}, not {entity}.{action}.",
            fix="Call with the entity and action the cursor came from, or omit cursor.",
        )
    tool = resumed.connector.replace("-", "_") + "_execute"  # Connector.tool_name, from a cursor we signed
    return InvalidParams(
        f"cursor belongs to {tool} {resumed.entity}.{resumed.action}, not {connector.tool_name} {entity}.{action}.",
        fix=f"Pass it to {tool} (entity {resumed.entity!r}, action {resumed.action!r}), or omit cursor.",
    )


class Executor:
    def __init__(
        self,
        connector: Connector,
        backends: BackendProvider,
        *,
        sandbox: bool,
        max_tokens: int | None = DEFAULT_MAX_RESULT_TOKENS,
        max_requests: int = DEFAULT_MAX_REQUESTS,
        page_concurrency: int = DEFAULT_PAGE_CONCURRENCY,
        report_cache: ReportCache | None = None,
        changes: Any = None,
    ):
        self.connector = connector
        self.backends = backends
        self.sandbox = sandbox
        # None: no result cap and any whole-number limit (ads_report's own executors: their rows are summed,
        # never shown as they are, so they are gathered whole instead of in agent-sized continuations).
        self.max_tokens = max_tokens
        self.max_requests = max_requests
        self.page_concurrency = max(1, page_concurrency)
        # The server passes one cache to all its executors (settings CONNECTOR_MCP_REPORT_CACHE_*).
        self.report_cache = ReportCache(**REPORT_CACHE_DEFAULTS) if report_cache is None else report_cache
        # mcp_server.changes.service.Changes: write actions answer a preview through it (never a write).
        self.changes = changes

    async def execute(
        self,
        entity: Any,
        action: Any,
        params: Any = None,
        fields: Any = None,
        limit: Any = None,
        cursor: Any = None,
    ) -> dict[str, Any]:
        entity, spec = resolve_action(self.connector.catalog, entity, action)
        raw_params = parse_params(params)
        if spec.write:
            return await self._preview(entity, spec, raw_params, cursor)
        choice = choose_fields(parse_fields(fields), spec.default_fields)
        internal = self.max_tokens is None and type(limit) is int and limit >= 1
        wanted = limit if internal else parse_limit(limit)
        resumed = None
        if cursor is not None and cursor != "":
            if not isinstance(cursor, str):
                raise InvalidParams("cursor must be a string.", fix="Pass next_cursor unchanged.")
            resumed = Cursor.decode(cursor)
            if (resumed.connector, resumed.entity, resumed.action) != (self.connector.id, entity, spec.name):
                raise _foreign_cursor(resumed, self.connector, entity, spec.name)
            if raw_params and raw_params == resumed.shown:
                # meta.params copied back: the resolved query itself, taken as is (no re-validation "now").
                raw_params = {}
        model = validate_params(entity, spec, raw_params)
        given = raw_params

        if resumed is not None:
            clash = _clashing_params(entity, spec, raw_params, resumed)
            if clash:
                raise InvalidParams(
                    f"params {', '.join(clash)} differ from the query the cursor continues.",
                    fix="Resend the same params (or none) with the cursor, or omit cursor to start a new query.",
                )
            model = validate_params(entity, spec, resumed.params)
            given = resumed.given or {}
            page_size, position = resumed.page_size, resumed.position
            if position.state is not None:
                # Before the backend, the report cache or any plan sees it: a state the params would refuse stops here.
                page_state.check(self.connector, PageRequest(entity, spec.name, model, position.state, page_size))
        else:
            page_size = min(wanted, spec.max_page_size or wanted, MAX_LIMIT)  # a cursor holds at most MAX_LIMIT
            position = Position(state=None)

        backend = await self.backends(self.connector)
        cached: SortedReport | None = None
        if spec.resume_key and resumed is not None and position.state is None and position.after is not None:
            # A report's next page: its rows may still be here from the call that started the chain.
            cached = self.report_cache.get(self._report_key(backend, entity, spec, resumed.params, choice.pushdown))
        progress = Progress(self.connector.tool_name)
        with request_budget(self.max_requests) as budget:
            try:
                async with progress.watching(budget):
                    records, positions, next_position, extra_meta = await self._collect(
                        backend, entity, spec, model, choice.pushdown, page_size, position, wanted, cached, progress
                    )
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                if resumed is None:
                    raise
                # Only the backend reads its page state: a cursor edited or forged outside breaks it there.
                log.warning("%s: cursor page state refused by the backend: %s", self.connector.id, type(exc).__name__)
                raise invalid_cursor() from None
        if budget.used > 1:
            extra_meta["vendor_requests"] = budget.used
            await progress.report(budget.used, budget.used)
        whole_report: SortedReport | None = extra_meta.pop(WHOLE_REPORT, None)

        # Params the backend resolved (dates in the account's time zone) replace what they came from, in
        # meta.params and in the cursor, so a cursor cut anywhere continues the very same range.
        resolved = extra_meta.pop("resolved_params", {})
        frozen = _resolved(_frozen_params(model), resolved)

        if choice.keep is None and (whole_report is not None or cached is not None):
            records = [dict(r) for r in records]  # the report cache's rows stay its own (projection copies anyway)
        records, warnings = shape(records, choice)
        if warnings:
            extra_meta.setdefault("warnings", []).extend(warnings)

        def cursor_at(where: Position | None) -> str | None:
            if where is None:
                return None
            return Cursor(
                connector=self.connector.id,
                entity=entity,
                action=spec.name,
                params=frozen,
                page_size=page_size,
                position=where,
                given=given,
                shown=meta["params"],
            ).encode()

        meta: dict[str, Any] = {
            "connector": self.connector.id,
            "entity": entity,
            "action": spec.name,
            "backend": backend.name,
            "returned": len(records),
            "fields": choice.label,
            **({"fields_hint": WIDEN_HINT} if choice.label == "default" else {}),
            "params": _resolved(model.model_dump(mode="json", exclude_defaults=True, exclude_none=True), resolved),
        }
        if self.sandbox:
            meta["sandbox"] = True
        meta.update(extra_meta)

        # The whole result must stay under the token cap: records get what meta and a cursor leave.
        if self.max_tokens is None:
            fitting = len(records)
        else:
            sample_cursor = cursor_at(positions[-1] if positions else next_position) or ""
            fitting = records_that_fit(records, {"data": [], "next_cursor": sample_cursor, "meta": meta}, self.max_tokens)
        if fitting < len(records):
            next_position = positions[fitting]
            records = records[:fitting]
            meta["returned"] = fitting
            meta.setdefault("warnings", []).append(
                f"result cut to {fitting} records to stay under ~{self.max_tokens:,} tokens "
                f"({MAX_RESULT_TOKENS_SETTING}); use fields to select less, or follow next_cursor"
            )
        next_cursor = cursor_at(next_position)
        if whole_report is not None and cached is None and next_cursor is not None:
            # The chain goes on: keep the report's rows under the query the cursor freezes.
            self.report_cache.put(self._report_key(backend, entity, spec, frozen, choice.pushdown), whole_report)
        return {"data": records, "next_cursor": next_cursor, "meta": meta}

    async def _preview(self, entity: str, spec: Action, raw_params: dict[str, Any], cursor: Any) -> dict[str, Any]:
        """A write action: read the current state and answer the plan with a change_id; nothing is written."""
        from .changes.preview import preview

        if cursor not in (None, ""):
            raise InvalidParams(f"{entity}.{spec.name} is a change preview and takes no cursor.", fix="Omit cursor.")
        if self.changes is None:
            raise InvalidParams(f"{entity}.{spec.name} is not available here.", fix="Call it through the MCP server.")
        model = validate_params(entity, spec, raw_params)
        return await preview(self.changes, self.connector, entity, spec, model)

    def _report_key(self, backend, entity: str, spec: Action, frozen: dict[str, Any], fields):
        return self.report_cache.key(backend, self.connector.id, entity, spec.name, frozen, fields)

    async def _collect(self, backend, entity, spec: Action, model, fields, page_size, position, wanted, cached, progress):
        records: list[dict[str, Any]] = []
        positions: list[Position] = []  # where each collected record can be resumed from
        meta: dict[str, Any] = {}
        state, skip = position.state, position.skip
        ahead: Ahead | None = None  # what the last page said about the pages after it
        if cached is not None:  # a report's rows kept by the call that started the chain: no request
            self._merge_meta(meta, copy.deepcopy(cached.meta))
            return self._by_key(cached, position, wanted, meta)
        fetched = 0
        while fetched < MAX_PAGES_PER_CALL:
            if fetched and exhausted():
                meta.setdefault("warnings", []).append(
                    f"stopped after {self.max_requests} vendor requests, this call's budget ({BUDGET_SETTING}); "
                    "the result is incomplete: follow next_cursor for the rest"
                )
                return records, positions, Position(state), meta
            batch = self._plan(ahead, state, wanted - len(records), MAX_PAGES_PER_CALL - fetched)
            if progress.wanted and ahead is not None:
                progress.total = self._planned_total(ahead, wanted - len(records))
            request = PageRequest(entity, spec.name, model, state, page_size, fields)
            pages = await self._fetch_all(backend, request, batch)
            fetched += len(batch)
            for page_state, page in zip(batch, pages, strict=True):
                if page_state != state:
                    break  # fetched ahead, but the pages before it ended elsewhere (a shorter list): dropped
                self._merge_meta(meta, page.meta)
                if ahead is not None and ahead.states and ahead.states[0] == state:
                    self._check_total(meta, ahead, page.ahead)
                if spec.resume_key and page.next_state is None and state is None:
                    report = meta[WHOLE_REPORT] = SortedReport.of(page, spec.resume_key)
                    return self._by_key(report, position, wanted, meta)
                fresh = page.records[skip:]
                room = wanted - len(records)
                for offset, record in enumerate(fresh[:room]):
                    records.append(record)
                    positions.append(Position(state, skip + offset))
                if len(fresh) > room:
                    return records, positions, Position(state, skip + room), meta
                if page.next_state is None:
                    return records, positions, None, meta
                state, skip, ahead = page.next_state, 0, page.ahead
                if len(records) >= wanted:
                    return records, positions, Position(state), meta
        meta.setdefault("warnings", []).append("stopped after many empty vendor pages; follow next_cursor")
        return records, positions, Position(state), meta

    def _plan(self, ahead: Ahead | None, state, room: int, pages_left: int) -> list[Any]:
        """The pages to fetch next: the one at `state`, and with it as many of the pages the vendor
        numbered ahead as this call still needs (at most `room` records), its request budget allows
        (one request each) and the concurrency setting permits. Never a page sequential paging would
        not have fetched: full pages fill `room` with exactly these."""
        if self.page_concurrency <= 1 or ahead is None or not ahead.states or ahead.states[0] != state:
            return [state]
        needed = -(-room // max(ahead.per_page, 1))
        left = remaining()
        count = min(self.page_concurrency, len(ahead.states), needed, pages_left, *([left] if left is not None else []))
        return ahead.states[: max(count, 1)]

    def _planned_total(self, ahead: Ahead | None, room: int) -> int | None:
        """Requests the call will have sent once it has the pages it needs, if every page is full."""
        left = remaining()
        if left is None or ahead is None:
            return None
        needed = -(-room // max(ahead.per_page, 1))
        return self.max_requests - left + min(needed, len(ahead.states), left)

    @staticmethod
    async def _fetch_all(backend, request: PageRequest, states: list[Any]) -> list[Page]:
        """The pages at `states`, fetched at once when there are several; the first failure (in page
        order) is raised and the fetches still running are cancelled."""
        if len(states) == 1:
            return [await backend.fetch(request)]
        tasks = [
            asyncio.ensure_future(
                backend.fetch(PageRequest(request.entity, request.action, request.params, s, request.page_size, request.fields))
            )
            for s in states
        ]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        finally:
            for task in tasks:
                if not task.done():
                    task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        for task in tasks:
            if not task.cancelled() and task.exception() is not None:
                raise task.exception()  # type: ignore[misc]
        return [task.result() for task in tasks]

    @staticmethod
    def _merge_meta(meta: dict[str, Any], page_meta: dict[str, Any]) -> None:
        for key, value in page_meta.items():
            if key == "resolved_params":  # defaults a backend resolved (dates in the account's time zone)
                meta.setdefault("resolved_params", {}).update(value)
            elif key == "warnings":
                meta.setdefault("warnings", []).extend(w for w in value if w not in meta.get("warnings", []))
            else:
                meta[key] = value

    @staticmethod
    def _check_total(meta: dict[str, Any], before: Ahead, now: Ahead | None) -> None:
        """Page numbers shift when records are added or removed between pages (paging one page at a
        time has the same risk): say so when the vendor's count changed while this call read them."""
        if now is None or before.total is None or now.total is None or now.total == before.total:
            return
        warning = (
            f"the vendor's record count changed from {before.total} to {now.total} while this call read its pages: "
            "records were added or removed meanwhile, so some may be missing or repeated; read the list again "
            "for a consistent copy"
        )
        if warning not in meta.get("warnings", []):
            meta.setdefault("warnings", []).append(warning)

    @staticmethod
    def _by_key(report: SortedReport, position: Position, wanted: int, meta):
        """A report re-run in full (or kept), sorted by its key: resume after the last key returned, so rows
        that appeared or vanished since the previous call never shift what comes next. Only this call's
        page is looked at: the place is found by bisection, the keys were computed once."""
        keys = report.keys
        start = report.start(position.after, position.skip)
        end = min(start + wanted, len(keys))
        after = tuple(position.after) if position.after is not None else None
        run = position.skip if start < len(keys) and keys[start] == after else 0
        positions = []
        for index in range(start, min(end + 1, len(keys))):
            if index > start and keys[index - 1] != keys[index]:
                run = 0
            # Records share a key only if a backend broke the key's promise; count them to stay exact.
            positions.append(Position(None, run, after=list(keys[index])))
            run += 1
        records = report.page(start, end - start)
        if end < len(keys):
            return records, positions[:-1], positions[-1], meta
        return records, positions, None, meta
