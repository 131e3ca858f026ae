"""The direct backend: TikTok Business API v1.3 over HTTPS."""

from __future__ import annotations

from typing import Any

from ...answers import Reader
from ...backends.base import Page, PageRequest
from ...errors import InvalidParams
from ...http import ClientOptions
from ...params import is_digits
from ...settings import ConnectorSettings
from .api import TiktokApi
from .clock import UTC, advertiser_zone, local_today, now
from .params import MAX_ID_DIGITS
from .report_names import name_advertiser
from .report_params import ReportParams, needs_time_zone, refuse_unbounded_hourly, resolve_dates
from .reports import fetch_report, has_next_page, pages_ahead
from .settings import TiktokMarketingSettings

# entity -> (GET path, TikTok's page_size maximum)
LIST_ENDPOINTS: dict[str, tuple[str, int]] = {
    "campaigns": ("campaign/get/", 1000),
    "ad_groups": ("adgroup/get/", 1000),
    "ads": ("ad/get/", 1000),
    "audiences": ("dmp/custom_audience/list/", 100),
    "creative_assets_images": ("file/image/ad/search/", 100),
    "creative_assets_videos": ("file/video/ad/search/", 100),
    "spark_ads": ("tt_video/list/", 50),
    "catalogs": ("catalog/get/", 100),
}
REPORT_MAX_PAGE_SIZE = 1000
ADVERTISER_INFO_MAX_IDS = 100
ADVERTISER_SETTING = "TIKTOK_MARKETING_ADVERTISER_ID"
BC_SETTING = "TIKTOK_MARKETING_BC_ID"
BC_PAGE_SIZE = 50  # bc/get/ maximum (SDK yml_files/bc_get.yml)
MAX_BC_PAGES = 20
NO_BC_FIX = (
    f"Pass params.bc_id (Business Center > Business settings > Business info) or set {BC_SETTING}; "
    "catalogs belong to a Business Center, not to an advertiser."
)


def unknown_zone_warning(advertiser_id: str) -> str:
    return (
        f"advertiser {advertiser_id} has no time zone TikTok reports; default dates were taken in UTC "
        "and may be off by a day. Pass start_date and end_date to be exact."
    )


def report_meta(state: dict[str, Any]) -> dict[str, Any]:
    """The range every page of a report covers, from the page state (so later pages say the same); the
    dates also show in meta.params, resolved from a date_preset or the default in the advertiser's zone."""
    if "start" not in state:
        return {}
    dates = {"start_date": state["start"], "end_date": state["end"]}
    zone = {"time_zone": state["time_zone"]} if state.get("time_zone") else {}
    # The range replaces any date_preset in meta.params and the cursor's frozen query, so both are
    # explicit dates that mean the same range whenever they are sent back.
    return {"report_dates": dates | zone, "resolved_params": {**dates, "date_preset": None}}


def first_report_state(params: ReportParams, zone: str | None, page: dict[str, int]) -> dict[str, Any]:
    """Chunk 0, page 1, and the resolved range frozen with the zone its defaults came from."""
    state: dict[str, Any] = {"chunk": 0, **page}
    if not params.lifetime:
        start, end = resolve_range(params, zone)
        state |= {"start": start.isoformat(), "end": end.isoformat()} | ({"time_zone": zone} if zone else {})
    return state


