"""The shared sandbox plumbing (mcp_server.sandbox.control), served on a real socket."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from mcp_server.sandbox.control import FaultQueue, RequestLog, control_routes
from mcp_server.sandbox.serve import serve_in_thread


def tiny_fake(log: RequestLog) -> Starlette:
    """A vendor of one catch-all route; faults answer with their kind as the status code."""
    faults = FaultQueue()
    resets: list[str] = []

    def admit(spec: dict) -> dict | Response:
        if spec.get("kind") not in (429, 500):
            return JSONResponse({"error": f"no such kind {spec.get('kind')!r}"}, 400)
        return spec

    async def forget_vendor_state() -> None:
        resets.append("vendor")

    async def ping(request: Request) -> Response:
        return JSONResponse({"pong": True})

    async def vendor(request: Request) -> Response:
        body = await log.record(request)
        fault = faults.take(request.url.path)
        if fault is not None:
            return PlainTextResponse(f"fault {fault['kind']}", fault["kind"])
        return JSONResponse({"echo": body.decode("latin-1")})

    extra = [Route("/__sandbox__/ping", ping, methods=["POST"])]
    routes = control_routes(faults, log, admit=admit, reset=forget_vendor_state, extra=extra)
    app = Starlette(routes=[*routes, Route("/{path:path}", vendor, methods=["GET", "POST"])])
    app.state.requests = log
    app.state.resets = resets
    return app


@pytest.fixture
def fake():
    app = tiny_fake(RequestLog())
    with serve_in_thread(app) as url, httpx.Client(base_url=url) as client:
        yield app, client


def test_a_fault_fires_only_on_matching_paths_and_only_times_times(fake):
    _, client = fake
    assert client.post("/__sandbox__/faults", json={"match": "/reports", "kind": 500, "times": 2}).json() == {"ok": True}
    assert client.get("/campaigns").status_code == 200
    assert [client.get("/v1/reports/run").status_code for _ in range(3)] == [500, 500, 200]


def test_the_first_matching_fault_is_used_up_before_the_next(fake):
    _, client = fake
    client.post("/__sandbox__/faults", json={"match": "/x", "kind": 429})  # times defaults to 1
    client.post("/__sandbox__/faults", json={"match": "/x", "kind": 500, "times": "1"})  # times as text is coerced
    assert [client.get("/x").status_code for _ in range(3)] == [429, 500, 200]


def test_a_refused_fault_is_answered_by_the_fake_and_not_queued(fake):
    _, client = fake
    reply = client.post("/__sandbox__/faults", json={"match": "/x", "kind": 418})
    assert (reply.status_code, reply.json()) == (400, {"error": "no such kind 418"})
    assert client.get("/x").status_code == 200


def test_reset_clears_faults_and_log_then_runs_the_fakes_own_reset(fake):
    app, client = fake
    client.post("/__sandbox__/faults", json={"match": "/x", "kind": 500})
    client.get("/y")
    assert len(app.state.requests) == 1
    assert client.post("/__sandbox__/reset").json() == {"ok": True}
    assert app.state.requests == [] and app.state.resets == ["vendor"]
    assert client.get("/x").status_code == 200
    assert client.post("/__sandbox__/ping").json() == {"pong": True}  # the fake's extra control route
    assert client.get("/__sandbox__/faults").status_code == 200  # control routes are POST only: GET falls through


def test_the_log_keeps_the_raw_query_lower_case_headers_and_body_text(fake):
    app, client = fake
    client.post("/a%20b?q=a%20b&x=%E9+1", content="é=1".encode(), headers={"X-Custom-Thing": "Yes"})
    (entry,) = app.state.requests
    assert list(entry) == ["method", "path", "query", "headers", "body", "at"]
    assert (entry["method"], entry["path"], entry["query"]) == ("POST", "/a b", "q=a%20b&x=%E9+1")
    assert entry["headers"]["x-custom-thing"] == "Yes" and "X-Custom-Thing" not in entry["headers"]
    assert entry["body"] == "é=1"  # UTF-8 by default


def test_a_latin1_log_with_raw_path_keeps_bytes_as_sent():
    app = tiny_fake(RequestLog(body_encoding="latin-1", raw_path=True))
    with serve_in_thread(app) as url:
        reply = httpx.post(url + "/items/urn%3Ali%3A1", content=b"q=\xe9")
    assert reply.json() == {"echo": "q=é"}  # record() hands the body bytes back to the fake
    (entry,) = app.state.requests
    assert list(entry) == ["method", "path", "raw_path", "query", "headers", "body", "at"]
    assert (entry["path"], entry["raw_path"], entry["body"]) == ("/items/urn:li:1", "/items/urn%3Ali%3A1", "q=é")
