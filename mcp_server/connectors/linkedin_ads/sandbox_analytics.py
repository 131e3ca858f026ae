"""Deterministic adAnalytics rows for the sandbox.

Every (campaign, day) gets impressions, clicks and cost from a fixed hash;
the pivot splits them (creatives 60/40, demographic values by fixed
weights). Rows are summed per (period, pivot value), so splitting a report by
fields or by facet batches yields the same numbers as one big request.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from .analytics_params import METRICS
from .sandbox_data import EMEA_ACCOUNT, Data, urn

ROW_CAP = 15_000
EUR_IN_USD = 1.08

_GEO = [urn("geo", g) for g in (103644278, 101165590, 101282230, 105015875, 101174742, 102890719, 106693272, 101452733)]
PIVOT_VALUES: dict[str, list[str]] = {
    "IMPRESSION_DEVICE_TYPE": ["DESKTOP_WEB", "MOBILE_APP", "MOBILE_WEB", "TABLET_APP"],
    "MEMBER_COMPANY": [urn("organization", 1000 + i) for i in range(10)],
    "MEMBER_COMPANY_SIZE": ["SIZE_1", "SIZE_2_TO_10", "SIZE_11_TO_50", "SIZE_51_TO_200", "SIZE_201_TO_500",
                            "SIZE_501_TO_1000", "SIZE_1001_TO_5000", "SIZE_5001_TO_10000", "SIZE_10001_OR_MORE"],
    "MEMBER_COUNTRY_V2": _GEO,
    "MEMBER_INDUSTRY": [urn("industry", i) for i in (4, 6, 43, 96, 80, 41, 27, 14)],
    "MEMBER_JOB_FUNCTION": [urn("function", i) for i in range(1, 11)],
    "MEMBER_JOB_TITLE": [urn("title", i) for i in (1, 9, 25, 39, 104, 153, 352, 1586)],
    "MEMBER_REGION_V2": [urn("geo", 90000000 + i) for i in range(12)],
    "MEMBER_SENIORITY": [urn("seniority", i) for i in range(1, 11)],
}  # fmt: skip


def _noise(*keys: int) -> float:
    """A fixed pseudo-random number in [0, 1) (hashes of int tuples are stable across runs)."""
    value = hash(keys) & 0xFFFFFFFF
    value = (value * 2654435761) & 0xFFFFFFFF
    return value / 2**32


def _period(day: dt.date, granularity: str, start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    if granularity == "DAILY":
        return day, day
    if granularity == "MONTHLY":
        first = day.replace(day=1)
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        return max(first, start), min(last, end)
    if granularity == "YEARLY":
        return max(day.replace(month=1, day=1), start), min(day.replace(month=12, day=31), end)
    return start, end


def _shares(pivot: str, campaign: dict[str, Any], creatives: set[str] | None, data: Data) -> list[tuple[str, float]]:
    if pivot == "CAMPAIGN":
        return [(urn("sponsoredCampaign", campaign["id"]), 1.0)]
    if pivot == "CREATIVE":
        own = [c["id"] for c in data.creatives if c["campaign"] == urn("sponsoredCampaign", campaign["id"])]
        return [(cid, 0.6 if k == 0 else 0.4) for k, cid in enumerate(own) if creatives is None or cid in creatives]
    values = PIVOT_VALUES[pivot]
    weights = [1 / (j + 1) for j in range(len(values))]
    total = sum(weights)
    return [(v, w / total) for v, w in zip(values, weights)]


def _metric(name: str, impressions: int, clicks: int, cost: float, cost_usd: float) -> Any:
    if name == "impressions":
        return impressions
    if name == "clicks":
        return clicks
    if name == "costInLocalCurrency":
        return str(round(cost, 4))
    if name == "costInUsd":
        return str(round(cost_usd, 4))
    if name == "conversionValueInLocalCurrency":
        return str(round(clicks * 0.05 * 25, 2))
    if name in ("averageDwellTime", "audiencePenetration"):
        return round(2.5 + (impressions % 100) / 40, 2) if name == "averageDwellTime" else round(min(1, impressions / 1e6), 4)
    if name == "approximateMemberReach":
        return int(impressions * 0.6)
    factor = 0.002 + (METRICS.index(name) * 37 % 100) / 5000
    base = clicks if "Click" in name or "Conversion" in name or "Lead" in name else impressions
    return int(base * factor)


def report(
    data: Data,
    campaign_ids: set[int],
    creatives: set[str] | None,
    pivot: str,
    granularity: str,
    start: dt.date,
    end: dt.date,
    fields: list[str],
) -> list[dict[str, Any]]:
    """Rows for the campaigns (and creatives) in scope; LinkedIn's shape, truncated at 15,000 rows."""
    buckets: dict[tuple, list[float]] = defaultdict(lambda: [0, 0, 0.0, 0.0])
    for campaign in data.campaigns:
        cid = campaign["id"]
        if cid not in campaign_ids or cid not in data.starts:
            continue
        rate = EUR_IN_USD if campaign["account"].endswith(str(EMEA_ACCOUNT)) else 1.0
        shares = _shares(pivot, campaign, creatives, data)
        day = max(start, data.starts[cid])
        while day <= end:
            ordinal = day.toordinal()
            if _noise(cid, ordinal, 1) >= 0.15:  # some days without delivery
                impressions = 300 + int(2700 * _noise(cid, ordinal, 2))
                clicks = int(impressions * (0.004 + 0.02 * _noise(cid, ordinal, 3)))
                cost = clicks * (2 + 6 * _noise(cid, ordinal, 4))
                period = _period(day, granularity, start, end)
                for value, share in shares:
                    bucket = buckets[(period, value)]
                    bucket[0] += int(impressions * share)
                    bucket[1] += int(clicks * share)
                    bucket[2] += cost * share
                    bucket[3] += cost * share * rate
            day += dt.timedelta(days=1)
    rows = []
    for ((first, last), value), (impressions, clicks, cost, cost_usd) in sorted(buckets.items()):
        if not impressions:
            continue
        row: dict[str, Any] = {}
        for name in fields:
            if name == "dateRange":
                row[name] = {"start": _date(first), "end": _date(last)}
            elif name == "pivotValues":
                row[name] = [value]
            else:
                row[name] = _metric(name, int(impressions), int(clicks), cost, cost_usd)
        rows.append(row)
    return rows[:ROW_CAP]  # LinkedIn truncates silently


def _date(day: dt.date) -> dict[str, int]:
    return {"year": day.year, "month": day.month, "day": day.day}


def known_field(name: str) -> bool:
    return name in METRICS or name in ("dateRange", "pivotValues")

