"""The `connector-mcp` command: serve (default), call, catalog, check, hosted."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from typing import Any

import anyio

from . import __version__
from .logs import configure as configure_logging
from .settings import ServerSettings

TRANSPORTS = ("stdio", "http", "sse")


def _common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    # Sub-commands repeat the global flags; SUPPRESS keeps a top-level value from being reset.
    default = (lambda value: value) if top else (lambda _value: argparse.SUPPRESS)
    parser.add_argument("--demo", action="store_true", default=default(False), help="run on the built-in sandbox (no credentials)")
    parser.add_argument("--hosted", action="store_true", default=default(False), help="with --demo: go through the hosted-API sandbox")
    parser.add_argument("--log-level", default=default(None), help="DEBUG, INFO, WARNING (logs go to stderr)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="connector-mcp", description="MCP server for LinkedIn Ads and TikTok Marketing.")
    parser.add_argument("--version", action="version", version=f"connector-mcp {__version__}")
    _common(parser, top=True)
    sub = parser.add_subparsers(dest="command")

    serve = sub.add_parser("serve", help="serve MCP (default: stdio)")
    _common(serve, top=False)
    serve.add_argument("--transport", choices=TRANSPORTS, default="stdio")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(func=cmd_serve)

    call = sub.add_parser("call", help="run one execute call and print the result JSON")
    _common(call, top=False)
    call.add_argument("connector")
    call.add_argument("entity")
    call.add_argument("action")
    call.add_argument("--params", default=None, help="JSON object of params")
    call.add_argument("--limit", type=int, default=None)
    call.add_argument("--fields", default=None, help="comma list of fields to keep")
    call.add_argument("--cursor", default=None)
    call.set_defaults(func=cmd_call)

    catalog = sub.add_parser("catalog", help="print the catalog (or one connector's entities)")
    _common(catalog, top=False)
    catalog.add_argument("connector", nargs="?")
    catalog.add_argument("--entity", default=None)
    catalog.set_defaults(func=cmd_catalog)

    check = sub.add_parser("check", help="one cheap authenticated call per configured connector")
    _common(check, top=False)
    check.set_defaults(func=cmd_check)

    try:
        from .hosted_cli import register
    except ImportError:  # hosted setup commands are optional at import time
        pass
    else:
        register(sub)
    parser.set_defaults(func=cmd_serve, transport="stdio", host="127.0.0.1", port=8000)
    return parser


def server_settings(args: argparse.Namespace) -> ServerSettings:
    overrides: dict[str, Any] = {}
    if args.demo:
        overrides["demo"] = True
    if args.log_level:
        overrides["log_level"] = args.log_level
    return ServerSettings(**overrides)


def _build(args: argparse.Namespace):
    from .server import build_server

    settings = server_settings(args)
    return build_server(settings, hosted_demo=bool(args.hosted and settings.demo))


def cmd_serve(args: argparse.Namespace) -> int:
    if args.hosted and not server_settings(args).demo:
        return fail("--hosted is a sandbox switch and needs --demo; for real hosted mode set <CONNECTOR>_MODE=hosted.")
    os.environ.setdefault("FASTMCP_CHECK_FOR_UPDATES", "off")
    settings = server_settings(args)
    if args.transport != "stdio" and args.host not in ("127.0.0.1", "localhost", "::1") and not settings.http_token:
        logging.getLogger("mcp_server.cli").warning(
            "serving on %s without CONNECTOR_MCP_HTTP_TOKEN: anyone who reaches this port can read your ad accounts",
            args.host,
        )
    mcp = _build(args)
    kwargs: dict[str, Any] = {}
    if args.transport != "stdio":
        # log_config=None: uvicorn's access log joins ours on stderr instead of printing to stdout.
        kwargs = {"host": args.host, "port": args.port, "uvicorn_config": {"log_config": None}}
    mcp.run(transport=args.transport, show_banner=False, **kwargs)
    return 0


def fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def cmd_call(args: argparse.Namespace) -> int:
    from fastmcp import Client

    from .connectors import REGISTRY

    connector = REGISTRY.get(args.connector)
    if connector is None:
        return fail(f"unknown connector {args.connector!r}; use one of: {', '.join(REGISTRY)}")
    arguments: dict[str, Any] = {"entity": args.entity, "action": args.action}
    for name in ("params", "limit", "fields", "cursor"):
        if getattr(args, name) is not None:
            arguments[name] = getattr(args, name)

    async def run() -> Any:
        async with Client(_build(args)) as client:
            return await client.call_tool(connector.tool_name, arguments, raise_on_error=False)

    result = anyio.run(run)
    text = result.content[0].text if result.content else ""
    if result.is_error:
        return fail(" ".join(text.split()))
    print(json.dumps(result.structured_content, indent=2, ensure_ascii=False))
    return 0


def cmd_catalog(args: argparse.Namespace) -> int:
    from .connectors import REGISTRY
    from .documents import catalog_document, connector_document, entity_document
    from .errors import ConnectorError

    if args.connector is None:
        doc = catalog_document(list(REGISTRY.values()))
    elif args.connector not in REGISTRY:
        return fail(f"unknown connector {args.connector!r}; use one of: {', '.join(REGISTRY)}")
    elif args.entity:
        try:
            doc = entity_document(REGISTRY[args.connector], args.entity)
        except ConnectorError as exc:
            return fail(exc.render())
    else:
        doc = connector_document(REGISTRY[args.connector])
    print(json.dumps(doc, indent=2))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from .errors import ConnectorError
    from .runtime import Runtime
    from .server import _served

    settings = server_settings(args)
    runtime = Runtime(settings, _served(settings), hosted_demo=bool(args.hosted and settings.demo))

    async def run() -> int:
        ok = failed = 0
        try:
            for connector in runtime.connectors:
                mode = runtime.describe_mode(connector)
                if mode["mode"] is None:
                    print(f"{connector.id}: not configured — {mode['error']}")
                    continue
                try:
                    backend = await runtime.backend(connector)
                    line = await backend.check()
                    print(f"{connector.id}: ok ({backend.name}) — {line}")
                    ok += 1
                except ConnectorError as exc:
                    print(f"{connector.id}: FAILED ({mode['mode']}) — {exc.render()}")
                    failed += 1
        finally:
            await runtime.aclose()
        if not ok and not failed:
            print("no connector is configured; see README (or try --demo)", file=sys.stderr)
        return 0 if ok and not failed else 1

    return anyio.run(run)


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    configure_logging(args.log_level or os.environ.get("CONNECTOR_MCP_LOG_LEVEL", "INFO" if args.func is cmd_serve else "WARNING"))
    try:
        code = args.func(args)
    except BrokenPipeError:  # e.g. `connector-mcp catalog | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 0
    raise SystemExit(code)
