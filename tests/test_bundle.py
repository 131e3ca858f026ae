"""The MCP bundle for Claude Desktop (python -m bundle): its manifest passes the official validator, keeps every
credential in the client's keychain, and the command it declares serves MCP over stdio."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from fastmcp import Client
from fastmcp.client.transports import StdioTransport

from bundle.__main__ import build
from bundle.inputs import secret_settings, settings_classes
from bundle.project import project

# The official CLI, from npm (major version pinned: a new manifest format is a deliberate change here).
MCPB = ["npx", "-y", "@anthropic-ai/mcpb@2"]
NO_NPX = "npx is not installed (Node.js); CI has it. The manifest's own checks below still run."


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    """The built .mcpb, unpacked as a client unpacks it."""
    archive = build(tmp_path_factory.mktemp("dist"))
    unpacked = tmp_path_factory.mktemp("installed")
    with zipfile.ZipFile(archive) as mcpb:
        mcpb.extractall(unpacked)
    return unpacked


@pytest.fixture(scope="module")
def manifest(bundle) -> dict:
    return json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))


def mcpb(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*MCPB, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.mark.skipif(shutil.which("npx") is None, reason=NO_NPX)
def test_the_official_cli_validates_the_manifest_and_refuses_a_broken_one(bundle, manifest, tmp_path):
    done = mcpb("validate", str(bundle / "manifest.json"), cwd=tmp_path)
    assert done.returncode == 0 and "validation passes" in done.stdout, done.stdout + done.stderr
    broken = json.loads(json.dumps(manifest))
    del broken["server"]["mcp_config"]  # the strict schema requires it, even for the uv type
    (tmp_path / "manifest.json").write_text(json.dumps(broken), encoding="utf-8")
    refused = mcpb("validate", str(tmp_path / "manifest.json"), cwd=tmp_path)
    assert refused.returncode == 1 and "mcp_config" in refused.stdout + refused.stderr


def test_the_bundle_carries_the_project_and_no_local_state(bundle, manifest):
    meta = project()
    assert manifest["manifest_version"] == "0.4" and manifest["server"]["type"] == "uv"
    assert (manifest["name"], manifest["version"]) == (meta.name, meta.version)
    assert (bundle / manifest["server"]["entry_point"]).is_file()
    for needed in ("pyproject.toml", "README.md", "LICENSE", "mcp_server/connectors/linkedin_ads/sandbox/app.py"):
        assert (bundle / needed).is_file(), needed
    names = [p.relative_to(bundle).as_posix() for p in bundle.rglob("*")]
    assert not [n for n in names if "__pycache__" in n or n.startswith((".venv", "tests", "bench", ".env"))]


def test_every_credential_is_a_sensitive_setting_and_writes_are_off_by_default(manifest):
    config, env = manifest["user_config"], manifest["server"]["mcp_config"]["env"]
    secrets = secret_settings()
    assert {"TIKTOK_MARKETING_ACCESS_TOKEN", "LINKEDIN_ADS_REFRESH_TOKEN", "AIRBYTE_CLIENT_SECRET"} <= secrets
    for name in secrets:  # every SecretStr setting of every connector and of Airbyte
        key = name.lower()
        assert env[name] == f"${{user_config.{key}}}", name
        assert config[key]["sensitive"] is True and config[key]["type"] == "string", name
    for key, setting in config.items():
        assert setting.get("sensitive", False) == (key.upper() in secrets), key
        assert env[key.upper()] == f"${{user_config.{key}}}"
    writes = config["connector_mcp_writes"]
    assert writes["type"] == "boolean" and writes["default"] is False
    # each is a setting the server reads: a field of a connector's or Airbyte's settings (or the writes switch,
    # a server setting)
    known = {f"{cls.model_config['env_prefix']}{field}".upper() for cls in settings_classes() for field in cls.model_fields}
    assert set(env) <= known | {"CONNECTOR_MCP_WRITES"}


def substitute(value, variables: dict[str, str]):
    """What the host does to mcp_config (mcpb src/shared/config.ts, replaceVariables): each ${name} it has a value
    for is replaced; any other stays as it is."""
    if isinstance(value, str):
        return re.sub(r"\$\{([^}]+)\}", lambda m: variables.get(m.group(1), m.group(0)), value)
    if isinstance(value, list):
        return [substitute(v, variables) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, variables) for k, v in value.items()}
    return value


def host_config(manifest: dict, bundle: Path) -> dict:
    """mcp_config as a host runs it when the user filled in nothing: the manifest's defaults only
    (getMcpConfigForManifest: booleans become "true"/"false")."""
    variables = {"__dirname": str(bundle), "HOME": str(Path.home()), "/": os.sep, "pathSeparator": os.sep}
    for key, setting in manifest["user_config"].items():
        if "default" in setting:
            default = setting["default"]
            variables[f"user_config.{key}"] = ("true" if default else "false") if isinstance(default, bool) else str(default)
    return substitute(manifest["server"]["mcp_config"], variables)


def test_nothing_filled_in_leaves_no_placeholder_for_the_server_to_read(manifest, bundle):
    """Without a default, an empty setting would reach the server as the text "${user_config.x}" (a token)."""
    config = host_config(manifest, bundle)
    assert "${" not in json.dumps(config), config
    assert config["env"]["CONNECTOR_MCP_WRITES"] == "false"
    assert all(value == "" for name, value in config["env"].items() if name != "CONNECTOR_MCP_WRITES")


def uv_command() -> str | None:
    """`uv` as a host finds it; the test extra installs it beside this interpreter."""
    return shutil.which("uv") or next((str(p) for p in [Path(sys.executable).parent / "uv"] if p.exists()), None)


@pytest.mark.skipif(uv_command() is None, reason="uv is not installed (pip install -e '.[test]' brings it)")
async def test_the_declared_command_serves_mcp_over_stdio(manifest, bundle, tmp_path):
    config = host_config(manifest, bundle)
    assert config["command"] == "uv"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TIKTOK_", "LINKEDIN_", "AIRBYTE_", "CONNECTOR_MCP_"))}
    env.update(config["env"])
    transport = StdioTransport(command=uv_command(), args=config["args"], env=env, cwd=str(tmp_path))
    # mode="legacy": the initialize handshake, as desktop clients open a stdio server
    async with Client(transport, timeout=300, init_timeout=300, mode="legacy") as client:
        assert client.initialize_result.server_info.name == "connector-mcp"
        listed = {tool.name for tool in await client.list_tools()}
    assert {"linkedin_ads_execute", "tiktok_marketing_execute", "describe", "ads_report"} <= listed
    assert {tool["name"] for tool in manifest["tools"]} <= listed
