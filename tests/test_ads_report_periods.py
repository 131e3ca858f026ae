"""ads_report's calendar arithmetic alone: compared periods and week/month buckets, worked out by hand.

(tests/test_ads_report.py checks the same periods end to end, in meta and in the requests the fakes receive.)
"""

from __future__ import annotations

import datetime as dt

import pytest

from mcp_server.reporting.periods import bucket, compared

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
