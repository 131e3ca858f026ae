"""Hosted analytics over more campaigns than one hosted request can carry: several requests, rows summed.

Airbyte's hosted connector takes the campaigns facet only, in the URL, and cannot tunnel a long
query; LinkedIn refuses queries over 4 KB (HTTP 414). For pivots whose rows the campaigns do not
partition (demographics, device), the rows of two campaign batches overlap (the same company saw
ads of both), so they are added up per (date range, pivot value). Only metrics that are sums can
be added; reach, ratios and averages cannot, and are left out with a warning. A partial sum would be an
under-count, so the whole report (batches × metric chunks) is checked against the request budget before
its first batch.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ...backends.base import Page, PageRequest
from ...errors import InvalidParams
from . import restli
from .analytics import EMPTY_REPORT, OWN_FACET, empty_warning, refuse_over_budget, requested_metrics
from .analytics_params import METRICS, PIVOTS
from .params import default_account

# LinkedIn refuses query strings over 4 KB; leave room for the other params.
MAX_FACET_CHARS = 3000
# Metrics that are not sums over campaigns: unique-member reach, penetration, averages and cost ratios.
NON_ADDITIVE_METRICS = frozenset({
    "approximateMemberReach", "audiencePenetration", "averageDwellTime", "averageEventWatchTime",
    "averageVideoWatchTime", "costPerQualifiedLead", "costPerEventView",
})  # fmt: skip
ADDITIVE_METRICS = frozenset(METRICS) - NON_ADDITIVE_METRICS


def hosted_facet(entity: str) -> str:
    """The one analytics facet Airbyte declares: creatives for the CREATIVE pivot, else campaigns."""
    return "creatives" if PIVOTS[entity] == "CREATIVE" else "campaigns"


def facet_batches(request: PageRequest) -> list[list[str]] | None:
    """Campaign batches that each fit one hosted URL, when the list is too long and rows must be summed.

    None when one request will do, or when the facet partitions the pivot's rows (campaigns for CAMPAIGN,
    creatives for CREATIVE): the shared analytics code already sends those in disjoint batches."""
    facet = hosted_facet(request.entity)
    urns = getattr(request.params, facet) or []
    if facet == OWN_FACET.get(PIVOTS[request.entity]) or len(restli.encode(urns)) <= MAX_FACET_CHARS:
        return None
    overhead = len(restli.encode([]))
    batches: list[list[str]] = [[]]
    size = overhead
    for urn in urns:
        cost = len(restli.encode([urn])) - overhead + 1  # the URN and its comma
        if batches[-1] and size + cost > MAX_FACET_CHARS:
            batches.append([])
            size = overhead
        batches[-1].append(urn)
        size += cost
    return batches


async def summed_report(request: PageRequest, batches: list[list[str]], routes: Any, account_id: str | None) -> Page:
    """One report per batch through the shared analytics code; rows added up per (dates, pivot value).

    account_id: the account a whole-account report covers (None for an explicit facet)."""
    params = request.params
    facet = hosted_facet(request.entity)
    asked = params.fields or [f for f in request.fields or [] if f in METRICS]
    left_out = [m for m in asked if m not in ADDITIVE_METRICS]
    kept = [m for m in asked if m in ADDITIVE_METRICS]
    where = f"account {account_id}" if account_id else f"these {sum(map(len, batches))} {facet}"
    if asked and not kept:
        raise InvalidParams(
            f"{', '.join(left_out)} cannot be reported for {where} in hosted mode: Airbyte's hosted API needs "
            f"{len(batches)} requests for its {facet}, and these metrics cannot be added up across requests.",
            fix=f"Pass params.{facet} with fewer {facet} (each request holds about {len(batches[0])}), or use direct "
            "mode (LINKEDIN_ADS_MODE=direct), which reports on them in one request.",
        )
    if left_out:
        params = params.model_copy(update={"fields": kept})
    refuse_over_budget(
        requested_metrics(params, PIVOTS[request.entity], request.fields),
        len(batches),
        f"the {facet} of {where} that fit one hosted URL",
        fix=" Direct mode (LINKEDIN_ADS_MODE=direct) needs no batches here.",
    )
    rows: dict[tuple, dict[str, Any]] = {}
    warnings: list[str] = []
    for batch in batches:
        part = PageRequest(request.entity, request.action, params.model_copy(update={facet: batch}), None,
                           request.page_size, request.fields)  # fmt: skip
        page = await routes.fetch(part)
        # An empty batch is no news; whether the whole report is empty is said below.
        warnings += [w for w in page.meta.get("warnings", []) if not w.startswith(EMPTY_REPORT)]
        for record in page.records:
            _add(rows, record)
    records = sorted(rows.values(), key=lambda r: (r.get("start_date") or "", r.get("pivotValues") or []))
    warnings.append(
        f"Airbyte's hosted API cannot carry all {sum(map(len, batches))} {facet} of {where} in one request, so "
        f"this report adds up {len(batches)} requests per date range and {PIVOTS[request.entity]} value"
        + (" (LinkedIn's demographic values are approximate per request, so small values can differ slightly "
           "from one account-wide report)." if PIVOTS[request.entity].startswith("MEMBER_") else ".")
    )  # fmt: skip
    if left_out:
        warnings.append(
            f"{', '.join(left_out)} left out: reach, ratios and averages cannot be added up across the "
            f"{len(batches)} hosted requests. Pass params.{facet} with at most about {len(batches[0])} {facet}, "
            "or use direct mode (LINKEDIN_ADS_MODE=direct), to get them."
        )
    if not records:
        if account_id:
            scope = {"accounts": [restli.to_urn("account", account_id)]}
        else:
            scope = {facet: [u for b in batches for u in b]}
        known = account_id or default_account(params, "account_id") or routes.settings.account_id
        warnings.append(empty_warning(scope, params.dateRange.start, params.dateRange.end, known))
    return Page(records, meta={"warnings": list(dict.fromkeys(warnings))})


def _add(rows: dict[tuple, dict[str, Any]], record: dict[str, Any]) -> None:
    key = (record.get("start_date"), record.get("end_date"), tuple(record.get("pivotValues") or ()))
    total = rows.get(key)
    if total is None:
        rows[key] = dict(record)
        return
    for name, value in record.items():
        if name in ADDITIVE_METRICS and _number(value) and _number(total.get(name)):
            total[name] = _sum(total[name], value)
        else:
            total.setdefault(name, value)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _sum(a: int | float, b: int | float) -> int | float:
    """Exact decimal addition, so 0.1 + 0.2 stays 0.3 (LinkedIn's costs arrive as decimal strings)."""
    if isinstance(a, int) and isinstance(b, int):
        return a + b
    return float(Decimal(str(a)) + Decimal(str(b)))
