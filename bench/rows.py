"""The rows of `python -m bench`, one function per group; each returns its rows (figures as ratios or counts)."""

from __future__ import annotations

import datetime as dt
import json
import math
import statistics
import time
from dataclasses import dataclass
from typing import Any

import httpx
import mcp.types
from fastmcp import Client

from bench import load
from bench.harness import (
    MINIMAL,
    NO_PACE,
    SERVER,
    Fakes,
    base_env,
    child_pids,
    direct_settings,
    environ,
    memory_kib,
    percentile,
    stdio_client,
)
from bench.fakes import BIG_TIKTOK
from mcp_server.shaping import compact_json

TT, LI = "tiktok_marketing_execute", "linkedin_ads_execute"
ADS_25 = {"entity": "ads", "action": "list", "limit": 25}
CAMPAIGNS_25 = {"entity": "campaigns", "action": "list", "limit": 25}
MIB = 1024  # KiB per MiB


@dataclass
class Row:
    name: str
    figure: str
    target: str
    detail: str


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


# --- 1. cold start, and RSS after start (shared with the memory rows) ---

_spawns: dict[str, list[tuple[float, int]]] = {}  # "ours"/"minimal" -> (seconds to tools/list, VmRSS KiB)


async def spawn_once(argv: list[str]) -> tuple[float, int]:
    before = child_pids()
    start = time.perf_counter()
    async with stdio_client(argv, base_env()) as client:
        await client.list_tools()
        seconds = time.perf_counter() - start
        (pid,) = child_pids() - before
        return seconds, memory_kib(pid)["VmRSS"]


async def spawns(quick: bool) -> dict[str, list[tuple[float, int]]]:
    if not _spawns:
        n = 1 if quick else 11
        for i in range(n):  # interleaved, the order flipped each round, so drift hits both alike
            order = [("ours", [*SERVER, "--demo"]), ("minimal", MINIMAL)]
            for name, argv in order if i % 2 == 0 else order[::-1]:
                _spawns.setdefault(name, []).append(await spawn_once(argv))
    return _spawns


async def startup(fakes: Fakes, quick: bool) -> list[Row]:
    runs = await spawns(quick)
    ours, minimal = (statistics.median(s for s, _ in runs[k]) for k in ("ours", "minimal"))
    return [
        Row("1 cold start: spawn -> tools/list, ours / minimal FastMCP", f"{ours / minimal:.2f}x", "<= 1.00x",
            f"median of {len(runs['ours'])} interleaved stdio spawns each: {ms(ours)} vs {ms(minimal)} (--demo)"),
    ]  # fmt: skip


# --- 2. call overhead ---


def vendor_request(fakes: Fakes, connector_id: str, fragment: str) -> tuple[str, dict[str, str]]:
    """The URL and headers of the last request the server sent to `fragment`, to replay it raw."""
    request = [r for r in fakes.requests(connector_id) if fragment in r["path"]][-1]
    headers = {k: v for k, v in request["headers"].items() if k not in ("host", "content-length")}
    return f"{fakes.urls[connector_id]}{request['path']}?{request['query']}", headers


async def interleaved(client: Client, url: str, headers: dict[str, str], blocks: int, per_block: int) -> tuple[list[float], list[float]]:
    """Blocks of `per_block` MCP calls and as many raw GET + .json() of the same URL, the order flipped each block."""
    ours: list[float] = []
    raw: list[float] = []
    with httpx.Client() as http:

        async def mcp_block() -> None:
            for _ in range(per_block):
                start = time.perf_counter()
                result = await client.call_tool(TT, ADS_25)
                ours.append(time.perf_counter() - start)
                assert len(result.structured_content["data"]) == 25

        def raw_block() -> None:
            for _ in range(per_block):
                start = time.perf_counter()
                reply = http.get(url, headers=headers).json()
                raw.append(time.perf_counter() - start)
                assert len(reply["data"]["list"]) == 25

        raw_block()  # warm both connections
        await client.call_tool(TT, ADS_25)
        for block in range(blocks):
            if block % 2 == 0:
                await mcp_block()
                raw_block()
            else:
                raw_block()
                await mcp_block()
    return ours, raw


