"""The `connector-mcp` command: serve (default), call, report, catalog, check, hosted."""

from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import json
import logging
import os
import sys
from functools import partial
from typing import Any, NoReturn, get_args

import anyio
from pydantic import ValidationError

from . import __version__, signing
from .logs import configure as configure_logging
from .redact import ScrubbedStream, scrub, scrub_secrets
from .settings import LogLevel, ServerSettings, settings_problem
from .validation import DEFAULT_LIMIT, MAX_LIMIT

TRANSPORTS = ("stdio", "http", "sse")
REPORT_FORMATS = ("table", "json", "csv")
# report flags passed to ads_report as they are (--accounts is merged first; --format is the command's own)
REPORT_ARGUMENTS = (
    "level", "date_preset", "start_date", "end_date", "granularity", "compare", "metrics", "platforms", "sort", "limit",
    "name_contains",
)  # fmt: skip
LOG_LEVELS = get_args(LogLevel)
# What a bad command line or setting exits with (argparse's own usage errors exit 2 too).
USAGE_ERROR = 2
# `report` printed a report, but a platform (or an account) it asked for failed and its rows are missing.
PARTLY_FAILED = 3


class Parser(argparse.ArgumentParser):
    """A wrong flag is one line naming it, exit 2, not the whole usage text (subcommands inherit the class)."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_ERROR, f"error: {message}. `{self.prog} --help` lists the flags and their choices.\n")


def _common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    # Sub-commands repeat the global flags; SUPPRESS keeps a top-level value from being reset.
    default = (lambda value: value) if top else (lambda _value: argparse.SUPPRESS)
    parser.add_argument("--demo", action="store_true", default=default(False), help="run on the built-in sandbox (no credentials)")
    parser.add_argument("--hosted", action="store_true", default=default(False), help="with --demo: go through the hosted-API sandbox")
    parser.add_argument(
        "--log-level", type=str.upper, choices=LOG_LEVELS, default=default(None),
        help="logs go to stderr; default INFO for serve, WARNING otherwise (or CONNECTOR_MCP_LOG_LEVEL)",
    )  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    from .connectors import REGISTRY

    parser = Parser(prog="connector-mcp", description="MCP server for LinkedIn Ads and TikTok Marketing.")
    parser.add_argument("--version", action="version", version=f"connector-mcp {__version__}")
    _common(parser, top=True)
    sub = parser.add_subparsers(dest="command")

    serve = sub.add_parser("serve", help="serve MCP (default: stdio)")
    _common(serve, top=False)
    serve.add_argument("--transport", choices=TRANSPORTS, default="stdio")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--stateless", action="store_true",
        help="http only: keep no session between requests, so replicas behind a load balancer serve any call",
    )  # fmt: skip
    serve.add_argument(
        "--allow-unauthenticated", action="store_true",
        help="serve http/sse beyond loopback without a token (only behind something that authenticates)",
    )  # fmt: skip
    serve.set_defaults(func=cmd_serve)

    call = sub.add_parser(
        "call",
        help="run one execute call and print the result JSON",
        description="Run one *_execute call and print the result JSON; an error is one line on stderr, exit 1.",
        epilog="example: connector-mcp --demo call linkedin-ads campaigns list --limit 3 --fields id,name,status",
    )
    _common(call, top=False)
    call.add_argument("connector", help=" or ".join(REGISTRY))
    call.add_argument("entity", help="what to read, e.g. campaigns (`connector-mcp catalog CONNECTOR` lists them)")
    call.add_argument("action", help="list, or get where the entity has it")
    call.add_argument("--params", default=None, help='JSON object of params, e.g. \'{"date_preset": "last_7d"}\'')
    call.add_argument(
        "--limit", type=int, default=None,
        help=f"records to return, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT}); --cursor continues",
    )  # fmt: skip
    call.add_argument("--fields", default=None, help="comma list of fields to keep (a.b for nested ones)")
    call.add_argument("--cursor", default=None, help="next_cursor of a previous result")
    call.set_defaults(func=cmd_call)

    _report_parser(sub)

    catalog = sub.add_parser("catalog", help="print the catalog (or one connector's entities)")
    _common(catalog, top=False)
    catalog.add_argument("connector", nargs="?")
    catalog.add_argument("--entity", default=None)
    catalog.set_defaults(func=cmd_catalog)

    check = sub.add_parser(
        "check", help="per connector: one authenticated call, accounts reached, token expiry, API version; exit 1 on a problem"
    )
    _common(check, top=False)
    check.set_defaults(func=cmd_check)

    from .login.cli import register as register_login

    register_login(sub, _common)
    try:
        from .hosted_cli import register
    except ImportError:  # hosted setup commands are optional at import time
        pass
    else:
        register(sub)
    from .changes.cli import register as register_changes  # `changes` (the journal) and `apply`

    register_changes(sub, _common)
    parser.set_defaults(
        func=cmd_serve, transport="stdio", host="127.0.0.1", port=8000, stateless=False, allow_unauthenticated=False
    )  # fmt: skip
    return parser


def _report_parser(sub: Any) -> None:
    from .presets import PRESETS
    from .reporting.periods import Compare, Granularity
    from .reporting.source import LEVELS

    report = sub.add_parser(
        "report",
        help="run ads_report and print it as a table, JSON or CSV",
        description="Run the ads_report tool (every platform, normalized metrics) and print the result. "
        f"An error is one line on stderr: exit {USAGE_ERROR} for a wrong flag, 1 when no report could be made, "
        f"{PARTLY_FAILED} when a platform or account asked for failed (the others' rows are printed).",
        epilog="example: connector-mcp --demo report --date-preset last_7d --compare previous_period --limit 10",
    )
    _common(report, top=False)
    report.add_argument("--level", choices=LEVELS, default=None, help="default campaign")
    report.add_argument(
        "--date-preset", choices=PRESETS, default=None, metavar="PRESET", help="default last_30d; one of %(choices)s"
    )  # fmt: skip
    report.add_argument("--start-date", type=_date, default=None, help="YYYY-MM-DD, with --end-date (not --date-preset)")
    report.add_argument("--end-date", type=_date, default=None, help="YYYY-MM-DD, inclusive")
    report.add_argument("--granularity", choices=get_args(Granularity), default=None, help="default total")
    report.add_argument("--compare", choices=get_args(Compare), default=None, help="default none")
    report.add_argument(
        "--metrics", type=_comma_list, default=None,
        help="comma list, e.g. spend,clicks,ctr; default all (the table: spend, impressions, clicks, ctr, cpc, "
        "conversions, cost_per_conversion)",
    )  # fmt: skip
    report.add_argument("--platforms", type=_comma_list, default=None, help="comma list of connector ids; default all served")
    report.add_argument(
        "--accounts", type=_accounts, action="append", default=None,
        help='per platform: PLATFORM=ID,ID (repeat the flag for another platform) or a JSON object '
        '\'{"linkedin-ads": ["507"]}\'; default the configured accounts',
    )  # fmt: skip
    report.add_argument("--sort", default=None, help='e.g. "spend desc" or "period, clicks" (no asc/desc: metrics high to low, text A to Z)')
    report.add_argument("--limit", type=int, default=None, help="rows to show, 1 to 1000 (default 25); totals cover all")
    report.add_argument("--name-contains", default=None, help="keep rows whose name contains this (any case)")
    report.add_argument(
        "--format", choices=REPORT_FORMATS, default="table", help="table (default), json (the tool result) or csv (rows only)"
    )  # fmt: skip
    report.set_defaults(func=cmd_report)


def _date(text: str) -> str:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None


def _comma_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _accounts(text: str) -> dict[str, list[str]]:
    """'linkedin-ads=507,508' or a JSON object of platform to ids."""
    if text.strip().startswith("{"):
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            raise argparse.ArgumentTypeError("is not a JSON object; e.g. '{\"linkedin-ads\": [\"507\"]}'") from None
        if isinstance(value, dict):
            return {str(k): v if isinstance(v, list) else [v] for k, v in value.items()}
    platform, sep, ids = text.partition("=")
    if not sep or not platform.strip() or not _comma_list(ids):
        raise argparse.ArgumentTypeError(f"{text!r} is not PLATFORM=ID,ID (e.g. linkedin-ads=507) nor a JSON object")
    return {platform.strip(): _comma_list(ids)}


def server_settings(args: argparse.Namespace) -> ServerSettings:
    """The environment's settings with the command line's on top; raises ValidationError (main says which)."""
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


def _is_loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def cmd_serve(args: argparse.Namespace) -> int:
    from .http_auth import JWT_SETTINGS
    from .serving import serve_http, serve_stdio

    if args.hosted and not server_settings(args).demo:
        return fail("--hosted is a sandbox switch and needs --demo; for real hosted mode set <CONNECTOR>_MODE=hosted.")
    if args.stateless and args.transport != "http":
        return fail("--stateless needs --transport http (SSE and stdio keep a session by nature).", USAGE_ERROR)
    os.environ.setdefault("FASTMCP_CHECK_FOR_UPDATES", "off")
    settings = server_settings(args)
    authenticated = bool(settings.http_token or settings.jwt_configured())
    if args.transport != "stdio" and not _is_loopback(args.host) and not authenticated:
        if not args.allow_unauthenticated:
            return fail(
                f"refusing to serve {args.transport} on {args.host} without authentication: anyone who reaches the port "
                f"could read your ad accounts. Set CONNECTOR_MCP_HTTP_TOKEN or {JWT_SETTINGS}, or pass "
                "--allow-unauthenticated if something in front of this server authenticates every request.",
                USAGE_ERROR,
            )
        logging.getLogger("mcp_server.cli").warning(
            "SERVING WITHOUT AUTHENTICATION on %s (--allow-unauthenticated): anyone who reaches this port can read "
            "your ad accounts; make sure a proxy in front of it authenticates every request",
            args.host,
        )
    mcp = _build(args)
    _log_backends(settings, hosted_demo=bool(args.hosted and settings.demo))
    signing.log_key_in_use(stateless=args.stateless)
    if args.transport == "stdio":
        anyio.run(partial(serve_stdio, mcp, grace=settings.shutdown_grace))
        return 0
    anyio.run(partial(
        serve_http, mcp, transport=args.transport, host=args.host, port=args.port, stateless=args.stateless,
        authenticated=authenticated,
        allowed_origins=settings.allowed_origins, allowed_hosts=settings.allowed_hosts, grace=settings.shutdown_grace,
        max_sessions=settings.max_sessions, session_idle_timeout=settings.session_idle_timeout,
    ))  # fmt: skip
    return 0


def _log_backends(settings: ServerSettings, *, hosted_demo: bool) -> None:
    """One start-up line per connector: which backend serves it, or why none does."""
    from .connectors import REGISTRY
    from .login.sources import origins_line
    from .runtime import Runtime
    from .server import _served

    log = logging.getLogger("mcp_server.cli")
    served = _served(settings)
    runtime = Runtime(settings, served, hosted_demo=hosted_demo)
    for connector in served:
        mode = runtime.describe_mode(connector)
        if runtime.demo:
            via = "through the hosted-API sandbox" if hosted_demo else "direct"
            log.info("%s: sandbox (synthetic data), %s", connector.id, via)
        elif mode["mode"] is None:
            reason = mode["error"].removeprefix("not_configured: ")
            log.warning("%s: not configured (its calls answer not_configured): %s", connector.id, reason)
        else:
            log.info("%s: %s (%s)", connector.id, mode["mode"], "Airbyte Agent API" if mode["mode"] == "hosted" else "vendor API")
        if not runtime.demo:
            log.info("%s credentials: %s", connector.id, origins_line(connector))
    hidden = [c for c in REGISTRY if c not in {s.id for s in served}]
    if hidden:
        log.info("not served (CONNECTOR_MCP_CONNECTORS): %s", ", ".join(hidden))


def fail(message: str, code: int = 1) -> int:
    print(f"error: {scrub(message)}", file=sys.stderr)
    return code


def unknown_connector(name: str) -> int:
    from .connectors import REGISTRY
    from .validation import choices

    return fail(f"unknown connector {name!r}. {choices(name, list(REGISTRY))}")


def cmd_call(args: argparse.Namespace) -> int:
    from fastmcp import Client

    from .connectors import REGISTRY

    connector = REGISTRY.get(args.connector)
    if connector is None:
        return unknown_connector(args.connector)
    served = server_settings(args).connectors
    if served and connector.id not in served:
        return fail(
            f"{connector.id} is filtered out by CONNECTOR_MCP_CONNECTORS={','.join(served)}. "
            f"Add {connector.id} to it, or unset it to serve every connector."
        )
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


def cmd_report(args: argparse.Namespace) -> int:
    from fastmcp import Client

    from .errors import InvalidParams
    from .reporting.flags import in_flags
    from .reporting.table import TABLE_METRICS, messages, print_table, write_csv
    from .reporting.tool import NAME

    arguments: dict[str, Any] = {}
    for name in REPORT_ARGUMENTS:
        if getattr(args, name) is not None:
            arguments[name] = getattr(args, name)
    if args.accounts:
        accounts: dict[str, list[Any]] = {}
        for given in args.accounts:
            for platform, ids in given.items():
                accounts.setdefault(platform, []).extend(ids)
        arguments["accounts"] = accounts
    if args.format == "table" and args.metrics is None:
        arguments["metrics"] = list(TABLE_METRICS)  # a comparison of all 11 metrics is too wide to read

    async def run() -> Any:
        async with Client(_build(args)) as client:
            return await client.call_tool(NAME, arguments, raise_on_error=False)

    result = anyio.run(run)
    text = result.content[0].text if result.content else ""
    if result.is_error:
        if text.startswith(f"{InvalidParams.kind}:"):
            return fail(in_flags(text), USAGE_ERROR)
        return fail(" ".join(text.split()).removeprefix("error: "))
    report = result.structured_content
    if args.format == "json":
        print(json.dumps(report, indent=2, ensure_ascii=False))
    elif args.format == "csv":
        write_csv(report, sys.stdout)
        for line in messages(report.get("meta", {})):  # the CSV stays rows only; what it lacks goes to stderr
            print(line, file=sys.stderr)
    else:
        print_table(report, sys.stdout)
    failed = report.get("meta", {}).get("failed")
    if failed:  # the warnings (printed above, or in the JSON) say why and the fix
        print(f"error: {', '.join(failed)} failed; the report lacks their rows (exit {PARTLY_FAILED})", file=sys.stderr)
        return PARTLY_FAILED
    return 0


def cmd_catalog(args: argparse.Namespace) -> int:
    from .connectors import REGISTRY
    from .documents import catalog_document, connector_document, entity_document
    from .errors import ConnectorError

    if args.connector is None:
        doc = catalog_document(list(REGISTRY.values()))
    elif args.connector not in REGISTRY:
        return unknown_connector(args.connector)
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
    from .login.check import run_check

    return run_check(args)


def _startup_problem(args: argparse.Namespace) -> str | None:
    """A bad setting stops every command before it starts, in one line."""
    from .connectors import REGISTRY
    from .validation import choices

    try:
        settings = server_settings(args)
    except ValidationError as exc:
        return settings_problem(ServerSettings, exc)
    from .http_auth import auth_problem

    problem = auth_problem(settings)
    if problem:
        return problem
    unknown = [c for c in settings.connectors or [] if c not in REGISTRY]
    if unknown:
        return f"CONNECTOR_MCP_CONNECTORS names unknown connector {unknown[0]!r}. {choices(unknown[0], list(REGISTRY))}"
    return None


def main(argv: list[str] | None = None) -> None:
    # Everything a command prints passes the secret scrubber (redact.py), as tool results do: stderr as
    # messages, stdout as data (registered secrets only). Serving keeps both streams as they are: stdout is
    # the protocol, and its logs pass the scrubber already (logs.configure), from several threads.
    original = sys.stdout, sys.stderr
    sys.stderr = ScrubbedStream(sys.stderr)  # type: ignore[assignment]
    try:
        args = build_parser().parse_args(argv)
        if args.func is cmd_serve:
            _flush(sys.stderr)  # type: ignore[arg-type]
            sys.stderr = original[1]
        else:
            sys.stdout = ScrubbedStream(sys.stdout, scrub_secrets)  # type: ignore[assignment]
        _run(args)
    finally:
        for stream in (sys.stdout, sys.stderr):
            if isinstance(stream, ScrubbedStream):
                _flush(stream)
        sys.stdout, sys.stderr = original


def _run(args: argparse.Namespace) -> None:
    problem = _startup_problem(args)
    if problem:
        raise SystemExit(fail(problem, USAGE_ERROR))
    settings = server_settings(args)
    explicit = args.log_level or "log_level" in settings.model_fields_set
    configure_logging(settings.log_level if explicit else "INFO" if args.func is cmd_serve else "WARNING")
    try:
        code = args.func(args)
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. `connector-mcp catalog | head`
        _discard_stdout()
        code = 0
    raise SystemExit(code)


def _discard_stdout() -> None:
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _flush(stream: ScrubbedStream) -> None:
    try:
        stream.flush()
    except BrokenPipeError:
        _discard_stdout()
