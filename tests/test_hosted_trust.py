"""Hosted mode that cannot mislead: creates are never resent blindly, a timed-out execute is not re-run,
the health check fails on an empty answer, and account-wide demographics are summed across hosted requests.

All against the hosted fake on a real socket; assertions read the requests it (and the vendor fake behind
it) received."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import httpx
import pytest

from mcp_server.backends.base import PageRequest
from mcp_server.backends.hosted import HostedBackend, HostedClient
from mcp_server.cli import main
from mcp_server.connectors import REGISTRY
from mcp_server.connectors.linkedin_ads.analytics_params import AnalyticsParams
from mcp_server.connectors.tiktok_marketing.sandbox import DEMO_ACCESS_TOKEN, DEMO_ADVERTISER_ID
from mcp_server.errors import NetworkError, PermissionDenied, VendorError, VendorUnavailable
from mcp_server.http import ClientOptions
from mcp_server.sandbox.hosted import demo_settings
from mcp_server.settings import AirbyteSettings

from tests.conftest import ToolCalls, airbyte_env

TIKTOK = REGISTRY["tiktok-marketing"]
LINKEDIN = REGISTRY["linkedin-ads"]
CREATE_PATH = "/api/v1/integrations/connectors"


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    out, err = capsys.readouterr()
    return exited.value.code, out, err


def creates(fake) -> list[dict]:
    return [r for r in fake.requests if r["method"] == "POST" and r["path"] == CREATE_PATH]


def client_for(fake, transport: httpx.AsyncBaseTransport | None = None, **overrides) -> HostedClient:
    settings = AirbyteSettings(**{**demo_settings(fake.url), **overrides})
    return HostedClient(settings, ClientOptions(transport=transport, retry_max_wait=0.01, retry_attempts=3))


@pytest.fixture
def env(monkeypatch, hosted_fake):
    airbyte_env(monkeypatch, hosted_fake.url)
    monkeypatch.setenv("TIKTOK_MARKETING_ACCESS_TOKEN", DEMO_ACCESS_TOKEN)
    return hosted_fake


# -- 1. a create is sent again only when it certainly never left ---------------------------------
def test_create_under_a_dropped_connection_is_sent_once_and_says_to_look(env, capsys):
    env.fault("/integrations/connectors", "drop_after")  # Airbyte creates it, then the answer is lost
    before = len(env.app.state.store.connectors)
    code, out, err = run_cli(capsys, "hosted", "create", "tiktok-marketing", "--name", "Acme", "--start-date", "2026-01-01")
    assert code == 1 and out == ""
    assert len(creates(env)) == 1  # a naive retry would have made a second connector
    assert len(env.app.state.store.connectors) == before + 1
    assert "may or may not have been created" in err and "connector-mcp hosted list" in err
    assert DEMO_ACCESS_TOKEN not in err
    code, out, _ = run_cli(capsys, "hosted", "list", "tiktok-marketing")
    assert "Acme" in [c["name"] for c in json.loads(out)["connectors"]]


@pytest.mark.parametrize("kind", ["unavailable", "server_error", "rate_limited", "gateway_timeout"])
def test_create_answered_5xx_or_429_is_not_resent(env, capsys, kind):
    env.fault("/integrations/connectors", kind, times=5)
    code, _, err = run_cli(capsys, "hosted", "create", "tiktok-marketing", "--name", "Acme", "--start-date", "2026-01-01")
    assert code == 1
    assert len(creates(env)) == 1
    assert "may or may not have been created" in err and "hosted list" in err


def test_finish_under_a_dropped_connection_is_sent_once(env, capsys):
    code, out, _ = run_cli(capsys, "hosted", "oauth", "tiktok-marketing", "--redirect-url", "https://app.example/cb")
    consent = httpx.get(json.loads(out)["consent_url"])  # the user approves
    secret_id = parse_qs(consent.headers["location"].split("?", 1)[1])["secret_id"][0]
    env.fault("/integrations/connectors", "drop_after")
    code, _, err = run_cli(
        capsys, "hosted", "finish", "tiktok-marketing", "--secret-id", secret_id, "--name", "Acme", "--start-date", "2026-01-01"
    )  # fmt: skip
    assert code == 1 and len(creates(env)) == 1
    assert "may or may not have been created" in err


async def test_oauth_initiate_is_not_resent_after_a_lost_answer(hosted_fake):
    client = client_for(hosted_fake)
    hosted_fake.fault("/oauth/initiate", "drop_after")
    with pytest.raises(NetworkError) as caught:
        await client.initiate_oauth({"connector_type": "Tiktok-Marketing", "redirect_url": "https://app.example/cb"})
    await client.aclose()
    assert len(hosted_fake.calls("/oauth/initiate")) == 1
    assert not caught.value.retryable and "hosted list" in caught.value.fix


class RefuseFirstConnect(httpx.AsyncBaseTransport):
    """A real socket transport whose first connection attempt fails before any byte is sent."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.attempts: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.attempts.append(f"{request.method} {request.url.path}")
        if len(self.attempts) == 2:  # the create (the token came first)
            raise httpx.ConnectError("connection refused")
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


