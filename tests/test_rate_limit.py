"""Client-side rate limiting (one sliding one-second window per vendor per process) and daily quotas that are not
retried, through the real server and an in-memory MCP client, with vendor traffic over sockets to the fakes."""

from __future__ import annotations

import asyncio
import time

import pytest
from fastmcp import Client

from mcp_server.server import build_server
from mcp_server.settings import ServerSettings
from tests.conftest import airbyte_env

TIKTOK_LIST = {"entity": "campaigns", "action": "list"}
LINKEDIN_LIST = {"entity": "campaigns", "action": "list"}


async def concurrent_calls(connector_id: str, tool: str, arguments: dict, n: int) -> tuple[float, list]:
    """n calls at once through one server (they share its limiter); seconds taken and the results."""
    async with Client(build_server(ServerSettings(connectors=[connector_id]))) as client:
        started = time.monotonic()
        results = await asyncio.gather(*(client.call_tool(tool, arguments, raise_on_error=False) for _ in range(n)))
        return time.monotonic() - started, results


def most_in_one_second(stamps: list[float], jitter: float = 0.1) -> int:
    """The largest number of requests the fake saw within any one-second window (less the jitter of
    their arrival over the socket, which can bring two requests sent 1/qps apart a few ms closer)."""
    stamps = sorted(stamps)
    return max(sum(1 for t in stamps[i:] if t - start < 1.0 - jitter) for i, start in enumerate(stamps))


