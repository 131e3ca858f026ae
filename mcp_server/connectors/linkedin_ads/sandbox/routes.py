"""The fake's LinkedIn endpoints: finders, gets, and adAnalytics (query already parsed strictly)."""

from __future__ import annotations

import base64
import datetime as dt
import re
from typing import Any

from starlette.requests import Request

from ....params import today
from .analytics import PIVOT_VALUES, field_problem, readable_accounts, report
from .data import Data, urn
from .rules import BadParam, error, int_param
from .targeting import ad_targeting_entities
from .templates import BROKEN

Query = dict[str, Any]
# search facets per finder → the URN kind their values name ("" = compare the field as is)
ACCOUNT_FACETS = {"id": "sponsoredAccount", "status": "", "type": "", "test": "", "name": "", "reference": ""}
GROUP_FACETS = {"id": "sponsoredCampaignGroup", "status": "", "name": "", "test": ""}
CAMPAIGN_FACETS = {"id": "sponsoredCampaign", "status": "", "campaignGroup": "", "type": "", "name": "", "test": ""}


def _require(query: Query, name: str, expected: str | None = None) -> Any:
    if name not in query:
        raise BadParam(name, f"Missing required parameter '{name}'")
    if expected is not None and query[name] != expected:
        raise BadParam(name, f"Unsupported value for '{name}'")
    return query[name]


def with_broken(items: list[dict[str, Any]], listing: str) -> list[dict[str, Any] | None]:
    """The listing as LinkedIn pages it: broken records (None) take their place in it but are never returned."""
    broken = BROKEN.get(listing, {})
    out: list[dict[str, Any] | None] = []
    for position, item in enumerate(items):
        out += [None] * broken.get(position, 0)
        out.append(item)
    return out


def _present(window: list[dict[str, Any] | None]) -> list[dict[str, Any]]:
    return [item for item in window if item is not None]


def cursor_page(items: list[dict[str, Any] | None], query: Query, page_max: int = 500) -> dict[str, Any]:
    """One page of a cursor finder. A page whose records were all left out is empty yet still has a next token."""
    size = int_param(query, "pageSize", 100, page_max, minimum=1)
    start = 0
    if "pageToken" in query:
        try:
            start = int(base64.urlsafe_b64decode(str(query["pageToken"]).encode()).decode().removeprefix("offset="))
        except ValueError:
            raise BadParam("pageToken", "Invalid pageToken") from None
    body: dict[str, Any] = {"elements": _present(items[start : start + size]), "paging": {"start": start, "count": size, "links": []}}
    body["metadata"] = {}
    if start + size < len(items):
        body["metadata"]["nextPageToken"] = base64.urlsafe_b64encode(f"offset={start + size}".encode()).decode()
    return body


# How each offset finder reports paging.total: the whole listing (broken records included), -1 (what a
# conversions sample in LinkedIn's Postman collection shows), or not at all.
TOTAL_AS_IS, TOTAL_UNKNOWN, TOTAL_MISSING = "as_is", "unknown", "missing"


def offset_page(items: list[dict[str, Any] | None], query: Query, total: str = TOTAL_AS_IS) -> dict[str, Any]:
    """One page of an offset finder: the window [start, start+count) minus its broken records, so pages come
    back short in the middle of a result and the next page starts at start + count."""
    start = int_param(query, "start", 0, 10**9)
    count = int_param(query, "count", 10, 1000, minimum=1)
    paging: dict[str, Any] = {"start": start, "count": count, "links": []}
    if total == TOTAL_AS_IS:
        paging["total"] = len(items)
    elif total == TOTAL_UNKNOWN:
        paging["total"] = -1
    return {"elements": _present(items[start : start + count]), "paging": paging}


# Statuses the fake's search leaves out unless `status` names them: deleted objects. Whether LinkedIn's own
# default leaves anything out is not documented; the fake assumes it does, so a client that relies on the
# default (instead of naming every status) misses objects in a test, as it might against LinkedIn.
HIDDEN_UNLESS_ASKED = ("PENDING_DELETION", "REMOVED")


def _search(items: list[dict[str, Any]], query: Query, facets: dict[str, str]) -> list[dict[str, Any]]:
    """Apply `search=(facet:(values:List(...)),test:false)`; `facets` maps facet → URN kind of the id (or "")."""
    criteria = query.get("search") or {}
    if not isinstance(criteria, dict):
        raise BadParam("search", "search must be a Rest.li object")
    if "status" not in criteria:
        items = [i for i in items if i.get("status") not in HIDDEN_UNLESS_ASKED]
    for facet, spec in criteria.items():
        if facet not in facets:
            raise BadParam(f"search.{facet}", f"Unknown search facet '{facet}'")
        if facet == "test":
            items = [i for i in items if str(i.get("test")).lower() == str(spec).lower()]
            continue
        if not isinstance(spec, dict) or not isinstance(spec.get("values"), list):
            raise BadParam(f"search.{facet}", "Expected (values:List(...))")
        kind = facets[facet]
        items = [i for i in items if (urn(kind, i[facet]) if kind else i[facet]) in spec["values"]]
    return items


