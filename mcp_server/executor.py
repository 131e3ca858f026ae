"""Run one execute call: validate, page through the backend, shape the result."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel

from .backends.base import Backend, PageRequest
from .budget import DEFAULT_MAX_REQUESTS, exhausted, request_budget
from .budget import SETTING as BUDGET_SETTING
from .catalog import Action
from .connector import Connector
from .cursor import Cursor, Position
from .errors import InvalidParams
from .shaping import (
    DEFAULT_MAX_RESULT_TOKENS,
    MAX_RESULT_TOKENS_SETTING,
    WIDEN_HINT,
    chars_for,
    choose_fields,
    compact_json,
    fit_budget,
    shape,
)
from .validation import parse_fields, parse_limit, parse_params, resolve_action, validate_params

log = logging.getLogger("mcp_server.executor")

# A safety stop: a backend that keeps answering empty pages must not spin forever.
MAX_PAGES_PER_CALL = 100
# Room kept in the size budget, beside meta and the cursor as measured, for the cut warning itself.
CUT_WARNING_ROOM = 300

BackendProvider = Callable[[Connector], Awaitable[Backend]]
SortKey = list[str]


def _frozen_params(params: BaseModel) -> dict[str, Any]:
    return params.model_dump(mode="json", exclude_none=True)


def _resolved(params: dict[str, Any], resolved: dict[str, Any]) -> dict[str, Any]:
    """params with a backend's resolved values; a None there removes the param it replaced (a preset)."""
    merged = {**params, **resolved}
    return {k: v for k, v in merged.items() if v is not None}


def sort_key(record: dict[str, Any], fields: tuple[str, ...]) -> SortKey:
    """A total order over records of a re-run report: each key field as canonical JSON."""
    return [json.dumps(record.get(name), sort_keys=True, separators=(",", ":")) for name in fields]


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


class Executor:
    def __init__(
        self,
        connector: Connector,
        backends: BackendProvider,
        *,
        sandbox: bool,
        max_tokens: int = DEFAULT_MAX_RESULT_TOKENS,
        max_requests: int = DEFAULT_MAX_REQUESTS,
    ):
        self.connector = connector
        self.backends = backends
        self.sandbox = sandbox
        self.max_tokens = max_tokens
        self.max_requests = max_requests

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
        choice = choose_fields(parse_fields(fields), spec.default_fields)
        wanted = parse_limit(limit)
        resumed = None
        if cursor is not None and cursor != "":
            if not isinstance(cursor, str):
                raise InvalidParams("cursor must be a string.", fix="Pass next_cursor unchanged.")
            resumed = Cursor.decode(cursor)
            if (resumed.connector, resumed.entity, resumed.action) != (self.connector.id, entity, spec.name):
                raise InvalidParams(
                    f"cursor belongs to {resumed.entity}.{resumed.action}, not {entity}.{spec.name}.",
                    fix="Call with the entity and action the cursor came from, or omit cursor.",
                )
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
        else:
            page_size = min(wanted, spec.max_page_size or wanted)
            position = Position(state=None)

        backend = await self.backends(self.connector)
        with request_budget(self.max_requests) as budget:
            try:
                records, positions, next_position, extra_meta = await self._collect(
                    backend, entity, spec, model, choice.pushdown, page_size, position, wanted
                )
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                if resumed is None:
                    raise
                # Only the backend reads its page state: a cursor edited or forged outside breaks it there.
                log.warning("%s: cursor page state refused by the backend: %s", self.connector.id, type(exc).__name__)
                raise InvalidParams(
                    "cursor is not valid.",
                    fix="Pass next_cursor from the previous result unchanged, or omit cursor to start over.",
                ) from None
        if budget.used > 1:
            extra_meta["vendor_requests"] = budget.used

        # Params the backend resolved (dates in the account's time zone) replace what they came from, in
        # meta.params and in the cursor, so a cursor cut anywhere continues the very same range.
        resolved = extra_meta.pop("resolved_params", {})
        frozen = _resolved(_frozen_params(model), resolved)

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
        sample_cursor = cursor_at(positions[-1] if positions else next_position) or ""
        envelope = len(compact_json({"data": [], "next_cursor": sample_cursor, "meta": meta})) + CUT_WARNING_ROOM
        fitting = fit_budget(records, chars_for(self.max_tokens) - envelope)
        if fitting < len(records):
            next_position = positions[fitting]
            records = records[:fitting]
            meta["returned"] = fitting
            meta.setdefault("warnings", []).append(
                f"result cut to {fitting} records to stay under ~{self.max_tokens:,} tokens "
                f"({MAX_RESULT_TOKENS_SETTING}); use fields to select less, or follow next_cursor"
            )
        return {"data": records, "next_cursor": cursor_at(next_position), "meta": meta}

    async def _collect(self, backend, entity, spec: Action, model, fields, page_size, position, wanted):
        records: list[dict[str, Any]] = []
        positions: list[Position] = []  # where each collected record can be resumed from
        meta: dict[str, Any] = {}
        state, skip = position.state, position.skip
        for page_number in range(MAX_PAGES_PER_CALL):
            if page_number and exhausted():
                meta.setdefault("warnings", []).append(
                    f"stopped after {self.max_requests} vendor requests, this call's budget ({BUDGET_SETTING}); "
                    "the result is incomplete: follow next_cursor for the rest"
                )
                return records, positions, Position(state), meta
            page = await backend.fetch(PageRequest(entity, spec.name, model, state, page_size, fields))
            for key, value in page.meta.items():
                if key == "resolved_params":  # defaults a backend resolved (dates in the account's time zone)
                    meta.setdefault("resolved_params", {}).update(value)
                elif key == "warnings":
                    meta.setdefault("warnings", []).extend(w for w in value if w not in meta.get("warnings", []))
                else:
                    meta[key] = value
            if spec.resume_key and page.next_state is None and state is None:
                return self._by_key(page.records, spec.resume_key, position, wanted, meta)
            fresh = page.records[skip:]
            room = wanted - len(records)
            for offset, record in enumerate(fresh[:room]):
                records.append(record)
                positions.append(Position(state, skip + offset))
            if len(fresh) > room:
                return records, positions, Position(state, skip + room), meta
            if page.next_state is None:
                return records, positions, None, meta
            state, skip = page.next_state, 0
            if len(records) >= wanted:
                return records, positions, Position(state), meta
        meta.setdefault("warnings", []).append("stopped after many empty vendor pages; follow next_cursor")
        return records, positions, Position(state), meta

    @staticmethod
    def _by_key(rows: list[dict[str, Any]], key_fields: tuple[str, ...], position: Position, wanted: int, meta):
        """A report re-run in full: sort by its key and resume after the last key returned, so rows
        that appeared or vanished since the previous call never shift what comes next."""
        keyed = sorted(((sort_key(r, key_fields), r) for r in rows), key=lambda pair: pair[0])
        if position.after is not None:
            start = next((i for i, (k, _) in enumerate(keyed) if k >= position.after), len(keyed))
            same = 0
            while start < len(keyed) and keyed[start][0] == position.after and same < position.skip:
                start, same = start + 1, same + 1
            keyed = keyed[start:]
        records, positions = [], []
        run = position.skip if keyed and keyed[0][0] == position.after else 0
        for index, (key, record) in enumerate(keyed):
            if index and keyed[index - 1][0] != key:
                run = 0
            # Records share a key only if a backend broke the key's promise; count them to stay exact.
            positions.append(Position(None, run, after=key))
            records.append(record)
            run += 1
        if len(records) > wanted:
            return records[:wanted], positions[:wanted], positions[wanted], meta
        return records, positions, None, meta