async def test_a_create_that_never_left_is_resent(hosted_fake):
    transport = RefuseFirstConnect()
    client = client_for(hosted_fake, transport)
    body = {"connector_type": "Tiktok-Marketing", "name": "Acme", "credentials": {"access_token": DEMO_ACCESS_TOKEN}}
    created = await client.create_connector({**body, "replication_config": {"start_date": "2026-01-01"}})
    await client.aclose()
    assert created["name"] == "Acme"
    assert transport.attempts.count(f"POST {CREATE_PATH}") == 2  # refused once, then sent
    assert len(creates(hosted_fake)) == 1  # and Airbyte saw it once


async def test_a_create_that_cannot_connect_at_all_says_nothing_was_sent():
    client = HostedClient(
        AirbyteSettings(**demo_settings("http://127.0.0.1:9")), ClientOptions(retry_max_wait=0.01, retry_attempts=2)
    )
    with pytest.raises(NetworkError) as caught:
        await client.create_connector({"connector_type": "Tiktok-Marketing", "name": "x"})
    await client.aclose()
    assert "could not reach" in caught.value.message and "may or may not" not in caught.value.message


# -- 2. execute: Airbyte's 300 s, and a timed-out report is not re-run ----------------------------
def test_hosted_timeout_defaults_to_airbytes_300_seconds_and_is_separate(monkeypatch):
    monkeypatch.setenv("CONNECTOR_MCP_TIMEOUT", "30")
    client = HostedClient(AirbyteSettings(**demo_settings("http://x")), ClientOptions(timeout=30))
    assert client._http.timeout.read == 300 and client._http.timeout.connect == 30
    monkeypatch.setenv("AIRBYTE_TIMEOUT", "120")
    assert AirbyteSettings().timeout == 120


async def test_a_timed_out_hosted_report_is_not_rerun(monkeypatch, hosted_fake):
    airbyte_env(monkeypatch, hosted_fake.url)
    monkeypatch.setenv("AIRBYTE_TIMEOUT", "0.5")
    monkeypatch.setenv("TIKTOK_MARKETING_MODE", "hosted")
    monkeypatch.setenv("TIKTOK_MARKETING_ADVERTISER_ID", DEMO_ADVERTISER_ID)
    hosted_fake.fault("/execute", "slow", seconds=1.5)
    text = await ToolCalls("tiktok_marketing_execute", "tiktok-marketing").error_text(
        {"entity": "campaigns_reports_daily", "action": "list", "params": {"start_date": "2026-01-01", "end_date": "2026-01-10"}}
    )
    assert len(hosted_fake.calls("/execute")) == 1  # not resent by the client
    assert text.startswith("network_error:")
    assert "may still be running on Airbyte's side" in text and "shorter date range" in text
    assert "AIRBYTE_TIMEOUT" in text


async def test_execute_still_retries_a_503_and_a_connect_error(hosted_fake):
    client = client_for(hosted_fake)
    cid = await client.connector_id(TIKTOK, TIKTOK.load_settings())
    hosted_fake.fault("/execute", "unavailable")
    reply = await client.execute(cid, "campaigns", "list", {"page_size": 2})
    assert reply.result and len(hosted_fake.calls("/execute")) == 2
    await client.aclose()

    class RefuseExecuteOnce(RefuseFirstConnect):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            self.attempts.append(request.url.path)
            if request.url.path.endswith("/execute") and self.attempts.count(request.url.path) == 1:
                raise httpx.ConnectTimeout("connect timed out")
            return await self.inner.handle_async_request(request)

    client = client_for(hosted_fake, RefuseExecuteOnce())
    assert (await client.execute(cid, "campaigns", "list", {"page_size": 2})).result
    assert len(hosted_fake.calls("/execute")) == 3
    await client.aclose()


