"""Junk arguments never break the server: each call ends in a result or a clear isError, never an
internal error, a protocol error or a traceback, and the server keeps serving."""

from __future__ import annotations

import itertools

import pytest
from fastmcp import Client

from mcp_server.server import build_server
from mcp_server.settings import ServerSettings

# A well-formed id the token cannot read (e.g. advertiser 0) is the vendor's to refuse.
KINDS = ("invalid_params:", "not_found:", "permission_denied:", "vendor_error:")
JUNK = [
    None, "", " ", 0, -1, 10**30, 3.7, float("inf"), True, [], {}, [[[]]], {"a": {"b": {"c": []}}},
    "null", "[]", "{}", '{"x": ', "\x00", "é" * 5000, "../../etc/passwd", "urn:li:sponsoredAccount:abc",
    "2026-02-30", ["1", 2, None], {"$ref": "#/"},
]  # fmt: skip
PARAM_JUNK = [
    {"advertiser_id": v} for v in JUNK
] + [{"start_date": v} for v in JUNK[:12]] + [{"account_id": v} for v in JUNK[:12]] + [
    {"dateRange": v} for v in JUNK[:12]
] + [{"campaigns": v} for v in JUNK[:12]] + [{"filtering": v} for v in JUNK[:12]] + [{"metrics": v} for v in JUNK[:12]]


def cases():
    tools = {
        "tiktok_marketing_execute": ["campaigns", "ads_reports_daily", "advertisers"],
        "linkedin_ads_execute": ["campaigns", "ad_campaign_analytics", "creatives"],
    }
    for tool, entities in tools.items():
        for entity in entities:
            for params in PARAM_JUNK:
                yield tool, {"entity": entity, "action": "list", "params": params, "limit": 2}
        for name, value in itertools.product(("entity", "action", "fields", "limit", "cursor", "params"), JUNK):
            yield tool, {"entity": "campaigns", "action": "list", name: value}


@pytest.mark.parametrize("chunk", range(4))
async def test_junk_arguments_give_clear_errors_and_the_server_keeps_serving(chunk):
    calls = [c for i, c in enumerate(cases()) if i % 4 == chunk]
    async with Client(build_server(ServerSettings(demo=True))) as client:
        for tool, arguments in calls:
            result = await client.call_tool(tool, arguments, raise_on_error=False)
            text = result.content[0].text if result.content else ""
            if result.is_error:
                assert text.startswith(KINDS), (arguments, text)
                assert "Traceback" not in text and "internal_error" not in text, (arguments, text)
            else:
                assert isinstance(result.structured_content["data"], list), arguments
        alive = await client.call_tool("tiktok_marketing_execute", {"entity": "ads", "action": "list", "limit": 1})
        assert len(alive.structured_content["data"]) == 1
