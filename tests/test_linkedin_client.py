"""The direct LinkedIn backend against the LinkedIn fake over a real socket."""

from __future__ import annotations

import datetime as dt

import anyio
import httpx
import pytest

from mcp_server.backends.base import PageRequest
from mcp_server.connectors.linkedin_ads import CONNECTOR
from mcp_server.connectors.linkedin_ads.analytics_params import METRICS
from mcp_server.connectors.linkedin_ads.sandbox import DEMO_ACCESS_TOKEN, DEMO_ACCOUNT_ID
from mcp_server.errors import (
    AuthError,
    InvalidParams,
    NotFound,
    PermissionDenied,
    RateLimited,
    VendorError,
    VendorUnavailable,
)
from mcp_server.http import ClientOptions
from mcp_server.params import today
from mcp_server.validation import validate_params

MAIN = "urn:li:sponsoredAccount:" + DEMO_ACCOUNT_ID
FIRST_CAMPAIGN, FIRST_GROUP = 700678000, 600067800
FIRST_CREATIVE = "urn:li:sponsoredCreative:7006780000"


@pytest.fixture
def control(linkedin_fake):
    def post(what: str, body: dict | None = None) -> None:
        httpx.post(f"{linkedin_fake.url}/__sandbox__/{what}", json=body or {}).raise_for_status()

    return post


@pytest.fixture
def log(linkedin_fake):
    return linkedin_fake.requests


@pytest.fixture
async def make(linkedin_fake):
    made = []

    def build(**overrides):
        settings = CONNECTOR.load_settings(**{**CONNECTOR.sandbox_settings(linkedin_fake.url), **overrides})
        backend = CONNECTOR.direct(settings, ClientOptions(retry_max_wait=0.01, retry_attempts=3))
        made.append(backend)
        return backend

    yield build
    for backend in made:
        await backend.aclose()


async def fetch(backend, entity, action="list", params=None, *, state=None, page_size=25, fields=None):
    spec = CONNECTOR.catalog.entities[entity].actions[action]
    model = validate_params(entity, spec, params or {})
    return await backend.fetch(PageRequest(entity, action, model, state, page_size, fields))


ANALYTICS = "adAnalytics"  # the report's own requests; rows are named by lookups after them (test_report_names)


def api_calls(log, part=""):
    return [r for r in log if r["path"].startswith("/rest/") and part in r["path"]]


def token_calls(log):
    return [r for r in log if r["path"] == "/oauth/v2/accessToken"]


async def test_check(make):
    assert (await make().check()).startswith("token ok; 1+ account(s) visible, e.g. Northwind Demo Co (512345678)")


@pytest.mark.parametrize(
    ("entity", "action", "params", "key", "expected"),
    [
        ("accounts", "list", {}, "id", 512345678),
        ("accounts", "get", {"id": "urn:li:sponsoredAccount:523456789"}, "id", 523456789),
        ("account_users", "list", {}, "account", MAIN),
        ("campaign_groups", "list", {}, "id", FIRST_GROUP),
        ("campaign_groups", "get", {"id": FIRST_GROUP}, "id", FIRST_GROUP),
        ("campaigns", "list", {}, "id", FIRST_CAMPAIGN),
        ("campaigns", "get", {"id": f"urn:li:sponsoredCampaign:{FIRST_CAMPAIGN}"}, "id", FIRST_CAMPAIGN),
        ("creatives", "list", {}, "id", FIRST_CREATIVE),
        ("creatives", "get", {"id": FIRST_CREATIVE}, "id", FIRST_CREATIVE),
        ("conversions", "list", {}, "account", MAIN),
        ("conversions", "get", {"id": 810001}, "id", 810001),
        ("lead_forms", "list", {}, "owner", {"sponsoredAccount": MAIN}),
        ("lead_form_responses", "list", {}, "testLead", True),
    ],
)
async def test_every_entity(make, log, entity, action, params, key, expected):
    page = await fetch(make(), entity, action, params)
    assert page.records and page.records[0][key] == expected
    call = api_calls(log)[-1]
    assert call["headers"]["linkedin-version"] == "202606"
    assert call["headers"]["x-restli-protocol-version"] == "2.0.0"
    assert call["headers"]["authorization"].startswith("Bearer AQV")


