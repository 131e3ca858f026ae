"""A faithful fake of LinkedIn's Marketing REST API and OAuth token endpoint (Starlette).

Same paths, headers, Rest.li 2.0 syntax, page-size limits, 414/tunnelling,
version sunsets and error envelopes as LinkedIn. Control routes (tests only):
  POST /__sandbox__/faults   {"match": "<substring of 'METHOD /rest/path'>", "kind": "rate_limited", "times": 1}
                             (any kind may add "retry_after": seconds, sent as a Retry-After header;
                             "stall" takes "seconds" (default 2); kinds: FAULTS, TRANSPORT_FAULTS and
                             applied_then_drop: a write is carried out, then its answer is cut off;
                             "echo_token", a 400 whose message quotes the bearer token received)
  POST /__sandbox__/answers  edit the next answers (sandbox.control.AnswerEdits: fuzzing what LinkedIn may send)
  POST /__sandbox__/reset    clear faults, answer edits, config and the request log; revive the demo access token
  POST /__sandbox__/config   {"access_token_ttl": 2, "refresh_token_valid": false, "scopes": ["r_ads"],
                              "member_roles": {"512345678": "VIEWER"}}
  GET  /oauth/v2/authorization, POST /oauth/v2/introspectToken: the login pages (oauth.py)
  POST /__sandbox__/expire_tokens   every issued access token expires now
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from ....params import today
from ....sandbox.control import (
    AnswerEdits, CutOff, EditedAnswers, FaultQueue, RequestLog, control_routes, transport_fault,
)
from . import data as sandbox_data, oauth, routes as sandbox_routes, writes as sandbox_writes
from .analytics import MEMBER
from .demo import (
    DEMO_ACCESS_TOKEN, DEMO_ACCOUNT_ID, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_REFRESH_TOKEN, sandbox_settings,
)
from .rules import BadParam, error, parse_query, version_active

MINTED_TOKEN_PREFIX = "AQV-canary-li-minted-"  # access tokens the fake issues on refresh
DEFAULT_TTL = 5_184_000  # 60 days, as LinkedIn
MAX_QUERY = 4096
# What the demo token may do (LinkedIn grants scopes per app and member); /__sandbox__/config narrows it.
ALL_SCOPES = ("r_ads", "r_ads_reporting", "r_marketing_leadgen_automation", "rw_ads", "rw_conversions")

_TOKEN_ERROR = {"status": 401, "serviceErrorCode": 65600, "code": "INVALID_ACCESS_TOKEN", "message": "Invalid access token"}
_EXPIRED = {"status": 401, "serviceErrorCode": 65602, "code": "EXPIRED_ACCESS_TOKEN", "message": "The token used in the request has expired"}
FAULTS: dict[str, tuple[int, Any]] = {
    # LinkedIn's daily quotas (Microsoft Learn "Rate limits": per application and per member, reset at midnight UTC)
    "rate_limited": (429, {"status": 429, "serviceErrorCode": 101, "code": "TOO_MANY_REQUESTS",
                           "message": "Resource level throttle APPLICATION DAY limit for calls to this resource is reached."}),
    "member_quota": (429, {"status": 429, "serviceErrorCode": 101, "code": "TOO_MANY_REQUESTS",
                           "message": "Resource level throttle MEMBER DAY limit for calls to this resource is reached."}),
    # A 429 that is not a daily quota ("In rare cases, LinkedIn may also return a 429 response as part of
    # infrastructure protection"); it passes within seconds.
    "throttled": (429, {"status": 429, "serviceErrorCode": 101, "code": "TOO_MANY_REQUESTS",
                        "message": "Too many requests"}),
    "bad_gateway": (502, "<html><body>502 Bad Gateway</body></html>"),
    "unavailable_html": (503, "<html><body><h1>503 Service Unavailable</h1>Try again later.</body></html>"),
    "sunset_version": (426, {"status": 426, "code": "NONEXISTENT_VERSION", "message": "Requested version 20240101 is not active"}),
    "server_error": (500, {"status": 500, "message": "Internal Server Error"}),
    "unavailable": (503, {"status": 503, "message": "Service Unavailable"}),
    "gateway_timeout": (504, "<html><body>504 Gateway Time-out</body></html>"),
    "expired_token": (401, _EXPIRED),
    "revoked_token": (401, {"status": 401, "serviceErrorCode": 65601, "code": "REVOKED_ACCESS_TOKEN",
                            "message": "The token used in the request has been revoked by the user"}),
    "forbidden": (403, {"status": 403, "serviceErrorCode": 100, "code": "ACCESS_DENIED",
                        "message": "Not enough permissions to access: partnerApiAdAnalytics.GET.20260601"}),
    "not_found": (404, {"status": 404, "message": "Not Found"}),
    "uri_too_long": (414, "<html><body>414 Request-URI Too Long</body></html>"),
    "invalid_grant": (400, {"error": "invalid_grant", "error_description": "The provided authorization grant or refresh token is invalid, expired or revoked."}),
    "unauthorized_client": (401, {"error": "unauthorized_client", "error_description": "The client is not authorized"}),
}  # fmt: skip
# A refusal that quotes the access token it was sent (as an echoing proxy or a verbose error might): no
# output of ours may show it. Built per request, so it is not in FAULTS.
ECHO_TOKEN = "echo_token"
# Faults of the connection or the body rather than LinkedIn's answer: they end the answer early, send a
# 200 whose JSON is cut off or empty, or wait past the client's read timeout before answering normally.
TRANSPORT_FAULTS = ("stall", "drop", "malformed_json", "empty_body")
# A write LinkedIn carries out whose answer is then lost: the ambiguous failure a client must never resend.
APPLIED_THEN_DROPPED = "applied_then_drop"


class AppliedThenDropped(CutOff):
    """Marks a fault that lets the write through and then cuts its answer off."""
ALIASES = {"429": "rate_limited", "500": "server_error", "503": "unavailable", "504": "gateway_timeout",
           "401": "expired_token", "403": "forbidden", "404": "not_found", "414": "uri_too_long"}  # fmt: skip


class FakeState:
    def __init__(self) -> None:
        self.data = sandbox_data.build()
        self.dirty = False  # a write changed data: the next reset rebuilds it
        self.events: list[dict[str, Any]] = []  # conversion events accepted
        self.event_ids: set[tuple[str, Any]] = set()
        self.requests = RequestLog(body_encoding="latin-1", raw_path=True)
        self.faults = FaultQueue()
        self.edits = AnswerEdits()
        self.tokens: dict[str, float] = {}  # token → expiry (epoch s)
        self.token_info: dict[str, dict[str, Any]] = {}  # tokens issued to a login: when, which scopes
        self.codes: dict[str, dict[str, Any]] = {}  # authorization codes not yet exchanged
        self.registered_redirects: set[str] = set()  # non-loopback redirect URLs the app "registered"
        self.login_refresh_token = DEMO_REFRESH_TOKEN  # what a code exchange returns (refreshes in any fake)
        self.consent = "allow"
        self.reset()

    def reset(self) -> None:
        self.faults.clear()
        self.requests.clear()
        self.tokens[DEMO_ACCESS_TOKEN] = float("inf")
        self.codes.clear()
        self.consent = "allow"
        if self.dirty:
            self.data, self.dirty = sandbox_data.build(), False
        self.events, self.event_ids = [], set()
        self.configure()

    def configure(
        self,
        access_token_ttl: float = DEFAULT_TTL,
        refresh_token_valid: bool = True,
        scopes: list[str] | tuple[str, ...] = ALL_SCOPES,
        member_roles: dict[str, str] | None = None,
    ) -> None:
        """member_roles: account id → the demo member's role there, replacing the data's (e.g. VIEWER)."""
        self.ttl, self.refresh_valid = access_token_ttl, refresh_token_valid
        self.scopes, self.member_roles = set(scopes), dict(member_roles or {})

    def role_of(self, account: str) -> str | None:
        """The demo member's role on an account URN."""
        override = self.member_roles.get(account.rsplit(":", 1)[-1])
        if override:
            return override
        found = [u["role"] for u in self.data.users if u["account"] == account and u["user"] == MEMBER]
        return found[0] if found else None

    async def take_fault(self, request: Request) -> Response | None:
        fault = self.faults.take(f"{request.method} {request.url.path}")
        if fault is None:
            return None
        kind = ALIASES.get(fault["kind"], fault["kind"])
        if kind == APPLIED_THEN_DROPPED:
            return AppliedThenDropped()
        if kind in TRANSPORT_FAULTS:
            return await transport_fault(fault)
        if kind == ECHO_TOKEN:
            token = request.headers.get("authorization", "").removeprefix("Bearer ")
            return JSONResponse({"status": 400, "serviceErrorCode": 100, "message": f"Unparseable request with token {token}"}, 400)
        status, body = FAULTS[kind]
        headers = {"Retry-After": str(fault["retry_after"])} if fault.get("retry_after") is not None else None
        if isinstance(body, str):
            return PlainTextResponse(body, status_code=status, media_type="text/html", headers=headers)
        return JSONResponse(body, status_code=status, headers=headers)


