"""One TikTok GET (encoding, Access-Token header, retries, the body envelope), or one POST write (sent once)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

from ...errors import ConnectorError, InvalidParams, NotConfigured, OutcomeUnknown
from ...http import ClientOptions, new_client, send, send_write, with_retries
from ...rate_limit import limiter
from .errors import BASE_URL_SETTING, TOKEN_SETTING, parse_envelope
from .settings import TiktokMarketingSettings

SERVICE = "the TikTok Marketing API"
THROTTLE_HEADER = "X-Tt-Ads-Throttle"


@dataclass
class Reply:
    data: dict[str, Any]
    headers: httpx.Headers
    partial: bool = False  # TikTok code 20001: some of the request failed
    request_id: str | None = None

    def meta(self) -> dict[str, Any]:
        """Warnings an agent must see alongside the records."""
        warnings = []
        if THROTTLE_HEADER.lower() in self.headers:
            warnings.append(
                "TikTok capped this report at 20,000 ads (X-Tt-Ads-Throttle); rows are missing. "
                "Narrow it with filtering on campaign_ids or adgroup_ids."
            )
        if self.partial:
            warnings.append("TikTok reported partial success (code 20001): some requested items are missing.")
        return {"warnings": warnings} if warnings else {}


def encode_query(params: dict[str, Any]) -> dict[str, str]:
    """TikTok wants arrays/objects as JSON strings and booleans as true/false; None is left out."""
    encoded = {}
    for name, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            encoded[name] = "true" if value else "false"
        elif isinstance(value, (list, dict)):
            encoded[name] = json.dumps(value)
        else:
            encoded[name] = str(value)
    return encoded


def _error_code(response: httpx.Response) -> bool:
    """True when the body carries a code other than success (0) or partial success (20001)."""
    try:
        code = response.json().get("code")
    except (ValueError, AttributeError):
        return False
    return isinstance(code, int) and not isinstance(code, bool) and code not in (0, 20001)


class TiktokApi:
    def __init__(self, settings: TiktokMarketingSettings, options: ClientOptions):
        self.settings = settings
        self.options = options
        self._client: httpx.AsyncClient | None = None

    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            if not self.settings.has_direct_credentials():
                raise NotConfigured(
                    "No TikTok access token is configured.",
                    fix=f"Set {TOKEN_SETTING} (and TIKTOK_MARKETING_ADVERTISER_ID).",
                )
            token = self.settings.access_token.get_secret_value()  # type: ignore[union-attr]
            self._client = new_client(self.options, base_url=self.settings.api_base_url, headers={"Access-Token": token})
        return self._client

    async def get(self, path: str, params: dict[str, Any]) -> Reply:
        client = self.client()
        query = encode_query(params)
        bucket = limiter("tiktok-marketing", self.settings.max_qps, in_process=self.options.transport is not None)

        try:
            client.build_request("GET", path, params=query)
        except httpx.InvalidURL:  # e.g. a huge `fields` value: refused before any request, not an internal error
            raise InvalidParams(
                "the params make a request URL longer than TikTok accepts.",
                fix="Pass fewer or shorter values (fields, ids, filtering).",
            ) from None

        async def call() -> Reply:
            request = client.build_request("GET", path, params=query)
            response = await send(client, request, service=SERVICE, setting=BASE_URL_SETTING, limiter=bucket)
            data, partial = parse_envelope(response)
            return Reply(data, response.headers, partial)

        return await with_retries(self.options, call)

    async def post(self, path: str, body: dict[str, Any], *, check: str) -> Reply:
        """A write: JSON body, sent once (http.send_write: resent only when it never left). `check` says how
        to see whether it was applied when its answer is lost."""
        client = self.client()
        bucket = limiter("tiktok-marketing", self.settings.max_qps, in_process=self.options.transport is not None)
        request = client.build_request("POST", path, json=body)
        response = await send_write(client, request, service=SERVICE, options=self.options, limiter=bucket, check=check)
        try:
            data, partial = parse_envelope(response)
        except ConnectorError as error:
            if not response.is_success or _error_code(response):
                raise  # TikTok refused it (a non-zero code, or an HTTP error before its API logic)
            # HTTP 200 whose code says success or cannot be read: it may have been applied; never resent.
            raise OutcomeUnknown(
                f"TikTok answered the change with a body this server cannot read ({error.message}); it may have "
                "been applied. It was not sent again.",
                fix=f"Apply the same change_id again: it reads the objects back instead of resending; or {check}.",
                request_id=error.request_id,
            ) from None
        request_id = response.headers.get("x-tt-logid")
        try:
            request_id = response.json().get("request_id") or request_id
        except ValueError:
            pass
        return Reply(data, response.headers, partial, request_id)

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
