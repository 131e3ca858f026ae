"""Issue 9, `ads_report`: one report across LinkedIn Ads and TikTok Marketing, checked against the fakes.

Everything goes through a real MCP client on the real server; vendor traffic goes over real sockets to the
fakes. Expected figures are never written down: they come from the vendor rows the same fakes give to
`linkedin_ads_execute` / `tiktok_marketing_execute`, and the queries from the raw requests the fakes logged.

The clock is frozen for the whole module at Monday 1 June 2026, 06:00 UTC (20:00 the same day for the demo
TikTok advertiser at UTC+14, so both platforms share one "today"), before this module's fakes build their
data (which is laid out relative to today): the expected periods below are exact and the data never ages.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import defaultdict
from typing import Any
from urllib.parse import parse_qs, unquote

import pytest
from fastmcp import Client

import mcp_server.connectors.linkedin_ads.analytics_params as analytics_params
import mcp_server.connectors.linkedin_ads.sandbox.app as linkedin_fake_app
import mcp_server.connectors.linkedin_ads.sandbox.data as linkedin_fake_data
import mcp_server.connectors.linkedin_ads.sandbox.routes as linkedin_fake_routes
import mcp_server.connectors.linkedin_ads.sandbox.templates as linkedin_fake_templates
import mcp_server.connectors.tiktok_marketing.client as tiktok_client
import mcp_server.connectors.tiktok_marketing.hosted as tiktok_hosted
import mcp_server.connectors.tiktok_marketing.report_params as report_params
import mcp_server.connectors.tiktok_marketing.sandbox.app as tiktok_fake_app
import mcp_server.connectors.tiktok_marketing.sandbox.reports as tiktok_fake_reports
import mcp_server.params as shared_params
from mcp_server.connectors.tiktok_marketing import clock
from mcp_server.sandbox.serve import serve_in_thread
from mcp_server.server import build_server
from mcp_server.settings import ServerSettings
from tests.conftest import Fake, airbyte_env, point_at_fake

NOW = dt.datetime(2026, 6, 1, 6, 0, tzinfo=dt.timezone.utc)  # a Monday, and the first of a month
LI, TT = "linkedin-ads", "tiktok-marketing"
LI_ACCOUNT, TT_ADVERTISER = "512345678", "7294619358021763074"
EUR_ACCOUNT = "523456789"  # the demo's second LinkedIn account, billed in EUR
REPORT_PATH = "/open_api/v1.3/report/integrated/get/"
# Two whole Monday-Sunday weeks, inside every fake's history.
TWO_WEEKS = {"start_date": "2026-05-18", "end_date": "2026-05-31"}
BASES = ("spend", "impressions", "clicks", "conversions", "video_views")
VENDOR = {  # the vendor field behind each base metric, per platform (mcp_server/connectors/*/report.py)
    LI: {"spend": "costInLocalCurrency", "impressions": "impressions", "clicks": "clicks",
         "conversions": "externalWebsiteConversions", "video_views": "videoViews", "reach": "approximateMemberReach"},
    TT: {"spend": "spend", "impressions": "impressions", "clicks": "clicks", "conversions": "conversion",
         "video_views": "video_play_actions", "reach": "reach"},
}  # fmt: skip
LEVELS = {  # level -> (LinkedIn entity, id field, adAnalytics pivot) and (TikTok entity, id field, data_level)
    "account": ((("ad_campaign_analytics", "campaign_id", "CAMPAIGN")), ("advertisers_reports_daily", "advertiser_id", "AUCTION_ADVERTISER")),
    "campaign_group": (("ad_campaign_analytics", "campaign_id", "CAMPAIGN"), None),
    "campaign": (("ad_campaign_analytics", "campaign_id", "CAMPAIGN"), ("campaigns_reports_daily", "campaign_id", "AUCTION_CAMPAIGN")),
    "ad_group": (None, ("ad_groups_reports_daily", "adgroup_id", "AUCTION_ADGROUP")),
    "ad": (("ad_creative_analytics", "creative_id", "CREATIVE"), ("ads_reports_daily", "ad_id", "AUCTION_AD")),
}  # fmt: skip
NATIVE = {
    "account": {LI: "account", TT: "advertiser"},
    "campaign_group": {LI: "campaign group"},
    "campaign": {LI: "campaign", TT: "campaign"},
    "ad_group": {TT: "ad group"},
    "ad": {LI: "ad (creative)", TT: "ad"},
}
D = dt.date.fromisoformat


def server_settings(**settings: Any) -> ServerSettings:
    """Results big enough for every row these tests compare (the size cap has its own test)."""
    return ServerSettings(max_result_tokens=500_000, **settings)


# --- the frozen clock, and fakes built under it --------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def frozen_clock():
    """Every place the connectors and the fakes read the time, bound to NOW for the whole module."""
    with pytest.MonkeyPatch.context() as patch:
        for module in (clock, tiktok_client, tiktok_hosted, tiktok_fake_reports):
            patch.setattr(module, "now", lambda: NOW)
        for module in (shared_params, analytics_params, report_params, tiktok_fake_app, linkedin_fake_routes,
                       linkedin_fake_data, linkedin_fake_app, linkedin_fake_templates):  # fmt: skip
            patch.setattr(module, "today", lambda: NOW.date())
        yield


@pytest.fixture(scope="module")
def fakes(frozen_clock):
    from mcp_server.connectors.linkedin_ads.sandbox import create_app as linkedin_app
    from mcp_server.connectors.tiktok_marketing.sandbox import create_app as tiktok_app

    tiktok, linkedin = tiktok_app(), linkedin_app()
    with serve_in_thread(tiktok) as tiktok_url, serve_in_thread(linkedin) as linkedin_url:
        yield {TT: Fake(tiktok, tiktok_url), LI: Fake(linkedin, linkedin_url)}


@pytest.fixture
def direct(monkeypatch, fakes):
    """Both connectors in direct mode against this module's fakes, their logs and faults cleared."""
    for connector_id, fake in fakes.items():
        fake.reset()
        point_at_fake(monkeypatch, connector_id, fake.url)
    return fakes


