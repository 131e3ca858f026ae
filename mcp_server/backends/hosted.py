"""The hosted backend: Airbyte's Agent API runs its own connector and returns one page per call.

`HostedClient` owns the application token, the connector lookup and the
execute call; `HostedBackend` plugs a connector's `HostedAdapter` (the param
translation, in the connector's folder) into the Backend protocol.

Resending is decided per call (`Resend`): reads are resent after any
retryable failure, except that a timed-out execute is not (it may still be
running on Airbyte's side); creating a connector or starting OAuth is resent
only when the request certainly never left (a connect error), because a
second create makes a second connector.
"""

from __future__ import annotations

import re
import time
from enum import Enum
from typing import Any

import anyio
import httpx

from ..answers import Reader, shown
from ..budget import spend
from ..connector import Connector, HostedReply
from ..errors import AuthError, ConnectorError, NetworkError, NotConfigured, VendorError
from ..http import ClientOptions, host_of, new_client, overall_deadline, with_retries
from ..rate_limit import limiter, throttle
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


READ = Reader("Airbyte")
TOKEN = re.compile(r"[!-~]{4,8192}")  # printable ASCII, no spaces: it goes into the Authorization header
MAX_TOKEN_LIFETIME = 10 * 365 * 86_400


class Resend(Enum):
    """When a failed call may be sent again."""

    READ = "read"  # any retryable failure (lookups, token)
    EXECUTE = "execute"  # a read, but not after a timeout: a long report may still be running at Airbyte
    UNSENT_ONLY = "unsent_only"  # creates: only when the request never left (connect error)


class NotSent(NetworkError):
    """No byte of the request left this machine (connect error): safe to resend even a create."""


class AnswerLost(NetworkError):
    """The request was sent but its answer never arrived (dropped connection)."""


class AnswerTimeout(AnswerLost):
    """The request was sent and Airbyte did not answer within AIRBYTE_TIMEOUT."""


def _maybe_done(error: ConnectorError) -> bool:
    """After this failure Airbyte may have done the work: a lost answer, a 5xx, or a 429 from a proxy."""
    status = getattr(error, "status", 0) or 0
    return isinstance(error, AnswerLost) or status >= 500 or status == 429


def _not_resent(error: ConnectorError, message: str, fix: str) -> ConnectorError:
    """The same kind of error, marked final, with what may have happened and what to do."""
    error.retryable = False
    error.message = f"{error.message} {message}"
    error.fix = fix
    return error


