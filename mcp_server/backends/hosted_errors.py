"""Turn an Airbyte Agent API error reply into one of our ConnectorErrors.

The rules follow Airbyte's own clients: the readable detail comes from
`errors[].userPresentableMessage | message | error`, else the top-level
`message | error | detail`, else the raw body. A 401/403 can come from Airbyte
or from the vendor behind it; only the text tells them apart.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from ..errors import (
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
from ..http import retry_after
from ..rate_limit import QuotaExhausted
from ..redact import scrub

MAX_DETAIL = 400
VENDOR = "the vendor"  # when the caller does not say which
AIRBYTE_FIX = "Check AIRBYTE_CLIENT_ID, AIRBYTE_CLIENT_SECRET and (with several organizations) AIRBYTE_ORGANIZATION_ID."


def readable_detail(response: httpx.Response) -> str:
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    detail = _detail_from(body) if isinstance(body, dict) else None
    if not detail:
        detail = response.text.strip() or f"HTTP {response.status_code}"
    detail = scrub(" ".join(detail.split()))
    return detail if len(detail) <= MAX_DETAIL else detail[: MAX_DETAIL - 1] + "…"


def _detail_from(body: dict[str, Any]) -> str | None:
    parts = []
    for item in body.get("errors") or []:
        if isinstance(item, dict):
            text = item.get("userPresentableMessage") or item.get("message") or item.get("error")
            if text:
                field = item.get("field")
                parts.append(f"{field}: {text}" if field and field not in str(text) else str(text))
    if parts:
        return "; ".join(parts)
    for key in ("message", "error", "detail"):
        value = body.get(key)
        if isinstance(value, list):  # FastAPI validation detail: [{loc, msg}, ...]
            value = "; ".join(str(v.get("msg", v)) if isinstance(v, dict) else str(v) for v in value)
        if value:
            return value if isinstance(value, str) else json.dumps(value)
    return None




def map_error(response: httpx.Response, *, vendor: str = VENDOR) -> ConnectorError:
    """Map a non-2xx execute/lookup reply. `vendor` is e.g. "LinkedIn Ads" (used to tell who refused).

    The error keeps the HTTP status as `.status` (callers that must not resend a create read it)."""
    error = _mapped(response, vendor)
    error.status = response.status_code  # type: ignore[attr-defined]
    return error


def _mapped(response: httpx.Response, vendor: str) -> ConnectorError:
    status = response.status_code
    detail = readable_detail(response)
    request_id = response.headers.get("x-request-id")
    by_vendor = _mentions_vendor(detail, vendor)
    if status in (400, 422):
        if by_vendor:
            return VendorError(f"{vendor} rejected the request (via Airbyte): {detail}", request_id=request_id)
        return InvalidParams(f"Airbyte rejected the request: {detail}", fix="Correct the params named above.", request_id=request_id)
    if status == 414:
        return InvalidParams(
            f"the request is too long for Airbyte's hosted API: {detail}",
            fix="Pass fewer ids (e.g. fewer campaigns), or use direct mode, which tunnels long queries.",
            request_id=request_id,
        )
    if status == 401:
        if by_vendor:
            return AuthError(
                f"{vendor} refused the credentials stored in the Airbyte connector: {detail}",
                fix=f"Reconnect {vendor} in Airbyte (connector-mcp hosted oauth / finish), or update its credentials.",
                request_id=request_id,
            )
        return AuthError(f"Airbyte refused the application credentials: {detail}", fix=AIRBYTE_FIX, request_id=request_id)
    if status == 403:
        who = f"{vendor} (via Airbyte)" if by_vendor else "Airbyte"
        fix = f"Grant the {vendor} user access to this data." if by_vendor else AIRBYTE_FIX
        return PermissionDenied(f"{who} denied access: {detail}", fix=fix, request_id=request_id)
    if status == 404:
        return NotFound(f"not found (Airbyte): {detail}", fix="Check the id, and that the connector exists in this workspace.", request_id=request_id)
    if status == 429:
        if DAILY_QUOTA.search(detail):
            return QuotaExhausted(f"{vendor}'s daily quota is used up (via Airbyte): {detail}", request_id=request_id)
        error = RateLimited(f"rate limited (Airbyte): {detail}", fix="Wait a little and try again.", request_id=request_id)
        error.retry_after = retry_after(response)  # type: ignore[attr-defined]
        return error
    if status in (502, 503, 504):
        return VendorUnavailable(f"Airbyte or {vendor} is unavailable (HTTP {status}): {detail}", fix="Try again shortly.", request_id=request_id)
    if status >= 500:
        # Airbyte's own clients do not resend after a 500 (the work may have run), so neither do we.
        error = VendorUnavailable(f"Airbyte failed (HTTP {status}): {detail}", fix="Try again shortly.", request_id=request_id)
        error.retryable = False
        return error
    return VendorError(f"Airbyte answered HTTP {status}: {detail}", request_id=request_id)


def _mentions_vendor(detail: str, vendor: str) -> bool:
    text = detail.lower()
    names = [vendor.split()[0].lower()] if vendor not in (VENDOR, "Airbyte") else []  # "linkedin", "tiktok"
    return any(word in text for word in [*names, "upstream", "source api"])
