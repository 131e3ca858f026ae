"""What every sandbox fake shares: its request log, its fault queue, its answer edits and its /__sandbox__/
control routes.

Each fake keeps its own vendor parts: which fault kinds exist (the `admit` callback), what a fault
answers, and any control routes of its own (passed as `extra`).
"""

from __future__ import annotations

import copy
import inspect
import json
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

Fault = dict[str, Any]  # {"match": <path substring>, "kind": ..., "times": N, ...vendor extras}
Admit = Callable[[dict[str, Any]], Fault | Response | Awaitable[Fault | Response]]
Reset = Callable[[], None | Awaitable[None]]


class RequestLog(list[dict[str, Any]]):
    """Every request a fake received, as tests read it from app.state.requests (a plain list)."""

    def __init__(self, *, body_encoding: str = "utf-8", raw_path: bool = False) -> None:
        super().__init__()
        self.body_encoding = body_encoding  # LinkedIn keeps form bodies byte for byte (latin-1)
        self.raw_path = raw_path  # LinkedIn tests check URN escaping in the undecoded path

    async def record(self, request: Request) -> bytes:
        """Log the request (query string undecoded); returns its body for the fake to read."""
        body = await request.body()
        entry: dict[str, Any] = {"method": request.method, "path": request.url.path}
        if self.raw_path:
            entry["raw_path"] = request.scope.get("raw_path", b"").decode("latin-1")
        entry["query"] = request.scope.get("query_string", b"").decode("latin-1")
        entry["headers"] = {k.lower(): v for k, v in request.headers.items()}
        entry["body"] = body.decode(self.body_encoding, "replace")
        entry["at"] = time.monotonic()  # when it arrived, for tests of client-side pacing
        self.append(entry)
        return body


