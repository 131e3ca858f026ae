"""The README's development commands print what the README says they print."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path


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