def _account(data: Data, request: Request) -> str:
    account_id = request.path_params["account_id"]
    if not any(str(a["id"]) == account_id for a in data.accounts):
        raise LookupError
    return urn("sponsoredAccount", account_id)


def _one(items: list[dict[str, Any]], key: str, value: Any) -> Any:
    found = [i for i in items if str(i[key]) == str(value)]
    return found[0] if found else error(404, "Not Found", service_code=0)


def ad_accounts(data: Data, query: Query, request: Request) -> Any:
    _require(query, "q", "search")
    return cursor_page(_search(data.accounts, query, ACCOUNT_FACETS), query)


def ad_account(data: Data, query: Query, request: Request) -> Any:
    return _one(data.accounts, "id", request.path_params["account_id"])


def ad_account_users(data: Data, query: Query, request: Request) -> Any:
    q = _require(query, "q")
    if q == "authenticatedUser":
        return offset_page([u for u in data.users if u["user"] == urn("person", "demoAlice")], query, TOTAL_MISSING)
    _require(query, "q", "accounts")
    account = _require(query, "accounts")
    return offset_page(with_broken([u for u in data.users if u["account"] == account], "users"), query, TOTAL_MISSING)


def _scoped(items: list[dict[str, Any]], data: Data, request: Request) -> list[dict[str, Any]] | None:
    try:
        account = _account(data, request)
    except LookupError:
        return None
    return [i for i in items if i["account"] == account]


def account_search(collection: str, facets: dict[str, str]):
    """`GET /adAccounts/{id}/<collection>?q=search[&search=...]` over one of Data's lists."""

    def finder(data: Data, query: Query, request: Request) -> Any:
        _require(query, "q", "search")
        items = _scoped(getattr(data, collection), data, request)
        if items is None:
            return error(404, "Not Found")
        return cursor_page(_search(items, query, facets), query)

    return finder


def account_get(collection: str):
    def get(data: Data, query: Query, request: Request) -> Any:
        return _one(_scoped(getattr(data, collection), data, request) or [], "id", request.path_params["id"])

    return get


def creatives(data: Data, query: Query, request: Request) -> Any:
    _require(query, "q", "criteria")
    items = _scoped(data.creatives, data, request)
    if items is None:
        return error(404, "Not Found")
    for name, key in (("campaigns", "campaign"), ("creatives", "id"), ("intendedStatuses", "intendedStatus")):
        if name in query:
            if not isinstance(query[name], list):
                raise BadParam(name, f"'{name}' must be List(...)")
            items = [i for i in items if i[key] in query[name]]
    if "isTestAccount" in query:
        items = [i for i in items if str(i["isTest"]).lower() == query["isTestAccount"]]
    if query.get("sortOrder") == "DESCENDING":
        items = list(reversed(items))
    return cursor_page(with_broken(items, "creatives"), query, page_max=100)


def creative(data: Data, query: Query, request: Request) -> Any:
    raw_path = request.scope.get("raw_path", b"").decode("latin-1")
    if "urn:" in raw_path:
        return error(400, "The creative URN in the path must be percent-encoded", code="PARAM_INVALID")
    return account_get("creatives")(data, query, request)


def conversions(data: Data, query: Query, request: Request) -> Any:
    _require(query, "q", "account")
    mine = [c for c in data.conversions if c["account"] == _require(query, "account")]
    return offset_page(with_broken(mine, "conversions"), query, TOTAL_UNKNOWN)


def conversion(data: Data, query: Query, request: Request) -> Any:
    # A conversion rule is read within its ad account: GET /conversions/{id}?account=<account URN>.
    account = _require(query, "account")
    return _one([c for c in data.conversions if c["account"] == account], "id", request.path_params["id"])


def _owner(query: Query) -> str:
    owner = _require(query, "owner")
    if not isinstance(owner, dict) or "sponsoredAccount" not in owner:
        raise BadParam("owner", "owner must be (sponsoredAccount:<urn>)")
    return owner["sponsoredAccount"]


def lead_forms(data: Data, query: Query, request: Request) -> Any:
    _require(query, "q", "owner")
    owner = _owner(query)
    return offset_page(with_broken([f for f in data.lead_forms if f["owner"]["sponsoredAccount"] == owner], "lead_forms"), query)


