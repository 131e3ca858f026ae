"""Params models for the six report entities (report/integrated/get/, report_type BASIC).

Defaults follow Airbyte's definitions. Default dates depend on the advertiser's time zone, so
the backend resolves them (`resolve_dates`) once it knows the advertiser, and carries them in
the page state so a cursor continues the same frozen range.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from ...errors import InvalidParams
from ...params import JsonObjectList, StrList, as_list, today
from ...presets import DESCRIPTION as PRESET_DESCRIPTION
from ...presets import MAX_DAYS as PRESET_MAX_DAYS
from ...presets import DatePreset, resolve
from .params import AdvertiserScoped, page_field, page_size_field

CORE = ["spend", "cpc", "cpm", "impressions", "clicks", "ctr", "reach", "cost_per_1000_reached"]
CONV = [
    "conversion", "cost_per_conversion", "conversion_rate", "real_time_conversion",
    "real_time_cost_per_conversion", "real_time_conversion_rate", "result", "cost_per_result",
    "result_rate", "real_time_result", "real_time_cost_per_result", "real_time_result_rate",
    "secondary_goal_result", "cost_per_secondary_goal_result", "secondary_goal_result_rate",
]  # fmt: skip
ENG = [
    "video_play_actions", "video_watched_2s", "video_watched_6s", "average_video_play",
    "average_video_play_per_user", "video_views_p25", "video_views_p50", "video_views_p75",
    "video_views_p100", "profile_visits", "likes", "comments", "shares", "follows",
    "clicks_on_music_disc", "real_time_app_install", "real_time_app_install_cost", "app_install",
]  # fmt: skip
# Airbyte's report definitions (reference §9.4): 28-49 metrics a row. The hosted fake uses them as
# Airbyte's own defaults; they stay importable so an agent can ask for them by name.
AIRBYTE_ADVERTISER_METRICS = ["cash_spend", "voucher_spend", *CORE, "frequency", *ENG]
AIRBYTE_CAMPAIGN_METRICS = ["campaign_name", *CORE, "frequency", *ENG]
AIRBYTE_ADGROUP_METRICS = ["campaign_name", "campaign_id", "adgroup_name", "placement_type", *CORE, *CONV, "frequency", *ENG]
AIRBYTE_AD_METRICS = [
    "campaign_name", "campaign_id", "adgroup_name", "adgroup_id", "ad_name", "ad_text", "placement_type",
    *CORE, *CONV, "frequency", *ENG,
]  # fmt: skip

# Our defaults: what an ads manager reads first (about a third of a row's size); the rest by name.
RESULTS = ["conversion", "cost_per_conversion", "conversion_rate", "frequency"]
# TikTok takes these only at AUCTION_ADVERTISER with stat_time_day (Airbyte asks for them only there, citing
# TikTok's report doc id 1707957200780290); elsewhere the request fails.
ADVERTISER_DAILY_ONLY = ["cash_spend", "voucher_spend"]
ADVERTISER_METRICS = [*ADVERTISER_DAILY_ONLY, *CORE, *RESULTS]
CAMPAIGN_METRICS = ["campaign_name", *CORE, *RESULTS]
ADGROUP_METRICS = ["campaign_name", "campaign_id", "adgroup_name", *CORE, *RESULTS]
AD_METRICS = ["campaign_name", "campaign_id", "adgroup_name", "adgroup_id", "ad_name", *CORE, *RESULTS]

DAY, HOUR = "stat_time_day", "stat_time_hour"
# TikTok's longest date span per request, by time dimension (None = no time dimension).
# 30 (day) and 1 (hour) match Airbyte's chunking. 365 without a time dimension is NOT verified from a primary
# source (2026-12 review): TikTok's doc page could not be read here, the official tiktok-business-api-sdk
# (ReportingApi) states no span, and Airbyte's former Python source (source_tiktok_marketing/streams.py,
# BasicReports._get_time_interval, citing TikTok doc 1714590313280513) chunked such reports by 364 days. If
# TikTok refuses 365-day requests, lower this to 364 (ads_report then splits and nulls reach one day sooner).
MAX_SPAN_DAYS = {DAY: 30, HOUR: 1, None: 365}
# Hourly rows cost one request per day; keep one call's range bounded.
MAX_HOURLY_RANGE_DAYS = 31
JSON_STRING_FILTERS = {"IN", "NOT_IN", "CONTAIN_ANY_OF", "BETWEEN"}
FILTER_TYPES = JSON_STRING_FILTERS | {"MATCH", "GREATER_EQUAL", "GREATER_THAN", "LOWER_EQUAL", "LOWER_THAN"}
NAME = re.compile(r"[a-z][a-z0-9_]{0,99}")  # fullmatch: "spend\n" is no name
# ID filters take at most this many ids per request (more is TikTok code 40011 or 40002).
ID_FILTERS = {"campaign_ids", "adgroup_ids", "ad_ids", "ad_ids_v2"}
MAX_FILTER_IDS = 100
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # fullmatch, ASCII digits (\d takes "٢")
# The report status filter per data level (Airbyte PRs #44048, #65623: TikTok refuses a status field that does
# not fit the level, e.g. campaign_status at AUCTION_AD; AUCTION_ADVERTISER needs none).
STATUS_FIELDS = {"AUCTION_CAMPAIGN": "campaign_status", "AUCTION_ADGROUP": "adgroup_status", "AUCTION_AD": "ad_status"}
DEFAULT_DAYS = 30  # a lone end_date covers the 30 days up to it
MAX_DAYS_AHEAD = 366  # an end_date at most this far after today (UTC)
# No dates at all: what Ads Manager calls "last 30 days" (whole days, today excluded); hourly: yesterday.
DEFAULT_PRESET, DEFAULT_HOURLY_PRESET = "last_30d", "yesterday"


def dimensions_field(default: list[str]) -> Any:
    return Field(
        default=default,
        description=f"{default[0]} plus at most one of {DAY} (≤30 days per request) or {HOUR} (≤1 day); longer ranges are split.",
    )


def metrics_field(default: list[str]) -> Any:
    return Field(
        default=default,
        description=(
            "TikTok metric names; attribute metrics such as campaign_name allowed. Beyond the default core set: "
            f"results {', '.join(CONV[3:9])}; engagement {', '.join(ENG)}."
        ),
    )


class ReportParams(AdvertiserScoped):
    data_level: ClassVar[str]
    id_dimension: ClassVar[str]

    dimensions: StrList
    metrics: StrList
    start_date: dt.date | None = Field(
        default=None,
        description="YYYY-MM-DD inclusive, advertiser time zone. No dates: last_30d (yesterday with stat_time_hour).",
    )
    end_date: dt.date | None = Field(
        default=None, description="YYYY-MM-DD inclusive; with start_date alone: today (hourly: yesterday), advertiser time zone."
    )
    date_preset: DatePreset | None = Field(default=None, description=PRESET_DESCRIPTION)
    filtering: JsonObjectList | None = Field(
        default=None,
        description='[{"field_name":"campaign_ids","filter_type":"IN","filter_value":["1"]}]; list values are JSON-encoded for you.',
    )
    order_field: str | None = Field(default=None, description="Metric to sort by.")
    order_type: Literal["ASC", "DESC"] | None = None
    page: int | None = page_field()
    page_size: int | None = page_size_field(1000)

    @property
    def time_dimension(self) -> str | None:
        return next((d for d in self.dimensions if d in (DAY, HOUR)), None)

    @property
    def max_span_days(self) -> int:
        return MAX_SPAN_DAYS[self.time_dimension]

    @property
    def lifetime(self) -> bool:
        return False

    @field_validator("dimensions")
    @classmethod
    def _dimensions(cls, dimensions: list[str]) -> list[str]:
        dimensions = _names(dimensions)
        extra = set(dimensions) - {cls.id_dimension, DAY, HOUR}
        if cls.id_dimension not in dimensions or extra or {DAY, HOUR} <= set(dimensions):
            raise ValueError(f"must be [{cls.id_dimension!r}] plus at most one of {DAY!r} / {HOUR!r}")
        return dimensions

    @field_validator("start_date", "end_date", mode="before")
    @classmethod
    def _iso_date(cls, value: Any) -> Any:
        if isinstance(value, str) and not ISO_DATE.fullmatch(value.strip()):
            raise ValueError("use a calendar date as YYYY-MM-DD, e.g. '2025-01-31'")
        return value.strip() if isinstance(value, str) else value

    @field_validator("metrics")
    @classmethod
    def _metrics(cls, metrics: list[str]) -> list[str]:
        return _names(metrics)

    @field_validator("order_field")
    @classmethod
    def _order_field(cls, name: str | None) -> str | None:
        if name is not None and not NAME.fullmatch(name):
            raise ValueError(f"{name!r} is not a TikTok metric name; use one of the requested metrics, e.g. 'spend'")
        return name

    @field_validator("filtering")
    @classmethod
    def _filtering(cls, items: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
        return None if items is None else [_report_filter(n, item) for n, item in enumerate(items, 1)]

    @model_validator(mode="after")
    def _checks(self) -> ReportParams:
        self._advertiser_daily_metrics()
        if not self.lifetime:
            check_dates(self.start_date, self.end_date, hourly=self.time_dimension == HOUR)
            check_preset(self.date_preset, self.start_date, self.end_date, hourly=self.time_dimension == HOUR)
        return self

    def _advertiser_daily_metrics(self) -> None:
        if self.data_level == "AUCTION_ADVERTISER" and self.time_dimension == DAY:
            return
        if "metrics" not in self.model_fields_set:
            # Not via setattr: an adjusted default must not count as a param the caller set.
            self.__dict__["metrics"] = [m for m in self.metrics if m not in ADVERTISER_DAILY_ONLY]
            return
        asked = [m for m in self.metrics if m in ADVERTISER_DAILY_ONLY]
        if asked:
            raise ValueError(
                f"{', '.join(asked)} exist only in advertiser reports by day (advertisers_reports_daily with "
                f"{DAY}); leave them out here, or use spend"
            )


class ObjectReportParams(ReportParams):
    """Campaign, ad group and ad reports: TikTok leaves deleted objects out unless a status filter asks for them."""

    include_deleted: bool = Field(
        default=True,
        description="true (default): deleted campaigns/ad groups/ads count, so totals match Ads Manager; false: live objects only.",
    )

    @property
    def status_field(self) -> str:
        return STATUS_FIELDS[self.data_level]


def _names(values: list[str]) -> list[str]:
    if not values:
        raise ValueError("must not be empty")
    bad = [v for v in values if not isinstance(v, str) or not NAME.fullmatch(v)]
    if bad:
        raise ValueError(f"holds names TikTok does not use: {bad}; use lower_snake_case names like 'spend'")
    return list(dict.fromkeys(values))


def _report_filter(n: int, item: dict[str, Any]) -> dict[str, Any]:
    """One filtering item; list values become the JSON string TikTok wants inside the JSON."""
    if set(item) != {"field_name", "filter_type", "filter_value"}:
        raise ValueError(f'item {n} needs exactly "field_name", "filter_type" and "filter_value"; got {sorted(item)}')
    name, kind, value = item["field_name"], item["filter_type"], item["filter_value"]
    if kind not in FILTER_TYPES:
        raise ValueError(f"item {n}: filter_type must be one of {sorted(FILTER_TYPES)}; got {kind!r}")
    if kind not in JSON_STRING_FILTERS:
        return {**item, "filter_value": value if isinstance(value, str) else json.dumps(value)}
    values = _value_list(value)
    if kind == "BETWEEN" and len(values) != 2:
        raise ValueError(f"item {n}: BETWEEN takes two values [low, high]; got {values}")
    if name in ID_FILTERS and len(values) > MAX_FILTER_IDS:
        raise ValueError(
            f"item {n}: TikTok takes at most {MAX_FILTER_IDS} {name} per request, got {len(values)}; split the ids over several calls"
        )
    return {**item, "filter_value": json.dumps(values)}


def _value_list(value: Any) -> list[Any]:
    """["1","2"], '["1","2"]', "1,2" or "1" -> a list (IN, NOT_IN, CONTAIN_ANY_OF and BETWEEN take lists)."""
    if isinstance(value, str) and not value.strip().startswith("{"):
        try:
            value = as_list(value)
        except ValueError:
            raise ValueError(f"filter_value {value!r} looks like a JSON list but does not parse") from None
    return value if isinstance(value, list) else [value]


def check_dates(start: dt.date | None, end: dt.date | None, *, hourly: bool) -> None:
    """Checks on the dates the caller gave; defaults are resolved later, in the advertiser's time zone."""
    if start and end and end < start:
        raise ValueError(f"end_date {end} is before start_date {start}")
    # Advertiser time zones run up to a day ahead of UTC; later than that TikTok can only answer "no rows".
    if start and start > today() + dt.timedelta(days=1):
        raise ValueError(f"start_date {start} is in the future; TikTok has data up to today (advertiser time zone)")
    if hourly and start and end and (end - start).days + 1 > MAX_HOURLY_RANGE_DAYS:
        raise ValueError(f"hourly reports cover at most {MAX_HOURLY_RANGE_DAYS} days per call; narrow start_date/end_date")
    # Days ahead hold no rows; the bound keeps a range's request plan (one per 30 days) small and its dates in range.
    if end and end > today() + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise ValueError(f"end_date {end} is more than {MAX_DAYS_AHEAD} days ahead; TikTok has data up to today")