class TiktokDirectBackend:
    name = "direct"

    def __init__(self, settings: ConnectorSettings, options: ClientOptions):
        assert isinstance(settings, TiktokMarketingSettings)
        self.settings = settings
        self.api = TiktokApi(settings, options)
        self._advertiser_records: dict[str, dict[str, Any]] = {}  # advertiser -> its advertiser/info/ record
        self._business_centers: list[str] | None = None

    async def fetch(self, request: PageRequest) -> Page:
        if request.entity == "advertisers":
            return await self._advertisers(request)
        if request.entity == "catalogs":
            return await self._catalogs(request)
        advertiser_id = self._advertiser_id(request.params)
        if isinstance(request.params, ReportParams):
            return await self._report(request, advertiser_id)
        state = request.state or self._first_page(request, LIST_ENDPOINTS[request.entity][1])
        return await self._list(request, advertiser_id, state)

    async def _report(self, request: PageRequest, advertiser_id: str) -> Page:
        params = request.params
        assert isinstance(params, ReportParams)
        state, warnings = request.state, []
        if state is None:
            refuse_unbounded_hourly(params, now().date())
            zone = None
            if needs_time_zone(params):
                zone = await self._time_zone(advertiser_id)
                if zone is None:
                    warnings.append(unknown_zone_warning(advertiser_id))
            state = first_report_state(params, zone, self._first_page(request, REPORT_MAX_PAGE_SIZE))
        page = await fetch_report(self.api, params, advertiser_id, state, concurrent=True)
        page.meta |= report_meta(state)
        if page.records:
            cached = advertiser_id in self._advertiser_records
            warnings += await name_advertiser(page.records, advertiser_id, self._advertiser, cached=cached)
        if warnings:
            page.meta["warnings"] = [*warnings, *page.meta.get("warnings", [])]
        return page

    async def _time_zone(self, advertiser_id: str) -> str | None:
        return advertiser_zone(await self._advertiser(advertiser_id))

    async def _advertiser(self, advertiser_id: str) -> dict[str, Any]:
        """advertiser/info/ (time zone and name), asked once per advertiser and backend."""
        if advertiser_id not in self._advertiser_records:
            query = {"advertiser_ids": [advertiser_id], "fields": ["advertiser_id", "name", "timezone", "display_timezone"]}
            records = (await self.api.get("advertiser/info/", query)).data.get("list") or [{}]
            self._advertiser_records[advertiser_id] = records[0]
        return self._advertiser_records[advertiser_id]

    async def check(self) -> str:
        data = (await self.api.get("user/info/", {})).data
        advertiser = self.settings.advertiser_id or f"none configured (set {ADVERTISER_SETTING})"
        return f"token ok; display_name={data.get('display_name') or '?'}, advertiser {advertiser}"

    async def aclose(self) -> None:
        await self.api.aclose()

    def _advertiser_id(self, params: Any) -> str:
        advertiser_id = getattr(params, "advertiser_id", None) or self.settings.advertiser_id
        if not advertiser_id:
            raise InvalidParams(
                "advertiser_id is missing.", fix=f"Pass params.advertiser_id or set {ADVERTISER_SETTING}."
            )
        return advertiser_id

    @staticmethod
    def _first_page(request: PageRequest, maximum: int) -> dict[str, int]:
        params = request.params
        size = getattr(params, "page_size", None) or min(request.page_size, maximum)
        return {"page": getattr(params, "page", None) or 1, "page_size": max(1, size)}

    async def _list(self, request: PageRequest, advertiser_id: str, state: dict[str, Any]) -> Page:
        path = LIST_ENDPOINTS[request.entity][0]
        query = request.params.model_dump(exclude={"page", "page_size", "advertiser_id"}, exclude_none=True)
        query |= {"advertiser_id": advertiser_id, "page": state["page"], "page_size": state["page_size"]}
        reply = await self.api.get(path, query)
        next_state = {**state, "page": state["page"] + 1} if has_next_page(reply.data) else None
        return Page(list(reply.data.get("list") or []), next_state, reply.meta(), ahead=pages_ahead(reply.data, state))

    async def _advertisers(self, request: PageRequest) -> Page:
        """advertiser/info/ takes ≤100 ids per call and has no paging: we page over the id list."""
        state = dict(request.state or {"offset": 0})
        configured = [self.settings.advertiser_id] if self.settings.advertiser_id else None
        ids = state.get("ids") or request.params.advertiser_ids or configured
        if not ids:
            if not self.settings.can_discover_advertisers():
                raise InvalidParams(
                    "advertiser_ids is missing.",
                    fix=f"Pass params.advertiser_ids, set {ADVERTISER_SETTING}, or set TIKTOK_MARKETING_APP_ID and "
                    "TIKTOK_MARKETING_SECRET to list the advertisers the token was granted.",
                )
            ids = state["ids"] = await self._discover_advertisers()
            if not ids:
                return Page([], None, {"warnings": ["The token was granted no advertisers; re-authorize and select one."]})
        offset = state["offset"]
        size = min(request.page_size, ADVERTISER_INFO_MAX_IDS)
        query = {"advertiser_ids": ids[offset : offset + size], "fields": request.params.fields}
        reply = await self.api.get("advertiser/info/", query)
        more = offset + size < len(ids)
        return Page(list(reply.data.get("list") or []), {**state, "offset": offset + size} if more else None, reply.meta())

    async def _discover_advertisers(self) -> list[str]:
        # app_id and secret travel in the query (TikTok's rule); error texts never quote the URL.
        secret = self.settings.secret.get_secret_value()  # type: ignore[union-attr]
        data = (await self.api.get("oauth2/advertiser/get/", {"app_id": self.settings.app_id, "secret": secret})).data
        return [id_of(item.get("advertiser_id"), f"data.list[{n}].advertiser_id") for n, item in enumerate(data.get("list") or [])]

    async def _catalogs(self, request: PageRequest) -> Page:
        """catalog/get/ takes bc_id (required) and no advertiser_id (SDK catalog_api.py); without a bc_id
        we read the catalogs of every Business Center the token can see, one after another."""
        state = request.state
        if state is None:
            given = request.params.bc_id or self.settings.bc_id
            bcs = [given] if given else await self._discover_business_centers()
            if not bcs:
                raise InvalidParams("bc_id is missing and the token sees no Business Center.", fix=NO_BC_FIX)
            state = {"bcs": bcs, "bc": 0, **self._first_page(request, LIST_ENDPOINTS["catalogs"][1])}
        query = {"bc_id": state["bcs"][state["bc"]], "page": state["page"], "page_size": state["page_size"]}
        reply = await self.api.get("catalog/get/", query)
        if has_next_page(reply.data):
            next_state: dict[str, Any] | None = {**state, "page": state["page"] + 1}
        elif state["bc"] + 1 < len(state["bcs"]):
            next_state = {**state, "bc": state["bc"] + 1, "page": 1}
        else:
            next_state = None
        return Page(list(reply.data.get("list") or []), next_state, reply.meta())

    async def _discover_business_centers(self) -> list[str]:
        """bc/get/ lists the Business Centers the token can see (data.list[].bc_info.bc_id); cached per backend."""
        if self._business_centers is None:
            found: list[str] = []
            for page in range(1, MAX_BC_PAGES + 1):
                data = (await self.api.get("bc/get/", {"page": page, "page_size": BC_PAGE_SIZE})).data
                found += [
                    id_of(READ.object(item["bc_info"], f"data.list[{n}].bc_info").get("bc_id"), f"data.list[{n}].bc_info.bc_id")
                    for n, item in enumerate(data.get("list") or [])
                    if item.get("bc_info")
                ]
                if not has_next_page(data):
                    break
            self._business_centers = list(dict.fromkeys(found))
        return self._business_centers


READ = Reader("TikTok")


def id_of(value: Any, where: str) -> str:
    """An id TikTok lists (an advertiser, a Business Center), which goes back to TikTok in later requests."""
    text = str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    if not is_digits(text, MAX_ID_DIGITS):
        raise READ.fail(where, value, "a numeric id")
    return text


def resolve_range(params: ReportParams, zone: str | None) -> tuple[Any, Any]:
    """Default dates are days in the advertiser's time zone (UTC when it has none we know)."""
    return resolve_dates(params, local_today(zone or UTC))
