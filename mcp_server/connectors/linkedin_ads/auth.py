"""LinkedIn access tokens: a static one, or refreshed from a refresh token.

The token is cached with its expiry and refreshed shortly before it runs out,
or once after LinkedIn calls it expired/revoked. Concurrent callers share one
refresh (a lock with a re-check). Tokens never appear in errors or logs.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any

import anyio
import httpx

from ...answers import Reader
from ...errors import (
    AuthError,
    ConnectorError,
    RateLimited,
    VendorError,
    VendorUnavailable,
)
from ...http import ClientOptions, send, with_retries
from ...rate_limit import limiter
from ...redact import register_secret
from .errors import TOKEN_URL_SETTING, body_of
from .settings import LinkedinAdsSettings

log = logging.getLogger("mcp_server.linkedin_ads.auth")

# Refresh this long before expiry (at most half the lifetime, for very short-lived tokens).
REFRESH_MARGIN_SECONDS = 300.0
CREDENTIALS_FIX = (
    "Check LINKEDIN_ADS_CLIENT_ID and LINKEDIN_ADS_CLIENT_SECRET (the app's Auth tab in the LinkedIn Developer Portal); "
    "`connector-mcp check` shows where each was read from."
)
REAUTHORIZE_FIX = (
    "Run `connector-mcp login linkedin-ads` (or the OAuth authorization again, and set the new "
    "LINKEDIN_ADS_REFRESH_TOKEN); refresh tokens live 365 days from first consent, `connector-mcp check` shows the days left."
)


class TokenProvider:
    def __init__(self, settings: LinkedinAdsSettings, client: httpx.AsyncClient, options: ClientOptions):
        self._settings = settings
        self._client = client
        self._options = options
        self._refresh_token = settings.refresh_token.get_secret_value() if settings.refresh_token else None
        self._token = settings.access_token.get_secret_value() if settings.access_token else None
        self._refresh_at: float | None = None  # monotonic time; None = unknown expiry
        self._lock = anyio.Lock()
        self.refresh_count = 0

    @property
    def can_refresh(self) -> bool:
        return bool(self._settings.client_id and self._settings.client_secret and self._refresh_token)

    def _fresh(self) -> bool:
        if self._token is None:
            return False
        return self._refresh_at is None or time.monotonic() < self._refresh_at

    async def token(self) -> str:
        """A usable access token, refreshing first when it is missing or about to expire."""
        if self._fresh():
            return self._token  # type: ignore[return-value]
        async with self._lock:
            if not self._fresh():  # someone else may have refreshed while we waited
                await self._refresh()
            return self._token  # type: ignore[return-value]

    async def replace(self, rejected: str) -> str:
        """LinkedIn rejected `rejected`: refresh once (shared by all callers that saw it) and return the new token."""
        if not self.can_refresh:
            raise AuthError(
                "LinkedIn rejected LINKEDIN_ADS_ACCESS_TOKEN (expired or revoked) and no refresh token is set.",
                fix="Run `connector-mcp login linkedin-ads`, or set a fresh LINKEDIN_ADS_ACCESS_TOKEN (they live 60 days), "
                "or LINKEDIN_ADS_CLIENT_ID, LINKEDIN_ADS_CLIENT_SECRET and LINKEDIN_ADS_REFRESH_TOKEN.",
            )
        async with self._lock:
            if self._token == rejected:
                await self._refresh()
            return self._token  # type: ignore[return-value]

    async def _refresh(self) -> None:
        if not self.can_refresh:
            raise AuthError(
                "LinkedIn Ads has no usable access token.",
                fix="Run `connector-mcp login linkedin-ads`, or set LINKEDIN_ADS_ACCESS_TOKEN, or LINKEDIN_ADS_CLIENT_ID, "
                "LINKEDIN_ADS_CLIENT_SECRET and LINKEDIN_ADS_REFRESH_TOKEN.",
            )
        body = await with_retries(self._options, self._exchange)
        token, lifetime, refresh_token = _token_answer(body)
        self._token = token
        register_secret(self._token)
        margin = min(REFRESH_MARGIN_SECONDS, lifetime / 2)
        self._refresh_at = time.monotonic() + lifetime - margin if lifetime else None
        if refresh_token:  # LinkedIn may return one; keep the newest
            self._refresh_token = refresh_token
            register_secret(self._refresh_token)
        self.refresh_count += 1
        log.info("LinkedIn access token refreshed (valid %ds)", int(lifetime))

    async def _exchange(self) -> dict:
        request = self._client.build_request(
            "POST",
            self._settings.token_url,
            data={
                "grant_type": "refresh_token",
                "refresh_token": self._refresh_token or "",
                "client_id": self._settings.client_id or "",
                "client_secret": self._settings.client_secret.get_secret_value() if self._settings.client_secret else "",
            },
        )
        bucket = limiter("linkedin-ads", self._settings.max_qps, in_process=self._options.transport is not None)
        response = await send(
            self._client, request, service="LinkedIn's token endpoint", setting=TOKEN_URL_SETTING, limiter=bucket
        )
        body = body_of(response)
        if response.status_code == 200 and body.get("access_token"):
            return body
        raise token_error(response.status_code, body)


# What a token answer must hold before anything of it is kept: a bad one must not replace a good refresh token.
_READ = Reader("LinkedIn's token endpoint")
_TOKEN = re.compile(r"[!-~]{4,4096}")  # printable ASCII, no spaces: it goes into the Authorization header


MAX_LIFETIME = 10 * 365 * 86_400.0


def _token_answer(body: dict[str, Any]) -> tuple[str, float, str | None]:
    """(access token, lifetime in seconds (0 = unknown), new refresh token or None), or a VendorError."""
    tokens = []
    for name in ("access_token", "refresh_token"):
        value = body.get(name)
        if value is not None and not (isinstance(value, str) and _TOKEN.fullmatch(value)):
            register_secret(value if isinstance(value, str) else None)  # whatever it is, it may be a secret
            raise _READ.fail(name, "…", "a token (4 to 4096 printable characters)")
        tokens.append(value)
    lifetime = body.get("expires_in") or 0
    if isinstance(lifetime, bool) or not isinstance(lifetime, (int, float)) or not 0 <= lifetime <= MAX_LIFETIME:
        raise _READ.fail("expires_in", lifetime, "a number of seconds")
    return tokens[0], float(lifetime), tokens[1] or None


def token_error(status: int, body: dict) -> ConnectorError:
    error = str(body.get("error") or "")
    if error == "invalid_grant":
        return AuthError(
            "the LinkedIn refresh token is expired or revoked; re-authorize (refresh tokens live 365 days from "
            "first consent).",
            fix=REAUTHORIZE_FIX,
        )
    if error in ("unauthorized_client", "invalid_client") or status == 401:
        return AuthError("LinkedIn rejected the app credentials when refreshing the token.", fix=CREDENTIALS_FIX)
    if status == 429:
        return RateLimited("LinkedIn's token endpoint is throttling.", fix="Wait and retry.")
    if status >= 500:
        return VendorUnavailable(f"LinkedIn's token endpoint answered HTTP {status}.", fix="Try again shortly.")
    return VendorError(
        f"LinkedIn's token endpoint refused the refresh ({error or f'HTTP {status}'}).",
        fix=f"{CREDENTIALS_FIX} If they are right: {REAUTHORIZE_FIX}",
    )
