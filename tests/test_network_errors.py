"""A host that cannot be reached: network_error names the host and the setting that points at it."""

from __future__ import annotations

import socket

import pytest
from fastmcp import Client

from mcp_server.server import build_server
from mcp_server.settings import ServerSettings
from tests.conftest import airbyte_env, point_at_fake


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


CASES = {
    # which connector, its settings from the fake, then the one setting aimed at the closed port
    "tiktok api": ("tiktok-marketing", "TIKTOK_MARKETING_API_BASE_URL", "/open_api/v1.3"),
    "linkedin api": ("linkedin-ads", "LINKEDIN_ADS_API_BASE_URL", "/rest"),
    "linkedin token": ("linkedin-ads", "LINKEDIN_ADS_TOKEN_URL", "/oauth/v2/accessToken"),
    "airbyte": ("tiktok-marketing", "AIRBYTE_API_URL", ""),
}


@pytest.mark.parametrize("case", CASES)
async def test_network_error_names_the_host_and_its_setting(monkeypatch, closed_port, tiktok_fake, linkedin_fake, case):
    connector_id, setting, path = CASES[case]
    monkeypatch.setenv("CONNECTOR_MCP_RETRY_ATTEMPTS", "1")
    if setting == "AIRBYTE_API_URL":
        airbyte_env(monkeypatch, "http://unused")
        monkeypatch.setenv("TIKTOK_MARKETING_MODE", "hosted")
    else:
        point_at_fake(monkeypatch, connector_id, (tiktok_fake if connector_id == "tiktok-marketing" else linkedin_fake).url)
    host = f"127.0.0.1:{closed_port}"
    monkeypatch.setenv(setting, f"http://{host}{path}")
    tool = connector_id.replace("-", "_") + "_execute"
    async with Client(build_server(ServerSettings(connectors=[connector_id]))) as client:
        result = await client.call_tool(tool, {"entity": "campaigns", "action": "list"}, raise_on_error=False)
    text = result.content[0].text
    assert result.is_error and text.startswith("network_error:"), text
    assert f"at {host}" in text and setting in text, text
