"""Compact records and the result-size cap, through a real MCP client against the fakes on sockets:
default fields when a call names none, `*` for the whole vendor record, defaults never sent to a
backend, the 0.3x size target against the vendor's own JSON, and the token cap with its exact cursor."""

from __future__ import annotations

import json

import httpx
import pytest
from fastmcp import Client

from mcp_server.connectors import REGISTRY
from mcp_server.server import build_server
from mcp_server.settings import ServerSettings
from mcp_server.shaping import CHARS_PER_TOKEN, compact_json, estimate_tokens
from tests.conftest import Fake, ToolCalls, airbyte_env

TIKTOK = ToolCalls("tiktok_marketing_execute", "tiktok-marketing")
LINKEDIN = ToolCalls("linkedin_ads_execute", "linkedin-ads")
TIKTOK_CATALOG = REGISTRY["tiktok-marketing"].catalog
WITH_DEFAULTS = [name for name, e in TIKTOK_CATALOG.entities.items() if e.actions["list"].default_fields]
REPORTS = [name for name in TIKTOK_CATALOG.entities if "_reports_" in name]
TIKTOK_IDS = {
    "advertisers": "advertiser_id", "campaigns": "campaign_id", "ad_groups": "adgroup_id", "ads": "ad_id",
    "audiences": "audience_id", "creative_assets_images": "image_id", "creative_assets_videos": "video_id",
    "catalogs": "catalog_id",
}  # fmt: skip


def defaults_of(entity: str) -> tuple[str, ...]:
    return TIKTOK_CATALOG.entities[entity].actions["list"].default_fields


def heads(fields: tuple[str, ...]) -> set[str]:
    return {f.partition(".")[0] for f in fields}


def vendor_records(fake: Fake, path_fragment: str, key: str) -> list[dict]:
    """The fake's raw answers (`data.list` or `elements`) to the list requests it logged, replayed as sent."""
    records = []
    for request in fake.calls(path_fragment):
        if request["method"] != "GET":
            continue
        headers = {k: v for k, v in request["headers"].items() if k.lower() not in ("host", "content-length")}
        reply = httpx.get(f"{fake.url}{request['path']}?{request['query']}", headers=headers).json()
        records += reply["data"]["list"] if key == "list" else reply["elements"]
    return records


# -- default fields, "*" and named fields ----------------------------------------------------------------


def test_every_tiktok_object_list_has_default_fields_and_reports_have_none():
    object_lists = [name for name in TIKTOK_CATALOG.entities if name not in REPORTS]
    assert sorted(WITH_DEFAULTS) == sorted(object_lists)
    for entity, id_field in TIKTOK_IDS.items():
        action = TIKTOK_CATALOG.entities[entity].actions["list"]
        assert id_field in action.default_fields, f"{entity} defaults drop its id"
        assert heads(action.default_fields) <= set(action.fields), f"{entity}: a default field is not a known field"
        assert len(action.default_fields) < len(action.fields)


@pytest.mark.parametrize("entity", WITH_DEFAULTS)
async def test_default_fields_when_none_named_and_star_gives_the_whole_vendor_record(direct_env, entity):
    tiktok = direct_env["tiktok-marketing"]
    default = await TIKTOK.ok({"entity": entity, "action": "list", "limit": 5})
    star_text = await TIKTOK.ok({"entity": entity, "action": "list", "limit": 5, "fields": "*"})
    tiktok.reset()
    whole = await TIKTOK.ok({"entity": entity, "action": "list", "limit": 5, "fields": ["*"]})
    endpoint = TIKTOK_CATALOG.entities[entity].summary.split("(")[1].rstrip(")")  # "Ads (ad/get/)"
    raw = vendor_records(tiktok, endpoint, "list")
    assert default["data"], f"{entity}: the fake holds no data, so this test would prove nothing"

    assert default["meta"]["fields"] == "default" and '["*"]' in default["meta"]["fields_hint"]
    assert whole["meta"]["fields"] == star_text["meta"]["fields"] == "all" and "fields_hint" not in whole["meta"]
    assert whole["data"] == star_text["data"]
    assert all(set(r) <= heads(defaults_of(entity)) for r in default["data"])
    assert all(set(r) > set(d) for r, d in zip(whole["data"], default["data"], strict=True))

    # "*" is the vendor's record as it arrived, every key and value of the fake's raw answer.
    assert whole["data"] == raw
    # The default record is the whole record cut down, never a value changed.
    for small, full in zip(default["data"], whole["data"], strict=True):
        for name, value in small.items():
            if isinstance(value, dict):
                assert all(full[name][k] == v for k, v in value.items())
            else:
                assert full[name] == value


