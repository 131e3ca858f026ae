"""python -m bundle [--out DIR] | --server-json [--check]"""

from __future__ import annotations

import argparse
import json
import sys
import zipfile
from pathlib import Path

from .manifest import manifest, server_json
from .project import ROOT, project

# What the bundle carries besides manifest.json: what `uv run` needs to install and start the server.
CONTENTS = ("pyproject.toml", "README.md", "LICENSE", "mcp_server")
SERVER_JSON = ROOT / "server.json"


def _files(root: Path):
    for name in CONTENTS:
        path = root / name
        if path.is_file():
            yield path
        else:
            yield from sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def build(out: Path, root: Path = ROOT) -> Path:
    """Write dist/<name>-<version>.mcpb: a zip with manifest.json at its root, as `mcpb pack` makes."""
    meta = project(root)
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{meta.name}-{meta.version}.mcpb"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest(meta), indent=2) + "\n")
        for path in _files(root):
            archive.write(path, path.relative_to(root).as_posix())
    return target


def server_json_text(root: Path = ROOT) -> str:
    return json.dumps(server_json(project(root)), indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bundle", description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="where the .mcpb goes (default dist/)")
    parser.add_argument("--server-json", action="store_true", help="rewrite server.json instead")
    parser.add_argument("--check", action="store_true", help="with --server-json: only say whether it is current")
    args = parser.parse_args(argv)
    if args.server_json:
        text = server_json_text()
        if args.check:
            current = SERVER_JSON.read_text(encoding="utf-8") == text
            print("server.json is current" if current else "server.json is stale: run python -m bundle --server-json")
            return 0 if current else 1
        SERVER_JSON.write_text(text, encoding="utf-8")
        print(SERVER_JSON)
        return 0
    print(build(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
