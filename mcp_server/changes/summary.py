"""The one paragraph a person reads before confirming (elicitation, the terminal, the preview's meta)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..connector import Connector
    from .change_id import Change

MAX_OBJECTS_SHOWN = 10


def value_text(value: Any) -> str:
    """A field value as a person reads it: money as "60 USD", objects as compact JSON, nothing as (none)."""
    if value is None:
        return "(none)"
    if isinstance(value, dict) and set(value) == {"amount", "currencyCode"}:
        return f"{value['amount']} {value['currencyCode'] or ''}".strip()
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    return str(value)




def summary(connector: Connector, change: Change) -> str:
    where = f" in account {change.account}" if change.account else ""
    count = len(change.objects)
    parts = []
    for obj in change.objects[:MAX_OBJECTS_SHOWN]:
        name = f"{obj.label!r} ({obj.object_id})" if obj.label and obj.object_id else obj.label or obj.object_id or "new"
        if obj.kind == "create":
            fields = ", ".join(f"{k}={value_text(v)}" for k, v in (obj.new_object or {}).items())
            parts.append(f"create {name}: {fields}")
        else:
            fields = ", ".join(f"{k} {value_text(c.current)} → {value_text(c.proposed)}" for k, c in obj.fields.items())
            parts.append(f"{obj.kind} {name}: {fields}")
    if count > MAX_OBJECTS_SHOWN:
        parts.append(f"and {count - MAX_OBJECTS_SHOWN} more")
    objects = "1 object" if count == 1 else f"{count} objects"
    text = f"{connector.title}{where}, {change.entity} {change.action} ({objects}): " + "; ".join(parts) + "."
    for notice in change.notices:
        text += f" {notice}"
    return text + " Nothing is sent unless this is confirmed."
