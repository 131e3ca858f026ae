"""A write action called through `*_execute`: read the current state, plan, sign. Never writes."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from ..errors import InvalidParams
from .change_id import Change
from .summary import summary

if TYPE_CHECKING:
    from ..catalog import Action
    from ..connector import Connector
    from .service import Changes


ECHO_MAX_CHARS = 2000  # meta.params repeats what the agent sent; a long list is named, not repeated
ECHO_MAX_ITEMS = 10


def _echo(params: dict[str, Any]) -> dict[str, Any]:
    if len(json.dumps(params, default=str)) <= ECHO_MAX_CHARS:
        return params
    return {k: f"{len(v)} items (the plan in data shows them)" if isinstance(v, list) and len(v) > ECHO_MAX_ITEMS else v
            for k, v in params.items()}  # fmt: skip


async def preview(changes: Changes, connector: Connector, entity: str, spec: Action, model: BaseModel) -> dict[str, Any]:
    assert connector.writes is not None
    handler = connector.writes.handler(entity, spec.name)
    ctx = await changes.context(connector)
    snapshot = await handler.read(ctx, model)
    proposal = handler.plan(ctx, model, snapshot)
    if not proposal.objects or not proposal.calls:
        raise InvalidParams("this change changes nothing: every field already has the proposed value.",
                            fix="Pass a value that differs from the current one.")  # fmt: skip
    change = Change(
        connector=connector.id,
        entity=entity,
        action=spec.name,
        params=model.model_dump(mode="json", exclude_none=True),
        account=proposal.account,
        objects=proposal.objects,
        calls=proposal.calls,
        notices=proposal.notices,
        expires=time.time() + changes.ttl,
        mode=ctx.mode,
    )
    meta: dict[str, Any] = {
        "connector": connector.id,
        "entity": entity,
        "action": spec.name,
        "backend": ctx.backend.name,
        "preview": True,
        "returned": len(change.objects),
        "account": change.account,
        "params": _echo(change.params),
        "change_id": change.encode(changes.held),
        "expires_at": change.expires_at,
        "summary": summary(connector, change),
        "writes": changes.writes_state(),
    }
    if change.notices:
        meta["notices"] = change.notices
    if ctx.sandbox:
        meta["sandbox"] = True
    return {"data": [o.record() for o in change.objects], "next_cursor": None, "meta": meta}
