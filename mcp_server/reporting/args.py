"""The ads_report arguments: one pydantic model (it is the tool's input schema), checked before any request."""

from __future__ import annotations

import datetime as dt
import difflib
import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..errors import InvalidParams
from ..params import as_list
from ..presets import DatePreset
from ..validation import describe_problems
from .metrics import CHANGE, METRICS
from .periods import Compare, Granularity
from .source import LevelName

DEFAULT_LIMIT, MAX_LIMIT = 25, 1000
MAX_ACCOUNTS = 20
DEFAULT_PRESET = "last_30d"
ROW_TEXT = ("platform", "native_level", "account_id", "account_name", "currency", "id", "name", "period")


def _string_list(value: Any) -> Any:
    value = as_list(value)
    if isinstance(value, list):
        return [str(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in value]
    return value


class ReportArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Descriptions stay short: they are in every agent's context, and the tool description explains the rest.
    level: LevelName = Field("campaign", description="ad_group: TikTok only; campaign_group: LinkedIn only.")
    date_preset: DatePreset | None = Field(None, description=f"In each platform's reporting days; default {DEFAULT_PRESET}.")
    start_date: dt.date | None = Field(None, description="Inclusive, with end_date (instead of date_preset).")
    end_date: dt.date | None = None
    granularity: Granularity = Field("total", description="Weeks start on Monday.")
    platforms: list[str] | None = Field(None, description="Default: every configured one.")
    accounts: dict[str, list[str]] | None = Field(
        None, description='e.g. {"linkedin-ads": ["507"]}; default: the configured account.'
    )
    metrics: list[str] | None = Field(None, description="Default: all.")
    compare: Compare = "none"
    sort: str | None = Field(
        None, description='"spend desc" (default), "period, clicks"; metrics high to low, text A to Z unless asc/desc.'
    )
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Rows; meta.totals cover all.")
    name_contains: str | None = Field(None, description="Case-insensitive.")
    # true: data is {columns, rows}, each row an array in the columns' order (each name once: under half the
    # characters per row). Off by default: one object per row is what every client and the CLI table read.
    columns: bool = Field(False, description="true: data is {columns, rows}, rows as arrays (~0.4x size).")

    @field_validator("platforms", "metrics", mode="before")
    @classmethod
    def _lists(cls, value: Any) -> Any:
        value = _string_list(value)
        if value == []:
            raise ValueError("is empty; leave it out for every one")
        return value

    @field_validator("limit", mode="before")
    @classmethod
    def _not_a_bool(cls, value: Any) -> Any:
        if isinstance(value, bool):  # pydantic would read true as 1; *_execute refuses it too
            raise ValueError(f"must be a whole number from 1 to {MAX_LIMIT}")
        return value

    @field_validator("accounts")
    @classmethod
    def _few_accounts(cls, value: dict[str, list[str]] | None) -> dict[str, list[str]] | None:
        # Each account is a query per period, each with the per-call request budget: keep one call bounded.
        for platform, ids in (value or {}).items():
            if len(ids) > MAX_ACCOUNTS:
                raise ValueError(f"{platform} lists {len(ids)} accounts; one report takes at most {MAX_ACCOUNTS} per platform")
        return value

    @field_validator("accounts", mode="before")
    @classmethod
    def _accounts(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().startswith("{"):
            try:
                value = json.loads(value)
            except RecursionError:  # nested ~1000 deep; pydantic reports ValueErrors (bad JSON) by itself
                raise ValueError("a JSON string nested too deeply to read") from None
        if isinstance(value, dict):
            return {k: _string_list(v) for k, v in value.items()}
        return value

    @field_validator("metrics")
    @classmethod
    def _known_metrics(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        for name in value:
            if name not in METRICS:
                close = difflib.get_close_matches(name, METRICS, n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                raise ValueError(f"unknown metric {name!r}; {hint}use some of {', '.join(METRICS)}")
        return [m for m in METRICS if m in value] or None

    @model_validator(mode="after")
    def _dates(self) -> ReportArgs:
        if self.date_preset and (self.start_date or self.end_date):
            raise ValueError("date_preset and start_date/end_date both give the range; pass one or the other")
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        if (self.start_date is None) != (self.end_date is None):
            raise ValueError("pass start_date and end_date together (or a date_preset)")
        if not self.date_preset and not self.start_date:
            self.date_preset = DEFAULT_PRESET
        return self

    @property
    def wanted(self) -> tuple[str, ...]:
        return tuple(self.metrics or METRICS)

    def sort_keys(self) -> list[tuple[str, bool]]:
        """[(column, descending)], checked against the columns rows have."""
        # By spend when asked, else by the first metric asked (a default must never name a column rows lack).
        first = "spend" if "spend" in self.wanted else self.wanted[0]
        text = self.sort or (f"period asc, {first} desc" if self.granularity != "total" else f"{first} desc")
        columns = [*ROW_TEXT, *(f"{m}{s}" for m in self.wanted for s in ("", "_previous", CHANGE))]
        keys = []
        for part in text.split(","):
            words = part.split()
            if not words or len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
                raise InvalidParams(f"sort {text!r} is not 'column [asc|desc], ...'.", fix='Send e.g. "spend desc".')
            column = words[0]
            if column not in columns:
                close = difflib.get_close_matches(column, columns, n=1)
                hint = f"Did you mean '{close[0]}'? " if close else ""
                raise InvalidParams(
                    f"sort column {column!r} is not a row column.",
                    fix=f"{hint}Sort by a metric asked ({', '.join(self.wanted)}), its _previous/{CHANGE}, name or period.",
                )
            if column.endswith(("_previous", CHANGE)) and self.compare == "none":
                raise InvalidParams(f"sort column {column!r} needs compare.", fix="Pass compare=previous_period or previous_year.")
            # No direction: figures high to low (as marketers read spend), text (name, period) A to Z.
            descending = words[1].lower() == "desc" if len(words) == 2 else column not in ROW_TEXT
            keys.append((column, descending))
        return keys


def parse_args(raw: dict[str, Any]) -> ReportArgs:
    try:
        args = ReportArgs.model_validate(raw)
    except (ValidationError, json.JSONDecodeError) as exc:
        if isinstance(exc, json.JSONDecodeError):
            raise InvalidParams("accounts is a string but not a JSON object.", fix='Send e.g. {"linkedin-ads": ["507"]}.') from None
        raise InvalidParams(
            describe_problems(exc, list(ReportArgs.model_fields), "ads_report", within=None, noun="argument"),
            fix="Correct the arguments above; describe(connector=...) and connectors://metrics explain them.",
        ) from None
    args.sort_keys()
    return args

