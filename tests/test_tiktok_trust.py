"""Issue 7, TikTok: no silent loss, duplication or under-count against the real API.

Each quirk lives in the TikTok fake (string creative ids, bc_id-only catalogs and bc/get/, deleted
objects left out of reports unless asked, an advertiser at UTC+14, advertiser-only metrics) and the
tests assert on the raw requests it received.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from mcp_server.budget import request_budget
from mcp_server.connectors.tiktok_marketing import clock
from mcp_server.connectors.tiktok_marketing.catalog import CATALOG
from mcp_server.connectors.tiktok_marketing.client import TiktokDirectBackend
from mcp_server.connectors.tiktok_marketing.params import numeric_ids
from mcp_server.connectors.tiktok_marketing.sandbox import DEMO_ACCESS_TOKEN, DEMO_ADVERTISER_ID, sandbox_settings
from mcp_server.connectors.tiktok_marketing.sandbox import app as fake_app
from mcp_server.connectors.tiktok_marketing.sandbox.data import DEMO_BC_ID
from mcp_server.connectors.tiktok_marketing.settings import TiktokMarketingSettings
from mcp_server.backends.base import PageRequest
from mcp_server.errors import InvalidParams
from mcp_server.http import ClientOptions
from tests.conftest import ToolCalls, airbyte_env, point_at_fake

PREFIX = "/open_api/v1.3/"
_calls = ToolCalls("tiktok_marketing_execute", "tiktok-marketing")
ok, error_text = _calls.ok, _calls.error_text


@pytest.fixture
def env(monkeypatch, tiktok_fake):
    point_at_fake(monkeypatch, "tiktok-marketing", tiktok_fake.url)
    return tiktok_fake


def backend(fake, **overrides: Any) -> TiktokDirectBackend:
    settings = TiktokMarketingSettings(**{**sandbox_settings(fake.url), **overrides})
    return TiktokDirectBackend(settings, ClientOptions(retry_max_wait=0.01, retry_attempts=1))


def request(entity: str, params: dict | None = None, page_size: int = 1000, state=None) -> PageRequest:
    model = CATALOG.entities[entity].actions["list"].params.model_validate(params or {})
    return PageRequest(entity, "list", model, state, page_size)


def queries(fake, path: str) -> list[dict[str, str]]:
    return [{k: v[0] for k, v in parse_qs(r["query"]).items()} for r in fake.requests if r["path"] == PREFIX + path]


def data(fake):
    return fake.app.state.data


def raw_get(fake, path: str, params: dict[str, str]) -> dict:
    return httpx.get(fake.url + PREFIX + path, params=params, headers={"Access-Token": DEMO_ACCESS_TOKEN}).json()


async def all_rows(arguments: dict, *, calls: int = 50) -> tuple[list[dict], list[dict]]:
    """Every row of a tool query, following next_cursor; also each result's meta."""
    rows, metas, cursor = [], [], None
    for _ in range(calls):
        body = await ok({**arguments, "cursor": cursor} if cursor else arguments)
        rows += body["data"]
        metas.append(body["meta"])
        cursor = body["next_cursor"]
        if not cursor:
            return rows, metas
    raise AssertionError("the cursor never ended")


def local_today() -> dt.date:
    return clock.local_today("Pacific/Kiritimati")


# --- 1. creative, material and audience ids are strings TikTok defines ------------------------------


def test_demo_creative_ids_look_like_tiktoks_and_are_not_numbers(tiktok_fake):
    image = data(tiktok_fake).of("images", DEMO_ADVERTISER_ID)[0]["image_id"]
    video = data(tiktok_fake).of("videos", DEMO_ADVERTISER_ID)[0]["video_id"]
    assert image.startswith("ad-site-i18n-sg/") and video.startswith("v10033g50000")
    for value in (image, video):
        with pytest.raises(ValueError):
            numeric_ids("image_ids", [value])  # the object-id check would refuse them


@pytest.mark.parametrize(("entity", "kind", "key"), [("creative_assets_images", "images", "image_id"),
                                                      ("creative_assets_videos", "videos", "video_id")])  # fmt: skip