@pytest.mark.parametrize("entity", [e for e in CONNECTOR.catalog.entities if e.endswith("_analytics")])
async def test_every_analytics_entity(make, log, entity):
    page = await fetch(make(), entity, params={"timeGranularity": "ALL"})
    assert page.records, entity
    row = page.records[0]
    assert row["start_date"] == (today() - dt.timedelta(days=30)).isoformat()  # last_30d: 30 whole days to yesterday
    assert row["end_date"] == (today() - dt.timedelta(days=1)).isoformat()
    assert isinstance(row["costInUsd"], float) and isinstance(row["impressions"], int) and row["pivotValues"]
    query = api_calls(log, ANALYTICS)[-1]["query"]
    assert f"accounts=List({MAIN.replace(':', '%3A')})" in query  # default facet: the default account


async def test_raw_request_for_filtered_campaigns(make, log):
    page = await fetch(make(), "campaigns", params={"status": ["active", "paused"], "campaignGroup": FIRST_GROUP})
    assert page.records and {r["status"] for r in page.records} <= {"ACTIVE", "PAUSED"}
    assert {r["campaignGroup"] for r in page.records} == {f"urn:li:sponsoredCampaignGroup:{FIRST_GROUP}"}
    call = api_calls(log)[-1]
    assert call["path"] == f"/rest/adAccounts/{DEMO_ACCOUNT_ID}/adCampaigns"
    assert call["query"] == (
        "q=search&search=(status:(values:List(ACTIVE,PAUSED)),"
        f"campaignGroup:(values:List(urn%3Ali%3AsponsoredCampaignGroup%3A{FIRST_GROUP})))&pageSize=25"
    )


async def test_raw_requests_for_creatives_and_lead_forms(make, log):
    backend = make()
    await fetch(backend, "creatives", params={"campaigns": [FIRST_CAMPAIGN], "intendedStatuses": "ACTIVE"})
    finder = api_calls(log)[-1]
    assert finder["headers"]["x-restli-method"] == "FINDER"
    assert finder["query"] == (
        f"q=criteria&campaigns=List(urn%3Ali%3AsponsoredCampaign%3A{FIRST_CAMPAIGN})&intendedStatuses=List(ACTIVE)&pageSize=25"
    )
    await fetch(backend, "creatives", "get", {"id": FIRST_CREATIVE})
    assert api_calls(log)[-1]["raw_path"].endswith("/creatives/urn%3Ali%3AsponsoredCreative%3A7006780000")
    await fetch(backend, "lead_form_responses", params={"account_id": DEMO_ACCOUNT_ID})
    assert api_calls(log)[-1]["query"] == (
        f"q=owner&owner=(sponsoredAccount:{MAIN.replace(':', '%3A')})&leadType=(leadType:SPONSORED)&start=0&count=25"
    )
    assert all("%25" not in r["query"] and "%28" not in r["query"] for r in api_calls(log))


async def test_accounts_search_without_default_account(make, log):
    page = await fetch(make(account_id=None), "accounts", params={"test": True})
    assert [a["name"] for a in page.records] == ["Sandbox Test Account"]
    assert api_calls(log)[-1]["query"] == (  # no status filter given: every status is asked for by name
        "q=search&search=(status:(values:List(ACTIVE,CANCELED,DRAFT,PENDING_DELETION,REMOVED)),test:true)&pageSize=25"
    )


async def test_account_users_without_any_account_lists_own_roles(make, log):
    page = await fetch(make(account_id=None), "account_users")
    assert page.records and api_calls(log)[-1]["query"].startswith("q=authenticatedUser&")


async def test_missing_account_is_invalid_params_before_any_request(make, log):
    with pytest.raises(InvalidParams) as err:
        await fetch(make(account_id=None), "campaigns")
    assert "account_id" in err.value.render() and "LINKEDIN_ADS_ACCOUNT_ID" in err.value.render()
    assert "accounts list" in err.value.render() and not log


