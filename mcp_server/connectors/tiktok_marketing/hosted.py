"""Hosted mode: our validated TikTok params in the forms Airbyte's hosted TikTok connector takes.

Arrays go as JSON-array strings, `advertiser_id` is left out when neither the
call nor TIKTOK_MARKETING_ADVERTISER_ID gives one (Airbyte injects the
connector's own), report dates are always explicit (Airbyte's defaults are
2024) and split into TikTok-sized chunks by the same code the direct backend
uses; rows are flattened by the same code too, so results do not depend on the
backend. Params Airbyte does not declare (it would drop them silently) are
refused with a pointer to direct mode.
"""

from __future__ import annotations

import weakref
from typing import Any

import httpx

from ...answers import Reader
from ...backends.base import Page, PageRequest
from ...connector import HostedExecute
from ...errors import ConnectorError, InvalidParams, NotConfigured, VendorError
from .api import Reply, encode_query
from .client import BC_SETTING, LIST_ENDPOINTS, TiktokDirectBackend, first_report_state, report_meta, unknown_zone_warning
from .clock import advertiser_zone, now
from .errors import checked_data
from .report_names import name_advertiser
from .report_params import ObjectReportParams, ReportParams, needs_time_zone, refuse_unbounded_hourly
from .reports import fetch_report, has_next_page

SWALLOWED_WARNING = (
    "Airbyte returned no rows and no page_info. Its hosted TikTok connector turns TikTok errors sent with HTTP 200 "
    "(rate limit 40100, expired token, bad params) into an empty result, so this may be a hidden error rather than "
    "no data. Direct mode (TIKTOK_MARKETING_ACCESS_TOKEN, TIKTOK_MARKETING_MODE=direct) shows the real answer."
)
DELETED_WARNING = (
    "Airbyte's hosted TikTok connector cannot send the report status filter, so TikTok leaves deleted "
    "campaigns/ad groups/ads out: totals may be lower than in Ads Manager. Direct mode "
    "(TIKTOK_MARKETING_ACCESS_TOKEN, TIKTOK_MARKETING_MODE=direct) includes them."
)
ADVERTISER_INFO_MAX_IDS = 100
# The params Airbyte's hosted connector declares per entity kind; anything else would be dropped.
LIST_PARAMS = {"advertiser_id", "page", "page_size"}
HOSTED_PARAMS: dict[str, set[str]] = {
    "advertisers": {"advertiser_ids"},
    "catalogs": LIST_PARAMS | {"bc_id"},
    **{entity: LIST_PARAMS for entity in LIST_ENDPOINTS if entity != "catalogs"},
}
# include_deleted is ours, not Airbyte's: false is what hosted does anyway; true gets a warning. date_preset is
# ours too: it is sent as the start_date/end_date it resolves to.
REPORT_PARAMS = LIST_PARAMS | {"dimensions", "metrics", "start_date", "end_date", "query_lifetime", "include_deleted", "date_preset"}


def refuse_undeclared(request: PageRequest) -> None:
    params = request.params
    allowed = REPORT_PARAMS if isinstance(params, ReportParams) else HOSTED_PARAMS[request.entity]
    for name, field in type(params).model_fields.items():
        value = getattr(params, name)
        if name not in allowed and value is not None and value != field.default:
            raise InvalidParams(
                f"params.{name} cannot be sent through Airbyte's hosted API (its TikTok connector drops it).",
                fix="Leave it out, or use direct mode: set TIKTOK_MARKETING_ACCESS_TOKEN and TIKTOK_MARKETING_MODE=direct.",
            )
    if isinstance(params, ReportParams) and params.lifetime:
        raise InvalidParams(
            "query_lifetime=true needs direct mode: Airbyte's hosted TikTok connector has no query_lifetime param.",
            fix="Pass query_lifetime=false with start_date/end_date (≤365 days per request), or use direct mode "
            "(TIKTOK_MARKETING_MODE=direct).",
        )


