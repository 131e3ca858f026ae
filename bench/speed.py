"""Issue 18's rows: answers at the vendor's speed (latency per question), linear work (server CPU at 1x and 5x
the rows), LinkedIn's 15,000-row answers (complete rows for an enlarged account) and characters per report row.

The server runs in memory in this process (`fastmcp.Client(build_server(...))`), the fakes in their own
process (bench/fakes.py), so `time.process_time()` around a call is the server's CPU (and the in-memory
client's, which is small) and never the fakes'. Every figure is a ratio or a count taken in one run.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import statistics
import time
from collections.abc import AsyncIterator
from typing import Any

from fastmcp import Client

from mcp_server.shaping import compact_json

from bench.fakes import BIG_LINKEDIN, HOSTED
from bench.harness import Fakes, base_env, direct_settings, environ
from bench.rows import Row

LATENCY = 0.2  # seconds per vendor answer (bench/fakes.py's latency wrapper)
LI, TT, REPORT = "linkedin_ads_execute", "tiktok_marketing_execute", "ads_report"


@contextlib.asynccontextmanager
async def server(env: dict[str, str]) -> AsyncIterator[Client]:
    from mcp_server.server import build_server
    from mcp_server.settings import ServerSettings

    with environ(env):
        async with Client(build_server(ServerSettings())) as client:
            yield client


def last_quarter() -> tuple[dt.date, dt.date]:
    today = dt.date.today()
    first = dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    end = first - dt.timedelta(days=1)
    return dt.date(end.year, (end.month - 1) // 3 * 3 + 1, 1), end


def quarter_by_day(limit: int = 10) -> dict[str, Any]:
    start, end = last_quarter()
    return {"level": "campaign", "start_date": start.isoformat(), "end_date": end.isoformat(), "granularity": "day",
            "platforms": ["linkedin-ads"], "limit": limit}  # fmt: skip


def big_env(fakes: Fakes, **extra: str) -> dict[str, str]:
    """Direct mode on the fakes, LinkedIn aimed at the enlarged account's fake."""
    return base_env(**direct_settings({**fakes.urls, "linkedin-ads": fakes.urls[BIG_LINKEDIN]}), **extra)


async def report_cpu(client: Client, arguments: dict[str, Any]) -> tuple[float, float, dict[str, Any]]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = await client.call_tool(REPORT, arguments, raise_on_error=False)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    assert not result.is_error, result.content[0].text[:500]
    return cpu, wall, result.structured_content


# --- linear work: server CPU for a quarter by day at 1x and 5x the campaigns ---


async def scaling(fakes: Fakes, quick: bool) -> list[Row]:
    counts = (20, 100) if quick else (100, 500)
    repeats = 1 if quick else 3
    figures = {}
    for count in counts:
        fakes.bench(BIG_LINKEDIN, "campaigns", {"count": count})
        async with server(big_env(fakes)) as client:
            await client.call_tool(LI, {"entity": "accounts", "action": "list", "limit": 1})  # token, imports
            runs = [await report_cpu(client, quarter_by_day()) for _ in range(repeats)]
        cpu = statistics.median(r[0] for r in runs)
        figures[count] = (cpu, runs[0][2]["meta"]["rows"], statistics.median(r[1] for r in runs))
    (small, (cpu1, rows1, wall1)), (big, (cpu5, rows5, wall5)) = figures.items()
    return [
        Row("8 scaling: server CPU at 5x the rows / at 1x", f"{cpu5 / cpu1:.2f}x", "<= 5.50x",
            f"LinkedIn ads_report level campaign, a quarter by day, {small} vs {big} campaigns: {rows1:,} vs {rows5:,} "
            f"rows ({rows5 / rows1:.2f}x), server CPU {cpu1 * 1000:.0f} vs {cpu5 * 1000:.0f} ms (wall {wall1 * 1000:.0f} "
            f"vs {wall5 * 1000:.0f} ms); median of {repeats}"),
        Row("8 scaling: server CPU per 1,000 rows at 5x", f"{cpu5 / rows5 * 1e6:.1f} ms", "-",
            "process_time of the in-memory server (the fakes run in their own process)"),
    ]  # fmt: skip


