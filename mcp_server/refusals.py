"""Requests the HTTP transports refuse (401, 403, 421, 503): each answer names the setting that decides it,
and the log gets one line per kind of refusal and interval, with a count, however many arrive.

A flood of bad requests (3,200 wrong tokens wrote 3,215 WARNING lines) must not drown the log, and a
refusal nobody can explain (a bare 421 "Misdirected Request") must not cost an operator an afternoon.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("mcp_server.refusals")

# One WARNING line per kind of refusal this often at most; the ones in between are counted.
LOG_INTERVAL_SECONDS = 60.0
# What an over-cap client is told to wait: sessions free up as clients end them or sit idle.
SESSIONS_RETRY_AFTER_SECONDS = 30


@dataclass
class _Kind:
    last_logged: float = float("-inf")
    unlogged: int = 0
    example: str = ""
    flush_scheduled: bool = field(default=False)


class RateLimitedLog:
    """Logs the first refusal of a kind at once; later ones within the interval are counted and summed up
    in one line when the interval ends (a timer on the running loop), so a flood shows as its size."""

    def __init__(
        self, logger: logging.Logger, interval: float = LOG_INTERVAL_SECONDS, clock: Callable[[], float] = time.monotonic
    ):
        self.logger, self.interval, self.clock = logger, interval, clock
        self._kinds: dict[str, _Kind] = {}
        _ALL.add(self)

    def warning(self, kind: str, message: str) -> None:
        state = self._kinds.setdefault(kind, _Kind())
        now = self.clock()
        if now - state.last_logged >= self.interval:
            earlier, state.unlogged, state.last_logged = state.unlogged, 0, now
            more = f" ({earlier} more of this kind before this one since its last line)" if earlier else ""
            self.logger.warning("%s%s", message, more)
            return
        state.unlogged += 1
        state.example = message
        if not state.flush_scheduled:
            state.flush_scheduled = self._schedule(kind, state.last_logged + self.interval - now)

    def flush(self, kind: str) -> None:
        """Log the count of refusals not logged yet (the timer calls this; tests may too)."""
        state = self._kinds.get(kind)
        if state is None:
            return
        state.flush_scheduled = False
        if state.unlogged:
            count = state.unlogged
            self.logger.warning("%s (%d refusals of this kind since its last line; this is the latest)", state.example, count)
            state.unlogged = 0
            state.last_logged = self.clock()

    def flush_all(self) -> None:
        for kind in list(self._kinds):
            self.flush(kind)

    def _schedule(self, kind: str, delay: float) -> bool:
        try:
            asyncio.get_running_loop().call_later(max(0.0, delay), self.flush, kind)
        except RuntimeError:  # no loop (a test): the next refusal after the interval logs the count
            return False
        return True


_ALL: weakref.WeakSet[RateLimitedLog] = weakref.WeakSet()


def log_pending_counts() -> None:
    """At shutdown: the refusals counted but not logged yet get their line now."""
    for limited in list(_ALL):
        limited.flush_all()


def refused_by(scope: Scope) -> str:
    """`POST /mcp from 192.0.2.7`, for a refusal's log line."""
    client = (scope.get("client") or ("?",))[0]
    return f"{scope.get('method')} {scope.get('path')} from {client}"


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


def _shown(value: str) -> str:
    """A client-sent header value, safe to put in a log line or an answer (quoted, cut short)."""
    return repr(value[:100] + ("…" if len(value) > 100 else ""))


@dataclass(frozen=True)
class _Refusal:
    status: int
    marker: bytes  # the body the library answers with, so only its refusal is rewritten
    kind: str


# FastMCP's Host/Origin guard answers 421 "Misdirected Request" and 403 "Forbidden Origin";
# the MCP SDK's session manager answers 503 "Too many open sessions" (a JSON-RPC error body).
_REFUSALS = (
    _Refusal(421, b"Misdirected Request", "host"),
    _Refusal(403, b"Forbidden Origin", "origin"),
    _Refusal(503, b"Too many open sessions", "sessions"),
)


