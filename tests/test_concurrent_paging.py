"""Concurrent page fetching (issue 11): TikTok numbers its pages, so once the first page tells how many
there are, the executor fetches the ones a call needs at once. Same records, same order, same cursors
as one page after another; never more requests than sequential paging or the call's budget."""

from __future__ import annotations

import copy
import datetime as dt
import time
from urllib.parse import parse_qs

import pytest
from fastmcp import Client

from mcp_server.connectors.tiktok_marketing.sandbox import DEMO_ADVERTISER_ID, create_app
from mcp_server.params import today
from mcp_server.sandbox.serve import serve_in_thread
from mcp_server.server import build_server
from mcp_server.settings import ServerSettings
from tests.conftest import Fake, follow_cursor, point_at_fake

TOOL = "tiktok_marketing_execute"
ADS = 2_500


@pytest.fixture(scope="module")
def big_fake():
    """A TikTok fake of its own whose advertiser has 2,500 ads (the shared one keeps its 40)."""
    app = create_app()
    ads = app.state.data.of("ads", DEMO_ADVERTISER_ID)
    template = [a for a in ads if not a["_deleted"]]
    for n in range(ADS - len(template)):  # 2,500 visible ads (deleted ones are not listed)
        clone = copy.deepcopy(template[n % len(template)])
        clone["ad_id"] = str(1_800_000_000_000_000_000 + n)
        clone["ad_name"] = f"{clone['ad_name']} #{n}"
        ads.append(clone)
    with serve_in_thread(app) as url:
        yield Fake(app, url)


@pytest.fixture
def fake(big_fake, monkeypatch):
    big_fake.reset()
    point_at_fake(monkeypatch, "tiktok-marketing", big_fake.url)
    return big_fake


async def chain(monkeypatch, arguments: dict, *, concurrency: int, cursor: str | None = None) -> list[dict]:
    """Every result of a cursor chain (from `cursor`), on one server built with this page concurrency."""
    monkeypatch.setenv("CONNECTOR_MCP_PAGE_CONCURRENCY", str(concurrency))
    async with Client(build_server(ServerSettings(connectors=["tiktok-marketing"]))) as client:
        return await follow_cursor(client, TOOL, arguments, cursor)


def pages_asked(fake) -> list[int]:
    return [int(parse_qs(r["query"])["page"][0]) for r in fake.calls("ad/get/")]


def ad_ids(results: list[dict]) -> list[str]:
    return [r["ad_id"] for result in results for r in result["data"]]


ADS_BY_100 = {"entity": "ads", "action": "list", "params": {"page_size": 100}, "fields": ["ad_id"], "limit": 1000}


async def test_same_ads_in_the_same_order_and_the_same_pages_as_one_after_another(fake, monkeypatch):
    sequential = await chain(monkeypatch, ADS_BY_100, concurrency=1)
    asked_sequentially = pages_asked(fake)
    fake.reset()
    concurrent = await chain(monkeypatch, ADS_BY_100, concurrency=8)
    ids = ad_ids(concurrent)
    assert len(ids) == ADS and len(set(ids)) == ADS
    assert ids == ad_ids(sequential)
    assert [len(r["data"]) for r in concurrent] == [len(r["data"]) for r in sequential] == [1000, 1000, 500]
    # no page fetched that sequential paging would not have fetched, none twice
    assert sorted(pages_asked(fake)) == sorted(asked_sequentially) == list(range(1, 26))


@pytest.mark.parametrize("limit", [250, 333, 999])
async def test_cursors_cut_mid_page_resume_exactly(fake, monkeypatch, limit):
    arguments = {**ADS_BY_100, "limit": limit}
    sequential = await chain(monkeypatch, arguments, concurrency=1)
    concurrent = await chain(monkeypatch, arguments, concurrency=8)
    assert [[r["ad_id"] for r in c["data"]] for c in concurrent] == [[r["ad_id"] for r in s["data"]] for s in sequential]
    assert len(ad_ids(concurrent)) == ADS


