"""The apply_change tool: listed only when writes are on; not read-only, destructive."""

from __future__ import annotations

import logging
from typing import Any

from fastmcp.server.dependencies import get_access_token, get_context
from fastmcp.tools import Tool, ToolResult
from mcp.types import ToolAnnotations
from pydantic import Field
from pydantic.json_schema import SkipJsonSchema

from ..errors import ConnectorError, InvalidParams
from ..tool_results import LeanMeta, answer, error_result
from .apply import Answer, Applier

log = logging.getLogger("mcp_server.changes")

NAME = "apply_change"
DESCRIPTION = (
    "Apply a change previewed by a *_execute write action (meta.change_id), once. The person is asked to "
    "confirm when the client supports it; the objects are read again first and the change is refused if they "
    "changed since the preview. A second call with the same change_id answers the first result and sends nothing."
)
ANNOTATIONS = ToolAnnotations(readOnlyHint=False, destructiveHint=True, idempotentHint=True, openWorldHint=True)
INPUT_SCHEMA = {
    "type": "object",
    "properties": {"change_id": {"type": "string", "description": "meta.change_id from the preview, unchanged."}},
    "required": ["change_id"],
    "additionalProperties": False,
}


def caller_identity() -> dict[str, Any] | None:
    """Who called, when HTTP authentication is on: the token's client id and subject, never the token."""
    token = get_access_token()
    if token is None:
        return None
    claims = token.claims or {}
    who = {"client_id": token.client_id, "subject": token.subject or claims.get("sub"), "issuer": claims.get("iss")}
    return {k: v for k, v in who.items() if v}


async def ask_person(summary: str) -> Answer:
    """Elicitation when the client declared it and this connection can carry a request to the client;
    otherwise the client's own approval of this destructive tool was the confirmation."""
    try:
        context = get_context()
        session = context.session
        capabilities = session.client_capabilities
        able = capabilities is not None and capabilities.elicitation is not None and session.can_send_request
    except (RuntimeError, AttributeError):
        able = False
    if not able:
        return "approved"
    result = await context.elicit(summary, response_type=bool, response_title="Apply this change")
    if result.action == "accept":
        return "accept" if getattr(result, "data", False) is True else "decline"
    return "decline" if result.action == "decline" else "cancel"


class ApplyChangeTool(LeanMeta, Tool):
    applier: SkipJsonSchema[Any] = Field(default=None, exclude=True)

    async def run(self, arguments: dict[str, Any]) -> ToolResult:
        unknown = sorted(set(arguments) - {"change_id"})
        if unknown:
            return error_result(f"invalid_params: unknown argument(s) {', '.join(unknown)}. Fix: pass only change_id.")

        async def work() -> dict[str, Any]:
            if "change_id" not in arguments:
                raise InvalidParams("missing required argument change_id.", fix="Pass meta.change_id from a preview.")
            try:
                caller = caller_identity()
            except RuntimeError:
                caller = None
            return await self.applier.apply(arguments["change_id"], ask_person, caller)

        try:
            return await answer(self.name, work())
        except ConnectorError as exc:  # pragma: no cover - answer() maps these already
            return error_result(exc.render())


def apply_change_tool(applier: Applier) -> ApplyChangeTool:
    return ApplyChangeTool(
        name=NAME,
        title="Apply a previewed change",
        description=DESCRIPTION,
        parameters=INPUT_SCHEMA,
        output_schema=None,
        annotations=ANNOTATIONS,
        applier=applier,
    )
