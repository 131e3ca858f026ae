"""Shared fixtures: a clean environment per test, and the sandbox fakes served on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import tempfile
from pathlib import Path

import httpx
import pytest
from _pytest.capture import CaptureFixture

from mcp_server.connectors.linkedin_ads.sandbox import app as linkedin_sandbox
from mcp_server.connectors.tiktok_marketing.sandbox import data as tiktok_sandbox
from mcp_server.sandbox import hosted_data
from mcp_server.sandbox.serve import serve_in_thread

ENV_PREFIXES = ("TIKTOK_MARKETING_", "LINKEDIN_ADS_", "AIRBYTE_", "CONNECTOR_MCP_")

# Canary secrets: every secret the suite uses is one of these distinctive values. The sandbox fakes'
# credentials are canaries (point_at_fake and airbyte_env set them), and a test that needs a secret of its
# own takes one from here. Every tool result, captured stdout/stderr, log line and subprocess output is
# searched for them, and one found fails the run (pytest_sessionfinish). Where a secret belongs (the
# header sent to a fake, the fake's request log) is never output, so it is never searched.
CANARIES = {
    "TIKTOK_MARKETING_ACCESS_TOKEN": tiktok_sandbox.DEMO_ACCESS_TOKEN,
    "TIKTOK_MARKETING_SECRET": tiktok_sandbox.DEMO_SECRET,
    "LINKEDIN_ADS_CLIENT_SECRET": linkedin_sandbox.DEMO_CLIENT_SECRET,
    "LINKEDIN_ADS_REFRESH_TOKEN": linkedin_sandbox.DEMO_REFRESH_TOKEN,
    "LINKEDIN_ADS_ACCESS_TOKEN": linkedin_sandbox.DEMO_ACCESS_TOKEN,
    "LinkedIn access token minted on refresh (prefix)": linkedin_sandbox.MINTED_TOKEN_PREFIX,
    "LinkedIn access token issued to a login (prefix)": "AQV-canary-li-login-access-token-",
    "LinkedIn authorization code (prefix)": "AQT-canary-li-authorization-code-",
    "TikTok auth_code (prefix)": "canary-tt-advertiser-auth-code-",
    "AIRBYTE_CLIENT_SECRET": hosted_data.DEMO_CLIENT_SECRET,
    "CONNECTOR_MCP_HTTP_TOKEN": "canary-http-token-9f3b6c0e1a7d",
    "CONNECTOR_MCP_SECRET_KEY": "canary-http-secret-key-3e8a1f5c7b9d2e4f6a8c0b1d",
    "a signing key of another server": "canary-http-other-server-key-6d2f8b4a1c3e5f7a",
    "a TikTok token the fake does not know (revoked)": "canary-tt-revoked-token-9f3b1d5e",
    "an Airbyte secret the fake does not know": "canary-ab-wrong-secret-9f3b4f2a",
}
# Any text from the marker on counts, so a truncated secret is caught too.
CANARY_PATTERN = re.compile(r"canary-(?:tt|li|ab|http)-[A-Za-z0-9_-]*")
assert all(CANARY_PATTERN.search(value) for value in CANARIES.values())
canary_leaks: list[str] = []


def scan_for_canaries(where: str, text: str | bytes | None, test: str | None = None) -> None:
    """Record a canary secret found in output (`where` says which), with the test and the text around it."""
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    found = CANARY_PATTERN.search(text) if text else None
    if found:
        test = test or os.environ.get("PYTEST_CURRENT_TEST", "outside a test").rsplit(" (", 1)[0]
        context = text[max(0, found.start() - 100) : found.end() + 40].replace("\n", "\\n")
        canary_leaks.append(f"{test}: {where}: ...{context}...")


@pytest.fixture(scope="session", autouse=True)
def canary_scan():
    """Search what the tests see for canary secrets: MCP results and what capsys and subprocesses return."""
    from fastmcp import Client

    def scanned(method, where: str):
        async def wrapper(*args, **kwargs):
            result = await method(*args, **kwargs)
            scan_for_canaries(where, result.model_dump_json())
            return result

        return wrapper

    def readouterr(self):
        captured = original_readouterr(self)
        scan_for_canaries("captured stdout", captured.out)
        scan_for_canaries("captured stderr", captured.err)
        return captured

    def communicate(self, *args, **kwargs):
        out, err = original_communicate(self, *args, **kwargs)
        scan_for_canaries(f"subprocess stdout ({self.args})", out)
        scan_for_canaries(f"subprocess stderr ({self.args})", err)
        return out, err

    original_readouterr, original_communicate = CaptureFixture.readouterr, subprocess.Popen.communicate
    with pytest.MonkeyPatch.context() as patch:
        for name in ("call_tool_mcp", "read_resource_mcp", "get_prompt_mcp"):
            patch.setattr(Client, name, scanned(getattr(Client, name), f"MCP result of {name}"))
        patch.setattr(CaptureFixture, "readouterr", readouterr)
        patch.setattr(subprocess.Popen, "communicate", communicate)
        yield


def pytest_runtest_logreport(report):
    """What pytest captured of each test phase: stdout, stderr and log records (a report also repeats
    the earlier phases' sections: each is searched once, with its own phase)."""
    for name, text in report.sections:
        if name.endswith(report.when):
            scan_for_canaries(name.lower(), text, report.nodeid)


def pytest_configure(config):
    # Under pytest-xdist each worker scans what its own tests see; the leaks reach the controller as files here.
    if not hasattr(config, "workerinput"):  # the controller (or a run without xdist): a folder of its own
        os.environ["CANARY_LEAKS_DIR"] = tempfile.mkdtemp(prefix="canary-leaks-")


def pytest_sessionfinish(session):
    folder = Path(os.environ["CANARY_LEAKS_DIR"])
    worker = getattr(session.config, "workerinput", None)
    if worker is not None:  # an xdist worker: hand its findings to the controller
        if canary_leaks:
            (folder / f"{worker['workerid']}.json").write_text(json.dumps(canary_leaks), encoding="utf-8")
        return
    for found in sorted(folder.glob("*.json")):
        canary_leaks.extend(json.loads(found.read_text(encoding="utf-8")))
    canary_leaks[:] = dict.fromkeys(canary_leaks)  # a worker and the controller both read captured output
    if canary_leaks:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    if canary_leaks:
        terminalreporter.section("canary secrets in output", sep="!", red=True)
        for leak in canary_leaks[:30]:
            terminalreporter.line(leak)
        terminalreporter.line(f"{len(canary_leaks)} leak(s); the names and values are CANARIES in tests/conftest.py")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    """No test sees the developer's credentials or .env; retries are instant."""
    for name in list(os.environ):
        if name.startswith(ENV_PREFIXES):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CONNECTOR_MCP_RETRY_MAX_WAIT", "0.01")
    for limit in ("TIKTOK_MARKETING_MAX_QPS", "LINKEDIN_ADS_MAX_QPS", "AIRBYTE_MAX_QPS"):
        monkeypatch.setenv(limit, "0")  # the fakes have no rate limit; tests/test_rate_limit.py sets its own
    monkeypatch.setenv("FASTMCP_CHECK_FOR_UPDATES", "off")
    # `connector-mcp login`'s store: a file in the test's own folder, never the developer's keychain or config.
    monkeypatch.setenv("CONNECTOR_MCP_CREDENTIAL_STORE", "file")
    monkeypatch.setenv("CONNECTOR_MCP_CONFIG_DIR", str(tmp_path / "config"))


class Fake:
    """A sandbox app served on a real socket, with its request log and control routes."""

    def __init__(self, app, url: str):
        self.app = app
        self.url = url

    @property
    def requests(self) -> list[dict]:
        return self.app.state.requests

    def calls(self, fragment: str) -> list[dict]:
        return [r for r in self.requests if fragment in r["path"]]

    def vendor_requests(self, connector_id: str) -> list[dict]:
        """Hosted fake only: what it sent to the vendor fake behind it."""
        return self.app.state.vendor_apps[connector_id].state.requests

    def control(self, route: str, body: dict | None = None) -> dict:
        reply = httpx.post(f"{self.url}/__sandbox__/{route}", json=body or {})
        reply.raise_for_status()
        return reply.json()

    def reset(self) -> None:
        self.control("reset")

    def fault(self, match: str, kind: str, times: int = 1, **extra) -> None:
        self.control("faults", {"match": match, "kind": kind, "times": times, **extra})


def _serve(app):
    with serve_in_thread(app) as url:
        yield Fake(app, url)


@pytest.fixture(scope="session")
def tiktok_fake_session():
    from mcp_server.connectors.tiktok_marketing.sandbox import create_app

    yield from _serve(create_app())


@pytest.fixture(scope="session")
def linkedin_fake_session():
    from mcp_server.connectors.linkedin_ads.sandbox import create_app

    yield from _serve(create_app())


@pytest.fixture
def hosted_fake():
    """A fresh hosted-API fake per test: config, connectors and tokens never leak between tests."""
    from mcp_server.sandbox.hosted import create_app

    yield from _serve(create_app())


@pytest.fixture(scope="module")
def hosted_server():
    """A hosted-API fake shared by a module's tests (they reset it themselves)."""
    from mcp_server.sandbox.hosted import create_app

    yield from _serve(create_app())


def airbyte_env(monkeypatch, url: str) -> None:
    """AIRBYTE_* settings that aim the hosted client at the fake at url."""
    from mcp_server.sandbox.hosted import demo_settings

    for key, value in demo_settings(url).items():
        if value is not None:
            monkeypatch.setenv(f"AIRBYTE_{key.upper()}", str(value))


@pytest.fixture
def tiktok_fake(tiktok_fake_session):
    tiktok_fake_session.reset()
    return tiktok_fake_session


@pytest.fixture
def linkedin_fake(linkedin_fake_session):
    linkedin_fake_session.reset()
    return linkedin_fake_session


class ToolCalls:
    """Call one connector's execute tool through an in-memory MCP client on a fresh server."""

    def __init__(self, tool: str, connector_id: str):
        self.tool = tool
        self.connector_id = connector_id

    async def call(self, arguments: dict):
        from fastmcp import Client

        from mcp_server.server import build_server
        from mcp_server.settings import ServerSettings

        async with Client(build_server(ServerSettings(connectors=[self.connector_id]))) as client:
            return await client.call_tool(self.tool, arguments, raise_on_error=False)

    async def ok(self, arguments: dict) -> dict:
        result = await self.call(arguments)
        assert not result.is_error, result.content[0].text
        return result.structured_content

    async def error_text(self, arguments: dict) -> str:
        result = await self.call(arguments)
        assert result.is_error, result.structured_content
        return result.content[0].text


async def follow_cursor(client, tool: str, arguments: dict, cursor: str | None = None, *, pause: float = 0) -> list[dict]:
    """Every result of a cursor chain from `cursor` (None: the first call), each call resending `arguments`."""
    results = []
    for _ in range(200):
        result = await client.call_tool(tool, {**arguments, "cursor": cursor}, raise_on_error=False)
        assert not result.is_error, result.content[0].text
        results.append(result.structured_content)
        cursor = result.structured_content["next_cursor"]
        if not cursor:
            return results
        await asyncio.sleep(pause)
    raise AssertionError("the chain did not end")


def point_at_fake(monkeypatch, connector_id: str, url: str) -> None:
    """Set the env vars that aim a connector's direct client at a fake served at url."""
    from mcp_server.connectors import REGISTRY

    connector = REGISTRY[connector_id]
    prefix = connector.settings_cls.model_config["env_prefix"]
    for key, value in connector.sandbox_settings(url).items():
        monkeypatch.setenv(f"{prefix}{key.upper()}", str(value))


@pytest.fixture
def direct_env(monkeypatch, tiktok_fake, linkedin_fake):
    """Both connectors in direct mode against their fakes over real sockets."""
    point_at_fake(monkeypatch, "tiktok-marketing", tiktok_fake.url)
    point_at_fake(monkeypatch, "linkedin-ads", linkedin_fake.url)
    return {"tiktok-marketing": tiktok_fake, "linkedin-ads": linkedin_fake}
