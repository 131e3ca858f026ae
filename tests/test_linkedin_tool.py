"""linkedin_ads_execute end to end: MCP client -> server -> direct backend -> LinkedIn fake (real socket)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest

from mcp_server.connectors.linkedin_ads.catalog import CATALOG
from mcp_server.connectors.linkedin_ads.sandbox import DEMO_CLIENT_SECRET, DEMO_REFRESH_TOKEN
from mcp_server.params import today
from tests.conftest import ToolCalls, point_at_fake

TOOL = "linkedin_ads_execute"
GET_IDS = {
    "accounts": 523456789,
    "campaign_groups": 600067801,
    "campaigns": "urn:li:sponsoredCampaign:700678005",
    "creatives": "urn:li:sponsoredCreative:7006780051",
    "conversions": 810002,
}


@pytest.fixture
def env(monkeypatch, linkedin_fake):
    point_at_fake(monkeypatch, "linkedin-ads", linkedin_fake.url)
    return linkedin_fake


_calls = ToolCalls(TOOL, "linkedin-ads")
call, ok = _calls.call, _calls.ok


async def error_text(arguments: dict[str, Any]) -> str:
    text = await _calls.error_text(arguments)
    assert DEMO_CLIENT_SECRET not in text and DEMO_REFRESH_TOKEN not in text
    return text


@pytest.mark.parametrize("entity", sorted(e for e, spec in CATALOG.entities.items() if "list" in spec.actions))  # write-only ones have no list
async def test_every_entity_lists(env, entity):
    body = await ok({"entity": entity, "action": "list", "limit": 3})
    assert 1 <= len(body["data"]) <= 3
    assert (body["meta"]["backend"], body["meta"]["entity"]) == ("direct", entity)


@pytest.mark.parametrize("entity", sorted(GET_IDS))
async def test_every_get(env, entity):
    body = await ok({"entity": entity, "action": "get", "params": {"id": GET_IDS[entity]}})
    assert str(GET_IDS[entity]).endswith(str(body["data"][0]["id"]))


async def test_cursor_walks_all_campaigns(env):
    seen, cursor = [], None
    for _ in range(5):
        body = await ok({"entity": "campaigns", "action": "list", "limit": 50, **({"cursor": cursor} if cursor else {})})
        seen += [c["id"] for c in body["data"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 120
    assert [r["query"].split("pageSize=")[1][:2] for r in env.requests if r["path"].endswith("adCampaigns")] == ["50"] * 3


async def test_cursor_walks_offset_pages(env):
    first = await ok({"entity": "lead_form_responses", "action": "list", "limit": 5})
    second = await ok({"entity": "lead_form_responses", "action": "list", "limit": 10, "cursor": first["next_cursor"]})
    ids = [r["id"] for r in first["data"] + second["data"]]
    assert len(set(ids)) == 12 and second["next_cursor"] is None


async def test_analytics_default_range_projection_and_cursor(env):
    args = {"entity": "ad_campaign_analytics", "action": "list", "limit": 10, "fields": ["start_date", "pivotValues", "costInUsd"]}
    first = await ok(args)
    assert all(set(r) == {"start_date", "pivotValues", "costInUsd"} for r in first["data"])
    assert isinstance(first["data"][0]["costInUsd"], float)
    assert first["meta"]["params"]["dateRange"] == {
        "start": (today() - dt.timedelta(days=30)).isoformat(),  # the last_30d preset: whole days to yesterday
        "end": (today() - dt.timedelta(days=1)).isoformat(),
    }
    second = await ok({**args, "cursor": first["next_cursor"]})
    keys = lambda body: [(r["start_date"], tuple(r["pivotValues"])) for r in body["data"]]  # noqa: E731
    assert not set(keys(first)) & set(keys(second))
    reports = [r for r in env.requests if r["path"].endswith("adAnalytics")]  # campaign names are looked up after
    assert reports[-1]["query"].endswith("fields=dateRange,pivotValues,costInUsd")


async def test_structured_and_rest_li_params_reach_linkedin_once_encoded(env):
    end = today().replace(day=1) - dt.timedelta(days=1)  # the whole previous month
    start = end.replace(day=1)
    rest_li_range = (
        f"(start:(year:{start.year},month:{start.month},day:1),end:(year:{end.year},month:{end.month},day:{end.day}))"
    )
    body = await ok({
        "entity": "ad_member_country_analytics",
        "action": "list",
        "params": {
            "campaigns": "List(urn%3Ali%3AsponsoredCampaign%3A700678000,urn:li:sponsoredCampaign:700678001)",
            "dateRange": rest_li_range,
            "timeGranularity": "MONTHLY",
        },
    })  # fmt: skip
    assert body["data"] and {(r["start_date"], r["end_date"]) for r in body["data"]} == {(str(start), str(end))}
    query = [r for r in env.requests if r["path"].endswith("adAnalytics")][-1]["query"]  # names are looked up after
    assert "campaigns=List(urn%3Ali%3AsponsoredCampaign%3A700678000,urn%3Ali%3AsponsoredCampaign%3A700678001)" in query
    assert f"dateRange={rest_li_range}" in query


async def test_unknown_param_is_an_error(env):
    text = await error_text({"entity": "campaigns", "action": "list", "params": {"statuses": ["ACTIVE"]}})
    assert text.startswith("invalid_params") and "statuses" in text and not env.requests


async def test_missing_account_names_the_setting(env, monkeypatch):
    monkeypatch.delenv("LINKEDIN_ADS_ACCOUNT_ID")
    text = await error_text({"entity": "creatives", "action": "list"})
    assert "account_id" in text and "LINKEDIN_ADS_ACCOUNT_ID" in text and "accounts list" in text
    assert (await ok({"entity": "accounts", "action": "list"}))["data"]


async def test_sunset_version_names_the_setting(env, monkeypatch):
    monkeypatch.setenv("LINKEDIN_ADS_API_VERSION", "202511")
    text = await error_text({"entity": "accounts", "action": "list"})
    assert text.startswith("vendor_error") and "LINKEDIN_ADS_API_VERSION" in text


async def test_bad_version_setting_is_not_configured(env, monkeypatch):
    monkeypatch.setenv("LINKEDIN_ADS_API_VERSION", "latest")
    text = await error_text({"entity": "accounts", "action": "list"})
    assert "LINKEDIN_ADS_API_VERSION" in text and "YYYYMM" in text


async def test_revoked_refresh_token(env):
    httpx.post(env.url + "/__sandbox__/config", json={"refresh_token_valid": False}).raise_for_status()
    text = await error_text({"entity": "accounts", "action": "list"})
    assert text.startswith("auth_error") and "re-authorize" in text


async def test_permission_denied(env):
    env.fault("adAnalytics", "forbidden")
    text = await error_text({"entity": "ad_member_industry_analytics", "action": "list"})
    assert text.startswith("permission_denied") and "r_ads_reporting" in text


async def test_not_configured_without_credentials():
    text = await error_text({"entity": "accounts", "action": "list"})
    assert text.startswith("not_configured") and "LINKEDIN_ADS_CLIENT_ID" in text
