"""Every tool call ends within CONNECTOR_MCP_CALL_TIMEOUT seconds, answered with `call_timeout` if it must be
stopped: one vendor request has its own deadline (http.overall_deadline), but a call may send up to
CONNECTOR_MCP_MAX_REQUESTS_PER_CALL of them, with retries and waits between."""

from __future__ import annotations

import logging
from typing import Any

import anyio
from fastmcp.server.middleware import Middleware, MiddlewareContext

from .tool_results import error_result

log = logging.getLogger("mcp_server.call_deadline")
APPLY_CHANGE = "apply_change"  # the one tool that writes (changes/tool.py)


def call_timeout_text(seconds: float) -> str:
    return (
        f"call_timeout: the call did not finish within {seconds:g} s (CONNECTOR_MCP_CALL_TIMEOUT) and was stopped; "
        "nothing was changed (every tool is read-only). Fix: ask for less (a smaller limit, a shorter date range, "
        "fewer accounts) and follow next_cursor; if the vendor is slow, try again later."
    )


class CallDeadline(Middleware):
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    async def on_call_tool(self, context: MiddlewareContext, call_next: Any) -> Any:
        with anyio.move_on_after(self.seconds) as scope:
            return await call_next(context)
        if scope.cancelled_caught:
            tool = getattr(context.message, "name", "a tool")
            log.warning("%s stopped after %g s (CONNECTOR_MCP_CALL_TIMEOUT)", tool, self.seconds)
            if tool == APPLY_CHANGE:  # its writes finish and are recorded (shielded): the id tells what happened
                return error_result(
                    f"call_timeout: apply_change did not answer within {self.seconds:g} s (CONNECTOR_MCP_CALL_TIMEOUT); "
                    "the change may have been applied. Fix: call apply_change with the same change_id: it answers "
                    "the recorded result, or reads the objects back, and never sends a change twice."
                )
            return error_result(call_timeout_text(self.seconds))
        raise AssertionError("unreachable")  # pragma: no cover
