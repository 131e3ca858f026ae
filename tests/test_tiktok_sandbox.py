"""The TikTok fake's synthetic data is coherent: the numbers obey the arithmetic of real ads.

Read over a real socket, the way an agent in --demo mode would see them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict

import httpx
import pytest

from mcp_server.connectors.tiktok_marketing.sandbox import (
    DEMO_ACCESS_TOKEN,
    DEMO_ADVERTISER_ID,
)
from mcp_server.params import today

PREFIX = "/open_api/v1.3/"
LEVELS = {"AUCTION_ADVERTISER": "advertiser_id", "AUCTION_CAMPAIGN": "campaign_id", "AUCTION_ADGROUP": "adgroup_id", "AUCTION_AD": "ad_id"}
METRICS = [
    "spend", "cash_spend", "voucher_spend", "impressions", "clicks", "ctr", "cpc", "cpm", "reach", "frequency",
    "cost_per_1000_reached", "conversion", "conversion_rate", "cost_per_conversion", "result", "result_rate",
    "cost_per_result", "video_play_actions", "video_watched_2s", "video_watched_6s", "video_views_p25",
    "video_views_p50", "video_views_p75", "video_views_p100", "app_install", "average_video_play",
]  # fmt: skip


def metrics_for(level: str, dimensions: list[str]) -> list[str]:
    """cash_spend/voucher_spend exist only in advertiser reports by day (the fake refuses them elsewhere, like TikTok)."""
    by_day = level == "AUCTION_ADVERTISER" and "stat_time_day" in dimensions
    return [m for m in METRICS if by_day or m not in ("cash_spend", "voucher_spend")]


def report(fake, level: str, dimensions: list[str], start: dt.date, end: dt.date, **extra: str) -> list[dict]:
    params = {
        "advertiser_id": DEMO_ADVERTISER_ID, "report_type": "BASIC", "data_level": level,
        "dimensions": json.dumps(dimensions), "metrics": json.dumps(metrics_for(level, dimensions)), "page_size": "1000",
        "start_date": str(start), "end_date": str(end), **extra,
    }  # fmt: skip
    body = httpx.get(fake.url + PREFIX + "report/integrated/get/", params=params, headers={"Access-Token": DEMO_ACCESS_TOKEN}).json()
    assert body["code"] == 0, body
    assert body["data"]["page_info"]["total_page"] <= 1
    return [{**item["dimensions"], **item["metrics"]} for item in body["data"]["list"]]


def close(shown: str, exact: float) -> bool:
    """A metric TikTok rounds to 2 decimals, against the value computed from the row's own counts."""
    return abs(float(shown) - exact) <= 0.006 + exact * 0.001


def assert_coherent(row: dict) -> None:
    n = {k: float(v) for k, v in row.items() if k in METRICS and v != "-"}
    assert 0 < n["clicks"] <= n["impressions"], row
    assert n["reach"] <= n["impressions"] and n["conversion"] <= n["clicks"], row
    assert close(row["ctr"], n["clicks"] / n["impressions"] * 100), row
    assert close(row["cpm"], n["spend"] / n["impressions"] * 1000), row
    assert close(row["cpc"], n["spend"] / n["clicks"]), row
    assert close(row["frequency"], n["impressions"] / n["reach"]), row
    assert close(row["cost_per_1000_reached"], n["spend"] / n["reach"] * 1000), row
    assert close(row["result_rate"], n["result"] / n["impressions"] * 100), row
    if "cash_spend" in n:
        assert abs(n["cash_spend"] + n["voucher_spend"] - n["spend"]) < 0.011, row
    views = [n[k] for k in ("impressions", "video_play_actions", "video_watched_2s", "video_views_p25", "video_views_p50",
                            "video_views_p75", "video_views_p100")]  # fmt: skip
    assert views == sorted(views, reverse=True), row
    assert n["video_watched_6s"] <= n["video_watched_2s"], row
    assert 1 <= n["frequency"] <= 5 and 1 <= n["cpm"] <= 20 and 0.1 <= n["ctr"] <= 5, row
    if n["conversion"]:
        assert close(row["conversion_rate"], n["conversion"] / n["clicks"] * 100), row
        assert close(row["cost_per_conversion"], n["spend"] / n["conversion"]), row
    else:
        assert row["cost_per_conversion"] == "-", row


@pytest.mark.parametrize("level", sorted(LEVELS))
def test_daily_report_rows_are_coherent(tiktok_fake, level):
    rows = report(tiktok_fake, level, [LEVELS[level], "stat_time_day"], today() - dt.timedelta(days=6), today())
    assert rows
    for row in rows:
        assert_coherent(row)


def test_lifetime_and_hourly_rows_are_coherent(tiktok_fake):
    lifetime = report(tiktok_fake, "AUCTION_CAMPAIGN", ["campaign_id"], today(), today(), query_lifetime="true")
    yesterday = today() - dt.timedelta(days=1)
    hourly = report(tiktok_fake, "AUCTION_AD", ["ad_id", "stat_time_hour"], yesterday, yesterday)
    assert lifetime and hourly
    for row in lifetime + [r for r in hourly if int(r["clicks"])]:
        assert_coherent(row)
    # the same people come back over weeks: lifetime frequency is well above a single day's
    assert min(float(r["frequency"]) for r in lifetime) >= 1.8


