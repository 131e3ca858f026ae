"""What `ads_report` reads on LinkedIn: levels, the metric fields behind each normalized metric, and queries.

Sources (Microsoft Learn "Ads reporting schema", LinkedIn Help a422348, a422513, a426154, a426359, a426672):
Campaign Manager's Clicks, CTR and CPC count chargeable `clicks`, not `landingPageClicks`; Spent is in the
account's currency (`costInLocalCurrency`); Conversions are `externalWebsiteConversions` (post-click and
view-through, each conversion rule's own windows, 30-day click / 7-day view by default); reach
(`approximateMemberReach`) exists only for ranges of at most 92 days. Account and campaign group rows add
up the campaigns' rows (LinkedIn's analytics finder is asked by campaign, as in hosted mode).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from ...presets import resolve
from . import analytics_params
from ...reporting.source import Dates, Fetch, Level, MetricField, Query, ReportSource, VendorGrain
from .restli import urn_id

REACH = "approximateMemberReach"
REACH_MAX_DAYS = 92  # "only available when the number of days in the date range is less than or equal to 92"


async def campaign_groups(fetch: Fetch, account: str, campaign_ids: list[str]) -> dict[str, tuple[str, str | None]]:
    """campaign id -> (its campaign group id, the group's name), from the account's lists (every status)."""
    campaigns, groups = await asyncio.gather(  # independent lists: one wave
        fetch("campaigns", "list", {"account_id": account}, ["id", "campaignGroup"]),
        fetch("campaign_groups", "list", {"account_id": account}, ["id", "name"]),
    )
    names = {str(g.get("id")): g.get("name") for g in groups}
    parents = {}
    for campaign in campaigns:
        group = campaign.get("campaignGroup")
        if group:
            group_id = urn_id(str(group))
            parents[str(campaign.get("id"))] = (group_id, names.get(group_id))
    return parents


def _days(dates: Dates) -> int:
    # The preset resolves from the UTC date, exactly as the analytics params will resolve it.
    start, end = resolve(dates.preset, analytics_params.today()) if dates.preset else (dates.start, dates.end)
    assert start and end
    return (end - start).days + 1


def local_dates(dates: Dates) -> tuple[dt.date, dt.date]:
    """The UTC days a range resolves to, as the analytics params will resolve it (no vendor request)."""
    if dates.preset:
        return resolve(dates.preset, analytics_params.today())
    assert dates.start and dates.end
    return dates.start, dates.end


def query(level: Level, account: str, dates: Dates, grain: VendorGrain, fields: list[str]) -> Query:
    notes: tuple[str, ...] = ()
    left_out: tuple[str, ...] = ()
    if REACH in fields and _days(dates) > REACH_MAX_DAYS:
        fields = [f for f in fields if f != REACH]
        notes = (f"reach is null on LinkedIn: it reports reach only for ranges of up to {REACH_MAX_DAYS} days",)
        left_out = (REACH,)
    params: dict[str, Any] = {
        "account_id": account,
        "timeGranularity": "ALL" if grain == "total" else "DAILY",
        "fields": fields,
    }
    if dates.preset:
        params["date_preset"] = dates.preset
    else:
        params["dateRange"] = {"start": dates.start.isoformat(), "end": dates.end.isoformat()}  # type: ignore[union-attr]
    return Query(params, notes, left_out)


def resolved_dates(params: dict[str, Any]) -> tuple[dt.date, dt.date]:
    span = params["dateRange"]
    return dt.date.fromisoformat(span["start"]), dt.date.fromisoformat(span["end"])


CAMPAIGN_ROWS = dict(entity="ad_campaign_analytics", id_field="campaign_id", name_field="campaign_name")

REPORT = ReportSource(
    platform="LinkedIn Ads",
    levels={
        "account": Level("account", whole_account=True, **CAMPAIGN_ROWS),
        "campaign_group": Level("campaign group", group=campaign_groups, **CAMPAIGN_ROWS),
        "campaign": Level("campaign", **CAMPAIGN_ROWS),
        "ad": Level("ad (creative)", "ad_creative_analytics", "creative_id", "creative_name"),
    },
    metrics={
        "spend": MetricField("costInLocalCurrency", "Campaign Manager's Spent, in the ad account's currency."),
        "impressions": MetricField("impressions", "Times the ad was shown (sends for Sponsored Messaging)."),
        "clicks": MetricField(
            "clicks",
            "Chargeable clicks by objective (landing page, company page, ...), as Campaign Manager's Clicks, CTR "
            "and CPC count them; landingPageClicks, the clicks to the landing page only, is not used.",
        ),
        "conversions": MetricField(
            "externalWebsiteConversions",
            "Website conversions (Insight Tag / Conversions API) after a click or a view, each conversion rule's "
            "own windows (default 30-day click, 7-day view); lead form leads (oneClickLeads) are not included.",
        ),
        "video_views": MetricField("videoViews", "Plays of 2+ continuous seconds with the video 50% in view, or a CTA click."),
        "reach": MetricField(REACH, "Estimated unique members with at least one impression; ranges of up to 92 days."),
    },
    conversions=(
        "externalWebsiteConversions: actions tracked by the account's conversion rules after a click or a view of "
        "the ad, last-touch, each rule's windows (default 30 days after a click, 7 after a view)."
    ),
    days="UTC days (LinkedIn reports by UTC day whatever the account's time zone)",
    query=query,
    resolved_dates=resolved_dates,
    local_dates=local_dates,
    day_of=lambda record: dt.date.fromisoformat(record["start_date"]),
    day_fields=("start_date",),
    account_call=lambda account: ("accounts", "get", {"id": account}, ["id", "name", "currency"]),
    account_info=lambda record: (record.get("name"), record.get("currency")),
    default_account=lambda settings: settings.account_id,
    account_setting="LINKEDIN_ADS_ACCOUNT_ID",
    notes=(
        "account and campaign group rows add up their campaigns' rows, so they have no reach",
        "no ad group level: LinkedIn campaigns hold the ads directly",
    ),
)
