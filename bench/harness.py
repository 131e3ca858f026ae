"""What the benchmark rows share: the fakes process, server subprocesses over stdio, RSS, percentiles."""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
from fastmcp import Client
from fastmcp.client.transports import StdioTransport

from mcp_server.connectors import REGISTRY

BENCH = Path(__file__).resolve().parent
DEVELOPER_PREFIXES = ("TIKTOK_MARKETING_", "LINKEDIN_ADS_", "AIRBYTE_", "CONNECTOR_MCP_", "PYTEST_", "FASTMCP_")
# The fakes have no rate limit, and a client-side pace would time the pace, not the server.
NO_PACE = {"TIKTOK_MARKETING_MAX_QPS": "0", "LINKEDIN_ADS_MAX_QPS": "0", "AIRBYTE_MAX_QPS": "0"}


def base_env(**settings: str) -> dict[str, str]:
    """What Python needs, none of the developer's settings, quiet logs, and `settings` on top."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(DEVELOPER_PREFIXES)}
    env |= {"FASTMCP_SHOW_SERVER_BANNER": "false", "FASTMCP_CHECK_FOR_UPDATES": "off", "CONNECTOR_MCP_LOG_LEVEL": "WARNING"}
    return env | settings


def direct_settings(urls: dict[str, str]) -> dict[str, str]:
    """The env vars that aim each connector, in direct mode, at its fake (as tests/conftest.py point_at_fake)."""
    env = dict(NO_PACE)
    for connector in REGISTRY.values():
        prefix = connector.settings_cls.model_config["env_prefix"]
        env |= {f"{prefix}{k.upper()}": str(v) for k, v in connector.sandbox_settings(urls[connector.id]).items()}
    return env


class Fakes:
    """bench/fakes.py as a subprocess: every vendor fake on loopback, with its request log readable here."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(BENCH / "fakes.py")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=base_env(), text=True
        )
        self.urls: dict[str, str] = json.loads(self.proc.stdout.readline())
        self.http = httpx.Client()

    def requests(self, connector_id: str) -> list[dict[str, Any]]:
        return self.http.get(f"{self.urls[connector_id]}/__bench__/requests").json()

    def control(self, connector_id: str, route: str, body: dict[str, Any] | None = None) -> None:
        self.http.post(f"{self.urls[connector_id]}/__sandbox__/{route}", json=body or {}).raise_for_status()

    def bench(self, connector_id: str, route: str, body: dict[str, Any]) -> None:
        """A route bench/fakes.py adds (e.g. the big TikTok fake's ad count)."""
        self.http.post(f"{self.urls[connector_id]}/__bench__/{route}", json=body, timeout=60).raise_for_status()

    def close(self) -> None:
        self.http.close()
        self.proc.stdin.close()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@contextlib.contextmanager
def fakes() -> Iterator[Fakes]:
    running = Fakes()
    try:
        yield running
    finally:
        running.close()


@contextlib.contextmanager
def environ(settings: dict[str, str]) -> Iterator[None]:
    """This process's environment set to `settings` (for a server built in memory), then restored."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(settings)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


SERVER = [sys.executable, "-m", "mcp_server"]
MINIMAL = [sys.executable, str(BENCH / "minimal_server.py")]


@contextlib.asynccontextmanager
async def stdio_client(argv: list[str], env: dict[str, str]) -> AsyncIterator[Client]:
    """A client session with `argv` spawned over stdio (its stderr to a scratch file, from a scratch directory)."""
    with tempfile.TemporaryDirectory() as scratch, open(Path(scratch) / "stderr.log", "w") as log:
        transport = StdioTransport(argv[0], argv[1:], env=env, cwd=scratch, keep_alive=False, log_file=log)
        async with Client(transport) as client:
            yield client


def child_pids() -> set[int]:
    pids = set()
    for task in Path("/proc/self/task").iterdir():
        with contextlib.suppress(OSError):
            pids |= {int(p) for p in (task / "children").read_text().split()}
    return pids


def memory_kib(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak RSS) of a process, in KiB, from /proc/<pid>/status."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0])
    return fields


def percentile(values: list[float], p: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]
