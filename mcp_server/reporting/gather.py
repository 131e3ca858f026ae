"""One platform's part of a report: its accounts, the asked and the compared period, in rows of base figures.

Every vendor request goes through the connector's own executor (validation, client, retries, request
budget per call), following next_cursor to the end, so a report sees exactly what `*_execute` would.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import anyio

from ..errors import ConnectorError, NotConfigured
from .args import ReportArgs
from .metrics import bases_for
from .periods import bucket, compared, onto_range, uncompared_days, unplaced_days
from .source import Dates, Level, ReportSource, VendorGrain

# Records one query reads in one executor call (the report's executors have no result cap, so a report
# answered whole comes back in one call); calls one query may follow along next_cursor (each has its own
# request budget); past them the platform's rows are incomplete (and say so).
PAGE = 25_000
MAX_PAGES = 10

Execute = Callable[..., Awaitable[dict[str, Any]]]  # the connector's Executor.execute
Progress = Callable[[str], Awaitable[None]]  # one step done, with a message


@dataclass
class Row:
    """Summed base figures of one report row in one period."""

    account_id: str
    id: str
    name: str | None
    period: tuple[int, str, str] | None  # (bucket index, first day, last day); None for total
    bases: dict[str, float | None] = field(default_factory=dict)
    vendor_rows: int = 0

    def add(self, bases: dict[str, float | None]) -> None:
        for name, value in bases.items():
            if name == "reach":  # unique people: a sum would count people twice
                self.bases[name] = value if self.vendor_rows == 0 else None
            elif value is not None:
                self.bases[name] = (self.bases.get(name) or 0) + value
            else:
                self.bases.setdefault(name, None)
        self.vendor_rows += 1


@dataclass
class Account:
    id: str
    name: str | None = None
    currency: str | None = None


@dataclass
class PlatformReport:
    platform: str
    source: ReportSource
    level: Level
    accounts: dict[str, Account] = field(default_factory=dict)
    current: list[Row] = field(default_factory=list)
    previous: list[Row] = field(default_factory=list)
    # Compared-period rows of days that stand for no day of the range: in the totals only, never in a row.
    unplaced: list[Row] = field(default_factory=list)
    # (account, bucket index) of buckets none of whose days has a counterpart: their _previous is null.
    uncompared: set[tuple[str, int]] = field(default_factory=set)
    periods: dict[str, dict[str, str]] = field(default_factory=dict)  # "current"/"previous" -> {start, end}
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    backend: str | None = None
    failed_accounts: list[str] = field(default_factory=list)  # accounts whose rows are missing (meta.failed)

    def warn(self, text: str) -> None:
        if text not in self.warnings:
            self.warnings.append(text)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


class PlatformQuery:
    """Runs one platform's report for the asked accounts, through its executor."""

    def __init__(self, platform: str, source: ReportSource, execute: Execute, args: ReportArgs, progress: Progress):
        self.platform = platform
        self.source = source
        self.execute = execute
        self.args = args
        self.progress = progress
        self.level = source.levels[args.level]
        self.report = PlatformReport(platform, source, self.level)
        self.grain: VendorGrain = "total" if args.granularity == "total" else "day"
        self.vendor_fields = [source.metrics[b].field for b in bases_for(args.wanted) if b in source.metrics]
        # Per account, each row id's parent (level.group): looked up once for both compared periods.
        self.parents: dict[str, dict[str, tuple[str, str | None]]] = {}

    async def pull(self, entity: str, action: str, params: dict[str, Any], fields: list[str]):
        """Every record of one query, following next_cursor; and the first page's meta."""
        records: list[dict[str, Any]] = []
        first: dict[str, Any] | None = None
        cursor = None
        for _ in range(MAX_PAGES):
            result = await self.execute(entity, action, None if cursor else params, fields, PAGE, cursor)
            meta = result["meta"]
            first = first or meta
            self.report.backend = meta.get("backend", self.report.backend)
            for warning in meta.get("warnings", []):
                self.report.warn(f"{self.platform}: {warning}")
            records.extend(result["data"])
            cursor = result["next_cursor"]
            if not cursor:
                return records, first
        self.report.warn(
            f"{self.platform}: stopped after {len(records):,} {entity} records; the figures are incomplete. "
            "Narrow the dates or the accounts."
        )
        return records, first or {}

    async def fetch(self, entity: str, action: str, params: dict[str, Any], fields: list[str]) -> list[dict[str, Any]]:
        records, _ = await self.pull(entity, action, params, fields)
        return records

    async def run(self, accounts: list[str]) -> PlatformReport:
        """Accounts run concurrently; one that fails leaves the others' rows, with a warning."""
        failed: dict[str, ConnectorError] = {}

        async def one(account: str) -> None:
            try:
                await self._account(account)
            except ConnectorError as exc:
                failed[account] = exc

        async with anyio.create_task_group() as group:
            for account in accounts:
                group.start_soon(one, account)
        if failed and len(failed) == len(accounts):
            raise next(iter(failed.values()))
        report = self.report
        for account, exc in failed.items():
            report.accounts.pop(account, None)
            report.current = [r for r in report.current if r.account_id != account]
            report.previous = [r for r in report.previous if r.account_id != account]
            report.unplaced = [r for r in report.unplaced if r.account_id != account]
            report.warn(f"{self.platform}: account {account} failed, its rows are missing: {exc.render()}")
            report.failed_accounts.append(account)
        return report

    async def _account(self, account_id: str) -> None:
        """The account's name and currency, its asked period, the compared one and (for a level that groups
        rows) the parents, all at once when they do not depend on each other: one wave where the platform
        resolves its days itself (source.local_dates); else the compared period follows the asked one."""
        account = self.report.accounts.setdefault(account_id, Account(account_id))
        args, source, level = self.args, self.source, self.level
        dates = Dates(preset=args.date_preset) if args.date_preset else Dates(start=args.start_date, end=args.end_date)
        local = source.local_dates(dates) if source.local_dates else None
        earlier = compared(*local, args.compare) if local else None

        async def info() -> dict[str, Any]:
            entity, action, params, fields = source.account_call(account_id)
            found = await self.fetch(entity, action, params, fields)
            if found:
                account.name, account.currency = source.account_info(found[0])
            await self.progress(f"{self.platform}: account {account_id}")
            return found[0] if found else {}

        account_call = asyncio.ensure_future(info())

        async def compared_pull() -> tuple[tuple[dt.date, dt.date] | None, Any]:
            """The compared period as soon as the account's record tells its days (source.account_dates)."""
            known = source.account_dates(dates, await account_call) if source.account_dates else None  # type: ignore[misc]
            then = compared(*known, args.compare) if known else None
            return then, (await self._pull(account, Dates(start=then[0], end=then[1])) if then else None)

        async def parents() -> None:
            if level.group is not None:  # the lists it reads do not depend on the report's rows
                self.parents.setdefault(account_id, {}).update(await level.group(self.fetch, account_id, []))

        steps: list[Any] = [account_call, parents(), self._pull(account, dates)]
        if earlier:
            steps.append(self._pull(account, Dates(start=earlier[0], end=earlier[1])))
        elif args.compare != "none" and source.account_dates:
            steps.append(compared_pull())
        done = await asyncio.gather(*steps, return_exceptions=True)
        for outcome in done:  # every step ran to its end; the first failure is the account's
            if isinstance(outcome, BaseException):
                raise outcome
        current, previous = done[2], done[3:]
        if previous and not earlier:  # from the account's days: (the range, its pull), or nothing known
            earlier, pulled = previous[0]
            previous = [pulled] if pulled is not None else []
        records, meta = current
        start, end = self._resolved(account, meta, "current")
        self.report.current.extend(await self._rows(account, records, (start, end), False, self._requests(start, end)))
        await self.progress(f"{self.platform}: current period of account {account.id}")
        self._counterparts(account.id, start, end)
        wanted = compared(start, end, args.compare)
        if not wanted:
            return
        if wanted != earlier or not previous:  # resolved elsewhere than expected (midnight passed), or unknown: ask now
            previous = [await self._pull(account, Dates(start=wanted[0], end=wanted[1]))]
        records, meta = previous[0]
        first, last = self._resolved(account, meta, "previous")
        rows = await self._rows(account, records, (start, end), True, self._requests(first, last))
        self.report.previous.extend(rows)
        await self.progress(f"{self.platform}: previous period of account {account.id}")

    async def _pull(self, account: Account, dates: Dates) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """One period's vendor records, and the first page's meta."""
        source, level = self.source, self.level
        query = source.query(level, account.id, dates, self.grain, self.vendor_fields)
        for note in query.notes:
            self.report.note(note)
        asked = [f for f in self.vendor_fields if f not in query.left_out]  # else the executor warns it is missing
        # A row's name comes from its parent (level.group) or the account there: the vendor's name is not asked.
        name = [] if level.group is not None or level.whole_account else [level.name_field]
        keep = [level.id_field, *name, *(source.day_fields if self.grain == "day" else ()), *asked]
        return await self.pull(level.entity, "list", query.params, list(dict.fromkeys(keep)))

    def _resolved(self, account: Account, meta: dict[str, Any], which: str) -> tuple[dt.date, dt.date]:
        """The days a period's query resolved to; advertisers in other time zones resolve a preset to other days:
        say so, never blend silently."""
        start, end = self.source.resolved_dates(meta.get("params", {}))
        span = {"start": start.isoformat(), "end": end.isoformat()}
        shown = self.report.periods.setdefault(which, span)
        if shown != span:
            self.report.warn(
                f"{self.platform}: account {account.id}'s {which} period is {span['start']} – {span['end']} (its own "
                f"time zone), not {shown['start']} – {shown['end']}; its rows cover its own days. Pass start_date/end_date "
                "for the same calendar days everywhere."
            )
        return start, end

    def _requests(self, start: dt.date, end: dt.date) -> int:
        """How many vendor requests answer the range: one row per object per request in the total grain."""
        span = self.source.total_span_days
        if self.grain != "total" or span is None:
            return 1
        requests = -(-((end - start).days + 1) // span)
        if requests > 1 and "reach" in self.args.wanted:
            self.report.note(
                f"reach is null for {start} – {end}: {self.source.platform} answers at most {span} days per request "
                f"without a day dimension, so these {(end - start).days + 1} days took {requests} requests whose rows "
                "add up, and unique people do not add up"
            )
        return requests

    def _counterparts(self, account: str, start: dt.date, end: dt.date) -> None:
        """Day and week buckets compare their days' counterparts only: say which days have none, and which
        earlier days stand for no day of the range (they count in the totals only)."""
        args = self.args
        if args.compare == "none" or args.granularity not in ("day", "week"):
            return
        missing = uncompared_days(start, end, args.compare)
        per_bucket: dict[int, int] = {}
        for day in missing:
            index, first, last = bucket(day, args.granularity, start, end)
            per_bucket[index] = per_bucket.get(index, 0) + 1
            if per_bucket[index] == (dt.date.fromisoformat(last) - dt.date.fromisoformat(first)).days + 1:
                self.report.uncompared.add((account, index))
        if missing:
            self.report.note(
                f"{_days(missing)} {'has' if len(missing) == 1 else 'have'} no counterpart in the compared period "
                "(days are matched by day number within their month): "
                + ("its row's _previous is null, not 0" if args.granularity == "day" and len(missing) == 1 else
                   "their rows' _previous is null, not 0" if args.granularity == "day" else
                   "a week holding one compares its other days only (null if it has none)")
            )
        spare = unplaced_days(start, end, args.compare)
        if spare:
            self.report.note(
                f"{_days(spare)} of the compared period {'stands' if len(spare) == 1 else 'stand'} for no day of "
                f"{start} – {end} (days are matched by day number within their month): counted in meta.totals' "
                "_previous only, in no row"
            )

    async def _rows(
        self, account: Account, records: list[dict[str, Any]], span: tuple[dt.date, dt.date], earlier: bool, requests: int
    ) -> list[Row]:
        """Vendor records summed into rows. Each record is keyed by its dimensions (its id, and its day in the day
        grain): a key seen more often than the requests that answer the range is a row that moved across a page
        boundary between requests (TikTok pages are numbered, with no order sent), so it is kept once and named
        in a warning. A range split into several requests (`requests` > 1, total grain only) legitimately has
        one row per object per request; a repeat within that allowance cannot be told apart from it."""
        source, level, args = self.source, self.level, self.args
        parents = self.parents.setdefault(account.id, {})
        if level.group is not None and records:
            missing = sorted({str(r.get(level.id_field)) for r in records} - set(parents))
            if missing:
                parents.update(await level.group(self.fetch, account.id, missing))
        rows: dict[tuple[str, int | None], Row] = {}
        unplaced: dict[str, Row] = {}
        orphans = set()
        seen: dict[tuple[str, str | None], int] = {}
        repeated: list[str] = []
        # Per record only what differs per record: the metric fields and each day's bucket are worked out once.
        fields = [(b, source.metrics[b].field if b in source.metrics else None) for b in bases_for(args.wanted)]
        places: dict[dt.date, tuple[dt.date | None, tuple[int, str, str] | None]] = {}
        for record in records:
            row_id, name = str(record.get(level.id_field)), record.get(level.name_field)
            day = source.day_of(record) if self.grain == "day" else None
            key = (row_id, day.isoformat() if day else None)
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > requests:
                repeated.append(f"{level.id_field} {row_id}" + (f" on {day}" if day else ""))
                continue
            if level.whole_account:
                row_id, name = account.id, account.name
            elif level.group is not None:
                if row_id not in parents:
                    orphans.add(row_id)
                row_id, name = parents.get(row_id, (f"none:{row_id}", None))
            bases = {b: _number(record.get(f)) if f is not None else None for b, f in fields}
            period = None
            if day is not None:
                place = places.get(day)
                if place is None:
                    # bucket i of both periods: the days of the range asked that these days stand for
                    onto = onto_range(day, *span, args.compare, args.granularity) if earlier else day
                    place = places[day] = (onto, bucket(onto, args.granularity, *span) if onto is not None else None)
                if place[0] is None:  # stands for no day of the range: in the totals only
                    unplaced.setdefault(row_id, Row(account.id, row_id, name, None)).add(bases)
                    continue
                period = place[1]
            row_key = (row_id, period[0] if period else None)
            row = rows.get(row_key)
            if row is None:
                row = rows[row_key] = Row(account.id, row_id, name, period)
            row.add(bases)
        self.report.unplaced.extend(unplaced.values())
        if orphans:
            self.report.warn(
                f"{self.platform}: {len(orphans)} row(s) have no {level.native} (ids {', '.join(sorted(orphans)[:5])}); "
                "they are shown under their own id."
            )
        if repeated:
            self.report.warn(
                f"{self.platform}: {len(repeated)} report row(s) of account {account.id} came back twice ("
                f"{', '.join(repeated[:5])}{', ...' if len(repeated) > 5 else ''}): rows moved across a page boundary "
                "between requests (live data); each was counted once."
            )
        return list(rows.values())


def _days(days: list[dt.date]) -> str:
    shown = ", ".join(d.isoformat() for d in days[:6])
    return shown + (f" and {len(days) - 6} more" if len(days) > 6 else "")


def accounts_for(source: ReportSource, platform: str, args: ReportArgs, settings: Any) -> list[str]:
    asked = (args.accounts or {}).get(platform)
    if asked:
        return list(dict.fromkeys(asked))
    default = source.default_account(settings)
    if not default:
        raise NotConfigured(
            f"{source.platform} has no default account.",
            fix=f'Set {source.account_setting}, or pass accounts={{"{platform}": ["<id>"]}}.',
        )
    return [default]

