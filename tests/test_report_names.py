"""Every report and analytics row names its object (issue 8, "Names, not URNs"), in direct and hosted mode:
batched lookups (asserted on the fakes' raw requests), cached per backend, and a URN plus a warning when a
lookup fails."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import unquote

import pytest
from fastmcp import Client

from mcp_server.connectors import REGISTRY
from mcp_server.connectors.linkedin_ads import names_lookup
from mcp_server.connectors.linkedin_ads.analytics_params import PIVOTS
from mcp_server.connectors.linkedin_ads.names import PREFIX
from mcp_server.connectors.tiktok_marketing.report_params import ReportParams
from mcp_server.server import build_server
from mcp_server.settings import ServerSettings
from tests.conftest import airbyte_env

TIKTOK_REPORTS = [
    e for e, spec in REGISTRY["tiktok-marketing"].catalog.entities.items()
    if isinstance(spec.actions["list"].params, type) and issubclass(spec.actions["list"].params, ReportParams)
]  # fmt: skip
# TikTok's level → the name its rows carry besides the advertiser's.
TIKTOK_LEVEL_NAME = {"advertisers": None, "campaigns": "campaign_name", "ad_groups": "adgroup_name", "ads": "ad_name"}
# Names only adTargetingEntities knows (direct mode); hosted mode keeps the URN and warns.
LOOKUP_ONLY = {"MEMBER_COMPANY", "MEMBER_COUNTRY_V2", "MEMBER_JOB_TITLE", "MEMBER_REGION_V2"}


@pytest.fixture
def env(monkeypatch, direct_env, hosted_server):
    hosted_server.control("reset")
    airbyte_env(monkeypatch, hosted_server.url)
    return {**direct_env, "hosted": hosted_server, "monkeypatch": monkeypatch}


def use(env: dict, connector_id: str, backend: str) -> str:
    connector = REGISTRY[connector_id]
    env["monkeypatch"].setenv(connector.settings_cls.model_config["env_prefix"] + "MODE", backend)
    return connector.tool_name


async def ok(client: Client, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    result = await client.call_tool(tool, arguments, raise_on_error=False)
    assert not result.is_error, result.content[0].text
    return result.structured_content


async def call(env: dict, connector_id: str, backend: str, arguments: dict[str, Any]) -> dict[str, Any]:
    tool = use(env, connector_id, backend)
    async with Client(build_server(ServerSettings())) as client:
        return await ok(client, tool, arguments)


async def three_campaigns(env: dict) -> list[str]:
    listed = await call(env, "linkedin-ads", "direct", {"entity": "campaigns", "action": "list", "limit": 3})
    return [str(r["id"]) for r in listed["data"]]


@pytest.mark.parametrize("backend", ["direct", "hosted"])
@pytest.mark.parametrize("entity", list(PIVOTS))
async def test_every_linkedin_analytics_row_names_its_pivot(env, backend, entity):
    pivot = PIVOTS[entity]
    params: dict[str, Any] = {"timeGranularity": "MONTHLY"}
    if pivot != "CREATIVE":  # a few campaigns keep hosted mode to one request
        params["campaigns"] = await three_campaigns(env)
    body = await call(env, "linkedin-ads", backend, {"entity": entity, "action": "list", "params": params, "limit": 200})
    rows, field = body["data"], f"{PREFIX[pivot]}_name"
    assert rows, f"{entity}: the fake reported nothing, so this test would prove nothing"
    for row in rows:
        assert isinstance(row[field], str) and row[field], row
        assert list(row).index(field) > list(row).index("pivotValues")  # read next to the value it names
        if pivot in ("CAMPAIGN", "CREATIVE"):
            assert row[f"{PREFIX[pivot]}_id"] == row["pivotValues"][0].rsplit(":", 1)[1]
    named = [r for r in rows if r[field] != r["pivotValues"][0]]
    if backend == "hosted" and pivot in LOOKUP_ONLY:
        assert not named and any("_name holds the URN" in w for w in body["meta"]["warnings"])
    else:
        assert named == rows, f"{entity}: some rows kept their URN as name"


@pytest.mark.parametrize("backend", ["direct", "hosted"])
@pytest.mark.parametrize("entity", TIKTOK_REPORTS)
async def test_every_tiktok_report_row_names_its_advertiser_and_object(env, backend, entity):
    if backend == "hosted" and entity in ("ads_reports_lifetime", "ads_reports_hourly"):
        params: dict[str, Any] = {"query_lifetime": False} if entity == "ads_reports_lifetime" else {}
    else:
        params = {}
    body = await call(env, "tiktok-marketing", backend, {"entity": entity, "action": "list", "params": params, "limit": 30})
    advertiser = env["tiktok-marketing"].app.state.data.advertisers
    level = TIKTOK_LEVEL_NAME[entity.split("_reports")[0]]
    assert body["data"]
    for row in body["data"]:
        assert list(row)[:2] == ["advertiser_id", "advertiser_name"]
        assert row["advertiser_name"] == advertiser[row["advertiser_id"]]["name"]
        if level:
            assert isinstance(row[level], str) and row[level] and row[level] != "-"


async def test_linkedin_lookups_are_batched_and_name_every_status(env):
    linkedin = env["linkedin-ads"]
    env["monkeypatch"].setattr(names_lookup, "ENTITY_BATCH", 40)  # the demo account has under 100 delivering campaigns
    args = {"entity": "ad_campaign_analytics", "action": "list", "limit": 1000, "fields": ["pivotValues", "campaign_name"],
            "params": {"timeGranularity": "ALL", "start_date": "2024-01-01"}}  # fmt: skip
    body = await call(env, "linkedin-ads", "direct", args)
    campaigns = {r["pivotValues"][0] for r in body["data"]}
    assert len(campaigns) > 80 and body["next_cursor"] is None  # several batches, every row in this answer
    lookups = [unquote(r["query"]) for r in linkedin.calls("/adCampaigns") if "search=(id:" in unquote(r["query"])]
    asked = [q.split("List(", 1)[1].split(")", 1)[0].split(",") for q in lookups]
    assert len(lookups) == math.ceil(len(campaigns) / 40) and all(len(a) <= 40 for a in asked)
    assert {urn for batch in asked for urn in batch} == campaigns
    assert all("REMOVED" in q and "PENDING_DELETION" in q for q in lookups)  # deleted campaigns are named too
    assert all(r["campaign_name"] != r["pivotValues"][0] for r in body["data"])


async def test_targeting_names_are_one_batched_request_then_cached_per_backend(env):
    linkedin = env["linkedin-ads"]
    tool = use(env, "linkedin-ads", "direct")
    args = {"entity": "ad_member_company_analytics", "action": "list", "limit": 500, "params": {"timeGranularity": "MONTHLY"}}
    async with Client(build_server(ServerSettings())) as client:
        first = await ok(client, tool, args)
        (lookup,) = linkedin.calls("/adTargetingEntities")
        assert "q=urns" in lookup["query"] and "queryVersion=QUERY_USES_URNS" in lookup["query"]
        companies = {r["pivotValues"][0] for r in first["data"]}
        assert set(unquote(lookup["query"]).split("urns=List(")[1].rstrip(")").split(",")) == companies
        second = await ok(client, tool, args)
    assert len(linkedin.calls("/adTargetingEntities")) == 1  # the second call's names came from the cache
    assert [r["company_name"] for r in second["data"]] == [r["company_name"] for r in first["data"]]


async def test_a_failed_lookup_keeps_the_urn_and_warns(env):
    env["linkedin-ads"].fault("adTargetingEntities", "forbidden", 1)
    args = {"entity": "ad_member_region_analytics", "action": "list", "limit": 50, "params": {"timeGranularity": "ALL"}}
    body = await call(env, "linkedin-ads", "direct", args)
    assert body["data"] and all(r["region_name"] == r["pivotValues"][0] for r in body["data"])
    assert any("the lookup failed" in w and "_name holds the URN" in w for w in body["meta"]["warnings"])


async def test_names_that_do_not_fit_the_request_budget_warn_instead(env):
    env["monkeypatch"].setenv("CONNECTOR_MCP_MAX_REQUESTS_PER_CALL", "2")  # token + the report, nothing left
    args = {"entity": "ad_member_industry_analytics", "action": "list", "limit": 50, "params": {"timeGranularity": "ALL"}}
    body = await call(env, "linkedin-ads", "direct", args)
    assert not env["linkedin-ads"].calls("/adTargetingEntities")
    assert any("request budget is spent" in w for w in body["meta"]["warnings"])


async def test_hosted_campaign_names_come_from_the_listing_the_report_already_made(env):
    hosted = env["hosted"]
    body = await call(env, "linkedin-ads", "hosted", {"entity": "ad_campaign_analytics", "action": "list", "limit": 20})
    assert body["data"] and all(r["campaign_name"] != r["pivotValues"][0] for r in body["data"])
    vendor = hosted.vendor_requests("linkedin-ads")
    listings = [r for r in vendor if r["path"].endswith("/adCampaigns")]
    reports = [r for r in vendor if r["path"].endswith("/adAnalytics")]
    assert reports and listings and all(vendor.index(l) < vendor.index(reports[0]) for l in listings)  # noqa: E741


async def test_tiktok_advertiser_name_is_looked_up_once_per_backend(env):
    tiktok = env["tiktok-marketing"]
    tool = use(env, "tiktok-marketing", "direct")
    args = {"entity": "campaigns_reports_daily", "action": "list", "limit": 5,
            "params": {"start_date": "2026-01-01", "end_date": "2026-01-05"}}  # fmt: skip
    async with Client(build_server(ServerSettings())) as client:
        await ok(client, tool, args)
        await ok(client, tool, {**args, "entity": "ads_reports_daily"})
    (info,) = tiktok.calls("advertiser/info/")
    assert "name" in unquote(info["query"])