def check_preset(preset: str | None, start: dt.date | None, end: dt.date | None, *, hourly: bool) -> None:
    """A preset stands for both dates; hourly presets must fit one call on any day (checked before the lookup)."""
    if preset is None:
        return
    if start or end:
        raise ValueError(f"date_preset {preset!r} and start_date/end_date both give the range; pass one or the other")
    if hourly and PRESET_MAX_DAYS[preset] > MAX_HOURLY_RANGE_DAYS:
        raise ValueError(
            f"date_preset {preset!r} can cover up to {PRESET_MAX_DAYS[preset]} days and hourly reports cover at most "
            f"{MAX_HOURLY_RANGE_DAYS} days per call; use a shorter preset (last_30d, last_month...) or ads_reports_daily"
        )


def refuse_unbounded_hourly(params: ReportParams, utc_today: dt.date) -> None:
    """Before any request (the time-zone lookup included): an hourly start_date with no end_date runs to
    yesterday in the advertiser's time zone, which is never earlier than UTC today minus 2 days (zones run
    from UTC-12 to UTC+14). A start_date older than UTC today minus 32 days is then over the limit in every
    zone. Not a model validator: a cursor re-validates its params on a later day, when the frozen range is fine."""
    start = params.start_date
    if params.time_dimension != HOUR or start is None or params.end_date is not None:
        return
    if start < utc_today - dt.timedelta(days=MAX_HOURLY_RANGE_DAYS + 1):
        raise InvalidParams(
            f"start_date {start} with no end_date: end_date defaults to yesterday in the advertiser's time zone, "
            f"more than {MAX_HOURLY_RANGE_DAYS} days later, and hourly reports cover at most {MAX_HOURLY_RANGE_DAYS} days per call.",
            fix=f"Pass end_date {start + dt.timedelta(days=MAX_HOURLY_RANGE_DAYS - 1)} or earlier, or a start_date on or after "
            f"{utc_today - dt.timedelta(days=MAX_HOURLY_RANGE_DAYS - 1)}; for longer spans use ads_reports_daily.",
        )


