"""`connector-mcp check`: per connector, one authenticated call, the accounts it reaches, where each
credential came from, and the vendor's facts (token expiry, API version sunset). Exits 1 on any problem; each
problem line carries its fix."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..errors import ConnectorError
from .vendor import Fact

SHOWN_ACCOUNTS = 5


def run_check(args: argparse.Namespace) -> int:
    import anyio

    from ..cli import server_settings
    from ..runtime import Runtime
    from ..server import _served

    settings = server_settings(args)
    runtime = Runtime(settings, _served(settings), hosted_demo=bool(args.hosted and settings.demo))

    async def run() -> int:
        ok = problems = 0
        try:
            for connector in runtime.connectors:
                healthy, found = await _one(runtime, connector)
                ok += healthy
                problems += found
        finally:
            await runtime.aclose()
        if not ok and not problems:
            print("no connector is configured; see README (or try --demo)", file=sys.stderr)
        return 0 if ok and not problems else 1

    return anyio.run(run)


async def _one(runtime: Any, connector: Any) -> tuple[int, int]:
    """(1 if its call worked, how many problems) for one connector, printed as it goes."""
    from .accounts import reachable_accounts
    from .sources import env_name, origins_line, stored_record

    mode = runtime.describe_mode(connector)
    if mode["mode"] is None:
        print(f"{connector.id}: not configured — {mode['error']} (Or leave it out with CONNECTOR_MCP_CONNECTORS.)")
        if not runtime.demo:
            print(f"  credentials: {origins_line(connector)}")
        return 0, 1
    try:
        backend = await runtime.backend(connector)
        line = await backend.check()
    except ConnectorError as exc:
        print(f"{connector.id}: FAILED ({mode['mode']}) — {exc.render()}")
        return 0, 1
    print(f"{connector.id}: ok ({backend.name}) — {line}")
    if not runtime.demo:
        print(f"  credentials: {origins_line(connector)}")
    login = connector.login
    if login is None:
        return 1, 0
    facts: list[Fact] = []
    settings = runtime.connector_settings(connector)
    # What login recorded beside the tokens (expiries, advertiser ids); not for hosted mode, whose tokens Airbyte holds.
    meta = stored_record(connector.id, demo=runtime.demo).get("meta") or {} if backend.name == "direct" else {}
    try:
        accounts, more = await reachable_accounts(connector, backend, meta)
        shown = ", ".join(f"{a.id} {a.name or '?'} ({a.currency or '?'}, {a.time_zone or '?'})" for a in accounts[:SHOWN_ACCOUNTS])
        rest = len(accounts) - SHOWN_ACCOUNTS
        extra = f" and {rest}{'+' if more else ''} more" if rest > 0 else ("+" if more else "")
        facts.append(Fact(f"accounts reached: {len(accounts)}{extra}{': ' + shown if shown else ''}"))
        default = getattr(settings, login.default_setting, None)
        setting = env_name(connector.settings_cls, login.default_setting)
        choose = f"Run `connector-mcp accounts {connector.id} --default ID` (or set {setting})."
        if not accounts:
            facts.append(Fact("the credentials reach no account", fix="Give the signed-in user a role on an ad account, then check again."))
        elif not default:
            facts.append(Fact(f"no default account: {setting} is not set, so calls must pass one", fix=choose))
        elif not more and str(default) not in {a.id for a in accounts}:
            facts.append(Fact(f"{setting}={default} is not among the accounts these credentials reach", fix=choose))
        else:
            facts.append(Fact(f"default account {default}"))
    except ConnectorError as exc:
        facts.append(Fact(f"accounts could not be listed: {exc.message}", fix=exc.fix or "Run `connector-mcp check` again."))
    try:
        facts += await login.facts(settings, meta, backend, runtime.options())
    except ConnectorError as exc:
        facts.append(Fact(f"token details could not be read: {exc.message}", fix=exc.fix or "Try again."))
    problems = 0
    for fact in facts:
        if fact.problem:
            problems += 1
            print(f"  PROBLEM: {fact.text}. Fix: {fact.fix}")
        elif fact.warning:
            print(f"  warning: {fact.text}. {fact.fix or ''}".rstrip())
        else:
            print(f"  {fact.text}")
    return 1, problems
