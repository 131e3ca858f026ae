"""Fault kinds of the fake Agent API and what each answers (queue and routes: sandbox.control).

`POST /__sandbox__/faults {"match": "/execute", "kind": "rate_limited", "times": 1}` makes the next
matching request fail the way Airbyte answers. Kinds: unauthorized, forbidden, not_found, validation,
rate_limited (a Retry-After header only with "retry_after"), server_error, bad_gateway, unavailable,
unavailable_html (a load balancer's 503 page), gateway_timeout, malformed_json and empty_body (a 200
whose body is cut off or empty),
vendor_unauthorized, vendor_forbidden, token_expired (drops every issued token, so the call gets a
real 401). Two kinds let the request through and break the answer instead, because Airbyte may
finish work whose answer the client never gets: drop_after (carries the request out, e.g. creates
the connector, then drops the connection mid-answer) and slow ("seconds", default 2: waits that
long before carrying the request out, for read timeouts); trickle sends the real answer one byte every
"seconds" (default 0.4), for overall deadlines. Add "connector": "<id>" to inject a fault
into that connector's vendor fake instead.
"""

from __future__ import annotations

from typing import Any

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
    "unavailable_html": (503, ""),
    "malformed_json": (200, ""),
    "empty_body": (200, ""),
    "vendor_unauthorized": (401, "Upstream source API returned 401 Unauthorized: the access token is invalid or expired"),
    "vendor_forbidden": (403, "Upstream source API returned 403 Forbidden: the user has no permission on this entity"),
}


AFTER_KINDS = ("drop_after", "slow", "trickle")  # the request is carried out; only its answer suffers


def refusal(spec: dict[str, Any]) -> Response | None:
    """The 400 for a fault spec this fake cannot queue (unknown kind, bad times); None when it can."""
    if spec.get("kind") not in {*_KINDS, *AFTER_KINDS, "token_expired"}:
        return JSONResponse({"message": f"unknown fault kind {spec.get('kind')!r}"}, 400)
    try:
        int(spec.get("times", 1))
        float(spec.get("seconds", 0))
    except ValueError as bad:
        return JSONResponse({"message": str(bad)}, 400)
    return None


class DroppedAnswer(Response):
    """Starts the real answer, sends a few bytes of it, then closes the connection (uvicorn logs one line)."""

    def __init__(self, answer: Response):
        super().__init__()
        self.answer = answer

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        body = bytes(self.answer.body)
        headers = [(k, v) for k, v in self.answer.raw_headers if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": self.answer.status_code, "headers": headers})
        await send({"type": "http.response.body", "body": body[: len(body) // 3], "more_body": True})


def fault_reply(fault: dict[str, Any]) -> Response:
    """What Airbyte answers for an injected fault (token_expired is handled by the caller)."""
    status, message = _KINDS[fault["kind"]]
    if fault["kind"] == "gateway_timeout":
        return PlainTextResponse("<html><body><h1>504 Gateway Time-out</h1></body></html>", status, media_type="text/html")
    if fault["kind"] == "unavailable_html":
        return PlainTextResponse("<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>", status, media_type="text/html")
    if fault["kind"] == "malformed_json":
        return Response('{"result": [{"id": ', 200, media_type="application/json")
    if fault["kind"] == "empty_body":
        return Response(b"", 200, media_type="application/json")
    body = {"message": message, "errors": [{"field": None, "message": message, "error_code": fault["kind"], "details": None}]}
    headers = {"Retry-After": str(fault["retry_after"])} if status == 429 and fault.get("retry_after") is not None else None
    return JSONResponse(body, status, headers=headers)
