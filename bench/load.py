"""Load run: tool calls at a fixed concurrency over streamable HTTP against a `--demo` server subprocess.

Each worker is one MCP client session; the sessions open before the clock starts. The calls cycle
through a mix of list calls, report rows, describe and ads_report, and every result is checked for its
shape and entity, so an error is a failed call, an isError result or a malformed one.

Run: `.venv/bin/python -m bench.load [--calls 1000] [--concurrency 50] [--url http://host:port/mcp]`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from fastmcp import Client
from fastmcp.client.transports import StreamableHttpTransport

Check = Callable[[dict[str, Any]], str | None]  # structured content -> problem, or None when well-formed


def records(count: int, *keys: str) -> Check:
    """A list result with exactly `count` records, each holding `keys`."""

    def check(content: dict[str, Any]) -> str | None:
        data = content.get("data")
        if not isinstance(data, list) or len(data) != count:
            return f"expected {count} records, got {data if not isinstance(data, list) else len(data)}"
        missing = [k for row in data for k in keys if row.get(k) is None]
        return f"records lack {sorted(set(missing))}" if missing else None

    return check


def described(connector: str, entity: str) -> Check:
    def check(content: dict[str, Any]) -> str | None:
        if content.get("connector") != connector or content.get("entity") != entity or "list" not in content.get("actions", {}):
            return f"not the description of {connector} {entity}: {str(content)[:200]}"
        return None

    return check


def report_rows(content: dict[str, Any]) -> str | None:
    rows = content.get("data")
    if not isinstance(rows, list) or not rows:
        return f"no report rows: {str(content)[:200]}"
    platforms = {row.get("platform") for row in rows}
    if not platforms <= {"linkedin-ads", "tiktok-marketing"} or any(row.get("native_level") is None or "spend" not in row for row in rows):
        return f"rows without platform, level or spend: {str(rows[0])[:200]}"
    return None


@dataclass(frozen=True)
class Call:
    tool: str
    arguments: dict[str, Any]
    check: Check


TT, LI = "tiktok_marketing_execute", "linkedin_ads_execute"
MIX = (
    Call(TT, {"entity": "campaigns", "action": "list", "limit": 5}, records(5, "campaign_id", "campaign_name")),
    Call(LI, {"entity": "campaigns", "action": "list", "limit": 5}, records(5, "id", "name", "status")),
    Call(TT, {"entity": "ads", "action": "list", "limit": 3}, records(3, "ad_id", "adgroup_id")),
    Call(TT, {"entity": "campaigns_reports_daily", "action": "list", "limit": 1}, records(1, "stat_time_day", "campaign_id", "spend")),
    Call(LI, {"entity": "ad_campaign_analytics", "action": "list", "limit": 1}, records(1, "start_date", "campaign_id", "impressions")),
    Call(LI, {"entity": "campaign_groups", "action": "list", "limit": 3}, records(3, "id", "name")),
    Call("describe", {"connector": "linkedin-ads", "entity": "campaigns"}, described("linkedin-ads", "campaigns")),
    Call("ads_report", {"date_preset": "last_7d", "limit": 5}, report_rows),
)  # fmt: skip


@dataclass
class Outcome:
    latencies: dict[str, list[float]] = field(default_factory=dict)  # tool -> seconds per call
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def calls(self) -> int:
        return sum(len(v) for v in self.latencies.values())


def check_result(call: Call, result: Any) -> str | None:
    if result.is_error:
        return f"isError: {result.content[0].text[:200] if result.content else ''}"
    if not isinstance(result.structured_content, dict):
        return "no structured content"
    return call.check(result.structured_content)


async def run_load(url: str, calls: int, concurrency: int, headers: dict[str, str] | None = None) -> Outcome:
    """`calls` tool calls from `concurrency` client sessions at once; the clock runs from first call to last."""
    outcome = Outcome()
    numbers = itertools.count()

    async def worker(client: Client) -> None:
        while (n := next(numbers)) < calls:
            call = MIX[n % len(MIX)]
            start = time.perf_counter()
            try:
                result = await client.call_tool(call.tool, call.arguments, raise_on_error=False)
                problem = check_result(call, result)
            except Exception as exc:  # a protocol or transport failure counts as an error, and the run goes on
                problem = f"{type(exc).__name__}: {exc}"
            outcome.latencies.setdefault(call.tool, []).append(time.perf_counter() - start)
            if problem:
                outcome.errors.append(f"call {n} {call.tool} {call.arguments}: {problem}")

    async with contextlib.AsyncExitStack() as stack:
        clients = [Client(StreamableHttpTransport(url, headers=headers or {})) for _ in range(concurrency)]
        await asyncio.gather(*(stack.enter_async_context(c) for c in clients))
        start = time.perf_counter()
        await asyncio.gather(*(worker(c) for c in clients))
        outcome.seconds = time.perf_counter() - start
    return outcome


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def demo_server(env: dict[str, str] | None = None, timeout: float = 30) -> Iterator[tuple[str, Callable[[], str]]]:
    """`python -m mcp_server --demo serve --transport http` on a free loopback port.

    Yields its /mcp URL and a function returning its stderr so far (logs go there, to a file so a full
    pipe never blocks the server).
    """
    port = free_port()
    child_env = {k: v for k, v in (os.environ if env is None else env).items() if not k.startswith("PYTEST_")}
    child_env |= {"FASTMCP_SHOW_SERVER_BANNER": "false", "FASTMCP_CHECK_FOR_UPDATES": "off"}
    child_env.setdefault("CONNECTOR_MCP_LOG_LEVEL", "WARNING")
    with tempfile.TemporaryFile() as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "mcp_server", "--demo", "serve", "--transport", "http", "--host", "127.0.0.1", "--port", str(port)],
            env=child_env, stdout=subprocess.DEVNULL, stderr=stderr,
        )  # fmt: skip

        def logs() -> str:
            stderr.flush()
            with open(stderr.fileno(), "rb", closefd=False) as reader:
                reader.seek(0)
                return reader.read().decode(errors="replace")

        try:
            deadline = time.monotonic() + timeout
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"the server exited with {proc.returncode}: {logs()[-2000:]}")
                with socket.socket() as sock:
                    if sock.connect_ex(("127.0.0.1", port)) == 0:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not open port {port} in {timeout:.0f} s: {logs()[-2000:]}")
                time.sleep(0.05)
            yield f"http://127.0.0.1:{port}/mcp", logs
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def percentile(values: list[float], p: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def table(outcome: Outcome) -> str:
    rows = [("tool", "calls", "p50 ms", "p99 ms")]
    for tool, values in sorted(outcome.latencies.items()):
        rows.append((tool, str(len(values)), f"{percentile(values, 50) * 1000:.1f}", f"{percentile(values, 99) * 1000:.1f}"))
    every = [v for values in outcome.latencies.values() for v in values]
    rows.append(("all", str(len(every)), f"{percentile(every, 50) * 1000:.1f}", f"{percentile(every, 99) * 1000:.1f}"))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [f"{r[0]:<{widths[0]}}  " + "  ".join(f"{c:>{w}}" for c, w in zip(r[1:], widths[1:])) for r in rows]
    lines.insert(1, "-" * len(lines[0]))
    lines.insert(-1, "-" * len(lines[0]))
    return "\n".join(lines)


def machine() -> str:
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, load average {os.getloadavg()[0]:.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=1000, help="tool calls in all (default 1000)")
    parser.add_argument("--concurrency", type=int, default=50, help="client sessions calling at once (default 50)")
    parser.add_argument("--url", help="an MCP endpoint already serving the demo (default: start one on loopback)")
    args = parser.parse_args(argv)
    if args.calls < 1 or args.concurrency < 1:
        parser.error("--calls and --concurrency must be at least 1")

    print(f"machine: {machine()}")
    with contextlib.ExitStack() as stack:
        url, logs = (args.url, None) if args.url else stack.enter_context(demo_server())
        outcome = asyncio.run(run_load(url, args.calls, args.concurrency))
        server_log = logs() if logs else ""
    print(f"{outcome.calls} calls at concurrency {args.concurrency} over streamable HTTP to {url}\n")
    print(table(outcome))
    print(f"\n{outcome.calls / outcome.seconds:.1f} calls/s over {outcome.seconds:.2f} s; errors: {len(outcome.errors)} (target 0)")
    for error in outcome.errors[:10]:
        print(f"  {error}")
    if "Traceback" in server_log:
        print(f"server stderr has a traceback:\n{server_log[-3000:]}")
    return 1 if outcome.errors else 0


if __name__ == "__main__":
    sys.exit(main())