async def test_named_fields_work_as_before_and_meta_names_them(direct_env):
    named = await TIKTOK.ok({"entity": "campaigns", "action": "list", "limit": 3, "fields": ["campaign_id", "budget"]})
    assert named["meta"]["fields"] == ["campaign_id", "budget"] and "fields_hint" not in named["meta"]
    assert named["data"] and all(set(r) == {"campaign_id", "budget"} for r in named["data"])


@pytest.mark.parametrize("entity", ["ads_reports_daily", "campaigns_reports_daily"])
async def test_report_rows_stay_whole_by_default(direct_env, entity):
    default = await TIKTOK.ok({"entity": entity, "action": "list", "limit": 5})
    whole = await TIKTOK.ok({"entity": entity, "action": "list", "limit": 5, "fields": ["*"]})
    assert default["data"] and default["data"] == whole["data"]
    assert default["meta"]["fields"] == "all" and "fields_hint" not in default["meta"]


async def test_star_in_linkedin_analytics_asks_for_the_default_metrics_not_a_metric_named_star(direct_env):
    linkedin = direct_env["linkedin-ads"]
    plain = await LINKEDIN.ok({"entity": "ad_campaign_analytics", "action": "list", "limit": 5})
    sent_plain = [r["query"] for r in linkedin.calls("/adAnalytics")]
    linkedin.reset()
    star = await LINKEDIN.ok({"entity": "ad_campaign_analytics", "action": "list", "limit": 5, "fields": ["*"]})
    sent_star = [r["query"] for r in linkedin.calls("/adAnalytics")]
    assert star["data"] == plain["data"] and sent_star == sent_plain
    assert all("*" not in q for q in sent_star)


HOSTED_CASES = [
    (TIKTOK, "TIKTOK_MARKETING_MODE", "ads", ["ad_id", "ad_name"]),
    (LINKEDIN, "LINKEDIN_ADS_MODE", "campaigns", ["id", "name"]),
]


@pytest.mark.parametrize("tool,mode_setting,entity,named", HOSTED_CASES)
async def test_hosted_gets_select_fields_only_for_named_fields(
    monkeypatch, direct_env, hosted_fake, tool, mode_setting, entity, named
):
    airbyte_env(monkeypatch, hosted_fake.url)
    monkeypatch.setenv(mode_setting, "hosted")
    default = await tool.ok({"entity": entity, "action": "list", "limit": 3})
    defaults = REGISTRY[tool.connector_id].catalog.entities[entity].actions["list"].default_fields
    assert default["meta"]["backend"] == "hosted" and default["meta"]["fields"] == "default" and default["data"]
    assert all(set(r) <= heads(defaults) and named[0] in r for r in default["data"])
    assert not json.loads(hosted_fake.calls("/execute")[-1]["body"]).get("select_fields")
    await tool.ok({"entity": entity, "action": "list", "limit": 3, "fields": named})
    assert json.loads(hosted_fake.calls("/execute")[-1]["body"])["select_fields"] == named


async def test_describe_lists_default_and_other_fields():
    async with Client(build_server(ServerSettings(demo=True))) as client:
        doc = (await client.call_tool("describe", {"connector": "tiktok-marketing", "entity": "ads"})).structured_content
        report = (await client.call_tool("describe", {"connector": "tiktok-marketing", "entity": "ads_reports_daily"}))
    listing = doc["actions"]["list"]
    assert listing["default_fields"] == list(defaults_of("ads"))
    assert "landing_page_url" in listing["fields"] and "landing_page_url" not in listing["default_fields"]
    assert "default_fields" not in report.structured_content["actions"]["list"]


