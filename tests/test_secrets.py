"""No secret reaches a result, an error or the log, even at DEBUG and on failure paths.

The real server runs as a subprocess over stdio with DEBUG logging; every credential,
including tokens minted at run time, is then searched for in what it printed."""

from __future__ import annotations

import sys

from fastmcp import Client
from fastmcp.client.transports import StdioTransport

from mcp_server.connectors.linkedin_ads.sandbox import DEMO_CLIENT_SECRET, DEMO_REFRESH_TOKEN
from mcp_server.connectors.tiktok_marketing.sandbox import DEMO_ACCESS_TOKEN, DEMO_SECRET
from tests.test_transports import child_env

TIKTOK = "tiktok_marketing_execute"
LINKEDIN = "linkedin_ads_execute"


async def test_secrets_stay_out_of_results_errors_and_logs(monkeypatch, direct_env, tmp_path):
    tiktok, linkedin = direct_env["tiktok-marketing"], direct_env["linkedin-ads"]
    # No default advertiser: advertisers list discovers them with app_id + secret in the query string.
    monkeypatch.delenv("TIKTOK_MARKETING_ADVERTISER_ID")
    env = child_env() | {"CONNECTOR_MCP_LOG_LEVEL": "DEBUG", "CONNECTOR_MCP_RETRY_ATTEMPTS": "2"}
    log_file = tmp_path / "stderr.log"
    texts: list[str] = []
    transport = StdioTransport(command=sys.executable, args=["-m", "mcp_server"], env=env, cwd=str(tmp_path), log_file=log_file)
    async with Client(transport) as client:

        async def call(tool: str, arguments: dict) -> None:
            result = await client.call_tool(tool, arguments, raise_on_error=False)
            texts.append(result.content[0].text)

        await call(TIKTOK, {"entity": "advertisers", "action": "list"})
        tiktok.fault("oauth2/advertiser/get", "50000", times=5)
        await call(TIKTOK, {"entity": "advertisers", "action": "list"})
        tiktok.fault("campaign/get", "40105", times=1)
        await call(TIKTOK, {"entity": "campaigns", "action": "list", "params": {"advertiser_id": "7000000000000000001"}})
        await call(LINKEDIN, {"entity": "campaigns", "action": "list", "limit": 2})
        linkedin.fault("adCampaigns", "expired_token", times=2)
        await call(LINKEDIN, {"entity": "campaigns", "action": "list", "limit": 2})
        linkedin.fault("adCampaigns", "server_error", times=5)
        await call(LINKEDIN, {"entity": "campaigns", "action": "list", "limit": 2})

    assert any(r["path"].endswith("oauth2/advertiser/get/") for r in tiktok.requests)
    minted = {
        r["headers"]["authorization"].removeprefix("Bearer ")
        for r in linkedin.requests
        if r["headers"].get("authorization", "").startswith("Bearer ")
    }
    assert minted, "LinkedIn calls carried no bearer token"
    secrets = {DEMO_SECRET, DEMO_ACCESS_TOKEN, DEMO_CLIENT_SECRET, DEMO_REFRESH_TOKEN, *minted}
    logged = log_file.read_text()
    assert "DEBUG" in logged  # the log really was verbose
    assert any(t.startswith(("vendor_unavailable", "auth_error")) for t in texts), texts
    for secret in secrets:
        assert secret not in logged
        for text in texts:
            assert secret not in text
