"""`python -m bench --quick` runs end to end and prints every row, so the benchmark cannot rot.

Its figures are not pass/fail here (the machine is shared and noisy); BENCHMARKS.md holds a full run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROWS = (
    "1 cold start: spawn -> tools/list, ours / minimal FastMCP",
    "2 call overhead over stdio: p50 / raw httpx GET",
    "2 call overhead over stdio: p99 / raw httpx GET",
    "2 call overhead in memory: p50 / raw httpx GET",
    "2 call overhead in memory: p99 / raw httpx GET",
    "3 multi-page pull: page concurrency 6 / 1 (sequential), no client pace",
    "3 multi-page pull: same records in the same order as sequential",
    "3 multi-page pull: page concurrency 6 / 1 at TIKTOK_MARKETING_MAX_QPS=10",
    "4 report continuation: vendor requests per next_cursor call",
    "5 concurrency 40 calls at 10: calls/s",
    "5 concurrency 40 calls at 10: p50 / p99",
    "5 concurrency 40 calls at 10: errors",
    "6 memory: RSS after start, ours - minimal FastMCP",
    "6 memory: RSS growth over 60 calls",
    "6 memory: peak pulling",
    "7 context: tools/list + instructions",
    "7 context: tiktok-marketing ads (25) agent text / vendor JSON",
    "7 context: tiktok-marketing ads (25) bytes on the wire",
    "7 context: linkedin-ads campaigns (25) agent text / vendor JSON",
    "7 context: linkedin-ads campaigns (25) bytes on the wire",
    "8 scaling: server CPU at 5x the rows / at 1x",
    "8 server CPU: campaign_group last_quarter by month",
    "9 LinkedIn row cap: rows returned / rows that exist",
    "10 latency direct: ads_report top 10 campaigns",
    "10 latency hosted: ads_report top 10 campaigns",
    "11 context: ads_report chars per row, columns=true / default",
)


def test_quick_bench_prints_every_row():
    run = subprocess.run([sys.executable, "-m", "bench", "--quick"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, f"stdout:\n{run.stdout[-3000:]}\nstderr:\n{run.stderr[-3000:]}"
    lines = run.stdout.splitlines()
    missing = [row for row in ROWS if not any(line.startswith(row) for line in lines)]
    assert not missing, f"rows missing: {missing}\n{run.stdout}"
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