class ExplainRefusals:
    """Outermost ASGI wrapper: rewrites the Host/Origin guard's 421/403 and the session cap's 503 into
    answers that name the setting to change, adds Retry-After to the 503, and logs each (rate-limited)."""

    def __init__(self, app: ASGIApp, *, max_sessions: int):
        self.app = app
        self.max_sessions = max_sessions
        self.refusals = RateLimitedLog(log)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        held: Message | None = None

        async def send_explained(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start" and message["status"] in {r.status for r in _REFUSALS}:
                held = message  # decided on seeing the body
                return
            if held is not None and message["type"] == "http.response.body":
                start, held = held, None
                body = message.get("body", b"")
                refusal = next((r for r in _REFUSALS if r.status == start["status"] and r.marker in body), None)
                if refusal is None or message.get("more_body"):
                    await send(start)
                    await send(message)
                    return
                await self._explain(refusal, scope, send)
                return
            await send(message)

        await self.app(scope, receive, send_explained)

    async def _explain(self, refusal: _Refusal, scope: Scope, send: Send) -> None:
        who = refused_by(scope)
        headers: list[tuple[bytes, bytes]] = []
        if refusal.kind == "host":
            host = _shown(_header(scope, b"host"))
            text = (
                f"Misdirected Request: this server does not answer to the Host {host}. If that is the name clients "
                "use, add it to CONNECTOR_MCP_ALLOWED_HOSTS (comma-separated) on the server."
            )
            self.refusals.warning("421", f"421 for {who}: Host {host} is not in CONNECTOR_MCP_ALLOWED_HOSTS")
        elif refusal.kind == "origin":
            origin = _shown(_header(scope, b"origin"))
            text = (
                f"Forbidden Origin: browser pages from {origin} may not call this server. If they should, add that "
                "origin to CONNECTOR_MCP_ALLOWED_ORIGINS (comma-separated) on the server."
            )
            self.refusals.warning("403", f"403 for {who}: Origin {origin} is not in CONNECTOR_MCP_ALLOWED_ORIGINS")
        else:
            text = (
                f"Too many open sessions: this server keeps at most {self.max_sessions} (CONNECTOR_MCP_MAX_SESSIONS); "
                f"idle ones close after CONNECTOR_MCP_SESSION_IDLE_TIMEOUT. Try again in {SESSIONS_RETRY_AFTER_SECONDS} s, "
                "and end sessions you no longer use (HTTP DELETE)."
            )
            headers.append((b"retry-after", str(SESSIONS_RETRY_AFTER_SECONDS).encode()))
            self.refusals.warning("503", f"503 for {who}: {self.max_sessions} sessions open (CONNECTOR_MCP_MAX_SESSIONS)")
        if refusal.kind == "sessions":
            body = json.dumps({"jsonrpc": "2.0", "id": None, "error": {"code": -32603, "message": text}}).encode()
            content_type = b"application/json"
        else:
            body, content_type = text.encode(), b"text/plain; charset=utf-8"
        # nosniff: the body quotes a client-sent header; no browser may read it as anything but text.
        headers += [
            (b"content-type", content_type),
            (b"content-length", str(len(body)).encode()),
            (b"x-content-type-options", b"nosniff"),
        ]
        await send({"type": "http.response.start", "status": refusal.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class _DropSdkSessionRefusals(logging.Filter):
    """The SDK logs every refused session at WARNING; ExplainRefusals logs them rate-limited instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Refusing to open a new session")


def quiet_sdk_session_refusals() -> None:
    logger = logging.getLogger("mcp.server.streamable_http_manager")
    if not any(isinstance(f, _DropSdkSessionRefusals) for f in logger.filters):
        logger.addFilter(_DropSdkSessionRefusals())