async def test_creative_id_filters_take_tiktoks_string_ids(env, entity, kind, key):
    wanted = [r[key] for r in data(env).of(kind, DEMO_ADVERTISER_ID)[:2]]
    # a list, a JSON string, one plain id
    for given, expected in ((wanted, wanted), (json.dumps(wanted), wanted), (wanted[0], wanted[:1])):
        body = await ok({"entity": entity, "action": "list", "params": {"filtering": {f"{key}s": given}}})
        assert sorted(r[key] for r in body["data"]) == sorted(expected)
        sent = json.loads(queries(env, LIST_PATHS[entity])[-1]["filtering"])
        assert sent[f"{key}s"] == expected


LIST_PATHS = {"creative_assets_images": "file/image/ad/search/", "creative_assets_videos": "file/video/ad/search/"}


async def test_object_id_filters_still_must_be_numbers(env):
    text = await error_text({"entity": "ads", "action": "list", "params": {"filtering": {"ad_ids": ["v10033g50000abc"]}}})
    assert text.startswith("invalid_params:") and "ad_ids" in text
    assert env.requests == []


async def test_audience_ids_are_not_digit_checked(env):
    audience = data(env).of("audiences", DEMO_ADVERTISER_ID)[0]["audience_id"]
    body = await ok({"entity": "audiences", "action": "list", "params": {"custom_audience_ids": audience}})
    assert [r["audience_id"] for r in body["data"]] == [audience]
    await ok({"entity": "audiences", "action": "list", "params": {"custom_audience_ids": "aud-7f3c"}})
    assert json.loads(queries(env, "dmp/custom_audience/list/")[-1]["custom_audience_ids"]) == ["aud-7f3c"]


# --- 2. catalogs belong to a Business Center ---------------------------------------------------------


def test_fake_catalog_get_requires_bc_id(tiktok_fake):
    body = raw_get(tiktok_fake, "catalog/get/", {"advertiser_id": DEMO_ADVERTISER_ID})
    assert body["code"] == 40002 and "bc_id" in body["message"]
    assert raw_get(tiktok_fake, "catalog/get/", {"bc_id": DEMO_BC_ID})["code"] == 0


async def test_catalogs_send_bc_id_and_never_advertiser_id(env):
    body = await ok({"entity": "catalogs", "action": "list", "params": {"bc_id": DEMO_BC_ID}})
    assert {r["bc_info"]["bc_id"] for r in body["data"]} == {DEMO_BC_ID}
    assert len(body["data"]) == len(data(env).of("catalogs", DEMO_BC_ID))
    (query,) = queries(env, "catalog/get/")
    assert query["bc_id"] == DEMO_BC_ID and "advertiser_id" not in query


async def test_catalogs_advertiser_id_is_refused_before_any_request(env):
    text = await error_text({"entity": "catalogs", "action": "list", "params": {"advertiser_id": DEMO_ADVERTISER_ID}})
    assert text.startswith("invalid_params:") and "advertiser_id" in text
    assert env.requests == []


async def test_catalogs_use_the_bc_setting_then_discover_business_centers_once(tiktok_fake):
    configured = backend(tiktok_fake)  # TIKTOK_MARKETING_BC_ID is set in the sandbox settings
    await configured.fetch(request("catalogs"))
    await configured.aclose()
    assert queries(tiktok_fake, "bc/get/") == [] and queries(tiktok_fake, "catalog/get/")[0]["bc_id"] == DEMO_BC_ID

    tiktok_fake.reset()
    discovering = backend(tiktok_fake, bc_id=None)
    first = await discovering.fetch(request("catalogs"))
    again = await discovering.fetch(request("catalogs"))
    await discovering.aclose()
    assert first.records and first.records == again.records
    (bc_query,) = queries(tiktok_fake, "bc/get/")  # cached per backend
    assert int(bc_query["page_size"]) <= 50
    assert [q["bc_id"] for q in queries(tiktok_fake, "catalog/get/")] == [DEMO_BC_ID, DEMO_BC_ID]


