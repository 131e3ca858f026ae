"""`connector-mcp hosted create | oauth | finish | list` against the hosted fake on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from mcp_server.cli import main
from mcp_server.connectors.linkedin_ads.sandbox import sandbox_settings as linkedin_sandbox
from mcp_server.connectors.tiktok_marketing.sandbox import DEMO_ACCESS_TOKEN, DEMO_ADVERTISER_ID

from tests.conftest import CANARIES, airbyte_env

WRONG_SECRET = CANARIES["an Airbyte secret the fake does not know"]

CLI = str(Path(sys.executable).with_name("connector-mcp"))


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    out, err = capsys.readouterr()
    return exited.value.code, out, err


@pytest.fixture
def env(monkeypatch, hosted_fake):
    airbyte_env(monkeypatch, hosted_fake.url)
    return hosted_fake


def last_body(fake, fragment: str) -> dict:
    return json.loads(fake.calls(fragment)[-1]["body"])


def test_create_sends_vendor_credentials_from_the_environment(env, monkeypatch, capsys):
    monkeypatch.setenv("TIKTOK_MARKETING_ACCESS_TOKEN", DEMO_ACCESS_TOKEN)
    monkeypatch.setenv("TIKTOK_MARKETING_ADVERTISER_ID", DEMO_ADVERTISER_ID)
    code, out, err = run_cli(capsys, "hosted", "create", "tiktok-marketing", "--name", "Acme TikTok", "--start-date", "2026-01-01")
    assert code == 0, err
    created = json.loads(out)
    body = last_body(env, "/integrations/connectors")
    assert body == {
        "workspace_name": "default",
        "connector_type": "Tiktok-Marketing",
        "name": "Acme TikTok",
        "credentials": {"access_token": DEMO_ACCESS_TOKEN, "advertiser_id": DEMO_ADVERTISER_ID},
        "replication_config": {"start_date": "2026-01-01"},
    }
    assert DEMO_ACCESS_TOKEN not in out
    assert created["connector"]["name"] == "Acme TikTok"
    assert f"TIKTOK_MARKETING_CONNECTOR_ID={created['connector']['id']}" in created["next"]
    assert env.app.state.store.connectors[created["connector"]["id"]]["config"]["access_token"] == DEMO_ACCESS_TOKEN


def test_create_without_vendor_credentials_fails_in_one_line(env, capsys):
    code, out, err = run_cli(capsys, "hosted", "create", "tiktok-marketing", "--name", "x", "--start-date", "2026-01-01")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "TIKTOK_MARKETING_ACCESS_TOKEN" in err
    assert env.calls("/integrations/connectors") == []


def test_create_linkedin_with_legacy_customer_name(env, monkeypatch, capsys):
    for key in ("client_id", "client_secret", "refresh_token"):
        monkeypatch.setenv(f"LINKEDIN_ADS_{key.upper()}", linkedin_sandbox("http://x")[key])
    code, out, err = run_cli(
        capsys, "hosted", "create", "linkedin-ads", "--name", "Acme LI", "--start-date", "2025-06-01",
        "--customer-name-style", "--workspace", "acme",
    )  # fmt: skip
    assert code == 0, err
    body = last_body(env, "/integrations/connectors")
    assert body["customer_name"] == "acme" and "workspace_name" not in body
    assert set(body["credentials"]) == {"client_id", "client_secret", "refresh_token"}
    code, out, _ = run_cli(capsys, "hosted", "list", "--workspace", "acme")
    assert [c["name"] for c in json.loads(out)["connectors"]] == ["Acme LI"]


def test_oauth_then_finish_creates_the_connector(env, capsys):
    code, out, err = run_cli(capsys, "hosted", "oauth", "tiktok-marketing", "--redirect-url", "https://app.example/cb?x=1")
    assert code == 0, err
    consent_url = json.loads(out)["consent_url"]
    assert last_body(env, "/oauth/initiate") == {
        "workspace_name": "default",
        "connector_type": "Tiktok-Marketing",
        "redirect_url": "https://app.example/cb?x=1",
    }
    # The user approves at the vendor; Airbyte sends them back with a secret_id.
    consent = httpx.get(consent_url.replace("http://airbyte.sandbox", env.url), follow_redirects=False)
    assert consent.status_code == 302
    redirect = urlsplit(consent.headers["location"])
    assert redirect.netloc == "app.example"
    secret_id = parse_qs(redirect.query)["secret_id"][0]
    code, out, err = run_cli(
        capsys, "hosted", "finish", "tiktok-marketing", "--secret-id", secret_id, "--name", "From OAuth", "--start-date", "2026-02-01"
    )
    assert code == 0, err
    assert last_body(env, "/integrations/connectors")["server_side_oauth_secret_id"] == secret_id
    code, out, _ = run_cli(capsys, "hosted", "list", "tiktok-marketing")
    assert "From OAuth" in [c["name"] for c in json.loads(out)["connectors"]]


def test_finish_with_an_unknown_secret_fails(env, capsys):
    code, out, err = run_cli(
        capsys, "hosted", "finish", "linkedin-ads", "--secret-id", "sec_nope", "--name", "x", "--start-date", "2026-01-01"
    )
    assert code == 1 and out == ""
    assert "Invalid secret_id" in err and err.count("\n") == 1


def test_wrong_airbyte_secret_fails_without_printing_it(env, monkeypatch, capsys):
    monkeypatch.setenv("AIRBYTE_CLIENT_SECRET", WRONG_SECRET)
    code, out, err = run_cli(capsys, "hosted", "list")
    assert code == 1 and "auth_error" in err
    assert WRONG_SECRET not in err


def test_demo_needs_no_settings(capsys):
    code, out, err = run_cli(capsys, "--demo", "hosted", "list")
    assert code == 0, err
    assert {c["connector"] for c in json.loads(out)["connectors"]} == {"linkedin-ads", "tiktok-marketing"}


def test_installed_command_lists_over_a_real_socket(hosted_fake, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRBYTE_", "TIKTOK_", "LINKEDIN_"))}
    env.update(AIRBYTE_API_URL=hosted_fake.url, AIRBYTE_CLIENT_ID="demo-airbyte-client-id", AIRBYTE_CLIENT_SECRET=CANARIES["AIRBYTE_CLIENT_SECRET"])
    done = subprocess.run([CLI, "hosted", "list", "linkedin-ads"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr
    listed = json.loads(done.stdout)
    assert [c["connector"] for c in listed["connectors"]] == ["linkedin-ads"]
    assert "definition_id=137ece28-5434-455c-8f34-69dc3782f451" in hosted_fake.calls("/integrations/connectors")[-1]["query"]


def test_connect_is_oauth_consent_and_create_in_one_step(env, monkeypatch, capsys, tmp_path):
    """`hosted connect`: the consent page's redirect carries the secret_id to the loopback listener."""
    import httpx

    monkeypatch.setattr("webbrowser.open", lambda url: bool(httpx.get(url, follow_redirects=True, timeout=10)))
    code, out, err = run_cli(capsys, "hosted", "connect", "tiktok-marketing", "--start-date", "2026-01-01")
    assert code == 0, err
    created = json.loads(out)["connector"]
    initiate = last_body(env, "oauth/initiate")
    assert initiate["redirect_url"].startswith("http://127.0.0.1:") and "/callback/" in initiate["redirect_url"]
    assert last_body(env, "/connectors")["server_side_oauth_secret_id"]
    stored = json.loads((tmp_path / "config" / "credentials.json").read_text())["tiktok-marketing"]["settings"]
    assert stored == {"connector_id": created["id"], "mode": "hosted"}
    monkeypatch.setenv("CONNECTOR_MCP_CONNECTORS", "tiktok-marketing")
    monkeypatch.setenv("TIKTOK_MARKETING_ADVERTISER_ID", DEMO_ADVERTISER_ID)
    code, out, _ = run_cli(capsys, "check")
    assert code == 0, out
    assert "tiktok-marketing: ok (hosted)" in out and created["id"] in out
