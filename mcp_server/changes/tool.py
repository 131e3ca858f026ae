"""The apply_change tool: listed only when writes are on; not read-only, destructive."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import mcp_types
from fastmcp.server.dependencies import get_access_token, get_context
from fastmcp.tools import InputRequiredToolResult, Tool, ToolResult
from mcp.types import ToolAnnotations
from mcp_types.version import MODERN_PROTOCOL_VERSIONS
from pydantic import Field
from pydantic.json_schema import SkipJsonSchema

from ..errors import InvalidParams
from ..tool_results import LeanMeta, answer, error_result

if TYPE_CHECKING:  # apply.py (and the write path behind it) is imported by the first apply_change call
    from .apply import Answer
    from .service import Changes

NAME = "apply_change"
DESCRIPTION = (
    "Apply a change a *_execute write action previewed (its meta.change_id), once. The person confirms where the "
    "client can ask; refused if the objects changed since the preview. Repeating an id sends nothing."
)
ANNOTATIONS = ToolAnnotations(readOnlyHint=False, destructiveHint=True, idempotentHint=True, openWorldHint=True)
INPUT_SCHEMA = {
    "type": "object",
    "properties": {"change_id": {"type": "string", "description": "meta.change_id of a preview"}},
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


CONFIRM_KEY = "confirm"
CONFIRM_TITLE = "Apply this change"
# The form asked: one boolean (FastMCP's shape for `response_type=bool`), so clients render a checkbox.
CONFIRM_SCHEMA = {"type": "object", "properties": {"value": {"type": "boolean", "title": CONFIRM_TITLE}}, "required": ["value"]}


class AskFirst(Exception):
    """2026-07-28 connections: the question goes back in the tool's result (InputRequiredResult, SEP-2322) and
    the client calls apply_change again with the answer; nothing was sent meanwhile."""

    def __init__(self, summary: str):
        super().__init__(summary)
        self.summary = summary


def _answer(action: str, accepted: Any) -> Answer:
    if action == "accept":
        return "accept" if accepted is True else "decline"
    return "decline" if action == "decline" else "cancel"


async def ask_person(summary: str) -> Answer:
    """Elicitation when the client declared the capability: on 2026-07-28 connections by an input request in
    the result (the client retries with the answer), on earlier ones by a request to the client. Without the
    capability, the client's own approval of this destructive tool was the confirmation."""
    try:
        context = get_context()
        session = context.session
        capabilities = session.client_capabilities
    except (RuntimeError, AttributeError):
        return "approved"
    if capabilities is None or capabilities.elicitation is None:
        return "approved"
    if session.protocol_version in MODERN_PROTOCOL_VERSIONS:
        reply = (context.input_responses or {}).get(CONFIRM_KEY)
        if reply is None:
            raise AskFirst(summary)
        content = getattr(reply, "content", None) or {}
        return _answer(getattr(reply, "action", "cancel"), content.get("value"))
    if not session.can_send_request:  # no channel back to the client (a stateless HTTP request)
        return "approved"
    result = await context.elicit(summary, response_type=bool, response_title=CONFIRM_TITLE)
    return _answer(result.action, getattr(result, "data", None))


def input_request(summary: str) -> InputRequiredToolResult:
    ask = mcp_types.ElicitRequest(params=mcp_types.ElicitRequestFormParams(message=summary, requested_schema=CONFIRM_SCHEMA))
    return InputRequiredToolResult(mcp_types.InputRequiredResult(input_requests={CONFIRM_KEY: ask}))


class ApplyChangeTool(LeanMeta, Tool):
    changes: SkipJsonSchema[Any] = Field(default=None, exclude=True)

    async def run(self, arguments: dict[str, Any]) -> ToolResult:
        unknown = sorted(set(arguments) - {"change_id"})
        if unknown:
            return error_result(f"invalid_params: unknown argument(s) {', '.join(unknown)}. Fix: pass only change_id.")

        asked: list[str] = []

        async def work() -> dict[str, Any]:
            if "change_id" not in arguments:
                raise InvalidParams("missing required argument change_id.", fix="Pass meta.change_id from a preview.")
            try:
                caller = caller_identity()
            except RuntimeError:
                caller = None
            try:
                from .apply import Applier

                return await Applier(self.changes).apply(arguments["change_id"], ask_person, caller)
            except AskFirst as ask:
                asked.append(ask.summary)
                return {}

        result = await answer(self.name, work())
        return input_request(asked[0]) if asked else result


def apply_change_tool(changes: Changes) -> ApplyChangeTool:
    return ApplyChangeTool(
        name=NAME,
        title="Apply a change",
        description=DESCRIPTION,
        parameters=INPUT_SCHEMA,
        output_schema=None,
        annotations=ANNOTATIONS,
        changes=changes,
    )
