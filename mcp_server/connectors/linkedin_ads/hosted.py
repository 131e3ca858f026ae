"""Hosted mode: our validated LinkedIn params as the Rest.li strings Airbyte's hosted connector takes.

The direct backend's own request code runs unchanged over `HostedLinkedinApi`,
which turns each LinkedIn GET (path + query) into one hosted execute: path
segments become `account_id` / `id`, query values are encoded by `restli`
(`List(urn%3Ali%3A...)`, `(sponsoredAccount:urn%3A...)`, dateRange objects),
and Airbyte's meta comes back as LinkedIn's paging/metadata. So paging,
metric chunking, row merging and cost-to-number shaping are the direct code.
Params Airbyte does not declare (search filters, other facets) are refused
with a pointer to direct mode instead of being dropped silently. A report on
a whole account goes through the account's campaign list; when that list is
too long for one hosted URL, hosted_sums adds up several requests.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from ...answers import Reader, malformed
from ...backends.base import Page, PageRequest
from ...budget import affords
from ...connector import HostedExecute
from ...errors import ConnectorError, InvalidParams, NotConfigured, NotFound, PermissionDenied
from ...params import is_digits
from . import restli
from .analytics import FACETS, requested_metrics
from .analytics_params import PIVOTS
from .api import checked_body
from .catalog import PAGE_MAX
from .client import LinkedinDirectBackend, with_warnings
from .hosted_sums import facet_batches, hosted_facet, summed_report
from .names import Lookup, NameCache, fallback_warning, name_records
from .names_lookup import cache_for, hosted_targeting_lookup
from .params import CampaignsList, ConversionsList, CreativesList, default_account

DIRECT_FIX = "Leave it out, or use direct mode: set LINKEDIN_ADS_CLIENT_ID/SECRET/REFRESH_TOKEN and LINKEDIN_ADS_MODE=direct."
_CURSOR = {"pageSize", "pageToken"}
_OFFSET = {"start", "count"}
_SCOPED = {"account_id", "pageSize", "pageToken"}
# Our param names that map onto params Airbyte's hosted connector declares, per entity.action.
HOSTED_PARAMS: dict[tuple[str, str], set[str]] = {
    ("accounts", "list"): _CURSOR,
    ("accounts", "get"): {"id"},
    ("account_users", "list"): {"account_id", "accounts"} | _OFFSET,
    ("campaign_groups", "list"): _SCOPED,
    ("campaign_groups", "get"): {"account_id", "id"},
    ("campaigns", "list"): _SCOPED,
    ("campaigns", "get"): {"account_id", "id"},
    ("creatives", "list"): _SCOPED,
    ("creatives", "get"): {"account_id", "id"},
    ("conversions", "list"): {"account_id", "account"} | _OFFSET,
    ("conversions", "get"): {"id", "account_id", "account"},
    ("lead_forms", "list"): {"account_id", "owner"} | _OFFSET,
    ("lead_form_responses", "list"): {"account_id", "owner", "leadType"} | _OFFSET,
}
ANALYTICS_PARAMS = {"account_id", "dateRange", "start_date", "end_date", "timeGranularity", "fields"}
# Statuses LinkedIn's search leaves out when it is sent none (deleted objects).
HIDDEN_BY_DEFAULT = ("PENDING_DELETION", "REMOVED")
CONVERSION_LIST_MAX_PAGES = 4


def refuse_undeclared(request: PageRequest) -> None:
    if request.entity in PIVOTS:
        allowed = ANALYTICS_PARAMS | {hosted_facet(request.entity)}
    else:
        allowed = HOSTED_PARAMS[(request.entity, request.action)]
    for name, field in type(request.params).model_fields.items():
        value = getattr(request.params, name)
        if name not in allowed and value is not None and value != field.default:
            raise InvalidParams(
                f"params.{name} cannot be sent through Airbyte's hosted API (its LinkedIn connector drops it).",
                fix=DIRECT_FIX,
            )


class HostedLinkedinApi:
    """Stands in for LinkedinApi: one hosted execute per LinkedIn GET."""

    names_rows = False  # the adapter names analytics rows once, after any hosted sums

    def __init__(self, execute: HostedExecute, request: PageRequest, version: str | None):
        self.execute = execute
        self.entity, self.action = request.entity, request.action
        self.select_fields = None if request.entity in PIVOTS else request.fields
        self.version = version
        self.warnings: list[str] = []

    async def get(self, path: str, query: list[tuple[str, Any]] | None = None, *, finder: bool = False) -> dict:
        params = self.path_params(path)
        for name, value in query or []:
            if value is not None:
                params[name] = value if isinstance(value, int) and not isinstance(value, bool) else restli.encode(value)
        if self.version:
            params["LinkedIn-Version"] = self.version
        reply = await self.execute(self.entity, self.action, params, self.select_fields)
        if reply.warning and reply.warning not in self.warnings:
            self.warnings.append(reply.warning)
        if self.action == "get":
            return reply.result if isinstance(reply.result, dict) else {}
        meta = reply.connector_metadata if isinstance(reply.connector_metadata, dict) else {}
        body = {
            "elements": reply.result if isinstance(reply.result, list) else [],
            "metadata": {"nextPageToken": meta.get("nextPageToken")},
            "paging": {"start": meta.get("start"), "count": meta.get("count"), "total": meta.get("total")},
        }
        return checked_body(body, Reader(HOSTED_VENDOR))

    def path_params(self, path: str) -> dict[str, Any]:
        """`adAccounts/1/adCampaigns/5` → account_id 1, id 5 (the hosted connector builds the path itself)."""
        segments = [unquote(s) for s in path.split("/")]
        params: dict[str, Any] = {}
        if segments[0] == "adAccounts" and len(segments) >= 3:
            params["account_id"] = _number(segments[1])
        if self.action == "get":
            params["id"] = _number(segments[-1])
        return params


HOSTED_VENDOR = "Airbyte (LinkedIn Ads)"  # as HostedClient.execute names its answers' faults


def _names_cache(execute: HostedExecute) -> NameCache:
    """The hosted backend's name cache (the call's own, for an execute bound to none)."""
    return cache_for(getattr(execute, "backend", None) or execute)


def _listed_names(facet: str, records: list[dict[str, Any]]) -> dict[str, str]:
    """URN → name of listed campaigns or creatives (creative ids are URNs already)."""
    kind = "creative" if facet == "creatives" else "campaign"
    urns = ((restli.listed_urn(kind, r.get("id")), r.get("name")) for r in records)
    return {urn: str(name) for urn, name in urns if urn and name}


def _number(text: str) -> Any:
    return int(text) if is_digits(text, 30) else text


class _HostedRoutes(LinkedinDirectBackend):
    """The direct backend's per-entity code, talking to the hosted API, with overrides where Airbyte's
    connector cannot send what the direct code sends."""

    def __init__(self, settings: Any, api: HostedLinkedinApi):
        self.settings = settings
        self.api: HostedLinkedinApi = api  # type: ignore[assignment]

    def statuses(self, params: Any, every: tuple[str, ...]) -> tuple[list[str] | None, list[str]]:
        """Airbyte's connector declares no search criteria, so no status filter is sent (a given one is refused
        by refuse_undeclared) and LinkedIn's search default applies."""
        hidden = ", ".join(s for s in every if s in HIDDEN_BY_DEFAULT)
        return None, [
            f"no status filter could be sent through Airbyte's hosted API, so LinkedIn's default applies and objects "
            f"in status {hidden} may be missing; use direct mode (LINKEDIN_ADS_MODE=direct) to list every status"
        ]

    async def conversions_get(self, request: PageRequest) -> Page:
        """Airbyte's conversions.get cannot send `account`, which LinkedIn's GET needs: find the rule in the
        account's list instead (conversion rules per account are few; at most CONVERSION_LIST_MAX_PAGES pages)."""
        account = restli.to_urn("account", self.account(request, "account"))
        conversion_id = str(request.params.id)
        listing = PageRequest("conversions", "list", ConversionsList(account=account), None, PAGE_MAX)
        # A hosted API object runs one entity.action: the list needs its own.
        lister = _HostedRoutes(self.settings, HostedLinkedinApi(self.api.execute, listing, self.api.version))
        for _ in range(CONVERSION_LIST_MAX_PAGES):
            page = await lister.conversions_list(listing)
            found = [r for r in page.records if str(r.get("id")) == conversion_id]
            if found:
                return Page(found[:1])
            if page.next_state is None:
                raise NotFound(
                    f"conversion {conversion_id} is not among the conversion rules of {account}.",
                    fix="Check the id with `conversions list`, and pass the account it belongs to as params.account_id.",
                )
            listing.state = page.next_state
        raise NotFound(
            f"conversion {conversion_id} was not found in the first {CONVERSION_LIST_MAX_PAGES * PAGE_MAX} "
            f"conversion rules of {account}.",
            fix="Use direct mode (LINKEDIN_ADS_MODE=direct), which reads one conversion rule by id.",
        )


