"""Reusable param types for catalog models.

Agents send arrays and objects as JSON values, JSON strings, comma lists or
single values; these types accept all of them and normalise to one shape.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


class Params(BaseModel):
    """Base for every action's params: unknown names are errors, not silently dropped."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


def _maybe_json(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip()
        if text and text[0] in "[{":
            try:
                return json.loads(text)
            except (ValueError, RecursionError):  # JSONDecodeError, a 4300+ digit integer, or nested ~1000 deep
                raise ValueError("looks like JSON but does not parse; send a JSON value") from None
    return value


def _id_list(value: Any) -> Any:
    value = _maybe_json(value)
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        value = [v.strip() for v in str(value).split(",") if v.strip()]
    if isinstance(value, list):
        return [str(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in value]
    return value


def _id(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def as_list(value: Any) -> Any:
    """A JSON array string or a comma list becomes a list; other values pass through for validation."""
    value = _maybe_json(value)
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return value


def one_or_json_list(value: Any, *, numbers: bool = False) -> Any:
    """A real list is a list; a string that parses as a JSON array of strings is that list; any other
    string is ONE value. With numbers=True (ids) the array may hold integers too, returned as strings.

    For free text such as names and vendor-defined ids, where a comma belongs to the value ("Brand, Q1")
    and so may a bracket ("[DE] Brand", "[2026]" as a name, a malformed "[a"): only a string that is
    clearly a JSON array of such values splits. Other values pass through for the type to validate."""
    if not isinstance(value, str):
        return value
    if value.strip().startswith("["):
        try:
            parsed = json.loads(value)
        except (ValueError, RecursionError):  # JSONDecodeError, a 4300+ digit integer, or nested ~1000 deep
            return [value]
        if isinstance(parsed, list) and all(_list_item(item, numbers) for item in parsed):
            return [str(item) for item in parsed]
    return [value]


def _list_item(item: Any, numbers: bool) -> bool:
    return isinstance(item, str) or numbers and isinstance(item, int) and not isinstance(item, bool)


# An id kept as a string (TikTok ids exceed 2**53; never a float).
Id = Annotated[str, BeforeValidator(_id)]
# A list of ids: ["1","2"], [1, 2], '["1","2"]', "1,2" or "1".
IdList = Annotated[list[str], BeforeValidator(_id_list)]
# A list of names: ["spend","clicks"], '["spend"]' or "spend,clicks".
StrList = Annotated[list[str], BeforeValidator(as_list)]
# Free-text values (names): "Brand, Q1" is one value; ["Brand, Q1","Q2"] or '["Brand, Q1","Q2"]' are two.
TextList = Annotated[list[Annotated[str, Field(min_length=1)]], BeforeValidator(one_or_json_list)]
# An object given as a JSON value or a JSON string.
JsonObject = Annotated[dict[str, Any], BeforeValidator(_maybe_json)]
# A list of objects given as a JSON value or a JSON string.
JsonObjectList = Annotated[list[dict[str, Any]], BeforeValidator(_maybe_json)]

ISODate = Annotated[dt.date, Field(description="YYYY-MM-DD")]

# ASCII digits only: str.isdigit(), int() and re's \d also take other scripts' digits ("١٢٣", "𝟙𝟚𝟛", "²"),
# and re.match(r"^\d+$") takes a final newline ("123\n"): one full match, written out.
_ASCII_DIGITS = re.compile(r"[0-9]+")


def is_digits(text: str, max_digits: int) -> bool:
    """`text` is 1 to max_digits ASCII digits and nothing else (no sign, space or newline)."""
    return len(text) <= max_digits and _ASCII_DIGITS.fullmatch(text) is not None


def today() -> dt.date:
    """Today in UTC. One place, so tests and defaults agree."""
    return dt.datetime.now(dt.timezone.utc).date()


def last_days(days: int, *, end: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last `days` calendar days ending on `end` (default today), inclusive."""
    end = end or today()
    return end - dt.timedelta(days=days - 1), end


def split_range(start: dt.date, end: dt.date, max_days: int) -> list[tuple[dt.date, dt.date]]:
    """Split an inclusive date range into consecutive chunks of at most max_days."""
    chunks = []
    cursor = start
    while cursor <= end:
        stop = min(end, cursor + dt.timedelta(days=max_days - 1))
        chunks.append((cursor, stop))
        cursor = stop + dt.timedelta(days=1)
    return chunks