async def test_no_business_center_is_invalid_params_naming_bc_id(tiktok_fake, monkeypatch):
    monkeypatch.setitem(fake_app.BC_GRANTS, DEMO_ACCESS_TOKEN, ())
    discovering = backend(tiktok_fake, bc_id=None)
    with pytest.raises(InvalidParams) as caught:
        await discovering.fetch(request("catalogs"))
    await discovering.aclose()
    assert "bc_id" in caught.value.render() and "TIKTOK_MARKETING_BC_ID" in caught.value.render()
    assert queries(tiktok_fake, "catalog/get/") == []


# --- 3. reports count deleted objects, like Ads Manager -----------------------------------------------


def deleted_campaign(fake) -> dict:
    return next(c for c in data(fake).of("campaigns", DEMO_ADVERTISER_ID) if c["_deleted"])


def total_spend(rows: list[dict]) -> float:
    return round(sum(r["spend"] or 0 for r in rows), 2)


async def test_default_reports_include_deleted_objects_so_totals_match_the_account(env):
    params = {"metrics": ["spend"]}
    account, _ = await all_rows({"entity": "advertisers_reports_daily", "action": "list", "params": params, "limit": 1000})
    campaigns, _ = await all_rows({"entity": "campaigns_reports_daily", "action": "list", "params": params, "limit": 1000})
    deleted = deleted_campaign(env)["campaign_id"]
    assert any(r["campaign_id"] == deleted and r["spend"] for r in campaigns)  # the deleted campaign spent in range
    assert total_spend(campaigns) == pytest.approx(total_spend(account), abs=0.05)
    sent = [json.loads(q["filtering"]) for q in queries(env, "report/integrated/get/") if q["data_level"] == "AUCTION_CAMPAIGN"]
    assert sent and all(f == [{"field_name": "campaign_status", "filter_type": "IN", "filter_value": '["STATUS_ALL"]'}] for f in sent)
    assert all("filtering" not in q for q in queries(env, "report/integrated/get/") if q["data_level"] == "AUCTION_ADVERTISER")


async def test_include_deleted_false_narrows_to_live_objects(env):
    params = {"metrics": ["spend"], "include_deleted": False}
    rows, _ = await all_rows({"entity": "campaigns_reports_daily", "action": "list", "params": params, "limit": 1000})
    assert rows and deleted_campaign(env)["campaign_id"] not in {r["campaign_id"] for r in rows}
    assert all("filtering" not in q for q in queries(env, "report/integrated/get/"))


@pytest.mark.parametrize(("entity", "field"), [("ad_groups_reports_daily", "adgroup_status"), ("ads_reports_daily", "ad_status"),
                                               ("ads_reports_hourly", "ad_status"), ("ads_reports_lifetime", "ad_status")])  # fmt: skip
async def test_each_level_sends_its_own_status_field(env, entity, field):
    rows, _ = await all_rows({"entity": entity, "action": "list", "params": {"metrics": ["spend"]}, "limit": 1000})
    deleted_ads = {a["ad_id"] for a in data(env).of("ads", DEMO_ADVERTISER_ID) if a["_deleted"]}
    if entity != "ads_reports_hourly":  # the deleted campaign stopped days ago, so yesterday's hours lack it
        key = "adgroup_id" if entity.startswith("ad_groups") else "ad_id"
        ids = deleted_ads if key == "ad_id" else {a["adgroup_id"] for a in data(env).of("ads", DEMO_ADVERTISER_ID) if a["_deleted"]}
        assert ids & {r[key] for r in rows}
    for query in queries(env, "report/integrated/get/"):
        assert json.loads(query["filtering"]) == [{"field_name": field, "filter_type": "IN", "filter_value": '["STATUS_ALL"]'}]


async def test_a_status_filter_the_caller_gave_is_not_duplicated(env):
    mine = {"field_name": "ad_status", "filter_type": "IN", "filter_value": ["STATUS_DELETE"]}
    await ok({"entity": "ads_reports_daily", "action": "list", "params": {"metrics": ["spend"], "filtering": [mine]}})
    for query in queries(env, "report/integrated/get/"):
        assert [f["field_name"] for f in json.loads(query["filtering"])] == ["ad_status"]


