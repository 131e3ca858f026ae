"""Rest.li 2.0 query encoding, and agent-friendly inputs turned into URNs.

Rest.li 2.0 keeps its structure raw — `List(`, `(`, `)`, `:`, `,` — and
percent-encodes every value inside it, so a URN in a list stays
`urn%3Ali%3A...`. httpx's `params=` would encode the structure too (and
double-encode the values), so the whole query string is built here and sent
as part of the URL. `decode` reads ready-made Rest.li text (encoded or with
raw URNs) back into values, so an agent's string is re-encoded exactly once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, unquote

from ...params import as_list, is_digits

URN_KINDS = {
    "account": "sponsoredAccount",
    "campaign": "sponsoredCampaign",
    "campaign_group": "sponsoredCampaignGroup",
    "creative": "sponsoredCreative",
}
# LinkedIn's ids are Rest.li longs (Microsoft Learn's schemas type every ad object's `id` as long): at most
# 19 ASCII digits. A full match, so a final newline ("...:123%0A" decoded) never passes.
MAX_ID_DIGITS = 19
_URN = re.compile(r"urn:li:([A-Za-z]+):([0-9]{1,%d})" % MAX_ID_DIGITS)


class Raw(str):
    """A value sent as-is (e.g. the comma list of analytics `fields`)."""


def encode(value: Any) -> str:
    """One Rest.li 2.0 value: lists and objects keep raw structure, scalars are percent-encoded."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return quote(value, safe="")
    if isinstance(value, (list, tuple)):
        return "List(" + ",".join(encode(v) for v in value) + ")"
    if isinstance(value, dict):
        # Insertion order: LinkedIn's docs write dateRange as (start:…,end:…); order is not significant.
        return "(" + ",".join(f"{quote(str(k), safe='')}:{encode(v)}" for k, v in value.items()) + ")"
    raise TypeError(f"cannot Rest.li-encode {type(value).__name__}")


def query_string(pairs: Iterable[tuple[str, Any]] | dict[str, Any]) -> str:
    """`name=value&...` with each value Rest.li-encoded; None values are left out."""
    items = pairs.items() if isinstance(pairs, dict) else pairs
    return "&".join(f"{quote(name, safe='')}={encode(value)}" for name, value in items if value is not None)


class _Reader:
    def __init__(self, text: str):
        self.text, self.pos = text, 0

    def peek(self, token: str) -> bool:
        return self.text.startswith(token, self.pos)

    def expect(self, token: str) -> None:
        if not self.peek(token):
            raise ValueError(f"expected '{token}' at position {self.pos} of Rest.li value {self.text!r}")
        self.pos += len(token)

    def value(self) -> Any:
        if self.peek("List("):
            self.pos += 5
            return self._items(")", lambda: self.value())
        if self.peek("("):
            self.pos += 1
            return dict(self._items(")", self._pair))
        return unquote(self._scalar())

    def _scalar(self) -> str:
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in ",()":
            self.pos += 1
        return self.text[start : self.pos]

    def _pair(self) -> tuple[str, Any]:
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in ":,()":
            self.pos += 1
        key = unquote(self.text[start : self.pos])
        self.expect(":")
        return key, self.value()

    def _items(self, close: str, item) -> list:
        out: list = []
        if self.peek(close):
            self.pos += 1
            return out
        while True:
            out.append(item())
            if self.peek(","):
                self.pos += 1
                continue
            self.expect(close)
            return out


def decode(text: str) -> Any:
    """Parse Rest.li 2.0 text into lists, dicts and (decoded) strings.

    Lenient on purpose: raw URNs such as `List(urn:li:sponsoredCampaign:1)` (as
    Airbyte's computed fields hold them) parse too."""
    reader = _Reader(text.strip())
    try:
        result = reader.value()
    except RecursionError:  # the reader recurses per level: List(List(… ~1000 deep is junk, not a value
        raise ValueError("Rest.li value nested too deeply") from None
    if reader.pos != len(reader.text):
        raise ValueError(f"unexpected text after position {reader.pos} of Rest.li value {text!r}")
    return result


def to_urn(kind: str, value: Any) -> str:
    """A plain id, an (encoded) URN of the right kind → `urn:li:<kind>:<id>`."""
    vendor_kind = URN_KINDS[kind]
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(f"expected a {kind} id or URN, got {value!r}")
    text = unquote(str(value).strip())
    if is_digits(text, MAX_ID_DIGITS):
        return f"urn:li:{vendor_kind}:{text}"
    match = _URN.fullmatch(text)
    if not match:
        raise ValueError(
            f"{str(value)[:60]!r} is neither a numeric {kind} id (1 to {MAX_ID_DIGITS} digits 0-9) "
            f"nor a urn:li:{vendor_kind}:<id> URN"
        )
    if match.group(1) != vendor_kind:
        raise ValueError(f"{str(value)[:60]!r} is a {match.group(1)} URN; expected urn:li:{vendor_kind}:<id>")
    return text


def listed_urn(kind: str, value: Any) -> str | None:
    """The URN of an id (or URN) a LinkedIn answer listed, or None when it is no id of that kind."""
    try:
        return to_urn(kind, value)
    except ValueError:
        return None


def to_urns(kind: str, value: Any) -> list[str]:
    """Ids, URNs, a list of either, a comma list, or Rest.li `List(...)` text → URNs."""
    if isinstance(value, str):
        value = decode(value.strip()) if value.strip().startswith("List(") else as_list(value)
    if not isinstance(value, (list, tuple)):
        value = [value]
    if not value:
        raise ValueError(f"expected at least one {kind} id or URN")
    return list(dict.fromkeys(to_urn(kind, v) for v in value))


def urn_id(urn: str) -> str:
    """`urn:li:sponsoredAccount:123` → `123` (ids pass through)."""
    return urn.rsplit(":", 1)[-1]


def date_value(day: dt.date) -> dict[str, int]:
    return {"year": day.year, "month": day.month, "day": day.day}


def date_range(start: dt.date, end: dt.date | None = None) -> dict[str, Any]:
    """The analytics dateRange object; `end` omitted means open up to today."""
    value: dict[str, Any] = {"start": date_value(start)}
    if end is not None:
        value["end"] = date_value(end)
    return value


def parse_date(value: Any) -> dt.date:
    """`{"year":2026,"month":10,"day":1}` or an ISO date string → date."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, dict):
        return dt.date(int(value["year"]), int(value["month"]), int(value["day"]))
    return dt.date.fromisoformat(str(value).strip())
