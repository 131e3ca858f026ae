"""Issue 8, date presets: named ranges resolved in the account's reporting time zone.

TikTok report days are the advertiser's (the demo advertiser is at UTC+14, Pacific/Kiritimati, so its
today is UTC's tomorrow for most of the day); LinkedIn's adAnalytics dateRange is in UTC days. The clock
is frozen where the connectors read it (TikTok's `clock.now`, the shared `params.today`), and the tests
assert on the raw requests the fakes received.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs

import pytest

import mcp_server.connectors.linkedin_ads.analytics_params as analytics_params
import mcp_server.connectors.tiktok_marketing.report_params as report_params
import mcp_server.params as shared_params
from mcp_server.connectors.tiktok_marketing import clock
from mcp_server.presets import PRESETS, resolve
from tests.conftest import ToolCalls, airbyte_env, point_at_fake

TIKTOK = ToolCalls("tiktok_marketing_execute", "tiktok-marketing")
LINKEDIN = ToolCalls("linkedin_ads_execute", "linkedin-ads")
REPORT_PATH = "/open_api/v1.3/report/integrated/get/"
D = dt.date.fromisoformat


# --- the resolver, on the days where calendars turn ---------------------------------------------------

# Monday 2026-06-01 is also the first of a month; every preset, worked out by hand.
MONDAY_JUNE_1 = {
    "today": ("2026-06-01", "2026-06-01"),
    "yesterday": ("2026-05-31", "2026-05-31"),
    "last_7d": ("2026-05-25", "2026-05-31"),
    "last_14d": ("2026-05-18", "2026-05-31"),
    "last_28d": ("2026-05-04", "2026-05-31"),
    "last_30d": ("2026-05-02", "2026-05-31"),
    "last_90d": ("2026-03-03", "2026-05-31"),
    "this_week": ("2026-06-01", "2026-06-01"),
    "last_week": ("2026-05-25", "2026-05-31"),
    "this_month": ("2026-06-01", "2026-06-01"),
    "last_month": ("2026-05-01", "2026-05-31"),
    "this_quarter": ("2026-04-01", "2026-06-01"),
    "last_quarter": ("2026-01-01", "2026-03-31"),
    "this_year": ("2026-01-01", "2026-06-01"),
    "last_year": ("2025-01-01", "2025-12-31"),
}


def test_every_preset_on_a_monday_that_starts_a_month():
    assert set(MONDAY_JUNE_1) == set(PRESETS)
    for preset, (start, end) in MONDAY_JUNE_1.items():
        assert resolve(preset, D("2026-06-01")) == (D(start), D(end)), preset


@pytest.mark.parametrize(
    ("today", "preset", "expected"),
    [
        # Sunday: the week began the Monday before; last week is the full Monday-Sunday before that.
        ("2026-03-01", "this_week", ("2026-02-23", "2026-03-01")),
        ("2026-03-01", "last_week", ("2026-02-16", "2026-02-22")),
        ("2026-03-01", "last_month", ("2026-02-01", "2026-02-28")),
        ("2026-03-01", "this_month", ("2026-03-01", "2026-03-01")),
        # First day of a quarter (a Wednesday).
        ("2026-04-01", "this_quarter", ("2026-04-01", "2026-04-01")),
        ("2026-04-01", "last_quarter", ("2026-01-01", "2026-03-31")),
        ("2026-04-01", "this_week", ("2026-03-30", "2026-04-01")),
        # January 1st: last month, quarter and year are all last year's; this week began in December.
        ("2026-01-01", "this_year", ("2026-01-01", "2026-01-01")),
        ("2026-01-01", "last_year", ("2025-01-01", "2025-12-31")),
        ("2026-01-01", "last_quarter", ("2025-10-01", "2025-12-31")),
        ("2026-01-01", "last_month", ("2025-12-01", "2025-12-31")),
        ("2026-01-01", "this_week", ("2025-12-29", "2026-01-01")),
        ("2026-01-01", "last_7d", ("2025-12-25", "2025-12-31")),
        # A leap February.
        ("2024-03-01", "last_month", ("2024-02-01", "2024-02-29")),
        ("2024-03-01", "last_30d", ("2024-01-31", "2024-02-29")),
    ],
)
def test_presets_on_calendar_edges(today, preset, expected):
    assert resolve(preset, D(today)) == (D(expected[0]), D(expected[1]))


# --- TikTok: the advertiser's today -------------------------------------------------------------------


def freeze(monkeypatch, instant: dt.datetime) -> None:
    """One instant for the client, the fake (both read clock.now) and UTC-today checks."""
    monkeypatch.setattr(clock, "now", lambda: instant)
    for module in (shared_params, report_params, analytics_params):
        monkeypatch.setattr(module, "today", lambda: instant.date())


def utc_noon(day: str) -> dt.datetime:
    return dt.datetime.combine(D(day), dt.time(12), dt.timezone.utc)


def report_queries(fake) -> list[dict[str, str]]:
    return [{k: v[0] for k, v in parse_qs(r["query"]).items()} for r in fake.requests if r["path"] == REPORT_PATH]


@pytest.fixture
def tiktok(monkeypatch, tiktok_fake):
    point_at_fake(monkeypatch, "tiktok-marketing", tiktok_fake.url)
    return tiktok_fake


# UTC noon on the day before each edge is already the edge day at UTC+14.
TIKTOK_EDGES = [
    ("2026-02-28", "this_month", ("2026-03-01", "2026-03-01")),  # local Sunday 1 March
    ("2026-02-28", "this_week", ("2026-02-23", "2026-03-01")),
    ("2026-03-01", "last_week", ("2026-02-23", "2026-03-01")),  # local Monday 2 March
    ("2026-03-01", "today", ("2026-03-02", "2026-03-02")),
    ("2026-03-31", "this_quarter", ("2026-04-01", "2026-04-01")),  # local 1 April
    ("2026-03-31", "last_quarter", ("2026-01-01", "2026-03-31")),
    ("2025-12-31", "this_year", ("2026-01-01", "2026-01-01")),  # local 1 January
    ("2025-12-31", "last_7d", ("2025-12-25", "2025-12-31")),
]


@pytest.mark.parametrize(("utc_day", "preset", "expected"), TIKTOK_EDGES)
async def test_tiktok_presets_are_days_in_the_advertisers_time_zone(monkeypatch, tiktok, utc_day, preset, expected):
    # The same preset in UTC would be another range: this test tells the two apart.
    assert resolve(preset, D(utc_day)) != (D(expected[0]), D(expected[1]))
    freeze(monkeypatch, utc_noon(utc_day))
    body = await TIKTOK.ok({"entity": "ads_reports_daily", "action": "list",
                            "params": {"date_preset": preset, "metrics": ["spend"]}, "limit": 5})  # fmt: skip
    sent = report_queries(tiktok)  # ranges over 30 days go in 30-day chunks; limit 5 needs only the first
    assert sent[0]["start_date"] == expected[0] and all(expected[0] <= q["start_date"] <= q["end_date"] <= expected[1] for q in sent)
    assert all("date_preset" not in q for q in sent)  # ours, not TikTok's
    shown = {"start_date": expected[0], "end_date": expected[1]}  # the preset resolved, as LinkedIn shows it
    assert body["meta"]["params"].items() >= shown.items() and "date_preset" not in body["meta"]["params"]
    assert body["meta"]["report_dates"] == {"start_date": expected[0], "end_date": expected[1], "time_zone": "Pacific/Kiritimati"}


@pytest.mark.parametrize("preset", PRESETS)
async def test_every_preset_is_resolved_from_the_advertisers_today(monkeypatch, tiktok, preset):
    # 12:00 UTC on a Sunday is already Monday at UTC+14, the demo advertiser's zone.
    freeze(monkeypatch, utc_noon("2026-03-01"))
    body = await TIKTOK.ok({"entity": "ads_reports_daily", "action": "list",
                            "params": {"date_preset": preset, "metrics": ["spend"]}, "limit": 1})  # fmt: skip
    start, end = resolve(preset, D("2026-03-02"))
    assert body["meta"]["report_dates"]["start_date"] == start.isoformat()
    assert body["meta"]["report_dates"]["end_date"] == end.isoformat()
    assert report_queries(tiktok)[0]["start_date"] == start.isoformat()


async def test_tiktok_preset_in_hosted_mode_shows_the_resolved_dates(monkeypatch, tiktok, hosted_fake):
    airbyte_env(monkeypatch, hosted_fake.url)
    monkeypatch.setenv("TIKTOK_MARKETING_MODE", "hosted")
    freeze(monkeypatch, utc_noon("2026-02-28"))  # local Sunday 1 March
    body = await TIKTOK.ok({"entity": "campaigns_reports_daily", "action": "list",
                            "params": {"date_preset": "last_month", "metrics": ["spend"]}, "limit": 5})  # fmt: skip
    assert body["meta"]["backend"] == "hosted"
    assert body["meta"]["params"]["start_date"] == "2026-02-01" and body["meta"]["params"]["end_date"] == "2026-02-28"
    sent = {(q["start_date"], q["end_date"]) for q in report_queries_of(hosted_fake.vendor_requests("tiktok-marketing"))}
    assert sent == {("2026-02-01", "2026-02-28")}


def report_queries_of(requests: list[dict]) -> list[dict[str, str]]:
    return [{k: v[0] for k, v in parse_qs(r["query"]).items()} for r in requests if r["path"].endswith("report/integrated/get/")]


async def test_tiktok_lifetime_report_takes_a_preset_only_as_a_date_range(monkeypatch, tiktok):
    freeze(monkeypatch, utc_noon("2026-03-01"))
    args = {"entity": "ads_reports_lifetime", "action": "list", "limit": 5}
    text = await TIKTOK.error_text({**args, "params": {"date_preset": "last_7d"}})
    assert "invalid_params" in text and "date_preset" in text and "query_lifetime=false" in text
    assert report_queries(tiktok) == []
    body = await TIKTOK.ok({**args, "params": {"date_preset": "last_7d", "query_lifetime": False, "metrics": ["spend"]}})
    assert {(q["start_date"], q["end_date"]) for q in report_queries(tiktok)} == {("2026-02-23", "2026-03-01")}
    assert "query_lifetime" not in report_queries(tiktok)[0]
    assert body["meta"]["params"]["start_date"] == "2026-02-23"


@pytest.mark.parametrize(
    ("entity", "params", "named"),
    [
        ("campaigns_reports_daily", {"date_preset": "last_7d", "start_date": "2026-01-01"}, "start_date"),
        ("campaigns_reports_daily", {"date_preset": "last_7d", "end_date": "2026-01-01"}, "end_date"),
        ("ads_reports_hourly", {"date_preset": "last_90d"}, "31 days"),
        ("ads_reports_hourly", {"date_preset": "this_quarter"}, "31 days"),  # 92 days on some days
        ("campaigns_reports_daily", {"date_preset": "last_3d"}, "last_7d"),  # not a preset: the choices are listed
    ],
)
async def test_tiktok_bad_presets_are_invalid_params_before_any_request(tiktok, entity, params, named):
    text = await TIKTOK.error_text({"entity": entity, "action": "list", "params": params})
    assert text.startswith("invalid_params") and "date_preset" in text and named in text
    assert tiktok.requests == []


async def test_tiktok_hourly_presets_that_fit_are_split_per_day(monkeypatch, tiktok):
    freeze(monkeypatch, utc_noon("2026-03-01"))  # local Monday 2 March
    body = await TIKTOK.ok({"entity": "ads_reports_hourly", "action": "list",
                            "params": {"date_preset": "last_week", "metrics": ["spend"]}, "limit": 5})  # fmt: skip
    assert body["meta"]["report_dates"]["start_date"] == "2026-02-23" and body["meta"]["report_dates"]["end_date"] == "2026-03-01"
    assert [(q["start_date"], q["end_date"]) for q in report_queries(tiktok)] == [("2026-02-23", "2026-02-23")]


async def test_tiktok_cursor_continues_a_preset_query_on_a_later_day(monkeypatch, tiktok):
    freeze(monkeypatch, utc_noon("2026-03-01"))
    args = {"entity": "campaigns_reports_daily", "action": "list",
            "params": {"date_preset": "last_7d", "metrics": ["spend"]}, "limit": 5}  # fmt: skip
    first = await TIKTOK.ok(args)
    assert first["next_cursor"]
    freeze(monkeypatch, utc_noon("2026-03-02"))  # the agent comes back the next day and resends the same params
    rest = await TIKTOK.ok({**args, "limit": 1000, "cursor": first["next_cursor"]})
    assert {(q["start_date"], q["end_date"]) for q in report_queries(tiktok)} == {("2026-02-23", "2026-03-01")}
    assert rest["meta"]["params"]["start_date"] == "2026-02-23" and rest["meta"]["params"]["end_date"] == "2026-03-01"
    keys = [(r["campaign_id"], r["stat_time_day"]) for r in first["data"] + rest["data"]]
    assert rest["data"] and len(keys) == len(set(keys))
    # a fresh call that day is a new query: the week moved on
    await TIKTOK.ok({**args, "limit": 1})
    assert report_queries(tiktok)[-1]["start_date"] == "2026-02-24"


# --- LinkedIn: UTC days --------------------------------------------------------------------------------


@pytest.fixture
def linkedin(monkeypatch, linkedin_fake):
    point_at_fake(monkeypatch, "linkedin-ads", linkedin_fake.url)
    return linkedin_fake


def analytics_ranges(fake) -> set[str]:
    return {parse_qs(r["query"])["dateRange"][0] for r in fake.requests if r["path"].endswith("/adAnalytics")}


def restli_range(start: str, end: str) -> str:
    s, e = D(start), D(end)
    return f"(start:(year:{s.year},month:{s.month},day:{s.day}),end:(year:{e.year},month:{e.month},day:{e.day}))"


async def test_linkedin_presets_resolve_to_utc_days_in_date_range(monkeypatch, linkedin):
    # 23:30 UTC on Sunday 1 March is already Monday in Asia; LinkedIn's days are UTC days all the same.
    freeze(monkeypatch, dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.timezone.utc))
    args = {"entity": "ad_campaign_analytics", "action": "list", "params": {"date_preset": "this_week"}, "limit": 5}
    body = await LINKEDIN.ok(args)
    assert analytics_ranges(linkedin) == {restli_range("2026-02-23", "2026-03-01")}
    assert body["meta"]["params"]["dateRange"] == {"start": "2026-02-23", "end": "2026-03-01"}
    assert "date_preset" not in body["meta"]["params"]  # resolved into dateRange, which a copy of meta.params resends


@pytest.mark.parametrize(
    "params",
    [
        {"date_preset": "last_7d", "dateRange": {"start": "2026-01-01", "end": "2026-01-31"}},
        {"date_preset": "last_7d", "start_date": "2026-01-01"},
        {"date_preset": "last_7d", "end_date": "2026-01-31"},
    ],
)
async def test_linkedin_preset_with_dates_is_invalid_params_before_any_request(linkedin, params):
    text = await LINKEDIN.error_text({"entity": "ad_campaign_analytics", "action": "list", "params": params})
    assert text.startswith("invalid_params") and "date_preset" in text and "pass one or the other" in text
    assert linkedin.requests == []


async def test_linkedin_cursor_continues_a_preset_query_on_a_later_day(monkeypatch, linkedin):
    freeze(monkeypatch, utc_noon("2026-03-01"))
    args = {"entity": "ad_campaign_analytics", "action": "list",
            "params": {"date_preset": "last_7d", "fields": "impressions"}, "limit": 10}  # fmt: skip
    first = await LINKEDIN.ok(args)
    assert first["next_cursor"] and first["meta"]["params"]["dateRange"] == {"start": "2026-02-22", "end": "2026-02-28"}
    freeze(monkeypatch, utc_noon("2026-03-02"))
    rest = await LINKEDIN.ok({**args, "limit": 1000, "cursor": first["next_cursor"]})
    assert rest["meta"]["params"]["dateRange"] == {"start": "2026-02-22", "end": "2026-02-28"}
    assert analytics_ranges(linkedin) == {restli_range("2026-02-22", "2026-02-28")}
    keys = [(r["start_date"], tuple(r["pivotValues"])) for r in first["data"] + rest["data"]]
    assert rest["data"] and len(keys) == len(set(keys))
    assert max(r["end_date"] for r in first["data"] + rest["data"]) <= "2026-02-28"


async def test_linkedin_preset_in_hosted_mode_shows_the_resolved_dates(monkeypatch, linkedin, hosted_fake):
    airbyte_env(monkeypatch, hosted_fake.url)
    monkeypatch.setenv("LINKEDIN_ADS_MODE", "hosted")
    freeze(monkeypatch, utc_noon("2026-01-01"))
    body = await LINKEDIN.ok({"entity": "ad_campaign_analytics", "action": "list",
                              "params": {"date_preset": "last_quarter"}, "limit": 5})  # fmt: skip
    assert body["meta"]["backend"] == "hosted"
    assert body["meta"]["params"]["dateRange"] == {"start": "2025-10-01", "end": "2025-12-31"}
    sent: set[Any] = {
        parse_qs(r["query"])["dateRange"][0]
        for r in hosted_fake.vendor_requests("linkedin-ads")
        if r["path"].endswith("/adAnalytics")
    }
    assert sent == {restli_range("2025-10-01", "2025-12-31")}