class HostedTiktokApi:
    """Stands in for TiktokApi: one hosted execute per TikTok GET, so the direct paging/report code runs unchanged."""

    def __init__(self, execute: HostedExecute, entity: str, select_fields: list[str] | None):
        self.execute = execute
        self.entity = entity
        self.select_fields = select_fields
        self.warnings: list[str] = []

    async def get(self, path: str, params: dict[str, Any]) -> Reply:
        reply = await self.execute(self.entity, "list", encode_query(params), self.select_fields)
        meta = reply.connector_metadata if isinstance(reply.connector_metadata, dict) else {}
        records = reply.result if isinstance(reply.result, list) else []
        if not records and meta.get("page_info") is None:
            self.warn(SWALLOWED_WARNING)
        if reply.warning:
            self.warn(reply.warning)
        data = checked_data({"list": records, "page_info": meta.get("page_info")}, Reader("Airbyte (TikTok Marketing)"))
        return Reply(data, httpx.Headers())

    def warn(self, text: str) -> None:
        if text not in self.warnings:
            self.warnings.append(text)

    def meta(self, page: Page) -> Page:
        warnings = list(dict.fromkeys([*page.meta.get("warnings", []), *self.warnings]))
        if warnings:
            page.meta["warnings"] = warnings
        return page