async def follow(backend, entity, params=None, page_size=25):
    records, states, state = [], [], None
    while True:
        page = await fetch(backend, entity, params=params, state=state, page_size=page_size)
        records += page.records
        state = page.next_state
        if state is None:
            return records, states
        states.append(state)


async def test_cursor_pagination_across_pages(make, log):
    records, states = await follow(make(), "campaigns", page_size=50)
    assert len({r["id"] for r in records}) == len(records) == 120
    assert len(states) == 2 and all(set(s) == {"pageToken"} for s in states)
    assert [c["query"].split("pageSize=")[1][:2] for c in api_calls(log)] == ["50"] * 3
    assert "pageToken=" in api_calls(log)[1]["query"]


async def test_creatives_page_size_capped_at_100(make, log):
    records, states = await follow(make(), "creatives", page_size=1000)
    assert len(records) == 240 and len(states) == 2
    assert all("pageSize=100" in c["query"] for c in api_calls(log))


async def test_offset_pagination_across_pages(make, log):
    records, states = await follow(make(), "lead_form_responses", page_size=5)
    assert len({r["id"] for r in records}) == 12
    assert states == [{"start": 5}, {"start": 10}]
    assert [c["query"].split("&start=")[1] for c in api_calls(log)] == ["0&count=5", "5&count=5", "10&count=5"]


# -- tokens -----------------------------------------------------------------------------------------


async def test_refresh_shortly_before_expiry(make, log, control):
    control("config", {"access_token_ttl": 2})
    backend = make()
    await fetch(backend, "accounts")
    await anyio.sleep(1.2)  # past half the lifetime: refreshed before LinkedIn would refuse it
    await fetch(backend, "accounts")
    assert len(token_calls(log)) == 2 and len(api_calls(log)) == 2


async def test_refresh_once_on_expired_token(make, log, control):
    backend = make()
    await fetch(backend, "accounts")
    control("expire_tokens")
    page = await fetch(backend, "accounts")
    assert page.records and len(token_calls(log)) == 2 and len(api_calls(log)) == 3


async def test_second_401_is_final(make, log, control):
    backend = make()
    await fetch(backend, "accounts")
    control("faults", {"match": "/rest/adAccounts", "kind": "expired_token", "times": 2})
    with pytest.raises(AuthError):
        await fetch(backend, "accounts")
    assert len(token_calls(log)) == 2 and len(api_calls(log)) == 3


@pytest.mark.parametrize("expire_first", [False, True])
async def test_concurrent_callers_share_one_refresh(make, log, control, expire_first):
    backend = make()
    if expire_first:
        await fetch(backend, "accounts")
        control("expire_tokens")
    results = []

    async def one():
        results.append(await fetch(backend, "accounts"))

    async with anyio.create_task_group() as group:
        for _ in range(20):
            group.start_soon(one)
    assert len(results) == 20 and all(r.records for r in results)
    assert len(token_calls(log)) == (2 if expire_first else 1)


async def test_invalid_grant(make, control):
    control("config", {"refresh_token_valid": False})
    with pytest.raises(AuthError) as err:
        await fetch(make(), "accounts")
    text = err.value.render()
    assert "expired or revoked" in text and "365 days" in text and "AQX" not in text


async def test_wrong_client_secret(make):
    with pytest.raises(AuthError) as err:
        await fetch(make(client_secret="nope"), "accounts")
    assert "LINKEDIN_ADS_CLIENT_ID" in err.value.render() and "nope" not in err.value.render()


async def test_static_access_token(make, log, control):
    backend = make(access_token=DEMO_ACCESS_TOKEN, client_id=None, client_secret=None, refresh_token=None)
    assert (await fetch(backend, "accounts")).records and not token_calls(log)
    control("expire_tokens")
    with pytest.raises(AuthError) as err:
        await fetch(backend, "accounts")
    assert "LINKEDIN_ADS_ACCESS_TOKEN" in err.value.render() and DEMO_ACCESS_TOKEN not in err.value.render()


# -- errors -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["202511", "202512"])
async def test_sunset_version(make, version):
    with pytest.raises(VendorError) as err:
        await fetch(make(api_version=version), "accounts")
    text = err.value.render()
    assert f"{version}01 is not active" in text and "LINKEDIN_ADS_API_VERSION" in text and "202606" in text


