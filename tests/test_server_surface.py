"""The agent-facing surface through an in-memory MCP client: tools, resources, describe,
argument errors. Snapshot of tools/list keeps the surface from changing by accident."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from fastmcp import Client
from fastmcp.exceptions import McpError

from mcp_server.connectors import REGISTRY
from mcp_server.server import build_server
from mcp_server.settings import ServerSettings
from mcp_server.shaping import CHARS_PER_TOKEN
from tests.conftest import CANARIES

SNAPSHOT = Path(__file__).parent / "snapshots" / "tools_list.json"
TOOLS = {c.tool_name: c for c in REGISTRY.values()}


def demo_server():
    return build_server(ServerSettings(demo=True))


@pytest.fixture(params=["current", "legacy"])
async def client(request):
    kwargs = {"mode": "legacy"} if request.param == "legacy" else {}
    async with Client(demo_server(), **kwargs) as c:
        yield c


async def test_tools_list_names_enums_annotations(client):
    tools = {t.name: t for t in await client.list_tools()}
    assert set(tools) == set(TOOLS) | {"describe", "ads_report", "apply_change"}  # --demo: writes on (the sandbox)
    apply = tools["apply_change"]
    assert apply.annotations.read_only_hint is False and apply.annotations.destructive_hint is True
    for name, connector in TOOLS.items():
        tool = tools[name]
        props = tool.input_schema["properties"]
        assert props["entity"]["enum"] == list(connector.catalog.entities)
        assert set(props["action"]["enum"]) == {a for e in connector.catalog.entities.values() for a in e.actions}
        assert props["params"]["type"] == ["object", "string"]  # an object, or a JSON string of one
        assert "null" not in json.dumps(tool.input_schema)  # optional = left out; no null variants to read
        assert tool.input_schema["required"] == ["entity", "action"]
        assert tool.annotations.read_only_hint is True
        assert tool.annotations.open_world_hint is True
        assert tool.annotations.destructive_hint is False
        assert 200 < len(tool.description) <= 2500, len(tool.description)
        assert tool.output_schema is None  # the description states the shape; results still carry structuredContent
    assert tools["describe"].annotations.read_only_hint is True
    report = tools["ads_report"]
    assert report.annotations.read_only_hint is True and report.annotations.destructive_hint is False
    assert report.input_schema["additionalProperties"] is False
    assert report.input_schema["properties"]["level"]["enum"] == ["account", "campaign_group", "campaign", "ad_group", "ad"]
    assert 200 < len(report.description) <= 2500, len(report.description)


async def test_tools_list_and_instructions_stay_small():
    """What every agent pays before its first call. Issue 11's target is 5,000 bytes; four tools measure ~6,800
    (BENCHMARKS.md says what bounds it: the entity enums, ads_report's arguments). This keeps it from growing."""
    # With writes on (here: --demo), apply_change adds ~600 bytes; an agent that cannot write never pays them.
    # LinkedIn's write actions add two write-only entities and create/delete to its enums (~115 bytes), paid for
    # by shorter texts (the params description, ads_report's), so the read-only surface stays at 7,000.
    for server, cap in ((build_server(ServerSettings(demo=True, writes=False)), 7_000), (demo_server(), 7_600)):
        async with Client(server) as c:
            tools = await c.list_tools()
            instructions = c.instructions or ""
        listed = json.dumps([t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in tools], separators=(",", ":"))
        assert len(listed.encode()) + len(instructions.encode()) <= cap


async def test_tools_list_matches_snapshot():
    async with Client(demo_server()) as c:
        tools = await c.list_tools()
    current = [t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in tools]
    if os.environ.get("UPDATE_SNAPSHOTS") or not SNAPSHOT.exists():
        SNAPSHOT.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n")
    assert current == json.loads(SNAPSHOT.read_text()), "tools/list changed: rerun with UPDATE_SNAPSHOTS=1 if intended"


async def test_resources_catalog_and_entity_template(client):
    resources = await client.list_resources()
    assert "connectors://catalog" in [str(r.uri) for r in resources]
    templates = await client.list_resource_templates()
    assert [t.uri_template for t in templates] == ["connectors://{connector}/{entity}"]

    catalog = json.loads((await client.read_resource("connectors://catalog"))[0].text)
    for connector in REGISTRY.values():
        entities = catalog["connectors"][connector.id]["entities"]
        assert set(entities) == set(connector.catalog.entities)

    doc = json.loads((await client.read_resource("connectors://tiktok-marketing/campaigns"))[0].text)
    listing = doc["actions"]["list"]
    assert listing["pagination"] == "page"
    assert "advertiser_id" in listing["params_schema"]["properties"]
    assert "campaign_id" in listing["fields"]

    with pytest.raises(McpError):
        await client.read_resource("connectors://tiktok-marketing/nope")
    with pytest.raises(McpError):
        await client.read_resource("connectors://nope/campaigns")


async def test_metrics_resource_and_describe_state_each_platforms_fields(client):
    """connectors://metrics and describe(connector) are derived from each connector's report declaration."""
    document = json.loads((await client.read_resource("connectors://metrics"))[0].text)
    for connector in REGISTRY.values():
        declared = connector.report
        for name, entry in document["metrics"].items():
            if "formula" in entry:  # a ratio: computed from summed bases, the same on every platform
                assert set(entry["from"]) <= set(document["metrics"])
                continue
            shown = entry["per_platform"][connector.id]
            if name in declared.metrics:
                assert shown == {"field": declared.metrics[name].field, "definition": declared.metrics[name].definition}
            else:
                assert shown is None
        assert document["conversions"][connector.id] == declared.conversions
        for level, natives in document["levels"].items():
            assert natives[connector.id] == (declared.levels[level].native if level in declared.levels else None)
        overview = (await client.call_tool("describe", {"connector": connector.id})).structured_content
        assert overview["ads_report"]["levels"] == {k: v.native for k, v in declared.levels.items()}
        assert overview["ads_report"]["metrics"]["clicks"].startswith(declared.metrics["clicks"].field + ":")
    assert document["metrics"]["clicks"]["per_platform"]["linkedin-ads"]["field"] == "clicks"  # not landingPageClicks


async def test_describe_matches_resources(client):
    for connector in REGISTRY.values():
        for entity in connector.catalog.entities:
            result = await client.call_tool("describe", {"connector": connector.id, "entity": entity})
            resource = json.loads((await client.read_resource(f"connectors://{connector.id}/{entity}"))[0].text)
            assert result.structured_content == resource
    overview = await client.call_tool("describe", {"connector": "linkedin-ads"})
    assert "accounts" in overview.structured_content["entities"]
    bad = await client.call_tool("describe", {"connector": "linkedin-ads", "entity": "campaing"}, raise_on_error=False)
    assert bad.is_error and "campaigns" in bad.content[0].text


BAD_CALLS = [
    ({"entity": "campaing", "action": "list"}, ["unknown entity", "Did you mean 'campaigns'"]),
    ({"entity": "campaigns", "action": "delete"}, ["no action 'delete'", "list"]),
    ({"entity": "campaigns", "action": "list", "params": "{not json"}, ["not valid JSON"]),
    ({"entity": "campaigns", "action": "list", "params": "[1, 2]"}, ["must be a JSON object"]),
    ({"entity": "campaigns", "action": "list", "params": {"advertiser": "1"}}, ["params.advertiser is not a parameter"]),
    ({"entity": "campaigns", "action": "list", "limit": 0}, ["limit must be"]),
    ({"entity": "campaigns", "action": "list", "limit": 100000}, ["limit must be"]),
    ({"entity": "campaigns", "action": "list", "cursor": "garbage"}, ["cursor is not valid"]),
    ({"entity": "campaigns", "action": "list", "fields": 12}, ["fields must be"]),
    ({"entity": "campaigns", "action": "list", "page": 2}, ["unknown argument(s) page"]),
    ({"entity": "campaigns_reports_daily", "action": "list", "params": {"start_date": "2026-13-40"}}, ["params.start_date"]),
]


@pytest.mark.parametrize("arguments,expected", BAD_CALLS)
async def test_bad_input_is_a_tool_error_and_never_reaches_the_vendor(direct_env, arguments, expected):
    fake = direct_env["tiktok-marketing"]
    async with Client(build_server()) as c:
        result = await c.call_tool("tiktok_marketing_execute", arguments, raise_on_error=False)
        assert result.is_error
        text = result.content[0].text
        assert text.startswith("invalid_params:"), text
        for fragment in expected:
            assert fragment in text, text
        assert "Traceback" not in text
        assert fake.requests == []
        # The server keeps serving after bad input.
        ok = await c.call_tool("tiktok_marketing_execute", {"entity": "campaigns", "action": "list", "limit": 1})
        assert not ok.is_error and len(ok.structured_content["data"]) == 1


async def test_params_as_json_string_equals_object(direct_env):
    async with Client(build_server()) as c:
        as_obj = await c.call_tool("tiktok_marketing_execute", {"entity": "ads", "action": "list", "limit": 3, "params": {"page_size": 3}})
        as_str = await c.call_tool("tiktok_marketing_execute", {"entity": "ads", "action": "list", "limit": 3, "params": '{"page_size": 3}'})
    assert as_obj.structured_content["data"] == as_str.structured_content["data"]
    assert json.loads(as_obj.content[0].text) == as_obj.structured_content


async def test_limit_cursor_and_fields_walk_every_record_once(direct_env):
    async with Client(build_server()) as c:
        everything = await c.call_tool("tiktok_marketing_execute", {"entity": "ads", "action": "list", "limit": 1000})
        all_ids = [r["ad_id"] for r in everything.structured_content["data"]]
        assert len(all_ids) > 20 and everything.structured_content["next_cursor"] is None

        seen, cursor = [], None
        while True:
            args = {"entity": "ads", "action": "list", "limit": 7, "fields": ["ad_id", "ad_name"]}
            if cursor:
                args["cursor"] = cursor
            page = (await c.call_tool("tiktok_marketing_execute", args)).structured_content
            assert all(set(r) <= {"ad_id", "ad_name"} for r in page["data"])
            seen += [r["ad_id"] for r in page["data"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
    assert seen == all_ids


async def test_cursor_from_another_entity_is_refused(direct_env):
    async with Client(build_server()) as c:
        first = await c.call_tool("tiktok_marketing_execute", {"entity": "ads", "action": "list", "limit": 2})
        cursor = first.structured_content["next_cursor"]
        wrong = await c.call_tool(
            "tiktok_marketing_execute", {"entity": "campaigns", "action": "list", "cursor": cursor}, raise_on_error=False
        )
    assert wrong.is_error and "cursor belongs to ads.list" in wrong.content[0].text


async def test_unknown_fields_are_reported_in_meta(direct_env):
    async with Client(build_server()) as c:
        result = await c.call_tool(
            "tiktok_marketing_execute", {"entity": "campaigns", "action": "list", "limit": 2, "fields": "campaign_id,campain_name"}
        )
    meta = result.structured_content["meta"]
    assert any("campain_name" in w for w in meta["warnings"])


async def test_not_configured_names_the_settings():
    async with Client(build_server()) as c:
        result = await c.call_tool("linkedin_ads_execute", {"entity": "accounts", "action": "list"}, raise_on_error=False)
    assert result.is_error
    text = result.content[0].text
    assert text.startswith("not_configured:")
    for name in ("LINKEDIN_ADS_REFRESH_TOKEN", "AIRBYTE_CLIENT_ID", "--demo"):
        assert name in text


async def test_invalid_setting_is_a_tool_error_not_a_crash(monkeypatch):
    monkeypatch.setenv("LINKEDIN_ADS_ACCESS_TOKEN", CANARIES["LINKEDIN_ADS_ACCESS_TOKEN"])
    monkeypatch.setenv("LINKEDIN_ADS_API_VERSION", "2026-06")
    async with Client(build_server()) as c:
        result = await c.call_tool("linkedin_ads_execute", {"entity": "accounts", "action": "list"}, raise_on_error=False)
    assert result.is_error and "LINKEDIN_ADS_API_VERSION" in result.content[0].text


async def test_connectors_setting_limits_what_is_served(monkeypatch):
    monkeypatch.setenv("CONNECTOR_MCP_CONNECTORS", "tiktok-marketing")
    async with Client(build_server()) as c:
        names = {t.name for t in await c.list_tools()}
    assert names == {"tiktok_marketing_execute", "describe", "ads_report"}  # the report serves any one platform too


async def test_demo_results_say_sandbox():
    async with Client(demo_server()) as c:
        result = await c.call_tool("tiktok_marketing_execute", {"entity": "campaigns", "action": "list", "limit": 2})
    assert result.structured_content["meta"]["sandbox"] is True
    assert result.structured_content["meta"]["backend"] == "direct"


async def test_oversized_result_is_cut_with_a_warning_and_the_cursor_continues_exactly():
    async with Client(demo_server()) as c:
        ids_only = await c.call_tool("linkedin_ads_execute", {"entity": "campaigns", "action": "list", "limit": 1000, "fields": "id"})
        every_id = [r["id"] for r in ids_only.structured_content["data"]]
        assert ids_only.structured_content["next_cursor"] is None and len(every_id) > 100

        seen, cursor, cuts = [], None, 0
        while True:
            args = {"entity": "campaigns", "action": "list", "limit": 1000, "fields": ["*"]}
            if cursor:
                args["cursor"] = cursor
            result = await c.call_tool("linkedin_ads_execute", args)
            # The whole text the agent reads, envelope included, stays under the default 20,000-token cap.
            assert len(result.content[0].text) <= 20_000 * CHARS_PER_TOKEN
            body = result.structured_content
            cuts += any("result cut to" in w for w in body["meta"].get("warnings", []))
            seen += [r["id"] for r in body["data"]]
            cursor = body["next_cursor"]
            if not cursor:
                break
    assert cuts >= 1
    assert seen == every_id
