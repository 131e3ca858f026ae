"""Progress notifications for an execute call that sends several vendor requests.

MCP clients that want them send a progress token with tools/call; FastMCP's Context.report_progress
notifies on it. Without a token (or outside a request) nothing is sent and nothing is computed.

Only the tool the client called reports: `ads_report` runs the connectors' executors inside its own
call and reports its own steps, and the spec wants the progress of one token to increase, so an
executor running inside another tool stays quiet.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from collections.abc import Mapping
from typing import Any

from fastmcp.server.dependencies import get_context

from .budget import RequestBudget

log = logging.getLogger("mcp_server.progress")


def _tool_called(context: Any) -> str | None:
    """The name in the client's tools/call (the request's params); None when it cannot be told."""
    try:
        params = context.request_context._srctx.params  # what report_progress itself reads its token beside
        return params.get("name") if isinstance(params, Mapping) else getattr(params, "name", None)
    except AttributeError:
        return None


def _has_token(context: Any) -> bool:
    try:
        meta = context.request_context._srctx.meta
    except AttributeError:
        return False
    return meta is not None and meta.get("progress_token") is not None


class Progress:
    """Reports the vendor requests of one call as they go out, with a total once the executor knows it."""

    def __init__(self, tool: str):
        self._context: Any = None
        self._last = 0
        # Requests the whole call will have sent, when known (set by the executor as it plans pages).
        self.total: int | None = None
        try:
            context = get_context()
        except RuntimeError:  # no request: the CLI's one call, tests of the executor alone
            return
        if _has_token(context) and _tool_called(context) == tool:
            self._context = context

    @property
    def wanted(self) -> bool:
        return self._context is not None

    async def report(self, done: int, total: int | None = None, message: str | None = None) -> None:
        if self._context is None or done <= self._last:
            return
        total = total if total is not None else self.total
        if total is not None and total < done:  # more requests than planned (a retry): no total beats >100%
            total = None
        self._last = done
        if message is None:
            message = f"{done} of {total} vendor requests sent" if total else f"{done} vendor requests sent"
        try:
            await self._context.report_progress(done, total, message)
        except Exception as exc:  # a client gone away must not fail the call that still has its answer
            log.debug("progress notification not sent: %s", type(exc).__name__)
            self._context = None

    @contextlib.asynccontextmanager
    async def watching(self, budget: RequestBudget) -> AsyncIterator[None]:
        """While the body runs, notify after each vendor request the budget counts (several that go
        out together make one notification); nothing runs when the client asked for none."""
        if not self.wanted:
            yield
            return
        counted = asyncio.Event()
        budget.on_spend = lambda used: counted.set()

        async def notify() -> None:
            while True:
                await counted.wait()
                counted.clear()
                if budget.used > 1:  # a call of one request needs no progress bar
                    await self.report(budget.used)

        task = asyncio.create_task(notify())
        try:
            yield
        finally:
            budget.on_spend = None
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