def _is_read(request: Request) -> bool:
    return request.method == "GET" or (
        request.method == "POST" and request.headers.get("x-http-method-override", "").upper() == "GET"
    )


def _gate(state: FakeState, request: Request, body: bytes) -> tuple[str, Response | None]:
    """The raw query (tunnelled or not) and the first rule the request breaks, if any."""
    raw = request.scope.get("query_string", b"").decode("latin-1")
    if request.method == "POST":
        if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            return raw, error(400, "Tunnelled requests need Content-Type application/x-www-form-urlencoded")
        raw = body.decode("latin-1")
    elif len(raw) > MAX_QUERY:
        return raw, error(414, "Request-URI Too Long")
    return raw, _common_gate(state, request)


def _common_gate(state: FakeState, request: Request) -> Response | None:
    """Version, Rest.li 2.0 header and token: what reads and writes share."""
    version = request.headers.get("linkedin-version")
    if not version:
        return error(400, "A version must be present. Please specify a version by adding the LinkedIn-Version header.", code="VERSION_MISSING")
    if not version_active(version, today()):
        return error(426, f"Requested version {version}01 is not active", code="NONEXISTENT_VERSION")
    if request.headers.get("x-restli-protocol-version") != "2.0.0":
        return error(400, "Rest.li 2.0 syntax requires the header X-Restli-Protocol-Version: 2.0.0", code="PARAM_INVALID")
    auth = request.headers.get("authorization", "")
    token = auth[7:] if auth.startswith("Bearer ") else ""
    if token not in state.tokens:
        return JSONResponse(_TOKEN_ERROR, status_code=401)
    if state.tokens[token] <= time.time():
        return JSONResponse(_EXPIRED, status_code=401)
    return None


