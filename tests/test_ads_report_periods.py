"""ads_report's calendar arithmetic alone: compared periods and week/month buckets, worked out by hand.

(tests/test_ads_report.py checks the same periods end to end, in meta and in the requests the fakes receive.)
"""

from __future__ import annotations

import datetime as dt

import pytest

from mcp_server.reporting.periods import (
    _add_months,
    bucket,
    compared,
    earlier_day,
    later_day,
    onto_range,
    uncompared_days,
    unplaced_days,
)

D = dt.date.fromisoformat


@pytest.mark.parametrize(
    ("start", "end", "compare", "expected"),
    [
        # Any range that is not whole months: the same number of days just before.
        ("2026-05-25", "2026-05-31", "previous_period", ("2026-05-18", "2026-05-24")),
        ("2026-03-01", "2026-03-01", "previous_period", ("2026-02-28", "2026-02-28")),
        ("2026-01-15", "2026-02-14", "previous_period", ("2025-12-15", "2026-01-14")),
        ("2026-03-02", "2026-03-31", "previous_period", ("2026-01-31", "2026-03-01")),  # ends a month, starts mid-month
        # Whole months: as many whole months before, whatever their lengths.
        ("2026-03-01", "2026-03-31", "previous_period", ("2026-02-01", "2026-02-28")),
        ("2026-02-01", "2026-02-28", "previous_period", ("2026-01-01", "2026-01-31")),
        ("2024-03-01", "2024-03-31", "previous_period", ("2024-02-01", "2024-02-29")),
        ("2026-01-01", "2026-03-31", "previous_period", ("2025-10-01", "2025-12-31")),  # a quarter
        ("2025-01-01", "2025-12-31", "previous_period", ("2024-01-01", "2024-12-31")),  # a year
        ("2026-04-01", "2026-06-01", "previous_period", ("2026-01-29", "2026-03-31")),  # this_quarter so far: 62 days
        # The same days a year earlier; 29 February becomes the 28th.
        ("2026-05-25", "2026-05-31", "previous_year", ("2025-05-25", "2025-05-31")),
        ("2024-02-29", "2024-02-29", "previous_year", ("2023-02-28", "2023-02-28")),
        ("2024-02-01", "2024-02-29", "previous_year", ("2023-02-01", "2023-02-28")),
        # Whole months a year earlier are whole months: February 2025 against all of February 2024.
        ("2025-02-01", "2025-02-28", "previous_year", ("2024-02-01", "2024-02-29")),
        ("2025-01-01", "2025-03-31", "previous_year", ("2024-01-01", "2024-03-31")),
        ("2025-02-10", "2025-02-28", "previous_year", ("2024-02-10", "2024-02-28")),  # not whole: the same days
        ("2025-03-01", "2025-03-07", "previous_year", ("2024-03-01", "2024-03-07")),
    ],
)
def test_compared_periods(start, end, compare, expected):
    assert compared(D(start), D(end), compare) == (D(expected[0]), D(expected[1]))


def test_no_compare_has_no_period():
    assert compared(D("2026-05-01"), D("2026-05-31"), "none") is None


@pytest.mark.parametrize(
    ("day", "granularity", "start", "end", "expected"),
    [
        ("2026-05-20", "day", "2026-05-18", "2026-05-31", (2, "2026-05-20", "2026-05-20")),
        # ISO weeks start on Monday; the first and last weeks are clipped to the range.
        ("2026-05-21", "week", "2026-05-20", "2026-06-03", (0, "2026-05-20", "2026-05-24")),
        ("2026-05-25", "week", "2026-05-20", "2026-06-03", (1, "2026-05-25", "2026-05-31")),
        ("2026-06-03", "week", "2026-05-20", "2026-06-03", (2, "2026-06-01", "2026-06-03")),
        # Months, clipped, and counted across a year's end.
        ("2025-12-31", "month", "2025-12-15", "2026-02-10", (0, "2025-12-15", "2025-12-31")),
        ("2026-02-10", "month", "2025-12-15", "2026-02-10", (2, "2026-02-01", "2026-02-10")),
        ("2024-02-29", "month", "2024-01-01", "2024-03-31", (1, "2024-02-01", "2024-02-29")),
    ],
)
def test_buckets(day, granularity, start, end, expected):
    assert bucket(D(day), granularity, D(start), D(end)) == expected


