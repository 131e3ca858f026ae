"""The MCP bundle's manifest.json and the MCP registry's server.json, from pyproject.toml and bundle/inputs.py.

Bundle format: modelcontextprotocol/mcpb MANIFEST.md and src/schemas/0.4.ts (manifest_version 0.4 adds the `uv`
server type: the host installs the dependencies pyproject.toml declares; the strict schema still requires
`mcp_config`). Registry format: the server.json schema of 2025-12-11 (modelcontextprotocol/registry).
"""

from __future__ import annotations

from typing import Any

import anyio
from fastmcp import Client

from .inputs import Input, inputs
from .project import Project

MANIFEST_VERSION = "0.4"
REGISTRY_SCHEMA = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json"
ENTRY_POINT = "mcp_server/__main__.py"
# The host runs the server with uv from the unpacked bundle: uv reads pyproject.toml there, installs the
# dependencies in a virtual environment beside it (once), and starts the `connector-mcp` script (stdio).
COMMAND = "uv"
ARGS = ["run", "--directory", "${__dirname}", "connector-mcp"]
# The services the server sends the user's requests to (the manifest asks for them when a bundle reaches out).
PRIVACY_POLICIES = [
    "https://www.linkedin.com/legal/privacy-policy",
    "https://www.tiktok.com/legal/page/global/privacy-policy/en",
    "https://airbyte.com/privacy-policy",
]


def user_setting(item: Input) -> dict[str, Any]:
    """A bundle user setting. A secret is `sensitive` (the client keeps it in the OS keychain). Every setting has
    a default: the mcpb loader leaves "${user_config.x}" as it is in the env when a setting has neither a value
    nor a default, and the server would read that text as a token; "" counts as unset."""
    setting: dict[str, Any] = {"type": item.kind, "title": item.title, "description": item.description}
    if item.secret:
        setting["sensitive"] = True
    setting["required"] = False
    setting["default"] = item.default
    return setting


def tools() -> list[dict[str, str]]:
    """The tools a default server lists, each with its description's first sentence (writes off: with --demo
    alone they would be on, and apply_change listed)."""
    from mcp_server.server import build_server
    from mcp_server.settings import ServerSettings

    async def listed() -> list[Any]:
        async with Client(build_server(ServerSettings(demo=True, connectors=None, writes=False))) as client:
            return await client.list_tools()

    return [{"name": t.name, "description": (t.description or "").split(". ")[0].rstrip(".") + "."} for t in anyio.run(listed)]


def manifest(meta: Project) -> dict[str, Any]:
    items = inputs()
    return {
        "manifest_version": MANIFEST_VERSION,
        "name": meta.name,
        "display_name": "LinkedIn Ads and TikTok Marketing (connector-mcp)",
        "version": meta.version,
        "description": meta.description,
        "long_description": (
            "Read LinkedIn Ads and TikTok Marketing accounts: campaigns, ads, audiences, reports and one report "
            "across both platforms. Give the credentials of the platforms you use below (they are kept in your "
            "system keychain), or none after `connector-mcp login`. Calls go to the vendors directly, or through "
            "Airbyte's hosted API with the Airbyte settings."
        ),
        "author": {"name": meta.author},
        "repository": {"type": "git", "url": meta.repository},
        "homepage": meta.repository,
        "documentation": meta.documentation,
        "support": meta.issues,
        "license": meta.license,
        "keywords": meta.keywords,
        "privacy_policies": PRIVACY_POLICIES,
        "server": {
            "type": "uv",
            "entry_point": ENTRY_POINT,
            "mcp_config": {
                "command": COMMAND,
                "args": ARGS,
                "env": {item.env: f"${{user_config.{item.key}}}" for item in items},
            },
        },
        "tools": tools(),
        "tools_generated": True,  # the writes switch adds tools
        "compatibility": {
            "platforms": ["darwin", "win32", "linux"],
            "runtimes": {"python": meta.requires_python},
        },
        "user_config": {item.key: user_setting(item) for item in items},
    }


def server_json(meta: Project) -> dict[str, Any]:
    """The MCP registry entry: the PyPI package, run with uvx over stdio, and its environment variables."""
    return {
        "$schema": REGISTRY_SCHEMA,
        "name": meta.registry_name,
        "title": "LinkedIn Ads and TikTok Marketing",
        "description": "Read LinkedIn Ads and TikTok Marketing: campaigns, reports, one report across both.",
        "repository": {"url": meta.repository, "source": "github"},
        "version": meta.version,
        "websiteUrl": meta.documentation,
        "packages": [
            {
                "registryType": "pypi",
                "registryBaseUrl": "https://pypi.org",
                "identifier": meta.name,
                "version": meta.version,
                "runtimeHint": "uvx",
                "transport": {"type": "stdio"},
                "environmentVariables": [
                    {
                        "name": item.env,
                        "description": item.description,
                        "isRequired": False,
                        "isSecret": item.secret,
                        **({"format": "boolean", "default": "false"} if item.kind == "boolean" else {}),
                    }
                    for item in inputs()
                ],
            }
        ],
    }
