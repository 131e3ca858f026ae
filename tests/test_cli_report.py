"""`connector-mcp report`: ads_report for a person (table), a program (JSON) and a spreadsheet (CSV), in demo mode."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys

import anyio
import pytest
from fastmcp import Client
from rich.cells import cell_len

from mcp_server.cli import main
from mcp_server.server import build_server
from mcp_server.settings import ServerSettings

LAST_7D = ["--demo", "report", "--date-preset", "last_7d", "--compare", "previous_period"]
# What the table asks for when --metrics is not given (README: Command line).
TABLE_METRICS = ["spend", "impressions", "clicks", "ctr", "cpc", "conversions", "cost_per_conversion"]


def run_main(capsys, *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_:
        main(list(argv))
    out, err = capsys.readouterr()
    return exit_.value.code, out, err


def tool_result(arguments: dict, *, hosted: bool = False) -> dict:
    """The ads_report result straight from the server, to compare the command's output with."""

    async def call() -> dict:
        async with Client(build_server(ServerSettings(demo=True), hosted_demo=hosted)) as client:
            result = await client.call_tool("ads_report", arguments)
            return result.structured_content

    return anyio.run(call)


def money(value: float, currency: str) -> str:
    return f"{currency} {value:,.2f}"


def signed(change: float | None) -> str:
    return "—" if change is None else f"{change:+.1f}%"  # already in percent (<metric>_change_pct)


def figure(name: str, value, currency: str | None) -> str:
    if value is None:
        return "—"
    if name in ("ctr", "conversion_rate"):
        return f"{value:.2f}%"
    if name in ("spend", "cpc", "cpm", "cost_per_conversion"):
        return money(value, currency)
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def expected_cells(record: dict, metrics: list[str]) -> list[str]:
    """Each metric as a person reads it, then its change (an absent metric, as in the overall total, is a dash)."""
    return [
        cell
        for name in metrics
        for cell in (figure(name, record.get(name), record.get("currency")), signed(record.get(f"{name}_change_pct")))
    ]


def line_of(text: str, row_id: str) -> str:
    lines = [line for line in text.splitlines() if f" {row_id} " in line]
    assert len(lines) == 1, (row_id, lines)
    return lines[0]


def test_table_shows_each_row_formatted_with_its_change_and_the_totals(capsys):
    code, out, err = run_main(capsys, *LAST_7D, "--limit", "25")
    assert code == 0, err
    expected = tool_result(
        {"date_preset": "last_7d", "compare": "previous_period", "limit": 25, "metrics": TABLE_METRICS}
    )
    rows, meta = expected["data"], expected["meta"]
    assert {r["platform"] for r in rows} == {"linkedin-ads", "tiktok-marketing"}
    # Each platform's own period and compared period, above the table.
    for platform, info in meta["platforms"].items():
        period, before = info["period"], info["compared_with"]
        assert (
            f"{platform} (campaign, direct): {period['start']} – {period['end']}, "
            f"compared with {before['start']} – {before['end']}"
        ) in out
    for row in rows:
        # Columns are at least 3 spaces apart; a cell never holds 3 spaces, so this splits them back.
        cells = re.split(r" {3,}", line_of(out, row["id"]).strip())
        assert cells == [row["platform"], row["id"], row["name"], *expected_cells(row, TABLE_METRICS)]
    # Ordered as the tool sorted them (spend desc), one line each.
    positions = [out.index(f" {row['id']} ") for row in rows]
    assert positions == sorted(positions)
    # Totals: one line per platform and the overall one, after the rows.
    totals = out[out.index("totals (per platform and currency"):]
    for total in meta["totals"]:
        line = next(line for line in totals.splitlines() if line.startswith(f"{total['platform']} "))
        cells = re.split(r" {3,}", line.strip())
        assert cells == [total["platform"], str(total["rows"]), *expected_cells(total, TABLE_METRICS)]
    assert [t["platform"] for t in meta["totals"]] == ["linkedin-ads", "tiktok-marketing", "all"]
    assert "warning: conversions are not added across platforms" in out
    assert "\x1b[" not in out and "…" not in out  # plain text, nothing cut, when stdout is not a terminal
    assert all(line == line.rstrip() for line in out.splitlines())


def test_json_output_equals_the_tool_result(capsys):
    argv = [*LAST_7D, "--level", "ad", "--metrics", "spend,clicks,ctr", "--sort", "clicks desc", "--limit", "5"]
    argv += ["--format", "json"]
    code, out, err = run_main(capsys, *argv)
    assert code == 0, err
    expected = tool_result(
        {"level": "ad", "date_preset": "last_7d", "compare": "previous_period", "metrics": ["spend", "clicks", "ctr"],
         "sort": "clicks desc", "limit": 5}
    )  # fmt: skip
    assert json.loads(out) == expected
    assert out.startswith('{\n  "data"')  # indented for a person


