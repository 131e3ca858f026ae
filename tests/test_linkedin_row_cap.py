"""LinkedIn's 15,000-element answers (issue 18): adAnalytics has no paging and answers at most ROW_CAP elements
(Microsoft Learn, "Ads Reporting": the endpoint "does not support pagination"), so an answer at the cap is
split by date and asked again until every row is in; the fake truncates at its cap as LinkedIn does.
Both caps are lowered here so the demo account's 120 campaigns reach them."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from mcp_server.connectors.linkedin_ads import analytics as client_analytics
from mcp_server.connectors.linkedin_ads.sandbox import analytics as fake_analytics
from mcp_server.params import today
from tests.conftest import ToolCalls, point_at_fake

CAP = 100
_calls = ToolCalls("linkedin_ads_execute", "linkedin-ads")
END = today() - dt.timedelta(days=1)
START = END - dt.timedelta(days=9)


@pytest.fixture
def env(monkeypatch, linkedin_fake):
    point_at_fake(monkeypatch, "linkedin-ads", linkedin_fake.url)
    return linkedin_fake


def report(granularity: str = "DAILY") -> dict:
    params = {"timeGranularity": granularity, "dateRange": {"start": START.isoformat(), "end": END.isoformat()},
              "fields": ["impressions", "clicks"]}  # fmt: skip
    return {"entity": "ad_campaign_analytics", "action": "list", "params": params, "limit": 1000,
            "fields": ["start_date", "campaign_id", "impressions", "clicks"]}


def ranges(fake) -> list[str]:
    return [re.search(r"dateRange=([^&]*)", r["query"] or r["body"]).group(1) for r in fake.calls("/rest/adAnalytics")]


async def test_an_answer_at_the_cap_is_split_by_date_until_every_row_is_in(env, monkeypatch):
    whole = await _calls.ok(report())
    assert len(whole["data"]) > CAP, "the demo account should have more rows than the lowered cap"
    env.reset()
    monkeypatch.setattr(fake_analytics, "ROW_CAP", CAP)
    monkeypatch.setattr(client_analytics, "ROW_CAP", CAP)
    split = await _calls.ok(report())
    assert split["data"] == whole["data"]
    assert not any("maximum" in w for w in split["meta"].get("warnings", []))
    asked = ranges(env)
    assert len(asked) > 1 + client_analytics.SPLIT_PARTS - 1 and len(set(asked)) == len(asked), asked


async def test_without_the_split_the_fake_truncates_at_its_cap(env, monkeypatch):
    """The fake answers at most its cap: a client that did not split would get fewer rows (and must warn)."""
    monkeypatch.setattr(fake_analytics, "ROW_CAP", CAP)
    monkeypatch.setattr(client_analytics, "ROW_CAP", CAP)
    monkeypatch.setattr(client_analytics, "SPLIT_PARTS", 1)  # split_range gives one part: nothing is split
    monkeypatch.setattr(client_analytics, "split_range", lambda *args: [])
    result = await _calls.ok(report())
    assert len(result["data"]) == CAP
    assert any("maximum of 100 rows" in w for w in result["meta"]["warnings"])


async def test_all_granularity_cannot_be_split_by_date_and_says_so(env, monkeypatch):
    monkeypatch.setattr(fake_analytics, "ROW_CAP", 50)
    monkeypatch.setattr(client_analytics, "ROW_CAP", 50)
    result = await _calls.ok(report("ALL"))
    assert len(result["data"]) == 50 and len(ranges(env)) == 1
    assert any("not with timeGranularity ALL" in w for w in result["meta"]["warnings"])


def test_split_ranges_cut_at_period_boundaries():
    d = dt.date
    assert client_analytics.split_range(d(2026, 7, 15), d(2026, 9, 30), "MONTHLY") == [
        (d(2026, 7, 15), d(2026, 7, 31)), (d(2026, 8, 1), d(2026, 8, 31)), (d(2026, 9, 1), d(2026, 9, 30))]
    parts = client_analytics.split_range(d(2026, 7, 1), d(2026, 9, 30), "DAILY")
    assert len(parts) == 4 and parts[0][0] == d(2026, 7, 1) and parts[-1][1] == d(2026, 9, 30)
    assert all(b + dt.timedelta(days=1) == c for (_, b), (c, _) in zip(parts, parts[1:]))
    assert client_analytics.split_range(d(2026, 7, 1), d(2026, 7, 1), "DAILY") == []
    assert client_analytics.split_range(d(2026, 7, 1), d(2026, 7, 31), "ALL") == []
