"""Strict decoding of TikTok query strings for the fake: what TikTok rejects, we reject."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from starlette.datastructures import QueryParams

DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # fullmatch, ASCII digits


class TikTokFault(Exception):
    """An error TikTok would answer with HTTP 200 and a non-zero code."""

    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def invalid(message: str) -> TikTokFault:
    return TikTokFault(40002, message)


class Query:
    def __init__(self, params: QueryParams):
        self.params = params
        for legacy, current in (("filters", "filtering"), ("lifetime", "query_lifetime")):
            if legacy in params:  # v1.2 names; a v1.3 client must not send them
                raise invalid(f"{legacy}: Unknown field. Use {current} in v1.3.")

    def text(self, name: str, *, required: bool = False, choices: tuple[str, ...] = ()) -> str | None:
        value = self.params.get(name)
        if value is None or value == "":
            if required:
                raise invalid(f"{name}: Missing data for required field.")
            return None
        if choices and value not in choices:
            raise invalid(f"{name}: Must be one of: {', '.join(choices)}.")
        return value

    def json(self, name: str, kind: type, *, required: bool = False) -> Any:
        raw = self.text(name, required=required)
        if raw is None:
            return None
        try:
            value = json.loads(raw)
        except ValueError:
            raise invalid(f"{name}: Not a valid JSON string; send it JSON-encoded.") from None
        if not isinstance(value, kind):
            raise invalid(f"{name}: Not a valid {'list' if kind is list else 'object'}.")
        return value

    def integer(self, name: str, *, default: int, maximum: int) -> int:
        raw = self.text(name)
        if raw is None:
            return default
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
            raise invalid(f"{name}: Not a valid integer.")
        value = int(raw)
        if not 1 <= value <= maximum:
            raise invalid(f"{name}: Must be greater than or equal to 1 and less than or equal to {maximum}.")
        return value

    def boolean(self, name: str) -> bool:
        return self.text(name, choices=("true", "false")) == "true"

    def date(self, name: str) -> dt.date:
        raw = self.text(name, required=True)
        if not DATE.fullmatch(raw or ""):
            raise invalid(f"{name}: Not a valid date; use YYYY-MM-DD.")
        try:
            return dt.date.fromisoformat(raw)  # type: ignore[arg-type]
        except ValueError:
            raise invalid(f"{name}: Not a valid date; use YYYY-MM-DD.") from None

    def id_list(self, name: str, *, maximum: int = 100, required: bool = False) -> list[str] | None:
        values = self.json(name, list, required=required)
        if values is None:
            return None
        if len(values) > maximum:
            raise TikTokFault(40011, f"{name}: Too many IDs; at most {maximum} per request.")
        return [str(v) for v in values]


class Grant:
    """The advertisers and Business Centers one token may see; any other gets code 40001."""

    def __init__(self, advertisers: tuple[str, ...], business_centers: tuple[str, ...] = ()):
        self.advertisers = advertisers
        self.business_centers = business_centers

    def check_bc(self, bc_id: str | None) -> str:
        if bc_id not in self.business_centers:
            raise TikTokFault(40001, f"No permission to operate Business Center {bc_id}.")
        return bc_id

    def check(self, advertiser_id: str | None) -> str:
        if advertiser_id not in self.advertisers:
            raise TikTokFault(40001, f"No permission to operate advertiser {advertiser_id}.")
        return advertiser_id
