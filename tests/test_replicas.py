"""Stateless scale-out (issue 10): two `--demo serve --transport http --stateless` replicas behind a
round-robin balancer with no sticky sessions. One MCP client session follows cursor chains while its
requests alternate between the replicas; what it reads equals one replica's full read."""

from __future__ import annotations

import itertools
import json

import httpx
import pytest
from fastmcp import Client
from fastmcp.client.transports import StreamableHttpTransport
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mcp_server.sandbox.serve import serve_in_thread

from .conftest import CANARIES
from .server_process import ServerProcess, clean_env

# The same key on both replicas: each one's cursors are signed with it, so either replica can follow a chain.
SECRET_KEY = CANARIES["CONNECTOR_MCP_SECRET_KEY"]

TIKTOK_ADS = ("tiktok_marketing_execute", {"entity": "ads", "action": "list", "fields": ["*"]})
LINKEDIN_REPORT = (
    "linkedin_ads_execute",
    {
        "entity": "ad_campaign_analytics",
        "action": "list",
        "params": {"dateRange": {"start": "2026-10-01", "end": "2026-10-05"}, "timeGranularity": "DAILY"},
    },
)
HOP_BY_HOP = {"host", "content-length", "transfer-encoding", "connection", "content-encoding", "keep-alive"}


def round_robin(upstreams: list[str]) -> tuple[Starlette, list[str]]:
    """A load balancer that sends each request to the next replica (nginx's default upstream policy)."""
    turn = itertools.cycle(upstreams)
    routed: list[str] = []

    async def forward(request: Request) -> Response:
        upstream = next(turn)
        routed.append(upstream)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        async with httpx.AsyncClient(timeout=60) as client:
            answer = await client.request(request.method, upstream, content=await request.body(), headers=headers)
        kept = {k: v for k, v in answer.headers.items() if k.lower() not in HOP_BY_HOP}
        return Response(answer.content, status_code=answer.status_code, headers=kept)

    return Starlette(routes=[Route("/mcp", forward, methods=["GET", "POST", "DELETE"])]), routed


@pytest.fixture(scope="module")
def replicas(tmp_path_factory):
    cwd = tmp_path_factory.mktemp("replicas")
    servers = [
        ServerProcess("--demo", "serve", "--transport", "http", "--stateless", env=clean_env(CONNECTOR_MCP_SECRET_KEY=SECRET_KEY), cwd=cwd)
        for _ in range(2)
    ]
    try:
        yield [server.wait_until_listening() for server in servers]
    finally:
        for server in servers:
            server.stop()
    for server in servers:
        assert "Traceback" not in server.stderr()
        assert "(stateless)" in server.stderr()
        assert "cursors are signed with CONNECTOR_MCP_SECRET_KEY" in server.stderr()


async def read_chain(client: Client, tool: str, arguments: dict, limit: int) -> tuple[list[dict], int]:
    """Every record of one cursor chain, and how many calls it took."""
    records, cursor, calls = [], None, 0
    while True:
        result = await client.call_tool(tool, {**arguments, "limit": limit, **({"cursor": cursor} if cursor else {})})
        records += result.structured_content["data"]
        cursor, calls = result.structured_content["next_cursor"], calls + 1
        if not cursor:
            return records, calls
        assert calls < 100, "the chain does not end"


def canonical(records: list[dict]) -> list[str]:
    return [json.dumps(record, sort_keys=True) for record in records]


async def full_read(url: str, tool: str, arguments: dict) -> list[dict]:
    async with Client(StreamableHttpTransport(url)) as client:
        records, _ = await read_chain(client, tool, arguments, limit=1000)
    return records


@pytest.mark.parametrize("case", [TIKTOK_ADS, LINKEDIN_REPORT], ids=["tiktok-ads", "linkedin-analytics"])
@pytest.mark.parametrize("mode", ["2026-07-28", "legacy"])
async def test_one_cursor_chain_across_two_replicas(replicas, case, mode):
    tool, arguments = case
    first, second = [await full_read(replica.url, tool, arguments) for replica in replicas]
    # The premise: each replica's own sandbox holds the same records (seeded, dated from today).
    assert first and canonical(first) == canonical(second)

    app, routed = round_robin([replica.url for replica in replicas])
    with serve_in_thread(app) as balancer_url:
        async with Client(StreamableHttpTransport(f"{balancer_url}/mcp"), mode=mode) as client:
            chained, calls = await read_chain(client, tool, arguments, limit=5)

    assert calls >= 5  # a real chain, each link possibly on the other replica
    assert {replica.url for replica in replicas} == set(routed)  # both replicas answered links
    assert canonical(chained) == canonical(first)  # same records, same order: no duplicate, no gap