async def test_a_dropped_execute_answer_is_retried_but_a_503_after_three_fails(hosted_fake):
    client = client_for(hosted_fake)
    cid = await client.connector_id(TIKTOK, TIKTOK.load_settings())
    hosted_fake.fault("/execute", "unavailable", times=3)
    with pytest.raises(VendorUnavailable):
        await client.execute(cid, "campaigns", "list", {})
    assert len(hosted_fake.calls("/execute")) == 3
    await client.aclose()


# -- 3. the health check cannot report an empty answer as healthy ---------------------------------
def backend_for(fake, connector, **settings) -> HostedBackend:
    airbyte = AirbyteSettings(**demo_settings(fake.url))
    return HostedBackend(connector, connector.load_settings(**settings), airbyte, ClientOptions(retry_max_wait=0.01))


async def test_tiktok_check_asks_for_the_configured_advertiser(hosted_fake):
    backend = backend_for(hosted_fake, TIKTOK, advertiser_id=DEMO_ADVERTISER_ID)
    line = await backend.check()
    await backend.aclose()
    assert "with 1 record" in line
    sent = parse_qs(hosted_fake.vendor_requests("tiktok-marketing")[-1]["query"])
    assert sent["advertiser_ids"] == [json.dumps([DEMO_ADVERTISER_ID])]


async def test_tiktok_check_without_an_advertiser_fails_instead_of_passing_empty(hosted_fake):
    backend = backend_for(hosted_fake, TIKTOK)
    with pytest.raises(VendorError) as caught:
        await backend.check()
    await backend.aclose()
    # Airbyte filled advertiser_ids with the bare configured id; TikTok refused it inside an HTTP 200.
    assert parse_qs(hosted_fake.vendor_requests("tiktok-marketing")[-1]["query"])["advertiser_ids"] == [DEMO_ADVERTISER_ID]
    assert "TIKTOK_MARKETING_ADVERTISER_ID" in caught.value.fix
    assert "empty list" in caught.value.message


@pytest.mark.parametrize("code", ["40105", "40100", "40001"])
async def test_tiktok_check_fails_when_airbyte_swallows_a_tiktok_error(hosted_fake, code):
    hosted_fake.fault("advertiser/info", code, connector="tiktok-marketing")
    backend = backend_for(hosted_fake, TIKTOK, advertiser_id=DEMO_ADVERTISER_ID)
    with pytest.raises(VendorError) as caught:
        await backend.check()
    await backend.aclose()
    assert DEMO_ADVERTISER_ID in caught.value.message and "not an empty account" in caught.value.message


async def test_linkedin_check_reads_the_configured_account(hosted_fake):
    backend = backend_for(hosted_fake, LINKEDIN, account_id="urn:li:sponsoredAccount:" + _demo_account())
    line = await backend.check()
    assert f"accounts.get (id={_demo_account()}) with 1 record" in line
    hosted_fake.fault("adAccounts", "forbidden", connector="linkedin-ads")
    with pytest.raises(PermissionDenied):
        await backend.check()
    await backend.aclose()


def test_cli_check_in_hosted_demo_is_ok_for_both(capsys):
    code, out, _ = run_cli(capsys, "--demo", "--hosted", "check")
    assert code == 0, out
    assert "tiktok-marketing: ok (hosted)" in out and "advertiser_ids=" in out
    assert "linkedin-ads: ok (hosted)" in out


def _demo_account() -> str:
    return str(LINKEDIN.sandbox_settings("http://x")["account_id"])


# -- 4. account-wide demographics: several hosted requests, additive metrics summed ----------------
@pytest.fixture
def both(monkeypatch, linkedin_fake, hosted_fake):
    """LinkedIn direct against its fake, or hosted against the Agent API fake; LINKEDIN_ADS_MODE picks."""
    from tests.conftest import point_at_fake

    point_at_fake(monkeypatch, "linkedin-ads", linkedin_fake.url)
    airbyte_env(monkeypatch, hosted_fake.url)

    async def call(mode: str, arguments: dict, *, ok: bool = True):
        monkeypatch.setenv("LINKEDIN_ADS_MODE", mode)
        calls = ToolCalls("linkedin_ads_execute", "linkedin-ads")
        return await (calls.ok(arguments) if ok else calls.error_text(arguments))

    return call