def lead_responses(data: Data, query: Query, request: Request) -> Any:
    _require(query, "q", "owner")
    owner = _owner(query)
    if _require(query, "leadType") != {"leadType": "SPONSORED"}:
        return offset_page([], query)
    mine = [r for r in data.lead_responses if r["owner"]["sponsoredAccount"] == owner]
    return offset_page(with_broken(mine, "lead_responses"), query)


def _scope(data: Data, query: Query) -> tuple[set[int], set[str] | None]:
    facets = {name: query[name] for name in ("campaigns", "creatives", "campaignGroups", "accounts") if name in query}
    if not facets:
        raise BadParam("campaigns", "At least one facet (accounts, campaignGroups, campaigns, creatives) is required")
    readable = readable_accounts(data)
    chosen = [c for c in data.campaigns if c["account"] in readable]  # no role: an empty report, not an error
    for name, values in facets.items():
        if not isinstance(values, list):
            raise BadParam(name, f"'{name}' must be List(...)")
    if "accounts" in facets:
        chosen = [c for c in chosen if c["account"] in facets["accounts"]]
    if "campaignGroups" in facets:
        chosen = [c for c in chosen if c["campaignGroup"] in facets["campaignGroups"]]
    if "campaigns" in facets:
        chosen = [c for c in chosen if urn("sponsoredCampaign", c["id"]) in facets["campaigns"]]
    only = set(facets["creatives"]) if "creatives" in facets else None
    if only is not None:
        owners = {c["campaign"] for c in data.creatives if c["id"] in only}
        chosen = [c for c in chosen if urn("sponsoredCampaign", c["id"]) in owners]
    return {c["id"] for c in chosen}, only


def analytics(data: Data, query: Query, request: Request) -> Any:
    _require(query, "q", "analytics")
    if "pivots" in query:
        raise BadParam("pivots", "q=analytics takes exactly one pivot (use q=statistics for several)")
    pivot = _require(query, "pivot")
    pivot = pivot.get("value") if isinstance(pivot, dict) else pivot
    if pivot not in PIVOT_VALUES and pivot not in ("CAMPAIGN", "CREATIVE"):
        raise BadParam("pivot", f"Unsupported pivot {pivot}")
    granularity = _require(query, "timeGranularity")
    granularity = granularity.get("value") if isinstance(granularity, dict) else granularity
    if granularity not in ("DAILY", "MONTHLY", "YEARLY", "ALL"):
        raise BadParam("timeGranularity", f"Invalid timeGranularity {granularity}")
    date_range = _require(query, "dateRange")
    try:
        start = dt.date(*(int(date_range["start"][k]) for k in ("year", "month", "day")))
        end = dt.date(*(int(date_range["end"][k]) for k in ("year", "month", "day"))) if "end" in date_range else today()
    except (KeyError, TypeError, ValueError):
        raise BadParam("dateRange", "dateRange must be (start:(year:Y,month:M,day:D),end:(...))") from None
    fields = query.get("fields") or ["dateRange", "pivotValues", "impressions", "clicks"]
    if len(fields) > 20:
        raise BadParam("fields", f"At most 20 fields may be requested, got {len(fields)}")
    for name in fields:
        problem = field_problem(name, pivot)
        if problem:
            raise BadParam("fields", problem)
    if {"approximateMemberReach", "audiencePenetration"} & set(fields) and (end - start).days >= 92:
        raise BadParam("dateRange", "Reach metrics are available only for date ranges of up to 92 days")
    campaign_ids, only = _scope(data, query)
    return {"elements": report(data, campaign_ids, only, pivot, granularity, start, end, fields), "paging": {"start": 0, "count": 10, "links": []}}


def _account_guard(handler):
    def guarded(data: Data, query: Query, request: Request) -> Any:
        return handler(data, query, request) if re.fullmatch(r"[0-9]{1,19}", request.path_params["account_id"]) else error(404, "Not Found")

    return guarded


ROUTES = [
    ("/adAccounts", ad_accounts),
    ("/adAccounts/{account_id}", _account_guard(ad_account)),
    ("/adAccountUsers", ad_account_users),
    ("/adAccounts/{account_id}/adCampaignGroups", account_search("groups", GROUP_FACETS)),
    ("/adAccounts/{account_id}/adCampaignGroups/{id}", account_get("groups")),
    ("/adAccounts/{account_id}/adCampaigns", account_search("campaigns", CAMPAIGN_FACETS)),
    ("/adAccounts/{account_id}/adCampaigns/{id}", account_get("campaigns")),
    ("/adAccounts/{account_id}/creatives", creatives),
    ("/adAccounts/{account_id}/creatives/{id}", creative),
    ("/conversions", conversions),
    ("/conversions/{id}", conversion),
    ("/leadForms", lead_forms),
    ("/leadFormResponses", lead_responses),
    ("/adAnalytics", analytics),
    ("/adTargetingEntities", ad_targeting_entities),
]
