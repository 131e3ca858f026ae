"""MCP-layer overhead vs the bare backend, and peak memory of a large call (ratios, one run)."""

from __future__ import annotations

import asyncio
import json
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


async def peak_memory_ratio() -> tuple[int, int]:
    async with Client(build_server(ServerSettings(demo=True))) as client:
        tracemalloc.start()
        result = await client.call_tool("tiktok_marketing_execute", {"entity": "ads_reports_daily", "action": "list", "limit": 1000})
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak, len(json.dumps(result.structured_content))


async def main() -> None:
    bare = await bare_backend_seconds()
    full = await mcp_seconds()
    print(f"bare backend: {bare * 1000:.2f} ms/call; through MCP: {full * 1000:.2f} ms/call; ratio {full / bare:.2f}x (target <= 3x)")
    peak, size = await peak_memory_ratio()
    print(f"1000-row report: peak traced memory {peak / 1e6:.1f} MB for {size / 1e6:.2f} MB of JSON; ratio {peak / size:.1f}x (target <= 20x)")


if __name__ == "__main__":
    asyncio.run(main())