def test_fake_leaves_deleted_rows_out_and_refuses_a_status_field_of_another_level(tiktok_fake):
    base = {"advertiser_id": DEMO_ADVERTISER_ID, "report_type": "BASIC", "data_level": "AUCTION_AD", "page_size": "1000",
            "dimensions": '["ad_id"]', "metrics": '["spend"]', "query_lifetime": "true"}  # fmt: skip
    deleted = {a["ad_id"] for a in data(tiktok_fake).of("ads", DEMO_ADVERTISER_ID) if a["_deleted"]}
    plain = raw_get(tiktok_fake, "report/integrated/get/", base)["data"]["list"]
    assert plain and not deleted & {r["dimensions"]["ad_id"] for r in plain}
    status = [{"field_name": "ad_status", "filter_type": "IN", "filter_value": '["STATUS_ALL"]'}]
    everything = raw_get(tiktok_fake, "report/integrated/get/", {**base, "filtering": json.dumps(status)})["data"]["list"]
    assert deleted & {r["dimensions"]["ad_id"] for r in everything}
    wrong = [{**status[0], "field_name": "campaign_status"}]
    body = raw_get(tiktok_fake, "report/integrated/get/", {**base, "filtering": json.dumps(wrong)})
    assert body["code"] == 40002 and "campaign_status" in body["message"]


async def test_hosted_reports_warn_that_deleted_objects_may_be_missing(monkeypatch, tiktok_fake, hosted_fake):
    point_at_fake(monkeypatch, "tiktok-marketing", tiktok_fake.url)
    airbyte_env(monkeypatch, hosted_fake.url)
    monkeypatch.setenv("TIKTOK_MARKETING_MODE", "hosted")
    arguments = {"entity": "campaigns_reports_daily", "action": "list", "params": {"metrics": ["spend"]}, "limit": 5}
    body = await ok(arguments)
    assert body["meta"]["backend"] == "hosted"
    assert any("deleted" in w for w in body["meta"]["warnings"])
    live = await ok({**arguments, "params": {"metrics": ["spend"], "include_deleted": False}})
    assert not any("deleted" in w for w in live["meta"].get("warnings", []))


# --- 4. bounded work per call ------------------------------------------------------------------------


async def test_a_report_since_2016_stops_at_the_budget_and_the_states_return_every_row_once(tiktok_fake):
    ad = next(a for a in data(tiktok_fake).of("ads", DEMO_ADVERTISER_ID) if a["_delivering"])
    filtering = [{"field_name": "ad_ids", "filter_type": "IN", "filter_value": [ad["ad_id"]]}]
    end = local_today()
    long = {"start_date": "2016-01-01", "end_date": str(end), "metrics": ["spend"], "filtering": filtering}
    client = backend(tiktok_fake)
    rows, state, calls = [], None, 0
    while True:
        before = len(tiktok_fake.requests)
        with request_budget(40):
            page = await client.fetch(request("ads_reports_daily", long, state=state))
        assert len(tiktok_fake.requests) - before <= 40
        calls += 1
        rows += page.records
        state = page.next_state
        if state is None:
            break
    first_call_states = calls
    short = {**long, "start_date": str(ad["_created"])}
    expected, state = [], None
    while True:
        page = await client.fetch(request("ads_reports_daily", short, state=state))
        expected += page.records
        if (state := page.next_state) is None:
            break
    await client.aclose()
    assert first_call_states > 1  # ~130 thirty-day chunks cannot fit one call's budget
    assert rows == expected and len({r["stat_time_day"] for r in rows}) == len(rows)


