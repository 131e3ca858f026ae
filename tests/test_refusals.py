"""The rate-limited refusal log (issue 15: 3,200 bad requests wrote 3,215 WARNING lines)."""

from __future__ import annotations

import asyncio
import logging

from mcp_server.refusals import RateLimitedLog


def test_a_flood_logs_one_line_then_its_count(caplog):
    now = [0.0]
    limited = RateLimitedLog(logging.getLogger("test.refusals"), interval=60, clock=lambda: now[0])
    with caplog.at_level(logging.WARNING):
        for i in range(3200):
            now[0] = i * 0.01  # 32 s of bad requests
            limited.warning("401 token", f"401 for POST /mcp from 192.0.2.{i % 250}: bad token")
        limited.warning("421", "421 for POST /mcp: Host 'x'")  # another kind has its own line
        now[0] = 61.0
        limited.warning("401 token", "401 for POST /mcp from 192.0.2.9: bad token")
    lines = [r.getMessage() for r in caplog.records]
    assert lines == [
        "401 for POST /mcp from 192.0.2.0: bad token",
        "421 for POST /mcp: Host 'x'",
        "401 for POST /mcp from 192.0.2.9: bad token (3199 more of this kind before this one since its last line)",
    ]


async def test_the_count_is_logged_when_the_interval_ends_even_if_the_flood_stops(caplog):
    limited = RateLimitedLog(logging.getLogger("test.refusals"), interval=0.2)
    with caplog.at_level(logging.WARNING):
        for _ in range(50):
            limited.warning("503", "503 for POST /mcp: sessions full")
        await asyncio.sleep(0.4)
    lines = [r.getMessage() for r in caplog.records]
    assert lines == [
        "503 for POST /mcp: sessions full",
        "503 for POST /mcp: sessions full (49 refusals of this kind since its last line; this is the latest)",
    ]
