"""The real server as a subprocess, over stdio, streamable HTTP and SSE, with vendor
traffic going over real sockets to the sandbox fakes on 127.0.0.1."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest
from fastmcp import Client
from fastmcp.client.transports import SSETransport, StdioTransport, StreamableHttpTransport

from mcp_server.sandbox.serve import free_port
from tests.conftest import CANARIES

HTTP_TOKEN = CANARIES["CONNECTOR_MCP_HTTP_TOKEN"]


def child_env() -> dict[str, str]:
    """What the test set (fake URLs and demo credentials) plus what Python needs to start."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["FASTMCP_SHOW_SERVER_BANNER"] = "false"
    env["CONNECTOR_MCP_LOG_LEVEL"] = "INFO"
    return env


async def exercise(client: Client, fakes) -> None:
    tools = {t.name for t in await client.list_tools()}
    assert {"tiktok_marketing_execute", "linkedin_ads_execute", "describe"} <= tools
    tiktok = await client.call_tool("tiktok_marketing_execute", {"entity": "campaigns", "action": "list", "limit": 3})
    assert len(tiktok.structured_content["data"]) == 3
    assert "sandbox" not in tiktok.structured_content["meta"]  # real sockets, not demo
    linkedin = await client.call_tool("linkedin_ads_execute", {"entity": "campaigns", "action": "list", "limit": 2})
    assert len(linkedin.structured_content["data"]) == 2
    bad = await client.call_tool("tiktok_marketing_execute", {"entity": "nope", "action": "list"}, raise_on_error=False)
    assert bad.is_error
    # Both calls really crossed a socket to the fakes.
    assert any("campaign/get/" in r["path"] for r in fakes["tiktok-marketing"].requests)
    assert any("adCampaigns" in r["path"] for r in fakes["linkedin-ads"].requests)


async def test_stdio_subprocess(direct_env, tmp_path):
    stderr_log = tmp_path / "stderr.log"
    transport = StdioTransport(
        command=sys.executable, args=["-m", "mcp_server"], env=child_env(), cwd=str(tmp_path), log_file=stderr_log
    )
    async with Client(transport) as client:
        await exercise(client, direct_env)
    # Logs went to stderr (stdout is the protocol; a stray print would have broken the client above).
    # It names where credentials came from (setting names, never values: the canary scan checks every value).
    logged = stderr_log.read_text()
    assert "TIKTOK_MARKETING_ACCESS_TOKEN" in logged and CANARIES["TIKTOK_MARKETING_ACCESS_TOKEN"] not in logged


def _wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited early: {proc.stderr.read().decode()}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError("server did not open its port")


@pytest.fixture
def http_server(direct_env, tmp_path, request):
    transport = request.param
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "mcp_server", "serve", "--transport", transport, "--port", str(port)],
        env=child_env(),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for_port(port, proc)
        yield transport, port
    finally:
        proc.terminate()
        try:
            stdout, stderr = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            stdout, stderr = proc.communicate()
    # Logs (the start-up lines included) go to stderr; stdout stays empty.
    assert stdout == b"", stdout[:500]
    assert b"tiktok-marketing: direct (vendor API)" in stderr and b"Starting MCP server" in stderr


@pytest.mark.parametrize("http_server", ["http", "sse"], indirect=True)
async def test_http_subprocess(http_server, direct_env):
    transport, port = http_server
    if transport == "http":
        client_transport = StreamableHttpTransport(f"http://127.0.0.1:{port}/mcp")
    else:
        client_transport = SSETransport(f"http://127.0.0.1:{port}/sse")
    async with Client(client_transport) as client:
        await exercise(client, direct_env)


async def test_demo_over_stdio_answers_every_tiktok_entity(tmp_path):
    from mcp_server.connectors import REGISTRY

    transport = StdioTransport(command=sys.executable, args=["-m", "mcp_server", "--demo"], env=child_env(), cwd=str(tmp_path))
    async with Client(transport) as client:
        for entity in REGISTRY["tiktok-marketing"].catalog.entities:
            result = await client.call_tool("tiktok_marketing_execute", {"entity": entity, "action": "list", "limit": 2})
            assert result.structured_content["data"], entity
            assert result.structured_content["meta"]["sandbox"] is True


async def test_http_token_is_required_when_set(direct_env, tmp_path):
    import httpx

    port = free_port()
    env = child_env() | {"CONNECTOR_MCP_HTTP_TOKEN": HTTP_TOKEN}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mcp_server", "serve", "--transport", "http", "--port", str(port)],
        env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        _wait_for_port(port, proc)
        url = f"http://127.0.0.1:{port}/mcp"
        ping = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
        for headers in ({}, {"Authorization": "Bearer wrong-token"}):
            refused = httpx.post(url, json=ping, headers={"Accept": "application/json, text/event-stream", **headers})
            assert refused.status_code == 401, refused.text
            assert "www-authenticate" in refused.headers
        async with Client(StreamableHttpTransport(url, auth=HTTP_TOKEN)) as client:
            result = await client.call_tool("tiktok_marketing_execute", {"entity": "ads", "action": "list", "limit": 1})
            assert len(result.structured_content["data"]) == 1
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=10)
    assert HTTP_TOKEN.encode() not in stderr