@pytest.mark.parametrize(
    ("connector_id", "tool", "setting", "fragment"),
    [
        ("tiktok-marketing", "tiktok_marketing_execute", "TIKTOK_MARKETING_MAX_QPS", "campaign/get"),
        ("linkedin-ads", "linkedin_ads_execute", "LINKEDIN_ADS_MAX_QPS", "adCampaigns"),
    ],
)
async def test_concurrent_calls_are_paced_to_the_vendor_qps(monkeypatch, direct_env, connector_id, tool, setting, fragment):
    fake, qps, n = direct_env[connector_id], 4, 10
    await concurrent_calls(connector_id, tool, TIKTOK_LIST, 1)  # warm-up: imports, LinkedIn's token exchange
    unlimited, results = await concurrent_calls(connector_id, tool, TIKTOK_LIST, n)
    assert not any(r.is_error for r in results)

    monkeypatch.setenv(setting, str(qps))
    fake.reset()
    limited, results = await concurrent_calls(connector_id, tool, TIKTOK_LIST, n)
    assert not any(r.is_error for r in results), results[0].content[0].text
    stamps = [r["at"] for r in fake.calls(fragment)]
    assert len(stamps) == n  # one request per call
    minimum = (-(-n // qps) - 1) * 1.0  # qps go at once, the next qps a second later, and so on
    assert limited >= 0.95 * minimum, (limited, minimum)
    assert limited > 1.2 * unlimited  # the same calls without the limiter are faster (ratio within this run)
    assert most_in_one_second(stamps) <= qps


async def test_a_call_under_the_limit_is_not_delayed(monkeypatch, direct_env):
    monkeypatch.setenv("TIKTOK_MARKETING_MAX_QPS", "0.2")  # one request every 5 s at most
    elapsed, results = await concurrent_calls("tiktok-marketing", "tiktok_marketing_execute", TIKTOK_LIST, 1)
    assert not results[0].is_error and elapsed < 2.5


async def test_each_vendor_has_its_own_bucket(monkeypatch, direct_env):
    """A saturated TikTok bucket does not slow LinkedIn: both run at once, in about the time of one."""
    monkeypatch.setenv("TIKTOK_MARKETING_MAX_QPS", "5")
    monkeypatch.setenv("LINKEDIN_ADS_MAX_QPS", "5")
    await concurrent_calls("linkedin-ads", "linkedin_ads_execute", LINKEDIN_LIST, 1)
    async with Client(build_server(ServerSettings(connectors=["tiktok-marketing", "linkedin-ads"]))) as client:
        started = time.monotonic()
        calls = [client.call_tool("tiktok_marketing_execute", TIKTOK_LIST, raise_on_error=False) for _ in range(6)]
        calls += [client.call_tool("linkedin_ads_execute", LINKEDIN_LIST, raise_on_error=False) for _ in range(6)]
        results = await asyncio.gather(*calls)
        elapsed = time.monotonic() - started
    assert not any(r.is_error for r in results)
    assert 0.95 <= elapsed < 1.9  # 5 at once and the 6th a second later per vendor, side by side (one shared window: 2 s+)


async def test_hosted_calls_are_paced_by_airbyte_max_qps(monkeypatch, hosted_fake):
    hosted_linkedin(monkeypatch, hosted_fake.url)
    await concurrent_calls("linkedin-ads", "linkedin_ads_execute", LINKEDIN_LIST, 1)  # token and connector lookup
    monkeypatch.setenv("AIRBYTE_MAX_QPS", "4")
    hosted_fake.reset()
    elapsed, results = await concurrent_calls("linkedin-ads", "linkedin_ads_execute", LINKEDIN_LIST, 6)
    assert not any(r.is_error for r in results), results[0].content[0].text
    stamps = [r["at"] for r in hosted_fake.requests]
    assert elapsed >= 0.95 * (len(stamps) - 1) / 4
    assert most_in_one_second(stamps) <= 4


def hosted_linkedin(monkeypatch, url: str) -> None:
    from mcp_server.connectors.linkedin_ads.sandbox.app import DEMO_ACCOUNT_ID

    airbyte_env(monkeypatch, url)
    monkeypatch.setenv("LINKEDIN_ADS_MODE", "hosted")
    monkeypatch.setenv("LINKEDIN_ADS_ACCOUNT_ID", DEMO_ACCOUNT_ID)


# -- daily quotas: one request, an error that says when the quota resets ---------------------------------
QUOTAS = [
    # connector, vendor fault (match, kind, extras), words the error must carry
    ("linkedin-ads", ("adCampaigns", "rate_limited", {}), "this app's calls"),
    ("linkedin-ads", ("adCampaigns", "member_quota", {}), "the authorizing member's calls"),
    ("tiktok-marketing", ("campaign/get", "40100", {"message": "App QPD limit reached: too many requests today."}), "daily request limit"),
]


@pytest.mark.parametrize(("connector_id", "fault", "words"), QUOTAS)
async def test_a_daily_quota_is_not_retried_and_says_when_it_resets(direct_env, connector_id, fault, words):
    fake = direct_env[connector_id]
    match, kind, extras = fault
    fake.fault(match, kind, times=5, **extras)
    tool = connector_id.replace("-", "_") + "_execute"
    _, (result,) = await concurrent_calls(connector_id, tool, TIKTOK_LIST, 1)
    text = result.content[0].text
    assert result.is_error and text.startswith("rate_limited:"), text
    assert "resets at 00:00 UTC" in text and words in text and "retrying sooner fails again" in text
    assert len(fake.calls(match)) == 1
    fake.reset()
    _, (result,) = await concurrent_calls(connector_id, tool, TIKTOK_LIST, 1)
    assert not result.is_error


async def test_tiktok_per_second_limit_is_retried(direct_env):
    fake = direct_env["tiktok-marketing"]
    fake.fault("campaign/get", "40100", times=2)  # the fake's message names the QPS limit
    _, (result,) = await concurrent_calls("tiktok-marketing", "tiktok_marketing_execute", TIKTOK_LIST, 1)
    assert not result.is_error and len(fake.calls("campaign/get")) == 3


async def test_tiktok_per_minute_limit_is_not_waited_out_within_a_call(direct_env):
    fake = direct_env["tiktok-marketing"]
    fake.fault("campaign/get", "40100", times=5, message="App QPM limit reached.")
    _, (result,) = await concurrent_calls("tiktok-marketing", "tiktok_marketing_execute", TIKTOK_LIST, 1)
    text = result.content[0].text
    assert result.is_error and text.startswith("rate_limited:") and "300 s" in text
    assert len(fake.calls("campaign/get")) == 1


async def test_hosted_linkedin_daily_quota_is_not_retried(monkeypatch, hosted_fake):
    hosted_linkedin(monkeypatch, hosted_fake.url)
    hosted_fake.fault("adCampaigns", "rate_limited", times=5, connector="linkedin-ads")
    _, (result,) = await concurrent_calls("linkedin-ads", "linkedin_ads_execute", LINKEDIN_LIST, 1)
    text = result.content[0].text
    assert result.is_error and text.startswith("rate_limited:") and "resets at 00:00 UTC" in text, text
    assert len(hosted_fake.calls("/execute")) == 1
    assert len(hosted_fake.vendor_requests("linkedin-ads")) <= 2  # Airbyte's token exchange + the one call


def test_quota_reset_is_the_next_utc_midnight():
    from datetime import UTC, datetime

    from mcp_server.rate_limit import next_utc_midnight, resets_in_words

    now = datetime(2026, 3, 31, 22, 15, tzinfo=UTC)
    assert next_utc_midnight(now) == datetime(2026, 4, 1, tzinfo=UTC)
    assert resets_in_words(next_utc_midnight(now), now) == "00:00 UTC on 2026-04-01 (in 1 h 45 min)"
