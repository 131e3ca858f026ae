"""adAnalytics reports: metric chunks, facet batches, merged agent-friendly rows.

LinkedIn takes at most 20 fields per call (dateRange + pivotValues + 18
metrics), so more metrics mean several calls merged on (dateRange,
pivotValues). When the facet partitions the pivot's rows (campaigns or
groups for CAMPAIGN; creatives, campaigns or groups for CREATIVE) long facet
lists are sent 50 URNs at a time: the batches cover disjoint rows and each
stays far from the 15,000-row cap. Other pivots send the whole list once
(tunnelled when long), because their rows would need summing across batches.

LinkedIn answers at most 15,000 elements per request and has no paging (Microsoft Learn, "Ads Reporting":
"The adAnalytics endpoint currently does not support pagination"; the 15,000-element cap, silently truncated, is
also what OWOX's LinkedIn Ads connector fixed by splitting dates, per its changelog).
An answer that comes back at the cap is incomplete, so its date range is split into up to SPLIT_PARTS
ranges asked again at once (DAILY at day, MONTHLY at month and YEARLY at year boundaries, so the rows
are the same rows), adaptively until no answer is at the cap; ALL cannot be split by date and still warns.
The metric chunks and facet batches of one range go out together (asyncio.gather), within the rate limiter.

A report is one answer (no vendor paging), so it is never returned in part: when its
batches × metric chunks exceed what is left of the tool call's request budget, it is
refused before its first request. Rows then get readable names (names.py); those lookups
come after the report and use what the budget has left, falling back to URNs with a warning.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any

from ...answers import Reader
from ...backends.base import Page, PageRequest
from ...budget import DEFAULT_MAX_REQUESTS, affords, remaining
from ...budget import SETTING as BUDGET_SETTING
from ...errors import InvalidParams
from . import restli
from .analytics_params import (
    ALWAYS_FIELDS,
    DECIMAL_METRICS,
    METRICS,
    PIVOTS,
    AnalyticsParams,
    default_metrics,
    refuse_unreported,
)
from .api import LinkedinApi
from .names import name_records, some
from .names_lookup import cache_for, direct_lookup

METRICS_PER_CALL = 18
URNS_PER_BATCH = 50
ROW_CAP = 15_000
SPLIT_PARTS = 4  # ranges an answer at the cap is split into (each asked again, all at once)
FACETS = ("campaigns", "creatives", "campaignGroups", "accounts")
OWN_FACET = {"CAMPAIGN": "campaigns", "CREATIVE": "creatives"}
# Facets that partition a pivot's rows: each creative has one campaign, each campaign one group.
DISJOINT_FACETS = {"CAMPAIGN": ("campaigns", "campaignGroups"), "CREATIVE": ("creatives", "campaigns", "campaignGroups")}
# Reach-based metrics LinkedIn computes only for ranges of at most 92 days.
REACH_METRICS = ("approximateMemberReach", "audiencePenetration")
REACH_MAX_DAYS = 92
EMPTY_REPORT = "LinkedIn returned no rows for "


def requested_metrics(params: AnalyticsParams, pivot: str, wanted_fields: list[str] | None) -> list[str]:
    """Metrics from params.fields; else the known metrics among the tool's `fields`; else the defaults.

    Refuses, before any request, a metric the pivot does not report or a reach metric over 92 days."""
    pushed = [f for f in wanted_fields or [] if f in METRICS]
    metrics = params.fields or pushed or default_metrics(pivot)
    refuse_unreported(metrics, pivot)
    reach = [m for m in metrics if m in REACH_METRICS]
    days = (params.dateRange.end - params.dateRange.start).days + 1  # type: ignore[union-attr, operator]
    if reach and days > REACH_MAX_DAYS:
        raise InvalidParams(
            f"LinkedIn reports {', '.join(reach)} only for dateRange up to {REACH_MAX_DAYS} days (this one has {days}).",
            fix=f"Shorten dateRange, or request {', '.join(reach)} separately for a shorter range.",
        )
    return metrics


def _facet_batches(pivot: str, facets: dict[str, list[str]]) -> tuple[str | None, list[dict[str, list[str]]]]:
    """Split the first long facet whose batches select disjoint rows of this pivot (and name it); else one request."""
    for name in DISJOINT_FACETS.get(pivot, ()):
        urns = facets.get(name) or []
        if len(urns) > URNS_PER_BATCH:
            return name, [{**facets, name: urns[i : i + URNS_PER_BATCH]} for i in range(0, len(urns), URNS_PER_BATCH)]
    return None, [facets]


def metric_chunks(metrics: list[str]) -> int:
    return -(-len(metrics) // METRICS_PER_CALL)


def refuse_over_budget(metrics: list[str], batches: int, batched: str | None, *, fix: str = "") -> None:
    """Before a report's first request: refuse it whole when it needs more requests than this tool call has left.

    A report cannot come back in part (a missing metric chunk or facet batch would be silently missing
    data), so it either fits the budget or is not started. batched: what each batch holds, when there are several."""
    chunks = metric_chunks(metrics)
    needed, left = batches * chunks, remaining()
    if affords(needed):
        return
    plan = f"{len(metrics)} metrics in {_count(chunks, 'request')} of up to {METRICS_PER_CALL}"
    if batched:
        plan += f", for each of {batches} batches of {batched}"
    raise InvalidParams(
        f"this report needs {needed} LinkedIn requests ({plan}), more than the {left} this tool call has left: "
        f"{BUDGET_SETTING} caps all vendor requests of one call (default {DEFAULT_MAX_REQUESTS}), token and listing "
        "requests included. A report comes back whole or not at all, so none of it was requested.",
        fix=f"Ask for fewer metrics (params.fields; {METRICS_PER_CALL} per request), report on fewer campaigns or a "
        f"narrower facet, or raise {BUDGET_SETTING}.{fix}",
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _key(row: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    return json.dumps(row.get("dateRange"), sort_keys=True), tuple(row.get("pivotValues") or ())


LINKEDIN = Reader("LinkedIn")


def checked_row(row: dict[str, Any], where: str, read: Reader = LINKEDIN) -> dict[str, Any]:
    """A report row's keys as the merge and shape_row read them: dateRange's start and end are dates
    {year, month, day}, pivotValues a list of URNs."""
    date_range = row.get("dateRange")
    if date_range is not None:
        for part, value in read.object(date_range, f"{where}.dateRange").items():
            if part in ("start", "end") and value is not None:
                try:
                    restli.parse_date(read.object(value, f"{where}.dateRange.{part}"))
                except (KeyError, TypeError, ValueError, OverflowError):
                    raise read.fail(f"{where}.dateRange.{part}", value, "a date {year, month, day}") from None
    pivots = row.get("pivotValues")
    if pivots is not None and not (isinstance(pivots, list) and all(isinstance(p, str) for p in pivots)):
        raise read.fail(f"{where}.pivotValues", pivots, "a list of URNs")
    return row


def _iso(part: dict[str, Any] | None) -> str | None:
    return restli.parse_date(part).isoformat() if part else None


def shape_row(row: dict[str, Any]) -> dict[str, Any]:
    """LinkedIn's row with dateRange as ISO start_date/end_date (a third of the size), decimal metrics as numbers."""
    date_range = row.get("dateRange") or {}
    out: dict[str, Any] = {
        "start_date": _iso(date_range.get("start")),
        "end_date": _iso(date_range.get("end")),
        "pivotValues": row.get("pivotValues") or [],
    }
    for name, value in row.items():
        if name == "dateRange":
            continue
        if name in DECIMAL_METRICS and isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                pass
        out.setdefault(name, value)
    return out


