"""Optional bearer-token protection for the HTTP transports.

The server holds ad-account credentials, so anything beyond loopback should
require CONNECTOR_MCP_HTTP_TOKEN; stdio needs none (the client owns the process).
"""

from __future__ import annotations

import hmac
import json
import logging

from fastmcp.server.auth import AccessToken, TokenVerifier
from pydantic import SecretStr
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("mcp_server.http_auth")

HOW_TO_SEND = (
    "send the header 'Authorization: Bearer <token>', where <token> is the CONNECTOR_MCP_HTTP_TOKEN "
    "this server was started with"
)


def unauthorized_answer(has_bearer: bool) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """RFC 6750 §3: no credentials get a bare `Bearer` challenge; wrong ones `error="invalid_token"`.
    The body says what to send, since clients show it and nothing else."""
    if has_bearer:
        error, description = "invalid_token", f"The bearer token is not this server's token: {HOW_TO_SEND}."
        challenge = b'Bearer error="invalid_token"'
    else:
        error, description = "missing_token", f"This server requires a bearer token: {HOW_TO_SEND}."
        challenge = b"Bearer"
    body = json.dumps({"error": error, "error_description": description}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"www-authenticate", challenge),
    ]
    return headers, body


class ExplainUnauthorized:
    """Rewrites the 401s of FastMCP's auth middleware (an empty body when the token is missing,
    advice about OAuth re-registration when it is wrong) into one that names the setting.
    The token itself is never echoed or logged."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        has_bearer = any(
            name.lower() == b"authorization" and value[:7].lower() == b"bearer " for name, value in scope.get("headers", [])
        )
        replaced = False

        async def send_explained(message: Message) -> None:
            nonlocal replaced
            if message["type"] == "http.response.start" and message["status"] == 401:
                replaced = True
                headers, body = unauthorized_answer(has_bearer)
                client = (scope.get("client") or ("?",))[0]
                problem = "a token that is not CONNECTOR_MCP_HTTP_TOKEN" if has_bearer else "no Authorization header"
                log.warning("401 for %s %s from %s: %s", scope.get("method"), scope.get("path"), client, problem)
                await send({"type": "http.response.start", "status": 401, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
            if replaced:  # the original 401's body: already answered
                return
            await send(message)

        await self.app(scope, receive, send_explained)


class SharedTokenVerifier(TokenVerifier):
    """Accepts exactly one bearer token, compared in constant time."""

    def __init__(self, token: SecretStr):
        super().__init__()
        self._expected = token.get_secret_value().encode()

    async def verify_token(self, token: str) -> AccessToken | None:
        if hmac.compare_digest(token.encode(), self._expected):
            return AccessToken(token=token, client_id="connector-mcp-client", scopes=[])
        return None

    def get_middleware(self) -> list:
        # Outermost of the auth middleware, so it sees the 401 that RequireAuthMiddleware sends.
        return [Middleware(ExplainUnauthorized), *super().get_middleware()]
