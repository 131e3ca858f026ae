"""SIGTERM with calls in flight (issue 10): a call that can finish within CONNECTOR_MCP_SHUTDOWN_GRACE
finishes, one that cannot answers server_shutting_down, the process exits 0 within 5 s, no traceback.
The server runs in direct mode against the TikTok fake, whose `stall` fault makes a call slow."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import subprocess
import sys
import time

import httpx
import pytest
from fastmcp import Client
from fastmcp.client.transports import StreamableHttpTransport

from mcp_server.connectors import REGISTRY

from .raw_mcp import RawSession
from .server_process import ServerProcess, clean_env

CALL = {"entity": "campaigns", "action": "list", "limit": 2}


def direct_tiktok_env(fake_url: str) -> dict[str, str]:
    settings = {f"TIKTOK_MARKETING_{k.upper()}": str(v) for k, v in REGISTRY["tiktok-marketing"].sandbox_settings(fake_url).items()}
    return clean_env(CONNECTOR_MCP_CONNECTORS="tiktok-marketing", TIKTOK_MARKETING_MAX_QPS="0", **settings)


async def call_then_sigterm(server: ServerProcess, after: float) -> tuple[object, float]:
    """One call; SIGTERM `after` seconds into it. Returns the call's result (or exception) and the exit time."""

    answers: list[object] = []

    async def call():
        try:
            async with Client(StreamableHttpTransport(server.url)) as client:
                await client.list_tools()  # else the client lists tools after the answer, from a server gone
                answers.append(await client.call_tool("tiktok_marketing_execute", CALL, raise_on_error=False))
        except Exception as exc:  # noqa: BLE001 - asserted on by the caller
            answers.append(exc)  # after the answer: the client's closing request finds the server gone

    running = asyncio.create_task(call())
    await asyncio.sleep(after)
    exit_seconds = await asyncio.to_thread(server.sigterm)
    await running
    return answers[0], exit_seconds


async def test_http_call_that_outlives_the_grace_ends_with_a_clean_error(tiktok_fake, tmp_path):
    server = ServerProcess("serve", "--transport", "http", env=direct_tiktok_env(tiktok_fake.url), cwd=tmp_path)
    server.wait_until_listening()
    tiktok_fake.fault("campaign/get", "stall", seconds=30)
    try:
        result, exit_seconds = await call_then_sigterm(server, after=1.0)
    finally:
        server.stop()
    assert server.proc.returncode == 0 and exit_seconds < 5, (server.proc.returncode, exit_seconds)
    assert not isinstance(result, Exception), result
    assert result.is_error and result.content[0].text.startswith("server_shutting_down:")
    assert tiktok_fake.calls("campaign/get")  # the call really was waiting on the vendor
    assert "Traceback" not in server.stderr()


