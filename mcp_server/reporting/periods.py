"""Compared periods and time buckets, as calendar arithmetic on inclusive day ranges.

previous_period: a range of whole calendar months (last_month, last_quarter, last_year, ...) is compared with
the same number of whole months before it; any other range with the same number of days just before it
(last_7d with the 7 days before, last_week with the week before). previous_year: the same days a year
earlier (29 February becomes 28 February). With day, week or month buckets, each day of the compared period
is first moved onto the range it is compared with, so bucket i of both periods covers the same days of the range.
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


def _months_later(day: dt.date, months: int) -> dt.date:
    first = _add_months(day, months)
    return first.replace(day=min(day.day, calendar.monthrange(first.year, first.month)[1]))


def onto_range(day: dt.date, start: dt.date, end: dt.date, compare: Compare) -> dt.date:
    """The day of start..end that `day` of its compared period stands for (the inverse of `compared`)."""
    if compare == "previous_year":
        later = _months_later(day, 12)
    elif months := _whole_months(start, end):
        later = _months_later(day, months)  # 29-31 January of a compared month count in 28 February
    else:
        later = day + (end - start + DAY)
    return min(max(later, start), end)  # 28 February 2023 stands for 29 February 2024 too


def compared(start: dt.date, end: dt.date, compare: Compare) -> tuple[dt.date, dt.date] | None:
    if compare == "previous_year":
        return _year_earlier(start), _year_earlier(end)
    if compare == "previous_period":
        months = _whole_months(start, end)
        if months:
            return _add_months(start, -months), start - DAY
        length = end - start + DAY
        return start - length, start - DAY
    return None


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
