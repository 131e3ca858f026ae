"""TikTok answers errors with HTTP 200 and a non-zero `code`; map both kinds to our error tree."""

from __future__ import annotations

from typing import Any

import httpx

from ...answers import Reader, shown
from ...errors import (
    AuthError,
    ConnectorError,
    NotFound,
    PermissionDenied,
    RateLimited,
    VendorError,
    VendorUnavailable,
)
from ...http import retry_after
from ...params import is_digits
from ...rate_limit import QuotaExhausted
from ...redact import scrub

TOKEN_SETTING = "TIKTOK_MARKETING_ACCESS_TOKEN"
BASE_URL_SETTING = "TIKTOK_MARKETING_API_BASE_URL"

PERMISSION = {40001, 40125, 40118, 40119}
AUTH = {40102, 40104, 40105, 40106, 40107, 40110, 40113}
RATE_LIMIT = {40100, 40016, 40132, 40133, 61000}
UNAVAILABLE = {50000, 50002, 60001}
NOT_FOUND = {40007, 40300, 40301}
# Wrong host or API version for the configured base URL.
WRONG_BASE = {40006, 40010, 40051}
# The endpoint exists but not here: TikTok's sandbox covers ~21 operations.
NOT_IN_SANDBOX = {40008, 40009, 40013, 40014}
# 40000 is TikTok's generic param error; with this wording the token belongs to another app
# (PostHog #78577; message seen in Airbyte #80210: "The app_id is inconsistent with the token's app information").
# Both a mismatch word and an app/token word: "start_date does not match the format" is a plain param error.
MISMATCH_WORDS = ("inconsistent with", "mismatch", "does not match", "not match")
APP_TOKEN_WORDS = ("token", "app_id", "app information")


def _is_app_token_mismatch(message: str) -> bool:
    text = message.lower()
    return any(w in text for w in MISMATCH_WORDS) and any(w in text for w in APP_TOKEN_WORDS)


# 40100 is TikTok's one code for its per-app QPS, QPM and QPD limits (business-api.tiktok.com "Rate limits"
# v1.3: wait about 5 minutes after a QPM limit; the QPD limit resets at 00:00 UTC). Only the message can
# tell them apart, so these words decide; a message naming no window is taken as the per-second limit.
DAILY_WORDS = ("qpd", "per day", "daily", "a day")
MINUTE_WORDS = ("qpm", "per minute")
QPM_WAIT_SECONDS = 300.0


def _app_limit_error(text: str, message: str, request_id: str | None) -> ConnectorError:
    words = message.lower()
    if any(w in words for w in DAILY_WORDS):
        return QuotaExhausted(
            f"{text} (TikTok's daily request limit for this app).",
            fix="Ask TikTok for a higher rate-limit level (My Apps → App Detail) if this recurs.",
            request_id=request_id,
        )
    error = RateLimited(
        text,
        fix="TikTok's rate limit is shared by every user of the app; wait and retry with fewer or smaller requests"
        " (TIKTOK_MARKETING_MAX_QPS paces this server).",
        request_id=request_id,
    )
    if any(w in words for w in MINUTE_WORDS):
        error.retry_after = QPM_WAIT_SECONDS  # type: ignore[attr-defined]  # longer than a call waits: not retried
    return error