async def test_http_call_within_the_grace_finishes(tiktok_fake, tmp_path):
    server = ServerProcess("serve", "--transport", "http", env=direct_tiktok_env(tiktok_fake.url), cwd=tmp_path)
    server.wait_until_listening()
    tiktok_fake.fault("campaign/get", "stall", seconds=1.5)
    try:
        result, exit_seconds = await call_then_sigterm(server, after=0.8)
    finally:
        server.stop()
    assert server.proc.returncode == 0 and exit_seconds < 5, (server.proc.returncode, exit_seconds)
    assert not isinstance(result, Exception), result
    assert not result.is_error and len(result.structured_content["data"]) == 2
    assert "Traceback" not in server.stderr()


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT (Ctrl+C)"])
def test_stdio_signal_with_a_call_in_flight(tiktok_fake, tmp_path, stop):
    proc = subprocess.Popen(
        [sys.executable, "-m", "mcp_server"], env=direct_tiktok_env(tiktok_fake.url), cwd=tmp_path,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip

    def send(message: dict) -> None:
        proc.stdin.write(json.dumps({"jsonrpc": "2.0", **message}).encode() + b"\n")
        proc.stdin.flush()

    hello = {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}
    send({"id": 1, "method": "initialize", "params": hello})
    assert json.loads(proc.stdout.readline())["id"] == 1
    send({"method": "notifications/initialized"})
    tiktok_fake.fault("campaign/get", "stall", seconds=30)
    send({"id": 2, "method": "tools/call", "params": {"name": "tiktok_marketing_execute", "arguments": CALL}})
    deadline = time.monotonic() + 10
    while not tiktok_fake.calls("campaign/get") and time.monotonic() < deadline:
        time.sleep(0.05)
    start = time.monotonic()
    proc.send_signal(stop)  # stdin stays open, as a client that just signals would leave it
    try:
        proc.wait(timeout=15)  # not communicate(): that would close stdin
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    exit_seconds = time.monotonic() - start
    stdout, stderr = proc.stdout.read(), proc.stderr.read()
    proc.stdin.close()
    assert proc.returncode == 0 and exit_seconds < 5, (proc.returncode, exit_seconds, stderr[-2000:])
    answers = [json.loads(line) for line in stdout.decode().splitlines()]
    answer = next((a for a in answers if a.get("id") == 2), answers)
    assert answer["id"] == 2 and answer.get("result", {}).get("isError") is True, answers
    assert answer["result"]["content"][0]["text"].startswith("server_shutting_down:")
    assert b"Traceback" not in stderr


# --- a plain HTTP client (issue 15): fastmcp's Client resumes a cut stream, a client written from the spec does not ---


async def raw_call_then_sigterm(
    server: ServerProcess, *, protocol: str, get_stream: bool
) -> tuple[httpx.Response, list[dict], float]:
    """initialize, notifications/initialized, (a GET stream), then tools/call with SIGTERM 0.3 s into it."""
    async with httpx.AsyncClient(timeout=20) as http:
        session = RawSession(http, server.url, protocol=protocol)
        assert (await session.initialize()).status_code == 200
        async with contextlib.AsyncExitStack() as stack:
            if get_stream:
                stream = await stack.enter_async_context(session.get_stream())
                assert stream.status_code == 200
            calling = asyncio.create_task(session.call_tool("tiktok_marketing_execute", CALL))
            await asyncio.sleep(0.3)
            exit_seconds = await asyncio.to_thread(server.sigterm)
            answer, received = await calling
    return answer, received, exit_seconds


@pytest.mark.parametrize(
    ("flags", "protocol", "get_stream"),
    [((), "2025-11-25", True), (("--stateless",), "2025-06-18", False)],
    ids=["session, 2025-11-25, GET stream open", "stateless, 2025-06-18"],
)
async def test_raw_http_client_gets_its_result_within_the_grace(tiktok_fake, tmp_path, flags, protocol, get_stream):
    server = ServerProcess("serve", "--transport", "http", *flags, env=direct_tiktok_env(tiktok_fake.url), cwd=tmp_path)
    server.wait_until_listening()
    tiktok_fake.fault("campaign/get", "stall", seconds=1.5)
    try:
        answer, received, exit_seconds = await raw_call_then_sigterm(server, protocol=protocol, get_stream=get_stream)
    finally:
        server.stop()
    assert server.proc.returncode == 0 and exit_seconds < 5, (server.proc.returncode, exit_seconds)
    assert answer.status_code == 200 and received, (answer.status_code, answer.text)  # not an empty stream
    result = next(m for m in received if m.get("id") == 3)["result"]
    assert not result.get("isError") and len(result["structuredContent"]["data"]) == 2
    assert "Traceback" not in server.stderr()


async def test_raw_http_client_past_the_grace_gets_server_shutting_down(tiktok_fake, tmp_path):
    env = direct_tiktok_env(tiktok_fake.url) | {"CONNECTOR_MCP_SHUTDOWN_GRACE": "1"}
    server = ServerProcess("serve", "--transport", "http", env=env, cwd=tmp_path)
    server.wait_until_listening()
    tiktok_fake.fault("campaign/get", "stall", seconds=5)  # past the 1 s grace; short, so the fake's stop is quick
    try:
        answer, received, exit_seconds = await raw_call_then_sigterm(server, protocol="2025-06-18", get_stream=True)
    finally:
        server.stop()
    assert server.proc.returncode == 0 and exit_seconds < 5, (server.proc.returncode, exit_seconds)
    result = next(m for m in received if m.get("id") == 3)["result"]
    assert result["isError"] and result["content"][0]["text"].startswith("server_shutting_down:")
    assert "Traceback" not in server.stderr()  # the GET stream was ended, not cancelled by uvicorn's timeout
