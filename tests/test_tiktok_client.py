"""The TikTok direct backend against the TikTok fake over a real socket."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from mcp_server.backends.base import Page, PageRequest
from mcp_server.connectors.tiktok_marketing.catalog import CATALOG
from mcp_server.connectors.tiktok_marketing.client import TiktokDirectBackend
from mcp_server.connectors.tiktok_marketing.clock import local_today
from mcp_server.connectors.tiktok_marketing.report_params import (
    AIRBYTE_AD_METRICS,
    AIRBYTE_CAMPAIGN_METRICS,
    CAMPAIGN_METRICS,
)
from mcp_server.connectors.tiktok_marketing.sandbox import (
    DEMO_ACCESS_TOKEN,
    DEMO_ADVERTISER_ID,
    DEMO_SECRET,
    sandbox_settings,
)
from mcp_server.connectors.tiktok_marketing.sandbox.data import (
    FORBIDDEN_ADVERTISER_ID,
    SECOND_ADVERTISER_ID,
)
from mcp_server.connectors.tiktok_marketing.settings import TiktokMarketingSettings
from mcp_server.errors import (
    AuthError,
    ConnectorError,
    InvalidParams,
    NotConfigured,
    NotFound,
    PermissionDenied,
    RateLimited,
    VendorError,
    VendorUnavailable,
)
from mcp_server.http import ClientOptions
from mcp_server.params import today

PREFIX = "/open_api/v1.3/"


def make_backend(fake, **overrides: Any) -> TiktokDirectBackend:
    settings = TiktokMarketingSettings(**{**sandbox_settings(fake.url), **overrides})
    return TiktokDirectBackend(settings, ClientOptions(retry_max_wait=0.01, retry_attempts=3))


def request_for(entity: str, params: dict[str, Any] | None = None, page_size: int = 25, state=None) -> PageRequest:
    model = CATALOG.entities[entity].actions["list"].params.model_validate(params or {})
    return PageRequest(entity, "list", model, state, page_size)


async def fetch(fake, entity: str, params: dict[str, Any] | None = None, page_size: int = 25, **settings) -> Page:
    backend = make_backend(fake, **settings)
    try:
        return await backend.fetch(request_for(entity, params, page_size))
    finally:
        await backend.aclose()


async def fetch_all(fake, entity: str, params: dict[str, Any] | None = None, page_size: int = 25) -> list[dict]:
    backend = make_backend(fake)
    records, state = [], None
    try:
        for _ in range(100):
            page = await backend.fetch(request_for(entity, params, page_size, state))
            records += page.records
            state = page.next_state
            if state is None:
                return records
    finally:
        await backend.aclose()
    raise AssertionError("pagination did not end")


def vendor_requests(fake) -> list[dict]:
    return [r for r in fake.requests if r["path"].startswith(PREFIX)]


def report_requests(fake) -> list[dict]:
    return [r for r in vendor_requests(fake) if r["path"].endswith("report/integrated/get/")]


def advertiser_today(fake, advertiser_id: str = DEMO_ADVERTISER_ID) -> dt.date:
    """Today in the advertiser's time zone: TikTok report days (the demo advertiser is UTC+14)."""
    return local_today(fake.app.state.data.advertisers[advertiser_id]["display_timezone"])


def query_of(entry: dict) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(entry["query"]).items()}


def visible(fake, kind: str, advertiser_id: str = DEMO_ADVERTISER_ID) -> list[dict]:
    return [r for r in fake.app.state.data.of(kind, advertiser_id) if not r.get("_deleted")]


def delivering_ad(fake) -> dict:
    """An ad that has delivered every day since it was created (paused ones stop)."""
    return next(a for a in visible(fake, "ads") if a["_delivering"])


# --- wire format ---------------------------------------------------------------------------


async def test_check_uses_access_token_header_and_user_info(tiktok_fake):
    backend = make_backend(tiktok_fake)
    summary = await backend.check()
    await backend.aclose()
    assert summary == f"token ok; display_name=Northwind Marketing (demo), advertiser {DEMO_ADVERTISER_ID}"
    (entry,) = vendor_requests(tiktok_fake)
    assert entry["path"] == PREFIX + "user/info/"
    assert entry["headers"]["access-token"] == DEMO_ACCESS_TOKEN
    assert "authorization" not in entry["headers"]