async def test_the_tool_returns_a_cursor_and_a_warning_at_the_budget(env):
    ad = next(a for a in data(env).of("ads", DEMO_ADVERTISER_ID) if a["_delivering"])
    filtering = [{"field_name": "ad_ids", "filter_type": "IN", "filter_value": [ad["ad_id"]]}]
    params = {"start_date": "2016-01-01", "end_date": str(local_today()), "metrics": ["spend"], "filtering": filtering}
    first = await ok({"entity": "ads_reports_daily", "action": "list", "params": params, "limit": 1000})
    assert len(env.requests) <= 40
    assert first["next_cursor"] and any("budget" in w for w in first["meta"]["warnings"])
    rows, _ = await all_rows({"entity": "ads_reports_daily", "action": "list", "params": params, "limit": 1000})
    days = [r["stat_time_day"][:10] for r in rows]
    assert days == sorted(set(days)) and days[0] == str(ad["_created"]) and days[-1] == str(local_today())


# --- 5. report days are the advertiser's days --------------------------------------------------------


@pytest.fixture
def noon_utc(monkeypatch):
    """12:00 UTC today: already tomorrow at the demo advertiser (Pacific/Kiritimati, UTC+14)."""
    frozen = dt.datetime.combine(dt.datetime.now(dt.timezone.utc).date(), dt.time(12), dt.timezone.utc)
    monkeypatch.setattr(clock, "now", lambda: frozen)
    return frozen


async def test_default_dates_are_the_advertisers_last_30_days(env, noon_utc):
    """The default is the last_30d preset: 30 whole days ending yesterday, in the advertiser's time zone."""
    local = noon_utc.date() + dt.timedelta(days=1)
    body = await ok({"entity": "campaigns_reports_daily", "action": "list", "params": {"metrics": ["spend"]}, "limit": 1000})
    query = queries(env, "report/integrated/get/")[0]
    start, end = str(local - dt.timedelta(days=30)), str(local - dt.timedelta(days=1))
    assert (query["start_date"], query["end_date"]) == (start, end)
    assert body["meta"]["report_dates"] == {"start_date": start, "end_date": end, "time_zone": "Pacific/Kiritimati"}
    assert body["meta"]["params"]["start_date"] == start and body["meta"]["params"]["end_date"] == end
    # the advertiser's yesterday (UTC today) has rows; a UTC default would have left them out
    assert end in {r["stat_time_day"][:10] for r in body["data"]}


async def test_hourly_default_is_the_advertisers_yesterday(env, noon_utc):
    await ok({"entity": "ads_reports_hourly", "action": "list", "params": {"metrics": ["spend"]}, "limit": 5})
    query = queries(env, "report/integrated/get/")[0]
    assert query["start_date"] == query["end_date"] == str(noon_utc.date())


async def test_the_time_zone_is_asked_once_per_backend_and_explicit_dates_need_none(tiktok_fake, noon_utc):
    client = backend(tiktok_fake)
    await client.fetch(request("campaigns_reports_daily", {"metrics": ["spend"]}))
    await client.fetch(request("ads_reports_daily", {"metrics": ["spend"]}))
    await client.fetch(request("ads_reports_daily", {"metrics": ["spend"], "start_date": "2026-01-01", "end_date": "2026-01-02"}))
    await client.aclose()
    (info,) = queries(tiktok_fake, "advertiser/info/")
    assert json.loads(info["advertiser_ids"]) == [DEMO_ADVERTISER_ID]


async def test_a_cursor_continues_the_frozen_range_on_a_later_day(env, noon_utc, monkeypatch):
    arguments = {"entity": "campaigns_reports_daily", "action": "list", "params": {"metrics": ["spend"]}, "limit": 5}
    first = await ok(arguments)
    monkeypatch.setattr(clock, "now", lambda: noon_utc + dt.timedelta(days=1))
    second = await ok({**arguments, "cursor": first["next_cursor"]})
    spans = {(q["start_date"], q["end_date"]) for q in queries(env, "report/integrated/get/")}
    local = noon_utc.date() + dt.timedelta(days=1)
    assert spans == {(str(local - dt.timedelta(days=30)), str(local - dt.timedelta(days=1)))}
    assert second["data"] and second["data"] != first["data"]


# --- 5b. advertiser-only metrics ----------------------------------------------------------------------


