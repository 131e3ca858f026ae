"""What a package index and the MCP registry read: pyproject's metadata, server.json, and `uvx connector-mcp`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import mcp_server
from bundle.__main__ import server_json_text
from bundle.inputs import inputs
from bundle.project import ROOT, project

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
SERVER_JSON = json.loads((ROOT / "server.json").read_text(encoding="utf-8"))
# Facts of the registry's server.json schema, 2025-12-11 (modelcontextprotocol/registry,
# docs/reference/server-json: ServerDetail requires name, description, version; name matches this pattern
# (3-200 characters); description is 1-100 characters; a package requires registryType, identifier and transport,
# and its version must be exact, never "latest"). The official registry takes PyPI packages from pypi.org only,
# and proves ownership by "mcp-name: <name>" in the package's README.
SCHEMA = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json"
NAME = re.compile(r"^[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+$")


def test_the_package_metadata_is_complete():
    for key in ("name", "version", "description", "readme", "license", "license-files", "authors", "keywords",
                "classifiers", "urls", "requires-python", "scripts"):  # fmt: skip
        assert PYPROJECT.get(key), key
    assert PYPROJECT["version"] == mcp_server.__version__
    assert all((ROOT / path).is_file() for path in PYPROJECT["license-files"])
    assert {"Repository", "Issues", "Documentation"} <= set(PYPROJECT["urls"])
    minimum = tuple(int(n) for n in re.search(r">=(\d+)\.(\d+)", PYPROJECT["requires-python"]).groups())
    versions = {
        tuple(int(n) for n in c.rsplit(":: ", 1)[1].split("."))
        for c in PYPROJECT["classifiers"]
        if re.search(r"Python :: \d+\.\d+$", c)
    }
    assert versions and min(versions) == minimum  # classifiers start where requires-python does
    assert not [c for c in PYPROJECT["classifiers"] if c.startswith("License ::")]  # the SPDX `license` says it


def test_server_json_is_generated_and_current():
    assert (ROOT / "server.json").read_text(encoding="utf-8") == server_json_text(), "run: python -m bundle --server-json"


def test_server_json_meets_the_registry_schema():
    entry = SERVER_JSON
    assert entry["$schema"] == SCHEMA
    for key in ("name", "description", "version"):
        assert entry.get(key), key
    assert NAME.match(entry["name"]) and 3 <= len(entry["name"]) <= 200
    assert 1 <= len(entry["description"]) <= 100
    assert entry["version"] == PYPROJECT["version"]
    assert entry["name"] == project().registry_name
    assert entry["repository"] == {"url": PYPROJECT["urls"]["Repository"], "source": "github"}
    (package,) = entry["packages"]
    for key in ("registryType", "identifier", "transport"):
        assert package.get(key), key
    assert package["registryType"] == "pypi" and package["registryBaseUrl"] == "https://pypi.org"
    assert package["identifier"] == PYPROJECT["name"] and package["version"] == PYPROJECT["version"] != "latest"
    assert package["runtimeHint"] == "uvx" and package["transport"] == {"type": "stdio"}
    variables = {v["name"]: v for v in package["environmentVariables"]}
    assert list(variables) == [item.env for item in inputs()]
    assert all(variables[item.env]["isSecret"] == item.secret for item in inputs())


def test_the_readme_names_the_registry_entry():
    """PyPI publishes the README as the description; the registry looks there for the marker."""
    assert f"mcp-name: {SERVER_JSON['name']}" in (ROOT / PYPROJECT["readme"]).read_text(encoding="utf-8")


def uvx() -> str | None:
    return shutil.which("uvx") or next((str(p) for p in [Path(sys.executable).parent / "uvx"] if p.exists()), None)


@pytest.mark.skipif(uvx() is None, reason="uv is not installed (pip install -e '.[test]' brings it)")
def test_uvx_runs_the_server_from_the_repository(tmp_path):
    """`uvx --from <checkout> connector-mcp` builds the wheel as PyPI would get it; the sandbox must be in it."""
    done = subprocess.run(
        [uvx(), "--from", str(ROOT), "connector-mcp", "--demo", "call", "tiktok-marketing", "campaigns", "list",
         "--limit", "1", "--fields", "campaign_id"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert result["meta"]["sandbox"] is True and len(result["data"]) == 1
