"""Cold start imports only what answering tools/list needs (issue 18): each connector's catalog and settings, never
its client, hosted adapter, report source, writes or login flow, nor httpx (which pulls in rich.syntax and
pygments), the apply path or keyring. Not timed: a real `python -m mcp_server` over stdio answers tools/list and,
at the end of its input, says which modules it imported."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile

import pytest

from mcp_server.changes.spec import check_declaration
from mcp_server.connectors import REGISTRY

from .server_process import clean_env

HANDSHAKE = "".join(json.dumps(m) + "\n" for m in (
    {"jsonrpc": "2.0", "id": 1, "method": "initialize",
     "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "0"}}},
    {"jsonrpc": "2.0", "method": "notifications/initialized"},
    {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
))  # fmt: skip

# Loaded on first use (connector.lazy / connector.deferred, or imported inside the function that needs them).
NOT_AT_START = [
    f"mcp_server.connectors.{package}.{module}"
    for package in ("tiktok_marketing", "linkedin_ads")
    for module in ("client", "hosted", "report", "writes", "write_params", "page_state", "api", "sandbox.app")
]
NOT_AT_START += [
    "mcp_server.changes.apply", "mcp_server.http", "mcp_server.backends.hosted", "mcp_server.sandbox",
    "mcp_server.login.flow", "mcp_server.login.oauth", "mcp_server.reporting.gather", "mcp_server.reporting.assemble",
    "httpx", "pygments", "rich.syntax", "keyring",
]  # fmt: skip


# `python -m mcp_server` that, at exit, writes the modules it imported (sys.modules: -X importtime would miss the
# ones importlib.import_module loads, i.e. everything connector.lazy and connector.deferred load).
RUN_AND_LIST_MODULES = """
import atexit, json, runpy, sys
out = sys.argv[1]
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
sys.argv = ["mcp_server", *sys.argv[2:]]
runpy.run_module("mcp_server", run_name="__main__", alter_sys=True)
"""


def imported_until_tools_list(args: list[str], env: dict[str, str], tmp_path) -> tuple[set[str], list[str]]:
    """(modules imported, tool names) of `python -m mcp_server *args` over stdio, answering tools/list then ending
    at the end of its input."""
    modules_file = tmp_path / "modules.json"
    with tempfile.TemporaryFile("w+") as log:  # a file: a stderr pipe nobody reads could fill and block it
        proc = subprocess.Popen([sys.executable, "-c", RUN_AND_LIST_MODULES, str(modules_file), *args],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True, env=env)  # fmt: skip
        proc.stdin.write(HANDSHAKE)
        proc.stdin.flush()
        tools = None
        while tools is None and (line := proc.stdout.readline()):  # stdin stays open until the answer (EOF ends it)
            answer = json.loads(line) if line.startswith("{") else {}
            tools = answer["result"]["tools"] if answer.get("id") == 2 else None
        proc.stdin.close()
        proc.wait(30)
        log.seek(0)
        stderr = log.read()
    assert tools is not None, stderr[-3000:]
    assert modules_file.exists(), stderr[-3000:]
    return set(json.loads(modules_file.read_text())), [t["name"] for t in tools]


@pytest.mark.parametrize("demo", [False, True], ids=["configured-nothing", "demo"])
def test_tools_list_imports_no_vendor_code(tmp_path, demo):
    config = tmp_path / "config"
    config.mkdir()
    # Every login logged out leaves an empty keychain index: still nothing to read, so keyring stays unimported.
    (config / "keychain-index.json").write_text("[]", encoding="utf-8")
    env = clean_env(CONNECTOR_MCP_CONFIG_DIR=str(config))
    modules, tools = imported_until_tools_list(["--demo"] if demo else [], env, tmp_path)
    assert "tiktok_marketing_execute" in tools and "ads_report" in tools
    if demo:
        assert "apply_change" in tools  # writes are on in the demo: the tool is listed, its code not imported
    # the guard sees imports at all: the catalogs are there
    assert "mcp_server.connectors.linkedin_ads.catalog" in modules
    assert "mcp_server.connectors.tiktok_marketing.catalog" in modules
    loaded = sorted(m for m in NOT_AT_START if m in modules)
    assert loaded == [], f"imported to answer tools/list: {loaded}"


def test_every_write_action_has_a_handler():
    """The check each connector's __init__ made at import, now that its writes load on first use."""
    for connector in REGISTRY.values():
        check_declaration(connector.catalog, connector.writes)
    assert REGISTRY["tiktok-marketing"].writes.handlers  # the deferred declaration resolves to the real one
