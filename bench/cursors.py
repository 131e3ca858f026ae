"""Signed cursors (issue 15, section 2): how fast a forged cursor is refused, and what signing costs in length.

`python -m bench.cursors` (~10 s) prints:
- refusal times: an edited cursor refused by its signature (Cursor.decode), and a cursor signed with our key
  whose page state the params refuse (the hourly report state of the attack review, 0001-01-01..9990-12-31,
  which blocked the loop 5.9 s before), both in µs per refusal; and whole in-memory tool calls with each, next to
  a `describe` call (the MCP round trip alone), in ms;
- cursor lengths on the demo sandbox (limit 2): each typical cursor as this server writes it (signed, raw
  deflate) and in the unsigned format before it (base64url of zlib, no tag), from the same JSON.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import json
import logging
import statistics
import time
import zlib

from fastmcp import Client

from mcp_server.cursor import Cursor, unseal
from mcp_server.errors import InvalidParams
from mcp_server.server import build_server
from mcp_server.settings import ServerSettings

TT, LI = "tiktok_marketing_execute", "linkedin_ads_execute"
TYPICAL = [
    ("TikTok ads list", TT, {"entity": "ads", "action": "list"}),
    ("TikTok daily report", TT, {"entity": "ads_reports_daily", "action": "list", "params": {"date_preset": "last_30d"}}),
    ("LinkedIn campaigns list", LI, {"entity": "campaigns", "action": "list"}),
    ("LinkedIn analytics", LI, {"entity": "ad_campaign_analytics", "action": "list", "params": {"date_preset": "last_7d"}}),
]


def unsigned_length(cursor: str) -> int:
    """The same cursor in the format before signing: base64url(zlib level 9 of the JSON), no tag."""
    return len(base64.urlsafe_b64encode(zlib.compress(unseal(cursor), 9)).decode().rstrip("="))


def per_refusal_us(text: str, rounds: int) -> float:
    start = time.perf_counter()
    for _ in range(rounds):
        try:
            Cursor.decode(text)
        except InvalidParams:
            pass
    return (time.perf_counter() - start) / rounds * 1e6


async def median_call_ms(client: Client, tool: str, arguments: dict, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        await client.call_tool(tool, arguments, raise_on_error=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


async def main() -> None:
    logging.getLogger("mcp_server.page_state").setLevel(logging.ERROR)  # one warning per refusal: 200 of them here
    server = build_server(ServerSettings(_env_file=None, demo=True))
    async with Client(server) as client:
        print(f"{'cursor':<26}{'signed':>8}{'unsigned before':>17}")
        for name, tool, arguments in TYPICAL:
            result = await client.call_tool(tool, {**arguments, "limit": 2})
            cursor = result.structured_content["next_cursor"]
            print(f"{name:<26}{len(cursor):>8}{unsigned_length(cursor):>17}")

        hourly = await client.call_tool(TT, {"entity": "ads_reports_hourly", "action": "list", "limit": 1})
        real = hourly.structured_content["next_cursor"]
        edited = real[:40] + ("A" if real[40] != "A" else "B") + real[41:]
        decoded = Cursor.decode(real)
        state = {**decoded.position.state, "start": "0001-01-01", "end": "9990-12-31"}
        forged = dataclasses.replace(decoded, position=dataclasses.replace(decoded.position, state=state)).encode()

        print(f"\nrefused by the signature (Cursor.decode): {per_refusal_us(edited, 20000):.1f} µs")
        print(f"a real cursor decoded, for comparison:     {per_refusal_us(real, 20000):.1f} µs")
        resume = {"entity": "ads_reports_hourly", "action": "list", "limit": 1}
        calls = {
            "describe (the MCP round trip alone)": ("describe", {"connector": "tiktok-marketing", "entity": "ads"}),
            "edited cursor (signature)": (TT, {**resume, "cursor": edited}),
            "signed 0001..9990 hourly state (page state)": (TT, {**resume, "cursor": forged}),
        }
        for name, (tool, arguments) in calls.items():
            await median_call_ms(client, tool, arguments, 5)  # warm up
            print(f"whole call, {name}: {await median_call_ms(client, tool, arguments, 200):.2f} ms (median of 200)")
        check = await client.call_tool(TT, {**resume, "cursor": forged}, raise_on_error=False)
        print("\nforged state answer:", json.dumps(check.content[0].text)[:120])


if __name__ == "__main__":
    asyncio.run(main())
