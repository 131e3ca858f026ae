"""Running the server: stdio, or streamable HTTP / SSE under uvicorn, with a clean stop on SIGTERM.

On SIGTERM (Ctrl+C too over HTTP) calls in flight get CONNECTOR_MCP_SHUTDOWN_GRACE seconds to finish;
the rest answer a `server_shutting_down` error instead of a dropped connection, new calls are refused
the same way, backends close, and the process exits 0.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Iterator
from typing import Any

import anyio
import uvicorn
from fastmcp import FastMCP
from fastmcp.server.middleware import Middleware, MiddlewareContext
from sse_starlette.sse import AppStatus

from .refusals import ExplainRefusals, log_pending_counts, quiet_sdk_session_refusals
from .tool_results import error_result

log = logging.getLogger("mcp_server.serving")

SHUTTING_DOWN = (
    "server_shutting_down: this server is stopping (it was sent SIGTERM) and ended the call before it finished. "
    "Fix: call again in a moment; nothing was changed (every tool is read-only)."
)
# After the stopped calls' answers are handed over, how long they get to reach the client.
FLUSH_SECONDS = 0.5
# Over stdio, how long a stop may wait for the server to end by itself before it exits regardless.
STDIN_WAIT_SECONDS = 1.0


class InFlightCalls(Middleware):
    """Knows the tool calls running, so a shutdown can let them finish and stop the rest with an error."""

    def __init__(self) -> None:
        self._running: set[anyio.CancelScope] = set()
        self.draining = False

    async def on_call_tool(self, context: MiddlewareContext, call_next: Any) -> Any:
        if self.draining:
            return error_result(SHUTTING_DOWN)
        with anyio.CancelScope() as scope:
            self._running.add(scope)
            try:
                return await call_next(context)
            finally:
                self._running.discard(scope)
        return error_result(SHUTTING_DOWN)  # only reached when drain() cancelled this call

    async def drain(self, grace: float) -> bool:
        """Refuse new calls, wait up to `grace` seconds for the running ones, then stop the rest.
        True when it stopped some (and gave their answers FLUSH_SECONDS to go out)."""
        self.draining = True
        if self._running:
            log.info("stopping: waiting up to %ss for %d call(s) in flight", grace, len(self._running))
        with anyio.move_on_after(grace):
            while self._running:
                await anyio.sleep(0.05)
        if self._running:
            log.warning("stopping: %d call(s) still running after %ss end with server_shutting_down", len(self._running), grace)
            for scope in list(self._running):
                scope.cancel()
            await anyio.sleep(FLUSH_SECONDS)
            return True
        return False


class _Uvicorn(uvicorn.Server):
    """uvicorn that drains tool calls when it is told to stop, and exits normally after a signal
    (uvicorn re-raises the signal once it has shut down, so the process would die of SIGTERM, exit -15)."""

    def __init__(self, config: uvicorn.Config, calls: InFlightCalls, grace: float):
        super().__init__(config)
        self.calls = calls
        self.grace = grace

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        with super().capture_signals():
            yield
            self._captured_signals.clear()  # a stop we were asked for, and carried out

    async def shutdown(self, sockets: Any = None) -> None:
        # Drain while uvicorn waits for connections: a stopped call's answer closes its request in time.
        async with anyio.create_task_group() as group:
            group.start_soon(self._drain_then_close_streams)
            await super().shutdown(sockets=sockets)

    async def _drain_then_close_streams(self) -> None:
        if not await self.calls.drain(self.grace):
            await anyio.sleep(FLUSH_SECONDS)  # the last answers reach their streams
        AppStatus.should_exit = True  # now sse-starlette ends the open streams (GET ones never end by themselves)
        log_pending_counts()


def _keep_streams_open_on_signal() -> None:
    """sse-starlette (under the SDK's streamable-HTTP responses) ends every SSE stream as soon as uvicorn is
    told to stop, so a POST whose call is still running answered 200 with an empty body, neither result nor
    error. Streams are kept until the calls are drained (_drain_then_close_streams ends them)."""
    AppStatus.disable_automatic_graceful_drain()


async def serve_http(
    mcp: FastMCP,
    *,
    transport: str,
    host: str,
    port: int,
    stateless: bool,
    authenticated: bool,
    allowed_origins: list[str] | None,
    allowed_hosts: list[str] | None,
    grace: float,
    max_sessions: int,
    session_idle_timeout: float,
) -> None:
    calls = InFlightCalls()
    mcp.add_middleware(calls)
    _keep_streams_open_on_signal()
    quiet_sdk_session_refusals()
    app = mcp.http_app(
        transport=transport,  # type: ignore[arg-type]
        stateless_http=stateless or None,
        # FastMCP's DNS-rebinding guard. An explicit origin list (even empty) checks every Origin.
        host_origin_protection="auto",
        allowed_hosts=hosts_to_check(authenticated, allowed_hosts),
        allowed_origins=allowed_origins or [],
        session_idle_timeout=session_idle_timeout,
    )
    if transport == "http" and not stateless:
        _cap_sessions(app, max_sessions)
    config = uvicorn.Config(
        ExplainRefusals(app, max_sessions=max_sessions),
        host=host,
        port=port,
        lifespan="on",
        ws="none",
        log_config=None,  # uvicorn's lines join ours on stderr instead of printing to stdout
        # The drain, its flush, and sse-starlette's watcher (it polls every 0.5 s) closing the streams.
        timeout_graceful_shutdown=grace + 3 * FLUSH_SECONDS,
    )
    shown = f"[{host}]" if ":" in host else host
    mode = " (stateless)" if stateless else ""
    log.info("Starting MCP server %r with transport %r%s on http://%s:%d%s", mcp.name, transport, mode, shown, port, app.state.path)
    await _Uvicorn(config, calls, grace).serve()


def hosts_to_check(authenticated: bool, allowed_hosts: list[str] | None) -> list[str] | None:
    """The Host names FastMCP's guard accepts; None leaves its "auto" rule (checked on connections that
    arrive over loopback: only 127.0.0.1, localhost, ::1 and the bind address pass).

    DNS rebinding lets a web page reach a server the browser can reach, under the page's own name; it cannot
    add a bearer token the browser does not hold. So the Host check protects unauthenticated servers, and a
    server with a token or JWTs checks Host only when CONNECTOR_MCP_ALLOWED_HOSTS is set. Without this, a
    proxy on the same machine (nginx -> 127.0.0.1, Host: mcp.example.com) got 421 for every request."""
    if allowed_hosts:
        return allowed_hosts
    return ["*"] if authenticated else None


def _cap_sessions(app: Any, max_sessions: int) -> None:
    """The MCP SDK caps open sessions (max_sessions, 10,000 by default, answering 503), but FastMCP
    creates its session manager at start-up without passing one: set it once the manager exists."""
    endpoint = next(route.app for route in app.routes if getattr(route, "path", None) == app.state.path)
    endpoint = getattr(endpoint, "app", endpoint)  # RequireAuthMiddleware wraps it when auth is on
    started = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(starlette_app: Any) -> Any:
        async with started(starlette_app) as state:
            endpoint.session_manager.max_sessions = max_sessions
            yield state

    app.router.lifespan_context = lifespan


async def serve_stdio(mcp: FastMCP, *, grace: float) -> None:
    calls = InFlightCalls()
    mcp.add_middleware(calls)
    async with anyio.create_task_group() as group:
        if sys.platform != "win32":  # no POSIX signals there; the client closes stdin to stop us
            group.start_soon(_stop_on_sigterm, calls, grace, group.cancel_scope)
        await mcp.run_stdio_async(show_banner=False)
        group.cancel_scope.cancel()


async def _stop_on_sigterm(calls: InFlightCalls, grace: float, scope: anyio.CancelScope) -> None:
    # Ctrl+C in a terminal (SIGINT) stops the same clean way, instead of a KeyboardInterrupt traceback.
    with anyio.open_signal_receiver(signal.SIGTERM, signal.SIGINT) as signals:
        async for received in signals:
            log.info("%s: stopping", signal.Signals(received).name)
            await calls.drain(grace)
            # The SDK reads stdin in a thread that no cancellation reaches: while the client keeps stdin open
            # the server cannot end on its own, so it leaves (answers already written) after a last moment.
            last_resort = threading.Timer(STDIN_WAIT_SECONDS, _leave_now)
            last_resort.daemon = True
            last_resort.start()
            scope.cancel()
            return


def _leave_now() -> None:
    log.info("stopped (stdin still open)")
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(0)
