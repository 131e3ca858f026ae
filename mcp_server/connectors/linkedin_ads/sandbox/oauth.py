"""LinkedIn's authorization page, authorization-code grant and token introspection, faked (Microsoft Learn:
authorization-code-flow, authorization-code-flow-native, token-introspection).

The page stands in for the member clicking Allow: it redirects to redirect_uri with ?code=&state= at once.
Quirks kept: scope is space-delimited (a comma list is refused), only scopes the app has are granted, the
redirect_uri must be loopback or registered and the token request must send the same one, a code lives
30 minutes and works once, the native flow checks the PKCE S256 verifier instead of a client secret.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

# The Advertising API product's scopes (Microsoft Learn, "Marketing API access tiers" / getting access).
APP_SCOPES = {"r_ads", "r_ads_reporting", "rw_ads", "rw_conversions", "r_marketing_leadgen_automation", "r_organization_admin"}
CODE_TTL = 30 * 60  # "The authorization code must be exchanged within 30 minutes"
REFRESH_TTL = 365 * 86_400
# LinkedIn's one answer to a wrong, used or expired code, or another redirect_uri than the authorization's.
MISMATCH = (
    "Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code. "
    "Or authorization code expired."
)
LOGIN_TOKEN_PREFIX = "AQV-canary-li-login-access-token-"  # access tokens issued to a login


def _loopback(uri: str) -> bool:
    parts = urlsplit(uri)
    return parts.scheme in ("http", "https") and parts.hostname in ("127.0.0.1", "localhost", "::1") and not parts.fragment


def _error(status: int, error: str, description: str) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status)


def authorization(state: Any, client_id: str):
    async def page(request: Request) -> Response:
        await state.requests.record(request)
        q = request.query_params
        redirect = q.get("redirect_uri", "")
        if q.get("client_id") != client_id:
            return PlainTextResponse("invalid client_id", 400)
        if not redirect or not (_loopback(redirect) or redirect in state.registered_redirects):
            # LinkedIn shows an error page rather than redirecting to an unregistered URL.
            return PlainTextResponse("The redirect_uri does not match the registered value", 400)
        separator = "&" if "?" in redirect else "?"

        def back(**params: str) -> Response:
            return RedirectResponse(redirect + separator + urlencode({**params, "state": q.get("state", "")}), 302)

        if q.get("response_type") != "code":
            return back(error="invalid_request", error_description="response_type must be code")
        scope = q.get("scope", "")
        if "," in scope:
            return back(error="invalid_scope", error_description="scope must be space-delimited")
        asked = set(scope.split())
        if not asked or asked - APP_SCOPES:
            refused = sorted(asked - APP_SCOPES)
            return back(error="unauthorized_scope_error", error_description=f"Scope {refused} is not authorized for your application")
        challenge = q.get("code_challenge")
        if challenge and q.get("code_challenge_method") != "S256":
            return back(error="invalid_request", error_description="code_challenge_method must be S256")
        if state.consent == "deny":
            return back(error="user_cancelled_authorize", error_description="The user cancelled the authorization")
        code = "AQT-canary-li-authorization-code-" + secrets.token_urlsafe(16)
        state.codes[code] = {"redirect_uri": redirect, "scope": sorted(asked), "challenge": challenge, "expires": time.time() + CODE_TTL}
        return back(code=code)

    return page


def exchange_code(state: Any, form: dict[str, str], client_id: str, client_secret: str) -> JSONResponse:
    """grant_type=authorization_code: the code back for tokens, once."""
    grant = state.codes.pop(form.get("code", ""), None)
    if grant is None or grant["expires"] < time.time() or form.get("redirect_uri") != grant["redirect_uri"]:
        return _error(400, "invalid_request", MISMATCH)
    if form.get("client_id") != client_id:
        return _error(401, "invalid_client", "Client authentication failed")
    if grant["challenge"]:
        verifier = form.get("code_verifier", "")
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if not secrets.compare_digest(digest, grant["challenge"]):
            return _error(400, "invalid_request", "code verifier does not match authorization code")
    elif form.get("client_secret") != client_secret:
        return _error(401, "invalid_client", "Client authentication failed")
    token = LOGIN_TOKEN_PREFIX + secrets.token_urlsafe(24)
    state.tokens[token] = time.time() + state.ttl
    state.token_info[token] = {"created_at": int(time.time()), "scope": ",".join(grant["scope"])}
    body: dict[str, Any] = {"access_token": token, "expires_in": int(state.ttl), "scope": ",".join(grant["scope"])}
    if not grant["challenge"]:  # programmatic refresh tokens: approved MDP partners (the native flow gets none here)
        body |= {"refresh_token": state.login_refresh_token, "refresh_token_expires_in": REFRESH_TTL}
    return JSONResponse(body)


def introspection(state: Any, client_id: str, client_secret: str):
    async def endpoint(request: Request) -> Response:
        from urllib.parse import parse_qs

        body = await state.requests.record(request)
        form = {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
        if form.get("client_id") != client_id or form.get("client_secret") != client_secret:
            return _error(401, "invalid_client", "Client authentication failed")
        token = form.get("token", "")
        if token not in state.tokens:
            return JSONResponse({"active": False})
        expires = state.tokens[token]
        info = state.token_info.get(token, {"created_at": int(time.time()) - 86_400, "scope": "r_ads,r_ads_reporting"})
        active = expires > time.time()
        return JSONResponse({
            "active": active, "client_id": client_id, "authorized_at": info["created_at"], "created_at": info["created_at"],
            "status": "active" if active else "expired", "expires_at": int(min(expires, time.time() + 10 * 365 * 86_400)),
            "scope": info["scope"], "auth_type": "3L",
        })  # fmt: skip

    return endpoint
