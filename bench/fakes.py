"""Every vendor fake on its own 127.0.0.1 port, in a process of its own (so its work never shares a GIL
with the client being timed). Prints one JSON line {connector id: base URL} on stdout, then serves until
stdin closes. Each fake also answers GET /__bench__/requests with its request log, which the benchmark
reads from its own process.
"""

from __future__ import annotations

import contextlib
import json
import sys

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route

from mcp_server.connectors import REGISTRY
from mcp_server.sandbox.serve import serve_in_thread


def with_request_log(fake: Starlette) -> Starlette:
    async def requests(request: Request) -> JSONResponse:
        return JSONResponse(list(fake.state.requests))

    return Starlette(routes=[Route("/__bench__/requests", requests), Mount("/", app=fake)])


def main() -> None:
    with contextlib.ExitStack() as stack:
        urls = {c.id: stack.enter_context(serve_in_thread(with_request_log(c.sandbox_app()))) for c in REGISTRY.values()}
        print(json.dumps(urls), flush=True)
        sys.stdin.read()  # the benchmark closes our stdin when it is done


if __name__ == "__main__":
    main()
