"""How much of the agent's context the server costs: tools/list and typical results."""

from __future__ import annotations

import asyncio
import json

from fastmcp import Client

from mcp_server.server import build_server
from mcp_server.settings import ServerSettings

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


if __name__ == "__main__":
    asyncio.run(main())
