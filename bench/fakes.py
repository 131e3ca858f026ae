"""Every vendor fake on its own 127.0.0.1 port, in a process of its own (so its work never shares a GIL
with the client being timed). Prints one JSON line {connector id: base URL} on stdout, then serves until
stdin closes. Each fake also answers GET /__bench__/requests with its request log, which the benchmark
reads from its own process.

One more TikTok fake, "tiktok-marketing-big", serves the multi-page and peak-memory rows: POST
/__bench__/ads {"count": N} gives its advertiser N visible ads, the demo ones then clones with new ids
(as tests/test_concurrent_paging.py's big_fake), so the other rows keep the demo data they compare with.

And "linkedin-ads-big" serves the scaling and row-cap rows (issue 18): POST /__bench__/campaigns {"count": N}
gives the main account N campaigns (the demo ones, then clones with new ids), every one delivering every day
of the last 400, so a quarter by day is N x 92 analytics rows.

Every fake also takes POST /__bench__/latency {"seconds": S}: each answer of its vendor routes is delayed by
S seconds (the LinkedIn fake has no latency control of its own; this one works alike for every fake and for
any checkout of the server, so the "before" figures are taken the same way).
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import json
import sys
import time

import anyio

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route

from mcp_server.connectors import REGISTRY
from mcp_server.connectors.tiktok_marketing.sandbox import DEMO_ADVERTISER_ID, create_app
from mcp_server.sandbox.serve import serve_in_thread

BIG_TIKTOK = "tiktok-marketing-big"
BIG_LINKEDIN = "linkedin-ads-big"
HOSTED = "airbyte-hosted"  # Airbyte's Agent API fake (its vendor fakes in-process behind it)


class Delayed:
    """ASGI: every HTTP answer waits `seconds` first, except the fakes' own control routes."""

    def __init__(self, app) -> None:
        self.app = app
        self.seconds = 0.0
        self.busy = 0.0  # seconds spent answering vendor routes (the fake's own work, beside the delay)
        # When each vendor request reached the socket (before the delay and before the fake's own work, which
        # runs on one event loop and so can hold back when a later request is logged).
        self.arrivals: list[tuple[float, str]] = []

    async def __call__(self, scope, receive, send) -> None:
        vendor = scope["type"] == "http" and not scope["path"].startswith(("/__sandbox__", "/__bench__"))
        if vendor:
            self.arrivals.append((time.monotonic(), scope["path"]))
        if vendor and self.seconds:
            await anyio.sleep(self.seconds)
        start = time.perf_counter()
        await self.app(scope, receive, send)
        if vendor:
            self.busy += time.perf_counter() - start


def with_request_log(fake: Starlette, *extra: Route) -> Starlette:
    delayed = Delayed(fake)

    async def requests(request: Request) -> JSONResponse:
        return JSONResponse(list(fake.state.requests))

    async def latency(request: Request) -> JSONResponse:
        delayed.seconds = float((await request.json())["seconds"])
        return JSONResponse({"seconds": delayed.seconds})

    async def busy(request: Request) -> JSONResponse:
        return JSONResponse({"seconds": delayed.busy, "arrivals": delayed.arrivals})

    routes = [Route("/__bench__/requests", requests), Route("/__bench__/latency", latency, methods=["POST"]),
              Route("/__bench__/busy", busy), *extra]  # fmt: skip
    return Starlette(routes=[*routes, Mount("/", app=delayed)])


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


def big_linkedin() -> Starlette:
    from mcp_server.connectors.linkedin_ads.sandbox import create_app as linkedin_app
    from mcp_server.connectors.linkedin_ads.sandbox.data import MAIN_ACCOUNT
    from mcp_server.connectors.linkedin_ads.sandbox.templates import urn

    fake = linkedin_app()
    data = fake.state.fake.data
    account = urn("sponsoredAccount", MAIN_ACCOUNT)
    demo = list(data.campaigns)
    template = [c for c in demo if c["account"] == account and c["id"] in data.runs]
    runs = dict(data.runs)
    creatives = list(data.creatives)

    async def set_campaigns(request: Request) -> JSONResponse:
        count = int((await request.json())["count"])
        others = [c for c in demo if c["account"] != account]
        own = [c for c in demo if c["account"] == account][:count]
        cloned_creatives = []
        for n in range(max(0, count - len(own))):
            source = template[n % len(template)]
            clone = copy.deepcopy(source)
            clone["id"] = 700_000_000 + n
            clone["name"] = f"{clone['name']} #{n}"
            own.append(clone)
            # The fake reports a campaign through its creatives: each clone gets copies of its template's.
            for k, creative in enumerate(c for c in creatives if c["campaign"] == urn("sponsoredCampaign", source["id"])):
                copied = copy.deepcopy(creative)
                copied["id"] = urn("sponsoredCreative", clone["id"] * 10 + k)
                copied["campaign"] = urn("sponsoredCampaign", clone["id"])
                cloned_creatives.append(copied)
        data.campaigns[:] = others + own
        data.creatives[:] = creatives + cloned_creatives
        data.runs.clear()
        data.runs.update(runs)
        every_day = (dt.date.today() - dt.timedelta(days=400), dt.date.today())
        for campaign in own:  # all of them deliver every day, so rows grow exactly with the campaigns
            data.runs[campaign["id"]] = every_day
            campaign["status"] = "ACTIVE"
        return JSONResponse({"campaigns": len(own)})

    async def rows(request: Request) -> JSONResponse:
        """How many (campaign, day) of the main account delivered from start to end: the rows a report should have."""
        from mcp_server.connectors.linkedin_ads.sandbox.metrics import day_metrics

        start, end = (dt.date.fromisoformat(request.query_params[k]) for k in ("start", "end"))
        total = 0
        for campaign in (c for c in data.campaigns if c["account"] == account and c["id"] in data.runs):
            first, last = data.runs[campaign["id"]]
            day = max(start, first)
            while day <= min(end, last):
                total += day_metrics(campaign, day.toordinal()) is not None
                day += dt.timedelta(days=1)
        return JSONResponse({"rows": total})

    return with_request_log(fake, Route("/__bench__/campaigns", set_campaigns, methods=["POST"]), Route("/__bench__/rows", rows))


def main() -> None:
    with contextlib.ExitStack() as stack:
        urls = {c.id: stack.enter_context(serve_in_thread(with_request_log(c.sandbox_app()))) for c in REGISTRY.values()}
        urls[BIG_TIKTOK] = stack.enter_context(serve_in_thread(big_tiktok()))
        urls[BIG_LINKEDIN] = stack.enter_context(serve_in_thread(big_linkedin()))
        from mcp_server.sandbox.hosted import create_app as hosted_app

        urls[HOSTED] = stack.enter_context(serve_in_thread(with_request_log(hosted_app())))
        print(json.dumps(urls), flush=True)
        sys.stdin.read()  # the benchmark closes our stdin when it is done


if __name__ == "__main__":
    main()
