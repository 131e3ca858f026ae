"""`connector-mcp login CONNECTOR`, `logout [CONNECTOR]` and `accounts [CONNECTOR] [--default ID]`.

Progress goes to stderr, results to stdout; no secret is ever printed. With --demo each runs against the
sandbox fakes (served on 127.0.0.1 for the login pages) and keeps its records apart from real ones.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from typing import Any

import anyio

from ..errors import ConnectorError
from ..redact import register_secret, scrub
from .store import CredentialStore, StoreError, store_from_settings

DEMO_REDIRECT = "http://127.0.0.1:0/callback"  # --demo: any free port (the sandbox accepts every loopback URL)


def register(sub: Any, common: Any) -> None:
    from ..connectors import REGISTRY

    login = sub.add_parser(
        "login", help="sign in to a vendor in the browser and store the credentials (keychain or a 0600 file)",
        description="Sign in to the vendor (OAuth in your browser, a redirect to this machine) and store what it "
        "issues; the server and every command then read it after the environment and .env.",
    )  # fmt: skip
    common(login, top=False)
    vendors = login.add_subparsers(dest="login_connector", required=True, metavar="CONNECTOR")
    for connector in REGISTRY.values():
        if connector.login is None:
            continue
        one = vendors.add_parser(connector.id, help=connector.login.command_help)
        common(one, top=False)
        connector.login.add_arguments(one)
        one.add_argument("--no-browser", action="store_true", help="print the address instead of opening a browser")
        one.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for the approval (default 300)")
        one.set_defaults(func=cmd_login, connector=connector.id)

    logout = sub.add_parser("logout", help="remove what `login` stored (one connector, or all)")
    common(logout, top=False)
    logout.add_argument("connector", nargs="?", help=" or ".join(REGISTRY) + "; default all")
    logout.set_defaults(func=cmd_logout)

    accounts = sub.add_parser(
        "accounts", help="the ad accounts / advertisers the credentials reach; --default stores the default one"
    )
    common(accounts, top=False)
    accounts.add_argument("connector", nargs="?", help=" or ".join(REGISTRY) + "; default every configured one")
    accounts.add_argument("--default", default=None, metavar="ID", help="store this account as the connector's default")
    accounts.set_defaults(func=cmd_accounts)


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _fail(message: str) -> int:
    print(f"error: {scrub(' '.join(message.split()))}", file=sys.stderr)
    return 1


def _store() -> CredentialStore:
    store = store_from_settings()
    if store is None:
        raise StoreError("CONNECTOR_MCP_CREDENTIAL_STORE=none: nothing can be stored; unset it (auto) or choose keyring or file")
    return store


def _demo(args: argparse.Namespace) -> bool:
    from ..cli import server_settings

    return server_settings(args).demo


@contextlib.contextmanager
def _vendor(connector: Any, demo: bool) -> Iterator[tuple[Any, Any]]:
    """(settings, ClientOptions) for the login: the real vendor, or its fake served on 127.0.0.1."""
    from ..http import ClientOptions

    if not demo:
        yield connector.load_settings(), ClientOptions()
        return
    from ..sandbox.serve import serve_in_thread

    with serve_in_thread(connector.sandbox_app()) as url:
        yield connector.load_settings(stored=False, **connector.sandbox_settings(url)), ClientOptions()


def _follow(url: str) -> bool:
    """--demo's browser: follows the sandbox page's redirect to the loopback listener, as a browser would."""
    import httpx

    httpx.get(url, follow_redirects=True, timeout=30)
    return True


def cmd_login(args: argparse.Namespace) -> int:
    import getpass

    from ..connectors import REGISTRY
    from .flow import Browser
    from .sources import record_key, shadowing
    from .vendor import LoginContext

    connector = REGISTRY[args.connector]
    demo = _demo(args)
    try:
        store = _store()
        with _vendor(connector, demo) as (settings, options):
            if demo:
                _say("sandbox: the fake vendor's authorization page approves at once (no real account involved).")
                args.redirect_url = args.redirect_url or DEMO_REDIRECT
            browser = Browser(_follow if demo else (lambda _url: False) if args.no_browser else None, paste=not demo,
                              opened="sandbox: followed the authorization page as a browser would:" if demo else None)
            prompt = getpass.getpass if sys.stdin is not None and sys.stdin.isatty() else None
            context = LoginContext(browser=browser, say=_say, options=options, demo=demo, timeout=args.timeout, prompt_secret=prompt)
            result = anyio.run(connector.login.login, args, settings, context)
        for name, value in result.settings.items():
            if name in ("access_token", "refresh_token", "client_secret", "secret") and value:
                register_secret(str(value))  # scrubbed from any log line from here on
        key = record_key(connector.id, demo=demo)
        old = store.load(key) or {}
        # Keep a chosen default account; drop a stored MODE=hosted (`hosted connect`): this login is for direct use.
        kept = {k: v for k, v in (old.get("settings") or {}).items() if k != "mode"}
        record = {"settings": {**kept, **result.settings}, "meta": result.meta}
        store.save(key, record)
    except (ConnectorError, StoreError) as exc:
        return _fail(exc.render() if isinstance(exc, ConnectorError) else str(exc))
    for line in result.summary:
        print(line)
    print(f"Stored in the {store.where}{' (sandbox records, used only with --demo)' if demo else ''}.")
    if not demo:
        shadowed = shadowing(connector.settings_cls, result.settings)
        if shadowed:
            print(f"Note: {', '.join(shadowed)} in the environment or .env differ from what was stored and win over it; "
                  "remove them to use the login.")  # fmt: skip
    flag = "--demo " if demo else ""
    print(f"Next: `connector-mcp {flag}accounts {connector.id}` lists what it reaches; `connector-mcp {flag}check` tests it.")
    return 0


def cmd_logout(args: argparse.Namespace) -> int:
    from ..connectors import REGISTRY
    from .sources import record_key

    if args.connector and args.connector not in REGISTRY:
        return _fail(f"unknown connector {args.connector!r}; use one of: {', '.join(REGISTRY)}.")
    demo = _demo(args)
    try:
        store = _store()
        removed = [c for c in ([args.connector] if args.connector else list(REGISTRY)) if store.delete(record_key(c, demo=demo))]
    except StoreError as exc:
        return _fail(str(exc))
    if not removed:
        print(f"Nothing stored{' for ' + args.connector if args.connector else ''} in the {store.where}.")
    for connector_id in removed:
        print(f"{connector_id}: removed what login stored from the {store.where}.")
    return 0


def cmd_accounts(args: argparse.Namespace) -> int:
    from ..cli import server_settings
    from ..connectors import REGISTRY
    from ..runtime import Runtime
    from ..server import _served
    from .accounts import reachable_accounts
    from .sources import stored_record

    if args.connector and args.connector not in REGISTRY:
        return _fail(f"unknown connector {args.connector!r}; use one of: {', '.join(REGISTRY)}.")
    if args.default and not args.connector:
        return _fail("--default needs the connector, e.g. `connector-mcp accounts tiktok-marketing --default ID`.")
    settings = server_settings(args)
    connectors = [REGISTRY[args.connector]] if args.connector else _served(settings)
    runtime = Runtime(settings, connectors)

    async def run() -> int:
        code = 0
        try:
            for connector in connectors:
                if connector.login is None:
                    continue
                mode = runtime.describe_mode(connector)
                if mode["mode"] is None:
                    print(f"{connector.id}: not configured — {mode['error']}")
                    code = 1
                    continue
                try:
                    backend = await runtime.backend(connector)
                    meta = stored_record(connector.id, demo=runtime.demo).get("meta") or {}
                    accounts, more = await reachable_accounts(connector, backend, meta)
                except ConnectorError as exc:
                    print(f"{connector.id}: FAILED — {exc.render()}")
                    code = 1
                    continue
                current = getattr(runtime.connector_settings(connector), connector.login.default_setting, None)
                print(f"{connector.id}: {len(accounts)}{'+' if more else ''} reached")
                for a in accounts:
                    mark = "*" if a.id == str(current) else " "
                    print(f" {mark} {a.id}  {a.name or '?'}  {a.currency or '?'}  {a.time_zone or '?'}  {a.status or ''}".rstrip())
                if args.default:
                    code = max(code, _choose(connector, args.default, accounts, more, _demo(args)))
        finally:
            await runtime.aclose()
        return code

    return anyio.run(run)


def _choose(connector: Any, chosen: str, accounts: list[Any], more: bool, demo: bool) -> int:
    from .sources import env_name, record_key

    chosen = chosen.strip().rsplit(":", 1)[-1]
    if not more and chosen not in {a.id for a in accounts}:
        return _fail(f"{chosen} is not among the accounts these credentials reach; pick one listed above.")
    setting = connector.login.default_setting
    try:
        store = _store()
        key = record_key(connector.id, demo=demo)
        record = store.load(key) or {}
        record.setdefault("settings", {})[setting] = chosen
        record.setdefault("meta", {})
        store.save(key, record)
    except StoreError as exc:
        return _fail(str(exc))
    print(f"Default {env_name(connector.settings_cls, setting)}={chosen} stored in the {store.where}.")
    return 0
