"""What the LinkedIn fake enforces: versions, Rest.li 2.0 syntax on the raw query, error envelopes.

Strict on purpose: percent-encoded structure (`%28`, `List%28`, `%3A(`),
double encoding (`%25`) and raw `:` inside values are all 400 PARAM_INVALID,
so an encoding mistake in our client fails a test instead of passing.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import unquote

from starlette.responses import JSONResponse

# Sunset dates from LinkedIn's migrations page (see the reference, §3).
SUNSETS = {
    "202407": dt.date(2025, 7, 22), "202408": dt.date(2025, 8, 18), "202409": dt.date(2025, 9, 15),
    "202410": dt.date(2025, 10, 15), "202411": dt.date(2025, 11, 17), "202508": dt.date(2026, 8, 17),
    "202510": dt.date(2026, 10, 15), "202511": dt.date(2026, 11, 16), "202601": dt.date(2027, 1, 15),
    "202602": dt.date(2027, 2, 15), "202603": dt.date(2027, 3, 16), "202604": dt.date(2027, 4, 15),
}  # fmt: skip
NEVER_RELEASED = {"202512"}
_ENCODED_STRUCTURE = re.compile(r"^(List)?%28|%3A\(|%3A%28|%2Curn%3A|%3AList", re.IGNORECASE)
# Params whose values are plain text, not Rest.li (the analytics projection is a comma list).
PLAIN = {"fields"}


def version_active(version: str | None, today: dt.date) -> bool:
    if not version or not re.fullmatch(r"20[0-9]{2}(0[1-9]|1[0-2])", version) or version in NEVER_RELEASED:
        return False
    year, month = int(version[:4]), int(version[4:])
    if dt.date(year, month, 1) > today:
        return False  # not released yet
    if version in SUNSETS:
        return today < SUNSETS[version]
    if version <= "202507":
        return False
    return today < dt.date(year + 1, month, 15)  # supported about a year


def error(
    status: int,
    message: str,
    *,
    code: str | None = None,
    service_code: int | None = None,
    field: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {"status": status, "message": message}
    if service_code is not None:
        body["serviceErrorCode"] = service_code
    if code:
        body["code"] = code
    if field:
        body["errorDetailType"] = "com.linkedin.common.error.BadRequest"
        body["errorDetails"] = {
            "inputErrors": [
                {"code": code or "PARAM_INVALID", "description": message, "input": {"inputPath": {"fieldPath": field}}}
            ]
        }
    return JSONResponse(body, status_code=status, headers={"x-li-request-id": "SANDBOX-REQ", **(headers or {})})


class BadParam(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message

    def response(self) -> JSONResponse:
        return error(400, self.message, code="PARAM_INVALID", service_code=100, field=self.field)


class _Strict:
    """A Rest.li 2.0 reader that refuses raw reserved characters inside values."""

    def __init__(self, name: str, text: str):
        self.name, self.text, self.pos = name, text, 0

    def fail(self, why: str) -> BadParam:
        return BadParam(self.name, f"Invalid Rest.li 2.0 value for '{self.name}': {why} (at {self.pos})")

    def value(self) -> Any:
        if self.text.startswith("List(", self.pos):
            self.pos += 5
            return self._seq(self.value)
        if self.text.startswith("(", self.pos):
            self.pos += 1
            return dict(self._seq(self._pair))
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in ",()":
            if self.text[self.pos] == ":":
                raise self.fail("reserved ':' must be percent-encoded inside a value")
            self.pos += 1
        return unquote(self.text[start : self.pos])

    def _pair(self) -> tuple[str, Any]:
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in ":,()":
            self.pos += 1
        if not self.text.startswith(":", self.pos):
            raise self.fail("expected key:value")
        key = unquote(self.text[start : self.pos])
        self.pos += 1
        return key, self.value()

    def _seq(self, item) -> list:
        out: list = []
        if self.text.startswith(")", self.pos):
            self.pos += 1
            return out
        while True:
            out.append(item())
            if self.text.startswith(",", self.pos):
                self.pos += 1
            elif self.text.startswith(")", self.pos):
                self.pos += 1
                return out
            else:
                raise self.fail("expected ',' or ')'")

    def parse(self) -> Any:
        result = self.value()
        if self.pos != len(self.text):
            raise self.fail("unexpected characters")
        return result


def parse_query(raw: str) -> dict[str, Any]:
    """The raw query string → {name: decoded value}; BadParam on anything Rest.li 2.0 would refuse."""
    out: dict[str, Any] = {}
    for part in raw.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        name = unquote(name)
        if "%25" in value:
            raise BadParam(name, f"Invalid value for '{name}': double-encoded (%25)")
        if _ENCODED_STRUCTURE.search(value):
            raise BadParam(name, f"Invalid Rest.li 2.0 value for '{name}': structure characters must not be encoded")
        if name in PLAIN:
            out[name] = [unquote(v) for v in value.split(",") if v]
        else:
            out[name] = _Strict(name, value).parse()
    return out


def int_param(query: dict[str, Any], name: str, default: int, maximum: int, minimum: int = 0) -> int:
    value = query.get(name, default)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise BadParam(name, f"'{name}' must be an integer") from None
    if not minimum <= number <= maximum:
        raise BadParam(name, f"'{name}' must be between {minimum} and {maximum}, got {number}")
    return number