def overhead_rows(where: str, ours: list[float], raw: list[float]) -> list[Row]:
    p50, p99 = (percentile(ours, p) / percentile(raw, p) for p in (50, 99))
    detail = f"{len(ours)} calls each, TikTok ads limit 25: p50 {ms(percentile(ours, 50))} vs {ms(percentile(raw, 50))}"
    return [
        Row(f"2 call overhead {where}: p50 / raw httpx GET", f"{p50:.2f}x", "<= 2.00x", detail),
        Row(f"2 call overhead {where}: p99 / raw httpx GET", f"{p99:.2f}x", "-",
            f"p99 {ms(percentile(ours, 99))} vs {ms(percentile(raw, 99))}"),
    ]  # fmt: skip


async def overhead(fakes: Fakes, quick: bool) -> list[Row]:
    blocks, per_block = (4, 5) if quick else (20, 25)
    env = base_env(**direct_settings(fakes.urls))
    table = []
    async with stdio_client(SERVER, env) as client:
        await client.call_tool(TT, ADS_25)
        url, headers = vendor_request(fakes, "tiktok-marketing", "/ad/get/")
        table += overhead_rows("over stdio", *await interleaved(client, url, headers, blocks, per_block))
    from mcp_server.server import build_server
    from mcp_server.settings import ServerSettings

    with environ(env):
        async with Client(build_server(ServerSettings())) as client:
            table += overhead_rows("in memory", *await interleaved(client, url, headers, blocks, per_block))
    return table


# --- 3. multi-page pulls ---

LATENCY = 0.05  # seconds per vendor page (the TikTok fake's latency control)
ADS = 2_500
PAGE_SIZE = 100  # 25 pages; limit 1000 per call, so 3 calls along next_cursor


def big_tiktok_settings(fakes: Fakes, paced: bool = False, **settings: str) -> dict[str, str]:
    """Direct mode with TikTok aimed at the enlarged fake (paced: TikTok's default client pace), `settings` on top."""
    env = base_env(**direct_settings({**fakes.urls, "tiktok-marketing": fakes.urls[BIG_TIKTOK]}), **settings)
    if paced:
        del env["TIKTOK_MARKETING_MAX_QPS"]
    return env


async def pull_ads(client: Client, arguments: dict[str, Any]) -> list[str]:
    """Every ad id along the cursor chain that starts with `arguments`."""
    ids: list[str] = []
    cursor = None
    while True:
        result = await client.call_tool(TT, {**arguments, **({"cursor": cursor} if cursor else {})})
        ids += [ad["ad_id"] for ad in result.structured_content["data"]]
        if not (cursor := result.structured_content.get("next_cursor")):
            return ids


async def paging_ratio(fakes: Fakes, repeats: int, paced: bool) -> tuple[float, float, float, bool, list[str]]:
    """Median seconds of the whole pull with page concurrency 6 and 1, interleaved, order flipped each
    round; whether every pull gave the same ids in the same order; the ids."""
    arguments = {"entity": "ads", "action": "list", "limit": 1000, "fields": ["ad_id"], "params": {"page_size": PAGE_SIZE}}
    times: dict[str, list[float]] = {"6": [], "1": []}
    pulls: list[list[str]] = []
    async with (stdio_client(SERVER, big_tiktok_settings(fakes, paced, CONNECTOR_MCP_PAGE_CONCURRENCY="6")) as six,
                stdio_client(SERVER, big_tiktok_settings(fakes, paced, CONNECTOR_MCP_PAGE_CONCURRENCY="1")) as one):
        for client in (six, one):  # warm: imports, the connection, the rate limiter
            await client.call_tool(TT, {"entity": "ads", "action": "list", "limit": 1})
        for i in range(repeats):
            order = [("6", six), ("1", one)]
            for name, client in order if i % 2 == 0 else order[::-1]:
                start = time.perf_counter()
                pulls.append(await pull_ads(client, arguments))
                times[name].append(time.perf_counter() - start)
    same = all(p == pulls[0] for p in pulls) and len(pulls[0]) == len(set(pulls[0]))
    six_s, one_s = statistics.median(times["6"]), statistics.median(times["1"])
    return six_s / one_s, six_s, one_s, same, pulls[0]