def envelope_error(code: int, message: str, request_id: str | None) -> ConnectorError:
    """The error for a body whose `code` is not 0 (or 20001, partial success)."""
    text = f"TikTok code {code}: {scrub(message or 'no message')}"
    error: type[ConnectorError]
    fix: str | None
    if code == 40100:
        return _app_limit_error(text, message, request_id)
    if code in PERMISSION:
        error, fix = PermissionDenied, "Grant this app access to the advertiser (and the needed scopes), or use an advertiser the token covers."
    elif code in AUTH:
        error, fix = AuthError, (
            f"Re-authorize: run `connector-mcp login tiktok-marketing` (or update {TOKEN_SETTING}; check it is the "
            "advertiser's token); `connector-mcp check` shows what the token reaches."
        )
    elif code == 40101:
        error, fix = AuthError, "Check TIKTOK_MARKETING_APP_ID and TIKTOK_MARKETING_SECRET (used only to discover advertisers)."
    elif code == 40000 and _is_app_token_mismatch(message):
        error, fix = AuthError, (
            f"The token does not match this app; reconnect: run `connector-mcp login tiktok-marketing` (or update {TOKEN_SETTING})."
        )
    elif code in RATE_LIMIT:
        error, fix = RateLimited, "TikTok's rate limit is shared by every user of the app; wait and retry with fewer or smaller requests."
    elif code in UNAVAILABLE or 51000 <= code < 54000:
        error, fix = VendorUnavailable, "TikTok had a temporary problem; try again shortly."
    elif code in NOT_FOUND:
        error, fix = NotFound, "Check the id; it may be deleted or belong to another advertiser."
    elif code in WRONG_BASE:
        error, fix = VendorError, f"Check {BASE_URL_SETTING}: https://business-api.tiktok.com/open_api/v1.3 (or the sandbox host with /open_api/v1.3)."
    elif code in NOT_IN_SANDBOX:
        error, fix = VendorError, "TikTok's sandbox does not offer this; use a production token and base URL for it."
    elif code == 40011:
        error, fix = VendorError, "Too many ids in one request; pass at most 100 per call."
    elif code in (40000, 40002):
        error, fix = VendorError, "TikTok rejected a parameter; correct it as the message says."
    else:
        error, fix = VendorError, None
    return error(text, fix=fix, request_id=request_id)


def http_error(response: httpx.Response) -> ConnectorError:
    """A non-2xx status: the request never reached TikTok's API logic."""
    status = response.status_code
    request_id = response.headers.get("x-tt-logid")
    if status >= 500:
        return VendorUnavailable(f"TikTok answered HTTP {status}.", fix="Try again shortly.", request_id=request_id)
    if status == 429:
        error = RateLimited("TikTok answered HTTP 429.", fix="Wait and retry.", request_id=request_id)
        error.retry_after = retry_after(response)  # type: ignore[attr-defined]
        return error
    if status == 404:
        return VendorError(
            "TikTok answered HTTP 404 (page not found) for this path.",
            fix=f"Check {BASE_URL_SETTING} (e.g. https://business-api.tiktok.com/open_api/v1.3).",
            request_id=request_id,
        )
    return VendorError(f"TikTok answered HTTP {status}.", request_id=request_id)


PARTIAL_SUCCESS = 20001


def parse_envelope(response: httpx.Response) -> tuple[dict[str, Any], bool]:
    """The `data` of a successful response and whether TikTok called it partial (20001), or the mapped error."""
    if not response.is_success:
        raise http_error(response)
    try:
        body = response.json()
    except ValueError:
        # An empty or cut-off body on a 200 is a transient fault worth another try; a wrong host keeps failing.
        raise VendorUnavailable(
            "TikTok answered HTTP 200 with a body that is not JSON (empty or cut off).",
            fix=f"Try again; if it persists, check {BASE_URL_SETTING}.",
            request_id=response.headers.get("x-tt-logid"),
        ) from None
    if not isinstance(body, dict) or "code" not in body:
        raise VendorError("TikTok answered without a code/data envelope.", fix=f"Check {BASE_URL_SETTING}.")
    request_id = str(body["request_id"])[:80] if body.get("request_id") is not None else None
    code = body["code"]
    if isinstance(code, str) and is_digits(code.strip(), 9):
        code = int(code)
    if isinstance(code, bool) or not isinstance(code, int):
        raise VendorError(f"TikTok answered with a non-numeric code {shown(code, 40)}.", request_id=request_id)
    if code not in (0, PARTIAL_SUCCESS):
        raise envelope_error(code, str(body.get("message") or ""), request_id)
    return checked_data(body.get("data"), Reader("TikTok", request_id)), code == PARTIAL_SUCCESS


PAGE_INFO = ("page", "page_size", "total_number", "total_page")


def checked_data(data: Any, read: Reader) -> dict[str, Any]:
    """The `data` of a successful answer, with the parts every endpoint's reader relies on checked: an object,
    whose `list` (when sent) holds objects and whose `page_info` (when sent) holds whole numbers."""
    if data is None:
        return {}
    read.object(data, "data")
    read.objects(data.get("list"), "data.list")
    if data.get("page_info") is not None:
        read.counts(read.object(data["page_info"], "data.page_info"), PAGE_INFO, "data.page_info")
    return data
