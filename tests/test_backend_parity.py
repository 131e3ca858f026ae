"""The same tool call answers the same through the direct backend and the hosted (Airbyte) backend.

Direct mode talks to the vendor fakes; hosted mode talks to the Agent API fake, which runs its own
copies of the same (deterministic) vendor fakes, so records must match one for one, page by page.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastmcp import Client

from mcp_server.connectors import REGISTRY
from mcp_server.connectors.linkedin_ads.analytics import OWN_FACET
from mcp_server.connectors.linkedin_ads.analytics_params import PIVOTS
from mcp_server.connectors.linkedin_ads.sandbox import DEMO_ACCOUNT_ID
from mcp_server.server import build_server
from mcp_server.settings import ServerSettings

from tests.conftest import Fake, airbyte_env

BACKENDS = ("direct", "hosted")
CONNECTORS = ("tiktok-marketing", "linkedin-ads")
LISTS = [(cid, e) for cid in CONNECTORS for e, spec in REGISTRY[cid].catalog.entities.items() if "list" in spec.actions]
GETS = [(cid, e) for cid in CONNECTORS for e, spec in REGISTRY[cid].catalog.entities.items() if "get" in spec.actions]
# Params the hosted API cannot express for a default call, replaced by an equivalent both backends take.
SPECIAL_PARAMS: dict[str, dict[str, Any]] = {"ads_reports_lifetime": {"query_lifetime": False}}


@pytest.fixture
def both(monkeypatch, direct_env, hosted_server):
    """Vendor settings for direct mode and AIRBYTE_* for hosted; <PREFIX>_MODE picks per call."""
    hosted_server.control("reset")
    airbyte_env(monkeypatch, hosted_server.url)
    return Caller(monkeypatch, direct_env, hosted_server)


class Caller:
    def __init__(self, monkeypatch, vendor_fakes, hosted: Fake):
        self.monkeypatch, self.vendor_fakes, self.hosted = monkeypatch, vendor_fakes, hosted

    async def call(self, backend: str, connector_id: str, arguments: dict[str, Any]):
        connector = REGISTRY[connector_id]
        self.monkeypatch.setenv(connector.settings_cls.model_config["env_prefix"] + "MODE", backend)
        async with Client(build_server(ServerSettings())) as client:
            return await client.call_tool(connector.tool_name, arguments, raise_on_error=False)

    async def ok(self, backend: str, connector_id: str, arguments: dict[str, Any]) -> dict[str, Any]:
        result = await self.call(backend, connector_id, arguments)
        assert not result.is_error, f"{backend}: {result.content[0].text}"
        assert result.structured_content["meta"]["backend"] == backend
        return result.structured_content

    def fault(self, backend: str, connector_id: str, match: str, kind: str, times: int) -> None:
        if backend == "direct":
            self.vendor_fakes[connector_id].fault(match, kind, times)
        else:  # into the vendor fake behind the hosted connector
            self.hosted.fault(match, kind, times, connector=connector_id)


async def some_campaign_ids(both: Caller) -> list[str]:
    listed = await both.ok("direct", "linkedin-ads", {"entity": "campaigns", "action": "list", "limit": 3})
    return [str(r["id"]) for r in listed["data"]]


async def list_params(both: Caller, entity: str) -> dict[str, Any]:
    if entity in PIVOTS and PIVOTS[entity] not in OWN_FACET:
        # Hosted takes only the campaigns facet, in one URL: a few campaigns instead of the whole account.
        return {"campaigns": await some_campaign_ids(both)}
    return SPECIAL_PARAMS.get(entity, {})


@pytest.mark.parametrize("connector_id,entity", LISTS)
async def test_lists_return_the_same_records_page_by_page(both, connector_id, entity):
    arguments = {"entity": entity, "action": "list", "params": await list_params(both, entity), "limit": 3}
    pages = {}
    for backend in BACKENDS:
        first = await both.ok(backend, connector_id, arguments)
        second = None
        if first["next_cursor"]:
            second = await both.ok(backend, connector_id, {**arguments, "cursor": first["next_cursor"]})
        pages[backend] = (first["data"], bool(first["next_cursor"]), second and second["data"])
    assert pages["direct"][0], f"{entity}: the fakes hold no data, so this comparison would prove nothing"
    if entity in HOSTED_URN_NAMES:  # no targeting lookup through Airbyte: the name is the URN (test_report_names)
        pages = {b: tuple(_urn_named(p, HOSTED_URN_NAMES[entity]) if isinstance(p, list) else p for p in page)
                 for b, page in pages.items()}  # fmt: skip
    assert pages["hosted"] == pages["direct"]


HOSTED_URN_NAMES = {"ad_member_company_analytics": "company_name", "ad_member_country_analytics": "country_name",
                    "ad_member_job_title_analytics": "job_title_name", "ad_member_region_analytics": "region_name"}  # fmt: skip


def _urn_named(rows: list[dict], field: str) -> list[dict]:
    return [{**r, field: r["pivotValues"][0]} for r in rows]


@pytest.mark.parametrize("connector_id,entity", GETS)
async def test_gets_return_the_same_record(both, connector_id, entity):
    listed = await both.ok("direct", connector_id, {"entity": entity, "action": "list", "limit": 1})
    arguments = {"entity": entity, "action": "get", "params": {"id": listed["data"][0]["id"]}}
    direct = await both.ok("direct", connector_id, arguments)
    hosted = await both.ok("hosted", connector_id, arguments)
    assert hosted["data"] == direct["data"] == listed["data"]


async def test_fields_select_the_same_columns(both):
    arguments = {"entity": "campaigns", "action": "list", "fields": "campaign_id,campaign_name", "limit": 4}
    direct = await both.ok("direct", "tiktok-marketing", arguments)
    hosted = await both.ok("hosted", "tiktok-marketing", arguments)
    assert hosted["data"] == direct["data"]
    assert set(hosted["data"][0]) == {"campaign_id", "campaign_name"}
    sent = both.hosted.calls("/execute")[-1]["body"]
    assert '"select_fields":["campaign_id","campaign_name"]' in sent.replace(" ", "")


# -- errors map to the same kinds -------------------------------------------------------------------
ERRORS = [
    # connector, arguments, vendor fault (match, kind, times) or None, expected kind
    ("linkedin-ads", {"entity": "campaigns", "action": "get", "params": {"id": "1"}}, None, "not_found"),
    ("linkedin-ads", {"entity": "campaigns", "action": "list"}, ("adCampaigns", "rate_limited", 9), "rate_limited"),
    ("linkedin-ads", {"entity": "campaigns", "action": "list"}, ("adCampaigns", "forbidden", 1), "permission_denied"),
    ("linkedin-ads", {"entity": "campaigns", "action": "list"}, ("adCampaigns", "unavailable", 9), "vendor_unavailable"),
    ("linkedin-ads", {"entity": "campaigns", "action": "list", "params": {"nope": 1}}, None, "invalid_params"),
    ("tiktok-marketing", {"entity": "campaigns", "action": "list"}, ("campaign/get", "http_504", 9), "vendor_unavailable"),
    ("tiktok-marketing", {"entity": "ads", "action": "list", "params": {"page_size": 5000}}, None, "invalid_params"),
]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("connector_id,arguments,fault,kind", ERRORS)
async def test_errors_map_to_the_same_kinds(both, backend, connector_id, arguments, fault, kind):
    if fault:
        both.fault(backend, connector_id, *fault)
    result = await both.call(backend, connector_id, arguments)
    assert result.is_error
    assert result.content[0].text.startswith(f"{kind}:"), result.content[0].text


# -- what only one backend can do is said, not dropped ------------------------------------------------
@pytest.mark.parametrize(
    "connector_id,arguments,param",
    [
        ("tiktok-marketing", {"entity": "campaigns", "action": "list", "params": {"filtering": {"primary_status": "STATUS_ALL"}}}, "filtering"),
        ("tiktok-marketing", {"entity": "ads_reports_lifetime", "action": "list"}, "query_lifetime"),
        ("linkedin-ads", {"entity": "campaigns", "action": "list", "params": {"status": ["ACTIVE"]}}, "status"),
        ("linkedin-ads", {"entity": "ad_campaign_analytics", "action": "list", "params": {"accounts": DEMO_ACCOUNT_ID}}, "accounts"),
    ],
)
async def test_params_hosted_cannot_send_are_refused_not_dropped(both, connector_id, arguments, param):
    assert (await both.ok("direct", connector_id, arguments))["data"]
    before = len(both.hosted.calls("/execute"))
    result = await both.call("hosted", connector_id, arguments)
    assert result.is_error
    text = result.content[0].text
    assert text.startswith("invalid_params:") and param in text and "direct mode" in text
    assert len(both.hosted.calls("/execute")) == before  # refused before any hosted call


async def test_tiktok_errors_swallowed_by_airbyte_become_a_warning(both):
    both.fault("direct", "tiktok-marketing", "campaign/get", "40100", 9)
    direct = await both.call("direct", "tiktok-marketing", {"entity": "campaigns", "action": "list"})
    assert direct.is_error and direct.content[0].text.startswith("rate_limited:")
    both.fault("hosted", "tiktok-marketing", "campaign/get", "40100", 1)
    hosted = await both.ok("hosted", "tiktok-marketing", {"entity": "campaigns", "action": "list"})
    assert hosted["data"] == []
    assert any("hidden error" in w for w in hosted["meta"]["warnings"])


async def test_hosted_report_dates_are_explicit_and_chunked(both):
    params = {"start_date": "2026-01-01", "end_date": "2026-03-05"}  # 64 days: three 30-day TikTok spans
    await both.ok("hosted", "tiktok-marketing", {"entity": "campaigns_reports_daily", "action": "list", "params": params, "limit": 1000})
    reports = [r for r in both.hosted.vendor_requests("tiktok-marketing") if "report/integrated" in r["path"]]
    spans = [(q.split("start_date=")[1][:10], q.split("end_date=")[1][:10]) for q in (r["query"] for r in reports)]
    assert sorted(set(spans)) == [("2026-01-01", "2026-01-30"), ("2026-01-31", "2026-03-01"), ("2026-03-02", "2026-03-05")]
