"""Bearer-token protection for the HTTP transports: a shared token, JWTs from an identity provider, or both.

The server holds ad-account credentials, so anything beyond loopback must authenticate
(cli.py refuses to start otherwise); stdio needs none (the client owns the process).
"""

from __future__ import annotations

import hmac
import json
import logging
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.serialization import load_pem_public_key
from fastmcp.server.auth import AccessToken, JWTVerifier, TokenVerifier
from pydantic import SecretStr
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .refusals import RateLimitedLog, log as refusals_log, refused_by
from .settings import ServerSettings


JWT_SETTINGS = "CONNECTOR_MCP_JWT_JWKS_URI or CONNECTOR_MCP_JWT_PUBLIC_KEY (with CONNECTOR_MCP_JWT_ISSUER and CONNECTOR_MCP_JWT_AUDIENCE)"


def what_to_send(static: bool, issuer: str | None, audience: str | None) -> str:
    """The accepted tokens in words, for 401 bodies (issuer and audience are public, tokens never shown)."""
    ways = []
    if static:
        ways.append("<token> is the CONNECTOR_MCP_HTTP_TOKEN this server was started with")
    if issuer or audience:
        ways.append(f"<token> is a JWT issued by {issuer} for the audience {audience}")
    return "send the header 'Authorization: Bearer <token>', where " + ", or ".join(ways)


def unauthorized_answer(has_bearer: bool, how_to_send: str) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """RFC 6750 §3: no credentials get a bare `Bearer` challenge; wrong ones `error="invalid_token"`.
    The body says what to send, since clients show it and nothing else."""
    if has_bearer:
        error, description = "invalid_token", f"The bearer token was not accepted: {how_to_send}."
        challenge = b'Bearer error="invalid_token"'
    else:
        error, description = "missing_token", f"This server requires a bearer token: {how_to_send}."
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

    def __init__(self, app: ASGIApp, how_to_send: str):
        self.app = app
        self.how_to_send = how_to_send
        self.refusals = RateLimitedLog(refusals_log)

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
                headers, body = unauthorized_answer(has_bearer, self.how_to_send)
                problem = "a token that was not accepted" if has_bearer else "no Authorization header"
                self.refusals.warning(f"401 {has_bearer}", f"401 for {refused_by(scope)}: {problem}")
                await send({"type": "http.response.start", "status": 401, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
            if replaced:  # the original 401's body: already answered
                return
            await send(message)

        await self.app(scope, receive, send_explained)


class BearerVerifier(TokenVerifier):
    """Accepts CONNECTOR_MCP_HTTP_TOKEN (compared in constant time) and/or JWTs that FastMCP's
    JWTVerifier accepts (signature, expiry, issuer, audience) and that carry an `exp`; either is enough."""

    def __init__(self, token: SecretStr | None, jwt: JWTVerifier | None):
        super().__init__()
        self._expected = token.get_secret_value().encode() if token else None
        self._jwt = jwt
        self._how_to_send = what_to_send(bool(token), jwt and jwt.issuer, jwt and jwt.audience)

    async def verify_token(self, token: str) -> AccessToken | None:
        if self._expected is not None and hmac.compare_digest(token.encode(), self._expected):
            return AccessToken(token=token, client_id="connector-mcp-client", scopes=[])
        if self._jwt is not None:
            access = await self._jwt.verify_token(token)
            # FastMCP checks `exp` only when the token has one; a token without it would be valid forever.
            return access if access is not None and access.expires_at is not None else None
        return None

    def get_middleware(self) -> list:
        # Outermost of the auth middleware, so it sees the 401 that RequireAuthMiddleware sends.
        return [Middleware(ExplainUnauthorized, how_to_send=self._how_to_send), *super().get_middleware()]


class _ReasonsAtDebugOnly(logging.Filter):
    """JWTVerifier logs a WARNING for every token from the wrong issuer or audience: one line per bad
    request, a flood. The refusal is logged rate-limited (refusals.py); its reason shows with DEBUG logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Bearer token rejected") or logging.getLogger().isEnabledFor(logging.DEBUG)


def _public_key(settings: ServerSettings) -> str | None:
    # A PEM on one environment line: a literal backslash-n stands for each line break.
    return settings.jwt_public_key.replace("\\n", "\n").strip() if settings.jwt_public_key else None


def auth_problem(settings: ServerSettings) -> str | None:
    """What is wrong with the JWT settings, in one line; None when they are usable (or unset)."""
    named = [n for n in ("jwt_jwks_uri", "jwt_public_key", "jwt_issuer", "jwt_audience") if getattr(settings, n)]
    if not named:
        return None
    if settings.jwt_jwks_uri and settings.jwt_public_key:
        return "set CONNECTOR_MCP_JWT_JWKS_URI or CONNECTOR_MCP_JWT_PUBLIC_KEY, not both."
    if not settings.jwt_configured():
        return (
            f"{', '.join('CONNECTOR_MCP_' + n.upper() for n in named)} set, but no key to check JWTs with: "
            "set CONNECTOR_MCP_JWT_JWKS_URI (your identity provider's JWKS URL) or CONNECTOR_MCP_JWT_PUBLIC_KEY (PEM)."
        )
    missing = [f"CONNECTOR_MCP_{n.upper()}" for n in ("jwt_issuer", "jwt_audience") if not getattr(settings, n)]
    if missing:
        # Without them a token the same provider issued for any other application would be accepted.
        return f"JWT verification needs {' and '.join(missing)}: the issuer and audience your tokens carry (iss, aud)."
    jwks = urlsplit(settings.jwt_jwks_uri) if settings.jwt_jwks_uri else None
    # Keys fetched over plain http could be swapped by anyone on the path; loopback (a local test provider) is safe.
    if jwks and not (jwks.scheme == "https" or (jwks.scheme == "http" and jwks.hostname in ("127.0.0.1", "localhost", "::1"))):
        return "CONNECTOR_MCP_JWT_JWKS_URI must be an https:// URL (your identity provider's JWKS endpoint)."
    if settings.jwt_public_key:
        try:
            load_pem_public_key(_public_key(settings).encode())
        except ValueError:
            return (
                "CONNECTOR_MCP_JWT_PUBLIC_KEY is not a PEM public key (-----BEGIN PUBLIC KEY-----...; "
                "write its line breaks as \\n on one line)."
            )
    return None


def build_auth(settings: ServerSettings) -> BearerVerifier | None:
    """The HTTP transports' verifier, or None when neither a token nor JWT settings are set.
    Call auth_problem first: this raises ValueError on unusable JWT settings."""
    problem = auth_problem(settings)
    if problem:
        raise ValueError(problem)
    jwt = None
    if settings.jwt_configured():
        jwt = JWTVerifier(
            jwks_uri=settings.jwt_jwks_uri,
            public_key=_public_key(settings),
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            algorithm=settings.jwt_algorithm,
        )
    if jwt is not None and not any(isinstance(f, _ReasonsAtDebugOnly) for f in jwt.logger.filters):
        jwt.logger.addFilter(_ReasonsAtDebugOnly())
    if jwt is None and settings.http_token is None:
        return None
    return BearerVerifier(settings.http_token, jwt)
