"""A faithful fake of the TikTok Business API v1.3 (Starlette), for --demo and the tests.

Errors come back as HTTP 200 envelopes with a non-zero code, like TikTok; a path
without its trailing slash gets a plain-text 404. Control routes:
POST /__sandbox__/faults {"match": "<path substring>", "kind": K, "times": N}, where K is
a TikTok code ("40100", "50000", ...: HTTP 200 envelope), "http_<status>" (non-JSON body,
e.g. "http_504"; "retry_after": seconds adds a Retry-After header), "ads_throttle" (a normal answer with
X-Tt-Ads-Throttle), "drop_after_apply" (a write is applied, then the connection closes: its answer is lost),
"trickle" (the normal answer, one byte every "seconds", default 0.4: sandbox.control.Trickle),
or a transport fault shared by every fake (stall, drop, malformed_json, empty_body:
sandbox.control.transport_fault). A code fault may carry its own "message" (TikTok's 40100 covers the
app's QPS, QPM and QPD limits alike; only the message tells them apart);
POST /__sandbox__/latency {"seconds": S} delays every vendor answer by S seconds (a real API's response
time, for timing concurrent paging; 0 = none);
POST /__sandbox__/report_pages {"page_size": N, "shift": S} serves report pages of at most N rows, every page
after the first starting S rows earlier (rows that moved across a page boundary between requests come back
twice; sandbox.reports._page_bounds); {} turns it off;
POST /__sandbox__/answers edits the next answers (sandbox.control.AnswerEdits: fuzzing what TikTok may send);
POST /__sandbox__/reset clears faults, answer edits, the latency, the report page drift and app.state.requests, and undoes
applied writes.
"""

from __future__ import annotations

import itertools
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from ....params import today
from ....sandbox.control import (
    AnswerEdits, CutOff, EditedAnswers, FaultQueue, RequestLog, Trickle, control_routes, transport_fault,
)
from .data import (
    DEMO_ACCESS_TOKEN,
    DEMO_ADVERTISER_ID,
    DEMO_APP_ID,
    DEMO_BC_ID,
    DEMO_SECRET,
    SECOND_ADVERTISER_ID,
    build_dataset,
)
from . import oauth
from .objects import HANDLERS
from .query import Grant, Query, TikTokFault
from .demo import PREFIX, sandbox_settings
from .writes import WRITE_HANDLERS, json_body, undo_writes

__all__ = ["DEMO_ACCESS_TOKEN", "DEMO_ADVERTISER_ID", "DEMO_APP_ID", "DEMO_SECRET", "create_app", "sandbox_settings"]

TRANSPORT_FAULTS = ("stall", "drop", "malformed_json", "empty_body")
# token -> advertisers it was granted (FORBIDDEN_ADVERTISER_ID exists but is never granted)
GRANTS = {DEMO_ACCESS_TOKEN: (DEMO_ADVERTISER_ID, SECOND_ADVERTISER_ID)}
# token -> Business Centers it can see (bc/get/, catalog/get/)
BC_GRANTS = {DEMO_ACCESS_TOKEN: (DEMO_BC_ID,)}
FAULT_MESSAGES = {
    40000: "The app_id is inconsistent with the token's app information. Please retry after correcting it.",
    40001: "No permission to operate this advertiser.",
    40002: "Invalid parameter.",
    40007: "The object does not exist.",
    40008: "The interface is not supported in the sandbox environment.",
    40010: "Wrong domain: please use the API domain of your environment.",
    40011: "Too many IDs in the request.",
    40016: "Requests made too frequently.",
    40100: "Too many requests. App QPS limit reached.",
    40102: "Access token has expired.",
    40105: "Access token is incorrect or has been revoked.",
    40110: "Auth code is invalid or has expired.",
    40125: "Developer lacks permission.",
    40133: "Advertiser QPS limit reached for this path.",
    50000: "System error.",
    50002: "Error on TikTok's side.",
    51000: "RPC error.",
    60001: "Service under maintenance.",
}


