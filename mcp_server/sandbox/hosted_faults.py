"""Request log and fault injection for the fake Agent API.

`POST /__sandbox__/faults {"match": "/execute", "kind": "rate_limited", "times": 1}` makes the next
matching request fail the way Airbyte answers. Kinds: unauthorized, forbidden, not_found, validation,
rate_limited (optional "retry_after"), server_error, bad_gateway, unavailable, gateway_timeout,
vendor_unauthorized, vendor_forbidden, token_expired (drops every issued token, so the call gets a
real 401). Add "connector": "<id>" to inject a fault into that connector's vendor fake instead.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

_KINDS: dict[str, tuple[int, str]] = {
    "unauthorized": (401, "Invalid or expired access token"),
    "forbidden": (403, "Access denied to this workspace"),
    "not_found": (404, "Connector not found"),
    "validation": (422, "Invalid request"),
    "rate_limited": (429, "Too many requests"),
    "server_error": (500, "Internal server error"),
    "bad_gateway": (502, "Bad gateway"),
    "unavailable": (503, "Service temporarily unavailable"),
    "gateway_timeout": (504, ""),  # a proxy's HTML page, not JSON
    "vendor_unauthorized": (401, "Upstream source API returned 401 Unauthorized: the access token is invalid or expired"),
    "vendor_forbidden": (403, "Upstream source API returned 403 Forbidden: the user has no permission on this entity"),
}


class FaultBook:
    def __init__(self) -> None:
        self._faults: list[dict[str, Any]] = []

    def add(self, fault: dict[str, Any]) -> None:
        if fault.get("kind") not in {*_KINDS, "token_expired"}:
            raise ValueError(f"unknown fault kind {fault.get('kind')!r}")
        self._faults.append({**fault, "times": int(fault.get("times", 1))})

    def clear(self) -> None:
        self._faults.clear()

    def take(self, path: str) -> dict[str, Any] | None:
        for fault in self._faults:
            if fault.get("match", "") in path and fault["times"] > 0:
                fault["times"] -= 1
                return fault
        return None

    @staticmethod
    def respond(fault: dict[str, Any]) -> Response:
        status, message = _KINDS[fault["kind"]]
        if fault["kind"] == "gateway_timeout":
            return PlainTextResponse("<html><body><h1>504 Gateway Time-out</h1></body></html>", status, media_type="text/html")
        body = {"message": message, "errors": [{"field": None, "message": message, "error_code": fault["kind"], "details": None}]}
        headers = {"Retry-After": str(fault.get("retry_after", 0))} if status == 429 else None
        return JSONResponse(body, status, headers=headers)


async def record_request(app: Any, request: Request) -> None:
    body = await request.body()
    app.state.requests.append({
        "method": request.method,
        "path": request.url.path,
        "query": request.scope.get("query_string", b"").decode("latin-1"),
        "headers": {k.lower(): v for k, v in request.headers.items()},
        "body": body.decode("utf-8", "replace"),
    })  # fmt: skip
