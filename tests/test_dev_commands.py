"""The README's commands do what the README says they do."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

from fastmcp import Client

from mcp_server.server import build_server
from mcp_server.settings import ServerSettings


ROOT = Path(__file__).resolve().parent.parent


def readme_test_command() -> list[str]:
    """The test command of the README's "Try it" block, without its comment."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = next(line for line in readme.splitlines() if line.startswith(".venv/bin/python -m pytest"))
    return line.split("#")[0].split()[1:]  # .venv/bin/python is this interpreter


def test_the_target_of_the_runs_below():
    assert True


def test_the_readme_test_command_ends_with_the_passed_line():
    """addopts once held -q, so the README's `pytest -q` became -qq and printed only dots. Run here with one more
    -q than documented (one run, to stay quick): if that still ends with "1 passed", so does the command as written."""
    target = "tests/test_dev_commands.py::test_the_target_of_the_runs_below"
    command = [sys.executable, *readme_test_command(), "-q", target]
    assert command[1:3] == ["-m", "pytest"]
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    last = proc.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"=*\s*1 passed in [\d.]+s( \([\d:]+\))?\s*=*", last), proc.stdout


def inspector_call() -> tuple[str, dict]:
    """The README's Inspector tools/call example: its tool and arguments, each value read as the Inspector's CLI
    reads `--tool-arg key=value` (JSON when it parses, else the string)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = next(b for b in readme.split("```bash")[1:] if "--method tools/call" in b.split("```")[0]).split("```")[0]
    words = shlex.split(block.replace("\\\n", " "))
    tool = words[words.index("--tool-name") + 1]
    arguments = {}
    for index, word in enumerate(words):
        if word == "--tool-arg":
            key, _, value = words[index + 1].partition("=")
            try:
                arguments[key] = json.loads(value)
            except json.JSONDecodeError:
                arguments[key] = value
    return tool, arguments


async def test_the_readme_inspector_call_returns_rows_that_can_be_told_apart():
    tool, arguments = inspector_call()
    async with Client(build_server(ServerSettings(demo=True))) as client:
        result = await client.call_tool(tool, arguments, raise_on_error=False)
    assert not result.is_error, result.content[0].text
    rows = result.structured_content["data"]
    assert len(rows) == arguments["limit"]
    assert all(row["campaign_id"] and row["campaign_name"] for row in rows)
    assert len({row["campaign_id"] for row in rows}) == len(rows)  # one row per campaign, each named
