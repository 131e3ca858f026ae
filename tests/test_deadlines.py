"""Overall deadlines (issue 15): httpx's timeouts are per read, so a vendor that sent one byte every 0.4 s kept
a call busy 40 s with CONNECTOR_MCP_TIMEOUT=5. Each vendor request now has a deadline for the whole answer,
and each tool call one for all its requests (CONNECTOR_MCP_CALL_TIMEOUT). The fakes' `trickle` fault sends
the real answer slowly: every read gets its byte in time, so only an overall deadline stops it."""

from __future__ import annotations

from mcp_server.connectors.tiktok_marketing.sandbox import DEMO_ADVERTISER_ID

from .conftest import ToolCalls, airbyte_env, point_at_fake

CAMPAIGNS = {"entity": "campaigns", "action": "list", "limit": 2}
TIKTOK = ToolCalls("tiktok_marketing_execute", "tiktok-marketing")


async def test_a_trickling_vendor_answer_is_cut_at_the_request_deadline(monkeypatch, tiktok_fake):
    point_at_fake(monkeypatch, "tiktok-marketing", tiktok_fake.url)
    monkeypatch.setenv("CONNECTOR_MCP_TIMEOUT", "0.5")
    tiktok_fake.fault("campaign/get", "trickle", times=3, seconds=0.05)  # ~2.6 KB: over 2 minutes per answer
    text = await TIKTOK.error_text(CAMPAIGNS)
    assert text.startswith("network_error:") and "did not answer within 0.5 s" in text and "CONNECTOR_MCP_TIMEOUT" in text
    assert len(tiktok_fake.calls("campaign/get")) == 3  # each attempt cut, then retried (3 attempts)


async def test_a_trickle_that_fits_the_deadline_gives_the_full_answer(monkeypatch, tiktok_fake):
    point_at_fake(monkeypatch, "tiktok-marketing", tiktok_fake.url)
    tiktok_fake.fault("campaign/get", "trickle", seconds=0)  # byte by byte, as fast as it goes
    assert len((await TIKTOK.ok(CAMPAIGNS))["data"]) == 2


async def test_a_call_that_outlasts_call_timeout_answers_call_timeout(monkeypatch, tiktok_fake):
    point_at_fake(monkeypatch, "tiktok-marketing", tiktok_fake.url)
    monkeypatch.setenv("CONNECTOR_MCP_TIMEOUT", "0.6")
    monkeypatch.setenv("CONNECTOR_MCP_CALL_TIMEOUT", "1")  # three 0.6 s attempts would take 1.8 s
    tiktok_fake.fault("campaign/get", "trickle", times=3, seconds=0.05)
    text = await TIKTOK.error_text(CAMPAIGNS)
    assert text.startswith("call_timeout:") and "CONNECTOR_MCP_CALL_TIMEOUT" in text and "next_cursor" in text
    assert len(tiktok_fake.calls("campaign/get")) == 2  # stopped during the second attempt


async def test_a_trickling_hosted_answer_is_cut_at_airbyte_timeout(monkeypatch, hosted_fake):
    airbyte_env(monkeypatch, hosted_fake.url)
    monkeypatch.setenv("AIRBYTE_TIMEOUT", "0.5")
    monkeypatch.setenv("TIKTOK_MARKETING_MODE", "hosted")
    monkeypatch.setenv("TIKTOK_MARKETING_ADVERTISER_ID", DEMO_ADVERTISER_ID)
    hosted_fake.fault("/execute", "trickle", seconds=0.05)
    text = await TIKTOK.error_text(CAMPAIGNS)
    assert text.startswith("network_error:") and "AIRBYTE_TIMEOUT" in text
    assert len(hosted_fake.calls("/execute")) == 1  # a timed-out execute is not resent (it may still be running)