async def test_cash_and_voucher_spend_only_at_advertiser_level_by_day(env):
    text = await error_text({"entity": "campaigns_reports_daily", "action": "list", "params": {"metrics": ["spend", "cash_spend"]}})
    assert text.startswith("invalid_params:") and "cash_spend" in text and "advertisers_reports_daily" in text
    assert env.requests == []
    daily = await ok({"entity": "advertisers_reports_daily", "action": "list", "limit": 3})
    assert "cash_spend" in daily["data"][0]
    lifetime = await ok({"entity": "advertisers_reports_daily", "action": "list", "params": {"dimensions": ["advertiser_id"]}})
    assert lifetime["data"] and "cash_spend" not in lifetime["data"][0]
    sent = json.loads(queries(env, "report/integrated/get/")[-1]["metrics"])
    assert "cash_spend" not in sent and "spend" in sent


def test_fake_refuses_cash_spend_outside_advertiser_daily(tiktok_fake):
    base = {"advertiser_id": DEMO_ADVERTISER_ID, "report_type": "BASIC", "metrics": '["cash_spend"]',
            "start_date": str(local_today()), "end_date": str(local_today())}  # fmt: skip
    campaign = raw_get(tiktok_fake, "report/integrated/get/", {**base, "data_level": "AUCTION_CAMPAIGN", "dimensions": '["campaign_id","stat_time_day"]'})
    assert campaign["code"] == 40002 and "cash_spend" in campaign["message"]
    daily = raw_get(tiktok_fake, "report/integrated/get/", {**base, "data_level": "AUCTION_ADVERTISER", "dimensions": '["advertiser_id","stat_time_day"]'})
    assert daily["code"] == 0


# --- 6. review fixes: the fake's own rules, hourly ranges refused up front, hosted catalogs, ------------
# --- time zones per backend, the same report_dates on every page ----------------------------------------


def test_client_and_fake_tables_agree():
    """The fake keeps its own copy of TikTok's report rules; a client table that drifts from it fails here."""
    from mcp_server.connectors.tiktok_marketing import report_params as client
    from mcp_server.connectors.tiktok_marketing.sandbox import reports as fake

    assert client.STATUS_FIELDS == fake.STATUS_FIELDS
    assert set(client.ADVERTISER_DAILY_ONLY) == fake.ADVERTISER_DAILY_ONLY
    assert client.MAX_SPAN_DAYS == fake.MAX_SPAN_DAYS
    levels = {m.data_level: m.id_dimension for m in (client.AdvertisersReportParams, client.CampaignsReportParams,
                                                      client.AdGroupsReportParams, client.AdsReportParams)}  # fmt: skip
    assert levels == fake.LEVELS
    named = {*client.CORE, *client.CONV, *client.ENG, *client.RESULTS, *client.ADVERTISER_METRICS, *client.AD_METRICS,
             *client.AIRBYTE_ADVERTISER_METRICS, *client.AIRBYTE_AD_METRICS}  # fmt: skip
    assert named <= fake.KNOWN_METRICS
    assert named | fake.ATTRIBUTES == fake.KNOWN_METRICS  # and the fake knows nothing the client never names


def test_the_fake_imports_nothing_of_the_client_but_the_shared_instant():
    import ast
    import inspect

    from mcp_server.connectors.tiktok_marketing.sandbox import app, data, delivery, objects, query, reports

    for module in (app, data, delivery, objects, query, reports):
        for node in ast.walk(ast.parse(inspect.getsource(module))):
            if isinstance(node, ast.ImportFrom) and node.level == 2:  # from ..<client module> import ...
                assert (node.module, [a.name for a in node.names]) == ("clock", ["now"]), module.__name__


def hourly(params: dict) -> dict:
    return {"entity": "ads_reports_hourly", "action": "list", "params": {"metrics": ["spend"], **params}}


async def test_an_hourly_start_date_far_back_with_no_end_date_is_refused_before_any_request(env):
    text = await error_text(hourly({"start_date": "2020-01-01"}))
    assert text.startswith("invalid_params:") and "start_date 2020-01-01" in text and "31 days" in text
    assert "2020-01-31" in text  # the last end_date that fits, not "pass both dates"
    assert env.requests == []  # not even the time-zone lookup


