"""The two shapes a tool answers with: a JSON result, or an isError text that names the fix."""

from __future__ import annotations

from typing import Any

from fastmcp.tools import ToolResult
from mcp.types import TextContent

from .redact import scrub
from .shaping import compact_json


def error_result(text: str) -> ToolResult:
    return ToolResult(content=[TextContent(type="text", text=scrub(text))], is_error=True)


def json_result(value: dict[str, Any]) -> ToolResult:
    return ToolResult(content=[TextContent(type="text", text=compact_json(value))], structured_content=value)


class LeanMeta:
    """Mixed into our tools: FastMCP's `_meta: {"fastmcp": {"tags": []}}` says nothing (we use no tags) and
    would cost every agent its bytes in tools/list."""

    def get_meta(self) -> dict[str, Any] | None:
        meta = super().get_meta()  # type: ignore[misc]
        if meta.get("fastmcp") == {"tags": []}:
            del meta["fastmcp"]
        return meta or None
