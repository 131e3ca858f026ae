"""The hosted backend: Airbyte's Agent API runs its own connector and returns one page per call.

`HostedClient` owns the application token, the connector lookup and the
execute call; `HostedBackend` plugs a connector's `HostedAdapter` (the param
translation, in the connector's folder) into the Backend protocol.
"""

from __future__ import annotations

import time
from typing import Any

import anyio
import httpx

from ..connector import Connector, HostedReply
from ..errors import AuthError, ConnectorError, NotConfigured, VendorError
from ..http import ClientOptions, new_client, send, with_retries
from ..redact import register_secret
from ..settings import AirbyteSettings, ConnectorSettings
from .base import Page, PageRequest
from .hosted_errors import AIRBYTE_FIX, VENDOR, map_error, readable_detail

API = "/api/v1"
SERVICE = "the Airbyte API"
DEFAULT_WORKSPACE = "default"  # what Airbyte's SDK falls back to
TOKEN_MARGIN = 60.0  # refresh this long before expiry (at most a tenth of the lifetime)


def _now() -> float:
    return time.monotonic()


class HostedClient:
    """Authenticated calls to the Agent API; safe to share between concurrent tool calls."""

    def __init__(self, airbyte: AirbyteSettings, options: ClientOptions):
        self.airbyte = airbyte
        self.options = options
        self.workspace = airbyte.workspace_name or DEFAULT_WORKSPACE
        headers = {"X-Organization-Id": airbyte.organization_id} if airbyte.organization_id else {}
        self._http = new_client(options, base_url=airbyte.api_url.rstrip("/"), headers=headers)
        self._token: str | None = None
        self._token_expires = 0.0
        self._token_lock = anyio.Lock()
        self._lookups: dict[str, str] = {}

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- token -------------------------------------------------------------
    async def _access_token(self, *, stale: str | None = None) -> str:
        """A valid token; only one caller fetches at a time. `stale` = the token a 401 just refused."""
        async with self._token_lock:
            fresh = self._token and self._token != stale and _now() < self._token_expires
            if not fresh:
                self._token, self._token_expires = await self._fetch_token()
            return self._token

    async def _fetch_token(self) -> tuple[str, float]:
        if not self.airbyte.configured():
            raise NotConfigured(
                "hosted mode needs Airbyte application credentials.",
                fix="Set AIRBYTE_CLIENT_ID and AIRBYTE_CLIENT_SECRET (Airbyte → Settings → Applications).",
            )
        body = {"client_id": self.airbyte.client_id, "client_secret": self.airbyte.client_secret.get_secret_value()}
        request = self._http.build_request("POST", f"{API}/account/applications/token", json=body)
        response = await with_retries(self.options, lambda: self._checked(request, vendor="Airbyte"))
        if response.status_code in (400, 401, 403, 422):
            raise AuthError(f"Airbyte refused the application credentials: {readable_detail(response)}", fix=AIRBYTE_FIX)
        if response.status_code >= 400:
            raise map_error(response, vendor="Airbyte")
        reply = response.json()
        register_secret(reply["access_token"])
        lifetime = float(reply.get("expires_in") or 900)
        margin = min(TOKEN_MARGIN, lifetime / 10)
        return reply["access_token"], _now() + lifetime - margin

    # -- requests ----------------------------------------------------------
    async def _checked(self, request: httpx.Request, *, vendor: str) -> httpx.Response:
        """Send once; retryable failures (5xx, 429) raise so with_retries can try again."""
        response = await send(self._http, request, service=SERVICE)
        if response.status_code in (429, 502, 503, 504):
            raise map_error(response, vendor=vendor)
        return response

    async def request(self, method: str, path: str, *, vendor: str = VENDOR, **kwargs: Any) -> Any:
        """One authenticated call with retries; a 401 re-fetches the token once."""
        attempts = 0

        async def once() -> Any:
            nonlocal attempts
            attempts += 1
            try:
                return await self._authorized(method, path, vendor=vendor, **kwargs)
            except ConnectorError as error:
                wait = getattr(error, "retry_after", None)
                if wait is not None and error.retryable:
                    if wait > self.options.retry_max_wait:  # too long to wait inside one tool call
                        error.retryable = False
                        error.fix = f"Airbyte asks to wait {wait:.0f} s; try again after that."
                    elif attempts < self.options.retry_attempts:
                        await anyio.sleep(wait)
                raise

        return await with_retries(self.options, once)

    async def _authorized(self, method: str, path: str, *, vendor: str, **kwargs: Any) -> Any:
        token = await self._access_token()
        response = await self._send_with(token, method, path, vendor, kwargs)
        if response.status_code == 401:
            token = await self._access_token(stale=token)
            response = await self._send_with(token, method, path, vendor, kwargs)
        if response.status_code >= 400:
            raise map_error(response, vendor=vendor)
        try:
            return response.json()
        except ValueError:
            raise VendorError(f"Airbyte answered HTTP {response.status_code} with a body that is not JSON.") from None

    async def _send_with(self, token: str, method: str, path: str, vendor: str, kwargs: dict[str, Any]) -> httpx.Response:
        request = self._http.build_request(method, path, headers={"Authorization": f"Bearer {token}"}, **kwargs)
        return await self._checked(request, vendor=vendor)

    # -- connectors --------------------------------------------------------
    def workspace_params(self, *, legacy: bool = False) -> dict[str, str]:
        return {("customer_name" if legacy else "workspace_name"): self.workspace}

    async def list_connectors(self, definition_id: str | None = None, *, legacy: bool = False) -> list[dict[str, Any]]:
        params = self.workspace_params(legacy=legacy)
        if definition_id:
            params["definition_id"] = definition_id
        reply = await self.request("GET", f"{API}/integrations/connectors", params=params)
        return list(reply.get("data") or [])

    async def connector_id(self, connector: Connector, settings: ConnectorSettings) -> str:
        """settings.connector_id wins; otherwise the one connector of this type in the workspace."""
        if settings.connector_id:
            return settings.connector_id
        if connector.id not in self._lookups:
            found = await self.list_connectors(connector.airbyte_definition_id)
            if len(found) != 1:
                raise _lookup_error(connector, self.workspace, found)
            self._lookups[connector.id] = str(found[0]["id"])
        return self._lookups[connector.id]

    async def execute(
        self,
        connector_id: str,
        entity: str,
        action: str,
        params: dict[str, Any],
        select_fields: list[str] | None = None,
        *,
        vendor: str = VENDOR,
    ) -> HostedReply:
        body: dict[str, Any] = {"entity": entity, "action": action, "params": params}
        if select_fields:
            body["select_fields"] = select_fields
        reply = await self.request("POST", f"{API}/integrations/connectors/{connector_id}/execute", vendor=vendor, json=body)
        if str(reply.get("status", "success")).lower() not in ("success", "succeeded", "ok"):
            raise VendorError(f"Airbyte reported status {reply.get('status')!r} for {entity}.{action}: {reply.get('warning') or ''}".strip())
        return HostedReply(result=reply.get("result"), connector_metadata=reply.get("connector_metadata"), warning=reply.get("warning"))

    async def create_connector(self, body: dict[str, Any], *, legacy: bool = False) -> dict[str, Any]:
        return await self.request("POST", f"{API}/integrations/connectors", json={**self.workspace_params(legacy=legacy), **body})

    async def initiate_oauth(self, body: dict[str, Any], *, legacy: bool = False) -> dict[str, Any]:
        path = f"{API}/integrations/connectors/oauth/initiate"
        return await self.request("POST", path, json={**self.workspace_params(legacy=legacy), **body})