async def group_quarter(fakes: Fakes, quick: bool) -> list[Row]:
    """The issue's profile: level campaign_group, last quarter by month, LinkedIn, on the 120-campaign account."""
    env = base_env(**direct_settings(fakes.urls))
    arguments = {"level": "campaign_group", "date_preset": "last_quarter", "granularity": "month", "platforms": ["linkedin-ads"]}
    async with server(env) as client:
        await client.call_tool(LI, {"entity": "accounts", "action": "list", "limit": 1})
        runs = [await report_cpu(client, arguments) for _ in range(1 if quick else 3)]
    cpu = statistics.median(r[0] for r in runs)
    return [Row("8 server CPU: campaign_group last_quarter by month (120 campaigns)", f"{cpu * 1000:.0f} ms", "<= 10% of before",
                f"median of {len(runs)}; compare with the same row of the 'before' run in BENCHMARKS.md")]


# --- any account size: LinkedIn's 15,000-element answers ---


async def row_cap(fakes: Fakes, quick: bool) -> list[Row]:
    count = 200 if quick else 500  # 200 x 92 days is past the 15,000 cap too
    fakes.bench(BIG_LINKEDIN, "campaigns", {"count": count})
    start, end = last_quarter()
    expected = fakes.http.get(f"{fakes.urls[BIG_LINKEDIN]}/__bench__/rows",
                              params={"start": start.isoformat(), "end": end.isoformat()}).json()["rows"]  # fmt: skip
    before = len(fakes.requests(BIG_LINKEDIN))
    async with server(big_env(fakes)) as client:
        _, _, result = await report_cpu(client, quarter_by_day())
    requests = [r for r in fakes.requests(BIG_LINKEDIN)[before:] if "adAnalytics" in r["path"]]
    rows = result["meta"]["rows"]
    capped = [w for w in result["meta"].get("warnings", []) if "15,000" in w]
    return [Row("9 LinkedIn row cap: rows returned / rows that exist", f"{rows / expected:.3f}", "1.000",
                f"{count} campaigns, {start} - {end} by day: {rows:,} of {expected:,} campaign-days, "
                f"{len(requests)} adAnalytics requests; cap warning: {'yes' if capped else 'no'}")]


# --- round trips: each question of the table with 200 ms per vendor answer ---

QUESTIONS: list[tuple[str, str, dict[str, Any]]] = [
    ("ads_report top 10 campaigns, last_7d vs previous_period", REPORT,
     {"level": "campaign", "date_preset": "last_7d", "compare": "previous_period", "limit": 10}),
    ("ads_report level ad, last_month", REPORT, {"level": "ad", "date_preset": "last_month"}),
    ("ads_report campaign_group, last_quarter by month, LinkedIn", REPORT,
     {"level": "campaign_group", "date_preset": "last_quarter", "granularity": "month", "platforms": ["linkedin-ads"]}),
    ("ad_campaign_analytics default range, limit 100", LI, {"entity": "ad_campaign_analytics", "action": "list", "limit": 100}),
    ("ad_member_job_title_analytics, limit 50", LI, {"entity": "ad_member_job_title_analytics", "action": "list", "limit": 50}),
    ("TikTok ads_reports_daily last_30d, limit 200, 3 fields", TT,
     {"entity": "ads_reports_daily", "action": "list", "params": {"date_preset": "last_30d"}, "limit": 200,
      "fields": ["ad_id", "stat_time_day", "spend"]}),
    ("TikTok ads list, limit 200", TT, {"entity": "ads", "action": "list", "limit": 200}),
]  # fmt: skip
# The fewest dependent waves each question needs (BENCHMARKS.md says why).
FEWEST = [2, 2, 1, 2, 2, 1, 1]


def waves(arrivals: list[float], latency: float) -> int:
    """Requests that arrive within 0.9 latency of a wave's first request belong to that wave (a request that needs
    an earlier answer arrives at least one latency after it, so it always starts a new wave)."""
    count, first = 0, None
    for at in sorted(arrivals):
        if first is None or at - first > 0.9 * latency:
            count, first = count + 1, at
    return count


def hosted_env(fakes: Fakes) -> dict[str, str]:
    """Both connectors in hosted mode through the Agent API fake (default settings, rate limits included)."""
    from mcp_server.sandbox.hosted import demo_settings

    env = {k: v for k, v in direct_settings(fakes.urls).items() if not k.endswith("_MAX_QPS")}
    env |= {f"AIRBYTE_{k.upper()}": str(v) for k, v in demo_settings(fakes.urls[HOSTED]).items() if v is not None}
    return base_env(**(env | {"LINKEDIN_ADS_MODE": "hosted", "TIKTOK_MARKETING_MODE": "hosted"}))


