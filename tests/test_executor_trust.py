"""The executor's promises, through a real MCP client against the LinkedIn fake on a socket:
a bounded number of vendor requests per call, reports resumed by key (not position), cursors
that survive a change of day, and argument mistakes that read like every other error."""

from __future__ import annotations

import datetime as dt

import pytest
from fastmcp import Client

from mcp_server.connectors.linkedin_ads.sandbox import create_app
from mcp_server.sandbox.serve import serve_in_thread
from mcp_server.server import build_server
from mcp_server.settings import ServerSettings
from tests.conftest import Fake, ToolCalls, point_at_fake

LINKEDIN = ToolCalls("linkedin_ads_execute", "linkedin-ads")


@pytest.fixture
def own_linkedin_fake(monkeypatch):
    """A LinkedIn fake of this test's own: tests here change its data."""
    app = create_app()
    with serve_in_thread(app) as url:
        point_at_fake(monkeypatch, "linkedin-ads", url)
        yield Fake(app, url)


def vendor_calls(fake: Fake) -> list[dict]:
    return [r for r in fake.requests if r["path"].startswith("/rest/")]


async def walk(arguments: dict, *, resend_params: bool = True) -> tuple[list[dict], list[dict]]:
    """Every record by following next_cursor, and each page's meta."""
    records, metas, cursor = [], [], None
    while True:
        args = dict(arguments)
        if cursor:
            args["cursor"] = cursor
            if not resend_params:
                args.pop("params", None)
        result = await LINKEDIN.ok(args)
        records += result["data"]
        metas.append(result["meta"])
        cursor = result["next_cursor"]
        if not cursor:
            return records, metas


async def test_a_call_stops_at_its_request_budget_and_the_cursor_finishes_the_list(monkeypatch, own_linkedin_fake):
    monkeypatch.setenv("CONNECTOR_MCP_MAX_REQUESTS_PER_CALL", "5")
    args = {"entity": "campaigns", "action": "list", "params": {"pageSize": 7}, "limit": 1000, "fields": ["id"]}
    first = await LINKEDIN.ok(args)
    assert len(own_linkedin_fake.requests) == 5  # the token exchange counts too
    pages = vendor_calls(own_linkedin_fake)
    assert first["next_cursor"] and len(first["data"]) == 7 * len(pages) == 28
    assert any("budget" in w and "incomplete" in w for w in first["meta"]["warnings"])

    own_linkedin_fake.reset()
    everything, metas = await walk(args)
    ids = [r["id"] for r in everything]
    assert len(ids) == len(set(ids))
    one_go = await LINKEDIN.ok({**args, "params": {"pageSize": 500}})
    assert sorted(ids) == sorted(r["id"] for r in one_go["data"]) and len(ids) > 28
    assert all(m.get("vendor_requests", 1) <= 5 for m in metas)


async def test_report_pages_resume_after_the_last_key_even_when_rows_vanish(own_linkedin_fake):
    args = {
        "entity": "ad_campaign_analytics",
        "action": "list",
        "params": {"timeGranularity": "ALL", "fields": ["impressions", "clicks"]},
    }
    full = (await LINKEDIN.ok({**args, "limit": 1000}))["data"]
    assert len(full) > 10
    first = await LINKEDIN.ok({**args, "limit": 5})
    assert first["data"] == full[:5]

    # A campaign already returned stops existing (deleted and purged) before the next page is read:
    # a cursor that counted positions would now skip a row.
    gone = int(full[1]["pivotValues"][0].rsplit(":", 1)[1])
    data = own_linkedin_fake.app.state.fake.data
    data.campaigns[:] = [c for c in data.campaigns if c["id"] != gone]
    rest = await LINKEDIN.ok({**args, "limit": 1000, "cursor": first["next_cursor"]})
    assert rest["data"] == full[5:]


async def test_a_cursor_with_default_dates_continues_the_same_query_the_next_day(monkeypatch, own_linkedin_fake):
    import mcp_server.connectors.linkedin_ads.analytics_params as analytics_params
    import mcp_server.params as params

    real_today = params.today()
    yesterday = real_today - dt.timedelta(days=1)
    for module in (params, analytics_params):
        monkeypatch.setattr(module, "today", lambda: yesterday)
    args = {"entity": "ad_campaign_analytics", "action": "list", "params": {"fields": "impressions"}, "limit": 40}
    first = await LINKEDIN.ok(args)
    frozen = first["meta"]["params"]["dateRange"]
    assert frozen["end"] == (yesterday - dt.timedelta(days=1)).isoformat() and first["next_cursor"]  # last_30d

    for module in (params, analytics_params):  # the agent comes back after midnight
        monkeypatch.setattr(module, "today", lambda: real_today)
    rest = await LINKEDIN.ok({**args, "limit": 1000, "cursor": first["next_cursor"]})
    assert rest["meta"]["params"]["dateRange"] == frozen
    rows = first["data"] + rest["data"]
    assert max(r["end_date"] for r in rows) <= yesterday.isoformat()
    keys = [(r["start_date"], tuple(r["pivotValues"])) for r in rows]
    assert len(keys) == len(set(keys))

    # Agents also copy meta.params back: the frozen, explicit range continues the query too.
    copied = await LINKEDIN.ok({**args, "params": first["meta"]["params"], "cursor": first["next_cursor"]})
    assert copied["data"] == rest["data"][: len(copied["data"])]

    changed = await LINKEDIN.call({**args, "params": {"fields": "clicks"}, "cursor": first["next_cursor"]})
    assert changed.is_error and "params fields differ" in changed.content[0].text


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        ({"action": "list"}, "entity"),
        ({"entity": "campaigns"}, "action"),
        ({}, "entity, action"),
        ({"entity": None, "action": "list"}, "entity"),
    ],
)
async def test_missing_entity_or_action_is_invalid_params_that_names_it(arguments, named):
    result = await LINKEDIN.call(arguments)
    text = result.content[0].text
    assert result.is_error and text.startswith(f"invalid_params: missing required argument(s) {named}.")
    assert "Fix:" in text and "internal_error" not in text


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({"connector": "tiktok"}, "invalid_params: unknown connector 'tiktok'. Fix: Use one of: linkedin-ads, tiktok-marketing."),
        ({"connector": "linkedin-ads", "entity": "campaing"}, "Fix: Did you mean 'campaigns'?"),
        ({}, "invalid_params: missing required argument connector. Fix:"),
        ({"connector": "tiktok-marketing", "entity": 3}, "invalid_params: entity must be a string, got int. Fix:"),
        ({"connector": "tiktok-marketing", "verbose": True}, "invalid_params: unknown argument(s) verbose. Fix:"),
    ],
)
async def test_describe_mistakes_read_like_every_other_error(arguments, expected):
    async with Client(build_server(ServerSettings(demo=True))) as client:
        result = await client.call_tool("describe", arguments, raise_on_error=False)
        assert result.is_error and expected in result.content[0].text
        assert "validation error" not in result.content[0].text and "pydantic" not in result.content[0].text
        still = await client.call_tool("describe", {"connector": "linkedin-ads", "entity": "campaigns"})
        assert still.structured_content["entity"] == "campaigns"


