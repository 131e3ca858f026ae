"""The direct LinkedIn Ads backend: one method per entity.action."""

from __future__ import annotations

from typing import Any

from ...backends.base import Page, PageRequest
from ...errors import InvalidParams
from ...http import ClientOptions
from ...params import today
from . import restli
from .analytics import fetch_analytics
from .analytics_params import PIVOTS
from .api import LinkedinApi, path_of
from .catalog import CREATIVES_PAGE_MAX, PAGE_MAX
from .pagination import cursor_page, offset_page
from .params import ACCOUNT_STATUSES, CAMPAIGN_STATUSES, GROUP_STATUSES, default_account
from .records import readable
from .settings import LinkedinAdsSettings
from .versions import sunset_warning


def _values(values: list[str] | None) -> dict[str, list[str]] | None:
    return {"values": values} if values else None


def with_warnings(page: Page, warnings: list[str]) -> Page:
    """The page's own warnings, then these; each once."""
    merged = list(dict.fromkeys([*page.meta.get("warnings", []), *warnings]))
    if merged:
        page.meta["warnings"] = merged
    return page


def search_criteria(params: Any, **facets: Any) -> dict[str, Any] | None:
    """The `search=(...)` object: raw params.search merged with the structured filters given."""
    criteria = dict(getattr(params, "search", None) or {})
    criteria.update({k: v for k, v in facets.items() if v is not None})
    return criteria or None