async def latency(fakes: Fakes, quick: bool) -> list[Row]:
    direct = base_env(**{k: v for k, v in direct_settings(fakes.urls).items() if not k.endswith("_MAX_QPS")})
    table = await latency_rows(fakes, quick, "direct", ("linkedin-ads", "tiktok-marketing"), direct)
    try:
        table += await latency_rows(fakes, quick, "hosted", (HOSTED,), hosted_env(fakes))
    except Exception as exc:  # the direct rows stand on their own
        table.append(Row("10 latency hosted: FAILED", "-", "-", f"{type(exc).__name__}: {exc}"[:300]))
    return table


async def latency_rows(fakes: Fakes, quick: bool, mode: str, ids: tuple[str, ...], env: dict[str, str]) -> list[Row]:
    for connector in ids:
        fakes.bench(connector, "latency", {"seconds": LATENCY})
    table = []
    try:
        # Default settings, rate limits included (no NO_PACE): what a person gets.
        async with server(env) as client:
            # Tokens and imports first, as on a server that has answered before.
            await client.call_tool(LI, {"entity": "accounts", "action": "list", "limit": 1})
            await client.call_tool(TT, {"entity": "advertisers", "action": "list", "limit": 1})
            for (question, tool, arguments), fewest in zip(QUESTIONS[:1] if quick else QUESTIONS, FEWEST):
                await asyncio.sleep(1.0)  # a person reads the previous answer: the rate windows are empty again
                before = {c: fakes.http.get(f"{fakes.urls[c]}/__bench__/busy").json() for c in ids}
                start = time.perf_counter()
                result = await client.call_tool(tool, arguments, raise_on_error=False)
                wall = time.perf_counter() - start
                assert not result.is_error, result.content[0].text[:300]
                after = {c: fakes.http.get(f"{fakes.urls[c]}/__bench__/busy").json() for c in ids}
                sent = [at for c in ids for at, path in after[c]["arrivals"][len(before[c]["arrivals"]):] if "/oauth" not in path]
                count = waves(sent, LATENCY)
                busy = sum(after[c]["seconds"] - before[c]["seconds"] for c in ids)
                ratio = wall / LATENCY
                table.append(Row(f"10 latency {mode}: {question}", f"{ratio:.1f}", f"<= {fewest + 1}",
                                 f"wall / {LATENCY * 1000:.0f} ms; {len(sent)} requests in {count} waves; fewest waves {fewest}; "
                                 f"the fakes' own work {busy * 1000:.0f} ms"))
    finally:
        for connector in ids:
            fakes.bench(connector, "latency", {"seconds": 0})
    return table


# --- context per report row ---


async def report_chars(fakes: Fakes, quick: bool) -> list[Row]:
    """A 10-row ads_report with compare and all metrics: data's characters per row, objects vs columns."""
    arguments = {"level": "campaign", "date_preset": "last_7d", "compare": "previous_period", "limit": 10}
    per_row = {}
    async with server(base_env(**direct_settings(fakes.urls))) as client:
        for layout in ("objects", "columns"):
            result = await client.call_tool(REPORT, arguments | ({"columns": True} if layout == "columns" else {}),
                                             raise_on_error=False)  # fmt: skip
            if result.is_error:  # a server without the argument (the "before" checkout)
                continue
            data = result.structured_content["data"]
            rows = data["rows"] if isinstance(data, dict) else data
            per_row[layout] = (len(compact_json(data)) / max(len(rows), 1), len(rows), len(compact_json(result.structured_content)))
    objects = per_row["objects"]
    table = [Row("11 context: ads_report chars per row, objects (10 rows, compare, all metrics)", f"{objects[0]:,.0f}", "-",
                 f"data's compact JSON / its {objects[1]} rows; the whole result {objects[2]:,} chars")]
    if "columns" in per_row:
        columns = per_row["columns"]
        table.append(Row("11 context: ads_report chars per row, columns=true / default", f"{columns[0] / objects[0]:.2f}x",
                         "<= 0.50x", f"{columns[0]:,.0f} vs {objects[0]:,.0f} chars per row (columns named once); "
                         f"whole result {columns[2]:,} vs {objects[2]:,} chars"))
    return table