async def test_tiktok_meta_params_copied_back_with_the_cursor_continue_the_report(direct_env):
    tiktok = ToolCalls("tiktok_marketing_execute", "tiktok-marketing")
    args = {"entity": "ads_reports_daily", "action": "list", "params": {"date_preset": "last_7d"}, "limit": 5}
    first = await tiktok.ok(args)
    shown = first["meta"]["params"]
    assert "date_preset" not in shown and shown["start_date"] and first["next_cursor"]
    resent = await tiktok.ok({**args, "params": shown, "cursor": first["next_cursor"]})
    same = await tiktok.ok({**args, "cursor": first["next_cursor"]})
    assert resent["data"] == same["data"] and resent["data"]


async def test_a_report_cut_inside_its_first_page_continues_the_same_range_the_next_day(monkeypatch, direct_env):
    from tests.test_date_presets import freeze

    tiktok = ToolCalls("tiktok_marketing_execute", "tiktok-marketing")
    now = dt.datetime.now(dt.timezone.utc).replace(hour=12, minute=0, second=0, microsecond=0)
    args = {"entity": "campaigns_reports_daily", "action": "list", "params": {"date_preset": "last_7d"}, "limit": 1000}
    freeze(monkeypatch, now)
    whole = await tiktok.ok(args)
    monkeypatch.setenv("CONNECTOR_MCP_MAX_RESULT_TOKENS", "1000")
    first = await tiktok.ok(args)
    assert first["next_cursor"] and 0 < len(first["data"]) < len(whole["data"])
    assert "date_preset" not in first["meta"]["params"], "meta.params shows the dates the preset resolved to"

    freeze(monkeypatch, now + dt.timedelta(days=1))  # the agent comes back the next day, mid-page
    rows, cursor = list(first["data"]), first["next_cursor"]
    while cursor:
        more = await tiktok.ok({**args, "cursor": cursor})
        assert more["meta"]["params"]["start_date"] == first["meta"]["params"]["start_date"]
        rows += more["data"]
        cursor = more["next_cursor"]
    assert rows == whole["data"]


@pytest.mark.parametrize("mode", ["direct", "hosted"])
async def test_tiktok_advertiser_name_is_not_looked_up_past_the_budget(monkeypatch, direct_env, hosted_fake, mode):
    from tests.conftest import airbyte_env

    airbyte_env(monkeypatch, hosted_fake.url)
    monkeypatch.setenv("TIKTOK_MARKETING_MODE", mode)
    # direct: one report request; hosted: the token, the connector lookup and the report
    monkeypatch.setenv("CONNECTOR_MCP_MAX_REQUESTS_PER_CALL", "1" if mode == "direct" else "3")
    tiktok = ToolCalls("tiktok_marketing_execute", "tiktok-marketing")
    day = dt.date.today() - dt.timedelta(days=5)
    params = {"start_date": str(day), "end_date": str(day + dt.timedelta(days=1)), "metrics": ["spend"]}
    body = await tiktok.ok({"entity": "advertisers_reports_daily", "action": "list", "params": params})
    assert body["data"] and all(r["advertiser_name"] == r["advertiser_id"] for r in body["data"])
    assert any("budget" in w and "advertiser_name" in w for w in body["meta"]["warnings"])
    assert body["meta"].get("vendor_requests", 1) <= (1 if mode == "direct" else 3)


async def test_hosted_campaign_names_past_the_budget_say_so(monkeypatch, linkedin_fake, hosted_fake):
    from tests.conftest import airbyte_env

    point_at_fake(monkeypatch, "linkedin-ads", linkedin_fake.url)
    airbyte_env(monkeypatch, hosted_fake.url)
    monkeypatch.setenv("LINKEDIN_ADS_MODE", "hosted")
    monkeypatch.setenv("CONNECTOR_MCP_MAX_REQUESTS_PER_CALL", "3")  # token, connector lookup, the report
    params = {"campaigns": ["700678000"], "timeGranularity": "ALL"}
    body = await LINKEDIN.ok({"entity": "ad_campaign_analytics", "action": "list", "params": params})
    assert body["data"] and body["data"][0]["campaign_name"] == body["data"][0]["pivotValues"][0]
    assert any("request budget is spent" in w for w in body["meta"]["warnings"]), body["meta"]["warnings"]
