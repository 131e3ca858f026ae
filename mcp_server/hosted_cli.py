"""`connector-mcp hosted ...`: set up connectors in Airbyte's hosted Agent API.

create  — create a connector from the vendor credentials in the environment (never from the command line)
oauth   — start Airbyte's server-side OAuth and print the consent URL
finish  — create the connector from the secret_id Airbyte's redirect carried back
connect — oauth + consent + finish in one step, the redirect caught on 127.0.0.1; stores the connector id
list    — the connectors in the workspace

Success prints JSON on stdout; failure prints one line on stderr and exits 1.
With --demo everything runs against the in-process hosted fake.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import anyio

from .errors import ConnectorError, InvalidParams, NotConfigured
from .redact import scrub

DEMO_URL = "http://airbyte.sandbox"
Command = Callable[[argparse.Namespace, Any], Awaitable[Any]]


def register(subparsers: Any) -> None:
    hosted = subparsers.add_parser("hosted", help="connect, create and list connectors in Airbyte's hosted Agent API")
    commands = hosted.add_subparsers(dest="hosted_command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--demo", action="store_true", default=argparse.SUPPRESS, help="use the built-in hosted sandbox")
    common.add_argument("--workspace", default=None, help="workspace name (default AIRBYTE_WORKSPACE_NAME, else 'default')")
    common.add_argument(
        "--customer-name-style", action="store_true", help="send the legacy customer_name field instead of workspace_name"
    )

    create = commands.add_parser("create", parents=[common], help="create a connector from the vendor settings")
    _connector_arg(create)
    _name_and_start(create)
    create.set_defaults(func=_sync(_create))

    oauth = commands.add_parser("oauth", parents=[common], help="start server-side OAuth; prints the consent URL")
    _connector_arg(oauth)
    oauth.add_argument("--redirect-url", required=True, help="where Airbyte sends the user back (?secret_id=... or ?connector_id=...)")
    oauth.set_defaults(func=_sync(_oauth))

    finish = commands.add_parser("finish", parents=[common], help="create the connector from an OAuth secret_id")
    _connector_arg(finish)
    finish.add_argument("--secret-id", required=True, help="the secret_id query parameter of the redirect")
    _name_and_start(finish)
    finish.set_defaults(func=_sync(_finish))

    connect = commands.add_parser(
        "connect", parents=[common],
        help="server-side OAuth in one step: consent in the browser, the connector created, its id stored",
    )  # fmt: skip
    _connector_arg(connect)
    connect.add_argument("--name", default=None, help="display name in Airbyte (default '<connector title> (connector-mcp)')")
    connect.add_argument("--start-date", type=_date, default=None, help="replication start date YYYY-MM-DD (default a year ago)")
    connect.add_argument("--no-browser", action="store_true", help="print the consent address instead of opening a browser")
    connect.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for the consent (default 300)")
    connect.set_defaults(func=_connect_command)

    listing = commands.add_parser("list", parents=[common], help="list the connectors in the workspace")
    listing.add_argument("connector", nargs="?", help="only this connector type (e.g. linkedin-ads)")
    listing.set_defaults(func=_sync(_list))


def _connector_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("connector", help="connector id: linkedin-ads or tiktok-marketing")


def _name_and_start(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--name", required=True, help="display name in Airbyte")
    parser.add_argument("--start-date", required=True, type=_date, help="replication start date YYYY-MM-DD (UTC)")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; use YYYY-MM-DD") from None


def _sync(command: Command) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        try:
            result = anyio.run(_with_client, command, args)
        except ConnectorError as error:
            print(f"error: {scrub(' '.join(error.render().split()))}", file=sys.stderr)
            return 1
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0

    return run


async def _with_client(command: Command, args: argparse.Namespace) -> Any:
    from .backends.hosted import HostedClient
    from .http import ClientOptions
    from .settings import AirbyteSettings

    overrides: dict[str, Any] = {}
    options = ClientOptions()
    if getattr(args, "demo", False):
        import httpx

        from .sandbox.hosted import create_app, demo_settings

        overrides = demo_settings(DEMO_URL)
        options = ClientOptions(transport=httpx.ASGITransport(create_app()))
    if args.workspace:
        overrides["workspace_name"] = args.workspace
    client = HostedClient(AirbyteSettings(**overrides), options)
    try:
        return await command(args, client)
    finally:
        await client.aclose()


def _connector(name: str | None):
    from .connectors import REGISTRY

    if name not in REGISTRY:
        raise InvalidParams(f"unknown connector {name!r}.", fix=f"Use one of: {', '.join(REGISTRY)}.")
    return REGISTRY[name]


def _env_setting(connector: Any) -> str:
    return connector.settings_cls.model_config.get("env_prefix", "") + "CONNECTOR_ID"


def _created(connector: Any, client: Any, reply: dict[str, Any]) -> dict[str, Any]:
    return {
        "connector": reply,
        "workspace": client.workspace,
        "next": f"Set {_env_setting(connector)}={reply.get('id')} and {connector.settings_cls.model_config.get('env_prefix', '')}MODE=hosted.",
    }


async def _create(args: argparse.Namespace, client: Any) -> Any:
    connector = _connector(args.connector)
    if connector.hosted is None or not hasattr(connector.hosted, "credentials"):
        raise NotConfigured(f"{connector.title} has no hosted support yet.")
    settings = connector.load_settings(**(connector.sandbox_settings("http://vendor.sandbox") if getattr(args, "demo", False) else {}))
    body = {
        "connector_type": connector.airbyte_connector_type,
        "name": args.name,
        "credentials": connector.hosted.credentials(settings),
        "replication_config": {"start_date": args.start_date.isoformat()},
    }
    reply = await client.create_connector(body, legacy=args.customer_name_style)
    return _created(connector, client, reply)


async def _oauth(args: argparse.Namespace, client: Any) -> Any:
    connector = _connector(args.connector)
    body = {"connector_type": connector.airbyte_connector_type, "redirect_url": args.redirect_url}
    reply = await client.initiate_oauth(body, legacy=args.customer_name_style)
    return {
        "consent_url": reply.get("consent_url"),
        "next": "Open the consent URL. Airbyte redirects to --redirect-url with ?secret_id=... (then run "
        f"`connector-mcp hosted finish {connector.id} --secret-id ...`) or ?connector_id=... (then set {_env_setting(connector)}).",
    }


async def _finish(args: argparse.Namespace, client: Any) -> Any:
    connector = _connector(args.connector)
    body = {
        "connector_type": connector.airbyte_connector_type,
        "name": args.name,
        "server_side_oauth_secret_id": args.secret_id,
        "replication_config": {"start_date": args.start_date.isoformat()},
    }
    reply = await client.create_connector(body, legacy=args.customer_name_style)
    return _created(connector, client, reply)


async def _list(args: argparse.Namespace, client: Any) -> Any:
    from .connectors import REGISTRY

    by_definition = {c.airbyte_definition_id: c.id for c in REGISTRY.values()}
    wanted = _connector(args.connector).airbyte_definition_id if args.connector else None
    found = await client.list_connectors(wanted, legacy=args.customer_name_style)
    rows = []
    for item in found:
        definition = (item.get("summarized_source_template") or {}).get("actor_definition_id")
        rows.append({"id": item.get("id"), "name": item.get("name"), "connector": by_definition.get(definition), "definition_id": definition})
    return {"workspace": client.workspace, "connectors": rows}


def _connect_command(args: argparse.Namespace) -> int:
    """`hosted connect`: initiate → consent in the browser → secret_id (or connector_id) on a loopback
    listener → create; the connector id and hosted mode go to the login store (Airbyte keeps the tokens)."""
    import contextlib
    import secrets
    import webbrowser

    from .login.flow import Browser
    from .login.loopback import LoopbackListener
    from .login.sources import record_key
    from .login.store import StoreError, store_from_settings

    demo = bool(getattr(args, "demo", False))

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    def follow(url: str) -> bool:  # --demo: the sandbox consent page approves at once; follow it like a browser
        import httpx

        httpx.get(url, follow_redirects=True, timeout=30)
        return True

    async def run(url: str | None, listener: Any) -> Any:
        from .backends.hosted import HostedClient
        from .http import ClientOptions
        from .settings import AirbyteSettings

        overrides: dict[str, Any] = {}
        if url:
            from .sandbox.hosted import demo_settings

            overrides = demo_settings(url)
        if args.workspace:
            overrides["workspace_name"] = args.workspace
        client = HostedClient(AirbyteSettings(**overrides), ClientOptions())
        try:
            return await _connect(args, client, browser, say, listener)
        finally:
            await client.aclose()

    browser = Browser(follow if demo else (lambda _url: False) if args.no_browser else webbrowser.open, paste=not demo,
                      opened="sandbox: followed the consent page as a browser would:" if demo else None)
    try:
        store = store_from_settings()
        with contextlib.ExitStack() as stack:
            url = None
            if demo:
                from .sandbox.hosted import create_app
                from .sandbox.serve import serve_in_thread

                url = stack.enter_context(serve_in_thread(create_app()))
            # A path no one can guess stands in for OAuth's state: Airbyte's redirect carries none of ours.
            listener = stack.enter_context(LoopbackListener(0, f"/callback/{secrets.token_urlsafe(16)}", ("secret_id", "connector_id")))
            result = anyio.run(run, url, listener)
        connector = _connector(args.connector)
        if store is not None:
            key = record_key(connector.id, demo=demo)
            record = store.load(key) or {}
            record.setdefault("settings", {}).update({"connector_id": result["connector"].get("id"), "mode": "hosted"})
            record.setdefault("meta", {})["hosted_connected_at"] = int(dt.datetime.now(dt.UTC).timestamp())
            store.save(key, record)
            mode = _env_setting(connector).removesuffix("CONNECTOR_ID") + "MODE"
            result["next"] = f"Stored {_env_setting(connector)} and {mode}=hosted in the {store.where}."
    except (ConnectorError, StoreError) as error:
        text = error.render() if isinstance(error, ConnectorError) else str(error)
        print(f"error: {scrub(' '.join(text.split()))}", file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


async def _connect(args: argparse.Namespace, client: Any, browser: Any, say: Callable[[str], None], listener: Any) -> Any:
    import queue

    connector = _connector(args.connector)
    started = await _oauth(argparse.Namespace(connector=connector.id, redirect_url=listener.redirect_uri,
                                              customer_name_style=args.customer_name_style), client)  # fmt: skip
    if not started.get("consent_url"):
        raise InvalidParams("Airbyte answered no consent_url.", fix="Run `connector-mcp hosted connect` again.")
    browser.show(started["consent_url"], listener, say)
    try:
        answer = await anyio.to_thread.run_sync(lambda: listener.results.get(timeout=args.timeout))
    except queue.Empty:
        raise InvalidParams(f"no consent arrived within {int(args.timeout)} s.", fix="Run `connector-mcp hosted connect` again.") from None
    if answer.get("connector_id"):  # Airbyte created the connector itself
        return {"connector": {"id": answer["connector_id"]}, "workspace": client.workspace}
    finish = argparse.Namespace(
        connector=connector.id, name=args.name or f"{connector.title} (connector-mcp)", secret_id=answer["secret_id"],
        start_date=args.start_date or (dt.date.today() - dt.timedelta(days=365)), customer_name_style=args.customer_name_style,
    )  # fmt: skip
    return await _finish(finish, client)
