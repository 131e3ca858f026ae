"""A newcomer's first ten minutes: bad settings, start-up lines, the 401 answer, did-you-mean,
the limit message and filtered connectors, as a new user meets them (the CLI as a subprocess)."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from fastmcp import Client
from fastmcp.client.transports import StdioTransport
from pydantic import SecretStr

from mcp_server.connectors import REGISTRY
from mcp_server.server import build_server
from mcp_server.settings import ServerSettings
from mcp_server.validation import DEFAULT_LIMIT, MAX_LIMIT
from tests.conftest import airbyte_env, point_at_fake

ROOT = Path(__file__).parent.parent
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL) [\w.]+: ")


def run(*args: str, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "mcp_server", *args], capture_output=True, text=True, env=full_env, timeout=60, **kwargs
    )


def serve_stdio_until_eof(*args: str, env: dict | None = None) -> str:
    """Start `serve` over stdio with no client (stdin closed): it logs its start-up lines and exits."""
    proc = run(*args, "serve", env=env, stdin=subprocess.DEVNULL)
    assert proc.stdout == "", proc.stdout[:500]
    return proc.stderr


# --- bad settings: one line, the setting, what it accepts, exit 2 ---


@pytest.mark.parametrize(
    "setting, value, accepted",
    [
        ("CONNECTOR_MCP_LOG_LEVEL", "LOUD", "one of DEBUG, INFO, WARNING, ERROR"),
        ("CONNECTOR_MCP_RETRY_ATTEMPTS", "abc", "a whole number from 1 to 10"),
        ("CONNECTOR_MCP_TIMEOUT", "0", "a number above 0, up to 600"),
        ("CONNECTOR_MCP_DEMO", "maybe", "1 or 0"),
    ],
)
@pytest.mark.parametrize("command", [["serve"], ["call", "tiktok-marketing", "campaigns", "list"], ["check"]])
def test_a_bad_setting_is_one_line_naming_it_and_what_it_accepts(setting, value, accepted, command):
    proc = run(*command, env={setting: value}, stdin=subprocess.DEVNULL)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert setting in lines[0] and repr(value) in lines[0] and accepted in lines[0]
    assert "Traceback" not in proc.stderr


def test_log_level_is_case_insensitive_and_the_flag_lists_its_choices():
    assert run("catalog", env={"CONNECTOR_MCP_LOG_LEVEL": "debug"}).returncode == 0
    proc = run("--log-level", "loud", "catalog")
    assert proc.returncode == 2 and "DEBUG" in proc.stderr and "Traceback" not in proc.stderr


def test_an_unknown_connector_in_the_setting_gets_a_did_you_mean():
    proc = run("--demo", "serve", env={"CONNECTOR_MCP_CONNECTORS": "linkedin-ads,tiktok-marketng"}, stdin=subprocess.DEVNULL)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0
    assert "CONNECTOR_MCP_CONNECTORS" in proc.stderr and "Did you mean 'tiktok-marketing'?" in proc.stderr


# --- start-up: which connector runs on which backend, in one plain log format ---


def test_demo_start_up_says_sandbox_for_every_connector():
    stderr = serve_stdio_until_eof("--demo")
    for connector_id in REGISTRY:
        assert f"{connector_id}: sandbox (synthetic data), direct" in stderr, stderr
    assert "through the hosted-API sandbox" in serve_stdio_until_eof("--demo", "--hosted")


def test_start_up_names_direct_hosted_and_not_configured(monkeypatch, tiktok_fake, hosted_fake):
    point_at_fake(monkeypatch, "tiktok-marketing", tiktok_fake.url)
    stderr = serve_stdio_until_eof()
    assert "tiktok-marketing: direct (vendor API)" in stderr
    not_configured = [line for line in stderr.splitlines() if "linkedin-ads: not configured" in line]
    assert len(not_configured) == 1 and "LINKEDIN_ADS_CLIENT_ID" in not_configured[0]
    assert "not_configured: LinkedIn" not in not_configured[0]  # the kind is said once

    airbyte_env(monkeypatch, hosted_fake.url)
    assert "linkedin-ads: hosted (Airbyte Agent API)" in serve_stdio_until_eof()
    assert not tiktok_fake.requests and not hosted_fake.requests  # start-up only reads settings


def test_start_up_names_the_connectors_left_out_by_the_setting():
    stderr = serve_stdio_until_eof("--demo", env={"CONNECTOR_MCP_CONNECTORS": "linkedin-ads"})
    assert "linkedin-ads: sandbox" in stderr and "tiktok-marketing: sandbox" not in stderr
    assert "not served (CONNECTOR_MCP_CONNECTORS): tiktok-marketing" in stderr


def test_every_log_line_has_one_plain_format():
    stderr = serve_stdio_until_eof("--demo")
    lines = stderr.strip().splitlines()
    assert any("Starting MCP server" in line for line in lines)  # FastMCP's own line, no longer Rich-styled
    assert all(LOG_LINE.match(line) for line in lines), stderr


async def test_an_unknown_resource_logs_one_line_not_a_traceback(tmp_path):
    stderr_log = tmp_path / "stderr.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    transport = StdioTransport(
        command=sys.executable, args=["-m", "mcp_server", "--demo"], env=env, cwd=str(tmp_path), log_file=stderr_log
    )
    async with Client(transport) as client:
        with pytest.raises(Exception, match="no entity 'campaing'"):
            await client.read_resource("connectors://tiktok-marketing/campaing")
        with pytest.raises(Exception, match="Did you mean 'tiktok-marketing'"):
            await client.read_resource("connectors://tiktok_marketing/campaigns")
    log = stderr_log.read_text()
    errors = [line for line in log.splitlines() if "Error reading resource" in line]
    assert len(errors) == 2 and "campaing" in errors[0], log
    assert "Traceback" not in log and "╭" not in log
    assert all(LOG_LINE.match(line) for line in log.strip().splitlines()), log


# --- HTTP with a missing or wrong bearer token ---


@pytest.mark.parametrize("transport, method, path", [("http", "POST", "/mcp"), ("sse", "GET", "/sse")])
@pytest.mark.parametrize(
    "headers, error, challenge",
    [
        ({}, "missing_token", "Bearer"),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, "missing_token", "Bearer"),  # another scheme counts as none
        ({"Authorization": "Bearer wrong-token-987"}, "invalid_token", 'Bearer error="invalid_token"'),
    ],
)
async def test_401_says_what_to_send(transport, method, path, headers, error, challenge, caplog):
    token = "right-token-abc-123456-7890"
    app = build_server(ServerSettings(demo=True, http_token=SecretStr(token))).http_app(transport=transport)
    caplog.set_level(logging.INFO)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as client:
        answer = await client.request(method, path, headers={"Accept": "application/json, text/event-stream", **headers})
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == challenge
    assert answer.headers["content-type"] == "application/json"
    body = answer.json()
    assert body["error"] == error
    assert "Authorization: Bearer <token>" in body["error_description"]
    assert "CONNECTOR_MCP_HTTP_TOKEN" in body["error_description"]
    assert "re-register" not in body["error_description"]  # FastMCP's OAuth advice does not apply here
    # One log line per refusal, and neither token is ever echoed.
    refusals = [r.getMessage() for r in caplog.records if r.getMessage().startswith("401 for")]
    assert refusals == [refusals[0]] and path in refusals[0]
    for secret in (token, "wrong-token-987", "dXNlcjpwYXNz"):
        assert secret not in answer.text and secret not in caplog.text


# --- did-you-mean, the limit message, filtered connectors ---


async def test_a_misspelt_param_gets_the_closest_valid_one(monkeypatch, tiktok_fake):
    point_at_fake(monkeypatch, "tiktok-marketing", tiktok_fake.url)
    async with Client(build_server(ServerSettings(connectors=["tiktok-marketing"]))) as client:
        result = await client.call_tool(
            "tiktok_marketing_execute",
            {"entity": "campaigns", "action": "list", "params": {"advertiser_idd": "7000000000000000000"}},
            raise_on_error=False,
        )
    text = result.content[0].text
    assert result.is_error and text.startswith("invalid_params:")
    assert "params.advertiser_idd is not a parameter of campaigns.list; did you mean 'advertiser_id'?" in text
    assert not tiktok_fake.requests  # refused before any vendor request


async def test_an_unrelated_param_name_gets_no_guess():
    async with Client(build_server(ServerSettings(demo=True))) as client:
        result = await client.call_tool(
            "linkedin_ads_execute", {"entity": "campaigns", "action": "list", "params": {"zzz": 1}}, raise_on_error=False
        )
    assert result.is_error and "params.zzz is not a parameter" in result.content[0].text
    assert "did you mean" not in result.content[0].text


async def test_describe_suggests_the_connector_name():
    async with Client(build_server(ServerSettings(demo=True))) as client:
        result = await client.call_tool("describe", {"connector": "linkedin_ads"}, raise_on_error=False)
    assert result.is_error and "Did you mean 'linkedin-ads'?" in result.content[0].text


@pytest.mark.parametrize("command", [["call", "tiktok-marketin", "campaigns", "list"], ["catalog", "linkedin_ads"]])
def test_cli_suggests_the_connector_name(command):
    proc = run("--demo", *command)
    assert proc.returncode == 1 and proc.stdout == ""
    wanted = "tiktok-marketing" if "tiktok" in command[1] else "linkedin-ads"
    assert proc.stderr.strip().splitlines() == [f"error: unknown connector {command[1]!r}. Did you mean '{wanted}'? "
                                                f"Use one of: {', '.join(REGISTRY)}."]  # fmt: skip


@pytest.mark.parametrize("limit", [0, -3, "-3"])
async def test_a_limit_below_one_does_not_ask_for_a_smaller_one(limit):
    async with Client(build_server(ServerSettings(demo=True))) as client:
        result = await client.call_tool(
            "tiktok_marketing_execute", {"entity": "campaigns", "action": "list", "limit": limit}, raise_on_error=False
        )
    text = result.content[0].text
    assert result.is_error and f"limit must be a whole number from 1 to {MAX_LIMIT}" in text
    assert "smaller" not in text and f"leave it out for {DEFAULT_LIMIT}" in text


async def test_a_limit_above_the_maximum_points_to_the_cursor():
    async with Client(build_server(ServerSettings(demo=True))) as client:
        result = await client.call_tool(
            "tiktok_marketing_execute", {"entity": "campaigns", "action": "list", "limit": MAX_LIMIT + 1}, raise_on_error=False
        )
    assert result.is_error and f"at most {MAX_LIMIT}" in result.content[0].text and "next_cursor" in result.content[0].text


def test_call_of_a_filtered_out_connector_says_so():
    proc = run("--demo", "call", "tiktok-marketing", "campaigns", "list", env={"CONNECTOR_MCP_CONNECTORS": "linkedin-ads"})
    assert proc.returncode == 1 and proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "tiktok-marketing is filtered out by CONNECTOR_MCP_CONNECTORS=linkedin-ads" in lines[0]


def test_call_help_documents_positionals_and_the_limit():
    text = " ".join(run("call", "--help").stdout.split())
    assert "positional arguments" in text
    for connector_id in REGISTRY:
        assert connector_id in text
    assert f"1 to {MAX_LIMIT} (default {DEFAULT_LIMIT})" in text
    assert "catalog CONNECTOR" in text  # where the entities are listed


async def test_the_action_description_lists_each_connectors_actions():
    async with Client(build_server(ServerSettings(demo=True))) as client:
        tools = {t.name: t for t in await client.list_tools()}
    for connector in REGISTRY.values():
        description = tools[connector.tool_name].input_schema["properties"]["action"]["description"]
        entities = connector.catalog.entities
        for action in connector.catalog.action_names:
            having = [name for name, entity in entities.items() if action in entity.actions]
            missing = [name for name in entities if name not in having]
            if any(entities[n].actions[action].write for n in having) and len(having) > 3 and missing:
                assert action in description.rsplit(" or ", 1)[-1] and description.endswith("(previews).")
                continue  # write actions on many entities are named together; a wrong pair is refused naming the right ones
            expected = ("every entity" if not missing else "every entity but " + ", ".join(missing)
                        if len(missing) <= 3 < len(having) else ", ".join(having))  # fmt: skip
            assert f"{action} ({expected})" in description, description
        assert ("get (" in description) == any("get" in e.actions for e in entities.values())


# --- mcp.json.example ---


def test_mcp_json_example_entries_carry_the_same_settings():
    example = json.loads((ROOT / "mcp.json.example").read_text())
    claude, vscode = example["mcpServers"], example["servers"]
    for name, entry in claude.items():
        twin = vscode[name]
        assert entry["args"] == twin["args"], name
        assert set(entry.get("env", {})) == set(twin.get("env", {})), name
    inputs = {i["id"] for i in example["inputs"]}
    for entry in vscode.values():
        for value in [*entry.get("env", {}).values(), *entry.get("headers", {}).values()]:
            assert set(re.findall(r"\$\{input:([^}]+)\}", value)) <= inputs
    # The CLI always passes show_banner=False, so FastMCP's banner setting would do nothing.
    assert "FASTMCP_SHOW_SERVER_BANNER" not in json.dumps(example)


def test_mcp_json_example_carries_no_secret():
    """After `connector-mcp login` an entry is just the command; secrets still needed come from VS Code inputs."""
    example = json.loads((ROOT / "mcp.json.example").read_text())
    for name, entry in [*example["mcpServers"].items(), *example["servers"].items()]:
        for key, value in [*entry.get("env", {}).items(), *entry.get("headers", {}).items()]:
            if re.search(r"SECRET|TOKEN|Authorization", key):
                assert re.fullmatch(r"(Bearer )?\$\{input:[^}]+\}", value), (name, key)
    assert example["mcpServers"]["ads"] == {"command": "/absolute/path/to/.venv/bin/connector-mcp", "args": []}