async def test_the_request_budget_holds_and_the_cursor_continues(fake, monkeypatch):
    monkeypatch.setenv("CONNECTOR_MCP_MAX_REQUESTS_PER_CALL", "5")
    arguments = {**ADS_BY_100, "params": {"page_size": 50}}
    monkeypatch.setenv("CONNECTOR_MCP_PAGE_CONCURRENCY", "8")
    async with Client(build_server(ServerSettings(connectors=["tiktok-marketing"]))) as client:
        first = (await client.call_tool(TOOL, arguments)).structured_content
    assert len(fake.calls("ad/get/")) == 5, "a call sent more requests than its budget"
    assert len(first["data"]) == 250 and first["next_cursor"]
    assert any("budget" in w for w in first["meta"]["warnings"])
    concurrent = [first, *await chain(monkeypatch, arguments, concurrency=8, cursor=first["next_cursor"])]
    sequential = await chain(monkeypatch, arguments, concurrency=1)
    assert ad_ids(concurrent) == ad_ids(sequential) and len(ad_ids(sequential)) == ADS


async def test_report_pages_and_date_chunks_come_back_as_sequential(fake, monkeypatch):
    params = {"start_date": str(today() - dt.timedelta(days=44)), "metrics": ["spend", "clicks"], "page_size": 20}
    arguments = {"entity": "campaigns_reports_daily", "action": "list", "params": params, "limit": 200}
    sequential = await chain(monkeypatch, arguments, concurrency=1)
    asked = len(fake.calls("report/integrated/get/"))
    fake.reset()
    concurrent = await chain(monkeypatch, arguments, concurrency=8)
    rows = [r for result in concurrent for r in result["data"]]
    assert rows and rows == [r for result in sequential for r in result["data"]]
    assert len({(r["campaign_id"], r["stat_time_day"]) for r in rows}) == len(rows)
    assert len(fake.calls("report/integrated/get/")) == asked


async def test_a_changed_total_between_pages_is_a_warning(fake, monkeypatch):
    """Page numbers shift when ads are added between pages; the vendor's total_number tells."""
    ads = fake.app.state.data.of("ads", DEMO_ADVERTISER_ID)
    extra = copy.deepcopy(ads[0]) | {"ad_id": "1899999999999999999"}
    original = fake.app.state.requests.record

    async def record_then_add(request):
        body = await original(request)
        if "ad/get/" in request.url.path and len(fake.calls("ad/get/")) == 2 and extra not in ads:
            ads.append(extra)  # arrives after the first page was counted
        return body

    fake.app.state.requests.record = record_then_add
    try:
        monkeypatch.setenv("CONNECTOR_MCP_PAGE_CONCURRENCY", "1")
        async with Client(build_server(ServerSettings(connectors=["tiktok-marketing"]))) as client:
            result = (await client.call_tool(TOOL, {**ADS_BY_100, "limit": 300})).structured_content
    finally:
        del fake.app.state.requests.record
        ads.remove(extra)
    assert any(f"from {ADS} to {ADS + 1}" in w for w in result["meta"]["warnings"]), result["meta"]


async def test_concurrent_pages_take_less_time(fake, monkeypatch):
    """10 pages at 50 ms each: one after another ≥ 0.5 s; concurrent (8) in two waves after the first page.
    A loose bound against a busy machine; `python -m bench` measures the real ratio."""
    fake.control("latency", {"seconds": 0.05})
    arguments = {**ADS_BY_100, "limit": 1000}

    async def timed(concurrency: int) -> float:
        monkeypatch.setenv("CONNECTOR_MCP_PAGE_CONCURRENCY", str(concurrency))
        async with Client(build_server(ServerSettings(connectors=["tiktok-marketing"]))) as client:
            started = time.perf_counter()
            result = await client.call_tool(TOOL, arguments)
            elapsed = time.perf_counter() - started
        assert len(result.structured_content["data"]) == 1000
        return elapsed

    await timed(8)  # warm-up: imports, first connections
    sequential = min([await timed(1) for _ in range(2)])
    concurrent = min([await timed(8) for _ in range(2)])
    assert sequential >= 0.5
    assert concurrent < 0.8 * sequential, (concurrent, sequential)
