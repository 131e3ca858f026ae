"""Every vendor fake on its own 127.0.0.1 port, in a process of its own (so its work never shares a GIL
with the client being timed). Prints one JSON line {connector id: base URL} on stdout, then serves until
stdin closes. Each fake also answers GET /__bench__/requests with its request log, which the benchmark
reads from its own process.

One more TikTok fake, "tiktok-marketing-big", serves the multi-page and peak-memory rows: POST
/__bench__/ads {"count": N} gives its advertiser N visible ads, the demo ones then clones with new ids
(as tests/test_concurrent_paging.py's big_fake), so the other rows keep the demo data they compare with.
"""

from __future__ import annotations

import contextlib
import copy
import json
import sys

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route

from mcp_server.connectors import REGISTRY
from mcp_server.connectors.tiktok_marketing.sandbox import DEMO_ADVERTISER_ID, create_app
from mcp_server.sandbox.serve import serve_in_thread

BIG_TIKTOK = "tiktok-marketing-big"


def with_request_log(fake: Starlette, *extra: Route) -> Starlette:
    async def requests(request: Request) -> JSONResponse:
        return JSONResponse(list(fake.state.requests))

    return Starlette(routes=[Route("/__bench__/requests", requests), *extra, Mount("/", app=fake)])


def big_tiktok() -> Starlette:
    fake = create_app()
    ads = fake.state.data.of("ads", DEMO_ADVERTISER_ID)
    demo = list(ads)
    template = [a for a in demo if not a["_deleted"]]

    async def set_ads(request: Request) -> JSONResponse:
        count = int((await request.json())["count"])
        clones = []
        for n in range(max(0, count - len(template))):  # deleted ads are not listed, so they do not count
            clone = copy.deepcopy(template[n % len(template)])
            clone["ad_id"] = str(1_800_000_000_000_000_000 + n)
            clone["ad_name"] = f"{clone['ad_name']} #{n}"
            clones.append(clone)
        ads[:] = demo + clones
        return JSONResponse({"visible": len(template) + len(clones)})

    return with_request_log(fake, Route("/__bench__/ads", set_ads, methods=["POST"]))


def main() -> None:
    with contextlib.ExitStack() as stack:
        urls = {c.id: stack.enter_context(serve_in_thread(with_request_log(c.sandbox_app()))) for c in REGISTRY.values()}
        urls[BIG_TIKTOK] = stack.enter_context(serve_in_thread(big_tiktok()))
        print(json.dumps(urls), flush=True)
        sys.stdin.read()  # the benchmark closes our stdin when it is done


if __name__ == "__main__":
    main()