@pytest.mark.parametrize(
    ("kind", "times", "error"),
    [
        ("throttled", 5, RateLimited),
        ("server_error", 5, VendorUnavailable),
        ("gateway_timeout", 5, VendorUnavailable),
        ("forbidden", 1, PermissionDenied),
    ],
)
async def test_vendor_failures(make, log, control, kind, times, error):
    control("faults", {"match": "adAccounts", "kind": kind, "times": times})
    with pytest.raises(error) as err:
        await fetch(make(), "accounts")
    assert len(api_calls(log)) == (3 if error.retryable else 1)
    if error is PermissionDenied:
        assert "r_ads_reporting" in err.value.render()


async def test_transient_failure_is_retried(make, control):
    control("faults", {"match": "adAccounts", "kind": "throttled", "times": 2})
    assert (await fetch(make(), "accounts")).records


async def test_not_found_and_bad_request(make):
    backend = make()
    with pytest.raises(NotFound):
        await fetch(backend, "campaigns", "get", {"id": 1})
    with pytest.raises(InvalidParams) as err:
        await fetch(backend, "ad_campaign_analytics", params={"fields": ["impressions", "bogusMetric"]})
    assert "fields: Invalid field 'bogusMetric'" in err.value.render()


# -- analytics --------------------------------------------------------------------------------------


async def test_more_than_18_metrics_are_chunked_and_merged(make, log):
    backend = make()
    metrics = [m for m in METRICS if m not in ("averageDwellTime", "audiencePenetration")][:40]
    many = await fetch(backend, "ad_campaign_analytics", params={"fields": metrics, "campaigns": [FIRST_CAMPAIGN]})
    calls = api_calls(log, ANALYTICS)
    assert len(calls) == 3
    for call in calls:
        fields = call["query"].split("fields=")[1].split(",")
        assert fields[:2] == ["dateRange", "pivotValues"] and len(fields) <= 20
    assert many.records and all(set(metrics) <= set(row) for row in many.records)
    few = await fetch(backend, "ad_campaign_analytics", params={"fields": ["clicks", "costInUsd"], "campaigns": [FIRST_CAMPAIGN]})
    assert [(r["clicks"], r["costInUsd"]) for r in few.records] == [(r["clicks"], r["costInUsd"]) for r in many.records]


async def test_tool_fields_push_down_metrics(make, log):
    page = await fetch(make(), "ad_campaign_analytics", fields=["start_date", "videoViews"])
    assert api_calls(log, ANALYTICS)[-1]["query"].endswith("fields=dateRange,pivotValues,videoViews")
    assert "videoViews" in page.records[0]


async def test_120_campaigns_are_batched_for_the_campaign_pivot(make, log):
    backend = make()
    ids = list(range(FIRST_CAMPAIGN, FIRST_CAMPAIGN + 120))
    params = {"campaigns": ids, "timeGranularity": "ALL", "fields": ["impressions"]}
    batched = await fetch(backend, "ad_campaign_analytics", params=params)
    counts = [c["query"].count("sponsoredCampaign%3A") for c in api_calls(log, ANALYTICS)]
    assert counts == [50, 50, 20] and all(c["method"] == "GET" for c in api_calls(log, ANALYTICS))
    whole = await fetch(backend, "ad_campaign_analytics", params={"timeGranularity": "ALL", "fields": ["impressions"]})
    assert batched.records == whole.records and len(whole.records) > 50


async def test_campaign_facet_is_batched_for_the_creative_pivot(make, log):
    backend = make()
    ids = list(range(FIRST_CAMPAIGN, FIRST_CAMPAIGN + 120))
    params = {"campaigns": ids, "timeGranularity": "ALL", "fields": ["impressions"]}
    batched = await fetch(backend, "ad_creative_analytics", params=params)
    assert [c["query"].count("sponsoredCampaign%3A") for c in api_calls(log, ANALYTICS)] == [50, 50, 20]
    whole = await fetch(backend, "ad_creative_analytics", params={"timeGranularity": "ALL", "fields": ["impressions"]})
    assert batched.records == whole.records and len({r["pivotValues"][0] for r in whole.records}) > 50