class FaultQueue:
    """Faults waiting to fire: the first one whose match is in the path fires, `times` times."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        self._faults.append({**fault, "times": int(fault.get("times", 1))})

    def take(self, path: str) -> Fault | None:
        for fault in self._faults:
            if fault.get("match", "") in path and fault["times"] > 0:
                fault["times"] -= 1
                return fault
        return None

    def clear(self) -> None:
        self._faults.clear()


class CutOff(Response):
    """Starts a 200 JSON answer, sends part of it, then closes the connection (uvicorn logs one line)."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        body = b'{"elements": [{"id": 1}], "paging": {"start": 0}}'
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body[: len(body) // 3], "more_body": True})


class Trickle(Response):
    """Sends a real answer one byte every `every` seconds: each read gets data in time, so only an overall
    deadline on the request stops a client from waiting len(body) * every seconds. Stops when the client goes."""

    def __init__(self, answer: Response, every: float = 0.4):
        super().__init__()
        self.answer, self.every = answer, every

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        body = bytes(self.answer.body)
        headers = [(k, v) for k, v in self.answer.raw_headers if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": self.answer.status_code, "headers": headers})
        for at in range(len(body)):
            await send({"type": "http.response.body", "body": body[at : at + 1], "more_body": at + 1 < len(body)})
            with anyio.move_on_after(self.every):
                if (await receive())["type"] == "http.disconnect":
                    return


async def transport_fault(fault: Fault) -> Response | None:
    """Faults every fake shares, below the vendor's own error answers:
    stall (wait "seconds", default 2, then answer normally: None), drop (the connection closes mid-answer),
    malformed_json (a 200 whose JSON is cut off) and empty_body (a 200 with no body at all)."""
    kind = fault["kind"]
    if kind == "stall":
        await anyio.sleep(float(fault.get("seconds", 2)))
        return None
    if kind == "drop":
        return CutOff()
    if kind == "malformed_json":
        return Response('{"code": 0, "message": "OK", "data": {"list": [{"id": ', 200, media_type="application/json")
    if kind == "empty_body":
        return Response(b"", 200, media_type="application/json")
    raise ValueError(f"not a transport fault: {kind}")


class AnswerEdits:
    """Edits to the fake's own JSON answers, for fuzzing what a vendor may send (tests only).

    POST /__sandbox__/answers {"match": "<path substring>", "times": N, "edits": [{"at": [i, j, ...], "op": OP,
    "value": V}]}: the next N answers whose path holds `match` are computed as usual, then edited. `at` walks
    the real answer by position, so a test draws places without knowing the shape: at each step the i-th key
    of an object (those holding objects or lists first, then the rest, each in order) or the i-th item of a
    list, both modulo their size, stopping at a scalar or an empty container; a string step names a key. OP: "set" (the place becomes V), "delete" (removed from its object or list), "text" (a
    number or anything else becomes its JSON text: "12", "[1]"). What each edit touched is kept in `applied`
    (the fake's path, the keys walked and the op), so a test can count the shapes it served."""

    def __init__(self) -> None:
        self._queue: list[dict[str, Any]] = []
        self.applied: list[tuple[str, tuple[Any, ...], str]] = []

    def add(self, spec: dict[str, Any]) -> None:
        self._queue.append({"match": str(spec.get("match", "")), "times": int(spec.get("times", 1)), "edits": list(spec["edits"])})

    def take(self, path: str) -> list[dict[str, Any]] | None:
        for entry in self._queue:
            if entry["match"] in path and entry["times"] > 0:
                entry["times"] -= 1
                return entry["edits"]
        return None

    def clear(self) -> None:
        self._queue.clear()
        self.applied.clear()

    def rewrite(self, path: str, body: bytes, edits: list[dict[str, Any]]) -> bytes:
        try:
            answer = json.loads(body)
        except ValueError:
            return body  # not JSON (an HTML error page): served as is
        for edit in edits:
            answer = self._edit(path, answer, edit)
        return json.dumps(answer).encode()

    def _edit(self, path: str, answer: Any, edit: dict[str, Any]) -> Any:
        parent, key, node, walked = None, None, answer, []
        for step in edit.get("at", []):
            keys = list(node) if isinstance(node, dict) else list(range(len(node))) if isinstance(node, list) else []
            keys.sort(key=lambda k: not isinstance(node[k], (dict, list)))  # containers first: small steps go deep
            if isinstance(step, str):  # a key by name (it may be new)
                if not isinstance(node, dict):
                    break
                parent, key, node = node, step, node.get(step)
                walked.append(key)
                continue
            if not keys:
                break
            parent, key = node, keys[int(step) % len(keys)]
            node = node[key]
            walked.append(key)
        op = edit.get("op", "set")
        self.applied.append((path, tuple(walked), op))
        if op == "delete":
            new: Any = _DELETED
        elif op == "text":
            new = json.dumps(node)
        else:
            new = copy.deepcopy(edit.get("value"))
        if parent is None:
            return {} if new is _DELETED else new
        if new is _DELETED:
            if not isinstance(parent, dict) or key in parent:
                del parent[key]
        else:
            parent[key] = new
        return answer


_DELETED = object()


class EditedAnswers:
    """ASGI middleware that applies AnswerEdits to the vendor answers of the app it wraps."""

    def __init__(self, app: Any, edits: AnswerEdits) -> None:
        self.app = app
        self.edits = edits

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        edits = self.edits.take(path) if scope["type"] == "http" and not path.startswith("/__sandbox__/") else None
        if edits is None:
            await self.app(scope, receive, send)
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    body = self.edits.rewrite(path, b"".join(chunks), edits)
                    headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
                    await send({**start, "headers": [*headers, (b"content-length", str(len(body)).encode())]})
                    await send({"type": "http.response.body", "body": body})
            else:
                await send(message)

        await self.app(scope, receive, capture)


async def _settle(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


def control_routes(
    faults: FaultQueue,
    log: RequestLog,
    *,
    admit: Admit,
    reset: Reset | None = None,
    extra: Sequence[BaseRoute] = (),
    read_spec: Callable[[Request], Awaitable[Any]] = Request.json,
    edits: AnswerEdits | None = None,
) -> list[BaseRoute]:
    """POST /__sandbox__/faults and /__sandbox__/reset, /__sandbox__/answers when the fake takes answer
    `edits` (its app wrapped in EditedAnswers), then the fake's own `extra` routes.

    admit(spec) returns the fault to queue, or a Response to answer instead (a refusal).
    reset() runs after faults, edits and log are cleared, for the fake's own state.
    """

    async def add_fault(request: Request) -> Response:
        admitted = await _settle(admit(await read_spec(request)))
        if isinstance(admitted, Response):
            return admitted
        faults.add(admitted)
        return JSONResponse({"ok": True})

    async def add_edits(request: Request) -> Response:
        spec = await read_spec(request)
        if edits is None or not isinstance(spec, dict) or not isinstance(spec.get("edits"), list):
            return JSONResponse({"error": 'send {"match": "<path substring>", "times": N, "edits": [...]}'}, 400)
        edits.add(spec)
        return JSONResponse({"ok": True})

    async def reset_all(request: Request) -> Response:
        faults.clear()
        log.clear()
        if edits is not None:
            edits.clear()
        if reset is not None:
            await _settle(reset())
        return JSONResponse({"ok": True})

    return [
        Route("/__sandbox__/faults", add_fault, methods=["POST"]),
        Route("/__sandbox__/reset", reset_all, methods=["POST"]),
        *([Route("/__sandbox__/answers", add_edits, methods=["POST"])] if edits is not None else []),
        *extra,
    ]