class LinkedinHostedAdapter:
    @staticmethod
    def check_op(settings: Any) -> tuple[str, str, dict[str, Any]]:
        """The configured account itself (LinkedIn answers 403/404 when the member cannot see it); else one account."""
        if settings.account_id:
            return "accounts", "get", {"id": int(settings.account_id)}
        return "accounts", "list", {"pageSize": 1}

    @staticmethod
    def empty_check(settings: Any) -> ConnectorError:
        """An empty account search is not an error at LinkedIn, but then every report is silently empty too."""
        return PermissionDenied(
            "Airbyte's LinkedIn connector sees no ad account: the LinkedIn member who authorized it has no role on "
            "any ad account, so every list and report would come back empty.",
            fix="Give that member a role (at least VIEWER) on the ad account in Campaign Manager, or reconnect LinkedIn "
            "in Airbyte with a member who has one (connector-mcp hosted oauth linkedin-ads); then set LINKEDIN_ADS_ACCOUNT_ID.",
        )

    async def fetch(self, request: PageRequest, execute: HostedExecute, settings: Any) -> Page:
        refuse_undeclared(request)
        account_id = default_account(request.params, "account_id") or settings.account_id
        if (request.entity, request.action) == ("account_users", "list") and not (request.params.accounts or account_id):
            raise InvalidParams(
                "account_users list needs an account in hosted mode (your own roles on all accounts need direct mode).",
                fix="Pass params.account_id or set LINKEDIN_ADS_ACCOUNT_ID; or use direct mode (LINKEDIN_ADS_MODE=direct).",
            )
        api = HostedLinkedinApi(execute, request, settings.api_version)
        routes = _HostedRoutes(settings, api)
        notes: list[str] = []
        if request.entity in PIVOTS:
            requested_metrics(request.params, PIVOTS[request.entity], request.fields)  # refuse before the listing
            scope = None
            if not any(getattr(request.params, f) for f in FACETS):
                scope = routes.account(request)
                request, notes = await self._account_facet(request, execute, settings, scope)
                if request is None:
                    return Page([], meta={"warnings": notes})
            batches = facet_batches(request)
            if batches:
                page = await summed_report(request, batches, routes, scope)
            else:
                page = await routes.fetch(request)
            names = await self._name_rows(page, request, execute, settings, scope or routes.settings.account_id)
            return with_warnings(page, notes + api.warnings + names)
        page = await routes.fetch(request)
        return with_warnings(page, notes + api.warnings)

    async def _name_rows(self, page: Page, request: PageRequest, execute: HostedExecute, settings: Any, account_id: Any) -> list[str]:
        """Names for the report's rows: campaigns and creatives from Airbyte's listing of the account (already
        cached when the report went through it), member values from LinkedIn's standardized lists."""
        pivot = PIVOTS[request.entity]
        account = default_account(request.params, "account_id") or account_id
        cache = _names_cache(execute)
        lookup = hosted_targeting_lookup(pivot)
        if pivot in ("CAMPAIGN", "CREATIVE"):
            lookup = self._listing_lookup(pivot, execute, settings, account, cache)
        return await name_records(page.records, pivot, cache, lookup)

    def _listing_lookup(self, pivot: str, execute: HostedExecute, settings: Any, account_id: Any, cache: NameCache) -> Lookup:
        facet = "campaigns" if pivot == "CAMPAIGN" else "creatives"
        what = facet[:-1].capitalize()

        async def lookup(values: list[str]) -> tuple[dict[str, str], list[str]]:
            if not account_id:
                return {}, [fallback_warning(what, values, "no account is known: pass params.account_id or set LINKEDIN_ADS_ACCOUNT_ID")]
            found: dict[str, str] = {}
            listing = PageRequest(facet, "list", (CreativesList if facet == "creatives" else CampaignsList)(account_id=account_id), None, PAGE_MAX)
            lister = _HostedRoutes(settings, HostedLinkedinApi(execute, listing, settings.api_version))
            listed_all = False
            try:
                while affords(1):
                    page = await lister.fetch(listing)
                    found |= _listed_names(facet, page.records)
                    if page.next_state is None or all(v in found for v in values):
                        listed_all = True
                        break
                    listing.state = page.next_state
            except ConnectorError as error:
                return found, [fallback_warning(what, [v for v in values if v not in found], f"Airbyte's {facet} list failed: {error}")]
            rest = [v for v in values if v not in found]
            why = (
                f"not in Airbyte's {facet} list of account {account_id}, which may leave deleted {facet} out"
                if listed_all
                else "this call's request budget is spent"
            )
            return found, [fallback_warning(what, rest, why)] if rest else []

        return lookup

    async def _account_facet(
        self, request: PageRequest, execute: HostedExecute, settings: Any, account_id: str
    ) -> tuple[PageRequest | None, list[str]]:
        """Airbyte's analytics take only campaigns (or creatives): report on a whole account through its list.

        Returns the request with that list as its facet (None when the account has none) and notes on the list."""
        facet = hosted_facet(request.entity)
        model = CreativesList if facet == "creatives" else CampaignsList
        listing = PageRequest(facet, "list", model(account_id=account_id), None, PAGE_MAX)
        lister = _HostedRoutes(settings, HostedLinkedinApi(execute, listing, settings.api_version))
        urns: list[str] = []
        notes: list[str] = []
        cache = _names_cache(execute)
        while True:
            page = await lister.fetch(listing)
            for n, record in enumerate(page.records):
                urn = restli.listed_urn("creative" if facet == "creatives" else "campaign", record.get("id"))
                if urn is None:
                    raise malformed(HOSTED_VENDOR, f"the {facet} list's result[{n}].id", record.get("id"), "a LinkedIn id or URN")
                urns.append(urn)
            for urn, name in _listed_names(facet, page.records).items():  # the report's names, at no extra request
                cache.put(f"{'CREATIVE' if facet == 'creatives' else 'CAMPAIGN'}|{urn}", name)
            notes += [f"This report covers the {facet} Airbyte lists for account {account_id}: {w}" for w in page.meta.get("warnings", [])]
            if page.next_state is None:
                break
            listing.state = page.next_state
        notes = list(dict.fromkeys(notes))
        if not urns:
            return None, [
                *notes,
                f"Airbyte lists no {facet} for account {account_id}, so there is nothing to report. Either the account "
                f"has no {facet}, or the LinkedIn member who authorized Airbyte's connector has no role on it and "
                "cannot see them: `accounts list` shows the accounts that member can read.",
            ]
        # account_id stays: the report's empty warning names the account.
        params = request.params.model_copy(update={facet: urns})
        return PageRequest(request.entity, request.action, params, request.state, request.page_size, request.fields), notes

    @staticmethod
    def credentials(settings: Any) -> dict[str, Any]:
        """What `connector-mcp hosted create` sends as the Airbyte connector's credentials."""
        if not settings.can_refresh():
            raise NotConfigured(
                "creating a hosted LinkedIn connector needs the OAuth app and a refresh token.",
                fix="Set LINKEDIN_ADS_CLIENT_ID, LINKEDIN_ADS_CLIENT_SECRET and LINKEDIN_ADS_REFRESH_TOKEN, or use `hosted oauth`.",
            )
        return {
            "client_id": settings.client_id,
            "client_secret": settings.client_secret.get_secret_value(),
            "refresh_token": settings.refresh_token.get_secret_value(),
        }


ADAPTER = LinkedinHostedAdapter()
