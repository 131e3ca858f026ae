"""TikTok's advertiser authorization page and auth_code exchange, faked (TikTok Marketing API
"Authorization" doc 1738373164380162 and oauth2/access_token/ doc 1739965703387137; tiktok-business-api-sdk
AuthenticationApi).

The page (/portal/auth?app_id&state&redirect_uri) stands in for the advertiser approving: it redirects to
redirect_uri with ?auth_code=&code=&state= at once. An auth_code lives one hour and works once; the exchange
is a JSON POST of app_id, secret and auth_code, answered in TikTok's HTTP-200 envelope with the long-term
token and the advertiser ids it reaches.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

AUTH_CODE_TTL = 3600
SCOPES = [4, 5, 6, 7]  # permission scope ids TikTok lists for the app (read ad account, campaigns, ads, reports)


class AuthCodes:
    def __init__(self) -> None:
        self.codes: dict[str, float] = {}
        self.consent = "allow"


def portal(codes: AuthCodes, app_id: str, requests: Any):
    async def page(request: Request) -> Response:
        await requests.record(request)
        q = request.query_params
        redirect = q.get("redirect_uri", "")
        if q.get("app_id") != app_id or not redirect:
            return PlainTextResponse("The app does not exist or the redirect URL is missing.", 400)
        separator = "&" if "?" in redirect else "?"
        if codes.consent == "deny":  # the advertiser closes the page: no redirect at all on TikTok
            return PlainTextResponse("Authorization cancelled.", 200)
        code = "canary-tt-advertiser-auth-code-" + secrets.token_urlsafe(12)
        codes.codes[code] = time.time() + AUTH_CODE_TTL
        # TikTok appends both auth_code and code (the same value) and echoes state.
        return RedirectResponse(redirect + separator + urlencode({"auth_code": code, "code": code, "state": q.get("state", "")}), 302)

    return page


def exchange(codes: AuthCodes, body: bytes, content_type: str, app_id: str, secret: str, token: str, advertisers: tuple[str, ...]):
    """(code, message, data) of POST oauth2/access_token/."""
    if not content_type.startswith("application/json"):
        return 40002, "Content-Type must be application/json", {}
    try:
        sent = json.loads(body or b"{}")
    except ValueError:
        return 40002, "Invalid JSON body", {}
    missing = [k for k in ("app_id", "secret", "auth_code") if not sent.get(k)]
    if missing:
        return 40002, f"{missing[0]}: Missing data for required field.", {}
    if str(sent["app_id"]) != app_id or sent["secret"] != secret:
        return 40001, "The app_id or secret is incorrect.", {}
    expires = codes.codes.pop(str(sent["auth_code"]), None)
    if expires is None or expires < time.time():
        return 40110, "Auth code is invalid or has expired.", {}
    return 0, "OK", {"access_token": token, "advertiser_ids": list(advertisers), "scope": SCOPES}
