"""Progress notifications (issue 11): a call that sends several vendor requests reports them to a client
that sent a progress token; a client that sent none gets the same answer and no notification."""

from __future__ import annotations

import datetime as dt

import pytest
from fastmcp import Client

from mcp_server.connectors.linkedin_ads.analytics_params import METRICS, reported_by
from mcp_server.params import today
from mcp_server.server import build_server
from mcp_server.settings import ServerSettings

ADS = {"entity": "ads", "action": "list", "params": {"page_size": 5}, "fields": ["ad_id"], "limit": 30}
TIKTOK_REPORT = {
    "entity": "campaigns_reports_daily", "action": "list", "limit": 1000,
    "params": {"start_date": str(today() - dt.timedelta(days=75)), "metrics": ["spend"]},
}  # fmt: skip
LINKEDIN_REPORT = {
    "entity": "ad_campaign_analytics", "action": "list", "limit": 10,
    "params": {"fields": [m for m in METRICS if reported_by(m, "CAMPAIGN")][:30]},  # 2 metric chunks
}  # fmt: skip


class Seen:
    def __init__(self):
        self.notes: list[tuple[float, float | None, str | None]] = []

    async def __call__(self, progress: float, total: float | None, message: str | None) -> None:
        self.notes.append((progress, total, message))

    def assert_increasing(self, at_least: int) -> None:
        values = [p for p, _, _ in self.notes]
        assert len(values) >= at_least, self.notes
        assert values == sorted(set(values)), f"progress must increase: {self.notes}"
        assert all(total is None or total >= p for p, total, _ in self.notes), self.notes


async def call_with_progress(tool: str, arguments: dict) -> tuple[dict, Seen]:
    seen = Seen()
    async with Client(build_server(ServerSettings()), progress_handler=seen) as client:
        result = await client.call_tool(tool, arguments)
    return result.structured_content, seen


async def call_without_token(tool: str, arguments: dict) -> dict:
    """The MCP session's own call_tool with no progress callback: no progress token is sent."""
    async with Client(build_server(ServerSettings())) as client:
        result = await client.session.call_tool(tool, arguments)
    assert not result.is_error
    return result.structured_content


@pytest.mark.parametrize("concurrency", ["1", "2"])
async def test_a_multi_page_list_reports_each_request(direct_env, monkeypatch, concurrency):
    monkeypatch.setenv("CONNECTOR_MCP_PAGE_CONCURRENCY", concurrency)
    body, seen = await call_with_progress("tiktok_marketing_execute", ADS)
    pages = len(direct_env["tiktok-marketing"].calls("ad/get/"))
    assert len(body["data"]) == 30 and pages == 6
    # one notification per request after the first; pages fetched together may share one
    seen.assert_increasing(pages - 1 if concurrency == "1" else 2)
    assert seen.notes[-1][0] == pages, "the last notification counts every request"
    assert any(total == pages for _, total, _ in seen.notes), "the pages planned from page_info make the total"


async def test_a_report_over_date_chunks_reports_progress(direct_env):
    body, seen = await call_with_progress("tiktok_marketing_execute", TIKTOK_REPORT)
    requests = len(direct_env["tiktok-marketing"].calls("report/integrated/get/"))
    assert body["data"] and requests >= 3  # 76 days: three 30-day chunks
    seen.assert_increasing(3)


async def test_a_linkedin_report_in_metric_chunks_reports_progress(direct_env):
    body, seen = await call_with_progress("linkedin_ads_execute", LINKEDIN_REPORT)
    assert body["data"] and len(direct_env["linkedin-ads"].calls("adAnalytics")) == 2
    seen.assert_increasing(2)


async def test_one_request_sends_no_notification(direct_env):
    _, seen = await call_with_progress("tiktok_marketing_execute", {"entity": "campaigns", "action": "list", "limit": 3})
    assert len(direct_env["tiktok-marketing"].calls("campaign/get/")) == 1
    assert seen.notes == []


async def test_a_client_without_a_progress_token_gets_the_same_answer(direct_env):
    with_token, _ = await call_with_progress("tiktok_marketing_execute", ADS)
    without = await call_without_token("tiktok_marketing_execute", ADS)
    assert without["data"] == with_token["data"] and without["next_cursor"] == with_token["next_cursor"]


async def test_ads_report_progress_stays_its_own(direct_env):
    """ads_report runs the executors inside its call: only its own steps are reported, in order."""
    _, seen = await call_with_progress("ads_report", {"date_preset": "last_7d"})
    seen.assert_increasing(2)
    assert all("vendor requests" not in (message or "") for _, _, message in seen.notes)