def resolve_dates(params: ReportParams, local_today: dt.date) -> tuple[dt.date, dt.date]:
    """The report's range: a preset or explicit dates as given, missing ones from the advertiser's today."""
    hourly = params.time_dimension == HOUR
    start, end = params.start_date, params.end_date
    if params.date_preset or (start is None and end is None):
        return resolve(params.date_preset or (DEFAULT_HOURLY_PRESET if hourly else DEFAULT_PRESET), local_today)
    default_end = local_today - dt.timedelta(days=1) if hourly else local_today
    if end is None:
        end = max(default_end, start) if start else default_end
    if start is None:
        start = end if hourly else end - dt.timedelta(days=DEFAULT_DAYS - 1)
    if hourly and (end - start).days + 1 > MAX_HOURLY_RANGE_DAYS:
        # Only a start_date close to refuse_unbounded_hourly's bound gets here: whether the default end_date
        # is too far depends on the advertiser's time zone, known only now. Explicit ranges are checked earlier.
        raise InvalidParams(
            f"start_date {start} to the default end_date {end} (yesterday in the advertiser's time zone) is "
            f"{(end - start).days + 1} days; hourly reports cover at most {MAX_HOURLY_RANGE_DAYS} days per call.",
            fix=f"Pass end_date {start + dt.timedelta(days=MAX_HOURLY_RANGE_DAYS - 1)} or earlier, or a start_date on or after "
            f"{end - dt.timedelta(days=MAX_HOURLY_RANGE_DAYS - 1)}.",
        )
    return start, end