def test_csv_parses_back_to_the_json_rows(capsys):
    argv = [*LAST_7D, "--granularity", "day", "--limit", "40", "--platforms", "tiktok-marketing",
            "--accounts", "tiktok-marketing=7294619358021763074"]  # fmt: skip
    code, out, err = run_main(capsys, *argv, "--format", "csv")
    assert code == 0, err
    code, as_json, _ = run_main(capsys, *argv, "--format", "json")
    assert code == 0
    rows = json.loads(as_json)["data"]
    assert json.loads(as_json)["meta"]["platforms"]["tiktok-marketing"]["accounts"] == ["7294619358021763074"]
    reader = csv.DictReader(io.StringIO(out))
    assert reader.fieldnames == list(dict.fromkeys(key for row in rows for key in row))
    parsed = list(reader)
    assert len(parsed) == len(rows) == 40  # rows only: no totals mixed in
    for got, want in zip(parsed, rows, strict=True):
        for key, value in want.items():
            if value is None:
                assert got[key] == "", key
            elif isinstance(value, (int, float)):
                assert float(got[key]) == value, key
            else:
                assert got[key] == str(value), key
    assert {"period", "spend_change_pct", "ctr_previous"} <= set(reader.fieldnames)  # the unit in the name
    assert {r["platform"] for r in parsed} == {"tiktok-marketing"}
    # What the CSV cannot hold goes to stderr.
    assert "note: " in err and "more rows" in err


def test_hosted_demo_report(capsys):
    code, out, err = run_main(capsys, "--demo", "--hosted", "report", "--metrics", "spend", "--format", "json")
    assert code == 0, err
    platforms = json.loads(out)["meta"]["platforms"]
    assert {info["backend"] for info in platforms.values()} == {"hosted"}


def one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err  # not argparse's whole usage text
    return lines[0]


def test_a_bad_choice_is_one_line_naming_the_flag_exit_2(capsys):
    code, out, err = run_main(capsys, "--demo", "report", "--compare", "last_week")
    assert code == 2 and out == ""
    line = one_line_error(err)
    assert "argument --compare: invalid choice: 'last_week'" in line and "previous_period" in line
    assert "`connector-mcp report --help`" in line


def test_a_bad_preset_is_one_line_naming_the_flag_exit_2(capsys):
    code, out, err = run_main(capsys, "--demo", "report", "--date-preset", "last_7days")
    assert code == 2 and out == ""
    line = one_line_error(err)
    assert "argument --date-preset: invalid choice: 'last_7days'" in line and "'last_7d'" in line


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--accounts", "linkedin-ads"], "is not PLATFORM=ID,ID"),
        (["--start-date", "2026-02-30", "--end-date", "2026-03-01"], "'2026-02-30' is not a date YYYY-MM-DD"),
        (["--format", "xlsx"], "invalid choice: 'xlsx'"),
    ],
)
def test_malformed_flags_exit_2_naming_the_flag(capsys, argv, message):
    code, out, err = run_main(capsys, "--demo", "report", *argv)
    assert code == 2 and out == ""
    assert message in one_line_error(err)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--metrics", "spend,clickz"], "--metrics: unknown metric 'clickz'; did you mean 'clicks'?"),
        (["--start-date", "2026-05-01"], "pass --start-date and --end-date together (or a --date-preset)"),
        (
            ["--date-preset", "last_7d", "--start-date", "2026-05-01", "--end-date", "2026-05-02"],
            "--date-preset and --start-date/--end-date both give the range",
        ),
        (["--limit", "0"], "--limit: "),
        (["--sort", "spend_change_pct desc"], "--sort column 'spend_change_pct' needs --compare. Fix: Pass --compare previous_period"),
        (["--accounts", "linkedin-ads=abc"], "--accounts linkedin-ads=…: 'abc' is not an account id"),
    ],
)
def test_a_value_the_tool_refuses_is_one_line_in_flags_exit_2(capsys, argv, message):
    """Values argparse cannot check are checked by the tool; the command says them in its own flags."""
    code, out, err = run_main(capsys, "--demo", "report", *argv, "--format", "csv")
    assert code == 2 and out == ""
    line = one_line_error(err)
    assert message in line, line
    for tool_word in ("date_preset", "start_date", "describe(", "Correct the arguments", "invalid_params"):
        assert tool_word not in line, line


def test_a_report_that_cannot_be_made_exits_1(capsys):
    code, out, err = run_main(capsys, "report", "--metrics", "spend")  # no credentials, no --demo
    assert code == 1 and out == ""
    line = one_line_error(err)
    assert "not_configured" in line and not line.startswith("error: error:")


