"""Reading the fake Agent API's requests: JSON bodies, connector types, workspaces, credentials."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from .hosted_runner import HostedHTTPError

VENDOR_ORIGIN = "http://vendor.sandbox"  # where the vendor fakes live inside the hosted fake
REQUIRED_CREDENTIALS = {"linkedin-ads": ("client_id", "client_secret", "refresh_token"), "tiktok-marketing": ("access_token",)}


def registry():
    from ..connectors import REGISTRY  # late: connectors import the spine, not this module

    return REGISTRY


def error(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"message": message, "errors": [{"field": None, "message": message, "error_code": None, "details": None}]}, status, **extra)


def vendor_settings(connector_id: str) -> dict[str, Any]:
    return {k: (v.get_secret_value() if hasattr(v, "get_secret_value") else v)
            for k, v in registry()[connector_id].sandbox_settings(VENDOR_ORIGIN).items()}  # fmt: skip


def config_from(settings: dict[str, Any]) -> dict[str, Any]:
    """A connector config (credentials, advertiser id) from vendor settings kwargs."""
    return {k: v for k, v in settings.items() if not k.endswith("_url") and v is not None}


def connector_for(body: dict[str, Any]):
    """Our registry connector from connector_type / definition_id (exactly one must be given)."""
    given = [k for k in ("connector_type", "definition_id", "source_template_id") if body.get(k)]
    if not given:
        raise HostedHTTPError(422, "One of connector_type, definition_id or source_template_id must be provided")
    for connector in registry().values():
        if str(body.get("connector_type", "")).lower() == connector.airbyte_connector_type.lower() or body.get(
            "definition_id"
        ) == connector.airbyte_definition_id:
            return connector
    raise HostedHTTPError(422, f"Unknown connector: {body.get(given[0])}", field=given[0])


def workspace_of(data: dict[str, Any]) -> str | None:
    return data.get("workspace_name") or data.get("customer_name") or data.get("external_user_id")


def checked_credentials(connector_id: str, credentials: dict[str, Any]) -> dict[str, Any]:
    missing = [name for name in REQUIRED_CREDENTIALS[connector_id] if not credentials.get(name)]
    if missing:
        raise HostedHTTPError(422, f"credentials.{missing[0]} is required", field=f"credentials.{missing[0]}")
    return dict(credentials)


async def read_json(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        raise HostedHTTPError(422, "Request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise HostedHTTPError(422, "Request body must be a JSON object")
    return body
