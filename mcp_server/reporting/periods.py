"""Compared periods and time buckets, as calendar arithmetic on inclusive day ranges.

previous_period: a range of whole calendar months (last_month, last_quarter, last_year, ...) is compared with
the same number of whole months before it; any other range with the same number of days just before it
(last_7d with the 7 days before, last_week with the week before). previous_year: whole months with the same
whole months a year earlier (February 2025 with all of February 2024, the 29th included); any other range
with the same calendar days a year earlier (29 February becomes 28 February).

Which earlier day a day of the range is compared with (`earlier_day`, and its inverse `later_day`):
- a shift by the range's length: day d with d - length;
- whole months: day N of a month with day N of the month it is compared with (2026-11-05 with 2026-10-05).
  A day N the earlier month lacks (31 October against September) has no counterpart; an earlier day N the
  later month lacks (31 October against November) stands for no day of the range.
- the same days a year earlier: 29 February has no counterpart (28 February has its own), unless the range
  starts on it (then 28 February, the first day of the compared period).
Day and week buckets add up exactly the counterpart days of their days, so no bucket's `_previous` adds up
several earlier days for one of its days; an earlier day without a later day counts only in the totals.
Month buckets compare the month with the month it stands for (so a whole month with the whole earlier month).
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Literal

Compare = Literal["none", "previous_period", "previous_year"]
Granularity = Literal["total", "day", "week", "month"]
DAY = dt.timedelta(days=1)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _whole_months(start: dt.date, end: dt.date) -> int | None:
    if start.day != 1 or (end + DAY).day != 1:
        return None
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _year_earlier(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _same_day_number(day: dt.date, months: int) -> dt.date | None:
    """Day N of the month `months` later (or earlier); None when that month has no day N."""
    first = _add_months(day, months)
    if day.day > calendar.monthrange(first.year, first.month)[1]:
        return None
    return first.replace(day=day.day)


def _months_later(day: dt.date, months: int) -> dt.date:
    """Day N of the month `months` later, clipped to that month's last day (for month buckets only)."""
    first = _add_months(day, months)
    return first.replace(day=min(day.day, calendar.monthrange(first.year, first.month)[1]))


def _shift_months(start: dt.date, end: dt.date, compare: Compare) -> int | None:
    """How many months later the range lies than its compared period, when days are matched by day number."""
    months = _whole_months(start, end)
    if compare == "previous_year":
        return 12 if months else None
    return months


def compared(start: dt.date, end: dt.date, compare: Compare) -> tuple[dt.date, dt.date] | None:
    if compare == "none":
        return None
    months = _whole_months(start, end)
    if months:  # whole months with as many whole months, a year or a period earlier
        back = 12 if compare == "previous_year" else months
        return _add_months(start, -back), _add_months(end + DAY, -back) - DAY
    if compare == "previous_year":
        return _year_earlier(start), _year_earlier(end)
    length = end - start + DAY
    return start - length, start - DAY


def earlier_day(day: dt.date, start: dt.date, end: dt.date, compare: Compare) -> dt.date | None:
    """The day of the compared period that `day` (of start..end) is compared with; None when it has none."""
    months = _shift_months(start, end, compare)
    if months:
        return _same_day_number(day, -months)
    if compare == "previous_year":
        if day.month == 2 and day.day == 29:
            return _year_earlier(day) if day == start else None  # 28 February is its own day's counterpart
        return day.replace(year=day.year - 1)
    return day - (end - start + DAY)


def later_day(day: dt.date, start: dt.date, end: dt.date, compare: Compare) -> dt.date | None:
    """The day of start..end that `day` of the compared period stands for (the inverse of `earlier_day`);
    None when it stands for none (it then counts in the totals only)."""
    months = _shift_months(start, end, compare)
    if months:
        later = _same_day_number(day, months)
    elif compare == "previous_year":
        if day.month == 2 and day.day == 29:
            return None
        later = day.replace(year=day.year + 1)
        if later < start:  # the range starts on 29 February: its counterpart is the 28th a year earlier
            later = start if earlier_day(start, start, end, compare) == day else None
    else:
        later = day + (end - start + DAY)
    return later if later is not None and start <= later <= end else None


def _month_end_days(first: dt.date, last: dt.date) -> list[dt.date]:
    """Days 29-31 of each month from first to last: the only days day-number matching can leave alone."""
    days, month = [], first.replace(day=1)
    while month <= last:
        length = calendar.monthrange(month.year, month.month)[1]
        days += [d for n in range(29, length + 1) if first <= (d := month.replace(day=n)) <= last]
        month = _add_months(month, 1)
    return days


def uncompared_days(start: dt.date, end: dt.date, compare: Compare) -> list[dt.date]:
    """Days of the range with no counterpart in the compared period (their day buckets' _previous is null)."""
    if compare == "none":
        return []
    return [d for d in _month_end_days(start, end) if earlier_day(d, start, end, compare) is None]


def unplaced_days(start: dt.date, end: dt.date, compare: Compare) -> list[dt.date]:
    """Days of the compared period that stand for no day of the range (they count in the totals only)."""
    earlier = compared(start, end, compare)
    if earlier is None:
        return []
    return [d for d in _month_end_days(*earlier) if later_day(d, start, end, compare) is None]


def onto_range(day: dt.date, start: dt.date, end: dt.date, compare: Compare, granularity: Granularity) -> dt.date | None:
    """The day of start..end whose bucket `day` of the compared period counts in; None for none."""
    if granularity != "month":
        return later_day(day, start, end, compare)
    # A month bucket holds the whole month it stands for: its days 29-31 count in it too.
    months = _shift_months(start, end, compare)
    if months:
        later = _months_later(day, months)
    elif compare == "previous_year":
        later = _months_later(day, 12)
    else:
        later = day + (end - start + DAY)
    return min(max(later, start), end)  # 28 February 2023 stands for 29 February 2024 too


def _bucket_start(day: dt.date, granularity: Granularity) -> dt.date:
    if granularity == "week":
        return day - dt.timedelta(days=day.weekday())  # ISO weeks start on Monday
    if granularity == "month":
        return day.replace(day=1)
    return day


def _bucket_end(first: dt.date, granularity: Granularity) -> dt.date:
    if granularity == "week":
        return first + 6 * DAY
    if granularity == "month":
        return _add_months(first, 1) - DAY
    return first


def bucket(day: dt.date, granularity: Granularity, start: dt.date, end: dt.date) -> tuple[int, str, str]:
    """(index from the range's first bucket, first day, last day) of the bucket holding `day`, clipped to the
    range. The index lines a bucket up with the same bucket of the compared period."""
    first = _bucket_start(day, granularity)
    origin = _bucket_start(start, granularity)
    if granularity == "month":
        index = (first.year - origin.year) * 12 + first.month - origin.month
    else:
        index = (first - origin).days // (7 if granularity == "week" else 1)
    return index, max(first, start).isoformat(), min(_bucket_end(first, granularity), end).isoformat()
