"""The command line: call, catalog, check and demo mode, as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import CANARIES, point_at_fake

REVOKED_TOKEN = CANARIES["a TikTok token the fake does not know (revoked)"]


def run(*args: str, env: dict | None = None, cwd=None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items()}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "mcp_server", *args], capture_output=True, text=True, env=full_env, cwd=cwd, timeout=60
    )


def test_demo_call_prints_result_json():
    proc = run("--demo", "call", "tiktok-marketing", "campaigns", "list", "--limit", "2", "--fields", "campaign_id,campaign_name")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert len(result["data"]) == 2
    assert set(result["data"][0]) == {"campaign_id", "campaign_name"}
    assert result["meta"]["sandbox"] is True


def test_call_flag_after_subcommand_and_params_json():
    proc = run("call", "linkedin-ads", "campaigns", "list", "--demo", "--params", '{"status": ["ACTIVE"]}', "--limit", "3")
    assert proc.returncode == 0, proc.stderr
    assert all(r["status"] == "ACTIVE" for r in json.loads(proc.stdout)["data"])


def test_call_error_is_one_line_on_stderr_exit_1():
    proc = run("--demo", "call", "tiktok-marketing", "campaing", "list")
    assert proc.returncode == 1
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "unknown entity" in lines[0] and "campaigns" in lines[0]


def test_call_unknown_connector():
    proc = run("call", "meta-ads", "campaigns", "list")
    assert proc.returncode == 1 and "tiktok-marketing" in proc.stderr


def test_catalog_prints_every_connector_and_one_entity():
    proc = run("catalog")
    assert proc.returncode == 0
    assert set(json.loads(proc.stdout)["connectors"]) == {"linkedin-ads", "tiktok-marketing"}
    proc = run("catalog", "linkedin-ads", "--entity", "ad_campaign_analytics")
    doc = json.loads(proc.stdout)
    assert doc["actions"]["list"]["pagination"] == "none"


def test_check_against_the_fakes(monkeypatch, tiktok_fake, linkedin_fake):
    point_at_fake(monkeypatch, "tiktok-marketing", tiktok_fake.url)
    point_at_fake(monkeypatch, "linkedin-ads", linkedin_fake.url)
    proc = run("check")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "tiktok-marketing: ok (direct)" in proc.stdout
    assert "linkedin-ads: ok (direct)" in proc.stdout
    assert any(r["path"].endswith("user/info/") for r in tiktok_fake.requests)


def test_check_reports_a_bad_token_without_printing_it(monkeypatch, tiktok_fake):
    point_at_fake(monkeypatch, "tiktok-marketing", tiktok_fake.url)
    monkeypatch.setenv("TIKTOK_MARKETING_ACCESS_TOKEN", REVOKED_TOKEN)
    monkeypatch.setenv("CONNECTOR_MCP_CONNECTORS", "tiktok-marketing")
    proc = run("check")
    assert proc.returncode == 1
    assert "tiktok-marketing: FAILED" in proc.stdout and "auth_error" in proc.stdout
    assert REVOKED_TOKEN not in proc.stdout + proc.stderr


def test_check_with_nothing_configured():
    proc = run("check")
    assert proc.returncode == 1
    assert "not configured" in proc.stdout


def test_check_in_demo():
    proc = run("--demo", "check")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count(": ok") == 2


def test_demo_from_the_environment():
    proc = run("call", "linkedin-ads", "accounts", "list", env={"CONNECTOR_MCP_DEMO": "1"})
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["meta"]["sandbox"] is True


def test_hosted_demo_call():
    proc = run("--demo", "--hosted", "call", "tiktok-marketing", "ads", "list", "--limit", "2")
    assert proc.returncode == 0, proc.stderr
    meta = json.loads(proc.stdout)["meta"]
    assert meta["backend"] == "hosted" and meta["sandbox"] is True


def test_hosted_flag_needs_demo():
    proc = run("--hosted", "serve")
    assert proc.returncode == 1 and "--demo" in proc.stderr


def test_env_example_as_dotenv_reads_as_nothing_configured(tmp_path):
    """The shipped .env.example, copied as .env, is valid: empty values count as unset."""
    example = Path(__file__).parent.parent / ".env.example"
    (tmp_path / ".env").write_text(example.read_text())
    proc = run("check", cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stdout.count("not configured") == 2 and "Traceback" not in proc.stderr


def test_dotenv_values_are_read(tmp_path, tiktok_fake):
    from mcp_server.connectors.tiktok_marketing.sandbox import sandbox_settings

    lines = [f"TIKTOK_MARKETING_{k.upper()}={v}" for k, v in sandbox_settings(tiktok_fake.url).items()]
    (tmp_path / ".env").write_text("\n".join([*lines, "CONNECTOR_MCP_CONNECTORS=tiktok-marketing"]) + "\n")
    proc = run("check", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "tiktok-marketing: ok (direct)" in proc.stdout
