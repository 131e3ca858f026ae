"""The `ads_report` tool: one question across every platform, answered from each connector's declaration."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import anyio
from fastmcp.tools import Tool, ToolResult
from pydantic import Field
from pydantic.json_schema import SkipJsonSchema

from ..catalog import compact_schema
from ..connector import Connector
from ..errors import ConnectorError, InvalidParams, NotConfigured
from ..progress import Progress
from ..redact import scrub
from ..shaping import MAX_RESULT_TOKENS_SETTING, records_that_fit
from ..tool_results import LeanMeta, answer
from ..validation import choices, validate_params
from .args import ReportArgs, parse_args

if TYPE_CHECKING:  # gathering and assembling rows load with the first report, not to list the tool
    from .gather import PlatformReport

log = logging.getLogger("mcp_server.reporting")
NAME = "ads_report"

DESCRIPTION = (
    "Performance across every ad platform: spend, impressions, clicks, ctr, cpc, cpm, conversions, "
    "cost_per_conversion, conversion_rate, video_views, reach per level, in total or by day/week/month; compare "
    "adds <metric>_previous and <metric>_change_pct. ctr, conversion_rate, _change_pct: percent (1.4 = 1.4%).\n"
    "Ratios come from summed figures. meta.totals: per platform and currency; an overall total never adds "
    "conversions, video_views or mixed currencies. Definitions and rules: connectors://metrics. A failing platform "
    "is a warning."
)


@dataclass(frozen=True)
class Platform:
    connector: Connector
    execute: Any  # that connector's Executor.execute (limits and budgets as *_execute)


def input_schema() -> dict[str, Any]:
    schema = compact_schema(ReportArgs.model_json_schema())
    schema["additionalProperties"] = False
    return schema


class ReportTool(LeanMeta, Tool):
    platforms: SkipJsonSchema[Any] = Field(default=None, exclude=True)  # connector id -> Platform
    runtime: SkipJsonSchema[Any] = Field(default=None, exclude=True)
    max_tokens: SkipJsonSchema[int] = Field(default=20_000, exclude=True)

    async def run(self, arguments: dict[str, Any]) -> ToolResult:
        return await answer(NAME, self.report(arguments))

    async def report(self, arguments: dict[str, Any]) -> dict[str, Any]:
        from .assemble import build_rows, sort_rows, totals, totals_only
        from .gather import accounts_for

        args = parse_args(arguments)
        served = list(self.platforms)
        for name in [*(args.platforms or []), *(args.accounts or {})]:
            if name not in self.platforms:
                raise InvalidParams(f"unknown platform {name!r}.", fix=choices(name, served))
        self._check_accounts(args)
        asked = list(dict.fromkeys(args.platforms or served))
        meta: dict[str, Any] = {"level": args.level, "granularity": args.granularity, "compare": args.compare}
        left_out = {
            p: f"{self.platforms[p].connector.title} has no {args.level.replace('_', ' ')} level"
            for p in asked
            if args.level not in self.platforms[p].connector.report.levels
        }
        chosen = [p for p in asked if p not in left_out]
        if not chosen:
            raise InvalidParams(
                f"no platform asked reports level {args.level}: {'; '.join(left_out.values())}.",
                fix="Ask another level (account, campaign or ad exist on every platform).",
            )
        skipped: dict[str, str] = {}
        failed: dict[str, ConnectorError] = {}
        runs: dict[str, list[str]] = {}
        for platform in chosen:
            connector = self.platforms[platform].connector
            status = self.runtime.describe_mode(connector)
            if status["mode"] is None:
                if args.platforms is None:
                    skipped[platform] = status["error"]  # not set up: left out unless asked for by name
                else:  # asked for by name: its warning names what is missing (credentials), not a default account
                    failed[platform] = NotConfigured(status["error"].removeprefix(f"{NotConfigured.kind}: "))
                continue
            try:
                runs[platform] = accounts_for(connector.report, platform, args, self.runtime.connector_settings(connector))
            except ConnectorError as exc:
                failed[platform] = exc
        reports = await self._gather(args, runs, failed)
        if not reports:
            if failed:
                first = next(iter(failed.values()))
                same = all(type(e) is type(first) for e in failed.values())
                parts = [f"{p}: {e.render().removeprefix(e.kind + ': ') if same else e.render()}" for p, e in failed.items()]
                raise (type(first) if same else ConnectorError)("; ".join(parts))
            # Nothing configured: each platform's own fix (its settings), not only the first one's.
            prefix = f"{NotConfigured.kind}: "
            if all(why.startswith(prefix) for why in skipped.values()):
                raise NotConfigured("; ".join(f"{p}: {why.removeprefix(prefix).rstrip('.')}" for p, why in skipped.items()) + ".")
            raise ConnectorError("; ".join(f"{p}: {why.rstrip('.')}" for p, why in skipped.items()) + ".")

        rows = build_rows(reports, args)
        sources = {r.platform: r.source for r in reports}
        total_rows, warnings = totals(rows, args, totals_only(reports, args), sources)
        rows = sort_rows(rows, args.sort_keys())
        shown = rows[: args.limit]
        for row in rows:
            row.pop("_bases", None)
        meta["platforms"] = {
            r.platform: {
                "native_level": r.level.native,
                "backend": r.backend,
                "accounts": list(r.accounts),
                "period": r.periods.get("current"),
                **({"compared_with": r.periods["previous"]} if "previous" in r.periods else {}),
                "days": r.source.days,
            }
            for r in reports
        }
        meta.update({"rows": len(rows), "returned": len(shown), "sort": _sort_text(args), "totals": total_rows})
        notes = [f"{r.platform}: {n}" for r in reports for n in r.notes]
        all_warnings = [w for r in reports for w in r.warnings] + warnings
        all_warnings += [f"{p} failed, its rows are missing: {e.render()}" for p, e in failed.items()]
        # What is missing, named for a program (the CLI's exit code); the warnings above say why and the fix.
        missing = [*failed, *(f"{r.platform} account {a}" for r in reports for a in r.failed_accounts)]
        if len(rows) > len(shown):
            notes.append(f"{len(rows) - len(shown)} more rows: raise limit (max 1000) or narrow with name_contains")
        for key, value in (
            ("left_out", left_out), ("skipped", skipped), ("failed", missing), ("notes", notes), ("warnings", all_warnings)
        ):  # fmt: skip
            if value:
                meta[key] = value
        if self.runtime.demo:
            meta["sandbox"] = True
        if args.columns:
            meta["layout"] = "columns"
            return self._fit({"data": as_columns(shown), "meta": meta})
        return self._fit({"data": shown, "meta": meta})

    def _check_accounts(self, args: ReportArgs) -> None:
        """Account ids are checked by each connector's own params before any request, so a typo in one
        platform's ids is the caller's error, not a platform failure after the other platform was queried.
        They are replaced by the ids the params read (a LinkedIn URN becomes its id), so one account given
        twice in two spellings is reported once, not counted twice."""
        for platform, ids in (args.accounts or {}).items():
            connector = self.platforms[platform].connector
            normalized = []
            for account in ids:
                entity, action, params, _ = connector.report.account_call(account)
                spec = connector.catalog.entities[entity].actions[action]
                try:
                    read = validate_params(entity, spec, params)
                except InvalidParams as exc:
                    raise InvalidParams(
                        f"accounts.{platform}: {account!r} is not an account id ({exc.message})",
                        fix=f"Pass the ids {platform} shows (describe(connector=\"{platform}\") tells how to list them).",
                    ) from None
                (value,) = (getattr(read, name) for name in params)  # the account call's one param
                normalized.append(str(value[0] if isinstance(value, list) else value))
            args.accounts[platform] = list(dict.fromkeys(normalized))  # type: ignore[index]

    async def _gather(self, args: ReportArgs, runs: dict[str, list[str]], failed: dict[str, ConnectorError]) -> list[PlatformReport]:
        from .gather import PlatformQuery

        steps = sum(len(accounts) * (3 if args.compare != "none" else 2) for accounts in runs.values())
        done = 0
        notifier = Progress(NAME)  # sends only when the client asked, for this tool

        async def progress(message: str) -> None:
            nonlocal done
            done += 1
            await notifier.report(done, steps, message)

        reports: dict[str, PlatformReport] = {}

        async def one(platform: str, accounts: list[str]) -> None:
            handle = self.platforms[platform]
            query = PlatformQuery(platform, handle.connector.report, handle.execute, args, progress)
            try:
                reports[platform] = await query.run(accounts)
            except ConnectorError as exc:
                failed[platform] = exc
            except Exception as exc:
                log.error("%s: %s: unexpected %s: %s", NAME, platform, type(exc).__name__, scrub(str(exc)))
                failed[platform] = ConnectorError(f"unexpected {type(exc).__name__}; try again, and report it if it repeats.")

        async with anyio.create_task_group() as group:
            for platform, accounts in runs.items():
                group.start_soon(one, platform, accounts)
        return [reports[p] for p in runs if p in reports]

    def _fit(self, result: dict[str, Any]) -> dict[str, Any]:
        """Keep the answer under the result size cap: rows are cut, totals and meta stay."""
        table = result["data"]
        columns = isinstance(table, dict)
        rows = table["rows"] if columns else table
        fitting = records_that_fit(rows, {**result, "data": {**table, "rows": []} if columns else []}, self.max_tokens)
        if fitting < len(rows):
            if columns:
                table["rows"] = rows[:fitting]
            else:
                result["data"] = rows[:fitting]
            result["meta"]["returned"] = fitting
            result["meta"].setdefault("warnings", []).append(
                f"rows cut to {fitting} to stay under ~{self.max_tokens:,} tokens ({MAX_RESULT_TOKENS_SETTING}); "
                "ask fewer metrics, a lower limit or granularity total"
            )
        return result


def as_columns(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Rows as {columns, rows}: each column named once, each row an array in that order (null where a row has none)."""
    columns = list(dict.fromkeys(name for row in rows for name in row))
    return {"columns": columns, "rows": [[row.get(name) for name in columns] for row in rows]}


def _sort_text(args: ReportArgs) -> str:
    return ", ".join(f"{c} {'desc' if d else 'asc'}" for c, d in args.sort_keys())
