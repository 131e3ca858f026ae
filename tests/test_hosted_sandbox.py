"""The hosted fake behaves like Airbyte's Agent API: declared params only, stale required defaults,
advertiser injection, TikTok errors swallowed, creation and OAuth rules (airbyte-hosted.md §5-§8)."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from mcp_server.backends.hosted import HostedBackend, HostedClient
from mcp_server.connectors import REGISTRY
from mcp_server.connectors.linkedin_ads.sandbox import DEMO_ACCOUNT_ID
from mcp_server.connectors.tiktok_marketing.sandbox import DEMO_ADVERTISER_ID
from mcp_server.errors import InvalidParams
from mcp_server.http import ClientOptions
from mcp_server.sandbox.hosted import demo_settings
from mcp_server.settings import AirbyteSettings



@pytest.fixture
async def client(hosted_fake):
    client = HostedClient(AirbyteSettings(**demo_settings(hosted_fake.url)), ClientOptions(retry_max_wait=0.01))
    yield client
    await client.aclose()


async def connector_id(client: HostedClient, connector_id: str) -> str:
    connector = REGISTRY[connector_id]
    return await client.connector_id(connector, connector.load_settings())


async def test_undeclared_params_are_dropped_and_stale_report_dates_filled_in(hosted_fake, client):
    cid = await connector_id(client, "tiktok-marketing")
    reply = await client.execute(cid, "campaigns_reports_daily", "list", {"filtering": "[]", "page_size": 5})
    query = parse_qs(hosted_fake.vendor_requests("tiktok-marketing")[-1]["query"])
    assert "filtering" not in query
    assert (query["start_date"], query["end_date"]) == (["2024-01-01"], ["2024-12-31"])
    assert query["advertiser_id"] == [DEMO_ADVERTISER_ID]  # injected from the connector's config
    assert json.loads(query["dimensions"][0]) == ["campaign_id", "stat_time_day"]
    # A year of daily rows breaks TikTok's 30-day rule; Airbyte hides TikTok's error as "no data".
    assert reply.result == [] and reply.connector_metadata == {"page_info": None}


async def test_advertiser_ids_are_injected_as_the_bare_configured_id(hosted_fake, client):
    # The agent SDK's scoping passes the config value through unchanged; TikTok wants a JSON array,
    # refuses the bare id inside an HTTP 200, and Airbyte turns that into an empty list.
    cid = await connector_id(client, "tiktok-marketing")
    reply = await client.execute(cid, "advertisers", "list", {})
    assert reply.result == [] and reply.connector_metadata == {"page_info": None}
    query = parse_qs(hosted_fake.vendor_requests("tiktok-marketing")[-1]["query"])
    assert query == {"advertiser_ids": [DEMO_ADVERTISER_ID]}  # optional page/page_size not sent
    explicit = await client.execute(cid, "advertisers", "list", {"advertiser_ids": json.dumps([DEMO_ADVERTISER_ID])})
    assert [r["advertiser_id"] for r in explicit.result] == [DEMO_ADVERTISER_ID]


async def test_linkedin_rest_li_strings_pass_through_literally(hosted_fake, client):
    cid = await connector_id(client, "linkedin-ads")
    await client.execute(cid, "ad_campaign_analytics", "list", {"campaigns": "List(urn%3Ali%3AsponsoredCampaign%3A700678000)"})
    sent = hosted_fake.vendor_requests("linkedin-ads")[-1]
    assert "dateRange=(start:(year:2024,month:1,day:1),end:(year:2024,month:12,day:31))" in sent["query"]
    assert "campaigns=List(urn%3Ali%3AsponsoredCampaign%3A700678000)" in sent["query"]
    assert "pivot=CAMPAIGN" in sent["query"] and sent["headers"]["linkedin-version"] == "202606"


@pytest.mark.parametrize(
    "params,text",
    [({}, "Missing required parameter 'campaigns'"), ({"campaigns": "List()", "timeGranularity": "WEEKLY"}, "timeGranularity")],
)
async def test_request_validation_is_a_422(client, params, text):
    cid = await connector_id(client, "linkedin-ads")
    with pytest.raises(InvalidParams) as caught:
        await client.execute(cid, "ad_campaign_analytics", "list", params)
    assert text in caught.value.message


async def test_select_fields_keeps_dot_paths(client):
    cid = await connector_id(client, "linkedin-ads")
    params = {"account_id": DEMO_ACCOUNT_ID, "pageSize": 2}
    reply = await client.execute(cid, "campaigns", "list", params, ["runSchedule.start", "missing"])
    assert reply.result and all(set(r) == {"runSchedule"} and set(r["runSchedule"]) == {"start"} for r in reply.result)


async def test_create_needs_a_connector_type_and_a_known_secret(client):
    with pytest.raises(InvalidParams) as caught:
        await client.create_connector({"name": "x", "credentials": {"access_token": "t"}})
    assert "connector_type, definition_id or source_template_id" in caught.value.message
    with pytest.raises(InvalidParams) as caught:
        await client.create_connector({"connector_type": "linkedin-ads", "server_side_oauth_secret_id": "sec_x", "replication_config": {"start_date": "2026-01-01"}})
    assert "Invalid secret_id" in caught.value.message


async def test_consent_can_answer_with_a_connector_id(hosted_fake, client):
    reply = await client.initiate_oauth({"connector_type": "Linkedin-Ads", "redirect_url": "https://app.example/cb"})
    consent = httpx.get(urlsplit(reply["consent_url"])._replace(scheme="http", netloc=hosted_fake.url[7:]).geturl() + "&style=connector_id")
    assert consent.status_code == 302
    created = parse_qs(urlsplit(consent.headers["location"]).query)["connector_id"][0]
    assert hosted_fake.app.state.store.connectors[created]["connector"] == "linkedin-ads"


@pytest.mark.parametrize("connector_id,text", [("tiktok-marketing", f'advertisers.list (advertiser_ids=["{DEMO_ADVERTISER_ID}"]) with 1 record'), ("linkedin-ads", "accounts.list (pageSize=1) with 1 record")])
async def test_backend_check_runs_the_preferred_check_op(hosted_fake, connector_id, text):
    connector = REGISTRY[connector_id]
    settings = connector.load_settings(**({"advertiser_id": DEMO_ADVERTISER_ID} if connector_id == "tiktok-marketing" else {}))
    backend = HostedBackend(connector, settings, AirbyteSettings(**demo_settings(hosted_fake.url)), ClientOptions(retry_max_wait=0.01))
    line = await backend.check()
    await backend.aclose()
    assert text in line and "\n" not in line
