"""The two shapes a tool answers with: a JSON result, or an isError text that names the fix."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any

from fastmcp.tools import ToolResult
from mcp.types import TextContent

from .errors import ConnectorError
from .redact import scrub
from .shaping import compact_json

log = logging.getLogger("mcp_server.tools")


def error_result(text: str) -> ToolResult:
    return ToolResult(content=[TextContent(type="text", text=scrub(text))], is_error=True)


def json_result(value: dict[str, Any]) -> ToolResult:
    return ToolResult(content=[TextContent(type="text", text=compact_json(value))], structured_content=value)


async def answer(tool: str, work: Awaitable[dict[str, Any]]) -> ToolResult:
    """`work`'s result as JSON, or its error as an isError text that names the fix. Anything unexpected is
    logged and answered in one secret-free line, and the server keeps serving."""
    try:
        return json_result(await work)
    except ConnectorError as exc:
        log.info("%s failed: %s", tool, exc.kind)
        return error_result(exc.render())
    except Exception as exc:
        log.error("%s: unexpected %s: %s", tool, type(exc).__name__, scrub(str(exc)))
        return error_result(
            f"internal_error: unexpected {type(exc).__name__} in {tool}. "
            "The server is still running; try again, and report it if it repeats."
        )


class LeanMeta:
    """Mixed into our tools: FastMCP's `_meta: {"fastmcp": {"tags": []}}` says nothing (we use no tags) and
    would cost every agent its bytes in tools/list."""

    def get_meta(self) -> dict[str, Any] | None:
        meta = super().get_meta()  # type: ignore[misc]
        if meta.get("fastmcp") == {"tags": []}:
            del meta["fastmcp"]
        return meta or None
