"""Run one execute call: validate, page through the backend, shape the result."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel

from .backends.base import Backend, PageRequest
from .connector import Connector
from .cursor import Cursor, Position
from .errors import InvalidParams
from .shaping import fit_budget, missing_fields, project
from .validation import parse_fields, parse_limit, parse_params, resolve_action, validate_params

# A safety stop: a backend that keeps answering empty pages must not spin forever.
MAX_PAGES_PER_CALL = 100

BackendProvider = Callable[[Connector], Awaitable[Backend]]


def _frozen_params(params: BaseModel) -> dict[str, Any]:
    return params.model_dump(mode="json", exclude_none=True)


class Executor:
    def __init__(self, connector: Connector, backends: BackendProvider, *, sandbox: bool, max_chars: int):
        self.connector = connector
        self.backends = backends
        self.sandbox = sandbox
        self.max_chars = max_chars

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
        field_list = parse_fields(fields)
        wanted = parse_limit(limit)
        model = validate_params(entity, spec, raw_params)

        if cursor:
            if not isinstance(cursor, str):
                raise InvalidParams("cursor must be a string.", fix="Pass next_cursor unchanged.")
            resumed = Cursor.decode(cursor)
            if (resumed.connector, resumed.entity, resumed.action) != (self.connector.id, entity, spec.name):
                raise InvalidParams(
                    f"cursor belongs to {resumed.entity}.{resumed.action}, not {entity}.{spec.name}.",
                    fix="Call with the entity and action the cursor came from, or omit cursor.",
                )
            given = model.model_dump(mode="json", exclude_unset=True, exclude_none=True)
            clash = [k for k, v in given.items() if resumed.params.get(k) != v]
            if clash:
                raise InvalidParams(
                    f"params {', '.join(clash)} differ from the query the cursor continues.",
                    fix="Resend the same params (or none) with the cursor, or omit cursor to start a new query.",
                )
            model = validate_params(entity, spec, resumed.params)
            page_size, position = resumed.page_size, resumed.position
        else:
            page_size = min(wanted, spec.max_page_size or wanted)
            position = Position(state=None)

        backend = await self.backends(self.connector)
        records, positions, next_position, extra_meta = await self._collect(
            backend, entity, spec.name, model, field_list, page_size, position, wanted
        )

        if field_list:
            unknown = missing_fields(records, field_list)
            records = [project(r, field_list) for r in records]
            if unknown:
                extra_meta.setdefault("warnings", []).append(
                    f"no record has field(s) {', '.join(unknown)}; `describe` lists the main fields"
                )
        fitting = fit_budget(records, self.max_chars)
        if fitting < len(records):
            next_position = positions[fitting]
            records = records[:fitting]
            extra_meta.setdefault("warnings", []).append(
                f"result cut to {fitting} records to stay under {self.max_chars} characters; "
                "use fields to select less, or follow next_cursor"
            )

        next_cursor = None
        if next_position is not None:
            next_cursor = Cursor(
                connector=self.connector.id,
                entity=entity,
                action=spec.name,
                params=_frozen_params(model),
                page_size=page_size,
                position=next_position,
            ).encode()

        meta: dict[str, Any] = {
            "connector": self.connector.id,
            "entity": entity,
            "action": spec.name,
            "backend": backend.name,
            "returned": len(records),
            "params": model.model_dump(mode="json", exclude_defaults=True, exclude_none=True),
        }
        if self.sandbox:
            meta["sandbox"] = True
        meta.update(extra_meta)
        return {"data": records, "next_cursor": next_cursor, "meta": meta}

    async def _collect(self, backend, entity, action, model, fields, page_size, position, wanted):
        records: list[dict[str, Any]] = []
        positions: list[Position] = []  # where each collected record can be resumed from
        meta: dict[str, Any] = {}
        state, skip = position.state, position.skip
        for _ in range(MAX_PAGES_PER_CALL):
            page = await backend.fetch(PageRequest(entity, action, model, state, page_size, fields))
            for key, value in page.meta.items():
                if key == "warnings":
                    meta.setdefault("warnings", []).extend(w for w in value if w not in meta.get("warnings", []))
                else:
                    meta[key] = value
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