# -- the size target: a default list is at most 0.3x the vendor's JSON for the same records ----------------

SIZE_CASES = [
    # tool, connector, entity, vendor path fragment, the vendor's list key, record id field
    (TIKTOK, "tiktok-marketing", "ads", "/ad/get/", "list", "ad_id"),
    (LINKEDIN, "linkedin-ads", "campaigns", "/adCampaigns", "elements", "id"),
]


@pytest.mark.parametrize("tool,connector_id,entity,path,key,id_field", SIZE_CASES)
async def test_a_default_25_record_list_is_under_a_third_of_the_vendor_json(
    direct_env, tool, connector_id, entity, path, key, id_field
):
    fake = direct_env[connector_id]
    result = await tool.ok({"entity": entity, "action": "list", "limit": 25})
    ids = [str(r[id_field]) for r in result["data"]]
    assert len(ids) == 25 and result["meta"]["fields"] == "default"

    raw = {str(r[id_field]): r for r in vendor_records(fake, path, key)}
    vendor = [raw[i] for i in ids]  # the same 25 records, as the vendor sent them
    ratio = len(compact_json(result["data"])) / len(compact_json(vendor))
    assert ratio <= 0.3, f"{connector_id} {entity}: default records are {ratio:.2f}x the vendor's JSON"


# -- the result-size cap, in estimated tokens ------------------------------------------------------------


async def walk_all(tool: ToolCalls, arguments: dict) -> tuple[list[dict], list[dict], list[str]]:
    records, metas, texts, cursor = [], [], [], None
    while True:
        result = await tool.call({**arguments, **({"cursor": cursor} if cursor else {})})
        assert not result.is_error, result.content[0].text
        body = result.structured_content
        records += body["data"]
        metas.append(body["meta"])
        texts.append(result.content[0].text)
        cursor = body["next_cursor"]
        if not cursor:
            return records, metas, texts


async def test_the_token_cap_setting_cuts_default_records_and_the_cursor_continues_exactly(monkeypatch, direct_env):
    arguments = {"entity": "ads", "action": "list", "limit": 1000}
    every, _, _ = await walk_all(TIKTOK, arguments)
    assert len(every) > 25

    monkeypatch.setenv("CONNECTOR_MCP_MAX_RESULT_TOKENS", "1000")
    records, metas, texts = await walk_all(TIKTOK, arguments)
    assert records == every  # nothing repeated, nothing skipped
    cut = [m for m in metas if any("result cut to" in w for w in m.get("warnings", []))]
    assert len(cut) >= 2
    assert all("1,000 tokens" in w and "CONNECTOR_MCP_MAX_RESULT_TOKENS" in w for m in cut for w in m["warnings"])
    assert all(estimate_tokens(text) <= 1000 for text in texts)  # envelope included


async def test_report_rows_cut_by_tokens_resume_by_key(monkeypatch, direct_env):
    arguments = {"entity": "ads_reports_daily", "action": "list", "limit": 40}
    every = (await TIKTOK.ok(arguments))["data"]
    monkeypatch.setenv("CONNECTOR_MCP_MAX_RESULT_TOKENS", "4000")
    first = await TIKTOK.ok(arguments)
    assert 0 < len(first["data"]) < len(every)
    assert any("result cut to" in w for w in first["meta"]["warnings"])
    monkeypatch.delenv("CONNECTOR_MCP_MAX_RESULT_TOKENS")
    rest = await TIKTOK.ok({**arguments, "cursor": first["next_cursor"]})
    assert first["data"] + rest["data"][: len(every) - len(first["data"])] == every
    assert len(compact_json(first)) <= 4000 * CHARS_PER_TOKEN


def test_the_token_cap_is_a_bounded_setting(monkeypatch):
    assert ServerSettings().max_result_tokens == 20_000
    monkeypatch.setenv("CONNECTOR_MCP_MAX_RESULT_TOKENS", "50000")
    assert ServerSettings().max_result_tokens == 50_000
    monkeypatch.setenv("CONNECTOR_MCP_MAX_RESULT_TOKENS", "10")
    with pytest.raises(ValueError):
        ServerSettings()
