"""What a connector declares so `ads_report` can ask it for a report, without knowing its vendor.

A connector's folder holds one `ReportSource` (its `report.py`): which of its entities reports each level,
which vendor field gives each base metric (and what that field means), and how to phrase a query for a
date range. The report package reads only these declarations; every vendor request still goes through
the connector's own `*_execute` machinery (validation, clients, limits, budgets).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

# The levels a report can be asked at; each platform declares the ones it has, in its own words.
LevelName = Literal["account", "campaign_group", "campaign", "ad_group", "ad"]
LEVELS: tuple[str, ...] = get_args(LevelName)

# The vendor query's own time grain: whole-range totals or days (weeks and months are summed from days).
VendorGrain = Literal["total", "day"]

# Runs one connector action to the end of its pages: (entity, action, params, fields) -> every record.
Fetch = Callable[[str, str, dict[str, Any], list[str]], Awaitable[list[dict[str, Any]]]]

# Maps the rows of a finer entity to the level asked: (fetch, account id, row ids) -> row id -> (id, name).
Grouping = Callable[[Fetch, str, list[str]], Awaitable[dict[str, tuple[str, str | None]]]]


@dataclass(frozen=True)
class Dates:
    """The range asked: a preset the connector resolves in its own reporting time zone, or explicit days."""

    preset: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class Level:
    native: str  # the platform's own word for it, as its UI shows it ("campaign group", "ad group")
    entity: str  # the catalog entity (action `list`) whose rows report it
    id_field: str
    name_field: str
    # Rows of `entity` are finer than the level: map each row id to its parent. None = rows are the level.
    group: Grouping | None = None
    # Every row of the account adds up to one account row (id and name from the account record).
    whole_account: bool = False


@dataclass(frozen=True)
class MetricField:
    field: str  # the vendor field the base metric is read from
    definition: str  # what the vendor counts, in a sentence


@dataclass(frozen=True)
class Query:
    params: dict[str, Any]
    notes: tuple[str, ...] = ()  # e.g. a metric the vendor cannot give for this range
    left_out: tuple[str, ...] = ()  # vendor fields this query does not ask for (their metric stays null)


@dataclass(frozen=True)
class ReportSource:
    platform: str  # "LinkedIn Ads"
    levels: dict[str, Level]  # our level name -> how this platform reports it
    metrics: dict[str, MetricField]  # base metric -> vendor field; a base left out is null on this platform
    conversions: str  # what one conversion is on this platform (attribution included)
    days: str  # whose calendar days the reports use ("UTC", "the advertiser's time zone")
    # (level, account, dates, grain, vendor metric fields) -> the entity's params for that query.
    query: Callable[[Level, str, Dates, VendorGrain, list[str]], Query]
    # The resolved first and last day, from the executor's meta.params of that query.
    resolved_dates: Callable[[dict[str, Any]], tuple[dt.date, dt.date]]
    # A row's day (for the day grain).
    day_of: Callable[[dict[str, Any]], dt.date]
    # The record fields that carry a row's day (kept besides id, name and metrics).
    day_fields: tuple[str, ...]
    # The account call: (entity, action, params, fields) for one account id, and its (name, currency).
    account_call: Callable[[str], tuple[str, str, dict[str, Any], list[str]]]
    account_info: Callable[[dict[str, Any]], tuple[str | None, str | None]]
    # The configured default account (from the connector's settings), as the id rows show it.
    default_account: Callable[[Any], str | None]
    account_setting: str  # the setting that names the default account
    notes: tuple[str, ...] = field(default=())  # platform-wide facts shown with the metric definitions
    # The days a range resolves to when the platform resolves it without asking the vendor (LinkedIn: UTC days),
    # so the compared period is asked in the same wave; None: only the vendor's answer tells (an account's time zone).
    local_dates: Callable[[Dates], tuple[dt.date, dt.date]] | None = None
    # Else the days from the account record (its time zone), so the compared period leaves as soon as the account
    # call answers, beside the asked period's own request; None (or None returned): after the asked period.
    account_dates: Callable[[Dates, dict[str, Any]], tuple[dt.date, dt.date] | None] | None = None
    # The longest range one vendor request answers without a day dimension (None: any). A longer range is
    # answered in several requests, one row per object each: those rows add up (and reach cannot).
    total_span_days: int | None = None
