"""An ads_report result for a person or a spreadsheet: an aligned text table (rich), or CSV rows.

The figures are the tool's, only formatted: money with its currency, ctr and conversion_rate as percentages
(they already are in percent), changes as signed percentages (<metric>_change_pct 25.0 → +25.0%), null as an
em dash. CSV keeps the tool's column names and values, so its units are the tool's (connectors://metrics).
"""

from __future__ import annotations

import csv
from typing import IO, Any

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .metrics import CHANGE, METRICS, MONEY

PERCENT = ("ctr", "conversion_rate")
# What the table asks for when no metrics are named: Ads Manager's usual columns, so that a comparison
# (each metric and its change) still reads in a terminal. JSON and CSV keep the tool's default (all).
TABLE_METRICS = ("spend", "impressions", "clicks", "ctr", "cpc", "conversions", "cost_per_conversion")
NULL = "—"
# Wide enough for any report: in a pipe or a file nothing is wrapped or cut (the lines are as long as the table).
UNLIMITED = 100_000
COLUMN_TEXT = {"account_name": "account", "name": "name", "period": "period", "rows": "rows"}


def _number(value: float | int) -> str:
    if isinstance(value, int) or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def metric_text(name: str, value: Any, currency: str | None) -> str:
    if value is None:
        return NULL
    if name in PERCENT:
        return f"{value:,.2f}%"
    if name in MONEY:
        amount = f"{value:,.2f}"
        return f"{currency} {amount}" if currency else amount
    return _number(value)


def change_text(value: float | None) -> str:
    return NULL if value is None else f"{value:+,.1f}%"


def _metrics(records: list[dict[str, Any]]) -> list[str]:
    present = {key for record in records for key in record}
    return [m for m in METRICS if m in present]


def _period(row: dict[str, Any]) -> str:
    start, end = row.get("period"), row.get("period_end")
    return f"{start} – {end}" if end and end != start else str(start)


def _table(records: list[dict[str, Any]], labels: list[str], compare: bool) -> Table:
    """Label columns (text, may wrap in a narrow terminal), then each metric and its change (never cut)."""
    metrics = _metrics(records)
    figures = [(name, name) for name in metrics]
    if compare:
        figures = [pair for name in metrics for pair in ((name, name), ("Δ", f"{name}{CHANGE}"))]
    rows = []
    for record in records:
        cells = [NULL if record.get(label) is None else str(record[label]) for label in labels]
        if "period" in labels:
            cells[labels.index("period")] = _period(record)
        for header, key in figures:
            value = record.get(key)
            is_change = key.endswith(CHANGE)
            cells.append(change_text(value) if is_change else metric_text(key, value, record.get("currency")))
        rows.append(cells)
    # No edges and no outer padding: lines end with the last figure (no trailing blanks in a file).
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, highlight=False)
    for label in labels:
        justify = "right" if label == "rows" else "left"
        table.add_column(COLUMN_TEXT.get(label, label), overflow="fold", justify=justify)
    for index, (header, _key) in enumerate(figures, start=len(labels)):
        # A figure's full width is its column's minimum, so a narrow terminal can never shorten it to "1,2…".
        widest = max([cell_len(header), *(cell_len(cells[index]) for cells in rows)])
        table.add_column(header, justify="right", no_wrap=True, min_width=widest)
    for cells in rows:
        table.add_row(*(Text(cell) for cell in cells))
    return table


def _range(period: dict[str, str] | None) -> str:
    return f"{period['start']} – {period['end']}" if period else NULL


def _header(meta: dict[str, Any]) -> list[str]:
    lines = []
    for platform, info in meta.get("platforms", {}).items():
        line = f"{platform} ({info.get('native_level')}, {info.get('backend')}): {_range(info.get('period'))}"
        if "compared_with" in info:
            line += f", compared with {_range(info['compared_with'])}"
        if info.get("days"):
            line += f"; {info['days']}"
        lines.append(line)
    for key in ("left_out", "skipped"):
        for platform, why in (meta.get(key) or {}).items():
            lines.append(f"{platform}: {key.replace('_', ' ')}: {why}")
    return lines


def messages(meta: dict[str, Any]) -> list[str]:
    """The result's notes and warnings, one line each, for below the table or stderr."""
    return [f"note: {n}" for n in meta.get("notes", [])] + [f"warning: {w}" for w in meta.get("warnings", [])]


def console(file: IO[str]) -> Console:
    """Plain text without colour when the output is not a terminal, and then as wide as the table needs."""
    terminal = bool(getattr(file, "isatty", lambda: False)())
    return Console(
        # In a terminal, rich's own width and NO_COLOR apply; elsewhere FORCE_COLOR and COLUMNS do not.
        file=file, force_terminal=terminal, no_color=None if terminal else True, width=None if terminal else UNLIMITED,
        highlight=False, markup=False, emoji=False, soft_wrap=False,
    )  # fmt: skip


def print_table(result: dict[str, Any], file: IO[str]) -> None:
    out = console(file)
    rows, meta = result.get("data", []), result.get("meta", {})
    compare = meta.get("compare", "none") != "none"
    sandbox = " (sandbox: synthetic data)" if meta.get("sandbox") else ""
    shape = f"{meta.get('level')} level, {meta.get('granularity')}, sorted by {meta.get('sort')}"
    out.print(f"ads_report: {shape}{sandbox}")
    for line in _header(meta):
        out.print(line)
    labels = ["platform"]
    if len({(r.get("platform"), r.get("account_id")) for r in rows}) > len({r.get("platform") for r in rows}):
        labels.append("account_name")  # several accounts on one platform: say which
    labels += ["id", "name"]  # names repeat (LinkedIn campaigns often share one); the id tells them apart
    if any("period" in r for r in rows):
        labels.append("period")
    shown = f"{meta.get('returned', len(rows))} of {meta.get('rows', len(rows))} rows"
    if rows:
        _print_fitted(out, f"{shown}:", _table(rows, labels, compare))
    else:
        out.print(f"\nno rows ({shown})")
    totals = meta.get("totals") or []
    if totals:
        title = "totals (per platform and currency; all rows, not only those shown):"
        _print_fitted(out, title, _table(totals, ["platform", "rows"], compare))
    lines = messages(meta)
    if lines:
        out.print()
    for line in lines:
        out.print(line)


def _print_fitted(out: Console, title: str, table: Table) -> None:
    """In a terminal narrower than the table, label columns wrap but figures are never cut: the table
    then runs past the edge instead."""
    out.print()
    out.print(title)
    needed = out.measure(table, options=out.options.update_width(UNLIMITED)).minimum
    screen = out.width
    out.width = max(needed, screen)  # print(width=...) would still crop at the screen's width
    try:
        out.print(table)
    finally:
        out.width = screen


def write_csv(result: dict[str, Any], file: IO[str]) -> None:
    """The rows only (no totals), columns in first-seen order; null is an empty cell."""
    rows = result.get("data", [])
    columns = list(dict.fromkeys(key for row in rows for key in row))
    writer = csv.DictWriter(file, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
