"""How much of the agent's context the server costs: tools/list and typical results."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os

import httpx
from fastmcp import Client

from mcp_server.connectors import REGISTRY
from mcp_server.sandbox.serve import serve_in_thread
from mcp_server.server import build_server
from mcp_server.settings import ServerSettings
from mcp_server.shaping import compact_json, estimate_tokens

# Airbyte's generated single-tool docstrings (reference/airbyte-hosted.md §8.8).
INCUMBENT = {"linkedin-ads": 34_657, "tiktok-marketing": 18_967}


async def main() -> None:
    async with Client(build_server(ServerSettings(demo=True))) as client:
        tools = await client.list_tools()
        total = 0
        print("tool                         description  whole tool JSON")
        for tool in tools:
            size = len(json.dumps(tool.model_dump(mode="json", by_alias=True, exclude_none=True)))
            total += size
            print(f"{tool.name:28} {len(tool.description or ''):11,}  {size:15,}")
        print(f"tools/list total: {total:,} chars (~{total // 4:,} tokens)")
        for connector, chars in INCUMBENT.items():
            print(f"  vs incumbent {connector} description alone: {chars:,} chars -> ours is {total / chars:.1%} of it")

        print("\nresult sizes (compact JSON text the agent reads):")
        cases = [
            ("tiktok_marketing_execute", {"entity": "campaigns", "action": "list", "limit": 25}),
            ("tiktok_marketing_execute", {"entity": "campaigns", "action": "list", "limit": 25, "fields": "campaign_id,campaign_name,operation_status"}),
            ("tiktok_marketing_execute", {"entity": "ads_reports_daily", "action": "list", "limit": 25}),
            ("tiktok_marketing_execute", {"entity": "ads_reports_daily", "action": "list", "limit": 25, "fields": "ad_id,stat_time_day,spend,clicks"}),
            ("linkedin_ads_execute", {"entity": "campaigns", "action": "list", "limit": 25}),
            ("linkedin_ads_execute", {"entity": "campaigns", "action": "list", "limit": 25, "fields": "id,name,status"}),
            ("linkedin_ads_execute", {"entity": "ad_campaign_analytics", "action": "list", "limit": 25}),
        ]
        for tool, args in cases:
            result = await client.call_tool(tool, args)
            text = result.content[0].text
            print(f"  {tool} {args['entity']:20} fields={'yes' if 'fields' in args else 'no ':3} "
                  f"{len(result.structured_content['data']):3} records {len(text):7,} chars")

    await default_fields_before_after()
    await against_vendor_json()


async def default_fields_before_after() -> None:
    """Per entity with default fields, 25 records: the whole record (fields ["*"]) vs the defaults."""
    print('\ndefault fields, limit 25: before = fields ["*"], after = no fields (data / whole text, ~tokens)')
    async with Client(build_server(ServerSettings(demo=True))) as client:
        for connector in REGISTRY.values():
            for name, entity in connector.catalog.entities.items():
                if not entity.actions["list"].default_fields:
                    continue
                sizes = []
                for fields in (["*"], None):
                    args = {"entity": name, "action": "list", "limit": 25, **({"fields": fields} if fields else {})}
                    result = await client.call_tool(connector.tool_name, args, raise_on_error=False)
                    if result.is_error:
                        break
                    text = result.content[0].text
                    data = result.structured_content["data"]
                    sizes.append((len(compact_json(data)), len(text), estimate_tokens(text)))
                if len(sizes) < 2:
                    print(f"  {connector.id:17} {name:24} (not available in the sandbox)")
                    continue
                (before, before_text, before_tokens), (after, after_text, after_tokens) = sizes
                print(f"  {connector.id:17} {name:24} {len(data):2} records {before:7,} -> {after:6,} chars data ({after / max(before, 1):4.0%}); "
                      f"text {before_text:7,} -> {after_text:6,} (~{before_tokens:,} -> ~{after_tokens:,} tokens)")


@contextlib.contextmanager
def fakes_on_sockets():
    """Both vendor fakes served on 127.0.0.1, and the direct-mode settings that aim the connectors at them."""
    saved = dict(os.environ)
    with contextlib.ExitStack() as stack:
        fakes = {}
        for connector in REGISTRY.values():
            app = connector.sandbox_app()
            url = stack.enter_context(serve_in_thread(app))
            prefix = connector.settings_cls.model_config["env_prefix"]
            for key, value in connector.sandbox_settings(url).items():
                os.environ[f"{prefix}{key.upper()}"] = str(value)
            fakes[connector.id] = (app, url)
        try:
            yield fakes
        finally:
            os.environ.clear()
            os.environ.update(saved)


async def against_vendor_json() -> None:
    """The issue's target: a default 25-record list is at most 0.3x the vendor's own JSON for those records."""
    print("\nvs the vendor's JSON for the same 25 records (target <= 0.30x):")
    cases = [("tiktok-marketing", "ads", "/ad/get/", "list", "ad_id"), ("linkedin-ads", "campaigns", "/adCampaigns", "elements", "id")]
    with fakes_on_sockets() as fakes:
        async with Client(build_server(ServerSettings())) as client:
            for connector_id, entity, path, key, id_field in cases:
                app, url = fakes[connector_id]
                app.state.requests.clear()
                result = await client.call_tool(REGISTRY[connector_id].tool_name, {"entity": entity, "action": "list", "limit": 25})
                data = result.structured_content["data"]
                raw = {}
                for request in [r for r in app.state.requests if path in r["path"] and r["method"] == "GET"]:
                    headers = {k: v for k, v in request["headers"].items() if k.lower() not in ("host", "content-length")}
                    reply = httpx.get(f"{url}{request['path']}?{request['query']}", headers=headers).json()
                    for record in reply["data"]["list"] if key == "list" else reply["elements"]:
                        raw[str(record[id_field])] = record
                vendor = [raw[str(r[id_field])] for r in data]
                ours, theirs = len(compact_json(data)), len(compact_json(vendor))
                print(f"  {connector_id:17} {entity:10} {len(data)} records: {ours:6,} chars vs vendor {theirs:6,} -> {ours / theirs:.2f}x")

if __name__ == "__main__":
    asyncio.run(main())
