"""The LinkedIn fake's data is realistic: coherent metrics, plausible rates and demographics, consistent entities.

Reports are fetched through the direct backend over a real socket, as an agent in demo mode would see them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest

from mcp_server.backends.base import PageRequest
from mcp_server.connectors.linkedin_ads import CONNECTOR
from mcp_server.http import ClientOptions
from mcp_server.params import today
from mcp_server.validation import validate_params

CHECKED = [
    "impressions", "clicks", "landingPageClicks", "likes", "reactions", "comments", "shares", "follows",
    "totalEngagements", "externalWebsiteConversions", "externalWebsitePostClickConversions",
    "oneClickLeadFormOpens", "oneClickLeads", "videoStarts", "videoViews", "videoCompletions", "costInLocalCurrency",
    "sends", "opens",
]  # fmt: skip


@pytest.fixture
async def report(linkedin_fake):
    settings = CONNECTOR.load_settings(**CONNECTOR.sandbox_settings(linkedin_fake.url))
    backend = CONNECTOR.direct(settings, ClientOptions(retry_max_wait=0.01))

    async def fetch(entity: str, **params):
        spec = CONNECTOR.catalog.entities[entity].actions["list"]
        model = validate_params(entity, spec, params)
        return (await backend.fetch(PageRequest(entity, "list", model, None, 1000, None))).records

    yield fetch
    await backend.aclose()


@pytest.fixture
async def campaigns(report):
    return {f"urn:li:sponsoredCampaign:{c['id']}": c for c in await report("campaigns", pageSize=500)}


async def test_counts_nest_and_rates_are_plausible(report, campaigns):
    rows = await report("ad_campaign_analytics", fields=CHECKED, start_date=str(today() - dt.timedelta(days=59)))
    assert len(rows) > 2000
    for row in rows:
        kind = campaigns[row["pivotValues"][0]]["type"]
        impressions, clicks = row["impressions"], row["clicks"]
        assert row["landingPageClicks"] <= clicks <= impressions, row
        assert row["likes"] <= row["reactions"] and row["externalWebsitePostClickConversions"] <= row["landingPageClicks"]
        assert row["oneClickLeads"] <= row["oneClickLeadFormOpens"] <= clicks, row
        assert row["videoCompletions"] <= row["videoViews"] <= row["videoStarts"] <= impressions, row
        assert row["opens"] <= row["sends"]
        social = row["likes"] + row["comments"] + row["shares"] + row["follows"]
        assert social <= row["totalEngagements"]
        if impressions >= 2000 and kind == "SPONSORED_UPDATES":
            assert social <= 0.01 * impressions, row  # LinkedIn social actions: well under 1 % of impressions
            assert row["shares"] + row["comments"] <= 0.001 * impressions, row
            assert 0.002 <= clicks / impressions <= 0.012, row
        if kind == "TEXT_AD":
            assert row["totalEngagements"] == 0 and clicks / impressions < 0.001


async def test_costs_follow_the_bid_and_budget(report, campaigns):
    rows = await report("ad_campaign_analytics", fields=["impressions", "clicks", "videoViews", "sends", "costInUsd"])
    for row in rows:
        campaign = campaigns[row["pivotValues"][0]]
        bid, budget = float(campaign["unitCost"]["amount"]), float(campaign["dailyBudget"]["amount"])
        billed = {"CPC": row["clicks"], "CPV": row["videoViews"], "CPM": row["impressions"] / 1000}[campaign["costType"]]
        if campaign["type"] == "SPONSORED_INMAILS":
            billed = row["sends"] / 1000
        assert row["costInUsd"] <= bid * billed + 0.01, (campaign["name"], row)  # never above the bid
        assert row["costInUsd"] <= 1.2 * budget, row  # a day may overshoot the daily budget a little, as on LinkedIn
        assert 0.1 * bid * billed <= row["costInUsd"], row  # LinkedIn charges close to the bid


async def test_demographics_are_plausible_and_partial(report, campaigns):
    total = sum(r["impressions"] for r in await report("ad_campaign_analytics", timeGranularity="ALL"))
    seniority = await report("ad_member_seniority_analytics", timeGranularity="ALL")
    by_value = {r["pivotValues"][0]: r["impressions"] for r in seniority}
    assert max(by_value, key=by_value.get) == "urn:li:seniority:4"  # Senior, as targeted; never Unpaid/Training
    assert not {"urn:li:seniority:1", "urn:li:seniority:2"} & set(by_value)
    assert 0.8 * total < sum(by_value.values()) < total  # unknown members are left out, as on LinkedIn
    countries = await report("ad_member_country_analytics", timeGranularity="ALL")
    top = max(countries, key=lambda r: r["impressions"])
    assert top["pivotValues"] == ["urn:li:geo:103644278"] and top["impressions"] > 0.6 * total  # the US account
    text_ads = [urn for urn, c in campaigns.items() if c["type"] == "TEXT_AD" and c["status"] == "ACTIVE"]
    devices = await report("ad_impression_device_analytics", timeGranularity="ALL", campaigns=text_ads)
    assert [r["pivotValues"] for r in devices] == [["DESKTOP_WEB"]]  # text ads show on desktop only
    companies = await report("ad_member_company_analytics", timeGranularity="ALL")
    assert sum(r["impressions"] for r in companies) < 0.2 * total  # a long tail of companies, top 10 shown


async def test_only_running_campaigns_deliver(report, campaigns):
    start = today() - dt.timedelta(days=2)
    rows = await report("ad_campaign_analytics", start_date=str(start), fields=["impressions"])
    delivering = {r["pivotValues"][0] for r in rows}
    statuses = defaultdict(set)
    for urn, campaign in campaigns.items():
        statuses[campaign["status"]].add(urn)
    assert delivering <= statuses["ACTIVE"] and len(delivering) > 0.8 * len(statuses["ACTIVE"])
    assert statuses["PAUSED"] and statuses["COMPLETED"] and statuses["DRAFT"]


async def test_entities_agree_with_each_other(report, campaigns):
    groups = {f"urn:li:sponsoredCampaignGroup:{g['id']}": g for g in await report("campaign_groups")}
    for campaign in campaigns.values():
        kind, fmt = campaign["type"], campaign["format"]
        assert (kind == "TEXT_AD") == (fmt == "TEXT_AD") and (kind == "SPONSORED_INMAILS") == (fmt == "SPONSORED_INMAIL")
        assert campaign["costType"] != "CPV" or fmt == "SINGLE_VIDEO"
        if groups[campaign["campaignGroup"]]["status"] != "ACTIVE":
            assert campaign["status"] != "ACTIVE"
        assert campaign["unitCost"]["currencyCode"] == campaign["dailyBudget"]["currencyCode"]
    creatives = await report("creatives", pageSize=100)
    for creative in creatives:
        campaign = campaigns[creative["campaign"]]
        assert creative["isServing"] == (campaign["status"] == "ACTIVE" and creative["intendedStatus"] == "ACTIVE")
        assert ("leadgenCallToAction" in creative) == (campaign["objectiveType"] == "LEAD_GENERATION")
        assert ("textAd" in creative["content"]) == (campaign["type"] == "TEXT_AD")
