"""The report continuation cache (issue 11): a cursor chain through a LinkedIn analytics report (one vendor
answer, resumed by key) reads the rows the first call kept instead of re-running the report; a miss
re-runs it and continues exactly as before."""

from __future__ import annotations

import pytest
from fastmcp import Client

from mcp_server.server import build_server
from mcp_server.settings import ServerSettings
from tests.conftest import follow_cursor, point_at_fake

TOOL = "linkedin_ads_execute"
REPORT = {"entity": "ad_campaign_analytics", "action": "list", "params": {"timeGranularity": "DAILY"}, "limit": 40}


@pytest.fixture
def env(monkeypatch, linkedin_fake):
    point_at_fake(monkeypatch, "linkedin-ads", linkedin_fake.url)
    return linkedin_fake


def analytics_calls(fake) -> int:
    return len(fake.calls("adAnalytics"))


async def follow(client: Client, arguments: dict, cursor: str | None = None, *, pause: float = 0) -> list[dict]:
    return await follow_cursor(client, TOOL, arguments, cursor, pause=pause)


def rows(results: list[dict]) -> list[dict]:
    return [r for result in results for r in result["data"]]


def server() -> Client:
    return Client(build_server(ServerSettings(connectors=["linkedin-ads"])))


async def whole_report(env) -> list[dict]:
    async with server() as client:
        whole = rows(await follow(client, {**REPORT, "limit": 1000}))
    env.reset()
    return whole


async def test_a_cursor_chain_makes_one_analytics_request(env):
    whole = await whole_report(env)
    async with server() as client:
        chain = await follow(client, REPORT)
    assert len(chain) >= 3, "the report should need several pages at limit 40"
    assert analytics_calls(env) == 1, [r["query"] for r in env.calls("adAnalytics")]
    assert rows(chain) == whole
    assert all("vendor_requests" not in result["meta"] for result in chain[1:])


async def test_without_the_cache_every_page_reruns_the_report(env, monkeypatch):
    whole = await whole_report(env)
    monkeypatch.setenv("CONNECTOR_MCP_REPORT_CACHE_TTL", "0")
    async with server() as client:
        chain = await follow(client, {**REPORT, "limit": 250})
    assert len(chain) >= 3
    assert analytics_calls(env) == len(chain) and rows(chain) == whole


async def test_expired_rows_rerun_the_report_and_continue_exactly(env, monkeypatch):
    whole = await whole_report(env)
    monkeypatch.setenv("CONNECTOR_MCP_REPORT_CACHE_TTL", "0.2")
    async with server() as client:  # a few pages are enough to show each re-run continues exactly
        chain = await follow(client, {**REPORT, "limit": 250}, pause=0.3)
    assert len(chain) >= 3
    assert analytics_calls(env) == len(chain) and rows(chain) == whole


async def test_evicted_rows_rerun_the_report(env, monkeypatch):
    """Room for one report: two chains read in turn push each other out."""
    whole = await whole_report(env)
    monkeypatch.setenv("CONNECTOR_MCP_REPORT_CACHE_MAX_ENTRIES", "1")
    other = {**REPORT, "params": {"timeGranularity": "MONTHLY"}, "limit": 2}
    async with server() as client:
        first = await client.call_tool(TOOL, REPORT)
        first_other = await client.call_tool(TOOL, other)
        assert analytics_calls(env) == 2
        rest = await follow(client, REPORT, first.structured_content["next_cursor"])
        assert analytics_calls(env) == 3, "the evicted report was not re-run"
        rest_other = await follow(client, other, first_other.structured_content["next_cursor"])
    assert rows([first.structured_content, *rest]) == whole
    assert len(rows([first_other.structured_content, *rest_other])) > 2


async def test_other_params_fields_or_servers_miss(env):
    async with server() as client:
        first = (await client.call_tool(TOOL, REPORT)).structured_content
        cursor = first["next_cursor"]
        # other fields pushed down: another query to LinkedIn, so not these rows
        narrowed = await client.call_tool(TOOL, {**REPORT, "fields": ["start_date", "pivotValues", "clicks"], "cursor": cursor})
        assert analytics_calls(env) == 2
        assert set(narrowed.structured_content["data"][0]) <= {"start_date", "pivotValues", "clicks", "name"}
        other = await client.call_tool(TOOL, {**REPORT, "params": {"timeGranularity": "MONTHLY"}})
        assert analytics_calls(env) == 3 and other.structured_content["data"] != first["data"]
        await client.call_tool(TOOL, {**REPORT, "cursor": cursor})
        assert analytics_calls(env) == 3, "the first chain's rows were kept beside the others"
    # another server (its own backend, built from its own settings) never reads these rows
    async with server() as client:
        again = await client.call_tool(TOOL, {**REPORT, "cursor": cursor})
    assert analytics_calls(env) == 4
    assert again.structured_content["data"][0] != first["data"][0]
