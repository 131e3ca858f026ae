"""LinkedIn's error answers mapped to the errors an agent can act on."""

from __future__ import annotations

from typing import Any

import httpx

from ...errors import (
    DAILY_QUOTA,
    AuthError,
    ConnectorError,
    InvalidParams,
    NotFound,
    PermissionDenied,
    RateLimited,
    VendorError,
    VendorUnavailable,
)
from ...http import retry_after
from ...rate_limit import QuotaExhausted
from .settings import DEFAULT_API_VERSION

# LinkedIn's limits are daily, per application and per member, reset at midnight UTC (Microsoft Learn,
# "Rate limits"); its 429 says which (errors.DAILY_QUOTA). Other 429s (infrastructure protection) pass within seconds.

# The settings that choose where requests go, named when LinkedIn cannot be reached.
BASE_URL_SETTING = "LINKEDIN_ADS_API_BASE_URL"
TOKEN_URL_SETTING = "LINKEDIN_ADS_TOKEN_URL"
SCOPES_FIX = (
    "The token needs r_ads (accounts, campaigns, creatives, conversions), r_ads_reporting (analytics) and "
    "r_marketing_leadgen_automation (lead forms), and the member needs a role on the ad account."
)
TOKEN_CODES = {"EXPIRED_ACCESS_TOKEN", "REVOKED_ACCESS_TOKEN", "INVALID_ACCESS_TOKEN"}
TOKEN_SERVICE_CODES = {65600, 65601, 65602}


def body_of(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def request_id(response: httpx.Response) -> str | None:
    return response.headers.get("x-li-request-id") or response.headers.get("x-li-uuid")


def is_token_rejection(response: httpx.Response) -> bool:
    """A 401 that a fresh access token may cure (expired, revoked or invalid token)."""
    if response.status_code != 401:
        return False
    body = body_of(response)
    code, service_code = body.get("code"), body.get("serviceErrorCode")
    return (
        isinstance(code, str) and code in TOKEN_CODES
        or isinstance(service_code, int) and service_code in TOKEN_SERVICE_CODES
        or "access token" in str(body.get("message", "")).lower()
        or not body
    )


def _input_errors(body: dict[str, Any]) -> list[str]:
    details = body.get("errorDetails") or {}
    out = []
    for item in (details.get("inputErrors") or []) + (details.get("conditionalInputErrors") or []):
        path = (((item.get("input") or {}).get("inputPath") or {}).get("fieldPath")) or "?"
        out.append(f"{path}: {item.get('description') or item.get('code') or 'invalid'}")
    return out


def error_for(response: httpx.Response, api_version: str) -> ConnectorError:
    """The ConnectorError for a non-2xx LinkedIn answer (never includes the request URL or token)."""
    status = response.status_code
    body = body_of(response)
    message = str(body.get("message") or response.reason_phrase or "no message").strip().rstrip(".")
    rid = request_id(response)
    if status == 400:
        problems = _input_errors(body)
        detail = f" ({'; '.join(problems)})" if problems else ""
        return InvalidParams(
            f"LinkedIn rejected the request: {message}{detail}.",
            fix="Correct the named params; `describe` lists each entity's params.",
            request_id=rid,
        )
    if status == 401:
        return AuthError(
            f"LinkedIn rejected the access token: {message}.",
            fix="Set LINKEDIN_ADS_CLIENT_ID, LINKEDIN_ADS_CLIENT_SECRET and LINKEDIN_ADS_REFRESH_TOKEN so the "
            "token can be refreshed, or set a fresh LINKEDIN_ADS_ACCESS_TOKEN (access tokens live 60 days).",
            request_id=rid,
        )
    if status == 403:
        return PermissionDenied(f"LinkedIn denied access: {message}.", fix=SCOPES_FIX, request_id=rid)
    if status == 404:
        return NotFound(
            f"LinkedIn found nothing there: {message}.",
            fix="Check the id and account_id (`accounts list` shows the accounts this token can read).",
            request_id=rid,
        )
    if status == 426 or body.get("code") == "NONEXISTENT_VERSION":
        return VendorError(
            f"LinkedIn no longer serves API version {api_version}: {message}.",
            fix=f"Set LINKEDIN_ADS_API_VERSION to an active YYYYMM version (e.g. {DEFAULT_API_VERSION} or newer; "
            "versions are sunset about a year after release).",
            request_id=rid,
        )
    if status == 429:
        daily = DAILY_QUOTA.search(message)
        if daily:
            who = {"APPLICATION": "this app's", "MEMBER": "the authorizing member's"}.get(
                (daily.group(1) or "").upper(), "a"
            )
            return QuotaExhausted(
                f"LinkedIn's daily quota ({who} calls to this endpoint) is used up: {message}.",
                fix="The Developer Portal (your app → Analytics) shows each endpoint's daily limit and usage.",
                request_id=rid,
            )
        error = RateLimited(
            f"LinkedIn is throttling requests: {message}.",
            fix="Wait and retry. For analytics, request fewer fields or a shorter dateRange.",
            request_id=rid,
        )
        error.retry_after = retry_after(response)  # type: ignore[attr-defined]
        return error
    if status >= 500:
        return VendorUnavailable(f"LinkedIn answered HTTP {status}: {message}.", fix="Try again shortly.", request_id=rid)
    return VendorError(f"LinkedIn answered HTTP {status}: {message}.", request_id=rid)
