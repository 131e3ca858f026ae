"""Issue 15 §1 (and issue 17's report friction): `ads_report` figures that were silently wrong.

Compared buckets across months of different lengths, previous_year on whole months, video_views across
platforms, TikTok reach past one request's span, report rows that come back twice across a page boundary,
units, sort direction and the error with nothing configured. Same fakes, same frozen clock (Monday 1 June
2026) as tests/test_ads_report.py, whose fixtures and helpers these tests share. Expected figures come from
the vendor rows `*_execute` reads from the same fakes, and the queries from the raw requests the fakes logged.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import Any

import pytest
from fastmcp import Client

from mcp_server.connectors.linkedin_ads.report import REPORT as LINKEDIN_REPORT
from mcp_server.connectors.tiktok_marketing.report import REPORT as TIKTOK_REPORT
from mcp_server.server import build_server
from tests.test_ads_report import (  # noqa: F401 (fixtures: the module's frozen clock and fakes apply here too)
    LI,
    TT,
    TWO_WEEKS,
    VENDOR,
    by_platform,
    client,
    direct,
    fakes,
    frozen_clock,
    number,
    report,
    server_settings,
    tiktok_reports,
    total_of,
    vendor_params,
    vendor_rows,
)

D = dt.date.fromisoformat
DAY_FIELD = {LI: "start_date", TT: "stat_time_day"}


async def daily_spend(session: Client, platform: str, start: str, end: str) -> dict[dt.date, float]:
    """The account's spend per day, from the vendor's daily campaign rows."""
    entity, params = vendor_params(platform, "campaign", start, end, daily=True, fields=("spend",))
    spend: dict[dt.date, float] = defaultdict(float)
    for row in await vendor_rows(session, platform, entity, params):
        spend[D(row[DAY_FIELD[platform]][:10])] += number(row[VENDOR[platform]["spend"]])
    return spend


def days(first: str, last: str) -> list[dt.date]:
    return [D(first) + dt.timedelta(days=n) for n in range((D(last) - D(first)).days + 1)]


# --- compared buckets across months of different lengths -----------------------------------------------


@pytest.mark.parametrize("granularity", ["day", "week"])
async def test_a_bucket_is_compared_with_exactly_its_days_counterparts_day_n_of_the_earlier_month(client, granularity):
    """April (30 days) against March (31): 30 April is compared with 30 March only, never 30 + 31 March;
    31 March stands for no day of April, so it counts in the totals only, and a note says so."""
    body = await report(client, level="account", granularity=granularity, compare="previous_period", metrics=["spend"],
                        start_date="2026-04-01", end_date="2026-04-30", limit=1000)  # fmt: skip
    for platform in (LI, TT):
        march = await daily_spend(client, platform, "2026-03-01", "2026-03-31")
        assert march[D("2026-03-31")] > 0  # else adding it to 30 April would not show
        rows = by_platform(body["data"], platform)
        assert len(rows) == (30 if granularity == "day" else 5)
        for row in rows:
            bucket = days(row["period"], row.get("period_end", row["period"]))
            expected = sum(march[d.replace(month=3)] for d in bucket)
            assert row["spend_previous"] == pytest.approx(expected, abs=0.01), (platform, row["period"])
        # The platform total still compares all of April with all of March.
        assert total_of(body, platform)["spend_previous"] == pytest.approx(sum(march.values()), abs=0.02)
    notes = body["meta"]["notes"]
    assert any("2026-03-31" in n and "meta.totals" in n for n in notes), notes


async def test_a_day_without_a_counterpart_has_a_null_previous_and_a_note(client):
    """May (31 days) against April (30): 31 May has no counterpart, so its _previous is null, not 0."""
    body = await report(client, level="account", granularity="day", compare="previous_period", metrics=["spend", "clicks"],
                        date_preset="last_month", limit=1000)  # fmt: skip
    for platform in (LI, TT):
        assert body["meta"]["platforms"][platform]["compared_with"] == {"start": "2026-04-01", "end": "2026-04-30"}
        april = await daily_spend(client, platform, "2026-04-01", "2026-04-30")
        rows = {r["period"]: r for r in by_platform(body["data"], platform)}
        last = rows["2026-05-31"]
        assert last["spend"] > 0
        assert last["spend_previous"] is None and last["clicks_previous"] is None
        assert last["spend_change_pct"] is None and last["clicks_change_pct"] is None
        assert rows["2026-05-30"]["spend_previous"] == pytest.approx(april[D("2026-04-30")], abs=0.01)
        assert total_of(body, platform)["spend_previous"] == pytest.approx(sum(april.values()), abs=0.02)
    assert any("2026-05-31" in n and "no counterpart" in n for n in body["meta"]["notes"]), body["meta"]["notes"]


async def test_a_week_compares_the_counterparts_it_has_and_is_null_without_any(client):
    """March 2026 by week against February (28 days): the week of 23-29 March compares 23-28 February only, and
    the clipped week of 30-31 March, none of whose days has a counterpart, has a null _previous."""
    body = await report(client, level="account", granularity="week", compare="previous_period", metrics=["spend"],
                        platforms=[TT], start_date="2026-03-01", end_date="2026-03-31")  # fmt: skip
    february = await daily_spend(client, TT, "2026-02-01", "2026-02-28")
    rows = {r["period"]: r for r in body["data"]}
    assert rows["2026-03-23"]["spend_previous"] == pytest.approx(sum(february[D(f"2026-02-{n}")] for n in range(23, 29)), abs=0.01)
    assert rows["2026-03-30"]["period_end"] == "2026-03-31" and rows["2026-03-30"]["spend"] > 0
    assert rows["2026-03-30"]["spend_previous"] is None and rows["2026-03-30"]["spend_change_pct"] is None
    assert total_of(body, TT)["spend_previous"] == pytest.approx(sum(february.values()), abs=0.02)
    assert any("2026-03-29, 2026-03-30, 2026-03-31 have no counterpart" in n for n in body["meta"]["notes"])


async def test_month_buckets_compare_whole_months(client):
    """By month, May is compared with all of April, and April with all of March (its 31st included)."""
    body = await report(client, level="account", granularity="month", compare="previous_period", metrics=["spend"],
                        platforms=[TT], start_date="2026-04-01", end_date="2026-05-31")  # fmt: skip
    spend = await daily_spend(client, TT, "2026-02-01", "2026-04-30")
    rows = {r["period"]: r for r in body["data"]}
    assert rows["2026-04-01"]["spend_previous"] == pytest.approx(sum(v for d, v in spend.items() if d.month == 2), abs=0.01)
    assert rows["2026-05-01"]["spend_previous"] == pytest.approx(sum(v for d, v in spend.items() if d.month == 3), abs=0.01)
    assert "notes" not in body["meta"] or not any("counterpart" in n for n in body["meta"]["notes"])


# --- previous_year on whole months ---------------------------------------------------------------------


async def test_previous_year_compares_whole_months_with_whole_months(client, direct):
    body = await report(client, compare="previous_year", metrics=["spend"], start_date="2025-02-01", end_date="2025-02-28")
    for platform in (LI, TT):  # all of February 2024, the 29th included
        assert body["meta"]["platforms"][platform]["compared_with"] == {"start": "2024-02-01", "end": "2024-02-29"}
    assert ("2024-02-01", "2024-02-29") in {(q["start_date"], q["end_date"]) for q in tiktok_reports(direct[TT])}
    document = json.loads((await client.read_resource("connectors://metrics"))[0].text)
    assert any("previous_year" in rule and "whole months" in rule and "29th" in rule for rule in document["rules"])


# --- video_views are not added across platforms --------------------------------------------------------


async def test_video_views_have_no_cross_platform_total_and_say_why(client):
    body = await report(client, metrics=["spend", "video_views"], **TWO_WEEKS)
    overall = total_of(body, "all")
    assert "spend" in overall and "video_views" not in overall
    assert total_of(body, LI)["video_views"] > 0 and total_of(body, TT)["video_views"] > 0
    (warning,) = [w for w in body["meta"]["warnings"] if w.startswith("video_views")]
    assert "not added across platforms" in warning
    for platform, source in ((LI, LINKEDIN_REPORT), (TT, TIKTOK_REPORT)):  # the reason: each one's own definition
        assert f"{platform}: {source.metrics['video_views'].definition}" in warning
    document = json.loads((await client.read_resource("connectors://metrics"))[0].text)
    assert any(rule.startswith("video_views are never added across platforms") for rule in document["rules"])
    assert "never added across platforms" in document["metrics"]["video_views"]["meaning"]


# --- TikTok reach past one request's span --------------------------------------------------------------


@pytest.mark.parametrize(("start", "requests"), [("2025-06-01", 1), ("2025-05-31", 2)])
async def test_tiktok_reach_is_null_with_a_note_when_the_range_takes_several_requests(client, direct, start, requests):
    """TikTok answers at most 365 days per request without a time dimension: 366 days are two requests, each
    advertiser row adds two vendor rows, and reach (unique people) cannot be added: null, with the reason."""
    body = await report(client, platforms=[TT], level="account", metrics=["impressions", "reach"],
                        start_date=start, end_date="2026-05-31")  # fmt: skip
    sent = {(q["start_date"], q["end_date"]) for q in tiktok_reports(direct[TT])}
    assert len(sent) == requests and all(json.loads(q["dimensions"]) == ["advertiser_id"] for q in tiktok_reports(direct[TT]))
    (row,) = body["data"]
    notes = body["meta"].get("notes", [])
    split = [n for n in notes if "reach is null" in n and "365 days per request" in n]
    if requests == 1:
        assert row["reach"] > 0 and not split
    else:
        assert row["reach"] is None and row["impressions"] > 0 and len(split) == 1


# --- a report row that comes back twice across a page boundary -----------------------------------------


async def test_a_row_repeated_across_a_page_boundary_is_counted_once_and_named(client, direct):
    """TikTok pages are numbered and no sort order is sent: when rows move across a page boundary between
    requests, the next page serves them again. The naive sum counts them twice; the report keeps each
    (campaign, day) once, equals the fake's true totals, and names the repeats in a warning."""
    wanted = dict(platforms=[TT], level="campaign", granularity="day", metrics=["spend", "clicks"], limit=1000, **TWO_WEEKS)
    truth = total_of(await report(client, **wanted), TT)
    entity, params = vendor_params(TT, "campaign", TWO_WEEKS["start_date"], TWO_WEEKS["end_date"], daily=True,
                                   fields=("spend", "clicks"))  # fmt: skip
    true_rows = await vendor_rows(client, TT, entity, params)
    assert len(true_rows) > 60  # several pages of 25 below

    direct[TT].control("report_pages", {"page_size": 25, "shift": 2})
    naive = await vendor_rows(client, TT, entity, params)  # every row received, as a plain walk of pages adds them
    keys = [(r["campaign_id"], r["stat_time_day"]) for r in naive]
    assert len(naive) == len(true_rows) + 2 and len(set(keys)) == len(true_rows)
    assert sum(number(r["spend"]) for r in naive) > sum(number(r["spend"]) for r in true_rows) + 0.01

    direct[TT].requests.clear()
    body = await report(client, **wanted)
    pages = sorted(int(q["page"]) for q in tiktok_reports(direct[TT]))
    assert pages == list(range(1, len(pages) + 1)) and len(pages) >= 3  # one walk of numbered pages
    total = total_of(body, TT)
    assert total["spend"] == pytest.approx(truth["spend"], abs=0.01) and total["clicks"] == truth["clicks"]
    assert total["rows"] == truth["rows"]
    (warning,) = [w for w in body["meta"]["warnings"] if "came back twice" in w]
    repeated = [k for k in dict.fromkeys(keys) if keys.count(k) > 1]
    assert warning.startswith(f"{TT}: 2 report row(s)")
    for campaign, day in repeated:
        assert f"campaign_id {campaign} on {day[:10]}" in warning


