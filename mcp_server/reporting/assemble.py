"""Platform reports into one answer: rows with normalized metrics, the compared period, totals, sort, limit."""

from __future__ import annotations

from typing import Any

from .args import ReportArgs
from .gather import PlatformReport, Row
from .metrics import ADDITIVE, MONEY, NOT_ACROSS, RATIOS, bases_for, compared_figures, figures
from .source import ReportSource

Key = tuple[str, str, str, int | None]  # platform, account, row id, bucket index


def _key(platform: str, row: Row) -> Key:
    return platform, row.account_id, row.id, row.period[0] if row.period else None


def _sum(rows: list[Row], names: tuple[str, ...]) -> dict[str, float | None]:
    total = Row("", "", None, None)
    for row in rows:
        # A row that already combines several vendor rows has no reach to carry into a total.
        total.add({n: row.bases.get(n) for n in names} | ({"reach": None} if row.vendor_rows > 1 else {}))
    return total.bases


def build_rows(reports: list[PlatformReport], args: ReportArgs) -> list[dict[str, Any]]:
    wanted, compare = args.wanted, args.compare != "none"
    needle = (args.name_contains or "").casefold()
    out = []
    for report in reports:
        current = {_key(report.platform, r): r for r in report.current}
        previous = {_key(report.platform, r): r for r in report.previous}
        for key in [*current, *(k for k in previous if k not in current)]:
            now, then = current.get(key), previous.get(key)
            base = now or then
            assert base is not None
            account = report.accounts[base.account_id]
            row: dict[str, Any] = {
                "platform": report.platform,
                "native_level": report.level.native,
                "account_id": account.id,
                "account_name": account.name,
                "currency": account.currency,
                "id": base.id,
                "name": (now.name if now and now.name else base.name) or (then.name if then else None),
            }
            if needle and needle not in str(row["name"] or "").casefold():
                continue
            if base.period:
                row["period"] = (now or base).period[1]
                if args.granularity != "day":
                    row["period_end"] = (now or base).period[2]
            # No row in a period: nothing delivered, so 0 for the figures this platform has (and null for the rest).
            zero = {b: 0 for b in bases_for(wanted) if b != "reach" and b in report.source.metrics}
            if not compare:
                row.update(figures(now.bases if now else zero, wanted))
            else:
                # A bucket none of whose days has a counterpart has nothing to compare with: null, not 0.
                uncompared = base.period is not None and (base.account_id, base.period[0]) in report.uncompared
                earlier = {} if uncompared else then.bases if then else zero
                row.update(compared_figures(now.bases if now else zero, earlier, wanted))
            row["_bases"] = (now, then)
            out.append(row)
    return out


def totals_only(reports: list[PlatformReport], args: ReportArgs) -> list[dict[str, Any]]:
    """Compared-period figures of days that stand for no day of the range: no row shows them, the totals add them."""
    needle = (args.name_contains or "").casefold()
    return [
        {"platform": r.platform, "currency": r.accounts[row.account_id].currency, "_bases": (None, row), "_total_only": True}
        for r in reports
        for row in r.unplaced
        if not needle or needle in str(row.name or "").casefold()
    ]


def totals(
    rows: list[dict[str, Any]],
    args: ReportArgs,
    earlier_only: list[dict[str, Any]] = (),  # type: ignore[assignment]
    sources: dict[str, ReportSource] | None = None,
) -> tuple[list[dict[str, Any]], list[str]]:
    """One total per platform and currency; an overall one of additive, same-currency figures only.
    `earlier_only` (from totals_only) adds to the compared period's figures without counting as rows;
    `sources` (platform -> its declaration) lets a warning quote each platform's definition."""
    wanted, compare = args.wanted, args.compare != "none"
    groups: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
    for row in [*rows, *(earlier_only if compare else ())]:
        groups.setdefault((row["platform"], row["currency"]), []).append(row)
    needed = bases_for(wanted)
    result, warnings = [], []

    def entry(label: dict[str, Any], members: list[dict[str, Any]], metrics: tuple[str, ...]) -> dict[str, Any]:
        now = _sum([r["_bases"][0] for r in members if r["_bases"][0]], needed)
        count = sum(1 for r in members if not r.get("_total_only"))
        if not compare:
            return {**label, "rows": count, **figures(now, metrics)}
        then = _sum([r["_bases"][1] for r in members if r["_bases"][1]], needed)
        return {**label, "rows": count, **compared_figures(now, then, metrics)}

    for (platform, currency), members in groups.items():
        result.append(entry({"platform": platform, "currency": currency}, members, wanted))
    platforms = {p for p, _ in groups}
    currencies = {c for _, c in groups}
    if len(platforms) > 1:
        # Figures each platform defines its own way (and what is computed from them) and reach never add up
        # across platforms.
        def apart(metric: str) -> str | None:
            ratio = RATIOS.get(metric)
            return next((b for b in ((ratio.numerator, ratio.denominator) if ratio else (metric,)) if b in NOT_ACROSS), None)

        shared = tuple(m for m in wanted if (m in ADDITIVE or m in RATIOS) and apart(m) is None)
        for base in dict.fromkeys(b for m in wanted if (b := apart(m))):
            defined = [f"{p}: {s.metrics[base].definition}" for p, s in (sources or {}).items() if base in s.metrics]
            reason = NOT_ACROSS[base] + (f" ({' '.join(defined)})" if defined and base != "conversions" else "")
            warnings.append(
                f"{base} are not added across platforms: {reason}; compare them per platform in meta.totals "
                "(connectors://metrics defines them)"
            )
        everything = [*rows, *(earlier_only if compare else ())]
        if len(currencies) == 1 and None not in currencies:
            result.append(entry({"platform": "all", "currency": next(iter(currencies))}, everything, shared))
        elif any(m in MONEY for m in wanted):
            shown = ", ".join(sorted(f"{c or 'unknown'} ({p})" for p, c in groups))
            warnings.append(
                f"spend is in {shown}: amounts in different currencies are not added, so there is no overall "
                "total of spend, cpc or cpm; compare them per platform"
            )
            no_money = tuple(m for m in shared if m not in MONEY)
            if no_money:
                result.append(entry({"platform": "all", "currency": None}, everything, no_money))
    return result, warnings


def sort_rows(rows: list[dict[str, Any]], keys: list[tuple[str, bool]]) -> list[dict[str, Any]]:
    """Stable sorts from the last key to the first; nulls last whichever the direction."""
    for column, descending in reversed(keys):
        present = [r for r in rows if r.get(column) is not None]
        missing = [r for r in rows if r.get(column) is None]

        def value(row: dict[str, Any], column: str = column) -> Any:
            v = row[column]
            return v.casefold() if isinstance(v, str) else v

        rows = sorted(present, key=value, reverse=descending) + missing
    return rows
