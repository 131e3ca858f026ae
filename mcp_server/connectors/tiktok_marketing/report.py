"""What `ads_report` reads on TikTok: levels, the metric fields behind each normalized metric, and queries.

Sources (TikTok Business API "Basic report – Supported metrics", doc 1740302848100353, Upgraded Smart+ metrics
doc 1843337909199938): `spend` is Ads Manager's Cost in the advertiser's currency; `clicks` is Clicks
(destination), which TikTok's own CTR and CPC use; `conversion` counts the optimization event, dated by
impression time, with each ad group's attribution (default 7-day click / 1-day view); Ads Manager's Video
views are `video_play_actions`; a report without stat_time_day spans up to 365 days per request (unverified:
see report_params.MAX_SPAN_DAYS), so a longer range takes several requests and its rows have no reach.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ...presets import resolve
from ...reporting.source import Dates, Level, MetricField, Query, ReportSource, VendorGrain
from .clock import advertiser_zone, local_today
from .report_params import MAX_SPAN_DAYS

DAY_FIELD = "stat_time_day"


def query(level: Level, account: str, dates: Dates, grain: VendorGrain, fields: list[str]) -> Query:
    params: dict[str, Any] = {
        "advertiser_id": account,
        "dimensions": [level.id_field, *([DAY_FIELD] if grain == "day" else [])],
        # The name is an attribute metric below the advertiser (whose name the connector adds itself).
        "metrics": [*fields, *([level.name_field] if level.id_field != "advertiser_id" else [])],
    }
    if dates.preset:
        params["date_preset"] = dates.preset
    else:
        params["start_date"], params["end_date"] = dates.start.isoformat(), dates.end.isoformat()  # type: ignore[union-attr]
    return Query(params)


def account_dates(dates: Dates, advertiser: dict[str, Any]) -> tuple[dt.date, dt.date] | None:
    """The days a range resolves to in the advertiser's time zone (as the client resolves it); None without a known zone."""
    zone = advertiser_zone(advertiser)
    if zone is None:
        return None
    if dates.preset:
        return resolve(dates.preset, local_today(zone))
    assert dates.start and dates.end
    return dates.start, dates.end


def resolved_dates(params: dict[str, Any]) -> tuple[dt.date, dt.date]:
    return dt.date.fromisoformat(params["start_date"]), dt.date.fromisoformat(params["end_date"])


REPORT = ReportSource(
    platform="TikTok Marketing",
    levels={
        "account": Level("advertiser", "advertisers_reports_daily", "advertiser_id", "advertiser_name"),
        "campaign": Level("campaign", "campaigns_reports_daily", "campaign_id", "campaign_name"),
        "ad_group": Level("ad group", "ad_groups_reports_daily", "adgroup_id", "adgroup_name"),
        "ad": Level("ad", "ads_reports_daily", "ad_id", "ad_name"),
    },
    metrics={
        "spend": MetricField("spend", "Ads Manager's Cost: total ad spend, in the advertiser's currency."),
        "impressions": MetricField("impressions", "Times the ads were shown."),
        "clicks": MetricField(
            "clicks", "Clicks (destination): clicks to the ad's destination, as TikTok's CTR and CPC count them."
        ),
        "conversions": MetricField(
            "conversion",
            "Times the ad led to the ad group's optimization event, dated by impression time, with the ad group's "
            "attribution window (default 7-day click, 1-day view).",
        ),
        "video_views": MetricField("video_play_actions", "Ads Manager's Video views: plays started (replays excluded)."),
        "reach": MetricField("reach", "Estimated unique users who saw the ads at least once."),
    },
    conversions=(
        "conversion: the optimization event each ad group optimizes for (purchases, form submits, installs, ...), "
        "counted at impression time with the ad group's attribution window (default 7 days after a click, 1 after a "
        "view); ad groups with different goals add up different events."
    ),
    days="days in the advertiser's time zone",
    query=query,
    resolved_dates=resolved_dates,
    account_dates=account_dates,
    day_of=lambda record: dt.date.fromisoformat(str(record[DAY_FIELD])[:10]),
    day_fields=(DAY_FIELD,),
    account_call=lambda account: ("advertisers", "list", {"advertiser_ids": [account]}, ["advertiser_id", "name", "currency", "display_timezone", "timezone"]),
    account_info=lambda record: (record.get("name"), record.get("currency")),
    default_account=lambda settings: settings.advertiser_id,
    account_setting="TIKTOK_MARKETING_ADVERTISER_ID",
    notes=(
        "no campaign group level: TikTok campaigns sit directly under the advertiser",
        f"reach is null for ranges over {MAX_SPAN_DAYS[None]} days: one request covers at most {MAX_SPAN_DAYS[None]} "
        "days without a day dimension, and the rows of several requests cannot add up unique people",
    ),
    total_span_days=MAX_SPAN_DAYS[None],
)