@pytest.fixture
async def client(direct):
    async with Client(build_server(server_settings())) as session:
        yield session


# --- calls and raw requests ----------------------------------------------------------------------------


async def report(session: Client, **arguments: Any) -> dict[str, Any]:
    result = await session.call_tool("ads_report", arguments, raise_on_error=False)
    assert not result.is_error, result.content[0].text
    return result.structured_content


async def report_error(session: Client, **arguments: Any) -> str:
    result = await session.call_tool("ads_report", arguments, raise_on_error=False)
    assert result.is_error, result.structured_content
    return result.content[0].text


async def vendor_rows(session: Client, platform: str, entity: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Every whole vendor row of one `*_execute` query, following next_cursor."""
    tool = "linkedin_ads_execute" if platform == LI else "tiktok_marketing_execute"
    rows, cursor = [], None
    while True:
        arguments = {"entity": entity, "action": "list", "fields": ["*"], "limit": 1000}
        arguments |= {"cursor": cursor} if cursor else {"params": params}
        result = await session.call_tool(tool, arguments, raise_on_error=False)
        assert not result.is_error, result.content[0].text
        rows += result.structured_content["data"]
        cursor = result.structured_content["next_cursor"]
        if not cursor:
            return rows


def vendor_params(platform: str, level: str, start: str, end: str, daily: bool = False,
                  fields: tuple[str, ...] = BASES + ("reach",)) -> tuple[str, dict[str, Any]]:  # fmt: skip
    """The `*_execute` entity and params of the vendor rows behind a report level and range."""
    entity, id_field, _ = LEVELS[level][0 if platform == LI else 1]
    metrics = [VENDOR[platform][f] for f in fields]
    if platform == LI:
        return entity, {"dateRange": {"start": start, "end": end}, "timeGranularity": "DAILY" if daily else "ALL",
                        "fields": metrics}  # fmt: skip
    return entity, {"start_date": start, "end_date": end, "metrics": metrics,
                    "dimensions": [id_field, *(["stat_time_day"] if daily else [])]}  # fmt: skip


def number(value: Any) -> float:
    return float(value or 0)


def linkedin_analytics(fake: Fake) -> list[dict[str, str]]:
    """adAnalytics requests as {param: decoded value} (LinkedIn's Rest.li query is not form-encoded)."""
    return [
        {k: unquote(v) for k, v in (part.split("=", 1) for part in r["query"].split("&"))}
        for r in fake.requests
        if r["path"].endswith("/adAnalytics")
    ]


def tiktok_reports(fake: Fake) -> list[dict[str, str]]:
    return [{k: v[0] for k, v in parse_qs(r["query"]).items()} for r in fake.requests if r["path"] == REPORT_PATH]


def vendor_traffic(fakes: dict[str, Fake]) -> int:
    return sum(len(f.requests) for f in fakes.values())


def by_platform(rows: list[dict[str, Any]], platform: str) -> list[dict[str, Any]]:
    return [r for r in rows if r["platform"] == platform]


def total_of(body: dict[str, Any], platform: str) -> dict[str, Any]:
    (found,) = [t for t in body["meta"]["totals"] if t["platform"] == platform]
    return found


# --- 1. each level on each platform --------------------------------------------------------------------


async def expected_spend(session: Client, platform: str, level: str, start: str, end: str) -> dict[str, float]:
    """row id -> spend, from the vendor rows of the entity that reports the level."""
    entity, params = vendor_params(platform, level, start, end, fields=("spend",))
    _, id_field, _ = LEVELS[level][0 if platform == LI else 1]
    parents: dict[str, str] = {}
    if level == "campaign_group":  # a campaign's group, from the account's campaign listing
        campaigns = await vendor_rows(session, LI, "campaigns", {})
        parents = {str(c["id"]): c["campaignGroup"].rsplit(":", 1)[1] for c in campaigns}
    spend: dict[str, float] = defaultdict(float)
    for row in await vendor_rows(session, platform, entity, params):
        key = str(row[id_field])
        key = {"account": LI_ACCOUNT if platform == LI else key, "campaign_group": parents.get(key, key)}.get(level, key)
        spend[key] += number(row[VENDOR[platform]["spend"]])
    return dict(spend)


async def test_campaign_groups_are_looked_up_once_for_both_compared_periods(client, direct):
    body = await report(client, level="campaign_group", metrics=["spend"], compare="previous_period", platforms=[LI], **TWO_WEEKS)
    assert body["data"] and all(r["spend_previous"] is not None for r in body["data"])
    for listing in ("/adCampaigns", "/adCampaignGroups"):  # each list paged once, not once per period
        pages = [r for r in direct[LI].requests if r["path"].endswith(listing)]
        assert pages and len({r["query"] for r in pages}) == len(pages), listing


@pytest.mark.parametrize("level", list(LEVELS))
async def test_each_level_on_each_platform_reports_the_native_entity(client, direct, level):
    body = await report(client, level=level, metrics=["spend"], limit=1000, **TWO_WEEKS)
    meta = body["meta"]
    for platform in (LI, TT):
        declared = LEVELS[level][0 if platform == LI else 1]
        if declared is None:  # LinkedIn has no ad group, TikTok no campaign group: left out, with a note
            assert platform in meta["left_out"] and platform not in meta["platforms"]
            assert not by_platform(body["data"], platform)
            assert not (linkedin_analytics if platform == LI else tiktok_reports)(direct[platform])
            continue
        rows = by_platform(body["data"], platform)
        assert rows and {r["native_level"] for r in rows} == {NATIVE[level][platform]}
        assert meta["platforms"][platform]["native_level"] == NATIVE[level][platform]
        assert all(r["name"] for r in rows), rows[:3]
        _, _, native_query = declared
        if platform == LI:  # the entity asked: LinkedIn's analytics pivot, totals over the range
            sent = linkedin_analytics(direct[LI])
            assert {(q["pivot"], q["timeGranularity"]) for q in sent} == {(native_query, "ALL")}
        else:  # TikTok's data level, by its id only (no day dimension for a total)
            sent = tiktok_reports(direct[TT])
            assert {(q["data_level"], q["dimensions"]) for q in sent} == {(native_query, f'["{declared[1]}"]')}
        expected = await expected_spend(client, platform, level, TWO_WEEKS["start_date"], TWO_WEEKS["end_date"])
        assert {r["id"]: r["spend"] for r in rows} == {k: pytest.approx(v, abs=0.01) for k, v in expected.items()}
        if level == "account":
            assert [r["id"] for r in rows] == [LI_ACCOUNT if platform == LI else TT_ADVERTISER]
    assert "warnings" not in meta, meta.get("warnings")


# --- 2. the metric mapping, against the vendor rows it came from ---------------------------------------


async def test_metrics_are_the_declared_vendor_fields_of_each_row(client):
    body = await report(client, level="campaign", limit=1000, **TWO_WEEKS)
    decoys = {LI: ("clicks", "landingPageClicks"), TT: ("video_views", "video_watched_2s")}
    for platform in (LI, TT):
        entity, params = vendor_params(platform, "campaign", TWO_WEEKS["start_date"], TWO_WEEKS["end_date"])
        metric, decoy = decoys[platform]
        params["fields" if platform == LI else "metrics"].append(decoy)
        vendor = {str(r["campaign_id"]): r for r in await vendor_rows(client, platform, entity, params)}
        rows = {r["id"]: r for r in by_platform(body["data"], platform)}
        assert rows.keys() == vendor.keys()
        for row_id, row in rows.items():
            source = vendor[row_id]
            for base in BASES:
                assert row[base] == pytest.approx(number(source.get(VENDOR[platform][base])), abs=0.005), (platform, base)
        # The decoy (LinkedIn's landing-page clicks, TikTok's 2-second views) differs somewhere, so the
        # equality above tells the declared field apart from it.
        assert any(number(v[decoy]) != number(v[VENDOR[platform][metric]]) for v in vendor.values()), platform
        assert any(r["conversions"] for r in rows.values()) and any(r["video_views"] for r in rows.values())


# --- 3. ratios from summed bases; reach only where one vendor row stands behind a figure ----------------


def week_of(day: str) -> str:
    first = D(day[:10])
    return (first - dt.timedelta(days=first.weekday())).isoformat()


async def test_weekly_ratios_come_from_summed_daily_bases_not_averaged_daily_ratios(client):
    body = await report(client, level="campaign", granularity="week", limit=1000, **TWO_WEEKS)
    day_field = {LI: "start_date", TT: "stat_time_day"}
    averaged_differs = 0
    for platform in (LI, TT):
        entity, params = vendor_params(platform, "campaign", TWO_WEEKS["start_date"], TWO_WEEKS["end_date"], daily=True)
        days: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        for row in await vendor_rows(client, platform, entity, params):
            days[str(row["campaign_id"]), week_of(row[day_field[platform]])].append(row)
        rows = by_platform(body["data"], platform)
        assert {(r["id"], r["period"]) for r in rows} == set(days)
        for row in rows:
            assert row["period_end"] == (D(row["period"]) + dt.timedelta(days=6)).isoformat()
            daily = days[row["id"], row["period"]]
            sums = {b: sum(number(d.get(VENDOR[platform][b])) for d in daily) for b in BASES}
            for base in BASES:
                assert row[base] == pytest.approx(sums[base], abs=0.01)
            assert row["ctr"] == (round(sums["clicks"] / sums["impressions"] * 100, 2) if sums["impressions"] else None)
            assert row["cpc"] == (round(sums["spend"] / sums["clicks"], 2) if sums["clicks"] else None)
            assert row["cpm"] == (round(sums["spend"] / sums["impressions"] * 1000, 2) if sums["impressions"] else None)
            assert row["conversion_rate"] == (round(sums["conversions"] / sums["clicks"] * 100, 2) if sums["clicks"] else None)
            shown = [d for d in daily if number(d[VENDOR[platform]["impressions"]])]
            mean_ctr = sum(number(d["clicks"]) / number(d[VENDOR[platform]["impressions"]]) for d in shown) / max(len(shown), 1) * 100
            averaged_differs += row["ctr"] is not None and round(mean_ctr, 2) != row["ctr"]
            # A week adds up several days: no reach (unique people do not add up); a single day keeps its own.
            assert row["reach"] is (None if len(daily) > 1 else row["reach"])
            if len(daily) == 1:
                assert row["reach"] == number(daily[0][VENDOR[platform]["reach"]])
    assert averaged_differs > 10  # the mean of daily CTRs would have been another figure


async def test_reach_is_the_vendor_figure_for_one_row_and_null_where_rows_add_up(client):
    body = await report(client, level="account", metrics=["impressions", "reach"], **TWO_WEEKS)
    (linkedin,) = by_platform(body["data"], LI)
    (tiktok,) = by_platform(body["data"], TT)
    assert linkedin["reach"] is None  # LinkedIn's account row adds up its campaigns' rows
    entity, params = vendor_params(TT, "account", TWO_WEEKS["start_date"], TWO_WEEKS["end_date"])
    (advertiser,) = await vendor_rows(client, TT, entity, params)  # TikTok reports the advertiser itself
    assert tiktok["reach"] == number(advertiser["reach"]) > 0
    assert tiktok["impressions"] == number(advertiser["impressions"])
    assert total_of(body, TT)["reach"] == tiktok["reach"]  # a total of one vendor row keeps it
    day = await report(client, level="campaign", granularity="day", metrics=["reach"], platforms=[LI], limit=1000,
                       start_date="2026-05-20", end_date="2026-05-20")  # fmt: skip
    entity, params = vendor_params(LI, "campaign", "2026-05-20", "2026-05-20", fields=("reach",))
    vendor = {str(r["campaign_id"]): r["approximateMemberReach"] for r in await vendor_rows(client, LI, entity, params)}
    assert {r["id"]: r["reach"] for r in day["data"]} == vendor and any(vendor.values())


@pytest.mark.parametrize(("start", "days", "has_reach"), [("2026-02-28", 93, False), ("2026-03-01", 92, True)])
async def test_linkedin_reach_only_for_ranges_of_up_to_92_days(client, direct, start, days, has_reach):
    end = (D(start) + dt.timedelta(days=days - 1)).isoformat()
    body = await report(client, platforms=[LI], metrics=["clicks", "reach"], start_date=start, end_date=end, limit=1000)
    sent = linkedin_analytics(direct[LI])
    assert sent and all(("approximateMemberReach" in q["fields"]) is has_reach for q in sent)
    assert any(r["reach"] is not None for r in body["data"]) is has_reach
    notes = body["meta"].get("notes", [])
    assert any("reach" in n and "92 days" in n for n in notes) is not has_reach
    assert "warnings" not in body["meta"]  # the fake refuses reach past 92 days: it was never asked


# --- 4. compared periods -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "compare", "period", "compared_with"),
    [
        ({"date_preset": "last_7d"}, "previous_period", ("2026-05-25", "2026-05-31"), ("2026-05-18", "2026-05-24")),
        # Whole months are compared with as many whole months before (April has 30 days, May 31).
        ({"date_preset": "last_month"}, "previous_period", ("2026-05-01", "2026-05-31"), ("2026-04-01", "2026-04-30")),
        ({"date_preset": "last_month"}, "previous_year", ("2026-05-01", "2026-05-31"), ("2025-05-01", "2025-05-31")),
        ({"start_date": "2026-05-10", "end_date": "2026-05-20"}, "previous_period", ("2026-05-10", "2026-05-20"), ("2026-04-29", "2026-05-09")),
        ({"start_date": "2024-02-01", "end_date": "2024-02-29"}, "previous_period", ("2024-02-01", "2024-02-29"), ("2024-01-01", "2024-01-31")),
        # 29 February has no twin a year earlier: the 28th stands in.
        ({"start_date": "2024-02-29", "end_date": "2024-03-06"}, "previous_year", ("2024-02-29", "2024-03-06"), ("2023-02-28", "2023-03-06")),
    ],
)  # fmt: skip
async def test_compared_periods_are_exact_and_queried(client, direct, when, compare, period, compared_with):
    body = await report(client, compare=compare, metrics=["spend", "clicks"], **when)
    for platform in (LI, TT):
        shown = body["meta"]["platforms"][platform]
        assert shown["period"] == {"start": period[0], "end": period[1]}
        assert shown["compared_with"] == {"start": compared_with[0], "end": compared_with[1]}
    sent_li = {(q["dateRange"]) for q in linkedin_analytics(direct[LI])}
    for start, end in (period, compared_with):
        (y0, m0, d0), (y1, m1, d1) = (map(int, day.split("-")) for day in (start, end))
        assert f"(start:(year:{y0},month:{m0},day:{d0}),end:(year:{y1},month:{m1},day:{d1}))" in sent_li
    sent_tt = {(q["start_date"], q["end_date"]) for q in tiktok_reports(direct[TT])}
    assert period in sent_tt and compared_with in sent_tt


RATIO_BASES = {"ctr": ("clicks", "impressions", 100), "cpc": ("spend", "clicks", 1), "cpm": ("spend", "impressions", 1000),
               "cost_per_conversion": ("spend", "conversions", 1), "conversion_rate": ("conversions", "clicks", 100)}  # fmt: skip


def exact(row: dict, metric: str, suffix: str) -> float:
    """A metric as the report computes it before rounding: a ratio from the row's (integer or cent) bases."""
    if metric not in RATIO_BASES:
        return row[metric + suffix]
    top, bottom, scale = RATIO_BASES[metric]
    return row[top + suffix] / row[bottom + suffix] * scale


async def test_previous_figures_are_a_report_of_the_earlier_range_and_change_is_relative(client):
    now = await report(client, date_preset="last_7d", compare="previous_period", limit=1000)
    then = await report(client, start_date="2026-05-18", end_date="2026-05-24", limit=1000)
    earlier = {(r["platform"], r["id"]): r for r in then["data"]}
    metrics = ("spend", "impressions", "clicks", "ctr", "cpc", "cpm", "conversions", "cost_per_conversion",
               "conversion_rate", "video_views", "reach")  # fmt: skip
    zero_base = 0
    for row in now["data"]:
        before = earlier.get((row["platform"], row["id"]))
        for metric in metrics:
            expected = before[metric] if before else (None if metric in ("ctr", "cpc", "cpm", "cost_per_conversion", "conversion_rate", "reach") else 0)
            if before is None and metric == "conversion_rate":
                expected = None
            assert row[f"{metric}_previous"] == expected, (row["id"], metric)
            current, previous = row[metric], row[f"{metric}_previous"]
            if current is None or previous is None or previous == 0:
                zero_base += previous == 0
                assert row[f"{metric}_change_pct"] is None, (row["id"], metric)
            else:  # from the exact figures: the bases for a ratio, not its 2-decimal rounding
                current, previous = exact(row, metric, ""), exact(row, metric, "_previous")
                # spend is shown to the cent, so a money ratio rebuilt here may differ in the 2nd decimal of a percent
                assert row[f"{metric}_change_pct"] == pytest.approx((current - previous) / previous * 100, abs=1.5e-2), (row["id"], metric)
    assert zero_base  # some figure was 0 the week before (a video metric of a non-video campaign): change null
    for platform in (LI, TT):  # the totals' earlier figures are the earlier report's totals
        for metric in ("spend", "clicks", "ctr", "conversions"):
            assert total_of(now, platform)[f"{metric}_previous"] == pytest.approx(total_of(then, platform)[metric], abs=0.011)


async def test_weekly_buckets_are_compared_with_the_same_days_of_the_earlier_period(client):
    """A week of the range is compared with the same seven days a year earlier, not with the earlier
    range's own calendar weeks (18-31 May 2025 starts on a Sunday: its weeks would be 1, 7 and 6 days)."""
    body = await report(client, level="campaign", granularity="week", compare="previous_year", metrics=["spend"],
                        limit=1000, **TWO_WEEKS)  # fmt: skip
    day_field = {LI: "start_date", TT: "stat_time_day"}
    for platform in (LI, TT):
        entity, params = vendor_params(platform, "campaign", "2025-05-18", "2025-05-31", daily=True, fields=("spend",))
        earlier: dict[tuple[str, str], float] = defaultdict(float)
        for row in await vendor_rows(client, platform, entity, params):
            offset = (D(row[day_field[platform]][:10]) - D("2025-05-18")).days
            week = (D("2026-05-18") + dt.timedelta(days=offset // 7 * 7)).isoformat()  # the same days in 2026
            earlier[str(row["campaign_id"]), week] += number(row[VENDOR[platform]["spend"]])
        rows = by_platform(body["data"], platform)
        assert {r["period"] for r in rows} <= {"2026-05-18", "2026-05-25"}  # only weeks of the range asked
        assert any(earlier.values()) or platform == TT  # the TikTok fake's history starts later
        for key, spend in earlier.items():
            (row,) = [r for r in rows if (r["id"], r["period"]) == key]
            assert row["spend_previous"] == pytest.approx(spend, abs=0.01), key


# --- 5. sort, limit, name_contains ---------------------------------------------------------------------


async def test_sort_keys_directions_nulls_last_and_limit(client):
    everything = await report(client, limit=1000)
    rows = everything["data"]
    assert [r["spend"] for r in rows] == sorted((r["spend"] for r in rows), reverse=True)  # default: spend desc
    assert everything["meta"]["sort"] == "spend desc"

    cheapest = await report(client, sort="cost_per_conversion asc", limit=1000)
    values = [r["cost_per_conversion"] for r in cheapest["data"]]
    present = [v for v in values if v is not None]
    assert present == sorted(present) and values == present + [None] * (len(values) - len(present))
    assert len(present) < len(values)  # some rows had no conversions: they come last, asc or desc
    dearest = await report(client, sort="cost_per_conversion desc", limit=1000)
    assert [r["cost_per_conversion"] for r in dearest["data"]] == sorted(present, reverse=True) + [None] * (len(values) - len(present))

    two_keys = await report(client, sort="platform asc, clicks desc", limit=1000)
    keys = [(r["platform"], -r["clicks"]) for r in two_keys["data"]]
    assert keys == sorted(keys) and {r["platform"] for r in two_keys["data"]} == {LI, TT}
    by_name = await report(client, sort="name", limit=1000)  # no direction: ascending
    names = [r["name"].casefold() for r in by_name["data"]]
    assert names == sorted(names)

    # Without spend among the metrics, the default order is the first metric asked, descending.
    clicks = await report(client, metrics=["clicks", "reach"], limit=1000)
    assert clicks["meta"]["sort"] == "clicks desc"
    assert [r["clicks"] for r in clicks["data"]] == sorted((r["clicks"] for r in rows), reverse=True)

    top = await report(client, limit=5)
    assert top["data"] == rows[:5]
    assert top["meta"]["rows"] == len(rows) and top["meta"]["returned"] == 5
    assert any(f"{len(rows) - 5} more rows" in n for n in top["meta"]["notes"])
    assert top["meta"]["totals"] == everything["meta"]["totals"]  # totals cover every row, not the page


async def test_name_contains_keeps_matching_rows_case_insensitively(client):
    everything = (await report(client, limit=1000))["data"]
    word = everything[0]["name"].split()[2]
    kept = await report(client, name_contains=word.upper(), limit=1000)
    expected = [r for r in everything if word.casefold() in r["name"].casefold()]
    assert kept["data"] == expected and 0 < len(expected) < len(everything)
    assert sum(t["rows"] for t in kept["meta"]["totals"] if t["platform"] != "all") == len(expected)


async def test_a_result_over_the_size_cap_is_cut_with_a_warning_and_whole_totals(direct):
    async with Client(build_server(ServerSettings(max_result_tokens=5_000))) as session:
        body = await report(session, compare="previous_period", limit=1000)
    meta = body["meta"]
    assert 0 < meta["returned"] == len(body["data"]) < meta["rows"]
    assert any("rows cut to" in w and "CONNECTOR_MCP_MAX_RESULT_TOKENS" in w for w in meta["warnings"])
    assert sum(t["rows"] for t in meta["totals"] if t["platform"] != "all") == meta["rows"]


# --- 6. totals: per platform in its currency; across platforms only what adds up -----------------------


async def test_totals_per_platform_and_overall_within_one_currency_never_conversions(client):
    body = await report(client, limit=1000)
    rows = body["data"]
    for platform in (LI, TT):
        mine = by_platform(rows, platform)
        total = total_of(body, platform)
        assert total["currency"] == "USD" == mine[0]["currency"] and total["rows"] == len(mine)
        for metric in BASES:
            assert total[metric] == pytest.approx(sum(r[metric] for r in mine), abs=0.01 * len(mine))
        assert total["ctr"] == round(total["clicks"] / total["impressions"] * 100, 2)
        assert total["reach"] is None  # reach of several rows does not add up
    overall = total_of(body, "all")
    assert overall["currency"] == "USD"
    assert overall["spend"] == pytest.approx(total_of(body, LI)["spend"] + total_of(body, TT)["spend"], abs=0.02)
    assert overall["clicks"] == total_of(body, LI)["clicks"] + total_of(body, TT)["clicks"]
    assert not {"conversions", "cost_per_conversion", "conversion_rate", "reach"} & overall.keys()
    assert any("conversions are not added across platforms" in w for w in body["meta"]["warnings"])
    without = await report(client, metrics=["spend", "clicks"])
    assert "warnings" not in without["meta"] and total_of(without, "all")["spend"] > 0


async def test_different_currencies_give_no_overall_spend_and_say_so(client):
    body = await report(client, accounts={LI: [EUR_ACCOUNT]}, metrics=["spend", "impressions", "clicks", "cpc"])
    assert {r["currency"] for r in by_platform(body["data"], LI)} == {"EUR"}
    assert total_of(body, LI)["currency"] == "EUR" and total_of(body, TT)["currency"] == "USD"
    overall = total_of(body, "all")
    assert overall["currency"] is None and not {"spend", "cpc"} & overall.keys()
    assert overall["clicks"] == total_of(body, LI)["clicks"] + total_of(body, TT)["clicks"]
    (warning,) = body["meta"]["warnings"]
    assert "EUR (linkedin-ads)" in warning and "USD (tiktok-marketing)" in warning and "not added" in warning


async def test_one_account_given_as_id_and_as_urn_is_reported_once(client, direct):
    once = await report(client, platforms=[LI], metrics=["spend", "clicks"], limit=1000)
    both = await report(client, platforms=[LI], metrics=["spend", "clicks"], limit=1000,
                        accounts={LI: [LI_ACCOUNT, f"urn:li:sponsoredAccount:{LI_ACCOUNT}"]})  # fmt: skip
    assert both["meta"]["platforms"][LI]["accounts"] == [LI_ACCOUNT]
    assert {r["account_id"] for r in both["data"]} == {LI_ACCOUNT}
    assert total_of(both, LI)["spend"] == total_of(once, LI)["spend"] > 0  # not counted twice


# --- 7. a platform not configured or failing -----------------------------------------------------------


def unset_tiktok(monkeypatch) -> None:
    for name in list(os.environ):
        if name.startswith("TIKTOK_MARKETING_"):
            monkeypatch.delenv(name)


async def test_an_unconfigured_platform_is_skipped_by_default_and_warned_about_when_named(monkeypatch, direct):
    unset_tiktok(monkeypatch)
    async with Client(build_server(server_settings())) as session:
        body = await report(session, metrics=["spend"])
        assert {r["platform"] for r in body["data"]} == {LI} and body["data"]
        assert TT in body["meta"]["skipped"] and "TIKTOK_MARKETING_ACCESS_TOKEN" in body["meta"]["skipped"][TT]
        assert "warnings" not in body["meta"]
        named = await report(session, platforms=[LI, TT], metrics=["spend"])
    assert {r["platform"] for r in named["data"]} == {LI}
    (warning,) = [w for w in named["meta"]["warnings"] if TT in w]
    assert "TIKTOK_MARKETING_ACCESS_TOKEN" in warning  # the fix: the credentials it lacks
    assert not direct[TT].requests


@pytest.mark.parametrize(
    ("platform", "match", "kind", "error"),
    [(LI, "/adAnalytics", "forbidden", "permission_denied"), (TT, "report/integrated", "40105", "auth_error")],
)
async def test_a_failing_platform_leaves_the_others_rows_with_a_warning(client, direct, platform, match, kind, error):
    direct[platform].fault(match, kind, times=20)
    body = await report(client, metrics=["spend", "clicks"])
    other = TT if platform == LI else LI
    assert body["data"] and {r["platform"] for r in body["data"]} == {other}
    (warning,) = [w for w in body["meta"]["warnings"] if w.startswith(platform)]
    assert f"{platform} failed" in warning and error in warning
    assert body["meta"]["failed"] == [platform]
    assert [t["platform"] for t in body["meta"]["totals"]] == [other]


async def test_a_failing_account_is_named_in_meta_failed(client, direct):
    direct[LI].fault(f"/adAccounts/{EUR_ACCOUNT}", "forbidden", times=20)
    body = await report(client, accounts={LI: [LI_ACCOUNT, EUR_ACCOUNT]}, metrics=["spend"])
    assert body["meta"]["failed"] == [f"{LI} account {EUR_ACCOUNT}"]
    assert {r["account_id"] for r in body["data"] if r["platform"] == LI} == {LI_ACCOUNT}
    assert any(w.startswith(f"{LI}: account {EUR_ACCOUNT} failed") for w in body["meta"]["warnings"])


async def test_every_platform_failing_is_an_error(client, direct):
    direct[LI].fault("/adAnalytics", "rate_limited", times=50)
    direct[TT].fault("report/integrated", "40105", times=50)
    text = await report_error(client, metrics=["spend"])
    assert LI in text and TT in text


# --- 8. bad input: a clear invalid_params, and no vendor request ---------------------------------------


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        ({"level": "adset"}, "level"),
        ({"metrics": ["spend", "roas"]}, "roas"),
        ({"platforms": ["facebook-ads"]}, "facebook-ads"),
        ({"accounts": {"meta-ads": ["1"]}}, "meta-ads"),
        ({"sort": "revenue desc"}, "sort column 'revenue'"),
        ({"sort": "spend_change_pct desc"}, "needs compare"),
        ({"sort": "spend sideways"}, "sort"),
        ({"date_preset": "last_7d", "start_date": "2026-05-01", "end_date": "2026-05-02"}, "date_preset"),
        ({"start_date": "2026-05-10", "end_date": "2026-05-01"}, "end_date is before start_date"),
        ({"start_date": "2026-05-10"}, "start_date and end_date together"),
        ({"granularity": "hour"}, "granularity"),
        ({"compare": "last_year"}, "compare"),
        ({"limit": 0}, "limit"),
        ({"level": "campaign", "date_range": "last_7d"}, "date_range is not an argument"),
        ({"accounts": {"linkedin-ads": ["abc"]}}, "accounts.linkedin-ads"),  # checked before any platform runs
        ({"accounts": {"tiktok-marketing": ["x1"]}}, "accounts.tiktok-marketing"),
        ({"platforms": []}, "platforms"),
        ({"accounts": {"linkedin-ads": [str(500000000 + n) for n in range(21)]}}, "at most 20"),
        ({"metrics": []}, "metrics"),
    ],
)
async def test_bad_input_is_invalid_params_and_never_reaches_a_vendor(client, direct, arguments, named):
    text = await report_error(client, **arguments)
    assert text.startswith("invalid_params"), text
    assert named in text, text
    assert vendor_traffic(direct) == 0


async def test_a_level_no_asked_platform_has_is_invalid_params(client, direct):
    text = await report_error(client, level="ad_group", platforms=[LI])
    assert text.startswith("invalid_params") and "ad_group" in text and "LinkedIn" in text
    assert vendor_traffic(direct) == 0


# --- 9. progress --------------------------------------------------------------------------------------


async def test_progress_reaches_a_client_that_asks(direct):
    seen: list[tuple[float, float | None, str | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append((progress, total, message))

    async with Client(build_server(server_settings()), progress_handler=on_progress) as session:
        await report(session, compare="previous_period", metrics=["spend"])
        # Per platform and account: the account, the period, the compared period.
        assert [p for p, _, _ in seen] == [1, 2, 3, 4, 5, 6] and {t for _, t, _ in seen} == {6}
        assert {m.split(":")[0] for _, _, m in seen} == {LI, TT}
        seen.clear()
        await report(session, accounts={LI: [LI_ACCOUNT, EUR_ACCOUNT]}, metrics=["spend"])
        assert [p for p, _, _ in seen] == [1, 2, 3, 4, 5, 6] and {t for _, t, _ in seen} == {6}


# --- hosted mode: the same report through Airbyte's Agent API ------------------------------------------


async def test_hosted_mode_reports_the_same_rows_as_direct(monkeypatch, direct, hosted_fake):
    async with Client(build_server(server_settings())) as session:
        wanted = dict(metrics=["spend", "impressions", "clicks"], limit=1000, **TWO_WEEKS)
        straight = await report(session, **wanted)
    airbyte_env(monkeypatch, hosted_fake.url)
    monkeypatch.setenv("LINKEDIN_ADS_MODE", "hosted")
    monkeypatch.setenv("TIKTOK_MARKETING_MODE", "hosted")
    before = vendor_traffic(direct)
    async with Client(build_server(server_settings())) as session:
        hosted = await report(session, **wanted)
    assert vendor_traffic(direct) == before  # nothing went to the vendors directly
    assert {p: m["backend"] for p, m in hosted["meta"]["platforms"].items()} == {LI: "hosted", TT: "hosted"}
    assert hosted_fake.calls("/execute")
    pairs = {(r["platform"], r["id"]): r for r in straight["data"]}
    # Airbyte's hosted TikTok cannot send the status filter, so TikTok leaves deleted campaigns out: the
    # rows missing are TikTok's, and a warning says so.
    missing = pairs.keys() - {(r["platform"], r["id"]) for r in hosted["data"]}
    assert missing and {p for p, _ in missing} == {TT}
    assert any(w.startswith(TT) and "deleted" in w for w in hosted["meta"]["warnings"])
    assert {(r["platform"], r["id"]) for r in by_platform(hosted["data"], LI)} == {k for k in pairs if k[0] == LI}
    for row in hosted["data"]:
        twin = pairs[row["platform"], row["id"]]
        assert row["clicks"] == twin["clicks"] and row["spend"] == pytest.approx(twin["spend"], abs=0.05)


async def test_hosted_level_and_compare(monkeypatch, hosted_fake):
    airbyte_env(monkeypatch, hosted_fake.url)
    monkeypatch.setenv("LINKEDIN_ADS_MODE", "hosted")
    monkeypatch.setenv("TIKTOK_MARKETING_MODE", "hosted")
    monkeypatch.setenv("LINKEDIN_ADS_ACCOUNT_ID", LI_ACCOUNT)
    monkeypatch.setenv("TIKTOK_MARKETING_ADVERTISER_ID", TT_ADVERTISER)
    async with Client(build_server(server_settings())) as session:
        body = await report(session, level="account", date_preset="last_7d", compare="previous_period", metrics=["spend"])
    assert {(r["platform"], r["id"], r["native_level"]) for r in body["data"]} == {
        (LI, LI_ACCOUNT, "account"), (TT, TT_ADVERTISER, "advertiser")}  # fmt: skip
    for platform in (LI, TT):
        assert body["meta"]["platforms"][platform]["compared_with"] == {"start": "2026-05-18", "end": "2026-05-24"}
    assert all(r["spend"] > 0 and r["spend_previous"] > 0 for r in body["data"])


# --- 10. done when: the agent's question in one call, in demo mode -------------------------------------


async def test_demo_top_10_campaigns_by_spend_last_7_days_with_change():
    async with Client(build_server(server_settings(demo=True))) as session:
        asked = {"date_preset": "last_7d", "compare": "previous_period"}
        body = await report(session, **asked, limit=10)
        every = await report(session, **asked, limit=1000)
    rows, meta = body["data"], body["meta"]
    assert meta["sandbox"] is True and set(meta["platforms"]) == {LI, TT}
    assert {p["backend"] for p in meta["platforms"].values()} == {"direct"}
    assert meta["level"] == "campaign" and meta["returned"] == 10 and meta["rows"] == len(every["data"]) > 10
    assert rows == every["data"][:10]
    spends = sorted((r["spend"] for r in every["data"]), reverse=True)
    assert [r["spend"] for r in rows] == spends[:10]
    assert {r["platform"] for r in every["data"]} == {LI, TT}
    for row in rows:
        assert row["native_level"] == "campaign" and row["name"] and row["currency"]
        # Changes are in percent (the column says so): +12.5 is +12.5%.
        assert row["spend_change_pct"] == round((row["spend"] - row["spend_previous"]) / row["spend_previous"] * 100, 2)
    for platform in (LI, TT):
        assert meta["platforms"][platform]["period"] == {"start": "2026-05-25", "end": "2026-05-31"}
        assert meta["platforms"][platform]["compared_with"] == {"start": "2026-05-18", "end": "2026-05-24"}


async def test_columns_layout_names_each_column_once_with_the_same_figures(client, direct):
    """columns=true (issue 18): {columns, rows} holds exactly the rows of the default layout, in under half the characters."""
    asked = {"level": "campaign", "compare": "previous_period", "limit": 10, **TWO_WEEKS}
    objects = await report(client, **asked)
    columns = await report(client, columns=True, **asked)
    table = columns["data"]
    assert [dict(zip(table["columns"], row)) for row in table["rows"]] == objects["data"]
    assert columns["meta"]["layout"] == "columns" and "layout" not in objects["meta"]
    assert columns["meta"]["totals"] == objects["meta"]["totals"]
    compact = len(json.dumps(table, separators=(",", ":"))) / len(table["rows"])
    assert compact <= 0.5 * len(json.dumps(objects["data"], separators=(",", ":"))) / len(objects["data"])
