"""Deterministic adAnalytics rows for the sandbox.

Every (campaign, delivery day) gets a coherent set of metrics (metrics.py);
the pivot splits them (creatives 60/40, demographics by plausible B2B weights)
and rows are summed per (period, pivot value), so splitting a report by fields
or by facet batches yields the same numbers as one big request. Like LinkedIn,
member-demographic rows cover only part of the delivery (unknown or
below-threshold members are left out) and rows under 3 impressions are dropped.

The fake keeps its own copy of LinkedIn's metric rules (not the client's), so a
client that sends a metric a pivot does not report fails a test instead of passing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from .data import Data, urn
from .metrics import day_metrics
from .templates import EMEA_ACCOUNT, GEO, markets

ROW_CAP = 15_000
EUR_IN_USD = 1.08
PRIVACY_FLOOR = 3  # LinkedIn leaves out demographic values with fewer events
MEMBER = urn("person", "demoAlice")  # whom the demo token speaks for

# Microsoft Learn, "Ads reporting schema" → Metrics Available (and the 202601 event/video watch-time metrics).
SCHEMA_METRICS = frozenset("""
    actionClicks adUnitClicks approximateMemberReach averageDwellTime audiencePenetration cardClicks
    cardImpressions clicks commentLikes comments companyPageClicks conversionValueInLocalCurrency
    costInLocalCurrency costInUsd costPerQualifiedLead documentCompletions documentFirstQuartileCompletions
    documentMidpointCompletions documentThirdQuartileCompletions downloadClicks externalWebsiteConversions
    externalWebsitePostClickConversions externalWebsitePostViewConversions follows fullScreenPlays headlineClicks
    headlineImpressions impressions jobApplications jobApplyClicks landingPageClicks
    leadGenerationMailContactInfoShares leadGenerationMailInterestedClicks likes oneClickLeadFormOpens oneClickLeads
    opens otherEngagements postClickJobApplications postClickJobApplyClicks postClickRegistrations
    postViewJobApplications postViewJobApplyClicks postViewRegistrations qualifiedLeads reactions registrations
    sends shares subscriptionClicks talentLeads textUrlClicks totalEngagements validWorkEmailLeads videoCompletions
    videoFirstQuartileCompletions videoMidpointCompletions videoStarts videoThirdQuartileCompletions videoViews
    viralCardClicks viralCardImpressions viralClicks viralCommentLikes viralComments viralCompanyPageClicks
    viralDocumentCompletions viralDocumentFirstQuartileCompletions viralDocumentMidpointCompletions
    viralDocumentThirdQuartileCompletions viralDownloadClicks viralExternalWebsiteConversions
    viralExternalWebsitePostClickConversions viralExternalWebsitePostViewConversions viralFollows
    viralFullScreenPlays viralImpressions viralJobApplications viralJobApplyClicks viralLandingPageClicks viralLikes
    viralOneClickLeadFormOpens viralOneClickLeads viralOtherEngagements viralPostClickJobApplications
    viralPostClickJobApplyClicks viralPostClickRegistrations viralPostViewJobApplications
    viralPostViewJobApplyClicks viralPostViewRegistrations viralReactions viralRegistrations viralShares
    viralSubscriptionClicks viralTotalEngagements viralVideoCompletions viralVideoFirstQuartileCompletions
    viralVideoMidpointCompletions viralVideoStarts viralVideoThirdQuartileCompletions viralVideoViews
    eventViews eventWatchTime averageEventWatchTime costPerEventView videoWatchTime averageVideoWatchTime
""".split())
# BigDecimal in the schema: sent as decimal strings.
DECIMALS = frozenset("""
    costInUsd costInLocalCurrency conversionValueInLocalCurrency costPerQualifiedLead costPerEventView
    jobApplications jobApplyClicks registrations postClickJobApplications postClickJobApplyClicks
    postClickRegistrations postViewJobApplications postViewJobApplyClicks postViewRegistrations viralJobApplications
    viralJobApplyClicks viralRegistrations viralPostClickJobApplications viralPostClickJobApplyClicks
    viralPostClickRegistrations viralPostViewJobApplications viralPostViewJobApplyClicks viralPostViewRegistrations