async def test_long_facet_lists_are_tunnelled_for_other_pivots(make, log):
    backend = make()
    ids = list(range(FIRST_CAMPAIGN, FIRST_CAMPAIGN + 120))
    page = await fetch(backend, "ad_member_country_analytics", params={"campaigns": ids, "timeGranularity": "ALL"})
    call = api_calls(log, ANALYTICS)[-1]
    assert call["method"] == "POST" and call["headers"]["x-http-method-override"] == "GET"
    assert call["headers"]["content-type"] == "application/x-www-form-urlencoded"
    assert call["query"] == "" and len(call["body"]) > 4000 and call["body"].startswith("q=analytics&pivot=MEMBER_COUNTRY_V2")
    whole = await fetch(backend, "ad_member_country_analytics", params={"timeGranularity": "ALL"})
    assert page.records == whole.records


async def test_414_answer_is_resent_tunnelled(make, log, control):
    control("faults", {"match": "adAnalytics", "kind": "uri_too_long", "times": 1})
    page = await fetch(make(), "ad_campaign_analytics", params={"campaigns": [FIRST_CAMPAIGN]})
    assert page.records and [c["method"] for c in api_calls(log, ANALYTICS)] == ["GET", "POST"]
    assert api_calls(log, ANALYTICS)[1]["body"] == api_calls(log, ANALYTICS)[0]["query"]


async def test_an_answer_at_the_row_cap_is_split_until_every_row_is_in(make, log):
    """The fake answers at most 15,000 rows, as LinkedIn does: 400 days of the demo account are more, so the
    range is split and asked again (tests/test_linkedin_row_cap.py covers the split in detail)."""
    start = (today() - dt.timedelta(days=399)).isoformat()
    page = await fetch(make(), "ad_campaign_analytics", params={"start_date": start, "fields": "impressions"})
    assert len(page.records) > 15_000 and "15,000" not in " ".join(page.meta.get("warnings", []))
    assert len(api_calls(log, "adAnalytics")) > 1


async def test_member_pivot_refuses_unsupported_metrics_locally(make, log):
    with pytest.raises(InvalidParams, match="approximateMemberReach"):
        await fetch(make(), "ad_member_seniority_analytics", params={"fields": ["approximateMemberReach"]})
    assert not api_calls(log)


async def test_reach_metrics_are_limited_to_92_days(make, log, linkedin_fake):
    long_range = {"start_date": (today() - dt.timedelta(days=92)).isoformat(), "fields": ["impressions", "approximateMemberReach"]}
    with pytest.raises(InvalidParams) as err:
        await fetch(make(), "ad_campaign_analytics", params=long_range)
    assert "approximateMemberReach" in err.value.message and "92 days" in err.value.message and not api_calls(log)
    page = await fetch(make(), "ad_campaign_analytics", params={**long_range, "start_date": (today() - dt.timedelta(days=91)).isoformat()})
    assert all(0 < r["approximateMemberReach"] <= r["impressions"] for r in page.records)
    # The fake refuses what LinkedIn refuses, so the local check cannot silently drift.
    start = today() - dt.timedelta(days=92)
    query = (
        f"q=analytics&pivot=CAMPAIGN&timeGranularity=ALL&dateRange=(start:(year:{start.year},month:{start.month},"
        f"day:{start.day}))&accounts=List({MAIN.replace(':', '%3A')})&fields=dateRange,pivotValues,approximateMemberReach"
    )
    reply = httpx.get(f"{linkedin_fake.url}/rest/adAnalytics?{query}", headers={
        "Authorization": f"Bearer {DEMO_ACCESS_TOKEN}", "LinkedIn-Version": "202606", "X-Restli-Protocol-Version": "2.0.0",
    })  # fmt: skip
    assert reply.status_code == 400 and "92 days" in reply.json()["message"]


async def test_analytics_need_a_facet_or_account(make, log):
    with pytest.raises(InvalidParams) as err:
        await fetch(make(account_id=None), "ad_campaign_analytics")
    assert "account_id" in err.value.message and "LINKEDIN_ADS_ACCOUNT_ID" in err.value.render()
    assert not log

