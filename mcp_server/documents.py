"""Agent-facing documents derived from the catalog: tool descriptions,
the catalog overview and per-entity docs (served as resources and by `describe`)."""

from __future__ import annotations

from typing import Any

from .catalog import PAGINATION_TEXT
from .connector import Connector
from .errors import InvalidParams
from .reporting.metrics import platform_document
from .validation import DEFAULT_LIMIT, MAX_LIMIT, choices


def _entity_line(connector: Connector) -> str:
    parts = []
    for entity in connector.catalog.entities.values():
        actions = list(entity.actions)
        parts.append(entity.name if actions == ["list"] else f"{entity.name} ({', '.join(actions)})")
    return ", ".join(parts)


def tool_description(connector: Connector) -> str:
    # Every byte here is in every agent's context: the entity enum and `describe` carry the details.
    return (
        f"{connector.summary}\n"
        f"params use the vendor's names; describe(connector=\"{connector.id}\", entity) gives an entity's params, "
        "defaults and fields.\n"
        "Returns {data, next_cursor, meta}: limit spans vendor pages; pass "
        "next_cursor as cursor for more. Records have default fields; fields=[\"a\",\"b.c\"] keeps those, [\"*\"] all."
    )


def catalog_document(connectors: list[Connector]) -> dict[str, Any]:
    return {
        "connectors": {
            c.id: {
                "title": c.title,
                "tool": c.tool_name,
                "entities": c.catalog.overview(),
            }
            for c in connectors
        },
        "how_to": "describe(connector, entity) or connectors://{connector}/{entity} gives params, defaults and fields.",
    }


def connector_document(connector: Connector, writes: str | None = None) -> dict[str, Any]:
    return {
        "connector": connector.id,
        "title": connector.title,
        "tool": connector.tool_name,
        "summary": connector.summary,
        "entities": connector.catalog.overview(),
        "pagination": PAGINATION_TEXT,
        **({"ads_report": platform_document(connector.report)} if connector.report else {}),
        **writes_document(connector, writes),
    }


def writes_document(connector: Connector, writes: str | None) -> dict[str, Any]:
    """Whether this connector's write actions can be applied here, and what they need."""
    if connector.writes is None:
        return {}
    info: dict[str, Any] = {"state": writes or "see CONNECTOR_MCP_WRITES", "how": WRITES_HOW}
    if connector.writes.permissions:
        info["permissions"] = connector.writes.permissions
    if connector.writes.hosted_refusal:
        info["hosted_mode"] = "refused: " + connector.writes.hosted_refusal
    return {"writes": info}


WRITES_HOW = (
    "A write action previews: it reads the current state and answers one record per object (current and "
    "proposed values) with meta.change_id; nothing is written. apply_change(change_id) applies it once."
)


def entity_document(connector: Connector, entity: str, writes: str | None = None) -> dict[str, Any]:
    spec = connector.catalog.entities.get(entity)
    if spec is None:
        raise InvalidParams(
            f"{connector.id} has no entity {entity!r}.", fix=choices(entity, list(connector.catalog.entities))
        )
    document = {"connector": connector.id, "tool": connector.tool_name, **spec.document()}
    for name, action in spec.actions.items():
        if action.write and connector.writes is not None:
            handler = connector.writes.handler(entity, name)
            document["actions"][name]["guardrails"] = list(handler.guardrails)
            document["actions"][name]["writes"] = writes or "see CONNECTOR_MCP_WRITES"
    return document
