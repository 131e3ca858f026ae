"""The direct backend: TikTok Business API v1.3 over HTTPS."""

from __future__ import annotations

from typing import Any

from ...backends.base import Page, PageRequest
from ...errors import InvalidParams
from ...http import ClientOptions
from ...settings import ConnectorSettings
from .api import TiktokApi
from .report_params import ReportParams
from .reports import fetch_report, has_next_page
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


class TiktokDirectBackend:
    name = "direct"

    def __init__(self, settings: ConnectorSettings, options: ClientOptions):
        assert isinstance(settings, TiktokMarketingSettings)
        self.settings = settings
        self.api = TiktokApi(settings, options)

    async def fetch(self, request: PageRequest) -> Page:
        if request.entity == "advertisers":
            return await self._advertisers(request)
        advertiser_id = self._advertiser_id(request.params)
        if isinstance(request.params, ReportParams):
            state = request.state or self._first_page(request, REPORT_MAX_PAGE_SIZE)
            return await fetch_report(self.api, request.params, advertiser_id, {"chunk": 0, **state})
        state = request.state or self._first_page(request, LIST_ENDPOINTS[request.entity][1])
        return await self._list(request, advertiser_id, state)

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
        return Page(list(reply.data.get("list") or []), next_state, reply.meta())

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
        return [str(item["advertiser_id"]) for item in data.get("list") or []]