async def test_arrays_and_objects_are_json_strings_in_the_raw_query(tiktok_fake):
    campaign = visible(tiktok_fake, "campaigns")[0]["campaign_id"]
    page = await fetch(
        tiktok_fake,
        "campaigns",
        {"filtering": {"campaign_ids": [campaign]}, "fields": "campaign_id,campaign_name"},
    )
    assert [r["campaign_id"] for r in page.records] == [campaign]
    assert set(page.records[0]) == {"campaign_id", "campaign_name"}
    (entry,) = vendor_requests(tiktok_fake)
    assert entry["path"] == PREFIX + "campaign/get/"
    raw = entry["query"]
    assert f"filtering=%7B%22campaign_ids%22%3A+%5B%22{campaign}%22%5D%7D" in raw
    assert "fields=%5B%22campaign_id%22%2C+%22campaign_name%22%5D" in raw
    assert f"advertiser_id={DEMO_ADVERTISER_ID}" in raw


async def test_booleans_are_lowercase_true(tiktok_fake):
    await fetch(tiktok_fake, "ads_reports_lifetime", {"metrics": ["spend"]})
    query = query_of(vendor_requests(tiktok_fake)[0])
    assert query["query_lifetime"] == "true"
    assert "start_date" not in query and "end_date" not in query
    assert json.loads(query["dimensions"]) == ["ad_id"]


# --- every entity ----------------------------------------------------------------------------

ID_FIELD = {
    "advertisers": "advertiser_id", "campaigns": "campaign_id", "ad_groups": "adgroup_id", "ads": "ad_id",
    "audiences": "audience_id", "creative_assets_images": "image_id", "creative_assets_videos": "video_id",
    "spark_ads": "item_info", "catalogs": "catalog_id", "advertisers_reports_daily": "advertiser_id",
    "campaigns_reports_daily": "campaign_id", "ad_groups_reports_daily": "adgroup_id", "ads_reports_daily": "ad_id",
    "ads_reports_hourly": "ad_id", "ads_reports_lifetime": "ad_id",
}  # fmt: skip


def test_every_catalog_entity_is_covered():
    assert set(ID_FIELD) == set(CATALOG.entities)


@pytest.mark.parametrize("entity", sorted(ID_FIELD))
async def test_every_entity_returns_records(tiktok_fake, entity):
    page = await fetch(tiktok_fake, entity, page_size=5)
    assert page.records, entity
    assert len(page.records) <= 5
    for record in page.records:
        assert ID_FIELD[entity] in record
        if entity != "spark_ads":
            assert isinstance(record[ID_FIELD[entity]], str)
    declared = set(CATALOG.entities[entity].actions["list"].fields)
    assert declared <= set(page.records[0]), declared - set(page.records[0])


# --- pagination ----------------------------------------------------------------------------


