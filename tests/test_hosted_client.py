"""HostedClient against the hosted fake over a real socket: token life cycle, organization routing,
connector lookup and the mapping of Airbyte's error replies."""

from __future__ import annotations

import anyio
import pytest

from mcp_server.backends import hosted as hosted_module
from mcp_server.backends.hosted import HostedClient
from mcp_server.connectors import REGISTRY
from mcp_server.errors import (
    AuthError,
    InvalidParams,
    NotConfigured,
    NotFound,
    PermissionDenied,
    RateLimited,
    VendorError,
    VendorUnavailable,
)
from mcp_server.http import ClientOptions
from mcp_server.sandbox.hosted import demo_settings
from mcp_server.settings import AirbyteSettings


TIKTOK = REGISTRY["tiktok-marketing"]
LINKEDIN = REGISTRY["linkedin-ads"]
OTHER_ORG = "0b7c1d2e-0000-4000-8000-000000000002"


def make_client(url: str, **overrides) -> HostedClient:
    return HostedClient(AirbyteSettings(**{**demo_settings(url), **overrides}), ClientOptions(retry_max_wait=0.01, retry_attempts=3))


async def first_connector_id(client: HostedClient, connector=TIKTOK) -> str:
    return await client.connector_id(connector, connector.load_settings())


# -- token ---------------------------------------------------------------------------------------
async def test_token_is_fetched_once_and_sent_as_bearer(hosted_fake):
    client = make_client(hosted_fake.url)
    connector_id = await first_connector_id(client)
    await client.execute(connector_id, "advertisers", "list", {})
    await client.execute(connector_id, "campaigns", "list", {"page_size": "2"})
    assert len(hosted_fake.calls("/token")) == 1
    token_body = hosted_fake.calls("/token")[0]["body"]
    assert '"client_id"' in token_body and '"client_secret"' in token_body
    executes = hosted_fake.calls("/execute")
    assert len(executes) == 2
    assert all(r["headers"]["authorization"].startswith("Bearer ey") for r in executes)  # JWT-looking
    assert "x-organization-id" not in executes[0]["headers"]
    await client.aclose()


async def test_token_is_refreshed_shortly_before_it_expires(hosted_fake, monkeypatch):
    hosted_fake.control("config", {"token_lifetime": 120})
    now = [1000.0]
    monkeypatch.setattr(hosted_module, "_now", lambda: now[0])
    client = make_client(hosted_fake.url)
    await client.list_connectors()
    now[0] += 50  # 120 s lifetime, 12 s margin: still fresh
    await client.list_connectors()
    assert len(hosted_fake.calls("/token")) == 1
    now[0] += 60  # 110 s: inside the margin
    await client.list_connectors()
    assert len(hosted_fake.calls("/token")) == 2
    await client.aclose()


async def test_concurrent_calls_share_one_token_fetch(hosted_fake):
    client = make_client(hosted_fake.url)
    async with anyio.create_task_group() as group:
        for _ in range(6):
            group.start_soon(client.list_connectors)
    assert len(hosted_fake.calls("/token")) == 1
    assert len(hosted_fake.calls("/integrations/connectors")) == 6
    await client.aclose()


async def test_a_401_refetches_the_token_once_and_retries(hosted_fake):
    client = make_client(hosted_fake.url)
    await client.list_connectors()
    hosted_fake.fault("/integrations/connectors", "token_expired")  # the fake forgets every issued token
    assert await client.list_connectors()
    assert len(hosted_fake.calls("/token")) == 2
    await client.aclose()


async def test_a_second_401_is_an_airbyte_auth_error(hosted_fake):
    client = make_client(hosted_fake.url)
    hosted_fake.fault("/integrations/connectors", "unauthorized", times=2)
    with pytest.raises(AuthError) as caught:
        await client.list_connectors()
    assert "Airbyte refused" in caught.value.message
    assert "AIRBYTE_CLIENT_ID" in caught.value.fix
    await client.aclose()


async def test_wrong_client_secret_is_an_auth_error_without_the_secret(hosted_fake):
    client = make_client(hosted_fake.url, client_secret="not-the-secret")
    with pytest.raises(AuthError) as caught:
        await client.list_connectors()
    assert "not-the-secret" not in caught.value.render()
    assert "Invalid client credentials" in caught.value.message
    await client.aclose()


async def test_missing_credentials_are_not_configured():
    client = HostedClient(AirbyteSettings(api_url="http://127.0.0.1:9"), ClientOptions(retry_max_wait=0.01))
    with pytest.raises(NotConfigured) as caught:
        await client.list_connectors()
    assert "AIRBYTE_CLIENT_ID" in caught.value.fix
    await client.aclose()


# -- organization --------------------------------------------------------------------------------
async def test_several_organizations_need_the_organization_header(hosted_fake):
    orgs = [hosted_fake.app.state.store.organizations[0], OTHER_ORG]
    hosted_fake.control("config", {"organizations": orgs})
    without = make_client(hosted_fake.url)
    with pytest.raises(PermissionDenied) as caught:
        await without.list_connectors()
    assert "X-Organization-Id" in caught.value.message
    assert "AIRBYTE_ORGANIZATION_ID" in caught.value.fix
    with_org = make_client(hosted_fake.url, organization_id=OTHER_ORG)
    assert await with_org.list_connectors()
    assert hosted_fake.requests[-1]["headers"]["x-organization-id"] == OTHER_ORG
    await without.aclose()
    await with_org.aclose()


