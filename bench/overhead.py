"""MCP-layer overhead vs the bare backend, and peak memory of a large call (ratios, one run)."""

from __future__ import annotations

import asyncio
import time
import tracemalloc

from fastmcp import Client

from mcp_server.backends.base import PageRequest
from mcp_server.connectors import REGISTRY
from mcp_server.runtime import Runtime
from mcp_server.server import build_server
from mcp_server.settings import ServerSettings

ROUNDS = 40


async def bare_backend_seconds() -> float:
    settings = ServerSettings(demo=True)
    runtime = Runtime(settings, list(REGISTRY.values()))
    connector = REGISTRY["tiktok-marketing"]
    backend = await runtime.backend(connector)
    params = connector.catalog.entities["campaigns"].actions["list"].params.model_validate({})
    start = time.perf_counter()
    for _ in range(ROUNDS):
        await backend.fetch(PageRequest("campaigns", "list", params, None, 10))
    elapsed = time.perf_counter() - start
    await runtime.aclose()
    return elapsed / ROUNDS


async def mcp_seconds() -> float:
    async with Client(build_server(ServerSettings(demo=True))) as client:
        await client.call_tool("tiktok_marketing_execute", {"entity": "campaigns", "action": "list", "limit": 10})
        start = time.perf_counter()
        for _ in range(ROUNDS):
            await client.call_tool("tiktok_marketing_execute", {"entity": "campaigns", "action": "list", "limit": 10})
        return (time.perf_counter() - start) / ROUNDS


REPORT = {"entity": "ads_reports_daily", "action": "list", "limit": 1000, "fields": "ad_id,spend"}


async def bare_peak_memory() -> tuple[int, int]:
    """Peak memory and row count when the bare backend pages through the same 1,000 report rows."""
    runtime = Runtime(ServerSettings(demo=True), list(REGISTRY.values()))
    connector = REGISTRY["tiktok-marketing"]
    backend = await runtime.backend(connector)
    params = connector.catalog.entities["ads_reports_daily"].actions["list"].params.model_validate({})
    rows, state = [], None
    tracemalloc.start()
    while len(rows) < 1000:
        page = await backend.fetch(PageRequest("ads_reports_daily", "list", params, state, 1000))
        rows += page.records
        if page.next_state is None:
            break
        state = page.next_state
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    await runtime.aclose()
    return peak, len(rows)


async def mcp_peak_memory() -> tuple[int, int]:
    async with Client(build_server(ServerSettings(demo=True))) as client:
        tracemalloc.start()
        result = await client.call_tool("tiktok_marketing_execute", REPORT)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak, len(result.structured_content["data"])


async def main() -> None:
    bare = await bare_backend_seconds()
    full = await mcp_seconds()
    print(f"bare backend: {bare * 1000:.2f} ms/call; through MCP: {full * 1000:.2f} ms/call; ratio {full / bare:.2f}x (target <= 3x)")
    bare_peak, bare_rows = await bare_peak_memory()
    mcp_peak, mcp_rows = await mcp_peak_memory()
    print(
        f"report pull: bare backend peak {bare_peak / 1e6:.1f} MB ({bare_rows} rows); through MCP {mcp_peak / 1e6:.1f} MB "
        f"({mcp_rows} rows); ratio {mcp_peak / bare_peak:.2f}x (target <= 2x)"
    )


if __name__ == "__main__":
    asyncio.run(main())