async def test_the_same_in_hosted_mode_sends_nothing(monkeypatch, hosted_fake):
    airbyte_env(monkeypatch, hosted_fake.url)
    monkeypatch.setenv("TIKTOK_MARKETING_MODE", "hosted")
    text = await error_text(hourly({"start_date": "2020-01-01"}))
    assert text.startswith("invalid_params:") and "2020-01-31" in text
    assert hosted_fake.calls("/execute") == []


async def test_an_hourly_start_date_the_time_zone_decides_gets_a_fix_for_that_range(env, noon_utc):
    # 31 days before UTC today: within 31 days of yesterday at UTC-10, one day too many at the demo
    # advertiser (UTC+14, where yesterday is UTC today). Only the looked-up zone can tell.
    start = noon_utc.date() - dt.timedelta(days=31)
    text = await error_text(hourly({"start_date": str(start)}))
    assert text.startswith("invalid_params:") and "32 days" in text
    assert str(start + dt.timedelta(days=30)) in text and str(noon_utc.date() - dt.timedelta(days=30)) in text
    assert "explicitly" not in text
    assert [r["path"] for r in env.requests] == [PREFIX + "advertiser/info/"]  # no report request
    body = await ok(hourly({"start_date": str(start + dt.timedelta(days=1)), "end_date": str(start + dt.timedelta(days=2))}))
    assert body["meta"]["report_dates"]["start_date"] == str(start + dt.timedelta(days=1))


async def test_every_page_of_a_report_carries_the_same_report_dates(env, noon_utc):
    arguments = {"entity": "campaigns_reports_daily", "action": "list", "params": {"metrics": ["spend"]}, "limit": 5}
    _, metas = await all_rows(arguments, calls=200)
    assert len(metas) > 2
    local = noon_utc.date() + dt.timedelta(days=1)
    start, end = str(local - dt.timedelta(days=30)), str(local - dt.timedelta(days=1))
    expected = {"start_date": start, "end_date": end, "time_zone": "Pacific/Kiritimati"}
    assert [m["report_dates"] for m in metas] == [expected] * len(metas)


async def test_hosted_catalogs_send_bc_id_and_no_advertiser_id(monkeypatch, hosted_fake):
    airbyte_env(monkeypatch, hosted_fake.url)
    monkeypatch.setenv("TIKTOK_MARKETING_MODE", "hosted")
    monkeypatch.setenv("TIKTOK_MARKETING_ADVERTISER_ID", DEMO_ADVERTISER_ID)
    await ok({"entity": "catalogs", "action": "list", "params": {"bc_id": DEMO_BC_ID}})
    (execute,) = hosted_fake.calls("/execute")
    sent = json.loads(execute["body"])["params"]
    assert sent["bc_id"] == DEMO_BC_ID and "advertiser_id" not in sent


async def test_hosted_time_zones_are_cached_per_backend(hosted_fake):
    from mcp_server.backends.hosted import HostedBackend
    from mcp_server.settings import AirbyteSettings
    from mcp_server.connectors import REGISTRY
    from mcp_server.sandbox.hosted import demo_settings

    connector = REGISTRY["tiktok-marketing"]

    def hosted_backend() -> HostedBackend:
        airbyte = AirbyteSettings(**demo_settings(hosted_fake.url))
        return HostedBackend(connector, connector.load_settings(), airbyte, ClientOptions(retry_max_wait=0.01))

    def lookups() -> int:
        return sum(json.loads(r["body"])["entity"] == "advertisers" for r in hosted_fake.calls("/execute"))

    first, second = hosted_backend(), hosted_backend()
    await first.fetch(request("campaigns_reports_daily", {"metrics": ["spend"]}, page_size=5))
    await first.fetch(request("ads_reports_daily", {"metrics": ["spend"]}, page_size=5))
    assert lookups() == 1  # asked once per backend
    await second.fetch(request("campaigns_reports_daily", {"metrics": ["spend"]}, page_size=5))
    assert lookups() == 2  # another backend (server, workspace) asks for itself
    await first.aclose()
    await second.aclose()