# -- connector lookup ----------------------------------------------------------------------------
async def test_lookup_finds_the_one_connector_by_workspace_and_definition(hosted_fake):
    client = make_client(hosted_fake.url)
    connector_id = await first_connector_id(client, LINKEDIN)
    await first_connector_id(client, LINKEDIN)  # cached
    lookups = hosted_fake.calls("/integrations/connectors")
    assert len(lookups) == 1
    assert "workspace_name=default" in lookups[0]["query"]
    assert f"definition_id={LINKEDIN.airbyte_definition_id}" in lookups[0]["query"]
    assert hosted_fake.app.state.store.connectors[connector_id]["connector"] == "linkedin-ads"
    await client.aclose()


async def test_connector_id_setting_skips_the_lookup(hosted_fake):
    client = make_client(hosted_fake.url)
    settings = TIKTOK.load_settings(connector_id="fixed-id")
    assert await client.connector_id(TIKTOK, settings) == "fixed-id"
    assert hosted_fake.calls("/integrations/connectors") == []
    await client.aclose()


async def test_lookup_in_an_empty_workspace_names_workspace_and_fixes(hosted_fake):
    client = make_client(hosted_fake.url, workspace_name="acme")
    with pytest.raises(NotConfigured) as caught:
        await first_connector_id(client)
    assert "'acme'" in caught.value.message
    assert "TIKTOK_MARKETING_CONNECTOR_ID" in caught.value.fix
    assert "connector-mcp hosted create tiktok-marketing" in caught.value.fix
    await client.aclose()


async def test_two_connectors_of_one_type_are_ambiguous(hosted_fake):
    client = make_client(hosted_fake.url)
    await client.create_connector(
        {"connector_type": "Tiktok-Marketing", "name": "second", "credentials": {"access_token": "x" * 20}}
    )
    with pytest.raises(NotConfigured) as caught:
        await first_connector_id(client)
    assert "2 TikTok Marketing connectors" in caught.value.message
    assert "TIKTOK_MARKETING_CONNECTOR_ID" in caught.value.fix
    await client.aclose()


# -- error mapping -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kind,error,text",
    [
        ("validation", InvalidParams, "Airbyte rejected the request"),
        ("forbidden", PermissionDenied, "Airbyte denied access"),
        ("not_found", NotFound, "not found"),
        ("server_error", VendorUnavailable, "HTTP 500"),
        ("vendor_unauthorized", AuthError, "TikTok Marketing refused the credentials"),
        ("vendor_forbidden", PermissionDenied, "TikTok Marketing (via Airbyte) denied access"),
    ],
)
async def test_error_replies_map_to_error_kinds(hosted_fake, kind, error, text):
    client = make_client(hosted_fake.url)
    connector_id = await first_connector_id(client)
    hosted_fake.fault("/execute", kind, times=2)
    with pytest.raises(error) as caught:
        await client.execute(connector_id, "campaigns", "list", {}, vendor="TikTok Marketing")
    assert text in caught.value.message
    assert len(hosted_fake.calls("/execute")) <= 2  # a 401 re-fetches the token once; nothing else retries
    await client.aclose()


@pytest.mark.parametrize("kind", ["bad_gateway", "unavailable", "gateway_timeout", "rate_limited"])
async def test_retryable_replies_are_retried(hosted_fake, kind):
    client = make_client(hosted_fake.url)
    connector_id = await first_connector_id(client)
    hosted_fake.fault("/execute", kind, times=2)
    reply = await client.execute(connector_id, "campaigns", "list", {"page_size": "2"})
    assert len(reply.result) == 2
    assert len(hosted_fake.calls("/execute")) == 3
    await client.aclose()


@pytest.mark.parametrize("kind,error", [("unavailable", VendorUnavailable), ("gateway_timeout", VendorUnavailable), ("rate_limited", RateLimited)])
async def test_retryable_replies_give_up_after_the_attempts(hosted_fake, kind, error):
    client = make_client(hosted_fake.url)
    connector_id = await first_connector_id(client)
    hosted_fake.fault("/execute", kind, times=5)
    with pytest.raises(error):
        await client.execute(connector_id, "campaigns", "list", {})
    assert len(hosted_fake.calls("/execute")) == 3
    await client.aclose()


async def test_a_long_retry_after_fails_fast_and_says_how_long(hosted_fake):
    client = make_client(hosted_fake.url)
    connector_id = await first_connector_id(client)
    hosted_fake.fault("/execute", "rate_limited", times=5, retry_after=120)
    with pytest.raises(RateLimited) as caught:
        await client.execute(connector_id, "campaigns", "list", {})
    assert "120 s" in caught.value.fix
    assert len(hosted_fake.calls("/execute")) == 1
    await client.aclose()


async def test_unknown_connector_id_is_not_found(hosted_fake):
    client = make_client(hosted_fake.url)
    with pytest.raises(NotFound) as caught:
        await client.execute("no-such-connector", "campaigns", "list", {})
    assert "no-such-connector" in caught.value.message
    await client.aclose()
