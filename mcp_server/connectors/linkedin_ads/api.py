"""One authenticated LinkedIn REST read: headers, Rest.li query, tunnelling, errors.

The query string is built by `restli.query_string` and sent inside the URL
(never httpx `params=`, which re-encodes Rest.li structure). Queries longer
than LinkedIn's 4 KB limit go as POST + `X-HTTP-Method-Override: GET` with
the same encoded query as a form body, as does any request answered 414.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from ...answers import Reader
from ...errors import AuthError, VendorUnavailable
from ...http import ClientOptions, new_client, send, with_retries
from ...rate_limit import limiter
from . import restli
from .auth import TokenProvider
from .errors import BASE_URL_SETTING, error_for, is_token_rejection
from .settings import LinkedinAdsSettings

# LinkedIn's query-string limit is 4 KB; the official client tunnels above 4,000 characters.
TUNNEL_ABOVE = 4000


def path_of(*segments: Any) -> str:
    """`adAccounts`, 123, `creatives`, URN → `adAccounts/123/creatives/urn%3Ali%3A...` (each segment fully encoded)."""
    return "/".join(quote(str(s), safe="") for s in segments)


class LinkedinApi:
    def __init__(self, settings: LinkedinAdsSettings, options: ClientOptions):
        self.settings = settings
        self.options = options
        self.client = new_client(options)
        self.tokens = TokenProvider(settings, self.client, options)

    async def get(self, path: str, query: list[tuple[str, Any]] | None = None, *, finder: bool = False) -> dict:
        """GET base/path?query → parsed JSON body; retries retryable failures."""
        text = restli.query_string(query or [])
        return await with_retries(self.options, lambda: self._authorized(path, text, finder))

    async def _authorized(self, path: str, query: str, finder: bool) -> dict:
        token = await self.tokens.token()
        response = await self._send(path, query, finder, token)
        if is_token_rejection(response):
            token = await self.tokens.replace(token)
            response = await self._send(path, query, finder, token)
            if response.status_code == 401:
                raise AuthError(
                    "LinkedIn rejected a freshly refreshed access token.",
                    fix="Re-authorize (the member may have revoked access): run `connector-mcp login linkedin-ads` "
                    "(or set a new LINKEDIN_ADS_REFRESH_TOKEN); `connector-mcp check` shows the token's state.",
                    request_id=response.headers.get("x-li-request-id"),
                )
        if response.is_success:
            return checked_body(_json_of(response), Reader("LinkedIn", response.headers.get("x-li-request-id")))
        raise error_for(response, self.settings.api_version)

    async def _send(self, path: str, query: str, finder: bool, token: str) -> httpx.Response:
        headers = {
            "Authorization": f"Bearer {token}",
            "LinkedIn-Version": self.settings.api_version,
            "X-Restli-Protocol-Version": "2.0.0",
        }
        if finder:
            headers["X-RestLi-Method"] = "FINDER"
        url = f"{self.settings.api_base_url}/{path}"
        bucket = limiter("linkedin-ads", self.settings.max_qps, in_process=self.options.transport is not None)
        if len(query) <= TUNNEL_ABOVE:
            request = self.client.build_request("GET", f"{url}?{query}" if query else url, headers=headers)
            response = await send(self.client, request, service="LinkedIn", setting=BASE_URL_SETTING, limiter=bucket)
            if response.status_code != 414:
                return response
        tunnelled = self._tunnelled(url, query, headers)
        return await send(self.client, tunnelled, service="LinkedIn", setting=BASE_URL_SETTING, limiter=bucket)

    def _tunnelled(self, url: str, query: str, headers: dict[str, str]) -> httpx.Request:
        tunnel_headers = {
            **headers,
            "X-HTTP-Method-Override": "GET",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        return self.client.build_request("POST", url, headers=tunnel_headers, content=query.encode())

    async def aclose(self) -> None:
        await self.client.aclose()


def checked_body(body: dict[str, Any], read: Reader) -> dict[str, Any]:
    """The parts of a collection answer every reader relies on: `elements` holds objects, `paging` whole
    numbers (total may be -1, unknown), `metadata.nextPageToken` a string. Records have none of these keys."""
    read.objects(body.get("elements"), "elements")
    if body.get("paging") is not None:
        paging = read.object(body["paging"], "paging")
        read.counts(paging, ("start", "count"), "paging")
        read.counts(paging, ("total",), "paging", minimum=-1)
    if body.get("metadata") is not None:
        read.text(read.object(body["metadata"], "metadata").get("nextPageToken"), "metadata.nextPageToken")
    return body


def _json_of(response: httpx.Response) -> dict:
    """The body of a 2xx answer; an empty or cut-off one is a transient fault (a read is safe to resend)."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise VendorUnavailable(
            f"LinkedIn answered HTTP {response.status_code} with a body that is not a JSON object (empty or cut off).",
            fix="Try again; if it persists, check LINKEDIN_ADS_API_BASE_URL.",
            request_id=response.headers.get("x-li-request-id"),
        )
    return body
