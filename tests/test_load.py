"""A small load run (bench/load.py): 200 tool calls from 20 client sessions at once, over streamable HTTP,
against a `--demo` server subprocess. No timing threshold (the machines are shared): every call must
succeed with a well-formed result, and the server must log no traceback."""

from __future__ import annotations

import os

from bench.load import MIX, demo_server, records, report_rows, run_load


async def test_200_calls_at_concurrency_20_all_well_formed():
    with demo_server(dict(os.environ)) as (url, logs):
        outcome = await run_load(url, calls=200, concurrency=20)
        server_log = logs()
    assert outcome.errors == [], outcome.errors[:5]
    assert outcome.calls == 200
    # every kind of call in the mix ran (25 times each), so each result shape was checked under load
    assert {tool: len(v) for tool, v in outcome.latencies.items()} == {
        tool: 200 // len(MIX) * sum(c.tool == tool for c in MIX) for tool in {c.tool for c in MIX}
    }
    assert "Traceback" not in server_log and " ERROR " not in server_log, server_log[-2000:]


def test_the_shape_checks_reject_wrong_results():
    """The checks above could fail: a short page, a record without its id, an empty or foreign report."""
    campaigns = records(2, "campaign_id")
    assert campaigns({"data": [{"campaign_id": "1"}, {"campaign_id": "2"}]}) is None
    assert campaigns({"data": [{"campaign_id": "1"}]}) is not None
    assert campaigns({"data": [{"campaign_id": "1"}, {"id": "2"}]}) is not None
    assert campaigns({"error": "x"}) is not None
    assert report_rows({"data": []}) is not None
    assert report_rows({"data": [{"platform": "meta-ads", "native_level": "campaign", "spend": 1}]}) is not None
    assert report_rows({"data": [{"platform": "tiktok-marketing", "native_level": "campaign", "spend": 1}]}) is None
