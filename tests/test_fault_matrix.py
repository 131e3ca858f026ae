"""The fault matrix (issue 10): every fault a vendor or Airbyte can throw, for the direct backends of both
vendors and the hosted backend, through a real in-memory MCP client with traffic over sockets to the fakes.

Each case: the call recovers, or ends in an error of the expected kind whose text names the fix; the next
call in the same session succeeds; and the fake saw no more requests than the retry budget allows
(CONNECTOR_MCP_RETRY_ATTEMPTS, default 3; retry waits ~0 here: conftest sets CONNECTOR_MCP_RETRY_MAX_WAIT=0.01).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from fastmcp import Client

from mcp_server.server import build_server
from mcp_server.settings import ServerSettings
from tests.conftest import airbyte_env, point_at_fake

ATTEMPTS = 3  # the default retry budget
OK = None  # expected outcome: the call recovers


@dataclass
class Case:
    name: str
    kind: str  # the fake's fault kind
    times: int
    error: str | None  # None = recovers; else the error kind
    requests: int  # requests the matched path may see in the faulty call
    words: tuple[str, ...] = ()  # the fix the error text must name
    extra: dict[str, Any] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)


TIKTOK = [
    Case("429 without Retry-After", "http_429", 1, OK, 2),
    Case("429 with a short Retry-After", "http_429", 1, OK, 2, extra={"retry_after": 0.005}),
    Case("429 with a long Retry-After", "http_429", 5, "rate_limited", 1, ("60 s",), {"retry_after": 60}),
    Case("500", "http_500", 5, "vendor_unavailable", ATTEMPTS, ("Try again",)),
    Case("502", "http_502", 1, OK, 2),
    Case("503 with an HTML body", "http_503", 5, "vendor_unavailable", ATTEMPTS, ("Try again",)),
    Case("504", "http_504", 1, OK, 2),
    Case("stall past the read timeout", "stall", 1, OK, 2, extra={"seconds": 1.0}, env={"CONNECTOR_MCP_TIMEOUT": "0.3"}),
    Case("stall every time", "stall", 5, "network_error", ATTEMPTS, ("Try again",), {"seconds": 1.0}, {"CONNECTOR_MCP_TIMEOUT": "0.3"}),
    Case("dropped connection", "drop", 1, OK, 2),
    Case("malformed JSON", "malformed_json", 1, OK, 2),
    Case("empty body", "empty_body", 5, "vendor_unavailable", ATTEMPTS, ("TIKTOK_MARKETING_API_BASE_URL",)),
    Case("40100 in HTTP 200", "40100", 1, OK, 2),
    Case("50002 in HTTP 200", "50002", 1, OK, 2),
    Case("50002 every time", "50002", 5, "vendor_unavailable", ATTEMPTS, ("try again",)),
]

LINKEDIN = [
    Case("429 without Retry-After", "throttled", 1, OK, 2),
    Case("429 with a short Retry-After", "throttled", 1, OK, 2, extra={"retry_after": 0.005}),
    Case("429 with a long Retry-After", "throttled", 5, "rate_limited", 1, ("60 s",), {"retry_after": 60}),
    Case("429 daily quota", "rate_limited", 5, "rate_limited", 1, ("resets at 00:00 UTC",)),
    Case("500", "server_error", 5, "vendor_unavailable", ATTEMPTS, ("Try again",)),
    Case("502", "bad_gateway", 1, OK, 2),
    Case("503 with an HTML body", "unavailable_html", 5, "vendor_unavailable", ATTEMPTS, ("Try again",)),
    Case("504", "gateway_timeout", 1, OK, 2),
    Case("stall past the read timeout", "stall", 1, OK, 2, extra={"seconds": 1.0}, env={"CONNECTOR_MCP_TIMEOUT": "0.3"}),
    Case("dropped connection", "drop", 1, OK, 2),
    Case("malformed JSON", "malformed_json", 1, OK, 2),
    Case("empty body", "empty_body", 5, "vendor_unavailable", ATTEMPTS, ("LINKEDIN_ADS_API_BASE_URL",)),
    Case("401 expired token", "expired_token", 1, OK, 2),
    Case("426 sunset API version", "sunset_version", 5, "vendor_error", 1, ("LINKEDIN_ADS_API_VERSION",)),
]

HOSTED = [
    Case("429 without Retry-After", "rate_limited", 1, OK, 2),
    Case("429 with a short Retry-After", "rate_limited", 1, OK, 2, extra={"retry_after": 0.005}),
    Case("429 with a long Retry-After", "rate_limited", 5, "rate_limited", 1, ("120 s",), {"retry_after": 120}),
    # Airbyte's clients do not resend after a 500 (the work may have run): one request, then the error.
    Case("500", "server_error", 5, "vendor_unavailable", 1, ("Try again",)),
    Case("502", "bad_gateway", 1, OK, 2),
    Case("503 with an HTML body", "unavailable_html", 5, "vendor_unavailable", ATTEMPTS, ("Try again",)),
    Case("504", "gateway_timeout", 1, OK, 2),
    # A timed-out execute is not resent: the report may still be running at Airbyte.
    Case("stall past the read timeout", "slow", 1, "network_error", 1, ("AIRBYTE_TIMEOUT",), {"seconds": 1.0}, {"AIRBYTE_TIMEOUT": "0.3"}),
    Case("dropped connection", "drop_after", 1, OK, 2),
    Case("malformed JSON", "malformed_json", 1, OK, 2),
    Case("empty body", "empty_body", 1, OK, 2),
    Case("empty body every time", "empty_body", 5, "network_error", ATTEMPTS, ("AIRBYTE_API_URL",)),
]

LIST = {"entity": "campaigns", "action": "list", "limit": 5}


class Session:
    """One server and one MCP client session for a case: the faulty call, then the next one."""

    def __init__(self, connector_id: str):
        self.connector_id = connector_id
        self.tool = connector_id.replace("-", "_") + "_execute"

    async def __aenter__(self) -> "Session":
        self.client = Client(build_server(ServerSettings(connectors=[self.connector_id])))
        await self.client.__aenter__()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.client.__aexit__(*exc)

    async def call(self, arguments: dict = LIST):
        return await self.client.call_tool(self.tool, arguments, raise_on_error=False)


def check(result, case: Case) -> None:
    text = result.content[0].text
    if case.error is None:
        assert not result.is_error, text
        assert result.structured_content["data"]
        return
    assert result.is_error and text.startswith(f"{case.error}:"), text
    assert "Fix:" in text and all(w in text for w in case.words), text


async def run_case(monkeypatch, fake, connector_id: str, case: Case, match: str, count) -> None:
    for name, value in case.env.items():
        monkeypatch.setenv(name, value)
    async with Session(connector_id) as session:
        assert not (await session.call()).is_error  # warm: tokens, lookups
        fake.fault(match, case.kind, times=case.times, **case.extra)
        before = count()
        check(await session.call(), case)
        assert count() - before <= case.requests
        if case.error is not None:
            assert count() - before == case.requests  # the whole budget, or exactly one for final errors
        fake.reset()
        assert not (await session.call()).is_error  # the next call succeeds


@pytest.mark.parametrize("case", TIKTOK, ids=lambda c: c.name)
async def test_direct_tiktok(monkeypatch, tiktok_fake, case):
    point_at_fake(monkeypatch, "tiktok-marketing", tiktok_fake.url)
    await run_case(monkeypatch, tiktok_fake, "tiktok-marketing", case, "campaign/get",
                   lambda: len(tiktok_fake.calls("campaign/get")))  # fmt: skip


@pytest.mark.parametrize("case", LINKEDIN, ids=lambda c: c.name)
async def test_direct_linkedin(monkeypatch, linkedin_fake, case):
    point_at_fake(monkeypatch, "linkedin-ads", linkedin_fake.url)
    await run_case(monkeypatch, linkedin_fake, "linkedin-ads", case, "adCampaigns",
                   lambda: len(linkedin_fake.calls("adCampaigns")))  # fmt: skip


@pytest.mark.parametrize("case", HOSTED, ids=lambda c: c.name)
async def test_hosted(monkeypatch, hosted_fake, case):
    from mcp_server.connectors.linkedin_ads.sandbox.app import DEMO_ACCOUNT_ID

    airbyte_env(monkeypatch, hosted_fake.url)
    monkeypatch.setenv("LINKEDIN_ADS_MODE", "hosted")
    monkeypatch.setenv("LINKEDIN_ADS_ACCOUNT_ID", DEMO_ACCOUNT_ID)
    await run_case(monkeypatch, hosted_fake, "linkedin-ads", case, "/execute", lambda: len(hosted_fake.calls("/execute")))


# -- token lifecycles ------------------------------------------------------------------------------------
async def test_linkedin_expired_token_is_refreshed_once(monkeypatch, linkedin_fake):
    point_at_fake(monkeypatch, "linkedin-ads", linkedin_fake.url)
    async with Session("linkedin-ads") as session:
        assert not (await session.call()).is_error
        linkedin_fake.control("expire_tokens")
        before_api, before_token = len(linkedin_fake.calls("adCampaigns")), len(linkedin_fake.calls("accessToken"))
        assert not (await session.call()).is_error
        assert len(linkedin_fake.calls("accessToken")) - before_token == 1  # one refresh
        assert len(linkedin_fake.calls("adCampaigns")) - before_api == 2  # refused, then resent once


async def test_linkedin_refresh_invalid_grant_names_the_refresh_token(monkeypatch, linkedin_fake):
    point_at_fake(monkeypatch, "linkedin-ads", linkedin_fake.url)
    async with Session("linkedin-ads") as session:
        assert not (await session.call()).is_error
        linkedin_fake.control("config", {"refresh_token_valid": False})
        linkedin_fake.control("expire_tokens")
        before = len(linkedin_fake.calls("accessToken"))
        result = await session.call()
        text = result.content[0].text
        assert result.is_error and text.startswith("auth_error:") and "LINKEDIN_ADS_REFRESH_TOKEN" in text, text
        assert len(linkedin_fake.calls("accessToken")) - before == 1  # invalid_grant is not retried
        linkedin_fake.control("config", {"refresh_token_valid": True})  # the user re-authorized
        assert not (await session.call()).is_error


async def test_hosted_token_expiry_mid_session_reauthenticates_once(monkeypatch, hosted_fake):
    from mcp_server.connectors.linkedin_ads.sandbox.app import DEMO_ACCOUNT_ID

    airbyte_env(monkeypatch, hosted_fake.url)
    monkeypatch.setenv("LINKEDIN_ADS_MODE", "hosted")
    monkeypatch.setenv("LINKEDIN_ADS_ACCOUNT_ID", DEMO_ACCOUNT_ID)
    async with Session("linkedin-ads") as session:
        assert not (await session.call()).is_error
        tokens, executes = len(hosted_fake.calls("/token")), len(hosted_fake.calls("/execute"))
        hosted_fake.fault("/execute", "token_expired")
        assert not (await session.call()).is_error
        assert len(hosted_fake.calls("/token")) - tokens == 1
        assert len(hosted_fake.calls("/execute")) - executes == 2  # refused with 401, resent once
        assert not (await session.call()).is_error
        assert len(hosted_fake.calls("/token")) - tokens == 1  # the new token is kept