def create_app() -> Starlette:
    data = build_dataset(today())
    counter = itertools.count(1)
    faults, requests, edits = FaultQueue(), RequestLog(), AnswerEdits()
    latency = {"seconds": 0.0}

    def envelope(code: int, message: str, payload: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> JSONResponse:
        request_id = f"{today():%Y%m%d}{next(counter):010d}0A1B2C3D"
        body = {"code": code, "message": message, "request_id": request_id, "data": payload or {}}
        return JSONResponse(body, headers={"X-Tt-Logid": request_id, **(headers or {})})

    codes = oauth.AuthCodes()

    async def access_token(request: Request) -> Response:
        body = await requests.record(request)
        code, message, payload = oauth.exchange(
            codes, body, request.headers.get("content-type", ""), DEMO_APP_ID, DEMO_SECRET, DEMO_ACCESS_TOKEN,
            GRANTS[DEMO_ACCESS_TOKEN],
        )  # fmt: skip
        return envelope(code, message, payload)

    async def vendor(request: Request) -> Response:
        raw = await requests.record(request)
        if latency["seconds"]:
            await anyio.sleep(latency["seconds"])
        path = request.url.path
        handlers: dict[str, Any] = {"GET": HANDLERS, "POST": WRITE_HANDLERS}.get(request.method, {})
        handler = handlers.get(path.removeprefix(PREFIX)) if path.startswith(PREFIX) else None
        if handler is None:
            return PlainTextResponse("404 page not found", status_code=404)
        fault = faults.take(path)
        extra_headers: dict[str, str] = {}
        lose_answer = False
        if fault:
            kind = str(fault["kind"])
            if kind == "drop_after_apply":
                lose_answer = True
            elif kind in TRANSPORT_FAULTS:
                broken = await transport_fault(fault)
                if broken is not None:
                    return broken
            elif kind.startswith("http_"):
                headers = {"Retry-After": str(fault["retry_after"])} if fault.get("retry_after") is not None else None
                page = f"<html><body>{kind[5:]} Gateway error</body></html>"
                return PlainTextResponse(page, status_code=int(kind[5:]), media_type="text/html", headers=headers)
            elif kind == "ads_throttle":
                extra_headers["X-Tt-Ads-Throttle"] = "1"
            elif kind == "trickle":
                pass  # the normal answer, sent slowly below
            else:
                return envelope(int(kind), fault.get("message") or FAULT_MESSAGES.get(int(kind), "Injected error."))
        token = request.headers.get("access-token")
        if not token:
            return envelope(40104, "Access token is null, please put it in the Access-Token header.")
        if token not in GRANTS:
            return envelope(40105, "Access token is incorrect or has been revoked.")
        grant = Grant(GRANTS[token], BC_GRANTS.get(token, ()))
        try:
            if request.method == "POST":
                result = handler(data, json_body(raw), grant)
            else:
                result = handler(data, Query(request.query_params), grant)
        except TikTokFault as exc:
            return envelope(exc.code, exc.message)
        if lose_answer:
            return CutOff()
        if fault and fault["kind"] == "trickle":
            return Trickle(envelope(0, "OK", result, extra_headers), every=float(fault.get("seconds", 0.4)))
        return envelope(0, "OK", result, extra_headers)

    def admit(spec: dict[str, Any]) -> dict[str, Any]:
        extras = {k: spec[k] for k in ("retry_after", "seconds", "message") if spec.get(k) is not None}
        # any kind: a code, http_<status> or a transport fault
        return {"match": spec["match"], "kind": spec["kind"], "times": spec.get("times", 1), **extras}

    async def set_latency(request: Request) -> Response:
        seconds = (await request.json()).get("seconds", 0)
        if not isinstance(seconds, (int, float)) or not 0 <= seconds <= 30:
            return JSONResponse({"error": "seconds must be a number from 0 to 30"}, status_code=400)
        latency["seconds"] = float(seconds)
        return JSONResponse({"ok": True})

    async def set_report_pages(request: Request) -> Response:
        spec = await request.json()
        if spec == {}:
            data.report_drift.clear()
            return JSONResponse({"ok": True})
        size, shift = spec.get("page_size"), spec.get("shift", 0)
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (size, shift)) or not 0 <= shift < size <= 1000:
            return JSONResponse({"error": "page_size must be 1-1000 and shift 0 to page_size - 1"}, status_code=400)
        data.report_drift.update(page_size=size, shift=shift)
        return JSONResponse({"ok": True})

    def reset() -> None:
        latency["seconds"] = 0.0
        data.report_drift.clear()
        undo_writes(data)  # the fake's state is as built again
        codes.codes.clear()
        codes.consent = "allow"

    app = Starlette(
        routes=[
            *control_routes(faults, requests, admit=admit, reset=reset, edits=edits,
                            extra=[Route("/__sandbox__/latency", set_latency, methods=["POST"]),
                                   Route("/__sandbox__/report_pages", set_report_pages, methods=["POST"])]),
            Route("/portal/auth", oauth.portal(codes, DEMO_APP_ID, requests), methods=["GET"]),
            Route(PREFIX + "oauth2/access_token/", access_token, methods=["POST"]),
            Route("/{path:path}", vendor, methods=["GET", "POST", "PUT", "DELETE"]),
        ]
    )
    app.add_middleware(EditedAnswers, edits=edits)
    app.state.requests = requests
    app.state.data = data
    app.state.auth = codes  # tests: codes.consent = "deny"
    app.state.answer_edits = edits
    return app
