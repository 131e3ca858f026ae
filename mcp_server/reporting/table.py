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
# In a terminal, names are cut with an ellipsis to fit the table, down to this (the id tells rows apart; JSON and
# CSV keep the whole name); below it, each record is stacked instead.
NAME_WIDTH = 24
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


def _cells(records: list[dict[str, Any]], labels: list[str], compare: bool) -> tuple[list[str], list[list[str]]]:
    """The figure headers (each metric, then its change "Δ" when comparing) and each record's cells: its labels,
    then its figures, as text."""
    metrics = _metrics(records)
    figures = [(name, name) for name in metrics]
    if compare:
        figures = [pair for name in metrics for pair in ((name, name), ("Δ", f"{name}{CHANGE}"))]
    rows = []
    for record in records:
        cells = [NULL if record.get(label) is None else str(record[label]) for label in labels]
        if "period" in labels:
            cells[labels.index("period")] = _period(record)
        for _header, key in figures:
            value = record.get(key)
            is_change = key.endswith(CHANGE)
            cells.append(change_text(value) if is_change else metric_text(key, value, record.get("currency")))
        rows.append(cells)
    return [header for header, _key in figures], rows


def _table(
    labels: list[str], headers: list[str], rows: list[list[str]], *, terminal: bool = False, name_width: int | None = None
) -> Table:
    """Label columns, then each figure (never cut); a name longer than name_width ends in an ellipsis. In a
    terminal, columns are 2 spaces apart instead of 3 (a comparison then fits in 200 columns)."""
    # No edges and no outer padding: lines end with the last figure (no trailing blanks in a file).
    table = Table(
        box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=terminal, highlight=False
    )
    for label in labels:
        justify = "right" if label == "rows" else "left"
        if label == "name" and name_width:
            table.add_column("name", overflow="ellipsis", no_wrap=True, max_width=name_width)
        else:
            table.add_column(COLUMN_TEXT.get(label, label), no_wrap=True, justify=justify)
    for index, header in enumerate(headers, start=len(labels)):
        # A figure's full width is its column's minimum, so a narrow terminal can never shorten it to "1,2…".
        widest = max([cell_len(header), *(cell_len(cells[index]) for cells in rows)])
        table.add_column(header, justify="right", no_wrap=True, min_width=widest)
    for cells in rows:
        table.add_row(*(Text(cell) for cell in cells))
    return table


def _stacked(labels: list[str], headers: list[str], rows: list[list[str]], width: int) -> list[str]:
    """For a terminal too narrow for the table: each record is a line of its labels (the name cut with an
    ellipsis to fit), then its figures as "metric value Δ" cells, indented, as many to a line as fit. Every
    record packs its cells the same way, so a metric stays in the same place from one record to the next."""
    named = [(header if header != "Δ" else None, index) for index, header in enumerate(headers, start=len(labels))]
    groups: list[list[int]] = []  # a metric's cell: its value's index, then its change's when comparing
    for header, index in named:
        if header is None:
            groups[-1].append(index)
        else:
            groups.append([index])

    def part_width(index: int) -> int:
        return max(cell_len(cells[index]) for cells in rows)

    def name_of(number: int) -> str:
        return headers[groups[number][0] - len(labels)]

    # The most metrics to a line whose slots, each padded to its widest name and figures, still fit: the
    # lines then read as a grid. One to a line when even two do not fit.
    indent, gap = "  ", "   "
    for per_line in range(len(groups), 0, -1):
        lines_of_cells = [list(range(len(groups)))[i : i + per_line] for i in range(0, len(groups), per_line)]
        slots = range(per_line)
        name_w = [max(cell_len(name_of(ns[j])) for ns in lines_of_cells if j < len(ns)) for j in slots]
        # each slot's figure parts (value, then change) padded to the widest value and change in it
        part_w = [
            [max(part_width(groups[ns[j]][p]) for ns in lines_of_cells if j < len(ns)) for p in range(len(groups[0]))]
            for j in slots
        ]  # fmt: skip
        slot_w = [name_w[j] + sum(1 + w for w in part_w[j]) for j in slots]
        if len(indent) + sum(slot_w) + len(gap) * (per_line - 1) <= width:
            break
    out = []
    for cells in rows:
        out.append(_label_line(labels, cells, width))
        for numbers in lines_of_cells:
            parts = []
            for slot, number in enumerate(numbers):
                group = groups[number]
                header = headers[group[0] - len(labels)]
                figures = " ".join(_rjust(cells[i], w) for i, w in zip(group, part_w[slot], strict=True))
                parts.append(f"{_ljust(header, name_w[slot])} {figures}")
            out.append((indent + gap.join(parts)).rstrip())
    return out


def _rjust(text: str, width: int) -> str:
    return " " * max(width - cell_len(text), 0) + text


def _ljust(text: str, width: int) -> str:
    return text + " " * max(width - cell_len(text), 0)


def _label_line(labels: list[str], cells: list[str], width: int) -> str:
    """A record's labels on one line, the name (last, the only long one) cut with an ellipsis to fit."""
    texts = [cells[i] + (" rows" if label == "rows" else "") for i, label in enumerate(labels) if label != "name"]
    line = "  ".join(texts)
    if "name" not in labels:
        return line
    name = Text(cells[labels.index("name")])
    name.truncate(max(width - cell_len(line) - 2, 1), overflow="ellipsis")
    return f"{line}  {name.plain}"


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
    sections = []
    if rows:
        sections.append((f"{shown}:", labels, *_cells(rows, labels, compare)))
    totals = meta.get("totals") or []
    if totals:
        title = "totals (per platform and currency; all rows, not only those shown):"
        sections.append((title, ["platform", "rows"], *_cells(totals, ["platform", "rows"], compare)))
    tables = [_fitted_table(out, *section[1:]) for section in sections]
    stacked = None in tables  # one layout for rows and totals alike
    if not rows:
        out.print(f"\nno rows ({shown})")
    for (title, *section), table in zip(sections, tables, strict=True):
        out.print()
        out.print(title)
        if not stacked:
            _print_wide(out, table)
            continue
        for line in _stacked(*section, out.width):  # a record's label line (unindented) in bold
            out.print(Text(line, style="" if line.startswith(" ") else "bold"))
    lines = messages(meta)
    if lines:
        out.print()
    for line in lines:
        out.print(line)


def _fitted_table(out: Console, labels: list[str], headers: list[str], rows: list[list[str]]) -> Table | None:
    """A file or a pipe gets the whole table, as wide as it needs. A terminal gets it when it fits its width with
    names cut to no fewer than NAME_WIDTH characters; else None: each record is then stacked (see _stacked), so
    the terminal never wraps a line of figures."""
    if not out.is_terminal:
        return _table(labels, headers, rows)
    longest = max(cell_len(cells[labels.index("name")]) for cells in rows) if "name" in labels else 0
    table = _table(labels, headers, rows, terminal=True)
    needed = out.measure(table, options=out.options.update_width(UNLIMITED)).maximum
    if needed > out.width and "name" in labels:  # cut long names, down to NAME_WIDTH, to fit
        if longest - (needed - out.width) >= min(NAME_WIDTH, longest):
            return _table(labels, headers, rows, terminal=True, name_width=longest - (needed - out.width))
    return table if needed <= out.width else None


def _print_wide(out: Console, table: Table | None) -> None:
    screen = out.width
    out.width = max(out.measure(table, options=out.options.update_width(UNLIMITED)).maximum, screen)
    try:  # print(width=...) would still crop at the console's width
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