def _lookup_error(connector: Connector, workspace: str, found: list[dict[str, Any]]) -> NotConfigured:
    setting = connector.settings_cls.model_config.get("env_prefix", "") + "CONNECTOR_ID"
    if not found:
        return NotConfigured(
            f"no {connector.title} connector in Airbyte workspace {workspace!r}.",
            fix=f"Create one with `connector-mcp hosted create {connector.id} --name NAME --start-date YYYY-MM-DD`, "
            f"set {setting}, or set AIRBYTE_WORKSPACE_NAME to the workspace that holds it.",
        )
    ids = ", ".join(str(c.get("id")) for c in found[:5])
    return NotConfigured(
        f"{len(found)} {connector.title} connectors in Airbyte workspace {workspace!r} ({ids}); cannot tell which to use.",
        fix=f"Set {setting} to one of them.",
    )


class BoundExecute:
    """The HostedExecute an adapter gets: execute calls bound to one Airbyte connector."""

    def __init__(self, backend: HostedBackend, connector_id: str):
        self.backend = backend
        self.connector_id = connector_id

    async def __call__(
        self, entity: str, action: str, params: dict[str, Any], select_fields: list[str] | None = None
    ) -> HostedReply:
        client = self.backend.client
        return await client.execute(self.connector_id, entity, action, params, select_fields, vendor=self.backend.connector.title)


class HostedBackend:
    name = "hosted"

    def __init__(self, connector: Connector, settings: ConnectorSettings, airbyte: AirbyteSettings, options: ClientOptions):
        self.connector = connector
        self.settings = settings
        self.client = HostedClient(airbyte, options)

    def _adapter(self):
        if self.connector.hosted is None:
            raise NotConfigured(f"{self.connector.title} has no hosted translation.", fix="Use direct mode.")
        return self.connector.hosted

    async def fetch(self, request: PageRequest) -> Page:
        adapter = self._adapter()
        connector_id = await self.client.connector_id(self.connector, self.settings)
        return await adapter.fetch(request, BoundExecute(self, connector_id), self.settings)

    async def check(self) -> str:
        adapter = self._adapter()
        connector_id = await self.client.connector_id(self.connector, self.settings)
        entity, action, params = adapter.check_op
        reply = await self.client.execute(connector_id, entity, action, params, vendor=self.connector.title)
        count = len(reply.result) if isinstance(reply.result, list) else 1
        return (
            f"hosted: Airbyte connector {connector_id} (workspace {self.client.workspace!r}) answered "
            f"{entity}.{action} with {count} record(s)" + (f"; warning: {reply.warning}" if reply.warning else "")
        )

    async def aclose(self) -> None:
        await self.client.aclose()
