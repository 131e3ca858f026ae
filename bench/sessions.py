"""Memory of idle streamable-HTTP sessions, and what the session cap bounds (issue 15).

`python -m bench.sessions [--sessions 3000] [--max-sessions 1000]` starts a `--demo` HTTP server, sends that many
`initialize` requests and never closes a session (what a careless or hostile client does), and prints the answers
(200 = a session opened, 503 = over CONNECTOR_MCP_MAX_SESSIONS), the server's RSS before and after, and the RSS
per open session. Linux only (reads /proc).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter

import httpx

from bench.load import free_port

HELLO = {
    "jsonrpc": "2.0", "id": 1, "method": "initialize",
    "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}},
}  # fmt: skip
HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS"))


async def open_sessions(url: str, count: int, concurrency: int = 20) -> Counter:
    answers: Counter = Counter()
    gate = asyncio.Semaphore(concurrency)

    async def one(http: httpx.AsyncClient) -> None:
        async with gate:
            answers[(await http.post(url, headers=HEADERS, json=HELLO)).status_code] += 1

    async with httpx.AsyncClient(timeout=60) as http:
        await asyncio.gather(*(one(http) for _ in range(count)))
    return answers


async def measure(sessions: int, max_sessions: int) -> str:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "CONNECTOR_MCP_"))}
    env |= {"FASTMCP_SHOW_SERVER_BANNER": "false", "FASTMCP_CHECK_FOR_UPDATES": "off", "CONNECTOR_MCP_LOG_LEVEL": "WARNING"}
    env["CONNECTOR_MCP_MAX_SESSIONS"] = str(max_sessions)
    url = f"http://127.0.0.1:{port}/mcp"
    with tempfile.TemporaryFile() as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "mcp_server", "--demo", "serve", "--transport", "http", "--port", str(port)],
            env=env, stdout=subprocess.DEVNULL, stderr=stderr,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    httpx.get(url.removesuffix("/mcp"), timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            await open_sessions(url, 1)  # the first session warms the server up
            before = rss_mb(proc.pid)
            answers = await open_sessions(url, sessions)
            after = rss_mb(proc.pid)
        finally:
            proc.terminate()
            proc.wait(15)
    opened = answers.get(200, 0)
    per_session = (after - before) * 1024 / opened if opened else 0.0
    return (
        f"max_sessions={max_sessions}: {sessions} initialize never closed -> {dict(answers)}; "
        f"RSS {before:.0f} -> {after:.0f} MB; {per_session:.1f} KB per open session"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=3000)
    parser.add_argument("--max-sessions", type=int, default=1000, help="CONNECTOR_MCP_MAX_SESSIONS for the run")
    args = parser.parse_args()
    print(asyncio.run(measure(args.sessions, args.max_sessions)))


if __name__ == "__main__":
    main()