async def multipage(fakes: Fakes, quick: bool) -> list[Row]:
    fakes.bench(BIG_TIKTOK, "ads", {"count": ADS // 5 if quick else ADS})  # quick: a smoke run
    fakes.control(BIG_TIKTOK, "reset")
    fakes.control(BIG_TIKTOK, "latency", {"seconds": LATENCY})
    repeats = 1 if quick else 5
    ratio, six, one, same, ids = await paging_ratio(fakes, repeats, paced=False)
    pages = len([r for r in fakes.requests(BIG_TIKTOK) if "/ad/get/" in r["path"]]) - 2  # minus the two warm-up calls
    paced, paced_six, paced_one, paced_same, paced_ids = await paging_ratio(fakes, 1 if quick else 3, paced=True)
    fakes.control(BIG_TIKTOK, "reset")
    per_pull = pages / (2 * repeats)
    detail = f"{len(ids):,} ads, pages of {PAGE_SIZE} ({per_pull:.0f} requests a pull), {LATENCY * 1000:.0f} ms per page (fake latency)"
    return [
        Row("3 multi-page pull: page concurrency 6 / 1 (sequential), no client pace", f"{ratio:.2f}x", "<= 0.60x",
            f"{detail}, *_MAX_QPS=0; median of {repeats}: {ms(six)} vs {ms(one)}"),
        Row("3 multi-page pull: same records in the same order as sequential", "yes" if same and len(ids) == (ADS // 5 if quick else ADS) else "NO", "yes",
            f"ad ids of all {2 * repeats} pulls compared"),
        Row("3 multi-page pull: page concurrency 6 / 1 at TIKTOK_MARKETING_MAX_QPS=10", f"{paced:.2f}x", "-",
            f"{len(paced_ids):,} ads; the default pace, a request per 100 ms, hides the 50 ms latency: {ms(paced_six)} vs {ms(paced_one)}; "
            f"same ids: {'yes' if paced_same else 'NO'}"),
    ]  # fmt: skip


# --- 4. report continuation ---


def report_range(days: int) -> dict[str, Any]:
    from mcp_server.params import today

    end = today() - dt.timedelta(days=1)
    return {"dateRange": {"start": (end - dt.timedelta(days=days - 1)).isoformat(), "end": end.isoformat()}}


async def continuation(fakes: Fakes, quick: bool) -> list[Row]:
    env = base_env(**direct_settings(fakes.urls))
    steps = 3 if quick else 10
    arguments = {"entity": "ad_campaign_analytics", "action": "list", "limit": 50, "params": report_range(30)}
    async with stdio_client(SERVER, env) as client:
        fakes.control("linkedin-ads", "reset")
        result = await client.call_tool(LI, arguments)
        first = len(fakes.requests("linkedin-ads"))
        followed = 0
        for _ in range(steps):
            if not (cursor := result.structured_content.get("next_cursor")):
                break
            result = await client.call_tool(LI, {"entity": "ad_campaign_analytics", "action": "list", "cursor": cursor})
            followed += 1
        more = len(fakes.requests("linkedin-ads")) - first
    return [
        Row("4 report continuation: vendor requests per next_cursor call", f"{more / max(followed, 1):.1f}", "0",
            f"LinkedIn ad_campaign_analytics, 30 days, limit 50: first call {first} requests, {followed} continuations {more}"),
    ]  # fmt: skip


# --- 5. concurrency ---


async def concurrency(fakes: Fakes, quick: bool) -> list[Row]:
    calls, at = (40, 10) if quick else (500, 50)
    with load.demo_server(env=base_env(**NO_PACE)) as (url, _logs):
        outcome = await load.run_load(url, calls, at)
    every = [v for values in outcome.latencies.values() for v in values]
    detail = f"--demo over streamable HTTP, bench/load.py's mix; {outcome.calls} calls in {outcome.seconds:.1f} s"
    return [
        Row(f"5 concurrency {calls} calls at {at}: calls/s", f"{outcome.calls / outcome.seconds:.1f}", "-", detail),
        Row(f"5 concurrency {calls} calls at {at}: p50 / p99", f"{ms(percentile(every, 50))} / {ms(percentile(every, 99))}", "-",
            "per call, client and server on the same cores"),
        Row(f"5 concurrency {calls} calls at {at}: errors", str(len(outcome.errors)), "0", "; ".join(outcome.errors[:2])[:200]),
    ]  # fmt: skip


# --- 6. memory ---

MIXED = [
    (TT, ADS_25),
    (LI, CAMPAIGNS_25),
    (TT, {"entity": "campaigns_reports_daily", "action": "list", "limit": 25}),
    (LI, {"entity": "ad_campaign_analytics", "action": "list", "limit": 25}),
]


async def memory(fakes: Fakes, quick: bool) -> list[Row]:
    runs = await spawns(quick)
    ours, minimal = (statistics.median(kib for _, kib in runs[k]) for k in ("ours", "minimal"))
    table = [
        Row("6 memory: RSS after start, ours - minimal FastMCP", f"{(ours - minimal) / MIB:+.1f} MiB", "<= +15 MiB",
            f"median VmRSS after tools/list: {ours / MIB:.1f} vs {minimal / MIB:.1f} MiB (--demo)"),
    ]  # fmt: skip
    env = base_env(**direct_settings(fakes.urls))
    calls = 60 if quick else 2000
    before = child_pids()
    async with stdio_client(SERVER, env) as client:
        (pid,) = child_pids() - before
        for tool, arguments in MIXED * (2 if quick else 10):  # warm: imports, caches, connection pools
            await client.call_tool(tool, arguments)
        start = memory_kib(pid)["VmRSS"]
        for n in range(calls):
            await client.call_tool(*MIXED[n % len(MIXED)])
        grown = memory_kib(pid)["VmRSS"] - start
    table.append(Row(f"6 memory: RSS growth over {calls:,} calls", f"{grown / MIB:+.1f} MiB", "<= +20 MiB",
                     f"direct mode on the fakes, 4 list/report calls in turn, after warm-up calls"))  # fmt: skip
    want = 1000 if quick else 10_000
    fakes.bench(BIG_TIKTOK, "ads", {"count": want})
    fakes.control(BIG_TIKTOK, "reset")
    before = child_pids()
    async with stdio_client(SERVER, big_tiktok_settings(fakes)) as client:
        (pid,) = child_pids() - before
        await client.list_tools()
        start = memory_kib(pid)["VmRSS"]
        ids = await pull_ads(client, {"entity": "ads", "action": "list", "limit": 1000})
        peak = memory_kib(pid)["VmHWM"]
    assert len(ids) == want, len(ids)
    table.append(Row(f"6 memory: peak pulling {len(ids):,} records, above RSS after start", f"{(peak - start) / MIB:+.1f} MiB", "-",
                     f"TikTok ads (default fields), limit 1000 per call along next_cursor; VmHWM {peak / MIB:.1f} vs {start / MIB:.1f} MiB"))  # fmt: skip
    return table


# --- 7. context ---


def wire_bytes(result: mcp.types.CallToolResult, request_id: int = 1) -> int:
    """The JSON-RPC answer as the server writes it (one line of JSON)."""
    message = {"jsonrpc": "2.0", "id": request_id, "result": result.model_dump(mode="json", by_alias=True, exclude_none=True)}
    return len(json.dumps(message, separators=(",", ":")).encode())


async def context(fakes: Fakes, quick: bool) -> list[Row]:
    from mcp_server.server import build_server
    from mcp_server.settings import ServerSettings

    table = []
    with environ(base_env(**direct_settings(fakes.urls))):
        async with Client(build_server(ServerSettings())) as client:
            tools = await client.list_tools_mcp()
            listing = len(tools.model_dump_json(by_alias=True, exclude_none=True).encode())
            instructions = len((client.instructions or "").encode())
            table.append(Row("7 context: tools/list + instructions", f"{listing + instructions:,} B", "<= 5,000 B",
                             f"{len(tools.tools)} tools: tools/list {listing:,} B + instructions {instructions:,} B"))  # fmt: skip
            cases = [("tiktok-marketing", TT, ADS_25, "/ad/get/", "ad_id"), ("linkedin-ads", LI, CAMPAIGNS_25, "/adCampaigns", "id")]
            for connector_id, tool, arguments, path, id_field in cases:
                result = await client.call_tool_mcp(tool, arguments)
                text = result.content[0].text
                data = result.structured_content["data"]
                url, headers = vendor_request(fakes, connector_id, path)
                reply = httpx.get(url, headers=headers).json()
                raw = {str(r[id_field]): r for r in (reply["data"]["list"] if "data" in reply else reply["elements"])}
                vendor = len(compact_json([raw[str(r[id_field])] for r in data]))
                entity = arguments["entity"]
                table.append(Row(f"7 context: {connector_id} {entity} (25) agent text / vendor JSON", f"{len(text) / vendor:.2f}x", "<= 0.30x",
                                 f"result text {len(text):,} chars (data alone {len(compact_json(data)) / vendor:.2f}x) vs vendor {vendor:,}"))  # fmt: skip
                wire = wire_bytes(result)
                table.append(Row(f"7 context: {connector_id} {entity} (25) bytes on the wire", f"{wire:,} B", "-",
                                 f"JSON-RPC answer = {wire / len(text.encode()):.2f}x its text (structuredContent repeats it)"))  # fmt: skip
    return table
