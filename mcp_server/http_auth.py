"""Optional bearer-token protection for the HTTP transports.

The server holds ad-account credentials, so anything beyond loopback should
require CONNECTOR_MCP_HTTP_TOKEN; stdio needs none (the client owns the process).
"""

from __future__ import annotations

import hmac

from fastmcp.server.auth import AccessToken, TokenVerifier
from pydantic import SecretStr


class SharedTokenVerifier(TokenVerifier):
    """Accepts exactly one bearer token, compared in constant time."""

    def __init__(self, token: SecretStr):
        super().__init__()
        self._expected = token.get_secret_value().encode()

    async def verify_token(self, token: str) -> AccessToken | None:
        if hmac.compare_digest(token.encode(), self._expected):
            return AccessToken(token=token, client_id="connector-mcp-client", scopes=[])
        return None