def vendor(state: FakeState, handler: Callable[..., Any] | None, path: str = "") -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        body = await state.requests.record(request)
        # A fault's match is a substring of "METHOD /rest/path", so a test can fail the write and not the read.
        fault = await state.take_fault(request)
        if fault and not isinstance(fault, AppliedThenDropped):
            return fault
        if not _is_read(request) or handler is None:
            answer = _common_gate(state, request) or sandbox_writes.run(state, path, request, body)
            return fault or answer
        raw, refusal = _gate(state, request, body)
        if refusal:
            return refusal
        try:
            result = handler(state.data, parse_query(raw), request)
        except BadParam as bad:
            return bad.response()
        return result if isinstance(result, Response) else JSONResponse(result)

    return endpoint


def token_endpoint(state: FakeState) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        body = await state.requests.record(request)
        fault = await state.take_fault(request)
        if fault:
            return fault
        form = {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
        if form.get("grant_type") == "authorization_code":
            return oauth.exchange_code(state, form, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
        if form.get("grant_type") != "refresh_token" or not form.get("refresh_token"):
            return JSONResponse({"error": "invalid_request", "error_description": "grant_type=refresh_token and refresh_token are required"}, 400)
        if form.get("client_id") != DEMO_CLIENT_ID or form.get("client_secret") != DEMO_CLIENT_SECRET:
            return JSONResponse(FAULTS["unauthorized_client"][1], 401)
        if form["refresh_token"] != DEMO_REFRESH_TOKEN or not state.refresh_valid:
            return JSONResponse(FAULTS["invalid_grant"][1], 400)
        token = MINTED_TOKEN_PREFIX + secrets.token_urlsafe(24)
        state.tokens[token] = time.time() + state.ttl
        return JSONResponse({
            "access_token": token, "expires_in": int(state.ttl) if state.ttl >= 1 else state.ttl,
            "refresh_token": DEMO_REFRESH_TOKEN, "refresh_token_expires_in": 31_536_000 - 86_400,
            "scope": ",".join(sorted(state.scopes)),
        })  # fmt: skip

    return endpoint


def control_routes_for(state: FakeState) -> list[BaseRoute]:
    def admit(spec: dict[str, Any]) -> dict[str, Any] | Response:
        kind = ALIASES.get(str(spec.get("kind")), str(spec.get("kind")))
        known = [*FAULTS, *TRANSPORT_FAULTS, APPLIED_THEN_DROPPED, ECHO_TOKEN]
        if kind not in known:
            return JSONResponse({"error": f"unknown fault kind; use one of {sorted(known)}"}, 400)
        extras = {k: spec[k] for k in ("retry_after", "seconds") if spec.get(k) is not None}
        return {"match": str(spec.get("match", "")), "kind": kind, "times": spec.get("times", 1), **extras}

    async def config(request: Request) -> Response:
        body = await request.json()
        if "consent" in body:  # "allow" or "deny": what the member clicks on the authorization page
            state.consent = body.pop("consent")
        now = {"access_token_ttl": state.ttl, "refresh_token_valid": state.refresh_valid, "scopes": sorted(state.scopes),
               "member_roles": state.member_roles}
        state.configure(**{**now, **body})
        return JSONResponse({"ok": True})

    async def expire(request: Request) -> Response:
        state.tokens = {token: 0.0 for token in state.tokens}
        return JSONResponse({"ok": True})

    own = [Route("/__sandbox__/config", config, methods=["POST"]), Route("/__sandbox__/expire_tokens", expire, methods=["POST"])]
    return control_routes(state.faults, state.requests, admit=admit, reset=state.reset, extra=own, edits=state.edits)


def create_app() -> Starlette:
    state = FakeState()
    routes = [
        Route("/oauth/v2/accessToken", token_endpoint(state), methods=["POST"]),
        Route("/oauth/v2/authorization", oauth.authorization(state, DEMO_CLIENT_ID), methods=["GET"]),
        Route("/oauth/v2/introspectToken", oauth.introspection(state, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET), methods=["POST"]),
        *control_routes_for(state),
    ]
    reads = dict(sandbox_routes.ROUTES)
    for path in [*reads, *(p for p in sandbox_writes.WRITES if p not in reads)]:
        routes.append(Route("/rest" + path, vendor(state, reads.get(path), path), methods=["GET", "POST", "PUT", "DELETE"]))
    app = Starlette(routes=routes)
    app.add_middleware(EditedAnswers, edits=state.edits)
    app.state.requests = state.requests
    app.state.answer_edits = state.edits
    app.state.fake = state
    return app