class HostedClient:
    """Authenticated calls to the Agent API; safe to share between concurrent tool calls."""

    def __init__(self, airbyte: AirbyteSettings, options: ClientOptions):
        self.airbyte = airbyte
        self.options = options
        self.workspace = airbyte.workspace_name or DEFAULT_WORKSPACE
        headers = {"X-Organization-Id": airbyte.organization_id} if airbyte.organization_id else {}
        self._http = new_client(options, base_url=airbyte.api_url.rstrip("/"), headers=headers)
        # Airbyte's own SDK waits 300 s for an answer (a hosted report page can take minutes);
        # connecting stays on the short vendor timeout so an unreachable API fails fast.
        self._http.timeout = httpx.Timeout(airbyte.timeout, connect=min(options.timeout, airbyte.timeout))
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
        # Minting a second token is harmless, so this POST is resent like a read.
        request = self._http.build_request("POST", f"{API}/account/applications/token", json=body)
        response = await with_retries(self.options, lambda: self._checked(request, vendor="Airbyte"))
        if response.status_code in (400, 401, 403, 422):
            raise AuthError(f"Airbyte refused the application credentials: {readable_detail(response)}", fix=AIRBYTE_FIX)
        if response.status_code >= 400:
            raise map_error(response, vendor="Airbyte")
        try:
            reply = READ.object(response.json(), "the token answer")
        except ValueError:
            raise READ.fail("the token answer", response.text[:40], "JSON") from None
        token, lifetime = reply.get("access_token"), reply.get("expires_in") or 900
        if not (isinstance(token, str) and TOKEN.fullmatch(token)):
            register_secret(token if isinstance(token, str) else None)  # whatever it is, it may be a secret
            raise READ.fail("access_token", "…", "a token (4 to 8192 printable characters)")
        register_secret(token)
        if isinstance(lifetime, bool) or not isinstance(lifetime, (int, float)) or not 0 < lifetime <= MAX_TOKEN_LIFETIME:
            raise READ.fail("expires_in", lifetime, "a number of seconds")
        margin = min(TOKEN_MARGIN, lifetime / 10)
        return token, _now() + lifetime - margin

    # -- requests ----------------------------------------------------------
    async def _send(self, request: httpx.Request) -> httpx.Response:
        """Send once (when the Agent API's limiter allows); transport failures say whether the request left
        (NotSent) or its answer was lost."""
        spend()
        await throttle(limiter("airbyte", self.airbyte.max_qps, in_process=self.options.transport is not None))
        where = host_of(request)
        try:
            with anyio.fail_after(overall_deadline(self._http)):  # per read is not enough: see overall_deadline
                return await self._http.send(request)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise NotSent(
                f"could not reach {SERVICE} at {where} ({type(exc).__name__}).",
                fix=f"Check the network, and AIRBYTE_API_URL: it points at {where}.",
            ) from None
        except (httpx.TimeoutException, TimeoutError):
            raise AnswerTimeout(
                f"{SERVICE} did not answer within {self.airbyte.timeout:g} s.",
                fix="Try again later; AIRBYTE_TIMEOUT sets how long to wait.",
            ) from None
        except httpx.TransportError as exc:  # URL left out: it may hold ids
            raise AnswerLost(
                f"the connection to {SERVICE} at {where} broke before its answer arrived ({type(exc).__name__}).",
                fix=f"Try again; if it persists, check the network and AIRBYTE_API_URL (it points at {where}).",
            ) from None

    async def _checked(self, request: httpx.Request, *, vendor: str) -> httpx.Response:
        """Send once; retryable failures (5xx, 429) raise so with_retries can try again."""
        response = await self._send(request)
        if response.status_code in (429, 502, 503, 504):
            raise map_error(response, vendor=vendor)
        return response

    async def request(
        self,
        method: str,
        path: str,
        *,
        vendor: str = VENDOR,
        resend: Resend = Resend.READ,
        unsure: tuple[str, str] | None = None,
        **kwargs: Any,
    ) -> Any:
        """One authenticated call with retries as `resend` allows; a 401 re-fetches the token once.

        `unsure` = (what may have happened, what to do) when a call that is not resent fails after sending.
        """

        async def once() -> Any:
            try:
                return await self._authorized(method, path, vendor=vendor, **kwargs)
            except ConnectorError as error:
                if isinstance(error, NotSent) or getattr(error, "before_send", False):
                    raise  # the call itself never reached Airbyte: resending is always safe
                if resend is Resend.UNSENT_ONLY and _maybe_done(error):
                    what, fix = unsure or ("Airbyte may or may not have carried out the request.", "Check before retrying.")
                    raise _not_resent(error, what, fix) from None
                if resend is Resend.EXECUTE and isinstance(error, AnswerTimeout):
                    error.retryable = False  # execute() says why
                    raise
                raise  # with_retries waits as Retry-After asks (or fails at once when that is too long)

        return await with_retries(self.options, once)

    async def _authorized(self, method: str, path: str, *, vendor: str, **kwargs: Any) -> Any:
        token = await self._token_before_send()
        response = await self._send_with(token, method, path, vendor, kwargs)
        if response.status_code == 401:  # refused, so not carried out: resending is safe
            token = await self._token_before_send(stale=token)
            response = await self._send_with(token, method, path, vendor, kwargs)
        if response.status_code >= 400:
            raise map_error(response, vendor=vendor)
        try:
            return response.json()
        except ValueError:  # cut off or empty: like a lost answer, the work may have been done
            raise AnswerLost(
                f"{SERVICE} answered HTTP {response.status_code} with a body that is not JSON (empty or cut off).",
                fix="Try again; if it persists, check AIRBYTE_API_URL.",
            ) from None

    async def _token_before_send(self, *, stale: str | None = None) -> str:
        try:
            return await self._access_token(stale=stale)
        except ConnectorError as error:
            error.before_send = True  # type: ignore[attr-defined]  # the call itself has not left yet
            raise

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
        reply = READ.object(await self.request("GET", f"{API}/integrations/connectors", params=params), "the connector list")
        return READ.objects(reply.get("data"), "data")

    async def connector_id(self, connector: Connector, settings: ConnectorSettings) -> str:
        """settings.connector_id wins; otherwise the one connector of this type in the workspace."""
        if settings.connector_id:
            return settings.connector_id
        if connector.id not in self._lookups:
            found = await self.list_connectors(connector.airbyte_definition_id)
            if len(found) != 1:
                raise _lookup_error(connector, self.workspace, found)
            if not isinstance(found[0].get("id"), str) or not found[0]["id"].strip():
                raise READ.fail("data[0].id", found[0].get("id"), "a connector id")
            self._lookups[connector.id] = found[0]["id"]
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
        path = f"{API}/integrations/connectors/{connector_id}/execute"
        try:
            reply = await self.request("POST", path, vendor=vendor, resend=Resend.EXECUTE, json=body)
        except AnswerTimeout as error:
            raise _not_resent(
                error,
                f"The {entity}.{action} request was not sent again: it may still be running on Airbyte's side "
                "(a long report can take minutes), and a second copy would only add to the load.",
                "Narrow the request (a shorter date range, coarser timeGranularity, fewer metrics or ids) or try "
                f"again in a few minutes; AIRBYTE_TIMEOUT sets how long to wait (now {self.airbyte.timeout:g} s).",
            ) from None
        read = Reader(f"Airbyte ({vendor})")
        reply = read.object(reply, "the execute answer")
        if str(reply.get("status", "success")).lower() not in ("success", "succeeded", "ok"):
            raise VendorError(f"Airbyte reported status {shown(reply.get('status'))} for {entity}.{action}: {shown(reply.get('warning') or '')}".strip())
        result = reply.get("result")
        if not isinstance(result, dict):
            result = read.objects(result, "result")  # records, or one record for a get
        metadata = reply.get("connector_metadata")
        if metadata is not None:
            read.object(metadata, "connector_metadata")
        return HostedReply(result=result, connector_metadata=metadata, warning=read.text(reply.get("warning"), "warning"))

    async def create_connector(self, body: dict[str, Any], *, legacy: bool = False) -> dict[str, Any]:
        """Not idempotent: a resent create makes a second connector, and every lookup then finds two."""
        unsure = (
            "The connector may or may not have been created; it was not sent again, to avoid a duplicate.",
            f"Run `connector-mcp hosted list` (workspace {self.workspace!r}) to see whether it exists before "
            "creating it again.",
        )
        json_body = {**self.workspace_params(legacy=legacy), **body}
        return await self.request("POST", f"{API}/integrations/connectors", resend=Resend.UNSENT_ONLY, unsure=unsure, json=json_body)

    async def initiate_oauth(self, body: dict[str, Any], *, legacy: bool = False) -> dict[str, Any]:
        """Not idempotent either: each initiate starts an OAuth session whose consent may create a connector."""
        unsure = (
            "Airbyte may or may not have started an OAuth session; it was not sent again.",
            "Run `connector-mcp hosted oauth` again for a consent URL and approve only that one; afterwards "
            "`connector-mcp hosted list` shows whether a connector was created (and whether there are two).",
        )
        path = f"{API}/integrations/connectors/oauth/initiate"
        json_body = {**self.workspace_params(legacy=legacy), **body}
        return await self.request("POST", path, resend=Resend.UNSENT_ONLY, unsure=unsure, json=json_body)


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


def _shown(params: dict[str, Any]) -> str:
    return " (" + ", ".join(f"{k}={v}" for k, v in params.items()) + ")" if params else ""


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
        """The adapter's check op, for the configured account when there is one; an empty answer fails.

        Airbyte's hosted connectors can turn a vendor error into an empty result (TikTok always does), so
        'answered with 0 records' is never reported as healthy."""
        adapter = self._adapter()
        connector_id = await self.client.connector_id(self.connector, self.settings)
        entity, action, params = adapter.check_op(self.settings)
        reply = await self.client.execute(connector_id, entity, action, params, vendor=self.connector.title)
        records = reply.result if isinstance(reply.result, list) else [reply.result] if reply.result else []
        if not records:
            raise adapter.empty_check(self.settings)
        return (
            f"hosted: Airbyte connector {connector_id} (workspace {self.client.workspace!r}) answered "
            f"{entity}.{action}{_shown(params)} with {len(records)} record(s)" + (f"; warning: {reply.warning}" if reply.warning else "")
        )

    async def aclose(self) -> None:
        await self.client.aclose()