def needs_time_zone(params: ReportParams) -> bool:
    return not params.lifetime and (params.date_preset is not None or params.start_date is None or params.end_date is None)


class AdvertisersReportParams(ReportParams):
    data_level = "AUCTION_ADVERTISER"
    id_dimension = "advertiser_id"
    dimensions: StrList = dimensions_field(["advertiser_id", DAY])
    metrics: StrList = metrics_field(ADVERTISER_METRICS)


class CampaignsReportParams(ObjectReportParams):
    data_level = "AUCTION_CAMPAIGN"
    id_dimension = "campaign_id"
    dimensions: StrList = dimensions_field(["campaign_id", DAY])
    metrics: StrList = metrics_field(CAMPAIGN_METRICS)


class AdGroupsReportParams(ObjectReportParams):
    data_level = "AUCTION_ADGROUP"
    id_dimension = "adgroup_id"
    dimensions: StrList = dimensions_field(["adgroup_id", DAY])
    metrics: StrList = metrics_field(ADGROUP_METRICS)


class AdsReportParams(ObjectReportParams):
    data_level = "AUCTION_AD"
    id_dimension = "ad_id"
    dimensions: StrList = dimensions_field(["ad_id", DAY])
    metrics: StrList = metrics_field(AD_METRICS)


class AdsHourlyReportParams(AdsReportParams):
    dimensions: StrList = dimensions_field(["ad_id", HOUR])


class AdsLifetimeReportParams(AdsReportParams):
    dimensions: StrList = Field(default=["ad_id"], description="ad_id; no time dimension with query_lifetime.")
    start_date: dt.date | None = Field(default=None, description="Only with query_lifetime=false (≤365 days per request).")
    end_date: dt.date | None = Field(default=None, description="Only with query_lifetime=false.")
    date_preset: DatePreset | None = Field(default=None, description="Only with query_lifetime=false. " + PRESET_DESCRIPTION)
    query_lifetime: bool = Field(default=True, description="true = lifetime totals (dates not allowed); false = a date range.")

    @property
    def lifetime(self) -> bool:
        return self.query_lifetime

    @model_validator(mode="after")
    def _lifetime_rules(self) -> AdsLifetimeReportParams:
        if self.query_lifetime and (self.start_date or self.end_date or self.date_preset or self.time_dimension):
            raise ValueError(
                "query_lifetime=true takes no start_date/end_date/date_preset or time dimension; set query_lifetime=false for a range"
            )
        return self