def hosted_campaign_batches(hosted_fake) -> list[list[str]]:
    """The campaigns facet of every analytics request the hosted fake passed to LinkedIn."""
    batches = []
    for request in hosted_fake.vendor_requests("linkedin-ads"):
        if request["path"].endswith("/adAnalytics"):
            raw = dict(part.split("=", 1) for part in request["query"].split("&"))["campaigns"]
            assert len(raw) <= 4096 - 1000  # well inside LinkedIn's 4 KB query limit
            batches.append(raw.removeprefix("List(").removesuffix(")").split(","))
    return batches


def by_key(rows: list[dict]) -> dict[tuple, dict]:
    return {(r["start_date"], r["end_date"], tuple(r["pivotValues"])): r for r in rows}


@pytest.mark.parametrize("entity", ["ad_member_company_analytics", "ad_member_seniority_analytics", "ad_impression_device_analytics"])
async def test_default_account_wide_report_works_in_hosted_mode_and_sums_to_direct(both, hosted_fake, entity):
    arguments = {"entity": entity, "action": "list", "params": {"timeGranularity": "ALL"}, "limit": 1000}
    hosted = await both("hosted", arguments)
    direct = await both("direct", arguments)
    batches = hosted_campaign_batches(hosted_fake)
    assert len(batches) >= 2  # one request could not carry the account's campaigns
    every = [urn for batch in batches for urn in batch]
    assert len(every) == len(set(every)) > 100  # each campaign in exactly one batch
    assert any("adds up" in w and f"{len(batches)} requests" in w for w in hosted["meta"]["warnings"])
    hosted_rows, direct_rows = by_key(hosted["data"]), by_key(direct["data"])
    assert hosted_rows and hosted_rows.keys() == direct_rows.keys()
    for key, row in hosted_rows.items():
        assert row.keys() == direct_rows[key].keys()  # the same shape as direct mode
        for metric, value in row.items():
            if metric.endswith("_name"):  # hosted mode has no targeting lookup: a name or the URN (test_report_names)
                assert value in (direct_rows[key][metric], key[2][0])
            elif metric in ("start_date", "end_date", "pivotValues"):
                assert value == direct_rows[key][metric]
            else:  # the fake rounds each request's sums, as LinkedIn rounds each answer
                assert value == pytest.approx(direct_rows[key][metric], abs=len(batches) * 0.5 + 0.01), (key, metric)
    assert sum(r["impressions"] for r in hosted["data"]) == pytest.approx(
        sum(r["impressions"] for r in direct["data"]), abs=len(hosted_rows) * len(batches)
    )


async def test_non_additive_metrics_are_left_out_with_a_warning(both, hosted_fake):
    arguments = {
        "entity": "ad_member_industry_analytics", "action": "list",
        "params": {"timeGranularity": "MONTHLY", "fields": ["impressions", "averageDwellTime", "clicks"]},
    }  # fmt: skip
    hosted = await both("hosted", arguments)
    assert hosted["data"] and all(
        set(r) == {"start_date", "end_date", "pivotValues", "industry_name", "impressions", "clicks"} for r in hosted["data"]
    )
    assert any(w.startswith("averageDwellTime left out") for w in hosted["meta"]["warnings"])
    sent = [r["query"] for r in hosted_fake.vendor_requests("linkedin-ads") if r["path"].endswith("/adAnalytics")]
    assert sent and not any("averageDwellTime" in q for q in sent)
    only = await both("hosted", {**arguments, "params": {"fields": ["averageDwellTime"]}}, ok=False)
    assert only.startswith("invalid_params:") and "averageDwellTime" in only and "direct mode" in only


async def test_a_long_explicit_campaign_list_is_split_too(both, hosted_fake):
    listed = await both("direct", {"entity": "campaigns", "action": "list", "limit": 100, "fields": "id"})
    ids = [str(r["id"]) for r in listed["data"]]
    arguments = {"entity": "ad_member_job_function_analytics", "action": "list",
                 "params": {"campaigns": ids, "timeGranularity": "ALL"}, "limit": 1000}  # fmt: skip
    hosted = await both("hosted", arguments)
    direct = await both("direct", arguments)
    batches = hosted_campaign_batches(hosted_fake)
    assert len(batches) >= 2 and sorted(u.rsplit("%3A", 1)[1] for b in batches for u in b) == sorted(ids)
    assert by_key(hosted["data"]).keys() == by_key(direct["data"]).keys()
    assert any(f"these {len(ids)} campaigns" in w for w in hosted["meta"]["warnings"])