# --- units, sort direction, nothing configured ---------------------------------------------------------


async def test_rates_and_changes_are_in_percent_and_named_so(client):
    body = await report(client, compare="previous_period", metrics=["clicks", "impressions", "ctr"], date_preset="last_7d")
    row = next(r for r in body["data"] if r["clicks_previous"] and r["ctr_previous"])
    assert not [k for k in row if k.endswith("_change")]  # the unit is in every change column's name
    assert row["ctr"] == round(row["clicks"] / row["impressions"] * 100, 2)  # ctr 0.6 is 0.6%
    growth = (row["clicks"] - row["clicks_previous"]) / row["clicks_previous"] * 100
    assert row["clicks_change_pct"] == round(growth, 2)  # 1.4 is +1.4%, in the same unit as ctr
    document = json.loads((await client.read_resource("connectors://metrics"))[0].text)
    assert document["metrics"]["ctr"]["unit"].startswith("percent")
    assert document["metrics"]["spend"]["unit"] == "account currency"
    assert any("_change_pct" in rule and "percent" in rule for rule in document["rules"])


async def test_a_bare_metric_sorts_high_to_low_and_text_a_to_z(client):
    by_spend = await report(client, sort="spend", limit=1000)
    spends = [r["spend"] for r in by_spend["data"]]
    assert spends == sorted(spends, reverse=True) and spends[0] > spends[-1]
    assert by_spend["meta"]["sort"] == "spend desc"
    ascending = await report(client, sort="spend asc", limit=1000)
    assert [r["spend"] for r in ascending["data"]] == sorted(spends)
    by_name = await report(client, sort="name", limit=1000)
    assert by_name["meta"]["sort"] == "name asc"


async def test_nothing_configured_names_each_platforms_fix():
    async with Client(build_server(server_settings())) as session:
        result = await session.call_tool("ads_report", {}, raise_on_error=False)
    text = result.content[0].text
    assert result.is_error and text.startswith("not_configured")
    assert LI in text and TT in text
    assert "LINKEDIN_ADS_" in text and "TIKTOK_MARKETING_ACCESS_TOKEN" in text


def test_the_drift_mode_is_checked_and_reset(direct):
    import httpx

    fake = direct[TT]
    for bad in ({"page_size": 0}, {"page_size": 10, "shift": 10}, {"page_size": "25"}, {"page_size": 1001}):
        assert httpx.post(f"{fake.url}/__sandbox__/report_pages", json=bad).status_code == 400, bad
    fake.control("report_pages", {"page_size": 5, "shift": 1})
    assert fake.app.state.data.report_drift == {"page_size": 5, "shift": 1}
    fake.reset()
    assert fake.app.state.data.report_drift == {}