async def fetch_analytics(api: LinkedinApi, request: PageRequest, account_id: str | None) -> Page:
    params: AnalyticsParams = request.params  # type: ignore[assignment]
    pivot = PIVOTS[request.entity]
    metrics = requested_metrics(params, pivot, request.fields)
    facets = {name: getattr(params, name) for name in FACETS if getattr(params, name)}
    if not facets:
        if not account_id:
            raise InvalidParams(
                f"{request.entity} needs a facet: campaigns, creatives, campaignGroups or accounts, or account_id.",
                fix="Pass params.account_id (or set LINKEDIN_ADS_ACCOUNT_ID) to report on a whole account; "
                "`accounts list` shows the ids.",
            )
        facets = {"accounts": [restli.to_urn("account", account_id)]}
    assert params.dateRange is not None  # resolved by the params model
    split, batches = _facet_batches(pivot, facets)
    refuse_over_budget(metrics, len(batches), split and f"up to {URNS_PER_BATCH} {split}")
    chunks = [restli.Raw(",".join((*ALWAYS_FIELDS, *metrics[i : i + METRICS_PER_CALL])))
              for i in range(0, len(metrics), METRICS_PER_CALL)]  # fmt: skip

    async def window(batch: dict[str, list[str]], start: dt.date, end: dt.date | None) -> tuple[list[dict[str, Any]], bool]:
        """Every element of one facet batch from start to end: its metric chunks at once, split again at the cap."""
        head = [("q", "analytics"), ("pivot", pivot), ("timeGranularity", params.timeGranularity),
                ("dateRange", restli.date_range(start, end))]  # fmt: skip
        bodies = await asyncio.gather(*(api.get("adAnalytics", [*head, *batch.items(), ("fields", f)]) for f in chunks))
        answers = [[checked_row(e, f"elements[{n}]") for n, e in enumerate(body.get("elements") or [])] for body in bodies]
        capped = any(len(elements) >= ROW_CAP for elements in answers)
        parts = split_range(start, end, params.timeGranularity) if capped and end is not None else []
        if parts and affords(len(parts) * len(chunks)):
            found = await asyncio.gather(*(window(batch, a, b) for a, b in parts))
            return [e for elements, _ in found for e in elements], any(c for _, c in found)
        return [e for elements in answers for e in elements], capped

    start, end = params.dateRange.start, params.dateRange.end
    answers = await asyncio.gather(*(window(batch, start, end) for batch in batches))
    rows: dict[tuple, dict[str, Any]] = {}
    for elements, _ in answers:
        for element in elements:
            rows.setdefault(_key(element), {}).update(element)
    capped = any(c for _, c in answers)
    # (start_date, pivotValues) is unique: rows are merged on it across metric chunks, and facet
    # batches and split ranges select disjoint rows. The executor resumes a cursor after the last key returned.
    records = sorted((shape_row(r) for r in rows.values()), key=lambda r: (r["start_date"] or "", r["pivotValues"]))
    warnings = []
    if capped:
        warnings.append(
            f"LinkedIn returned its maximum of {ROW_CAP:,} rows for one request, so some rows are missing (the range "
            f"is split and asked again at the cap, but not with timeGranularity ALL, not below one day or one period, "
            f"and not past this call's request budget, {BUDGET_SETTING}); narrow dateRange, use a coarser "
            "timeGranularity, or pass fewer campaigns."
        )
    if not records:
        warnings.append(empty_warning(facets, params.dateRange.start, params.dateRange.end, account_id))  # type: ignore[arg-type]
    if getattr(api, "names_rows", True):  # hosted mode names rows itself, once, after any sums
        accounts = facets.get("accounts") or ([account_id] if account_id else [])
        # Fields named without a *_name (ads_report's grouped levels): ids only, no lookup wave.
        wants_names = request.fields is None or any(f.endswith("_name") for f in request.fields)
        lookup = direct_lookup(api, pivot, accounts) if wants_names else None
        named = await name_records(records, pivot, cache_for(api), lookup)
        warnings += named if wants_names else []
    return Page(records=records, meta={"warnings": warnings} if warnings else {})