async def test_a_short_account_report_stays_one_request(both, hosted_fake):
    listed = await both("direct", {"entity": "campaigns", "action": "list", "limit": 5, "fields": "id"})
    arguments = {"entity": "ad_member_country_analytics", "action": "list",
                 "params": {"campaigns": [str(r["id"]) for r in listed["data"]]}}  # fmt: skip
    hosted = await both("hosted", arguments)
    assert len(hosted_campaign_batches(hosted_fake)) == 1
    assert not any("adds up" in w for w in hosted["meta"].get("warnings", []))


def executes(hosted_fake) -> list[dict]:
    return [r for r in hosted_fake.requests if r["path"].endswith("/execute")]


async def test_all_non_additive_metrics_over_an_explicit_long_list_are_refused_before_any_execute(both, hosted_fake):
    listed = await both("direct", {"entity": "campaigns", "action": "list", "limit": 120, "fields": "id"})
    arguments = {"entity": "ad_member_seniority_analytics", "action": "list",
                 "params": {"campaigns": [str(r["id"]) for r in listed["data"]], "fields": ["averageDwellTime"]}}  # fmt: skip
    text = await both("hosted", arguments, ok=False)
    assert text.startswith("invalid_params:") and "averageDwellTime" in text and "direct mode" in text
    assert executes(hosted_fake) == []  # no listing is needed for an explicit facet, and nothing else was sent


async def test_a_summed_report_over_the_budget_is_refused_whole_before_its_first_batch(both, hosted_fake, monkeypatch):
    from mcp_server.connectors.linkedin_ads.hosted_sums import facet_batches

    listed = await both("direct", {"entity": "campaigns", "action": "list", "limit": 120, "fields": "id"})
    ids = [str(r["id"]) for r in listed["data"]]
    arguments = {"entity": "ad_member_company_analytics", "action": "list", "params": {"campaigns": ids}}
    request = PageRequest(arguments["entity"], "list", AnalyticsParams(campaigns=ids), None, 25)
    batches = len(facet_batches(request) or [])
    assert batches >= 2
    monkeypatch.setenv("CONNECTOR_MCP_MAX_REQUESTS_PER_CALL", str(batches - 1))
    text = await both("hosted", arguments, ok=False)
    assert text.startswith(f"invalid_params: this report needs {batches} LinkedIn requests")
    assert f"for each of {batches} batches of the campaigns" in text and "CONNECTOR_MCP_MAX_REQUESTS_PER_CALL" in text
    assert executes(hosted_fake) == [], "a partial sum would be an under-count: not one batch was sent"

    # The whole account: Airbyte's campaign list first, then the same refusal, still before any analytics.
    monkeypatch.setenv("CONNECTOR_MCP_MAX_REQUESTS_PER_CALL", "2")
    text = await both("hosted", {**arguments, "params": {}}, ok=False)
    assert text.startswith("invalid_params: this report needs") and f"account {_demo_account()}" in text
    sent = [r["path"] for r in hosted_fake.vendor_requests("linkedin-ads")]
    assert not [p for p in sent if p.endswith("/adAnalytics")] and [p for p in sent if p.endswith("/adCampaigns")]


async def test_an_account_with_no_campaigns_says_both_possibilities(both, hosted_fake, monkeypatch):
    data = hosted_fake.app.state.vendor_apps["linkedin-ads"].state.fake.data
    monkeypatch.setattr(data, "campaigns", [c for c in data.campaigns if not c["account"].endswith(_demo_account())])
    body = await both("hosted", {"entity": "ad_member_country_analytics", "action": "list"})
    assert body["data"] == []
    (warning,) = [w for w in body["meta"]["warnings"] if "nothing to report" in w]
    assert f"account {_demo_account()}" in warning and "has no campaigns" in warning and "no role" in warning
    assert not [r for r in hosted_fake.vendor_requests("linkedin-ads") if r["path"].endswith("/adAnalytics")]
