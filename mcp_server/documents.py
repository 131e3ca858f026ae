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
        f"Returns {{data, next_cursor, meta}}: limit (default {DEFAULT_LIMIT}, max {MAX_LIMIT}) spans vendor pages; pass "
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


def connector_document(connector: Connector) -> dict[str, Any]:
    return {
        "connector": connector.id,
        "title": connector.title,
        "tool": connector.tool_name,
        "summary": connector.summary,
        "entities": connector.catalog.overview(),
        "pagination": PAGINATION_TEXT,
        **({"ads_report": platform_document(connector.report)} if connector.report else {}),
    }


def entity_document(connector: Connector, entity: str) -> dict[str, Any]:
    spec = connector.catalog.entities.get(entity)
    if spec is None:
        raise InvalidParams(
            f"{connector.id} has no entity {entity!r}.", fix=choices(entity, list(connector.catalog.entities))
        )
    return {"connector": connector.id, "tool": connector.tool_name, **spec.document()}
