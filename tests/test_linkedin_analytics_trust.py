"""LinkedIn analytics you can trust: metrics a pivot does not report, empty reports, stable row keys.

Facts (Microsoft Learn, "Ads reporting schema" → Metrics Available and the pivot list):
approximateMemberReach, cardClicks, cardImpressions, viralCard* and conversionValueInLocalCurrency are
"Non-demographic pivots only"; audiencePenetration supports ACCOUNT, CAMPAIGN_GROUP or CAMPAIGN;
IMPRESSION_DEVICE_TYPE has no reach or conversion metrics; an empty response means no activity
or no read access.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import httpx
import pytest
from fastmcp import Client

from mcp_server.connectors import REGISTRY
from mcp_server.connectors.linkedin_ads.analytics_params import METRICS, PIVOTS, default_metrics, reported_by
from mcp_server.connectors.linkedin_ads.sandbox import DEMO_ACCESS_TOKEN, DEMO_ACCOUNT_ID
from mcp_server.connectors.linkedin_ads.sandbox.analytics import MEMBER, field_problem
from mcp_server.connectors.linkedin_ads.sandbox.templates import EMEA_ACCOUNT
from mcp_server.params import today
from mcp_server.sandbox.hosted import create_app as create_hosted_app
from mcp_server.sandbox.serve import serve_in_thread
from mcp_server.server import build_server
from mcp_server.settings import ServerSettings
from tests.conftest import Fake, ToolCalls, airbyte_env, point_at_fake

TOOL = "linkedin_ads_execute"
_calls = ToolCalls(TOOL, "linkedin-ads")
FIRST_CAMPAIGN = 700678000
# (entity, metric LinkedIn does not report by its pivot, an entity that does report it)
UNREPORTED = [
    ("ad_member_country_analytics", "approximateMemberReach", "ad_campaign_analytics"),
    ("ad_member_seniority_analytics", "cardClicks", "ad_creative_analytics"),
    ("ad_member_industry_analytics", "viralCardImpressions", "ad_impression_device_analytics"),
    ("ad_member_company_analytics", "conversionValueInLocalCurrency", "ad_campaign_analytics"),
    ("ad_impression_device_analytics", "externalWebsiteConversions", "ad_member_job_title_analytics"),
    ("ad_impression_device_analytics", "approximateMemberReach", "ad_creative_analytics"),
    ("ad_creative_analytics", "audiencePenetration", "ad_campaign_analytics"),
    ("ad_member_region_analytics", "audiencePenetration", "ad_campaign_analytics"),
]


@pytest.fixture
def env(monkeypatch, linkedin_fake):
    point_at_fake(monkeypatch, "linkedin-ads", linkedin_fake.url)
    return linkedin_fake


def analytics_calls(fake: Fake) -> list[dict]:
    return fake.calls("/rest/adAnalytics")


def raw_report(fake: Fake, pivot: str, fields: str, facet: str | None = None) -> httpx.Response:
    start = today() - dt.timedelta(days=10)
    facet = facet or "accounts=List(urn%3Ali%3AsponsoredAccount%3A" + DEMO_ACCOUNT_ID + ")"
    query = (
        f"q=analytics&pivot={pivot}&timeGranularity=ALL&dateRange=(start:(year:{start.year},month:{start.month},"
        f"day:{start.day}))&{facet}&fields=dateRange,pivotValues,{fields}"
    )
    return httpx.get(f"{fake.url}/rest/adAnalytics?{query}", headers={
        "Authorization": f"Bearer {DEMO_ACCESS_TOKEN}", "LinkedIn-Version": "202606", "X-Restli-Protocol-Version": "2.0.0",
    })  # fmt: skip


# -- metric / pivot compatibility -------------------------------------------------------------------


@pytest.mark.parametrize("entity,metric,taker", UNREPORTED)
async def test_unreported_metric_is_refused_locally_with_zero_requests(env, entity, metric, taker):
    # The bad metric hides among 20 good ones: sent as is, it would fail a whole 18-metric call.
    good = [m for m in METRICS if reported_by(m, PIVOTS[entity])][:20]
    text = await _calls.error_text({"entity": entity, "action": "list", "params": {"fields": [*good, metric]}})
    assert text.startswith("invalid_params") and metric in text and PIVOTS[entity] in text
    assert taker in text, "the error names the entities that do report the metric"
    assert not [m for m in good if f"{m} only by" in text], "only the unreported metric is named"
    assert env.requests == [], "refused before any request, the token exchange included"


async def test_pushed_down_tool_fields_are_checked_too(env):
    text = await _calls.error_text({"entity": "ad_member_job_function_analytics", "action": "list",
                                    "fields": ["start_date", "cardImpressions"]})  # fmt: skip
    assert text.startswith("invalid_params") and "cardImpressions" in text and env.requests == []


@pytest.mark.parametrize("entity,metric,taker", UNREPORTED)
def test_the_fake_refuses_what_linkedin_refuses_with_its_own_table(linkedin_fake, entity, metric, taker):
    reply = raw_report(linkedin_fake, PIVOTS[entity], f"impressions,{metric}")
    assert reply.status_code == 400
    body = reply.json()
    assert body["status"] == 400 and body["code"] == "PARAM_INVALID" and metric in body["message"]
    assert body["errorDetails"]["inputErrors"][0]["input"]["inputPath"]["fieldPath"] == "fields"
    assert raw_report(linkedin_fake, PIVOTS[taker], f"impressions,{metric}").status_code == 200


def test_client_and_fake_tables_agree_on_every_metric_and_pivot():
    """Two copies kept apart on purpose (the fake must catch a client mistake); they must not drift."""
    for pivot in sorted(set(PIVOTS.values())):
        for metric in METRICS:
            assert reported_by(metric, pivot) == (field_problem(metric, pivot) is None), (metric, pivot)


def test_retired_metric_names_are_refused_with_their_replacement():
    from mcp_server.connectors.linkedin_ads.analytics_params import AnalyticsParams

    with pytest.raises(ValueError, match="approximateUniqueImpressions \\(use approximateMemberReach\\)"):
        AnalyticsParams(fields=["impressions", "approximateUniqueImpressions"])


@pytest.mark.parametrize("entity", sorted(PIVOTS))
async def test_default_metrics_of_every_entity_are_ones_its_pivot_reports(env, entity):
    body = await _calls.ok({"entity": entity, "action": "list", "limit": 5})
    sent = [c["query"].split("fields=")[1].split(",") for c in analytics_calls(env)]
    assert sent and all(field_problem(name, PIVOTS[entity]) is None for fields in sent for name in fields)
    assert sorted({m for fields in sent for m in fields} - {"dateRange", "pivotValues"}) == sorted(
        default_metrics(PIVOTS[entity])
    )
    assert body["data"], entity


# -- empty reports ----------------------------------------------------------------------------------


def _never_delivered(fake: Fake) -> int:
    data = fake.app.state.fake.data
    return next(c["id"] for c in data.campaigns if c["id"] not in data.runs and c["account"].endswith(DEMO_ACCOUNT_ID))


def _assert_empty_warning(body: dict[str, Any], names: str) -> None:
    assert body["data"] == [] and body["next_cursor"] is None
    (warning,) = [w for w in body["meta"]["warnings"] if "no rows" in w]
    assert names in warning and "nothing was delivered" in warning and "no role" in warning


async def test_empty_report_when_nothing_ran_says_both_possibilities(env):
    campaign = _never_delivered(env)
    body = await _calls.ok({"entity": "ad_campaign_analytics", "action": "list", "params": {"campaigns": [campaign]}})
    # An explicit facet: the campaign, and the account (LINKEDIN_ADS_ACCOUNT_ID) whose role matters.
    _assert_empty_warning(body, f"urn:li:sponsoredCampaign:{campaign} (account urn:li:sponsoredAccount:{DEMO_ACCOUNT_ID})")
    assert len(analytics_calls(env)) == 1, "the report was asked for; LinkedIn answered an empty 200"


async def test_empty_report_names_the_account_given_in_params(env, monkeypatch):
    monkeypatch.delenv("LINKEDIN_ADS_ACCOUNT_ID")
    campaign = _never_delivered(env)
    arguments = {"entity": "ad_creative_analytics", "action": "list", "params": {"campaigns": [campaign]}}
    body = await _calls.ok(arguments)
    _assert_empty_warning(body, f"urn:li:sponsoredCampaign:{campaign} from")  # no account known: none named
    body = await _calls.ok({**arguments, "params": {"campaigns": [campaign], "account_id": DEMO_ACCOUNT_ID}})
    _assert_empty_warning(body, f"urn:li:sponsoredCampaign:{campaign} (account urn:li:sponsoredAccount:{DEMO_ACCOUNT_ID})")


async def test_account_without_a_role_is_an_empty_200_with_the_account_named(env, monkeypatch):
    arguments = {"entity": "ad_campaign_analytics", "action": "list", "params": {"account_id": EMEA_ACCOUNT}}
    with_role = await _calls.ok(arguments)
    assert with_role["data"] and "warnings" not in with_role["meta"]

    data = env.app.state.fake.data
    monkeypatch.setattr(data, "users", [u for u in data.users if not (u["user"] == MEMBER and u["account"].endswith(str(EMEA_ACCOUNT)))])
    env.reset()
    body = await _calls.ok(arguments)
    _assert_empty_warning(body, f"urn:li:sponsoredAccount:{EMEA_ACCOUNT}")
    (call,) = analytics_calls(env)
    assert f"accounts=List(urn%3Ali%3AsponsoredAccount%3A{EMEA_ACCOUNT})" in call["query"]


# -- stable, unique row keys (the executor resumes a cursor after the last key) ----------------------


def _keys(rows: list[dict[str, Any]]) -> list[tuple[str, tuple[str, ...]]]:
    return [(r["start_date"], tuple(r["pivotValues"])) for r in rows]


def _unique_sorted(rows: list[dict[str, Any]]) -> None:
    keys = _keys(rows)
    assert len(keys) == len(set(keys)), "a (start_date, pivotValues) key appears twice"
    as_json = [[json.dumps(r["start_date"]), json.dumps(r["pivotValues"])] for r in rows]
    assert as_json == sorted(as_json), "rows are not in the executor's key order"


async def _all_pages(call, arguments: dict[str, Any]) -> list[dict[str, Any]]:
    rows, cursor = [], None
    while True:
        body = await call({**arguments, **({"cursor": cursor} if cursor else {})})
        rows += body["data"]
        cursor = body["next_cursor"]
        if not cursor:
            return rows


CHUNKED_AND_BATCHED = {
    "entity": "ad_creative_analytics",
    "action": "list",
    "params": {
        "campaigns": list(range(FIRST_CAMPAIGN, FIRST_CAMPAIGN + 120)),  # 3 facet batches of ≤ 50
        "fields": [m for m in METRICS if reported_by(m, "CREATIVE")][:40],  # 3 metric chunks of ≤ 18
        "start_date": str(today() - dt.timedelta(days=4)),
    },
}


async def test_chunked_and_batched_rows_have_unique_keys_and_pages_resume_by_key(env):
    first = await _calls.ok({**CHUNKED_AND_BATCHED, "limit": 1000})
    assert len(analytics_calls(env)) == 9 and first["next_cursor"], "the 80,000-character cap cut this result"
    whole = await _all_pages(_calls.ok, {**CHUNKED_AND_BATCHED, "limit": 1000})
    assert len(whole) > 200
    _unique_sorted(whole)
    assert all(set(CHUNKED_AND_BATCHED["params"]["fields"]) <= set(r) for r in whole), "merged chunks lost a metric"
    paged = await _all_pages(_calls.ok, {**CHUNKED_AND_BATCHED, "limit": 37})
    assert paged == whole


async def test_hosted_rows_have_the_same_unique_keys(env, monkeypatch):
    app = create_hosted_app()
    with serve_in_thread(app) as url:
        airbyte_env(monkeypatch, url)
        monkeypatch.setenv("LINKEDIN_ADS_MODE", "hosted")
        connector = REGISTRY["linkedin-ads"]

        async def hosted(arguments: dict[str, Any]) -> dict[str, Any]:
            async with Client(build_server(ServerSettings(connectors=["linkedin-ads"]))) as client:
                result = await client.call_tool(connector.tool_name, arguments, raise_on_error=False)
            assert not result.is_error, result.content[0].text
            assert result.structured_content["meta"]["backend"] == "hosted"
            return result.structured_content

        # Hosted takes only the campaigns facet: the whole account's 120 campaigns, batched by 50.
        fields = [m for m in METRICS if reported_by(m, "CAMPAIGN")][:40]
        arguments = {"entity": "ad_campaign_analytics", "action": "list", "limit": 60,
                     "params": {"fields": fields, "start_date": str(today() - dt.timedelta(days=2))}}  # fmt: skip
        rows = await _all_pages(hosted, arguments)
        assert len(rows) > 100
        _unique_sorted(rows)
        monkeypatch.setenv("LINKEDIN_ADS_MODE", "direct")
        assert rows == await _all_pages(_calls.ok, arguments)

        monkeypatch.setenv("LINKEDIN_ADS_MODE", "hosted")
        campaign = _never_delivered(env)  # the fakes behind the hosted API hold the same data
        empty = await hosted({"entity": "ad_campaign_analytics", "action": "list", "params": {"campaigns": [campaign]}})
        _assert_empty_warning(empty, f"urn:li:sponsoredCampaign:{campaign} (account urn:li:sponsoredAccount:{DEMO_ACCOUNT_ID})")


async def test_hosted_refuses_an_unreported_metric_before_listing_the_account(monkeypatch, linkedin_fake, hosted_fake):
    point_at_fake(monkeypatch, "linkedin-ads", linkedin_fake.url)
    airbyte_env(monkeypatch, hosted_fake.url)
    monkeypatch.setenv("LINKEDIN_ADS_MODE", "hosted")
    text = await _calls.error_text(
        {"entity": "ad_member_country_analytics", "action": "list", "params": {"fields": ["approximateMemberReach"]}}
    )
    assert text.startswith("invalid_params") and "approximateMemberReach" in text
    assert not [r for r in hosted_fake.requests if "/execute" in r["path"]], "no hosted execute (not even the listing)"


# -- the request budget: a report fits it whole or is refused before its first request -----------------

EVERY_CAMPAIGN_METRIC = [m for m in METRICS if reported_by(m, "CAMPAIGN")]  # 6 chunks of 18
ALL_METRICS_120_CAMPAIGNS = {
    "entity": "ad_campaign_analytics",
    "action": "list",
    "params": {"campaigns": list(range(FIRST_CAMPAIGN, FIRST_CAMPAIGN + 120)), "fields": EVERY_CAMPAIGN_METRIC},
}
NEEDED = 3 * 6  # 3 batches of ≤ 50 campaigns × 6 chunks of ≤ 18 metrics


def _assert_refused_for_budget(text: str, needed: int) -> None:
    assert text.startswith("invalid_params: this report needs") and f"needs {needed} LinkedIn requests" in text
    assert "CONNECTOR_MCP_MAX_REQUESTS_PER_CALL" in text and "whole or not at all" in text and "has left" in text
    assert "fewer metrics" in text and "fewer campaigns or a narrower facet" in text and "raise" in text


async def test_a_report_over_the_budget_is_refused_before_any_analytics_request(env, monkeypatch):
    assert len(EVERY_CAMPAIGN_METRIC) > 5 * 18
    monkeypatch.setenv("CONNECTOR_MCP_MAX_REQUESTS_PER_CALL", "5")
    text = await _calls.error_text(ALL_METRICS_120_CAMPAIGNS)
    _assert_refused_for_budget(text, NEEDED)
    assert "more than the 5 this tool call has left" in text
    assert analytics_calls(env) == []
    # The whole account is one facet value: 6 metric chunks, still more than 5.
    text = await _calls.error_text({**ALL_METRICS_120_CAMPAIGNS, "params": {"fields": EVERY_CAMPAIGN_METRIC}})
    _assert_refused_for_budget(text, 6)
    assert analytics_calls(env) == []


async def test_a_report_that_fits_the_budget_exactly_runs_whole(env, monkeypatch):
    monkeypatch.setenv("CONNECTOR_MCP_MAX_REQUESTS_PER_CALL", str(NEEDED - 1))
    _assert_refused_for_budget(await _calls.error_text(ALL_METRICS_120_CAMPAIGNS), NEEDED)
    assert analytics_calls(env) == []
    monkeypatch.setenv("CONNECTOR_MCP_MAX_REQUESTS_PER_CALL", str(NEEDED))
    body = await _calls.ok({**ALL_METRICS_120_CAMPAIGNS, "limit": 5})
    assert body["data"] and len(analytics_calls(env)) == NEEDED


async def test_default_reports_run_at_the_default_budget(env):
    for entity in ("ad_campaign_analytics", "ad_member_company_analytics"):
        assert (await _calls.ok({"entity": entity, "action": "list", "limit": 5}))["data"]
    body = await _calls.ok({**ALL_METRICS_120_CAMPAIGNS, "limit": 5})  # 18 requests of the default 40
    assert body["data"] and len(analytics_calls(env)) == 1 + 1 + NEEDED


async def test_hosted_report_over_the_budget_is_refused_before_any_analytics_request(monkeypatch, linkedin_fake, hosted_fake):
    point_at_fake(monkeypatch, "linkedin-ads", linkedin_fake.url)
    airbyte_env(monkeypatch, hosted_fake.url)
    monkeypatch.setenv("LINKEDIN_ADS_MODE", "hosted")
    monkeypatch.setenv("CONNECTOR_MCP_MAX_REQUESTS_PER_CALL", "5")

    def analytics_sent() -> list[dict]:
        return [r for r in hosted_fake.vendor_requests("linkedin-ads") if r["path"].endswith("/adAnalytics")]

    # An explicit facet of 120 campaigns, and the whole account (Airbyte's campaign list gives the same 120).
    for params in (ALL_METRICS_120_CAMPAIGNS["params"], {"fields": EVERY_CAMPAIGN_METRIC}):
        text = await _calls.error_text({**ALL_METRICS_120_CAMPAIGNS, "params": params})
        _assert_refused_for_budget(text, NEEDED)
        assert analytics_sent() == []
    listed = [r for r in hosted_fake.vendor_requests("linkedin-ads") if r["path"].endswith("/adCampaigns")]
    assert len(listed) == 1, "the whole-account report was counted after its campaign listing"

    monkeypatch.delenv("CONNECTOR_MCP_MAX_REQUESTS_PER_CALL")
    body = await _calls.ok({**ALL_METRICS_120_CAMPAIGNS, "params": {"fields": EVERY_CAMPAIGN_METRIC}, "limit": 5})
    assert body["data"] and body["meta"]["backend"] == "hosted" and len(analytics_sent()) == NEEDED