@pytest.mark.parametrize("output", ["table", "json"])
def test_a_platform_that_failed_exits_3_after_the_others_rows(capsys, direct_env, output):
    direct_env["tiktok-marketing"].fault("report/integrated", "40105", times=20)
    code, out, err = run_main(capsys, "report", "--metrics", "spend", "--format", output)
    assert code == 3, err
    assert "linkedin-ads" in out  # the other platform's rows are printed
    assert err.strip().splitlines()[-1] == "error: tiktok-marketing failed; the report lacks their rows (exit 3)"
    if output == "json":
        assert json.loads(out)["meta"]["failed"] == ["tiktok-marketing"]
    else:
        assert "warning: tiktok-marketing failed, its rows are missing: auth_error" in out


def test_done_when_the_demo_prints_last_7d_against_the_previous_7d_as_a_table():
    """The issue's "done when", as a user types it, through a pipe that claims a 60-column colour terminal."""
    env = {**os.environ, "COLUMNS": "60", "FORCE_COLOR": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "mcp_server", *LAST_7D], capture_output=True, text=True, env=env, timeout=120
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "\x1b[" not in out and "…" not in out
    rows_part = out[: out.index("totals (per platform and currency")]
    header = next(line for line in rows_part.splitlines() if line.startswith("platform "))
    assert header.split() == ["platform", "id", "name", *[c for m in TABLE_METRICS for c in (m, "Δ")]]
    row_lines = [line for line in rows_part.splitlines() if re.match(r"(linkedin-ads|tiktok-marketing) +\d+ ", line)]
    assert len(row_lines) == 25  # the tool's default limit
    assert {line.split()[0] for line in row_lines} == {"linkedin-ads", "tiktok-marketing"}
    for line in row_lines:  # each row: spend in its currency, then its change against the previous 7 days
        assert re.search(r"USD [\d,]+\.\d\d +([+-][\d,]+\.\d%|—) ", line), line
        assert len(line) > 60  # not wrapped at COLUMNS
    assert re.search(r"compared with \d{4}-\d\d-\d\d – \d{4}-\d\d-\d\d", out)


class NarrowTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def terminal_text(result: dict, columns: int, monkeypatch) -> str:
    from mcp_server.reporting.table import print_table

    monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.delenv("NO_COLOR", raising=False)
    screen = NarrowTerminal()
    print_table(result, screen)
    assert "\x1b[" in screen.getvalue()  # a terminal gets rich's styling
    return re.sub(r"\x1b\[[0-9;]*m", "", screen.getvalue())


@pytest.mark.parametrize("compare", ["previous_period", "none"])
def test_in_an_80_column_terminal_no_line_wraps_and_figures_are_never_cut(monkeypatch, compare):
    """Each record stacked: its labels on one line (a long name cut with an ellipsis), then its figures."""
    result = tool_result({"date_preset": "last_7d", "compare": compare, "limit": 8, "metrics": TABLE_METRICS})
    text = terminal_text(result, 80, monkeypatch)
    rows_part = text[text.index("8 of ") : text.index("totals (per platform")]
    assert max(cell_len(line) for line in text.splitlines()) <= 80
    cut = 0
    for row in result["data"]:
        label_line = next(line for line in rows_part.splitlines() if f"  {row['id']}  " in line)
        assert label_line.startswith(f"{row['platform']}  {row['id']}  ")
        if row["name"] in label_line:
            assert label_line.endswith(row["name"])
        else:  # cut to the width, with an ellipsis
            cut += 1
            assert label_line.endswith("…") and cell_len(label_line) == 80
            assert row["name"].startswith(label_line.split("  ", 2)[2][:-1])
        block = rows_part[rows_part.index(label_line) :].split("\n")[1:5]
        figures = " ".join(block)
        assert re.search(rf"spend +{re.escape(money(row['spend'], row['currency']))}\b", figures)
        if compare != "none":
            spend = f"{re.escape(money(row['spend'], row['currency']))} +{re.escape(signed(row['spend_change_pct']))}"
            assert re.search(spend, figures), figures
    assert cut  # the demo has names longer than 80 columns allow


def test_in_a_wide_terminal_the_table_keeps_one_line_per_row(monkeypatch):
    result = tool_result({"date_preset": "last_7d", "limit": 5, "metrics": TABLE_METRICS})
    text = terminal_text(result, 200, monkeypatch)
    header = next(line for line in text.splitlines() if line.startswith("platform "))
    assert header.split() == ["platform", "id", "name", *TABLE_METRICS]
    for row in result["data"]:  # whole names, every figure, one line
        line = line_of(text, row["id"])
        assert row["name"] in line and money(row["spend"], row["currency"]) in line
    assert max(cell_len(line) for line in text.splitlines()) <= 200
    # a little narrower: names are cut with an ellipsis before the table gives way to stacked records
    text = terminal_text(result, 150, monkeypatch)
    assert "…" in text and max(cell_len(line) for line in text.splitlines()) <= 150
    assert all(money(row["spend"], row["currency"]) in line_of(text, row["id"]) for row in result["data"])
