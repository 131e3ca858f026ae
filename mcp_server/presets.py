"""Named date ranges ("last_7d", "last_month") resolved to inclusive calendar days.

Pure: the caller passes "today" in the account's reporting time zone, so one resolver serves every
connector and a test can pin any day. Conventions follow the ad UIs: `last_Nd` is N whole days ending
yesterday (today is still filling in), weeks start on Monday, `this_*` runs from the period's first
day through today.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

DatePreset = Literal[
    "today", "yesterday", "last_7d", "last_14d", "last_28d", "last_30d", "last_90d",
    "this_week", "last_week", "this_month", "last_month", "this_quarter", "last_quarter",
    "this_year", "last_year",
]  # fmt: skip
PRESETS: tuple[str, ...] = get_args(DatePreset)
DESCRIPTION = (
    "A named range instead of dates, in the account's time zone: today, yesterday; last_7d/14d/28d/30d/90d "
    "(whole days ending yesterday); this_/last_ week (from Monday), month, quarter, year (this_* through today)."
)
# The longest span each preset can cover, on any day (checked before the account's today is known).
MAX_DAYS = {
    "today": 1, "yesterday": 1, "last_7d": 7, "last_14d": 14, "last_28d": 28, "last_30d": 30, "last_90d": 90,
    "this_week": 7, "last_week": 7, "this_month": 31, "last_month": 31, "this_quarter": 92, "last_quarter": 92,
    "this_year": 366, "last_year": 366,
}  # fmt: skip


def resolve(preset: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The preset's first and last day (inclusive), given today's date in the account's time zone."""
    day = dt.timedelta(days=1)
    if preset == "today":
        return today, today
    if preset == "yesterday":
        return today - day, today - day
    if preset.startswith("last_") and preset.endswith("d"):
        days = int(preset[len("last_") : -1])
        return today - days * day, today - day
    period = preset.split("_", 1)[1]
    start = _period_start(period, today)
    if preset.startswith("this_"):
        return start, today
    previous_end = start - day
    return _period_start(period, previous_end), previous_end


def _period_start(period: str, day: dt.date) -> dt.date:
    if period == "week":
        return day - dt.timedelta(days=day.weekday())  # Monday
    if period == "month":
        return day.replace(day=1)
    if period == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    if period == "year":
        return day.replace(month=1, day=1)
    raise ValueError(f"unknown date_preset period {period!r}; use one of {', '.join(PRESETS)}")