class TiktokHostedAdapter:
    @staticmethod
    def check_op(settings: Any) -> tuple[str, str, dict[str, Any]]:
        """advertisers.list for TIKTOK_MARKETING_ADVERTISER_ID, in the JSON-array form TikTok takes.

        Without it Airbyte fills advertiser_ids from its connector config: as the bare configured id (the
        SDK's scoping passes config values through unchanged), which TikTok does not read as a list, or not
        at all when the connector holds only an access token. Either way the answer is an empty list."""
        if settings.advertiser_id:
            return "advertisers", "list", encode_query({"advertiser_ids": [settings.advertiser_id]})
        return "advertisers", "list", {}

    @staticmethod
    def empty_check(settings: Any) -> ConnectorError:
        """The check's answer was empty: Airbyte's TikTok connector hides TikTok errors that way."""
        hidden = (
            "Airbyte's TikTok connector turns TikTok errors (expired or revoked token, no access to the "
            "advertiser, rate limit 40100) into an empty list, so this is a failure, not an empty account."
        )
        if settings.advertiser_id:
            return VendorError(
                f"Airbyte answered advertisers.list for advertiser {settings.advertiser_id} with no record. {hidden}",
                fix="Check TIKTOK_MARKETING_ADVERTISER_ID; reconnect TikTok in Airbyte (connector-mcp hosted oauth "
                "tiktok-marketing) if the token was revoked. Direct mode (TIKTOK_MARKETING_ACCESS_TOKEN) shows TikTok's own error.",
            )
        return VendorError(
            "Airbyte answered advertisers.list with no record. Without TIKTOK_MARKETING_ADVERTISER_ID the check relies "
            "on the advertiser id stored in the Airbyte connector, which Airbyte sends in a form TikTok does not read "
            f"as a list (or not at all). {hidden}",
            fix="Set TIKTOK_MARKETING_ADVERTISER_ID to the advertiser this connector reads, and check again.",
        )

    def __init__(self) -> None:
        # One adapter serves every hosted backend in the process (servers, workspaces), so advertiser/info/
        # records (time zone, name) are cached per backend, as direct mode does:
        # backend -> advertiser (None = Airbyte's configured one) -> record.
        self._advertiser_records: weakref.WeakKeyDictionary[Any, dict[str | None, dict[str, Any]]] = weakref.WeakKeyDictionary()

    async def fetch(self, request: PageRequest, execute: HostedExecute, settings: Any) -> Page:
        refuse_undeclared(request)
        # None = let Airbyte inject the advertiser its connector is configured with.
        advertiser_id = getattr(request.params, "advertiser_id", None) or settings.advertiser_id
        reports = isinstance(request.params, ReportParams)
        api = HostedTiktokApi(execute, request.entity, None if reports else request.fields)
        if request.entity == "advertisers":
            return api.meta(await self._advertisers(api, request, settings))
        if reports:
            return api.meta(await self._report(api, request, execute, advertiser_id))
        state = request.state or TiktokDirectBackend._first_page(request, LIST_ENDPOINTS[request.entity][1])
        query: dict[str, Any] = {"advertiser_id": advertiser_id}
        if request.entity == "catalogs":
            # catalog/get/ takes bc_id and no advertiser_id (TikTok SDK catalog_api.py). Airbyte's agent connector
            # (airbyte-agent-sdk 0.1.380 on PyPI, specs/tiktok-marketing/connector.yaml) declares advertiser_id
            # required there and fills it from its connector config, so we send only bc_id.
            query = {"bc_id": request.params.bc_id or settings.bc_id}
            if not query["bc_id"]:  # Airbyte exposes no bc/get/ to discover one, and TikTok requires it
                raise InvalidParams(
                    "bc_id is missing: catalogs belong to a Business Center, and hosted mode cannot look yours up.",
                    fix=f"Pass params.bc_id or set {BC_SETTING} (Business Center > Business settings > Business info).",
                )
        query |= {"page": state["page"], "page_size": state["page_size"]}  # the paging keys only, never the rest of a state
        data = (await api.get(LIST_ENDPOINTS[request.entity][0], query)).data
        next_state = {**state, "page": state["page"] + 1} if has_next_page(data) else None
        return api.meta(Page(list(data["list"]), next_state))

    async def _report(self, api: HostedTiktokApi, request: PageRequest, execute: HostedExecute, advertiser_id: str | None) -> Page:
        params = request.params
        assert isinstance(params, ReportParams)
        state = request.state
        if state is None:
            refuse_unbounded_hourly(params, now().date())
            zone = None
            if needs_time_zone(params):
                zone = await self._time_zone(execute, advertiser_id)
                if zone is None:
                    api.warn(unknown_zone_warning(advertiser_id or "(Airbyte's configured advertiser)"))
            state = first_report_state(params, zone, TiktokDirectBackend._first_page(request, 1000))
        if isinstance(params, ObjectReportParams) and params.include_deleted:
            api.warn(DELETED_WARNING)
        page = await fetch_report(api, params, advertiser_id, state, status_filter=False)  # type: ignore[arg-type]
        page.meta |= report_meta(state)
        if page.records:
            backend = getattr(execute, "backend", None)
            cached = backend is not None and advertiser_id in self._advertiser_records.get(backend, {})
            lookup = lambda a: self._advertiser(execute, a)  # noqa: E731
            for warning in await name_advertiser(page.records, advertiser_id, lookup, cached=cached):
                api.warn(warning)
        return page

    async def _time_zone(self, execute: HostedExecute, advertiser_id: str | None) -> str | None:
        """The advertiser's time zone, from its cached record (one hosted lookup per advertiser and backend)."""
        return advertiser_zone(await self._advertiser(execute, advertiser_id))

    async def _advertiser(self, execute: HostedExecute, advertiser_id: str | None) -> dict[str, Any]:
        """The advertiser's record (time zone, name) through the hosted advertisers list, once per backend."""
        backend = getattr(execute, "backend", None)
        known = self._advertiser_records.setdefault(backend, {}) if backend is not None else {}
        if advertiser_id not in known:
            lookup = HostedTiktokApi(execute, "advertisers", None)
            query = {"advertiser_ids": [advertiser_id]} if advertiser_id else {}
            records = (await lookup.get("advertiser/info/", query)).data["list"] or [{}]
            known[advertiser_id] = records[0]
        return known[advertiser_id]

    async def _advertisers(self, api: HostedTiktokApi, request: PageRequest, settings: Any) -> Page:
        configured = settings.advertiser_id
        ids = request.params.advertiser_ids or ([configured] if configured else None)
        if not ids:  # Airbyte fills advertiser_ids from its connector config
            return Page(list((await api.get("advertiser/info/", {})).data["list"]))
        offset = (request.state or {}).get("offset", 0)
        size = min(request.page_size, ADVERTISER_INFO_MAX_IDS)
        data = (await api.get("advertiser/info/", {"advertiser_ids": ids[offset : offset + size]})).data
        more = offset + size < len(ids)
        return Page(list(data["list"]), {"offset": offset + size} if more else None)

    @staticmethod
    def credentials(settings: Any) -> dict[str, Any]:
        """What `connector-mcp hosted create` sends as the Airbyte connector's credentials."""
        if not settings.has_direct_credentials():
            raise NotConfigured(
                "creating a hosted TikTok connector needs the TikTok access token.",
                fix="Set TIKTOK_MARKETING_ACCESS_TOKEN (and TIKTOK_MARKETING_ADVERTISER_ID), or use `hosted oauth`.",
            )
        credentials = {"access_token": settings.access_token.get_secret_value()}
        if settings.advertiser_id:
            credentials["advertiser_id"] = settings.advertiser_id
        return credentials


ADAPTER = TiktokHostedAdapter()