""".split())
# "Non-demographic pivots only (i.e. not MEMBER_)".
NON_DEMOGRAPHIC = frozenset({"approximateMemberReach", "cardClicks", "cardImpressions", "viralCardClicks",
                             "viralCardImpressions", "conversionValueInLocalCurrency"})  # fmt: skip
# IMPRESSION_DEVICE_TYPE: "Reach metrics and conversion metrics will not be available".
NOT_BY_DEVICE = frozenset({"approximateMemberReach", "audiencePenetration", "conversionValueInLocalCurrency",
                           "externalWebsiteConversions", "externalWebsitePostClickConversions",
                           "externalWebsitePostViewConversions", "viralExternalWebsiteConversions",
                           "viralExternalWebsitePostClickConversions", "viralExternalWebsitePostViewConversions"})  # fmt: skip
PENETRATION_PIVOTS = frozenset({"ACCOUNT", "CAMPAIGN_GROUP", "CAMPAIGN"})


def field_problem(name: str, pivot: str) -> str | None:
    """Why LinkedIn would refuse this projected field with this pivot, or None."""
    if name in ("dateRange", "pivotValues"):
        return None
    if name not in SCHEMA_METRICS:
        return f"Invalid field '{name}' for pivot {pivot}"
    if (pivot.startswith("MEMBER_") and name in NON_DEMOGRAPHIC) or (
        pivot == "IMPRESSION_DEVICE_TYPE" and name in NOT_BY_DEVICE
    ):
        return f"Invalid field '{name}' for pivot {pivot}: the metric is not available with this pivot"
    if name == "audiencePenetration" and pivot not in PENETRATION_PIVOTS:
        return f"Invalid field '{name}' for pivot {pivot}: supported only with ACCOUNT, CAMPAIGN_GROUP or CAMPAIGN"
    return None


def readable_accounts(data: Data) -> set[str]:
    """Accounts the demo member has a role on; LinkedIn reports nothing (an empty 200) for the others."""
    return {u["account"] for u in data.users if u["user"] == MEMBER}


def _weighted(values: list[Any], weights: list[float], coverage: float = 1.0) -> list[tuple[Any, float]]:
    total = sum(weights)
    return [(v, coverage * w / total) for v, w in zip(values, weights)]


# pivot → (value, share of the campaign's delivery); MEMBER_COUNTRY_V2 follows each campaign's markets.
SPLITS: dict[str, list[tuple[str, float]]] = {
    "IMPRESSION_DEVICE_TYPE": _weighted(["MOBILE_APP", "DESKTOP_WEB", "MOBILE_WEB", "TABLET_APP"], [57, 37, 4, 2]),
    "MEMBER_COMPANY": _weighted([urn("organization", 1000 + i) for i in range(10)],
                                [25, 18, 14, 11, 9, 7, 6, 4, 3, 3], 0.12),
    "MEMBER_COMPANY_SIZE": _weighted(["SIZE_1", "SIZE_2_TO_10", "SIZE_11_TO_50", "SIZE_51_TO_200", "SIZE_201_TO_500",
                                      "SIZE_501_TO_1000", "SIZE_1001_TO_5000", "SIZE_5001_TO_10000",
                                      "SIZE_10001_OR_MORE"], [1, 4, 8, 13, 12, 10, 18, 10, 20], 0.96),
    # Software Development, IT Services, Technology/Internet, Financial Services, Advertising, Banking, Retail, Hospitals
    "MEMBER_INDUSTRY": _weighted([urn("industry", i) for i in (4, 96, 6, 43, 80, 41, 27, 14)],
                                 [28, 20, 15, 10, 7, 6, 5, 4], 0.8),
    # Engineering, IT, Sales, Marketing, Operations, Business Development, Product, Finance, HR, Consulting
    "MEMBER_JOB_FUNCTION": _weighted([urn("function", i) for i in (8, 13, 25, 15, 18, 4, 19, 10, 12, 6)],
                                     [22, 18, 12, 11, 9, 8, 7, 5, 4, 4], 0.95),
    "MEMBER_JOB_TITLE": _weighted([urn("title", i) for i in (1, 9, 25, 39, 104, 153, 352, 1586)],
                                  [6, 5, 4, 3, 3, 2, 2, 1], 0.25),
    "MEMBER_REGION_V2": _weighted([urn("geo", 90000000 + i) for i in range(12)],
                                  [20, 15, 11, 9, 8, 7, 6, 5, 4, 3, 3, 2], 0.85),
    # Senior, Manager, Director, VP, CXO (the campaigns' targeting), some Entry and Owner via audience expansion
    "MEMBER_SENIORITY": _weighted([urn("seniority", i) for i in (4, 5, 6, 7, 8, 3, 10)], [34, 26, 18, 8, 6, 3, 2], 0.97),
}  # fmt: skip
PIVOT_VALUES = {pivot: [value for value, _ in split] for pivot, split in SPLITS.items()}
PIVOT_VALUES["MEMBER_COUNTRY_V2"] = [urn("geo", g) for g in GEO.values()]
COUNTRY_WEIGHTS = [74, 12, 8, 4, 2]


def _shares(pivot: str, campaign: dict[str, Any], creatives: set[str] | None, data: Data) -> list[tuple[str, float]]:
    """How one campaign's delivery splits over the pivot's values (only the facet's creatives, if given)."""
    own = [c["id"] for c in data.creatives if c["campaign"] == urn("sponsoredCampaign", campaign["id"])]
    by_creative = [(cid, 0.6 if k == 0 else 0.4) for k, cid in enumerate(own) if creatives is None or cid in creatives]
    if pivot == "CREATIVE":
        return by_creative
    scale = sum(share for _, share in by_creative)
    if pivot == "CAMPAIGN":
        return [(urn("sponsoredCampaign", campaign["id"]), scale)]
    if pivot == "MEMBER_COUNTRY_V2":
        countries = markets(int(campaign["account"].rsplit(":", 1)[1]))
        split = _weighted([urn("geo", GEO[c]) for c in countries], COUNTRY_WEIGHTS[: len(countries)], 0.98)
    elif pivot == "IMPRESSION_DEVICE_TYPE" and campaign["type"] == "TEXT_AD":
        split = [("DESKTOP_WEB", 1.0)]  # text ads show on desktop only
    else:
        split = SPLITS[pivot]
    return [(value, share * scale) for value, share in split]


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


def _derived(name: str, sums: dict[str, float], first: dt.date, last: dt.date) -> Any:
    """Metrics that are not sums of daily values."""
    impressions = sums["impressions"]
    frequency = min(1.1 + 0.05 * ((last - first).days + 1), 4.0)  # people see an ad more often over longer ranges
    reach = int(impressions / frequency)
    if name == "approximateMemberReach":
        return reach
    if name == "audiencePenetration":
        return round(min(reach / 400_000, 1.0), 4)
    return round(3.0 + (int(impressions) % 500) / 100, 2)  # averageDwellTime, seconds


def _value(name: str, sums: dict[str, float], first: dt.date, last: dt.date) -> Any:
    if name in ("approximateMemberReach", "audiencePenetration", "averageDwellTime"):
        return _derived(name, sums, first, last)
    if name in DECIMALS:
        return str(round(sums.get(name, 0.0), 4))  # LinkedIn sends BigDecimal metrics as decimal strings
    return int(round(sums.get(name, 0.0)))  # metrics a campaign does not produce are 0


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
    wanted = {f for f in fields if f in SCHEMA_METRICS} | {"impressions"}
    if "costInUsd" in wanted:
        wanted.add("costInLocalCurrency")
    buckets: dict[tuple, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for campaign in data.campaigns:
        cid = campaign["id"]
        if cid not in campaign_ids or cid not in data.runs:
            continue
        rate = EUR_IN_USD if campaign["account"].endswith(str(EMEA_ACCOUNT)) else 1.0
        shares = _shares(pivot, campaign, creatives, data)
        first_day, last_day = data.runs[cid]
        day = max(start, first_day)
        while day <= min(end, last_day):
            metrics = day_metrics(campaign, day.toordinal())
            if metrics:
                metrics["costInUsd"] = metrics["costInLocalCurrency"] * rate
                period = _period(day, granularity, start, end)
                for value, share in shares:
                    bucket = buckets[(period, value)]
                    for name in wanted:
                        bucket[name] += metrics.get(name, 0.0) * share
            day += dt.timedelta(days=1)
    floor = PRIVACY_FLOOR if pivot.startswith("MEMBER_") else 1
    rows = []
    for ((first, last), value), sums in sorted(buckets.items()):
        if round(sums["impressions"]) < floor:
            continue
        row: dict[str, Any] = {}
        for name in fields:
            if name == "dateRange":
                row[name] = {"start": _date(first), "end": _date(last)}
            elif name == "pivotValues":
                row[name] = [value]
            else:
                row[name] = _value(name, sums, first, last)
        rows.append(row)
    return rows[:ROW_CAP]  # LinkedIn truncates silently


def _date(day: dt.date) -> dict[str, int]:
    return {"year": day.year, "month": day.month, "day": day.day}
