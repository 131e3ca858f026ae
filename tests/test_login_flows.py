"""`connector-mcp login / accounts / check / logout` end to end against the fakes' authorization pages, over
real sockets; the browser is an HTTP client that follows the page's redirect to the loopback listener."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

import httpx
import pytest

from mcp_server.cli import main
from mcp_server.connectors.linkedin_ads.sandbox import DEMO_CLIENT_SECRET
from mcp_server.connectors.tiktok_marketing.sandbox.data import DEMO_SECRET, SECOND_ADVERTISER_ID
from tests.conftest import point_at_fake

REDIRECT = "http://127.0.0.1:0/callback"  # any free port: the fakes accept every loopback redirect


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    out, err = capsys.readouterr()
    return exited.value.code, out, err


def stored(tmp_path: Path) -> dict:
    path = tmp_path / "config" / "credentials.json"
    return json.loads(path.read_text()) if path.exists() else {}


@pytest.fixture
def browser(monkeypatch):
    """The user's browser: opens the page and follows its redirect; records what it was given."""
    opened: list[str] = []

    def follow(url: str) -> bool:
        opened.append(url)
        httpx.get(url, follow_redirects=True, timeout=10)
        return True

    monkeypatch.setattr("webbrowser.open", follow)
    return opened


@pytest.fixture
def linkedin_app(monkeypatch, linkedin_fake):
    """The user's LinkedIn app (client id and secret in the environment), nothing else yet."""
    point_at_fake(monkeypatch, "linkedin-ads", linkedin_fake.url)
    for name in ("LINKEDIN_ADS_REFRESH_TOKEN", "LINKEDIN_ADS_ACCOUNT_ID"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("CONNECTOR_MCP_CONNECTORS", "linkedin-ads")
    return linkedin_fake


def form_of(request: dict) -> dict:
    return {k: v[0] for k, v in parse_qs(request["body"]).items()}


def test_linkedin_login_accounts_check_logout(capsys, monkeypatch, tmp_path, browser, linkedin_app):
    code, out, err = run_cli(capsys, "check")
    assert code == 1 and "LINKEDIN_ADS_REFRESH_TOKEN is not set" in out and "connector-mcp login linkedin-ads" in out

    monkeypatch.setenv("LINKEDIN_ADS_ACCESS_TOKEN", "an old token in the environment")
    code, out, err = run_cli(capsys, "login", "linkedin-ads", "--redirect-url", REDIRECT)
    assert code == 0, err
    assert "Refresh token stored" in out and "Stored in the file" in out
    assert "Note: LINKEDIN_ADS_ACCESS_TOKEN in the environment or .env differ" in out  # the client id there is the same
    monkeypatch.delenv("LINKEDIN_ADS_ACCESS_TOKEN")
    page = linkedin_app.calls("/oauth/v2/authorization")[0]
    asked = dict(parse_qsl(page["query"]))
    assert asked["scope"] == "r_ads r_ads_reporting" and asked["response_type"] == "code" and len(asked["state"]) >= 20
    exchange = form_of(linkedin_app.calls("/oauth/v2/accessToken")[-1])
    assert exchange["grant_type"] == "authorization_code" and exchange["redirect_uri"] == asked["redirect_uri"]
    assert exchange["client_secret"] == DEMO_CLIENT_SECRET and "code_verifier" not in exchange
    record = stored(tmp_path)["linkedin-ads"]
    assert set(record["settings"]) == {"client_id", "client_secret", "access_token", "refresh_token"}
    assert 364 <= (record["meta"]["refresh_token_expires_at"] - record["meta"]["obtained_at"]) // 86_400 <= 365

    code, out, _ = run_cli(capsys, "accounts", "linkedin-ads", "--default", "urn:li:sponsoredAccount:523456789")
    assert code == 0 and "523456789  Contoso" in out and "LINKEDIN_ADS_ACCOUNT_ID=523456789 stored" in out

    code, out, err = run_cli(capsys, "check")
    assert code == 0, out + err
    assert "LINKEDIN_ADS_REFRESH_TOKEN, LINKEDIN_ADS_ACCESS_TOKEN, LINKEDIN_ADS_ACCOUNT_ID from file" in out
    assert "access token active, expires" in out and "refresh token: 36" in out and "LINKEDIN_ADS_API_VERSION 202606" in out
    introspected = form_of(linkedin_app.calls("/oauth/v2/introspectToken")[-1])
    assert introspected["token"] == record["settings"]["access_token"]

    code, out, _ = run_cli(capsys, "logout", "linkedin-ads")
    assert code == 0 and "removed" in out and "linkedin-ads" not in stored(tmp_path)


def test_lead_and_write_scopes_only_on_request(capsys, browser, linkedin_app):
    assert run_cli(capsys, "login", "linkedin-ads", "--redirect-url", REDIRECT, "--leads", "--write")[0] == 0
    scope = dict(parse_qsl(linkedin_app.calls("/oauth/v2/authorization")[0]["query"]))["scope"]
    assert scope.split(" ") == ["r_ads", "r_ads_reporting", "r_marketing_leadgen_automation", "rw_ads", "rw_conversions"]


def test_native_pkce_sends_a_verifier_and_no_secret(capsys, monkeypatch, tmp_path, browser, linkedin_app):
    monkeypatch.delenv("LINKEDIN_ADS_CLIENT_SECRET")
    code, out, err = run_cli(capsys, "login", "linkedin-ads", "--pkce")
    assert code == 0, err
    asked = dict(parse_qsl(linkedin_app.calls("/oauth/v2/authorization")[0]["query"]))
    assert asked["code_challenge_method"] == "S256" and urlsplit(asked["redirect_uri"]).hostname == "127.0.0.1"
    exchange = form_of(linkedin_app.calls("/oauth/v2/accessToken")[-1])
    assert "client_secret" not in exchange and len(exchange["code_verifier"]) >= 43
    assert "No refresh token" in out and "client_secret" not in stored(tmp_path)["linkedin-ads"]["settings"]


def test_a_forged_state_stores_nothing(capsys, monkeypatch, tmp_path, linkedin_app):
    def forger(url: str) -> bool:
        location = httpx.get(url, follow_redirects=False, timeout=10).headers["location"]
        parts = urlsplit(location)
        query = {**dict(parse_qsl(parts.query)), "state": "forged"}
        httpx.get(parts._replace(query=urlencode(query)).geturl(), timeout=10)
        return True

    monkeypatch.setattr("webbrowser.open", forger)
    code, _, err = run_cli(capsys, "login", "linkedin-ads", "--redirect-url", REDIRECT)
    assert code == 1 and "state does not match" in err
    assert stored(tmp_path) == {} and not linkedin_app.calls("/oauth/v2/accessToken")


def test_a_refused_consent_is_one_line_naming_it(capsys, tmp_path, browser, linkedin_app):
    linkedin_app.control("config", {"consent": "deny"})
    code, _, err = run_cli(capsys, "login", "linkedin-ads", "--redirect-url", REDIRECT)
    assert code == 1 and "LinkedIn did not authorize" in err and stored(tmp_path) == {}


def test_no_browser_accepts_the_pasted_redirect(capsys, monkeypatch, tmp_path, linkedin_app):
    """A redirect URL this machine cannot hear (an https page): the user pastes where the browser landed."""
    registered = "https://app.example.com/linkedin/callback"
    linkedin_app.app.state.fake.registered_redirects.add(registered)
    landed = threading.Event()

    class Terminal:
        text = ""

        def isatty(self) -> bool:
            return True

        def readline(self) -> str:
            landed.wait(10)
            return self.text + "\n"

    terminal = Terminal()

    def elsewhere(url: str) -> bool:  # the browser on another machine: ends on the https page
        terminal.text = httpx.get(url, follow_redirects=False, timeout=10).headers["location"]
        landed.set()
        return False

    monkeypatch.setattr("sys.stdin", terminal)
    monkeypatch.setattr("webbrowser.open", elsewhere)
    code, out, err = run_cli(capsys, "login", "linkedin-ads", "--redirect-url", registered)
    assert code == 0, err
    assert "paste the address" in err
    assert form_of(linkedin_app.calls("/oauth/v2/accessToken")[-1])["redirect_uri"] == registered
    assert "refresh_token" in stored(tmp_path)["linkedin-ads"]["settings"]


def test_tiktok_login_stores_the_token_and_advertisers(capsys, monkeypatch, tmp_path, browser, tiktok_fake):
    point_at_fake(monkeypatch, "tiktok-marketing", tiktok_fake.url)
    for name in ("TIKTOK_MARKETING_ACCESS_TOKEN", "TIKTOK_MARKETING_ADVERTISER_ID"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("CONNECTOR_MCP_CONNECTORS", "tiktok-marketing")
    code, out, err = run_cli(capsys, "login", "tiktok-marketing", "--redirect-url", REDIRECT)
    assert code == 0, err
    page = dict(parse_qsl(tiktok_fake.calls("/portal/auth")[0]["query"]))
    assert set(page) == {"app_id", "state", "redirect_uri"}
    exchange = tiktok_fake.calls("oauth2/access_token/")[-1]
    assert exchange["method"] == "POST" and exchange["headers"]["content-type"].startswith("application/json")
    body = json.loads(exchange["body"])
    assert set(body) == {"app_id", "secret", "auth_code"} and body["secret"] == DEMO_SECRET
    assert "2 advertiser(s)" in out and "--default ID" in out
    record = stored(tmp_path)["tiktok-marketing"]
    assert "advertiser_id" not in record["settings"] and len(record["meta"]["advertiser_ids"]) == 2

    code, out, _ = run_cli(capsys, "check")
    assert code == 1 and "TIKTOK_MARKETING_ADVERTISER_ID is not set" in out and "accounts reached: 2" in out
    assert run_cli(capsys, "accounts", "tiktok-marketing", "--default", SECOND_ADVERTISER_ID)[0] == 0
    code, out, err = run_cli(capsys, "check")
    assert code == 0, out + err
    assert f"default account {SECOND_ADVERTISER_ID}" in out


def test_an_auth_code_works_once(tiktok_fake):
    """The fake keeps TikTok's rule: an auth_code is single-use (and lives an hour)."""
    from mcp_server.connectors.tiktok_marketing.sandbox.data import DEMO_APP_ID

    location = httpx.get(
        f"{tiktok_fake.url}/portal/auth", params={"app_id": DEMO_APP_ID, "state": "s", "redirect_uri": "http://127.0.0.1:9/cb"}
    ).headers["location"]
    auth_code = dict(parse_qsl(urlsplit(location).query))["auth_code"]
    body = {"app_id": DEMO_APP_ID, "secret": DEMO_SECRET, "auth_code": auth_code}
    first = httpx.post(f"{tiktok_fake.url}/open_api/v1.3/oauth2/access_token/", json=body).json()
    again = httpx.post(f"{tiktok_fake.url}/open_api/v1.3/oauth2/access_token/", json=body).json()
    assert first["code"] == 0 and again["code"] == 40110


def test_the_demo_login_reaches_check_success(capsys, tmp_path):
    """What the README's "Connect your accounts" walks through, against the sandbox's login pages."""
    for connector in ("linkedin-ads", "tiktok-marketing"):
        code, out, err = run_cli(capsys, "--demo", "login", connector)
        assert code == 0, err
    assert set(stored(tmp_path)) == {"demo:linkedin-ads", "demo:tiktok-marketing"}
    code, out, err = run_cli(capsys, "--demo", "check")
    assert code == 0, out + err
    assert "refresh token: 36" in out  # the check read what the demo login stored
    code, out, _ = run_cli(capsys, "--demo", "logout")
    assert code == 0 and stored(tmp_path) == {}


def _version_near_sunset() -> str:
    """A version the fake still serves whose sunset is 1 to 60 days away, whatever today is."""
    import datetime as dt

    from mcp_server.connectors.linkedin_ads.sandbox.rules import version_active
    from mcp_server.connectors.linkedin_ads.versions import sunset
    from mcp_server.params import today

    for ahead in range(0, 75, 5):
        day = today() + dt.timedelta(days=ahead)
        version = f"{day.year - 1}{day.month:02d}"
        if 0 < (sunset(version)[0] - today()).days <= 60 and version_active(version, today()):
            return version
    raise AssertionError("no version near its sunset")


async def test_a_version_near_sunset_warns_in_linkedin_results(monkeypatch, linkedin_fake):
    from tests.conftest import ToolCalls

    point_at_fake(monkeypatch, "linkedin-ads", linkedin_fake.url)
    version = _version_near_sunset()
    monkeypatch.setenv("LINKEDIN_ADS_API_VERSION", version)
    result = await ToolCalls("linkedin_ads_execute", "linkedin-ads").ok({"entity": "accounts", "action": "list"})
    assert any(f"LINKEDIN_ADS_API_VERSION {version} sunsets" in w for w in result["meta"]["warnings"])
    assert linkedin_fake.requests[-1]["headers"]["linkedin-version"] == version


async def test_a_tool_call_without_credentials_names_the_setting_and_login(monkeypatch):
    from tests.conftest import ToolCalls

    monkeypatch.setenv("LINKEDIN_ADS_CLIENT_ID", "app")
    text = await ToolCalls("linkedin_ads_execute", "linkedin-ads").error_text({"entity": "accounts", "action": "list"})
    assert "LINKEDIN_ADS_CLIENT_SECRET, LINKEDIN_ADS_REFRESH_TOKEN are not set" in text
    assert "connector-mcp login linkedin-ads" in text


def test_a_missing_secret_or_bad_redirect_fails_before_any_request(capsys, monkeypatch, browser, linkedin_app):
    code, _, err = run_cli(capsys, "login", "linkedin-ads", "--redirect-url", "http://localhost:0/cb#x")
    assert code == 1 and "#fragment" in err
    monkeypatch.delenv("LINKEDIN_ADS_CLIENT_SECRET")
    code, _, err = run_cli(capsys, "login", "linkedin-ads", "--redirect-url", REDIRECT)
    assert code == 1 and "LINKEDIN_ADS_CLIENT_SECRET is not set" in err and "never" not in err
    assert browser == [] and not linkedin_app.calls("/oauth/")