def test_a_bucket_lines_up_with_the_same_bucket_of_the_compared_period():
    start, end = D("2026-05-04"), D("2026-05-31")  # four Monday-Sunday weeks
    earlier = compared(start, end, "previous_period")
    assert earlier == (D("2026-04-06"), D("2026-05-03"))
    for offset in range(0, 28, 3):
        now = bucket(start + dt.timedelta(days=offset), "week", start, end)
        then = bucket(earlier[0] + dt.timedelta(days=offset), "week", *earlier)
        assert now[0] == then[0] == offset // 7


@pytest.mark.parametrize(
    ("day", "start", "end", "compare", "expected"),
    [
        # Whole months: day N of the month with day N of the compared month, or none.
        ("2026-11-30", "2026-11-01", "2026-11-30", "previous_period", "2026-10-30"),  # not 30 + 31 October
        ("2026-10-31", "2026-10-01", "2026-10-31", "previous_period", None),  # September has no 31st
        ("2026-03-29", "2026-03-01", "2026-03-31", "previous_period", None),  # February 2026 has 28 days
        ("2026-06-30", "2026-04-01", "2026-06-30", "previous_period", "2026-03-30"),  # a quarter: 3 months back
        ("2025-02-28", "2025-02-01", "2025-02-28", "previous_year", "2024-02-28"),
        ("2024-02-29", "2024-02-01", "2024-02-29", "previous_year", None),  # whole months: no 29 Feb 2023
        # The same days a year earlier: 29 February has no counterpart unless the range starts on it.
        ("2024-02-29", "2024-02-20", "2024-03-05", "previous_year", None),
        ("2024-02-29", "2024-02-29", "2024-03-06", "previous_year", "2023-02-28"),
        # Any other range: the range's length earlier.
        ("2026-05-31", "2026-05-25", "2026-05-31", "previous_period", "2026-05-24"),
    ],
)
def test_earlier_day(day, start, end, compare, expected):
    assert earlier_day(D(day), D(start), D(end), compare) == (D(expected) if expected else None)


def test_earlier_days_without_a_later_day_count_in_the_totals_only():
    # November against October: 31 October stands for no day of November.
    assert later_day(D("2026-10-31"), D("2026-11-01"), D("2026-11-30"), "previous_period") is None
    assert unplaced_days(D("2026-11-01"), D("2026-11-30"), "previous_period") == [D("2026-10-31")]
    assert uncompared_days(D("2026-10-01"), D("2026-10-31"), "previous_period") == [D("2026-10-31")]
    assert unplaced_days(D("2025-02-01"), D("2025-02-28"), "previous_year") == [D("2024-02-29")]
    # By month, the whole month stands for the month: 31 October counts in November's bucket.
    assert onto_range(D("2026-10-31"), D("2026-11-01"), D("2026-11-30"), "previous_period", "month") == D("2026-11-30")


def _ranges():
    """Whole months of 1-13 months and ranges of 1-400 days, starting on days across 2023-2025 (leap 2024)."""
    for offset in range(0, 1000, 23):
        first = D("2023-01-01") + dt.timedelta(days=offset)
        yield first, first + dt.timedelta(days=offset % 400)
        month = first.replace(day=1)
        yield month, _add_months(month, 1 + offset % 13) - dt.timedelta(days=1)
    yield D("2024-02-29"), D("2024-03-06")
    yield D("2025-02-20"), D("2025-03-05")


@pytest.mark.parametrize("compare", ["previous_period", "previous_year"])
def test_each_day_has_at_most_one_counterpart_and_each_earlier_day_at_most_one_later_day(compare):
    """earlier_day and later_day are inverse one-to-one maps inside the two periods: no bucket ever adds up
    several earlier days for one of its days, and the days left without one are exactly those named."""
    for start, end in _ranges():
        first, last = compared(start, end, compare)
        lone = []
        for n in range((end - start).days + 1):
            day = start + dt.timedelta(days=n)
            twin = earlier_day(day, start, end, compare)
            if twin is None:
                lone.append(day)
                continue
            assert first <= twin <= last and later_day(twin, start, end, compare) == day, (start, end, day)
        assert lone == uncompared_days(start, end, compare), (start, end)
        spare = []
        for n in range((last - first).days + 1):
            day = first + dt.timedelta(days=n)
            later = later_day(day, start, end, compare)
            if later is None:
                spare.append(day)
            else:
                assert earlier_day(later, start, end, compare) == day, (start, end, day)
        assert spare == unplaced_days(start, end, compare), (start, end)
