"""`connector-mcp changes` prints the journal; `connector-mcp apply CHANGE_ID` applies a previewed change
after a terminal confirmation (`--yes` for scripts). Previews come from `connector-mcp call` with a write
action. A change id from another process is accepted only when both share CONNECTOR_MCP_SECRET_KEY."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import shutil
import sys
import textwrap
from collections.abc import Callable
from typing import Any

import anyio

from ..errors import ConnectorError
from ..redact import scrub
from .journal import Journal
from .summary import value_text

KEY_SETTING = "CONNECTOR_MCP_SECRET_KEY"


def register(subparsers: Any, common: Callable[..., None]) -> None:
    changes = subparsers.add_parser("changes", help="print the journal of applied changes")
    common(changes, top=False)
    changes.add_argument("--last", type=int, default=None, help="only the last N entries")
    changes.add_argument("--json", action="store_true", help="one JSON object per line, as stored")
    changes.set_defaults(func=cmd_changes)

    apply = subparsers.add_parser(
        "apply",
        help="apply a previewed change (meta.change_id) after confirming in the terminal",
        epilog="preview with: connector-mcp call tiktok-marketing campaigns update --params '{...}'",
    )
    common(apply, top=False)
    apply.add_argument("change_id")
    apply.add_argument("--yes", action="store_true", help="do not ask (scripts): the command line is the confirmation")
    apply.set_defaults(func=cmd_apply)


def _lines(entry: dict[str, Any], width: int) -> list[str]:
    """One entry as a heading and indented lines wrapped to the terminal (80 columns when not a terminal)."""
    caller = entry.get("caller") or {}
    who = caller.get("subject") or caller.get("client_id") or caller.get("terminal_user")
    facts = [f"account {entry.get('account')}"] + ([f"by {who}"] if who else [])
    if entry.get("request_ids"):
        facts.append(f"request ids {', '.join(entry['request_ids'])}")
    if entry.get("created_ids"):
        facts.append(f"created {', '.join(map(str, entry['created_ids']))}")
    parts = ["; ".join(facts)]
    for oid, after in (entry.get("after") or {}).items():
        before = (entry.get("before") or {}).get(oid) or {}
        fields = ", ".join(f"{k} {value_text(before.get(k)) + ' → ' if k in before else ''}{value_text(v)}"
                           for k, v in (after or {}).items())  # fmt: skip
        parts.append(f"{oid}: {fields or '(none)'}")
    if entry.get("error"):
        parts.append(f"error: {entry['error']}")
    head = f"{entry.get('time')} {str(entry.get('result', '?')).upper()} {entry.get('connector')} {entry.get('entity')}.{entry.get('action')}"
    wrap = textwrap.TextWrapper(width=width, initial_indent="  ", subsequent_indent="      ", break_on_hyphens=False)
    return [head] + [line for part in parts for line in wrap.wrap(part)]


def cmd_changes(args: argparse.Namespace) -> int:
    from ..cli import server_settings

    journal = Journal(server_settings(args).journal_path)
    entries = journal.entries()
    if args.last:
        entries = entries[-args.last :]
    if not entries:
        print(f"No changes recorded in {journal.path}.", file=sys.stderr)
        return 0
    width = max(40, shutil.get_terminal_size((80, 24)).columns)
    for entry in entries:
        print(json.dumps(entry, ensure_ascii=False) if args.json else "\n".join(_lines(entry, width)))
    return 0


def cmd_apply(args: argparse.Namespace) -> int:
    from .. import signing
    from ..cli import fail, server_settings
    from ..connectors import REGISTRY
    from ..runtime import Runtime
    from .apply import Answer, Applier
    from .service import WRITES_SETTING, Changes

    settings = server_settings(args)
    key = getattr(settings, "secret_key", None)  # the setting, where this build has it; else the environment
    signing.use_key(key.get_secret_value() if key is not None else os.environ.get(KEY_SETTING))
    if not signing.key_is_shared():  # this process's random key cannot verify an id another process signed
        return fail(f"{KEY_SETTING} is not set, so this command cannot verify a change id that another process "
                    f"(`connector-mcp call`, a server) previewed. Set the same {KEY_SETTING} (32+ characters) for "
                    "both, preview again, and apply the new change_id.")  # fmt: skip
    connectors = [REGISTRY[c] for c in settings.connectors or REGISTRY if c in REGISTRY]
    runtime = Runtime(settings, connectors, hosted_demo=bool(args.hosted and settings.demo))
    changes = Changes(settings, runtime, connectors)
    if not changes.writes_on:
        return fail(f"writes are off: set {WRITES_SETTING}=on to apply changes.")

    async def confirm(summary: str) -> Answer:
        print(scrub(summary), file=sys.stderr)
        if args.yes:
            return "approved"
        try:
            reply = await anyio.to_thread.run_sync(input, "Apply this change? [y/N] ")
        except EOFError:
            reply = ""
        return "accept" if reply.strip().lower() in ("y", "yes") else "decline"

    async def run() -> dict[str, Any]:
        try:
            return await Applier(changes).apply(args.change_id, confirm, {"terminal_user": getpass.getuser()})
        finally:
            await runtime.aclose()

    try:
        result = anyio.run(run)
    except ConnectorError as exc:
        return fail(exc.render())
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0