class LinkedinDirectBackend:
    name = "direct"

    def __init__(self, settings: LinkedinAdsSettings, options: ClientOptions):
        self.settings = settings
        self.api = LinkedinApi(settings, options)

    async def fetch(self, request: PageRequest) -> Page:
        if request.entity in PIVOTS:
            page = await fetch_analytics(self.api, request, default_account(request.params, "account_id") or self.settings.account_id)
        else:
            # Looked up on self, so a subclass can override one entity.action.
            page = await getattr(self, ROUTES[(request.entity, request.action)])(request)
            # Here, not in the routes, so hosted mode (whose routes subclass these) reads the same values, converted once.
            page.records = [readable(r) for r in page.records]
        sunset = sunset_warning(self.settings.api_version, today())  # within 60 days of LinkedIn's sunset
        return with_warnings(page, [sunset]) if sunset else page

    async def check(self) -> str:
        body = await self.api.get("adAccounts", [("q", "search"), ("pageSize", 1)])
        elements = body.get("elements") or []
        if not elements:
            return "token ok; 0 accounts visible (the member needs a role on an ad account)"
        total = (body.get("paging") or {}).get("total")
        more = (body.get("metadata") or {}).get("nextPageToken")
        count = str(total) if isinstance(total, int) else ("1+" if more else "1")
        first = elements[0]
        return f"token ok; {count} account(s) visible, e.g. {first.get('name')} ({first.get('id')})"

    async def aclose(self) -> None:
        await self.api.aclose()

    def account(self, request: PageRequest, *names: str) -> str:
        account_id = default_account(request.params, *names, "account_id") or self.settings.account_id
        if not account_id:
            raise InvalidParams(
                f"{request.entity} {request.action} needs account_id.",
                fix="Pass params.account_id (numeric id or URN) or set LINKEDIN_ADS_ACCOUNT_ID; "
                "`accounts list` shows the accounts you can read.",
            )
        return account_id

    def statuses(self, params: Any, every: tuple[str, ...]) -> tuple[list[str] | None, list[str]]:
        """The status values to search for, and any warning: the caller's, or every status when none is given.

        Every status is named rather than left to LinkedIn's search default, so archived, canceled, draft
        and deleted objects are listed too."""
        if params.status or "status" in (getattr(params, "search", None) or {}):
            return params.status, []
        return list(every), []

    # -- accounts -------------------------------------------------------------------------------
    async def accounts_list(self, request: PageRequest) -> Page:
        p = request.params
        status, warnings = self.statuses(p, ACCOUNT_STATUSES)
        search = search_criteria(
            p, id=_values(p.ids), status=_values(status), type=_values(p.type), test=p.test, name=_values(p.name)
        )
        page = await cursor_page(self.api, "adAccounts", [("q", "search"), ("search", search)], request, page_max=PAGE_MAX)
        return with_warnings(page, warnings)

    async def accounts_get(self, request: PageRequest) -> Page:
        return Page([await self.api.get(path_of("adAccounts", request.params.id))])

    async def account_users_list(self, request: PageRequest) -> Page:
        account_id = default_account(request.params, "accounts", "account_id") or self.settings.account_id
        query = [("q", "accounts"), ("accounts", restli.to_urn("account", account_id))] if account_id else [("q", "authenticatedUser")]
        return await offset_page(self.api, "adAccountUsers", query, request, page_max=PAGE_MAX)

    # -- campaign groups and campaigns -----------------------------------------------------------
    async def campaign_groups_list(self, request: PageRequest) -> Page:
        p = request.params
        status, warnings = self.statuses(p, GROUP_STATUSES)
        search = search_criteria(p, status=_values(status), name=_values(p.name), test=p.test)
        path = path_of("adAccounts", self.account(request), "adCampaignGroups")
        page = await cursor_page(self.api, path, [("q", "search"), ("search", search)], request, page_max=PAGE_MAX)
        return with_warnings(page, warnings)

    async def campaign_groups_get(self, request: PageRequest) -> Page:
        path = path_of("adAccounts", self.account(request), "adCampaignGroups", request.params.id)
        return Page([await self.api.get(path)])

    async def campaigns_list(self, request: PageRequest) -> Page:
        p = request.params
        status, warnings = self.statuses(p, CAMPAIGN_STATUSES)
        search = search_criteria(
            p,
            status=_values(status),
            campaignGroup=_values(p.campaignGroup),
            type=_values(p.type),
            name=_values(p.name),
            test=p.test,
        )
        path = path_of("adAccounts", self.account(request), "adCampaigns")
        page = await cursor_page(self.api, path, [("q", "search"), ("search", search)], request, page_max=PAGE_MAX)
        return with_warnings(page, warnings)

    async def campaigns_get(self, request: PageRequest) -> Page:
        path = path_of("adAccounts", self.account(request), "adCampaigns", request.params.id)
        return Page([await self.api.get(path)])

    # -- creatives -------------------------------------------------------------------------------
    async def creatives_list(self, request: PageRequest) -> Page:
        p = request.params
        query = [
            ("q", "criteria"),
            ("campaigns", p.campaigns),
            ("creatives", p.creatives),
            ("intendedStatuses", p.intendedStatuses),
            ("isTestAccount", p.isTestAccount),
            ("sortOrder", p.sortOrder),
        ]
        path = path_of("adAccounts", self.account(request), "creatives")
        return await cursor_page(self.api, path, query, request, page_max=CREATIVES_PAGE_MAX, finder=True)

    async def creatives_get(self, request: PageRequest) -> Page:
        path = path_of("adAccounts", self.account(request), "creatives", request.params.id)
        return Page([await self.api.get(path)])

    # -- conversions and lead gen ----------------------------------------------------------------
    async def conversions_list(self, request: PageRequest) -> Page:
        query = [("q", "account"), ("account", restli.to_urn("account", self.account(request, "account")))]
        return await offset_page(self.api, "conversions", query, request, page_max=PAGE_MAX)

    async def conversions_get(self, request: PageRequest) -> Page:
        account = restli.to_urn("account", self.account(request, "account"))
        return Page([await self.api.get(path_of("conversions", request.params.id), [("account", account)])])

    def _owner(self, request: PageRequest) -> dict[str, str]:
        return {"sponsoredAccount": restli.to_urn("account", self.account(request, "owner"))}

    async def lead_forms_list(self, request: PageRequest) -> Page:
        query = [("q", "owner"), ("owner", self._owner(request))]
        return await offset_page(self.api, "leadForms", query, request, page_max=PAGE_MAX)

    async def lead_form_responses_list(self, request: PageRequest) -> Page:
        query = [("q", "owner"), ("owner", self._owner(request)), ("leadType", {"leadType": request.params.leadType})]
        return await offset_page(self.api, "leadFormResponses", query, request, page_max=PAGE_MAX)


# (entity, action) → the method's name.
ROUTES: dict[tuple[str, str], str] = {
    (name.rsplit("_", 1)[0], name.rsplit("_", 1)[1]): name
    for name, method in vars(LinkedinDirectBackend).items()
    if name.endswith(("_list", "_get")) and callable(method)
}