def test_daily_spend_stays_within_daily_budgets(tiktok_fake):
    data = tiktok_fake.app.state.data
    start = today() - dt.timedelta(days=29)
    for kind, level, key in (("campaigns", "AUCTION_CAMPAIGN", "campaign_id"), ("adgroups", "AUCTION_ADGROUP", "adgroup_id")):
        budgets = {r[key]: r["budget"] for r in data.of(kind, DEMO_ADVERTISER_ID) if r["budget_mode"] == "BUDGET_MODE_DAY"}
        assert budgets, kind
        rows = report(tiktok_fake, level, [key, "stat_time_day"], start, today())
        checked = [r for r in rows if r[key] in budgets]
        assert checked, kind
        for row in checked:
            assert 0 < float(row["spend"]) <= budgets[row[key]], (kind, row)


def test_paused_objects_stop_delivering_and_statuses_agree(tiktok_fake):
    data = tiktok_fake.app.state.data
    rows = report(tiktok_fake, "AUCTION_ADGROUP", ["adgroup_id", "stat_time_day"], today() - dt.timedelta(days=6), today())
    delivered = {r["adgroup_id"] for r in rows}
    groups = [g for g in data.of("adgroups", DEMO_ADVERTISER_ID) if not g["_deleted"]]
    assert {g["secondary_status"] for g in groups} >= {"ADGROUP_STATUS_DELIVERY_OK", "ADGROUP_STATUS_DISABLE"}
    for group in groups:
        assert (group["adgroup_id"] in delivered) == (group["secondary_status"] == "ADGROUP_STATUS_DELIVERY_OK"), group
    for campaign in data.of("campaigns", DEMO_ADVERTISER_ID):
        if campaign["budget_mode"] == "BUDGET_MODE_INFINITE":
            assert campaign["budget"] == 0.0, campaign
        assert campaign["secondary_status"] in {"CAMPAIGN_STATUS_ENABLE", "CAMPAIGN_STATUS_DISABLE", "CAMPAIGN_STATUS_DELETE"}
        assert (campaign["operation_status"] == "ENABLE") == (campaign["secondary_status"] == "CAMPAIGN_STATUS_ENABLE")


def test_times_and_references_are_consistent(tiktok_fake):
    data = tiktok_fake.app.state.data
    by_id = {}
    for kind in ("campaigns", "adgroups", "ads", "images", "videos", "catalogs"):
        for record in data.of(kind, DEMO_ADVERTISER_ID):
            assert record["create_time"] <= record["modify_time"] <= f"{today()} 23:59:59", (kind, record)
            by_id[record.get("campaign_id") if kind == "campaigns" else record.get("adgroup_id") if kind == "adgroups" else None] = record
    videos = {v["video_id"] for v in data.of("videos", DEMO_ADVERTISER_ID)}
    images = {i["image_id"] for i in data.of("images", DEMO_ADVERTISER_ID)}
    for ad in data.of("ads", DEMO_ADVERTISER_ID):
        assert ad["video_id"] in videos and set(ad["image_ids"]) <= images, ad
        assert by_id[ad["adgroup_id"]]["create_time"] <= ad["create_time"]
        assert by_id[ad["campaign_id"]]["create_time"] <= by_id[ad["adgroup_id"]]["create_time"]
    for spark in data.of("spark_ads", DEMO_ADVERTISER_ID):
        auth = spark["auth_info"]
        assert auth["invite_start_time"] <= auth["auth_start_time"] < f"{today()}" < auth["auth_end_time"]


def test_results_follow_the_campaign_objective(tiktok_fake):
    data = tiktok_fake.app.state.data
    objective = {c["campaign_id"]: c["objective_type"] for c in data.of("campaigns", DEMO_ADVERTISER_ID)}
    rows = report(tiktok_fake, "AUCTION_CAMPAIGN", ["campaign_id"], today() - dt.timedelta(days=29), today())
    seen = defaultdict(list)
    for row in rows:
        seen[objective[row["campaign_id"]]].append(row)
        goal = objective[row["campaign_id"]]
        expected = {"TRAFFIC": "clicks", "REACH": "reach", "VIDEO_VIEWS": "video_watched_6s"}.get(goal, "conversion")
        assert row["result"] == row[expected], (goal, row)
        assert (int(row["app_install"]) > 0) == (goal == "APP_PROMOTION"), (goal, row)
        if goal in ("REACH", "VIDEO_VIEWS"):
            assert row["conversion"] == "0", row
        per = 1000 if goal == "REACH" else 1  # reach is priced per 1,000 people
        assert close(row["cost_per_result"], float(row["spend"]) / int(row["result"]) * per), (goal, row)
    assert len(seen) >= 4
