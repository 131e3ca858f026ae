"""The canary-secret scan of tests/conftest.py can fail, and covers every secret setting.

The scan itself runs over the whole session (pytest_sessionfinish fails the run on a hit); these tests
feed it a canary through each channel it watches and take their own finding back out."""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import pytest
from fastmcp import Client, FastMCP
from pydantic import SecretStr

from mcp_server.connectors import REGISTRY
from mcp_server.sandbox.hosted import demo_settings
from mcp_server.settings import AirbyteSettings, ServerSettings
from tests import conftest
from tests.conftest import CANARIES, CANARY_PATTERN, canary_leaks


def secret_settings(settings_cls) -> list[str]:
    prefix = settings_cls.model_config.get("env_prefix", "")
    return [f"{prefix}{name}".upper() for name, f in settings_cls.model_fields.items() if SecretStr in getattr(f.annotation, "__args__", (f.annotation,))]  # fmt: skip


def test_every_secret_setting_has_a_canary_and_the_fakes_use_them():
    classes = [ServerSettings, AirbyteSettings, *(c.settings_cls for c in REGISTRY.values())]
    names = [name for cls in classes for name in secret_settings(cls)]
    assert "TIKTOK_MARKETING_ACCESS_TOKEN" in names and "AIRBYTE_CLIENT_SECRET" in names
    assert set(names) <= set(CANARIES), f"secret settings without a canary: {set(names) - set(CANARIES)}"
    canaries = set(CANARIES.values())
    for connector in REGISTRY.values():  # what point_at_fake sets
        prefix = connector.settings_cls.model_config["env_prefix"]
        for key, value in connector.sandbox_settings("http://fake").items():
            if f"{prefix}{key}".upper() in names:
                assert value in canaries, (connector.id, key)
    assert demo_settings("http://fake")["client_secret"] == CANARIES["AIRBYTE_CLIENT_SECRET"]  # what airbyte_env sets


@pytest.fixture
def findings():
    """The leaks the scan records during one test, removed afterwards (they are planted, not real)."""
    start = len(canary_leaks)
    yield lambda: canary_leaks[start:]
    del canary_leaks[start:]


async def test_a_canary_in_a_tool_result_is_found(findings):
    new = findings
    server = FastMCP("leaky")

    @server.tool
    def leak() -> str:
        return f"token {CANARIES['TIKTOK_MARKETING_ACCESS_TOKEN'][:18]}..."  # a truncated secret is caught too

    async with Client(server) as client:
        await client.call_tool("leak", {})
    assert len(new()) == 1 and "MCP result of call_tool_mcp" in new()[0] and "test_a_canary_in_a_tool_result" in new()[0]


def test_a_canary_read_from_capsys_or_a_subprocess_is_found(findings, capsys):
    new = findings
    print(CANARIES["AIRBYTE_CLIENT_SECRET"])
    capsys.readouterr()
    subprocess.run([sys.executable, "-c", f"import sys; sys.stderr.write({CANARIES['CONNECTOR_MCP_HTTP_TOKEN']!r})"], capture_output=True)
    subprocess.run([sys.executable, "-c", "print('nothing secret')"], capture_output=True)
    assert [leak.split(": ")[1].split(" (")[0] for leak in new()] == ["captured stdout", "subprocess stderr"]


def test_a_canary_in_captured_output_or_a_log_line_is_found(findings):
    new = findings
    report = SimpleNamespace(
        nodeid="tests/x.py::t", when="call",
        sections=[("Captured log call", f"WARNING refreshing with {CANARIES['LINKEDIN_ADS_CLIENT_SECRET']}"),
                  ("Captured stderr setup", CANARIES["TIKTOK_MARKETING_SECRET"]),  # another phase's report searches it
                  ("Captured stdout call", "all clean")],
    )  # fmt: skip
    conftest.pytest_runtest_logreport(report)
    assert len(new()) == 1 and new()[0].startswith("tests/x.py::t: captured log call: ")


def test_the_pattern_matches_every_canary_and_nothing_ordinary():
    for value in CANARIES.values():
        assert CANARY_PATTERN.search(value)
    assert not CANARY_PATTERN.search('{"campaign_name": "Canary Islands - Traffic", "token": "***"}')
