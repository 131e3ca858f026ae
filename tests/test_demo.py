"""--demo: every entity of every connector answers from the in-process sandbox."""

from __future__ import annotations

import pytest
from fastmcp import Client

from mcp_server.connectors import REGISTRY
from mcp_server.server import build_server
from mcp_server.settings import ServerSettings

LISTS = [(c.id, e) for c in REGISTRY.values() for e, spec in c.catalog.entities.items() if "list" in spec.actions]
GETS = [(c.id, e) for c in REGISTRY.values() for e, spec in c.catalog.entities.items() if "get" in spec.actions]

# The record field holding the id that `get` takes, per connector.
ID_FIELD = {"linkedin-ads": "id"}


@pytest.fixture(scope="module")
def server():
    return build_server(ServerSettings(demo=True))


@pytest.mark.parametrize("era", ["current", "legacy"])
@pytest.mark.parametrize("connector_id,entity", LISTS)
async def test_every_list_answers_in_demo(server, connector_id, entity, era):
    """Both protocol eras: 2026-07-28 (sessionless) and the 2025-11-25 handshake."""
    tool = REGISTRY[connector_id].tool_name
    async with Client(server, **({"mode": "legacy"} if era == "legacy" else {})) as c:
        result = await c.call_tool(tool, {"entity": entity, "action": "list", "limit": 3})
    body = result.structured_content
    assert 1 <= len(body["data"]) <= 3, body
    assert body["meta"]["sandbox"] is True
    assert body["meta"]["entity"] == entity


@pytest.mark.parametrize("connector_id,entity", GETS)
async def test_every_get_answers_in_demo(server, connector_id, entity):
    tool = REGISTRY[connector_id].tool_name
    async with Client(server) as c:
        listed = await c.call_tool(tool, {"entity": entity, "action": "list", "limit": 1})
        record = listed.structured_content["data"][0]
        got = await c.call_tool(tool, {"entity": entity, "action": "get", "params": {"id": record[ID_FIELD[connector_id]]}})
    assert got.structured_content["data"][0][ID_FIELD[connector_id]] == record[ID_FIELD[connector_id]]
