"""What pyproject.toml says about the project, read once for the bundle and the registry entry."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Project:
    name: str
    version: str
    description: str
    license: str
    keywords: list[str]
    author: str
    repository: str
    issues: str
    documentation: str
    requires_python: str

    @property
    def registry_name(self) -> str:
        """The MCP registry name: io.github.<owner>/<repo>, the namespace GitHub login proves."""
        owner, repo = re.fullmatch(r"https://github\.com/([^/]+)/([^/]+)", self.repository).groups()  # type: ignore[union-attr]
        return f"io.github.{owner}/{repo}"


def project(root: Path = ROOT) -> Project:
    meta = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    urls = meta["urls"]
    return Project(
        name=meta["name"],
        version=meta["version"],
        description=meta["description"],
        license=meta["license"],
        keywords=list(meta["keywords"]),
        author=meta["authors"][0]["name"],
        repository=urls["Repository"],
        issues=urls["Issues"],
        documentation=urls["Documentation"],
        requires_python=meta["requires-python"],
    )