async def test_pages_follow_page_info_until_the_last(tiktok_fake):
    records = await fetch_all(tiktok_fake, "ads", page_size=7)
    expected = visible(tiktok_fake, "ads")
    assert sorted(r["ad_id"] for r in records) == sorted(a["ad_id"] for a in expected)
    assert len({r["ad_id"] for r in records}) == len(records)
    pages = [query_of(e)["page"] for e in vendor_requests(tiktok_fake)]
    assert pages == [str(n) for n in range(1, -(-len(expected) // 7) + 1)]
    assert {query_of(e)["page_size"] for e in vendor_requests(tiktok_fake)} == {"7"}


async def test_callers_page_and_page_size_are_used_for_the_first_page(tiktok_fake):
    page = await fetch(tiktok_fake, "ad_groups", {"page": 2, "page_size": 4}, page_size=25)
    assert len(page.records) == 4
    assert page.next_state == {"page": 3, "page_size": 4}
    query = query_of(vendor_requests(tiktok_fake)[0])
    assert (query["page"], query["page_size"]) == ("2", "4")


async def test_deleted_campaigns_only_with_primary_status(tiktok_fake):
    default = await fetch_all(tiktok_fake, "campaigns")
    everything = await fetch_all(tiktok_fake, "campaigns", {"filtering": {"primary_status": "STATUS_ALL"}})
    assert len(everything) == len(default) + 1
    assert not any(r["secondary_status"].endswith("_DELETE") for r in default)


async def test_other_advertiser_by_param(tiktok_fake):
    records = await fetch_all(tiktok_fake, "campaigns", {"advertiser_id": SECOND_ADVERTISER_ID})
    assert records and {r["advertiser_id"] for r in records} == {SECOND_ADVERTISER_ID}


# --- reports -------------------------------------------------------------------------------


async def test_long_daily_range_is_split_into_30_day_chunks_in_order(tiktok_fake):
    end = today()
    start = end - dt.timedelta(days=64)
    ad = delivering_ad(tiktok_fake)
    params = {
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "metrics": ["spend", "impressions"],
        "filtering": [{"field_name": "ad_ids", "filter_type": "IN", "filter_value": [ad["ad_id"]]}],
    }
    rows = await fetch_all(tiktok_fake, "ads_reports_daily", params, page_size=20)
    first = max(start, ad["_created"])
    assert [r["stat_time_day"] for r in rows] == [
        f"{first + dt.timedelta(days=n)} 00:00:00" for n in range((end - first).days + 1)
    ]
    spans = []
    for entry in report_requests(tiktok_fake):
        query = query_of(entry)
        assert json.loads(json.loads(query["filtering"])[0]["filter_value"]) == [ad["ad_id"]]
        spans.append((query["start_date"], query["end_date"]))
    chunks = sorted(set(spans))
    assert chunks[0][0] == start.isoformat() and chunks[-1][1] == end.isoformat()
    for s, e in chunks:
        assert (dt.date.fromisoformat(e) - dt.date.fromisoformat(s)).days < 30
    assert len(chunks) == 3


async def test_empty_chunks_are_skipped_within_one_fetch(tiktok_fake):
    ad = delivering_ad(tiktok_fake)
    born = ad["_created"]
    params = {
        "start_date": str(born - dt.timedelta(days=70)),
        "end_date": str(born + dt.timedelta(days=2)),
        "metrics": ["impressions"],
        "filtering": [{"field_name": "ad_ids", "filter_type": "IN", "filter_value": [ad["ad_id"]]}],
    }
    page = await fetch(tiktok_fake, "ads_reports_daily", params, page_size=100)
    assert [r["stat_time_day"][:10] for r in page.records] == [str(born + dt.timedelta(days=n)) for n in range(3)]
    assert page.next_state is None
    assert len(report_requests(tiktok_fake)) == 3  # two empty 30-day chunks, then the one with rows


async def test_report_rows_are_flat_with_numbers_ids_as_strings_and_dash_as_null(tiktok_fake):
    page = await fetch(tiktok_fake, "ads_reports_daily", {"metrics": AIRBYTE_AD_METRICS}, page_size=3)
    row = page.records[0]
    assert list(row)[:4] == ["advertiser_id", "advertiser_name", "ad_id", "stat_time_day"]
    assert isinstance(row["ad_id"], str) and len(row["ad_id"]) == 19
    assert isinstance(row["campaign_id"], str) and isinstance(row["adgroup_id"], str)
    assert isinstance(row["stat_time_day"], str) and row["stat_time_day"].endswith(" 00:00:00")
    assert isinstance(row["impressions"], int) and isinstance(row["clicks"], int)
    assert isinstance(row["spend"], float) and isinstance(row["ctr"], float)
    assert isinstance(row["campaign_name"], str) and isinstance(row["placement_type"], str)
    assert row["secondary_goal_result"] is None
    assert "dimensions" not in row and "metrics" not in row



async def test_default_metrics_are_the_compact_core_set(tiktok_fake):
    page = await fetch(tiktok_fake, "campaigns_reports_daily", page_size=2)
    (entry,) = report_requests(tiktok_fake)
    assert json.loads(query_of(entry)["metrics"]) == CAMPAIGN_METRICS
    assert set(page.records[0]) == {"advertiser_id", "advertiser_name", "campaign_id", "stat_time_day", *CAMPAIGN_METRICS}
    assert len(CAMPAIGN_METRICS) < len(AIRBYTE_CAMPAIGN_METRICS) / 2


async def test_hourly_defaults_to_yesterday_in_one_request(tiktok_fake):
    rows = await fetch_all(tiktok_fake, "ads_reports_hourly", {"metrics": ["impressions"]}, page_size=1000)
    yesterday = (advertiser_today(tiktok_fake) - dt.timedelta(days=1)).isoformat()
    (entry,) = report_requests(tiktok_fake)
    query = query_of(entry)
    assert (query["start_date"], query["end_date"]) == (yesterday, yesterday)
    assert json.loads(query["dimensions"]) == ["ad_id", "stat_time_hour"]
    assert {r["stat_time_hour"][:10] for r in rows} == {yesterday}
    assert len({r["stat_time_hour"] for r in rows}) == 24


async def test_hourly_range_requests_one_day_each(tiktok_fake):
    end = today() - dt.timedelta(days=1)
    start = end - dt.timedelta(days=2)
    params = {"start_date": str(start), "end_date": str(end), "metrics": ["spend"]}
    page = await fetch(tiktok_fake, "ads_reports_hourly", params, page_size=1000)
    assert page.next_state == {"chunk": 1, "page": 1, "page_size": 1000, "start": str(start), "end": str(end)}
    query = query_of(report_requests(tiktok_fake)[0])
    assert query["start_date"] == query["end_date"] == str(start)


async def test_campaign_report_default_is_last_30_days(tiktok_fake):
    await fetch(tiktok_fake, "campaigns_reports_daily", {"metrics": "spend"})
    query = query_of(report_requests(tiktok_fake)[0])
    local = advertiser_today(tiktok_fake)
    assert query["end_date"] == (local - dt.timedelta(days=1)).isoformat()  # the last_30d preset: whole days
    assert query["start_date"] == (local - dt.timedelta(days=30)).isoformat()
    assert (query["data_level"], query["report_type"], query["service_type"]) == ("AUCTION_CAMPAIGN", "BASIC", "AUCTION")


async def test_ads_throttle_header_becomes_a_warning(tiktok_fake):
    tiktok_fake.fault("report/integrated", "ads_throttle")
    page = await fetch(tiktok_fake, "ads_reports_lifetime", {"metrics": ["spend"]})
    assert "20,000" in " ".join(page.meta["warnings"])


# --- advertisers ---------------------------------------------------------------------------


async def test_advertisers_default_to_the_configured_id(tiktok_fake):
    page = await fetch(tiktok_fake, "advertisers")
    assert [r["advertiser_id"] for r in page.records] == [DEMO_ADVERTISER_ID]
    assert json.loads(query_of(vendor_requests(tiktok_fake)[0])["advertiser_ids"]) == [DEMO_ADVERTISER_ID]


async def test_advertisers_are_discovered_with_app_id_and_secret(tiktok_fake):
    page = await fetch(tiktok_fake, "advertisers", advertiser_id=None)
    assert {r["advertiser_id"] for r in page.records} == {DEMO_ADVERTISER_ID, SECOND_ADVERTISER_ID}
    discovery, info = vendor_requests(tiktok_fake)
    assert discovery["path"] == PREFIX + "oauth2/advertiser/get/"
    assert query_of(discovery)["secret"] == DEMO_SECRET
    assert discovery["headers"]["access-token"] == DEMO_ACCESS_TOKEN
    assert info["path"] == PREFIX + "advertiser/info/"


async def test_advertiser_ids_page_by_page_size(tiktok_fake):
    backend = make_backend(tiktok_fake)
    ids = [DEMO_ADVERTISER_ID, SECOND_ADVERTISER_ID]
    first = await backend.fetch(request_for("advertisers", {"advertiser_ids": ids}, page_size=1))
    second = await backend.fetch(request_for("advertisers", {"advertiser_ids": ids}, page_size=1, state=first.next_state))
    await backend.aclose()
    assert [r["advertiser_id"] for r in first.records + second.records] == ids
    assert second.next_state is None


async def test_more_than_100_advertiser_ids_are_split(tiktok_fake):
    ids = [str(7000000000000000000 + n) for n in range(150)]
    with pytest.raises(PermissionDenied):
        await fetch(tiktok_fake, "advertisers", {"advertiser_ids": ids}, page_size=1000)
    assert len(json.loads(query_of(vendor_requests(tiktok_fake)[0])["advertiser_ids"])) == 100


async def test_discovery_error_never_shows_the_secret(tiktok_fake):
    secret = "s3cr3t-value-that-must-not-leak-0123456789"
    with pytest.raises(ConnectorError) as caught:
        await fetch(tiktok_fake, "advertisers", advertiser_id=None, secret=secret)
    assert secret not in caught.value.render()
    assert secret not in str(caught.value.__cause__)
    assert "40101" in caught.value.render() and "TIKTOK_MARKETING_SECRET" in caught.value.render()
    assert isinstance(caught.value, AuthError)


async def test_discovery_with_another_apps_id_asks_to_reconnect(tiktok_fake):
    with pytest.raises(AuthError) as caught:
        await fetch(tiktok_fake, "advertisers", advertiser_id=None, app_id="7000000000000000001")
    assert "reconnect" in caught.value.render()


async def test_advertisers_without_any_id_or_discovery_is_invalid(tiktok_fake):
    with pytest.raises(InvalidParams) as caught:
        await fetch(tiktok_fake, "advertisers", advertiser_id=None, secret=None)
    assert "TIKTOK_MARKETING_ADVERTISER_ID" in caught.value.render()
    assert vendor_requests(tiktok_fake) == []


# --- errors --------------------------------------------------------------------------------


async def test_missing_advertiser_id_sends_nothing(tiktok_fake):
    with pytest.raises(InvalidParams) as caught:
        await fetch(tiktok_fake, "campaigns", advertiser_id=None)
    text = caught.value.render()
    assert "advertiser_id" in text and "TIKTOK_MARKETING_ADVERTISER_ID" in text
    assert vendor_requests(tiktok_fake) == []


async def test_missing_token_is_not_configured(tiktok_fake):
    with pytest.raises(NotConfigured) as caught:
        await fetch(tiktok_fake, "ads", access_token=None)
    assert "TIKTOK_MARKETING_ACCESS_TOKEN" in caught.value.render()
    assert vendor_requests(tiktok_fake) == []


async def test_unknown_token_is_an_auth_error(tiktok_fake):
    with pytest.raises(AuthError) as caught:
        await fetch(tiktok_fake, "ads", access_token="0" * 40)
    assert "40105" in caught.value.message
    assert "TIKTOK_MARKETING_ACCESS_TOKEN" in caught.value.fix
    assert caught.value.request_id


async def test_advertiser_the_token_does_not_cover_is_permission_denied(tiktok_fake):
    with pytest.raises(PermissionDenied) as caught:
        await fetch(tiktok_fake, "campaigns", {"advertiser_id": FORBIDDEN_ADVERTISER_ID})
    assert "40001" in caught.value.message and caught.value.request_id


@pytest.mark.parametrize(
    ("kind", "error", "words"),
    [
        ("40100", RateLimited, "rate limit"),
        ("40133", RateLimited, "rate limit"),
        ("50000", VendorUnavailable, "temporary"),
        ("51000", VendorUnavailable, "temporary"),
        ("60001", VendorUnavailable, "temporary"),
        ("http_504", VendorUnavailable, "504"),
        ("40102", AuthError, "Re-authorize"),
        ("40000", AuthError, "reconnect"),
        ("40125", PermissionDenied, "Grant"),
        ("40007", NotFound, "Check the id"),
        ("40002", VendorError, "TikTok code 40002"),
    ],
)
async def test_vendor_errors_map_to_our_error_kinds(tiktok_fake, kind, error, words):
    tiktok_fake.fault("campaign/get", kind, times=5)
    with pytest.raises(error) as caught:
        await fetch(tiktok_fake, "campaigns")
    assert type(caught.value) is error
    assert words in caught.value.render()
    attempts = len(vendor_requests(tiktok_fake))
    assert attempts == (3 if error.retryable else 1)


async def test_transient_error_is_retried_then_succeeds(tiktok_fake):
    tiktok_fake.fault("ad/get", "40100", times=1)
    tiktok_fake.fault("ad/get", "http_504", times=1)
    page = await fetch(tiktok_fake, "ads")
    assert page.records
    assert len(vendor_requests(tiktok_fake)) == 3


async def test_wrong_base_url_names_the_setting(tiktok_fake):
    with pytest.raises(VendorError) as caught:
        await fetch(tiktok_fake, "campaigns", api_base_url=tiktok_fake.url + "/open_api/v1.2")
    assert "TIKTOK_MARKETING_API_BASE_URL" in caught.value.render()


# --- the fake is as strict as TikTok -----------------------------------------------------


def raw_get(fake, path: str, params: dict[str, str], token: str | None = DEMO_ACCESS_TOKEN) -> httpx.Response:
    headers = {"Access-Token": token} if token else {}
    return httpx.get(fake.url + PREFIX + path, params=params, headers=headers)


def test_fake_rejects_what_tiktok_rejects(tiktok_fake):
    adv = {"advertiser_id": DEMO_ADVERTISER_ID}
    assert raw_get(tiktok_fake, "campaign/get", adv).status_code == 404
    assert raw_get(tiktok_fake, "campaign/get", adv).text == "404 page not found"
    cases = [
        ("campaign/get/", adv, None, 40104),
        ("campaign/get/", adv, "nope", 40105),
        ("campaign/get/", {**adv, "filtering": "{campaign_ids: 1}"}, DEMO_ACCESS_TOKEN, 40002),
        ("campaign/get/", {**adv, "page_size": "1001"}, DEMO_ACCESS_TOKEN, 40002),
        ("tt_video/list/", {**adv, "page_size": "51"}, DEMO_ACCESS_TOKEN, 40002),
        ("campaign/get/", {"advertiser_id": FORBIDDEN_ADVERTISER_ID}, DEMO_ACCESS_TOKEN, 40001),
        ("advertiser/info/", {"advertiser_ids": DEMO_ADVERTISER_ID}, DEMO_ACCESS_TOKEN, 40002),
        ("ad/get/", {**adv, "filters": "{}"}, DEMO_ACCESS_TOKEN, 40002),
    ]
    for path, params, token, code in cases:
        response = raw_get(tiktok_fake, path, params, token)
        assert response.status_code == 200
        body = response.json()
        assert body["code"] == code, (path, params, body)
        assert body["request_id"]
    message = raw_get(tiktok_fake, "campaign/get/", {**adv, "filtering": "x"}).json()["message"]
    assert "filtering" in message


def test_fake_enforces_report_spans(tiktok_fake):
    base = {
        "advertiser_id": DEMO_ADVERTISER_ID, "report_type": "BASIC", "data_level": "AUCTION_AD",
        "metrics": '["spend"]', "start_date": "2025-01-01",
    }  # fmt: skip
    spans = [('["ad_id","stat_time_day"]', "2025-01-31", 40002), ('["ad_id","stat_time_day"]', "2025-01-30", 0),
             ('["ad_id","stat_time_hour"]', "2025-01-02", 40002), ('["ad_id"]', "2026-01-01", 40002),
             ('["ad_id"]', "2025-12-31", 0), ('["ad_id","gender"]', "2025-01-01", 40002)]  # fmt: skip
    for dimensions, end, code in spans:
        body = raw_get(tiktok_fake, "report/integrated/get/", {**base, "dimensions": dimensions, "end_date": end}).json()
        assert body["code"] == code, (dimensions, end, body)
    lifetime = {**base, "dimensions": '["ad_id"]', "query_lifetime": "True"}
    assert raw_get(tiktok_fake, "report/integrated/get/", lifetime).json()["code"] == 40002


def test_fake_report_rows_are_nested_strings(tiktok_fake):
    params = {
        "advertiser_id": DEMO_ADVERTISER_ID, "report_type": "BASIC", "data_level": "AUCTION_CAMPAIGN",
        "dimensions": '["campaign_id","stat_time_day"]', "metrics": '["spend","impressions","secondary_goal_result"]',
        "start_date": str(today() - dt.timedelta(days=3)), "end_date": str(today()), "page_size": "2",
    }  # fmt: skip
    data = raw_get(tiktok_fake, "report/integrated/get/", params).json()["data"]
    item = data["list"][0]
    assert set(item) == {"dimensions", "metrics"}
    assert all(isinstance(v, str) for v in item["metrics"].values())
    assert item["metrics"]["secondary_goal_result"] == "-"
    info = data["page_info"]
    assert info["page"] == 1 and info["page_size"] == 2 and info["total_page"] == -(-info["total_number"] // 2)


# --- review additions: filters, error codes ----------------------------------------------------


async def test_secondary_status_all_includes_deleted_like_airbyte_sends_it(tiktok_fake):
    default = await fetch_all(tiktok_fake, "campaigns")
    everything = await fetch_all(tiktok_fake, "campaigns", {"filtering": {"secondary_status": "CAMPAIGN_STATUS_ALL"}})
    assert len(everything) == len(default) + 1
    assert any(r["secondary_status"] == "CAMPAIGN_STATUS_DELETE" for r in everything)


async def test_delivery_ok_filter_returns_only_delivering_ad_groups(tiktok_fake):
    records = await fetch_all(tiktok_fake, "ad_groups", {"filtering": {"primary_status": "STATUS_DELIVERY_OK"}})
    expected = [g for g in visible(tiktok_fake, "adgroups") if g["_delivering"]]
    assert records and len(records) == len(expected)
    assert {r["secondary_status"] for r in records} == {"ADGROUP_STATUS_DELIVERY_OK"}


async def test_comma_list_filter_value_reaches_tiktok_as_a_json_list(tiktok_fake):
    ads = [a for a in visible(tiktok_fake, "ads") if a["_delivering"]][:2]
    value = ",".join(a["ad_id"] for a in ads)
    params = {"metrics": ["spend"], "filtering": [{"field_name": "ad_ids", "filter_type": "IN", "filter_value": value}]}
    rows = await fetch_all(tiktok_fake, "ads_reports_daily", params, page_size=1000)
    assert {r["ad_id"] for r in rows} == {a["ad_id"] for a in ads}
    sent = json.loads(query_of(report_requests(tiktok_fake)[0])["filtering"])
    assert json.loads(sent[0]["filter_value"]) == [a["ad_id"] for a in ads]


@pytest.mark.parametrize(
    ("kind", "words"),
    [("40010", "TIKTOK_MARKETING_API_BASE_URL"), ("40008", "sandbox"), ("40011", "at most 100"), ("40110", "Re-authorize")],
)
async def test_error_codes_carry_a_fix(tiktok_fake, kind, words):
    tiktok_fake.fault("campaign/get", kind)
    with pytest.raises(ConnectorError) as caught:
        await fetch(tiktok_fake, "campaigns")
    assert f"TikTok code {kind}" in caught.value.render() and words in caught.value.render()
    assert len(vendor_requests(tiktok_fake)) == 1


def test_an_envelope_with_a_non_numeric_code_is_a_vendor_error_not_a_crash():
    from mcp_server.connectors.tiktok_marketing.errors import parse_envelope

    for code in ("oops", None):
        response = httpx.Response(200, json={"code": code, "message": "?", "request_id": "r1", "data": {}})
        with pytest.raises(VendorError) as caught:
            parse_envelope(response)
        assert caught.value.request_id == "r1"
    assert parse_envelope(httpx.Response(200, json={"code": "0", "data": {"list": []}})) == ({"list": []}, False)
    assert parse_envelope(httpx.Response(200, json={"code": 20001, "data": {"list": []}})) == ({"list": []}, True)


@pytest.mark.parametrize(
    ("message", "error"),
    [
        ("The app_id is inconsistent with the token's app information. Please retry after correcting it.", AuthError),
        ("Access token does not match the app.", AuthError),
        ("start_date: does not match the format YYYY-MM-DD.", VendorError),
    ],
)
def test_code_40000_means_reconnect_only_when_app_and_token_disagree(message, error):
    from mcp_server.connectors.tiktok_marketing.errors import envelope_error

    mapped = envelope_error(40000, message, "r1")
    assert type(mapped) is error
    assert ("reconnect" in mapped.render()) == (error is AuthError)


def test_fake_rejects_report_filters_that_are_not_json_strings_inside_json(tiktok_fake):
    base = {
        "advertiser_id": DEMO_ADVERTISER_ID, "report_type": "BASIC", "data_level": "AUCTION_AD",
        "dimensions": '["ad_id"]', "metrics": '["spend"]', "start_date": str(today()), "end_date": str(today()),
    }  # fmt: skip
    ad = visible(tiktok_fake, "ads")[0]["ad_id"]
    item = {"field_name": "ad_ids", "filter_type": "IN"}
    cases = [
        ([{**item, "filter_value": [ad]}], 40002),  # a list where TikTok wants a JSON string
        ([{**item, "filter_value": ad}], 40002),  # a bare id, not a JSON list
        ({"ad_ids": [ad]}, 40002),  # the */get object form, not the report array
        ([{**item, "filter_value": json.dumps([ad])}], 0),
    ]
    for filtering, code in cases:
        body = raw_get(tiktok_fake, "report/integrated/get/", {**base, "filtering": json.dumps(filtering)}).json()
        assert body["code"] == code, (filtering, body)


async def test_partial_success_is_a_warning_not_an_error(tiktok_fake):
    tiktok_fake.fault("campaign/get", "20001")
    page = await fetch(tiktok_fake, "campaigns")
    assert "partial success" in " ".join(page.meta["warnings"])
