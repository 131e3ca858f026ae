"""tiktok_marketing_execute end to end: MCP client -> server -> direct backend -> TikTok fake (real socket)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from mcp_server.connectors.tiktok_marketing.catalog import CATALOG
from mcp_server.connectors.tiktok_marketing.clock import local_today
from mcp_server.connectors.tiktok_marketing.sandbox import DEMO_ADVERTISER_ID
from mcp_server.params import today
from tests.conftest import ToolCalls, point_at_fake

TOOL = "tiktok_marketing_execute"


@pytest.fixture
def env(monkeypatch, tiktok_fake):
    point_at_fake(monkeypatch, "tiktok-marketing", tiktok_fake.url)
    return tiktok_fake


_calls = ToolCalls(TOOL, "tiktok-marketing")
call, ok, error_text = _calls.call, _calls.ok, _calls.error_text


def visible_ads(fake) -> list[dict]:
    return [a for a in fake.app.state.data.of("ads", DEMO_ADVERTISER_ID) if not a["_deleted"]]


@pytest.mark.parametrize("entity", sorted(CATALOG.entities))
async def test_every_entity_lists_through_the_tool(env, entity):
    body = await ok({"entity": entity, "action": "list", "limit": 3})
    assert 1 <= len(body["data"]) <= 3
    assert body["meta"]["backend"] == "direct"
    assert body["meta"]["entity"] == entity


async def test_limit_sets_the_page_size_and_the_cursor_continues(env):
    expected = {a["ad_id"] for a in visible_ads(env)}
    first = await ok({"entity": "ads", "action": "list", "limit": 25})
    assert len(first["data"]) == 25 and first["next_cursor"]
    assert [json.loads(r["query"].split("page_size=")[1].split("&")[0]) for r in env.requests] == [25]
    seen = [r["ad_id"] for r in first["data"]]
    cursor = first["next_cursor"]
    while cursor:
        page = await ok({"entity": "ads", "action": "list", "limit": 25, "cursor": cursor})
        seen += [r["ad_id"] for r in page["data"]]
        cursor = page["next_cursor"]
    assert len(seen) == len(set(seen)) and set(seen) == expected


async def test_report_cursor_walks_across_date_chunks(env):
    ad = next(a for a in visible_ads(env) if a["_delivering"])
    start = max(ad["_created"], today() - dt.timedelta(days=44))
    params = {
        "start_date": str(start),
        "metrics": ["spend", "clicks"],
        "filtering": json.dumps([{"field_name": "ad_ids", "filter_type": "IN", "filter_value": [ad["ad_id"]]}]),
    }
    rows, cursor = [], None
    for _ in range(20):
        page = await ok({"entity": "ads_reports_daily", "action": "list", "params": params, "limit": 7, "cursor": cursor})
        rows += page["data"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    days = [r["stat_time_day"][:10] for r in rows]
    end = local_today(env.app.state.data.advertisers[DEMO_ADVERTISER_ID]["display_timezone"])  # report days are local
    assert days == [str(start + dt.timedelta(days=n)) for n in range((end - start).days + 1)]
    assert all(isinstance(r["spend"], float) and r["ad_id"] == ad["ad_id"] for r in rows)


async def test_fields_project_records(env):
    body = await ok({"entity": "campaigns", "action": "list", "fields": ["campaign_id", "campaign_name"], "limit": 4})
    assert body["data"] and all(set(r) == {"campaign_id", "campaign_name"} for r in body["data"])


async def test_params_may_be_a_json_string(env):
    body = await ok({"entity": "ads_reports_lifetime", "action": "list", "params": '{"metrics": "spend,impressions"}'})
    assert set(body["data"][0]) == {"advertiser_id", "advertiser_name", "ad_id", "spend", "impressions"}


async def test_missing_advertiser_is_an_error_result_without_a_request(env, monkeypatch):
    monkeypatch.delenv("TIKTOK_MARKETING_ADVERTISER_ID")
    text = await error_text({"entity": "campaigns", "action": "list"})
    assert "invalid_params" in text and "TIKTOK_MARKETING_ADVERTISER_ID" in text
    assert env.requests == []


async def test_advertiser_id_must_be_digits(env):
    text = await error_text({"entity": "ads", "action": "list", "params": {"advertiser_id": "Northwind"}})
    assert text.startswith("invalid_params: params.advertiser_id: must be TikTok's numeric advertiser id")
    assert "Ads Manager" in text and "pattern" not in text
    assert env.requests == []


async def test_bad_report_dates_are_invalid_params(env):
    text = await error_text(
        {"entity": "ads_reports_daily", "action": "list", "params": {"start_date": "2025-02-01", "end_date": "2025-01-01"}}
    )
    assert "invalid_params" in text and "end_date" in text
    assert env.requests == []


async def test_vendor_errors_are_error_results(env):
    env.fault("campaign/get", "40105")
    text = await error_text({"entity": "campaigns", "action": "list"})
    assert text.startswith("auth_error") and "TIKTOK_MARKETING_ACCESS_TOKEN" in text and "request id" in text
    env.fault("ad/get", "40100", times=10)
    assert (await error_text({"entity": "ads", "action": "list"})).startswith("rate_limited")


async def test_throttle_warning_reaches_meta(env):
    env.fault("report/integrated", "ads_throttle")
    body = await ok({"entity": "ads_reports_lifetime", "action": "list", "limit": 2})
    assert any("20,000" in w for w in body["meta"]["warnings"])