def split_range(start: dt.date, end: dt.date, granularity: str) -> list[tuple[dt.date, dt.date]]:
    """Up to SPLIT_PARTS consecutive ranges covering start..end whose rows are exactly the rows of the whole
    range: cut at day (DAILY), month (MONTHLY) or year (YEARLY) boundaries; [] when it cannot be cut."""
    if granularity == "DAILY":
        cuts = [start + dt.timedelta(days=d) for d in range(1, (end - start).days + 1)]
    elif granularity == "MONTHLY":
        cuts, day = [], (start.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        while day <= end:
            cuts.append(day)
            day = (day + dt.timedelta(days=32)).replace(day=1)
    elif granularity == "YEARLY":
        cuts = [dt.date(y, 1, 1) for y in range(start.year + 1, end.year + 1)]
    else:
        return []
    if not cuts:
        return []
    parts = min(SPLIT_PARTS, len(cuts) + 1)
    chosen = [cuts[k * (len(cuts) + 1) // parts - 1] for k in range(1, parts)]  # distinct, spread evenly
    starts = [start, *chosen]
    return [(a, b - dt.timedelta(days=1)) for a, b in zip(starts, chosen)] + [(starts[-1], end)]


def empty_warning(facets: dict[str, list[str]], start: dt.date, end: dt.date, account_id: str | None = None) -> str:
    """LinkedIn answers an empty report both for no delivery and for no access: say both, and for what,
    the account included whenever it is known (params.account_id or LINKEDIN_ADS_ACCOUNT_ID)."""
    scope = "; ".join(f"{name} {some(urns)}" for name, urns in facets.items())
    account = restli.to_urn("account", account_id) if account_id else None
    if account and account not in facets.get("accounts", []):
        scope += f" (account {account})"
    return (
        f"{EMPTY_REPORT}{scope} from {start} to {end}. It answers the same way when nothing "
        "was delivered then and when the authorizing member has no role on the ad account, so this is not "
        "proof of zero delivery: `accounts list` shows the accounts this token can read."
    )
